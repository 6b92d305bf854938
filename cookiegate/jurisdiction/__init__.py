"""Where a visitor is and which law applies: ISO places, regimes, US state laws, the resolver.

Pure: it takes header values (or a local GeoIP file's answer) and a site's
rules, and returns a jurisdiction and a regime. It reads no request; the web
layer passes the values of the configured headers in.
"""

from __future__ import annotations

from .regimes import NOTICE
from .regimes import OPT_IN
from .regimes import OPT_OUT
from .regimes import REGIMES
from .resolve import UNKNOWN
from .resolve import Resolution
from .resolve import Rules
from .resolve import place_of
from .resolve import resolve

__all__ = [
    "NOTICE",
    "OPT_IN",
    "OPT_OUT",
    "REGIMES",
    "UNKNOWN",
    "Resolution",
    "Rules",
    "place_of",
    "resolve",
]
