"""``[jurisdictions]``: a site's regimes, where each applies, and what each changes.

Each overlay (``[jurisdictions.<name>]``) names a regime and its places, and may
change the banner kind, pre-grant categories, say what Global Privacy Control
means, override texts and use the UK statistics exception. The checks here
refuse what a regulator would: an ``opt_out`` or ``notice`` regime for a place
whose law requires consent first (EU/EEA, UK, Switzerland), categories granted
before any choice under ``opt_in`` (CJEU Planet49), and the UK statistics
exception (PECR reg. 6(4), Data (Use and Access) Act 2025) outside the UK.
A site without the table has one regime, ``opt_in``, everywhere.
"""

from __future__ import annotations

import functools
import typing as t
from dataclasses import dataclass

from ..core.fields import Fields
from ..jurisdiction import regimes
from ..jurisdiction.places import GROUPS
from ..jurisdiction.places import OPT_IN_ONLY
from ..jurisdiction.places import country_of
from ..jurisdiction.places import is_place
from ..jurisdiction.places import requires_opt_in
from ..jurisdiction.resolve import Rules
from ..jurisdiction.usstates import GROUP as US_STATES
from ..jurisdiction.usstates import STATE_LAWS

if t.TYPE_CHECKING:
    from .model import SiteConfig

#: Banner kinds: the opt-in dialog, or an opt-out notice with a "Your Privacy Choices" link.
BANNERS = ("dialog", "notice")
#: What a Global Privacy Control signal means: refuse the categories marked ``gpc_refuses``
#: as a choice (opt-in), or opt out of sale/sharing and targeted ads (US state laws).
GPC_MEANINGS = ("refuse", "opt_out_of_sale")
#: 6 months, the shortest a refusal may be remembered before asking again.
MIN_REFUSAL_DAYS = 182
#: Texts only an opt-out notice shows, on top of the site's text keys.
NOTICE_TEXT_KEYS = ("do_not_sell", "privacy_choices", "notice_title", "notice_description")


@dataclass(frozen=True)
class Overlay:
    """One regime and where it applies, with what it changes."""

    name: str
    regime: str
    #: ISO places, groups expanded (``DE``, ``US-CA``).
    places: tuple[str, ...]
    banner: str
    #: Optional categories on before the visitor chooses (never under ``opt_in``).
    granted: tuple[str, ...]
    gpc: str
    #: locale -> key -> text, over the site's texts.
    texts: t.Mapping[str, t.Mapping[str, str]]
    #: The site's UK statistics exception applies here (UK places only).
    uk_statistics: bool


@dataclass(frozen=True)
class Jurisdictions:
    """The site's overlays and the one for places it does not list."""

    default: str
    overlays: tuple[Overlay, ...]

    def overlay(self, name: str) -> Overlay:
        """The overlay called ``name`` (one of :attr:`overlays`).

        A dictionary lookup: every consent asks it once, and the search it replaced was
        cookiegate's largest self-time entry in the consent profile (3.3 %, bench/README.md).
        """
        return self._by_name[name]

    @functools.cached_property
    def _by_name(self) -> t.Mapping[str, Overlay]:
        return {o.name: o for o in self.overlays}

    @functools.cached_property
    def rules(self) -> Rules:
        """What :func:`cookiegate.jurisdiction.resolve` reads."""
        places = {p: o.name for o in self.overlays for p in o.places}
        return Rules(places, {o.name: o.regime for o in self.overlays}, self.default)


def parse_jurisdictions(
    table: Fields, categories: t.Collection[str], text_keys: t.Collection[str]
) -> Jurisdictions | None:
    """Read ``[jurisdictions]``; None when the site has none.

    :param categories: the site's optional category ids (what may be pre-granted).
    :param text_keys: the text keys a site may override.
    """
    names = [k for k in table.keys() if k != "default"]
    if not names:
        table.string("default", default="")
        table.finish()
        return None
    overlays = tuple(
        _overlay(table.table(n), n, categories, set(text_keys) | set(NOTICE_TEXT_KEYS))
        for n in names
    )
    default = table.string("default", default=names[0])
    if default not in names:
        table.problem("default", f"{default!r} is not one of the overlays {names}.")
        default = names[0]
    table.finish()
    _each_place_once(table, overlays)
    return Jurisdictions(default, overlays)


def _overlay(
    f: Fields, name: str, categories: t.Collection[str], text_keys: t.Collection[str]
) -> Overlay:
    regime = f.string("regime", check=regimes.check_regime) or regimes.OPT_IN
    if regimes.check_regime(regime):
        regime = regimes.OPT_IN
    places = tuple(_places(f))
    default_banner = "dialog" if regime == regimes.OPT_IN else "notice"
    banner = f.string("banner", default=default_banner, check=_one_of(BANNERS, "banner kind"))
    default_gpc = "refuse" if regime == regimes.OPT_IN else "opt_out_of_sale"
    gpc = f.string("gpc", default=default_gpc, check=_one_of(GPC_MEANINGS, "GPC meaning"))
    granted = tuple(f.list_of("granted", str, default=[]))
    for category in granted:
        if category not in categories:
            f.problem("granted", f"{category!r} is not an optional category of this site.")
    texts = _texts(f.table("texts"), text_keys)
    overlay = Overlay(
        name,
        regime,
        places,
        banner,
        granted,
        gpc,
        texts,
        f.flag("uk_statistics_exception", default=False),
    )
    f.finish()
    for key, message in overlay_problems(overlay):
        f.problem(key, message)
    return overlay


