"""The shipped nginx and Caddy configs, run for real: a cookiegate upstream, a published set,
and the web server in front, each a subprocess on a free loopback port.

Shared by ``tests/system/test_deploy_*.py``, ``e2e/test_fail_closed.py``, ``e2e/test_first_party.py`` and
``bench/static_bench.py``. The shipped files stay the single source: nginx's
placeholders (``__PUBLISH_DIR__`` …) are substituted, Caddy's ``{$ENV}``
placeholders come from its environment. Servers run as ``nobody`` when the
tests run as root, in a temporary prefix, as an operator would run them.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import typing as t
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from cookiegate.core.settings import DEMO_SITES_DIR

ROOT = Path(__file__).resolve().parents[2]
NGINX_CONF = ROOT / "deploy" / "nginx" / "cookiegate.conf"
CADDYFILE = ROOT / "deploy" / "caddy" / "Caddyfile"
FIRST_PARTY_SNIPPET = ROOT / "deploy" / "nginx" / "first-party.conf"
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
KEYS = "deploy-newest-key-0123456789,deploy-older-key-0123456789"
#: Debian's packages, named in skip messages and installed by scripts/test and .ci/run.
PACKAGES = {
    "nginx": "nginx libnginx-mod-http-brotli-static",
    "caddy": "caddy",
}


def require_server(name: str) -> str:
    """The server's binary; skip when it is missing, fail when CI requires it.

    ``COOKIEGATE_REQUIRE_NGINX=1`` / ``COOKIEGATE_REQUIRE_CADDY=1`` (set by
    ``.ci/run``) turn the skip into a failure, as for PostgreSQL.
    """
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    missing = None
    if not found:
        missing = f"{name} is not installed"
    elif name == "nginx" and not BROTLI_MODULE.exists():
        missing = f"nginx's brotli_static module is missing ({BROTLI_MODULE})"
    if missing is None:
        return t.cast(str, found)
    reason = f"{missing}: apt-get install {PACKAGES[name]}."
    if os.environ.get(f"COOKIEGATE_REQUIRE_{name.upper()}") == "1":
        pytest.fail(f"COOKIEGATE_REQUIRE_{name.upper()}=1 but {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, proc: subprocess.Popen[bytes], log: Path, seconds: float = 30) -> None:
    """Wait until ``url`` answers (any HTTP status), or fail with the process's log."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    out = log.read_text(errors="replace") if log.exists() else ""
    raise RuntimeError(f"{url} did not answer within {seconds} s.\n{out[-3000:]}")


def spawn(command: list[str], log: Path, **kwargs: t.Any) -> subprocess.Popen[bytes]:
    """Start a server in its own process group, its output to ``log`` (a pipe could fill)."""
    with log.open("ab") as out:
        return subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, **kwargs
        )


def workdir() -> Path:
    """A temporary folder a server running as ``nobody`` can read (pytest's are private)."""
    path = Path(tempfile.mkdtemp(prefix="cookiegate-deploy-"))
    path.chmod(0o755)
    return path


def _as_server_user(prefix: Path) -> dict[str, t.Any]:
    """``subprocess`` arguments that drop root to ``nobody``, who owns ``prefix``."""
    if os.geteuid() != 0:
        return {}
    nobody = pwd.getpwnam("nobody")
    for path in [prefix, *prefix.rglob("*")]:
        os.chown(path, nobody.pw_uid, nobody.pw_gid)
    return {"user": nobody.pw_uid, "group": nobody.pw_gid, "extra_groups": []}


def cookiegate(*args: str, env: dict[str, str]) -> str:
    """Run the ``cookiegate`` command of this environment; its output, or fail with it."""
    command = [str(Path(sys.executable).with_name("cookiegate")), *args]
    done = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


