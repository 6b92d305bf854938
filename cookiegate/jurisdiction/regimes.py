"""The regimes a visitor can be under, and which of two is the stricter.

A regime decides what the banner does before the visitor chooses: ``opt_in``
asks first and runs nothing optional until granted (GDPR and the ePrivacy
Directive in the EU/EEA, PECR in the UK, the revFADP in Switzerland);
``opt_out`` may run what the site pre-grants but must offer "Do Not Sell or
Share" and honour Global Privacy Control (US state privacy laws); ``notice``
only informs. Every uncertainty about where a visitor is resolves to the
site's strictest regime, so the order here is what keeps a forged header from
weakening anything.
"""

from __future__ import annotations

import typing as t

OPT_IN = "opt_in"
OPT_OUT = "opt_out"
NOTICE = "notice"

#: Every regime, strictest first.
REGIMES: tuple[str, ...] = (OPT_IN, OPT_OUT, NOTICE)

#: Higher is stricter.
_STRICTNESS = {NOTICE: 0, OPT_OUT: 1, OPT_IN: 2}


def check_regime(value: str) -> str | None:
    """A problem with ``value`` as a regime name, or None when it is one."""
    if value in _STRICTNESS:
        return None
    return f"{value!r} is not a regime; use one of {list(REGIMES)}."


def strictness(regime: str) -> int:
    """A rank to compare regimes by: higher asks more before anything runs.

    :raises KeyError: ``regime`` is not one of :data:`REGIMES` (a bug, not input).
    """
    return _STRICTNESS[regime]


def strictest(regimes: t.Iterable[str]) -> str:
    """The strictest of ``regimes``; ``opt_in`` when there are none (the safe default)."""
    return max(regimes, key=strictness, default=OPT_IN)


def weaker(regime: str, than: str) -> bool:
    """True when ``regime`` asks less of the site than ``than`` does."""
    return strictness(regime) < strictness(than)
