"""The shipped ``deploy/caddy/Caddyfile`` in Debian's caddy, in front of a real server.

The checks are :class:`~tests.system.deploy_checks.DeployChecks`; skipped with the
reason when caddy is missing, failed instead under CI (``COOKIEGATE_REQUIRE_CADDY=1``).
"""

from __future__ import annotations

from pathlib import Path

from .deploy_checks import DeployChecks
from .deploy_servers import Caddy
from .deploy_servers import WebServer


class TestCaddy(DeployChecks):
    server = "caddy"

    @classmethod
    def start(cls, work: Path, out: Path, upstream: str) -> WebServer:
        return Caddy(work, out, upstream)
