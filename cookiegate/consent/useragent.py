"""User-agent strings reduced to what a proof needs: browser, OS, device type, bot.

The raw string is a fingerprinting aid, so only this summary is stored. This is
the only module that imports ``user_agents``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

MAX_UA = 1024


@dataclass(frozen=True)
class Agent:
    browser: str
    os: str
    #: ``mobile``, ``tablet``, ``desktop``, ``bot`` or ``other``.
    device: str
    is_bot: bool


def parse(ua_string: str | None) -> Agent:
    """Summarise a ``User-Agent`` header; absent or junk input gives ``Other``."""
    return _parse((ua_string or "")[:MAX_UA])


# Parsing runs a few hundred regexes (~2 ms); a shop's traffic comes from a
# small set of browser builds, so most requests hit the cache.
@functools.lru_cache(maxsize=4096)
def _parse(ua_string: str) -> Agent:
    # Imported on first use: loading its few hundred regexes costs a new
    # worker process ~0.15 s, which a worker serving only reads never needs.
    import user_agents

    ua = user_agents.parse(ua_string)
    if ua.is_bot:
        device = "bot"
    elif ua.is_tablet:
        device = "tablet"
    elif ua.is_mobile:
        device = "mobile"
    elif ua.is_pc:
        device = "desktop"
    else:
        device = "other"
    major = ua.browser.version_string.split(".")[0] if ua.browser.version_string else ""
    browser = f"{ua.browser.family} {major}".strip()
    return Agent(browser=browser[:64], os=ua.os.family[:64], device=device, is_bot=bool(ua.is_bot))
