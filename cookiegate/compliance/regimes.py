"""The compliance report per jurisdiction: each regime a site's ``[jurisdictions]`` uses,
measured in Chromium with the geo headers of one of its places set on every request.

A site without ``[jurisdictions]`` has no sections (its report is what it always was). A site
with overlays gets one :class:`Visit` per overlay, at the overlay's first place (``EEA``
expands to ``AT`` first, ``US-PRIVACY-LAW-STATES`` to California), and one with no geo header,
which must get the strictest overlay: the main report's rules were measured that way. Each
visit lists the rules of its regime (:func:`rules_for`) with what was measured:

- ``opt_in``: the regime selected, no optional tag before a choice or after Reject all, nothing
  pre-ticked, Reject all as easy as Accept all; with the UK statistics exception, only the
  exempt statistics before a choice and Object works (:mod:`.signals`);
- ``opt_out``: the notice's links, the granted categories only, GPC, Do Not Sell (:mod:`.optout`);
- ``notice``: the regime selected and the granted categories only.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from ..jurisdiction import regimes
from ..jurisdiction.places import country_of
from ..measure.base import SHOWN
from ..measure.base import Check
from ..measure.choice import choice_symmetry
from .optout import NOTICE
from .optout import OptOut
from .probes import blocking
from .run import Labelled
from .run import Run
from .signals import measure_uk_objection
from .stage import Stage

if t.TYPE_CHECKING:
    from playwright.sync_api import Browser

    from ..jurisdiction.source import GeoSource
    from ..siteconfig.model import SiteConfig
    from .stage import InProcessApp

#: What banner.json reports for a request whose place is not known.
UNKNOWN = "unknown"
OPT_IN_RULES = (
    "regime-applied",
    "no-tags-before-consent",
    "no-pre-ticked",
    "choice-same-layer",
    "choice-equal-size",
    "choice-reject-contrast",
)
OPT_OUT_RULES = (
    "regime-applied",
    "optout-links",
    "optout-granted",
    "optout-gpc",
    "optout-do-not-sell",
)
NOTICE_RULES = ("regime-applied", "optout-granted")


@dataclass(frozen=True)
class Visit:
    """One regime, as a visitor from ``place`` (empty: no geo header) gets it."""

    overlay: str
    regime: str
    place: str
    headers: dict[str, str]
    banner: str
    granted: tuple[str, ...]
    uk_statistics: bool

    @property
    def label(self) -> str:
        sent = ", ".join(f"{k}: {v}" for k, v in self.headers.items())
        return f"{self.place} ({sent})" if self.place else "no geo header"


def place_headers(geo: GeoSource, place: str) -> dict[str, str]:
    """The geo headers a CDN would set for ``place`` (``US-CA``: country ``US``, region ``CA``)."""
    headers = {geo.country_header: country_of(place)} if geo.country_header else {}
    if "-" in place and geo.region_header:
        headers[geo.region_header] = place.split("-", 1)[1]
    return headers


def visits(config: SiteConfig, geo: GeoSource) -> list[Visit]:
    """One visit per overlay at its first place, then one with no header; [] without overlays."""
    j = config.jurisdictions
    if j is None:
        return []
    found = [
        Visit(
            o.name,
            o.regime,
            o.places[0],
            place_headers(geo, o.places[0]),
            o.banner,
            o.granted,
            o.uk_statistics,
        )
        for o in j.overlays
    ]
    strict = j.overlay(j.rules.strictest)
    return [*found, Visit(strict.name, strict.regime, "", {}, strict.banner, (), False)]


def rules_for(visit: Visit) -> tuple[str, ...]:
    """The rules that apply to ``visit``'s regime, in the order its section lists them."""
    if not visit.place:
        return ("regime-applied",)  # the main report's rules are this visit's
    if visit.regime == regimes.OPT_IN:
        return OPT_IN_RULES + (("uk-statistics-exception",) if visit.uk_statistics else ())
    return OPT_OUT_RULES if visit.regime == regimes.OPT_OUT else NOTICE_RULES


def regime_applied(stage: Stage, visit: Visit) -> Check:
    """banner.json, asked with the visit's headers, names the overlay's place and regime."""
    data = stage.banner(visit.headers)
    got = (data.get("jurisdiction"), data.get("regime"))
    want = (visit.place or UNKNOWN, visit.regime)
    return Check(
        "regime-applied",
        got == want,
        f"banner.json answered jurisdiction {got[0]!r}, regime {got[1]!r} "
        f"(overlay {visit.overlay!r} expects {want[0]!r}, {want[1]!r})",
    )


def run_regimes(
    app: InProcessApp,
    config: SiteConfig,
    browser: Browser,
    geo: GeoSource,
    *,
    css: t.Sequence[str] = (),
    progress: t.Callable[[str], None] = lambda s: None,
) -> list[tuple[Visit, list[Labelled]]]:
    """Measure each visit's rules; each visit's labelled checks, in :func:`visits` order."""
    return [
        (visit, _measure(app, config, browser, visit, css, progress))
        for visit in visits(config, geo)
    ]


def _measure(
    app: InProcessApp,
    config: SiteConfig,
    browser: Browser,
    visit: Visit,
    css: t.Sequence[str],
    progress: t.Callable[[str], None],
) -> list[Labelled]:
    """One visit's measurements, kept only for the rules of its regime."""
    progress(f"regime {visit.overlay} ({visit.regime}), {visit.label}:")
    stage = Stage(app, config, tuple(css), exempt_on=visit.uk_statistics)
    run = Run(browser, stage, progress, visit.headers)
    run.add(visit.label, regime_applied(stage, visit))
    shown = NOTICE if visit.banner == "notice" else SHOWN
    run.step(
        f"{visit.label}: what the page shows", ["regime-applied"], lambda: _shown(run, visit, shown)
    )
    if visit.place and visit.regime == regimes.OPT_IN:
        _opt_in(run, visit)
    elif visit.place:
        optout = OptOut(run, visit.label, visit.granted)
        if visit.regime == regimes.OPT_OUT:
            optout.measure()
        else:
            run.step(f"{visit.label}: the notice", ["optout-granted"], optout.notice)
    wanted = set(rules_for(visit))
    return [(label, c) for label, c in run.results if c.rule in wanted]


def _shown(run: Run, visit: Visit, shown: str) -> None:
    page = run.page("light", 1280, shown=shown)
    what = "the opt-out notice" if shown == NOTICE else "the opt-in dialog"
    run.add(visit.label, Check("regime-applied", True, f"the page showed {what} ({shown})"))
    page.context.close()
    run.stage.requests.clear()


def _opt_in(run: Run, visit: Visit) -> None:
    """The opt-in rules again, with the place's headers: blocking, and the choice's symmetry."""
    blocking(run)

    def symmetry() -> None:
        page = run.page("light", 1280)
        run.add(f"{visit.label}, first layer", choice_symmetry(page))
        page.context.close()

    run.step(
        f"{visit.label}: first layer",
        ["choice-same-layer", "choice-equal-size", "choice-reject-contrast"],
        symmetry,
    )
    if visit.uk_statistics:
        run.step(visit.label, ["uk-statistics-exception"], lambda: measure_uk_objection(run))
