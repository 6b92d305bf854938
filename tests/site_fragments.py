"""Site config fragments that tests and e2e tests append to the demo site."""

#: A self-hosted analytics service and the switch that lets it run without consent.
UK_SITE = """
[services.voltline-stats]
name = "Voltline statistics"
provider = "Voltline Ltd"
category = "analytics"
description = "Counts visits on our own server to see which pages work."
patterns = ["stats.voltline.example/js", "stats.voltline.example/collect"]
cookies = ["vl_stats_id"]

[uk_statistics_exception]
enabled = true
services = ["voltline-stats"]
"""

#: The vendors with a consent API of their own that the demo lacks (e2e/test_vendor_signals*.py).
VENDOR_SERVICES = """
[services.microsoft-advertising]

[services.microsoft-clarity]

[services.tiktok-pixel]
"""


def advanced_consent_mode(site: str) -> str:
    """``site`` with Google tags loading before consent while Consent Mode says denied (a
    DPO's decision), and click ids passed in URLs."""
    return site.replace('mode = "basic"', 'mode = "advanced"\nurl_passthrough = true', 1)


def uk_only(site: str) -> str:
    """The demo's ``site`` text as a UK-only shop with :data:`UK_SITE`: without its
    ``[jurisdictions]`` (which serve EU visitors too, where the exception is not law), so the
    UK statistics exception applies to every visitor."""
    return site[: site.index("[jurisdictions]")] + UK_SITE
