"""``[gpp]``: what the site declares for the IAB GPP ``usnat`` section, and when pages get it.

The usnat section tells the page's ad partners, through the ``__gpp`` CMP API, whether a
US visitor opted out of the sale or sharing of their data and of targeted advertising
(``static/js/src/gpp/``). The visitor's side comes from their decision and Global Privacy
Control; three fields are the site's own declarations under the IAB Multi-State Privacy
Agreement (MSPA), written here:

- ``mspa_covered_transaction``: the site signed the MSPA and its ad transactions are
  Covered Transactions (required once the table is written);
- ``mspa_opt_out_option_mode`` / ``mspa_service_provider_mode``: which of the MSPA's two
  modes covered transactions are in. The section gives each as 1 (yes), 2 (no) or 0 (not
  applicable); a mode left out is 0. A covered transaction is in one mode and not both,
  and neither applies to a transaction the MSPA does not cover.

Field meanings: "MspaCoveredTransaction", "MspaOptOutOptionMode" and
"MspaServiceProviderMode" in
https://github.com/InteractiveAdvertisingBureau/Global-Privacy-Platform/blob/main/Sections/US-National/IAB%20Privacy%E2%80%99s%20Multi-State%20Privacy%20Agreement%20(MSPA)%20US%20National%20Technical%20Specification.md

A site gets the ``__gpp`` API (one more script after its loader) when it has an ``opt_out``
overlay in ``[jurisdictions]`` or a ``[gpp]`` table; every other site's loader is unchanged.
"""

from __future__ import annotations

import typing as t

from ..core.fields import Fields
from ..jurisdiction.regimes import OPT_OUT
from .model import GppSettings

if t.TYPE_CHECKING:
    from .model import SiteConfig

MODES = ("mspa_opt_out_option_mode", "mspa_service_provider_mode")


def parse_gpp(f: Fields) -> GppSettings | None:
    """``[gpp]`` of the site file; None when the file has no such table."""
    if not f.has("gpp"):
        return None
    table = f.table("gpp")
    covered = table.flag("mspa_covered_transaction")
    modes = [table.flag(key) if table.has(key) else None for key in MODES]
    table.finish()
    if covered and modes == [True, True]:
        table.problem(
            MODES[1],
            "A covered transaction is in Opt-Out Option Mode or in Service Provider Mode, "
            "not both; set one of them to false.",
        )
    if not covered:
        for key, mode in zip(MODES, modes, strict=True):
            if mode is not None:
                table.problem(
                    key,
                    "The MSPA modes apply only to covered transactions; leave this out while "
                    "mspa_covered_transaction is false.",
                )
    return GppSettings(covered, modes[0], modes[1])


def has_gpp(config: SiteConfig) -> bool:
    """Does the site's loader carry the ``__gpp`` API (an opt_out overlay or ``[gpp]``)?"""
    overlays = config.jurisdictions.overlays if config.jurisdictions else ()
    return config.gpp is not None or any(o.regime == OPT_OUT for o in overlays)


def _two_bits(value: bool | None) -> int:
    """The section's 1 (yes), 2 (no) or 0 (not applicable)."""
    return 0 if value is None else 1 if value else 2


def gpp_rules(config: SiteConfig) -> dict[str, object]:
    """The loader rules' ``gpp`` entry, only for a site with the API (so every other site's
    loader is byte for byte what it was): ``[MspaCoveredTransaction, MspaOptOutOptionMode,
    MspaServiceProviderMode]`` as the section encodes them. Without ``[gpp]`` the site has
    declared nothing: not a covered transaction (2), modes not applicable (0)."""
    if not has_gpp(config):
        return {}
    settings = config.gpp or GppSettings(False)
    return {
        "gpp": [
            _two_bits(settings.mspa_covered_transaction),
            _two_bits(settings.mspa_opt_out_option_mode),
            _two_bits(settings.mspa_service_provider_mode),
        ]
    }


def gpp_statement(config: SiteConfig) -> str | None:
    """What ``check-config`` says about the ``__gpp`` API: that the site has it, for whom, and
    the MSPA fields it declares."""
    if not has_gpp(config):
        return None
    names = ("not applicable", "yes", "no")
    covered, opt_out_mode, provider_mode = (
        names[v] for v in t.cast(list[int], gpp_rules(config)["gpp"])
    )
    return (
        "IAB GPP: the loader provides window.__gpp with the usnat section for visitors under "
        f"opt_out; MSPA covered transaction: {covered}, opt-out option mode: {opt_out_mode}, "
        f"service provider mode: {provider_mode}."
    )