def _places(f: Fields) -> t.Iterator[str]:
    for code in f.list_of("places", str, nonempty=True):
        if code == US_STATES:
            yield from (row.place for row in STATE_LAWS)
        elif code in GROUPS:
            yield from sorted(GROUPS[code])
        elif is_place(code):
            yield code
        else:
            f.problem(
                "places",
                f"{code!r} is not an ISO 3166 country (DE) or region (US-CA) in upper case, "
                f"nor a group ({', '.join([*GROUPS, US_STATES])}).",
            )


def _texts(table: Fields, keys: t.Collection[str]) -> dict[str, dict[str, str]]:
    texts: dict[str, dict[str, str]] = {}
    for locale in table.keys():
        flat = table.flat_strings(locale)
        for key in flat:
            if key not in keys:
                table.problem(f"{locale}.{key}", "Unknown text key for an overlay.")
        texts[locale] = flat
    return texts


def _one_of(allowed: tuple[str, ...], what: str) -> t.Callable[[str], str | None]:
    def check(value: str) -> str | None:
        return (
            None if value in allowed else f"{value!r} is not a {what}; use one of {list(allowed)}."
        )

    return check


def overlay_problems(overlay: Overlay) -> t.Iterator[tuple[str, str]]:
    """What a regulator would refuse in one overlay, as (field, message)."""
    if overlay.regime != regimes.OPT_IN:
        strict = sorted(p for p in overlay.places if requires_opt_in(p))
        if strict:
            yield (
                "regime",
                f"{overlay.regime!r} cannot apply to {', '.join(strict)}: the EU/EEA, the UK "
                "and Switzerland require consent before non-essential cookies (opt_in).",
            )
    else:
        if overlay.granted:
            yield (
                "granted",
                f"Categories {list(overlay.granted)} cannot start granted under opt_in: "
                "pre-ticked boxes are not consent (CJEU, Planet49).",
            )
        if overlay.banner != "dialog":
            yield ("banner", "An opt_in regime asks first, so its banner must be 'dialog'.")
        if overlay.gpc != "refuse":
            yield ("gpc", "Under opt_in, GPC refuses the categories marked gpc_refuses ('refuse').")
    if overlay.uk_statistics:
        outside = sorted(p for p in overlay.places if country_of(p) != "GB")
        if outside:
            yield (
                "uk_statistics_exception",
                f"The UK statistics exception is UK law; it cannot apply to {', '.join(outside)}.",
            )


def _each_place_once(table: Fields, overlays: tuple[Overlay, ...]) -> None:
    seen: dict[str, str] = {}
    for o in overlays:
        for p in o.places:
            if p in seen and seen[p] != o.name:
                table.problem(f"{o.name}.places", f"{p!r} is also listed by {seen[p]!r}.")
            seen.setdefault(p, o.name)


def default_problems(j: Jurisdictions) -> t.Iterator[tuple[str, str]]:
    """A weaker default must leave no consent-first country to it."""
    default = j.overlay(j.default)
    if default.regime == regimes.OPT_IN:
        return
    listed = {p for o in j.overlays if o.regime == regimes.OPT_IN for p in o.places}
    missing = sorted(OPT_IN_ONLY - listed)
    if missing:
        yield (
            "default",
            f"The default overlay {default.name!r} is {default.regime!r}, so it would apply to "
            f"{', '.join(missing)}, where consent is required first; list them in an opt_in "
            "overlay or make the default opt_in.",
        )
    if default.uk_statistics:
        yield ("default", "The UK statistics exception cannot be the default everywhere.")


def refusal_lifetime(f: Fields) -> int:
    """Days a refusal is remembered: at least 182 (6 months), apart from acceptance.

    CNIL's recommendation of 17 September 2020 keeps a refusal for six months before asking
    again (summarised at https://www.quantic-avocats.com/2020/11/05/cookies-cnil/), and the
    EU Digital Omnibus proposal of November 2025 writes the same rule.
    """
    days = f.integer("refusal_lifetime_days", default=MIN_REFUSAL_DAYS, minimum=1)
    if 0 < days < MIN_REFUSAL_DAYS:
        f.problem(
            "refusal_lifetime_days",
            f"{days} days is shorter than 6 months ({MIN_REFUSAL_DAYS} days): a refusal "
            "must be remembered at least that long before the banner asks again.",
        )
    return days


def jurisdiction_problems(config: SiteConfig) -> t.Iterator[tuple[str, str]]:
    """Whole-config rules on ``[jurisdictions]``: a weaker default, the UK exception's services."""
    j = config.jurisdictions
    if j is None:
        return
    yield from default_problems(j)
    for o in j.overlays:
        if o.uk_statistics and not config.uk_statistics:
            yield (
                f"{o.name}.uk_statistics_exception",
                "Enable [uk_statistics_exception] and list its services first.",
            )