class Upstream:
    """``cookiegate serve --prod`` on a free port, behind one proxy; can be stopped and restarted."""

    def __init__(self, work: Path, **settings: str) -> None:
        sites = work / "sites"
        sites.mkdir(exist_ok=True)
        if not (sites / "demo.toml").exists():
            shutil.copy(DEMO_SITES_DIR / "demo.toml", sites / "demo.toml")
        self.db = work / "proofs.sqlite3"
        self.log = work / "upstream.log"
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            "COOKIEGATE_SECRET_KEYS": KEYS,
            "COOKIEGATE_DATABASE_URL": f"sqlite:///{self.db}",
            "COOKIEGATE_SITES_DIR": str(sites),
            "COOKIEGATE_INSTANCE_PATH": str(work / "instance"),
            "COOKIEGATE_PROXY_COUNT": "1",
            "COOKIEGATE_FORWARDED_ALLOW_IPS": "127.0.0.1",
            "COOKIEGATE_ACCESS_LOG": "/dev/null",
            **settings,
        }
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Upstream:
        command = [str(Path(sys.executable).with_name("cookiegate")), "serve", "--prod"]
        command += ["--port", str(self.port), "--workers", "1"]
        self.proc = spawn(command, self.log, env={**os.environ, **self.env})
        wait_for(f"{self.base}/healthz", self.proc, self.log)
        return self

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(30)
        self.proc = None

    def publish(self, out: Path, site: str = "demo") -> dict[str, t.Any]:
        """``cookiegate publish`` with this server's settings; the site's manifest."""
        cookiegate("publish", site, "--out", str(out), env=self.env)
        manifest = json.loads((out / f"v1/sites/{site}/manifest.json").read_text())
        return t.cast(dict[str, t.Any], manifest)


class WebServer:
    """A web server subprocess on ``port`` with the shipped config."""

    name = ""
    port: int
    proc: subprocess.Popen[bytes]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(30)


class Nginx(WebServer):
    """Debian's nginx with ``deploy/nginx/cookiegate.conf``, and optional extra server blocks."""

    name = "nginx"

    def __init__(self, work: Path, publish_dir: Path, upstream: str, extra: str = "") -> None:
        binary = require_server("nginx")
        self.port = free_port()
        prefix = work / "nginx"
        (prefix / "tmp").mkdir(parents=True)
        site = NGINX_CONF.read_text()
        for key, value in {
            "__SERVER_NAME__": "127.0.0.1 localhost",
            "__LISTEN__": f"127.0.0.1:{self.port}",
            "__PUBLISH_DIR__": str(publish_dir),
            "__UPSTREAM__": upstream,
        }.items():
            site = site.replace(key, value)
        (prefix / "cookiegate.conf").write_text(site)
        temp = " ".join(
            f"{kind}_temp_path {prefix}/tmp/{kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (prefix / "nginx.conf").write_text(
            f"load_module {BROTLI_MODULE};\n"
            f"daemon off; worker_processes 1; pid {prefix}/nginx.pid;\n"
            f"error_log {prefix}/error.log;\n"
            "events { worker_connections 1024; }\n"
            # As Debian's /etc/nginx/nginx.conf: sendfile, tcp_nopush, no access log here.
            f"http {{ include /etc/nginx/mime.types; sendfile on; tcp_nopush on; "
            f"access_log off; {temp}\n"
            f"include {prefix}/cookiegate.conf;\n{extra}\n}}\n"
        )
        log = work / "nginx.log"
        command = [binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf")]
        self.proc = spawn(command, log, **_as_server_user(prefix))
        wait_for(f"{self.base}/v1/", self.proc, prefix / "error.log")


def shop_server_block(port: int, pages: Path, published: Path, consent_server: str) -> str:
    """The shop's own server block, with the shipped snippet included as an operator would."""
    snippet = FIRST_PARTY_SNIPPET.read_text(encoding="utf-8")
    snippet = snippet.replace("__PUBLISH_DIR__", str(published))
    snippet = snippet.replace("__CONSENT_SERVER__", consent_server)
    (pages.parent / "first-party.conf").write_text(snippet, encoding="utf-8")
    return (
        f"server {{ listen 127.0.0.1:{port}; server_name 127.0.0.1; root {pages}; "
        f"add_header Cache-Control no-store; include {pages.parent / 'first-party.conf'}; }}"
    )


class Caddy(WebServer):
    """Debian's caddy with ``deploy/caddy/Caddyfile``, its placeholders from the environment."""

    name = "caddy"

    def __init__(self, work: Path, publish_dir: Path, upstream: str) -> None:
        binary = require_server("caddy")
        self.port = free_port()
        prefix = work / "caddy"
        prefix.mkdir()
        env = {
            "HOME": str(prefix),
            "XDG_CONFIG_HOME": str(prefix),
            "XDG_DATA_HOME": str(prefix),
            "PATH": os.environ.get("PATH", "/usr/bin"),
            "CADDY_ADMIN": "off",
            "COOKIEGATE_SITE_ADDRESS": f"http://127.0.0.1:{self.port}",
            "COOKIEGATE_PUBLISH_DIR": str(publish_dir),
            "COOKIEGATE_UPSTREAM": upstream,
        }
        command = [binary, "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"]
        log = work / "caddy.log"
        self.proc = spawn(command, log, env=env, **_as_server_user(prefix))
        wait_for(f"{self.base}/v1/", self.proc, log)
