"""The declaration in a language: a plain view the HTML template and Markdown both print.

:func:`view` turns the locale-free model into strings: labels through the caller's
``gettext``, lifetimes, dates and country names through Babel's CLDR data (so "2 years" is
"2 Jahre" and "US" is "Vereinigte Staaten" without a catalog entry). The HTML fragment is
the template ``templates/declaration/fragment.html`` over this view (autoescaped);
:func:`markdown` writes the same view as Markdown, escaped cell by cell.
"""

from __future__ import annotations

import re
import typing as t
from datetime import date
from datetime import timedelta

from babel import Locale
from babel import UnknownLocaleError
from babel.dates import format_date
from babel.dates import format_timedelta

from .model import OWN_SERVICE
from .texts import TEXTS

if t.TYPE_CHECKING:
    from .model import Declaration
    from .model import Entry
    from .model import Item

Gettext = t.Callable[[str], str]


class Names(t.NamedTuple):
    """The banner's words for the declaration, already in the visitor's language."""

    #: category id -> (name, description)
    categories: t.Mapping[str, tuple[str, str]]
    #: service id -> purpose
    purposes: t.Mapping[str, str]


def view(
    declaration: Declaration, revision: int, locale: str, gettext: Gettext, names: Names
) -> dict[str, t.Any]:
    """Everything the declaration prints in ``locale``, as strings."""
    tr = {key: gettext(text) for key, text in TEXTS.items()}
    day = _date(declaration.scanned_on, locale) if declaration.scanned_on else ""
    intro = (
        tr["scanned"] % {"revision": revision, "date": day}
        if day
        else tr["unscanned"] % {"revision": revision}
    )
    return {
        "locale": locale,
        "site": declaration.site_id,
        "title": tr["title"],
        "intro": intro,
        "labels": tr,
        "categories": [
            {
                "id": s.id,
                "name": names.categories.get(s.id, (s.id, ""))[0],
                "description": names.categories.get(s.id, ("", ""))[1],
                "services": [_service(e, locale, tr, names) for e in s.services],
            }
            for s in declaration.sections
            if s.services
        ],
    }


def _service(e: Entry, locale: str, tr: dict[str, str], names: Names) -> dict[str, t.Any]:
    own = e.id == OWN_SERVICE
    territories = _territories(locale)
    countries = ", ".join(territories.get(c, c) for c in e.countries)
    if countries and e.transfer:
        countries += f" ({e.transfer})"
    return {
        "id": e.id,
        "name": tr["own_name"] if own else e.name,
        "provider": e.provider,
        "purpose": tr["own_purpose"] if own else names.purposes.get(e.id, e.purpose),
        "basis": tr.get(e.basis, e.basis),
        "recipients": e.provider,
        "countries": countries,
        "privacy_url": e.privacy_url,
        "items": [_item(i, locale, tr) for i in (*e.cookies, *e.storage)],
    }


def _item(i: Item, locale: str, tr: dict[str, str]) -> dict[str, str]:
    kind = {"cookie": tr["cookie"], "local": tr["local"], "session": tr["session_storage"]}
    party = tr["this_site"] if i.party == "first" else tr["third_party"]
    domain = f"{i.domain} ({party})" if i.domain else party
    seen = tr["observed"] % {"date": _date(i.observed_on, locale)} if i.observed_on else ""
    return {
        "name": i.name,
        "type": kind.get(i.kind, i.kind),
        "domain": domain,
        "lifetime": _lifetime(i, locale, tr),
        "seen": seen or tr["declared_only"],
    }


def _lifetime(i: Item, locale: str, tr: dict[str, str]) -> str:
    """Declared, else what the scan saw; storage lives until deleted or the tab closes."""
    if i.kind != "cookie":
        return tr["session"] if i.kind == "session" else tr["until_deleted"]
    seconds = i.declared if i.declared is not None else i.observed
    if seconds is None:
        return tr["not_declared"]
    if seconds == 0:
        return tr["session"]
    return format_timedelta(timedelta(seconds=seconds), threshold=1, locale=_babel(locale))


def _date(iso: str, locale: str) -> str:
    return format_date(date.fromisoformat(iso), format="long", locale=_babel(locale))


def _babel(locale: str) -> str:
    try:
        Locale.parse(locale)
        return locale
    except (ValueError, UnknownLocaleError):
        return "en"


def _territories(locale: str) -> t.Mapping[str, str]:
    return t.cast(t.Mapping[str, str], Locale.parse(_babel(locale)).territories)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")


def md(text: str) -> str:
    """``text`` as literal Markdown: specials escaped, line breaks folded (one table cell)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def markdown(v: t.Mapping[str, t.Any]) -> str:
    """The view as Markdown: a heading per category, a table per service's items."""
    lab = v["labels"]
    out = [f"# {md(v['title'])}", "", md(v["intro"]), ""]
    for c in v["categories"]:
        out += [f"## {md(c['name'])}", ""]
        if c["description"]:
            out += [md(c["description"]), ""]
        for s in c["services"]:
            out += [f"### {md(s['name'])}", ""]
            for key in ("provider", "purpose", "basis", "recipients", "countries"):
                if s[key]:
                    out.append(f"- **{md(lab[key])}:** {md(s[key])}")
            if s["privacy_url"]:
                out.append(f"- **{md(lab['privacy'])}:** <{s['privacy_url']}>")
            out.append("")
            if s["items"]:
                cols = ("name", "type", "domain", "lifetime", "seen")
                out.append("| " + " | ".join(md(lab[c]) for c in cols) + " |")
                out.append("|" + "---|" * len(cols))
                out += ["| " + " | ".join(md(i[c]) for c in cols) + " |" for i in s["items"]]
                out.append("")
    return "\n".join(out)
