"""cookiegate: a self-hosted cookie consent banner and tag gatekeeper.

``create_app`` builds the Flask app; ``read_consent`` lets a retailer's own
backend read the consent cookie without running the cookiegate server.

Both are loaded on first use (PEP 562 module ``__getattr__``), so a command
that needs only the store and the site configs (``cookiegate export``) does
not import Flask and the whole web app just by importing the package.
"""

from __future__ import annotations

import importlib
import typing as t

if t.TYPE_CHECKING:
    from .app import create_app
    from .consent.tokens import read_consent

__all__ = ["create_app", "read_consent"]

_LAZY = {"create_app": ".app", "read_consent": ".consent.tokens"}


def __getattr__(name: str) -> t.Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
