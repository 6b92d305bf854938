"""Where a visitor is, and which regime applies there: from a country and a region.

The inputs are whatever the operator's CDN or proxy put in two headers (or a
local GeoIP database found), so they are untrusted text. :func:`place_of`
accepts only exact ISO codes and a region that belongs to its country; every
other value (absent, malformed, mixed case, unicode, ``XX``, a region alone
or of another country) is the place :data:`UNKNOWN`, and an unknown place
gets the site's strictest regime. A visitor can therefore only ever reach a
weaker regime by being, as far as the trusted header says, in a place the
site gave a weaker regime.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from . import regimes
from .places import country_of
from .places import is_country
from .places import is_region

#: The jurisdiction reported when the place cannot be trusted.
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Resolution:
    """Where the visitor is taken to be, and what applies there."""

    #: ``GB``, ``DE``, ``US-CA`` or ``unknown``.
    jurisdiction: str
    regime: str
    #: The name of the site's overlay that applies (its ``[jurisdictions.<name>]``).
    overlay: str


@dataclass(frozen=True)
class Rules:
    """A site's regimes and where they apply, as :func:`resolve` reads them."""

    #: Place code (``US-CA`` or ``DE``) -> overlay name; groups already expanded.
    places: t.Mapping[str, str]
    #: Overlay name -> its regime.
    overlays: t.Mapping[str, str]
    #: The overlay of every known place the site did not list.
    default: str

    @property
    def strictest(self) -> str:
        """The overlay for unknown places: the strictest one, the default on a tie."""
        best = regimes.strictest(self.overlays.values())
        if self.overlays[self.default] == best:
            return self.default
        return next(name for name, regime in self.overlays.items() if regime == best)

    @property
    def regional(self) -> frozenset[str]:
        """Countries whose regions the site tells apart (a place like ``US-CA`` is listed)."""
        return frozenset(country_of(p) for p in self.places if "-" in p)


def place_of(country: str | None, region: str | None) -> str:
    """The ISO place code for a country and region header value, or :data:`UNKNOWN`.

    ``region`` may be given bare (``CA``, as Cloudflare and CloudFront send it)
    or with its country (``US-CA``). A region that is present but not one of
    the country's makes the whole place unknown: it is a sign of a forged or
    broken header, and the country alone could select a weaker regime than the
    region would.
    """
    if not country or not is_country(country):
        return UNKNOWN
    if region is None or region == "":
        return country
    bare = region[len(country) + 1 :] if region.startswith(f"{country}-") else region
    return f"{country}-{bare}" if is_region(country, bare) else UNKNOWN


def resolve(rules: Rules, country: str | None, region: str | None) -> Resolution:
    """The jurisdiction and regime of a visitor, from the untrusted header values.

    The region counts (and is reported) only for countries where the site
    lists regions; elsewhere the visitor's jurisdiction is the country.
    """
    place = place_of(country, region)
    if place == UNKNOWN:
        overlay = rules.strictest
        return Resolution(UNKNOWN, rules.overlays[overlay], overlay)
    nation = country_of(place)
    if nation not in rules.regional:
        place = nation
    overlay = rules.places.get(place) or rules.places.get(nation) or rules.default
    return Resolution(place, rules.overlays[overlay], overlay)
