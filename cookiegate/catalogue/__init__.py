"""The service catalogue: what each known vendor's tag is, sets and needs.

One TOML file per service in ``entries/``; :func:`load_catalogue` reads and
checks them all.
"""

from __future__ import annotations

from .load import load_catalogue
from .model import Catalogue
from .model import Entry

__all__ = ["Catalogue", "Entry", "load_catalogue"]
