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
