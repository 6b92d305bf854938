"""``cookiegate doctor URL``: check a live shop page's embedding of the loader.

This module does the fetching (urllib, nothing to install) and the output;
the checks themselves are :mod:`cookiegate.scan.doctor`, on fetched data.
"""

from __future__ import annotations

import gzip
import json
import typing as t
import urllib.error
import urllib.request
from urllib.parse import urljoin
from urllib.parse import urlsplit

import brotli
import click

from ..scan import doctor as checks
from ..scan.doctor import Fetched
from ..scan.doctor import Finding

#: The loader's URL path on a cookiegate server, whose embed.json sits beside it.
_SERVED = "/v1/sites/{site}/embed.json"


def fetch(url: str, timeout: float, accept_encoding: str = "identity") -> Fetched:
    """GET ``url`` and decode its body; an HTTP error status is an answer, not an error.

    :raises click.ClickException: the server could not be reached at all.
    """
    request = urllib.request.Request(
        url, headers={"Accept-Encoding": accept_encoding, "User-Agent": "cookiegate-doctor"}
    )
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as e:
        response = e
    except (OSError, ValueError) as e:
        raise click.ClickException(f"Could not fetch {url!r}: {e}.") from None
    with response:
        raw = response.read()
        headers = {k.lower(): v for k, v in response.headers.items()}
        encoding = headers.get("content-encoding", "").strip().lower()
        csp = tuple(response.headers.get_all("Content-Security-Policy") or ())
        try:
            body = _decode(raw, encoding)
        except (OSError, brotli.error) as e:
            raise click.ClickException(f"{url!r} sent a broken {encoding} body: {e}.") from None
        return Fetched(response.geturl(), response.status, headers, body, encoding, csp)


def _decode(raw: bytes, encoding: str) -> bytes:
    if encoding == "br":
        return t.cast(bytes, brotli.decompress(raw))
    if encoding in ("gzip", "x-gzip"):
        return gzip.decompress(raw)
    return raw


def _server_side(
    server: str | None, loader_url: str, rules: t.Mapping[str, t.Any] | None, timeout: float
) -> tuple[dict[str, t.Any] | None, dict[str, t.Any] | None]:
    """embed.json and the rules of the server's current loader, or Nones if unreadable."""
    if rules is None or not isinstance(rules.get("site"), str):
        return None, None
    parts = urlsplit(loader_url)
    base = server or f"{parts.scheme}://{parts.netloc}"
    embed_url = urljoin(base.rstrip("/") + "/", _SERVED.format(site=rules["site"]).lstrip("/"))
    answer = fetch(embed_url, timeout)
    if answer.status != 200:
        return None, None
    try:
        embed = json.loads(answer.body)
        current = fetch(urljoin(embed_url, embed["url"]), timeout, "br, gzip")
    except (ValueError, KeyError, TypeError, click.ClickException):
        return None, None
    return embed, checks.embedded_rules(current.body)


def diagnose(url: str, server: str | None, timeout: float) -> list[Finding]:
    """Fetch the page, its loader and the server's current revision; run every check."""
    page = fetch(url, timeout)
    if page.status != 200:
        return [Finding("page", "fail", f"{url!r} answered {page.status}, not 200.")]
    head = checks.read_head(page.body.decode("utf-8", "replace"))
    tag = checks.find_loader(head, page.url)
    findings = [checks.check_first(head, tag)]
    if tag is None:
        return findings
    loader_url = urljoin(page.url, tag.src)
    loader = fetch(loader_url, timeout, "br, gzip")
    rules = checks.embedded_rules(loader.body)
    embed, server_rules = _server_side(server, loader_url, rules, timeout)
    policies = checks.page_policies(page, head)
    api = checks.api_url(loader_url, rules)
    return [
        *findings,
        checks.check_cache(loader),
        checks.check_compression(loader),
        checks.check_sri(tag, loader, page.url),
        checks.check_csp(policies, tag, loader_url, api, page.url),
        checks.check_current(rules, loader_url, embed, server_rules),
    ]


@click.command("doctor")
@click.argument("url")
@click.option(
    "--server",
    metavar="URL",
    help="The cookiegate server, when the loader is published elsewhere "
    "(default: the loader URL's origin).",
)
@click.option("--timeout", default=10.0, show_default=True, help="Seconds per request.")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
def doctor_command(url: str, server: str | None, timeout: float, as_json: bool) -> None:
    """Check a live shop page: loader first in <head>, caching, compression, SRI, CSP, revision.

    Exits non-zero when a check fails.
    """
    if urlsplit(url).scheme not in ("http", "https"):
        raise click.UsageError(f"{url!r} is not an http(s) URL.")
    findings = diagnose(url, server, timeout)
    failed = any(f.status == "fail" for f in findings)
    if as_json:
        rows = [{"check": f.check, "status": f.status, "message": f.message} for f in findings]
        click.echo(json.dumps({"url": url, "ok": not failed, "findings": rows}, indent=2))
    else:
        for f in findings:
            click.echo(f"{f.status:<5} {f.check:<13} {f.message}")
    if failed:
        raise SystemExit(1)
