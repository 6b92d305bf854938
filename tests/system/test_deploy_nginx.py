"""The shipped ``deploy/nginx/cookiegate.conf`` in Debian's nginx, in front of a real server.

The checks are :class:`~tests.system.deploy_checks.DeployChecks`; skipped with the
reason when nginx or its brotli module is missing, failed instead under CI
(``COOKIEGATE_REQUIRE_NGINX=1``).
"""

from __future__ import annotations

from pathlib import Path

from .deploy_checks import DeployChecks
from .deploy_servers import Nginx
from .deploy_servers import WebServer


class TestNginx(DeployChecks):
    server = "nginx"

    @classmethod
    def start(cls, work: Path, out: Path, upstream: str) -> WebServer:
        return Nginx(work, out, upstream)
