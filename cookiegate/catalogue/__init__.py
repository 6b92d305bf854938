"""The service catalogue: what each known vendor's tag is, sets and needs.

One TOML file per service in ``entries/``; :func:`load_catalogue` reads and
checks them all.
"""

from __future__ import annotations

from .load import Catalogue
from .load import Entry
from .load import load_catalogue

__all__ = ["Catalogue", "Entry", "load_catalogue"]
