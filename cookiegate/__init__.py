"""cookiegate: a self-hosted cookie consent banner and tag gatekeeper.

``create_app`` builds the Flask app; ``read_consent`` lets a retailer's own
backend read the consent cookie without running the cookiegate server.
"""

from __future__ import annotations

from .app import create_app
from .consent.tokens import read_consent

__all__ = ["create_app", "read_consent"]
