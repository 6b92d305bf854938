"""The server-side gate: WSGI middleware that makes blocked tags inert before they reach the
browser, so not even its preload scanner fetches them (docs/gate.md)."""

from __future__ import annotations

from .middleware import ConsentGate

__all__ = ["ConsentGate"]
