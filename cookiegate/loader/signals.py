"""The vendor signals a site's loader sends, and the services that load before consent.

Each catalogue service with a ``[signals]`` block (:mod:`cookiegate.catalogue.signals`)
contributes it once (Google Analytics, Google Ads and Tag Manager share Google
Consent Mode's), tied to the first service that brings it, whose state fills
its ``"grant|revoke"`` choices. Google's block comes first, so Consent Mode's
default is the dataLayer's first entry, and it is sent whenever the site uses
any Consent Mode signal, even with no Google service of the catalogue (a custom
service can carry signals too). The site's ``[consent_mode]`` options go into it
here, so the loader never needs to know what they mean.
"""

from __future__ import annotations

import json
import typing as t

from ..catalogue import load_catalogue
from ..catalogue.signals import Signals

if t.TYPE_CHECKING:
    from ..siteconfig.model import SiteConfig

Block = list[t.Any]
#: Google's `gtag("set", …)` options a site may switch on.
_FLAGS = ("ads_data_redaction", "url_passthrough")


def vendor_signals(config: SiteConfig) -> list[Block]:
    """``[form, queue, service index (-1: none), default calls, update calls]`` per vendor."""
    catalogue = load_catalogue()
    found: dict[str, tuple[Signals, int]] = {}
    for index, service in enumerate(config.services):
        entry = catalogue.get(service.catalogue_id) if service.catalogue_id else None
        if entry and entry.signals:
            found.setdefault(json.dumps(entry.signals.compact()), (entry.signals, index))
    google = next(s for s in (e.signals for e in catalogue.entries) if s and s.form == "gtag")
    uses_signals = any(c.consent_mode for c in config.categories) or any(
        s.consent_mode for s in config.services
    )
    if uses_signals:
        found.setdefault(json.dumps(google.compact()), (google, -1))
    blocks = sorted(found.values(), key=lambda item: item[0].form != "gtag")
    return [_block(signals, index, config) for signals, index in blocks]


def _block(signals: Signals, index: int, config: SiteConfig) -> Block:
    default = [_as_denied(list(call)) for call in signals.default]
    if signals.form == "gtag":
        default = [_with_options(call, config) for call in default]
        options = config.consent_mode
        default += [["set", k, True] for k in _FLAGS if getattr(options, k)]
    return [signals.form, signals.queue, index, default, [list(c) for c in signals.update]]


def _as_denied(value: t.Any) -> t.Any:
    """A default call with its placeholders filled as for nothing granted: ``"@"`` is ``{}``,
    ``"@signal"`` is ``"denied"``, ``"a|b"`` is ``b``.

    The loader fills the update calls (``static/js/src/loader/signals.js`` ``fill``) when a
    choice is applied; the defaults are the same on every page view, so they are filled here
    once and the loader sends them as they are (a JSON round trip less as every page starts).
    """
    if isinstance(value, list):
        return [_as_denied(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_denied(v) for k, v in value.items()}
    if not isinstance(value, str):
        return value
    if value == "@":
        return {}
    if value.startswith("@"):
        return "denied"
    return value.split("|")[1] if "|" in value else value


def _with_options(call: list[t.Any], config: SiteConfig) -> list[t.Any]:
    """``gtag('consent', 'default', {…})`` with the site's wait and region added."""
    if call[:2] != ["consent", "default"] or not isinstance(call[2], dict):
        return call
    extra: dict[str, t.Any] = {"wait_for_update": config.consent_mode.wait_for_update}
    if config.consent_mode.region:
        extra["region"] = list(config.consent_mode.region)
    return [*call[:2], {**call[2], **extra}, *call[3:]]


def consent_mode_services(config: SiteConfig) -> list[list[t.Any]]:
    """``[service index, Consent Mode signals]`` for each Google service of the site.

    A Google service granted on its own (its category refused, a per-service
    switch on) grants the Consent Mode signals it carries, so its tags, once
    released, find consent granted; another vendor's service (Meta's pixel also
    lists ``ad_storage`` in the catalogue) never grants Google's signals. The
    loader adds these to the signals of the granted categories
    (``static/js/src/loader/signals.js`` ``sendUpdate``).
    """
    catalogue = load_catalogue()
    found = []
    for index, service in enumerate(config.services):
        entry = catalogue.get(service.catalogue_id) if service.catalogue_id else None
        if entry and entry.signals and entry.signals.form == "gtag" and service.consent_mode:
            found.append([index, sorted(service.consent_mode)])
    return found


def early_services(config: SiteConfig) -> list[int]:
    """Indexes of the services whose tags may load before consent (never their cookies).

    In ``advanced`` Consent Mode, the Google tags (catalogue entries whose
    signals are Consent Mode's, tag managers aside); with ``[tag_manager]
    before_consent``, the tag managers' containers.
    """
    catalogue = load_catalogue()
    early = []
    advanced = config.consent_mode.mode == "advanced"
    for index, service in enumerate(config.services):
        entry = catalogue.get(service.catalogue_id) if service.catalogue_id else None
        if entry is None:
            continue
        if entry.tag_manager:
            if config.tag_manager_early:
                early.append(index)
        elif advanced and entry.signals and entry.signals.form == "gtag":
            early.append(index)
    return early
