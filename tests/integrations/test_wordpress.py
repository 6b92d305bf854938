"""The WordPress plugin (integrations/wordpress/cookiegate/): every file parses, and its head
hook prints the loader first in <head>, with the consent type and WP Consent API registration.

Needs php-cli (``apt-get install php-cli``); skipped without it, a failure when CI requires it
(``COOKIEGATE_REQUIRE_PHP=1``, set by ``.ci/run``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import typing as t
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = ROOT / "integrations" / "wordpress" / "cookiegate"
HARNESS = Path(__file__).with_name("wp_harness.php")


@pytest.fixture(scope="module")
def php() -> str:
    found = shutil.which("php")
    if found:
        return found
    reason = "php-cli is not installed: apt-get install php-cli."
    if os.environ.get("COOKIEGATE_REQUIRE_PHP") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def run_head(
    php: str, server: str, site: str, server_vars: dict[str, str] | None = None
) -> dict[str, t.Any]:
    """Run the plugin's hooks; ``server_vars`` join ``$_SERVER`` (the request's headers)."""
    done = subprocess.run(
        [
            php,
            str(HARNESS),
            str(PLUGIN / "cookiegate.php"),
            server,
            site,
            json.dumps(server_vars or {}),
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return t.cast(dict[str, t.Any], json.loads(done.stdout))


@pytest.mark.parametrize("path", sorted(PLUGIN.rglob("*.php")), ids=lambda p: p.name)
def test_every_plugin_file_parses(php: str, path: Path) -> None:
    done = subprocess.run([php, "-l", str(path)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_loader_comes_first_in_head_with_the_page_nonce(php: str) -> None:
    result = run_head(php, "https://consent.example.com/", "demo")
    lines = result["head"].splitlines()
    assert lines[0] == (
        '<script src="https://consent.example.com/v1/sites/demo/loader.js" '
        'id="cookiegate-loader" nonce="n0nce"></script>'
    )
    assert lines[1:] == ["<!-- early plugin -->", "<!-- enqueued scripts -->"]


def test_the_plugin_says_opt_in_and_registers_with_the_wp_consent_api(php: str) -> None:
    result = run_head(php, "https://consent.example.com", "demo")
    assert result["type"] == "optin"
    assert result["registered"] is True


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_CF_IPCOUNTRY": "US", "HTTP_CF_REGION_CODE": "CA"},
        {"HTTP_CLOUDFRONT_VIEWER_COUNTRY": "US", "HTTP_CLOUDFRONT_VIEWER_COUNTRY_REGION": "TX"},
        {"HTTP_CF_IPCOUNTRY": "JP"},
    ],
)
def test_no_geo_header_makes_the_php_consent_type_weaker_than_opt_in(
    php: str, headers: dict[str, str]
) -> None:
    """PHP's type is optin for every request: the regime is the cookiegate server's to resolve
    (the browser's type follows it; e2e/test_wp_consent_type.py), and a header WordPress sees
    is not validated against the site's ``[jurisdictions]``."""
    assert run_head(php, "https://consent.example.com", "demo", headers)["type"] == "optin"


@pytest.mark.parametrize(
    ("server", "site"),
    [
        ("", "demo"),
        ("https://consent.example.com", ""),
        ("javascript:alert(1)", "demo"),
        ("https://consent.example.com", '"><script>'),
        ("consent.example.com", "demo"),
    ],
)
def test_unset_or_bad_settings_print_no_tag(php: str, server: str, site: str) -> None:
    result = run_head(php, server, site)
    assert "cookiegate" not in result["head"]
    assert result["head"].splitlines() == ["<!-- early plugin -->", "<!-- enqueued scripts -->"]
