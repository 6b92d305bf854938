"""How a vendor is told the visitor's choice: its own consent API, as data.

Blocking a tag is not enough for vendors that require a consent signal of
their own (Google Consent Mode, Microsoft UET and Clarity, Meta, TikTok). An
entry's ``[signals]`` table writes down, from the vendor's documentation,
which global the vendor reads (``queue``), how a call reaches it before its
script has run (``form``), and the calls for the default and for each change.
The loader interprets them with one small routine
(``static/js/src/loader/signals.js``), so a new vendor is a catalogue edit,
not loader code.

Forms (how one call ``[a, b, …]`` is delivered):

- ``gtag``: ``window[queue].push(arguments)``, creating the array; gtag.js
  reads Consent Mode only from ``arguments`` objects.
- ``method``: ``window[queue][a](b, …)`` when that method exists, else
  ``[a, b, …]`` is pushed onto ``window[queue]`` (created as an array): the
  queue TikTok's base code keeps, and ``["push", …]`` for UET's
  ``uetq.push(…)``.
- ``call``: ``window[queue](a, b, …)``; while the vendor's snippet has not
  defined the function yet, the calls wait and are made on the first read after
  it does (Meta's snippet returns early if ``fbq`` already exists, so the
  loader cannot define it first), which puts them before the snippet's own
  ``init``.

Placeholders in a call's strings: ``"@"`` is an object of every Consent Mode
signal the site's categories carry, each ``granted`` or ``denied`` (what
Google's update takes); ``"@ad_storage"`` is the state of that one signal;
``"grant|revoke"`` picks the left word when the entry's service may run, the
right one otherwise. Defaults are filled with nothing granted.
"""

from __future__ import annotations

import json
import re
import typing as t
from dataclasses import dataclass

from ..core.checks import CONSENT_SIGNALS
from ..core.fields import Fields

FORMS = ("gtag", "method", "call")
_IDENTIFIER = re.compile(r"[A-Za-z_$][\w$]*")


@dataclass(frozen=True)
class Signals:
    """One vendor's consent API, as the loader calls it."""

    #: The vendor page that documents these calls.
    source: str
    #: The global the vendor's script reads: ``dataLayer``, ``uetq``, ``fbq`` …
    queue: str
    #: How a call reaches it (see the module docstring).
    form: str
    #: Calls made before any tag can run, in the vendor's order.
    default: tuple[t.Any, ...]
    #: Calls made whenever the choice in force changes, in the vendor's order.
    update: tuple[t.Any, ...]

    def calls(self, which: str) -> list[str]:
        """The ``default`` or ``update`` calls as JavaScript, for the docs and the CLI."""
        return [_as_js(self.form, self.queue, call) for call in getattr(self, which)]

    def compact(self) -> list[t.Any]:
        """``[form, queue, default calls, update calls]``, JSON-ready."""
        return [self.form, self.queue, list(self.default), list(self.update)]


def _as_js(form: str, queue: str, call: list[t.Any]) -> str:
    args = [json.dumps(v, ensure_ascii=False) for v in call]
    if form == "gtag":
        return f"gtag({', '.join(args)})"
    if form == "method":
        return f"{queue}.{call[0]}({', '.join(args[1:])})"
    return f"{queue}({', '.join(args)})"


def parse_signals(f: Fields, check_url: t.Callable[[str], str | None]) -> Signals | None:
    """The entry's ``[signals]`` table, or None when it has none.

    Problems are recorded on ``f`` by field path (``signals.update[0][2]``).
    """
    if not f.has("signals"):
        return None
    s = f.table("signals")
    form = s.string("form", check=lambda v: None if v in FORMS else f"Use one of {list(FORMS)}.")
    signals = Signals(
        source=s.string("source", check=check_url),
        queue=s.string("queue", check=_check_identifier),
        form=form,
        default=tuple(_calls(s, "default", form)),
        update=tuple(_calls(s, "update", form)),
    )
    s.finish()
    return signals


def _calls(s: Fields, key: str, form: str) -> list[list[t.Any]]:
    calls = s.list_of(key, list, nonempty=True)
    for i, call in enumerate(calls):
        if not call or not isinstance(call[0], str):
            s.problem(f"{key}[{i}]", "A call is a list starting with a string.")
            continue
        if form == "method" and any(_check_identifier(w) for w in call[0].split("|")):
            s.problem(f"{key}[{i}][0]", f"{call[0]!r} must name a method (or a choice of two).")
        for j, value in enumerate(call):
            why = _check_value(value)
            if why:
                s.problem(f"{key}[{i}][{j}]", why)
    return calls


def _check_identifier(value: str) -> str | None:
    return None if _IDENTIFIER.fullmatch(value) else f"{value!r} is not a JavaScript name."


def _check_value(value: t.Any) -> str | None:
    """Strings (placeholders checked), numbers, flags, lists and tables of them."""
    if isinstance(value, dict):
        return next((w for w in map(_check_value, value.values()) if w), None)
    if isinstance(value, list):
        return next((w for w in map(_check_value, value) if w), None)
    if isinstance(value, bool | int | float):
        return None
    if not isinstance(value, str):
        return f"Unsupported value {value!r}."
    if value.startswith("@") and value != "@" and value[1:] not in CONSENT_SIGNALS:
        return f"{value!r} names no Consent Mode signal; use one of {list(CONSENT_SIGNALS)}."
    if "|" in value and (value.count("|") != 1 or "" in value.split("|")):
        return f"{value!r}: a choice is two words around one '|' (granted|denied)."
    return None
