"""A site's vendor-signal settings: the Consent Mode mode and the tag manager.

``[consent_mode]`` says how Google tags meet a visitor who has not chosen
yet: ``basic`` (the default) keeps them blocked like every other tag until
their category is granted; ``advanced`` lets them load while Consent Mode
says denied, so they send cookieless pings (Google's own terms, and a
decision the DPO must sign off: some authorities hold that such pings need
consent too). The other keys are Google's documented options of the default
command and of ``gtag('set', …)``.

``[tag_manager]`` says whether a tag manager's container (a catalogue entry
with ``tag_manager = true``, such as Google Tag Manager) may load before
consent, which Consent Mode inside the container needs; every tag it inserts
is still held by its own service.
"""

from __future__ import annotations

import re

from ..core import checks
from ..core.fields import Fields
from .model import ConsentModeSettings
from .model import SiteConfig

MODES = ("basic", "advanced")
_REGION = re.compile(r"([A-Z]{2})(-[A-Z0-9]{1,3})?")


def parse_consent_mode(table: Fields) -> ConsentModeSettings:
    """The ``[consent_mode]`` table; every key is optional."""
    mode = table.string(
        "mode",
        default="basic",
        check=lambda v: None if v in MODES else f"Use one of {list(MODES)}.",
    )
    wait = table.integer("wait_for_update", default=500, minimum=0)
    if wait > 10_000:
        table.problem("wait_for_update", "At most 10000 ms; tags wait this long for an update.")
    settings = ConsentModeSettings(
        mode=mode,
        wait_for_update=wait,
        region=tuple(table.list_of("region", str, default=[], check=_check_region)),
        ads_data_redaction=table.flag("ads_data_redaction", default=mode == "advanced"),
        url_passthrough=table.flag("url_passthrough", default=False),
    )
    table.finish()
    return settings


def parse_tag_manager(table: Fields) -> bool:
    """``[tag_manager] before_consent``: may the container load before a choice?"""
    early = table.flag("before_consent", default=False)
    table.finish()
    return early


def _check_region(value: str) -> str | None:
    """ISO 3166-1 (``ES``) or 3166-2 (``US-CA``), as Google's ``region`` key takes them."""
    match = _REGION.fullmatch(value)
    if not match or checks.check_country(match.group(1)):
        return f"{value!r} is not an ISO 3166 country or subdivision code such as 'DE' or 'US-CA'."
    return None


def mode_statement(config: SiteConfig) -> tuple[bool, str]:
    """``(needs a DPO's sign-off, what the site's settings let load before consent)``.

    ``check-config`` prints it and the compliance report files it under
    ``no-tags-before-consent``: ``advanced`` is legal in some places and not in
    others, so it is never silent.
    """
    mode = config.consent_mode.mode
    if mode == "advanced":
        text = (
            "[consent_mode] mode = advanced: Google tags load before consent and send "
            "cookieless pings while Consent Mode says denied; every other vendor stays blocked. "
            "A decision the DPO must sign off: some authorities hold that such pings need "
            "consent too."
        )
    else:
        text = "[consent_mode] mode = basic: Google tags wait for consent like every other tag."
    if config.tag_manager_early:
        text += (
            " [tag_manager] before_consent = true: the tag manager's container loads before "
            "consent; every tag it inserts waits for its own service."
        )
    return mode == "advanced", text
