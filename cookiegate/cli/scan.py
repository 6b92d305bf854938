"""``cookiegate scan URL``: crawl a site in headless Chromium and write its report.

Exit status: 0 when a report was made (pages after the first may have failed:
the report lists them and why), 1 when the scan could not run (first page
unreachable, robots.txt forbids it, no Chromium), 2 for bad arguments.
"""

from __future__ import annotations

import sys
import typing as t
from pathlib import Path

import click

from ..core.browser import BrowserError
from ..core.errors import StoreError
from ..scan import render
from ..scan import scan
from ..scan.crawl import ScanError
from ..scan.urls import UrlError
from ..scan.visitor import Options
from ..services.scans import save_latest
from .catalogue import require_catalogue
from .factory import make_app

if t.TYPE_CHECKING:
    from ..siteconfig.model import SiteConfig
    from ..web.state import State

FORMATS = {".html": render.to_html, ".htm": render.to_html, ".json": render.to_json}


def _output_format(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """Refuse an output the report cannot be written to before a long scan, not after."""
    if value is None or value == "-":
        return value
    if Path(value).suffix.lower() not in FORMATS:
        raise click.BadParameter(
            f"{value!r} must end in .html or .json (or be - for JSON on standard output)."
        )
    folder = Path(value).parent
    if not folder.is_dir():
        raise click.BadParameter(f"the folder {str(folder)!r} does not exist.")
    return value


@click.command("scan")
@click.argument("url")
@click.option(
    "--pages",
    default=20,
    show_default=True,
    type=click.IntRange(1, 500),
    help="Most pages to visit (same-site links, breadth first).",
)
@click.option(
    "--site",
    "site_id",
    help="Compare with this site's config and save the report "
    "as its latest scan (shown in the admin).",
)
@click.option(
    "--output",
    "-o",
    callback=_output_format,
    help="Write the report: report.html (people), report.json, or - (JSON).",
)
@click.option(
    "--timeout",
    default=30.0,
    show_default=True,
    type=click.FloatRange(1, 300),
    help="Seconds a page may take to load.",
)
@click.option(
    "--max-time",
    default=600.0,
    show_default=True,
    type=click.FloatRange(5, 86400),
    help="Seconds for the whole scan; what is left unvisited is listed.",
)
def scan_command(
    url: str,
    pages: int,
    site_id: str | None,
    output: str | None,
    timeout: float,
    max_time: float,
) -> None:
    """Scan a site's pages in headless Chromium, before and after consent.

    Reports what ran or was stored before consent (compliance failures), every
    third party (matched to the service catalogue or not), what the site config
    is missing (with --site), and first-party cookies to classify.
    """
    catalogue = require_catalogue()
    # With --site, the settings, the site and the store are checked before the
    # long scan, so a scan that cannot be saved is refused at once.
    state, config = _site_to_save(site_id) if site_id else (None, None)
    options = Options(
        pages=pages,
        timeout=timeout,
        max_time=max_time,
        progress=lambda msg: click.echo(msg, err=True),
    )
    try:
        report = scan(url, options, config, catalogue)
    except UrlError as e:
        raise click.UsageError(str(e)) from None
    except (ScanError, BrowserError) as e:
        raise click.ClickException(str(e)) from None
    except KeyboardInterrupt:
        raise click.ClickException("Scan interrupted; no report written.") from None
    if output:
        _write_report(report, output)
    if state is not None and config is not None:
        save_latest(state.store, config.id, report, state.clock())
    _print_summary(report, output, saved=config.id if config else None)


def _site_to_save(site_id: str) -> tuple[State, SiteConfig]:
    """The app's state and the config of ``site_id``, once the store answers."""
    state: State = make_app().extensions["cookiegate"]
    if site_id not in state.sites:
        raise click.UsageError(f"Unknown site {site_id!r}; choose from {sorted(state.sites)}.")
    try:
        state.store.ping()
    except StoreError as e:
        raise click.ClickException(f"Cannot save the scan: {e}") from None
    return state, state.sites[site_id]


def _write_report(report: t.Mapping[str, t.Any], output: str) -> None:
    """Write the report as the output's suffix says, or JSON on standard output for ``-``."""
    if output == "-":
        sys.stdout.write(render.to_json(report))
        return
    text = FORMATS[Path(output).suffix.lower()](report)
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as e:
        raise click.ClickException(f"Cannot write {output}: {e.strerror}.") from None


def _print_summary(report: t.Mapping[str, t.Any], output: str | None, saved: str | None) -> None:
    s = report["summary"]
    out = sys.stderr if output == "-" else sys.stdout
    verdicts = {
        "fail": "FAIL: non-necessary services ran or stored data before consent: "
        + ", ".join(s["services_before_consent"]),
        "review": f"CHECK: {s['items_to_review']} unknown item(s) before consent",
        "pass": "PASS: nothing non-necessary before consent",
    }
    lines = [
        verdicts[s["verdict"]],
        f"Pages: {s['pages_scanned']} scanned, {s['pages_failed']} failed, "
        f"{s['pages_skipped']} links not visited",
        "cookiegate loader: "
        + (
            f"site {report['loader']['site']} revision {report['loader']['revision']}"
            if report["loader"]["present"]
            else "not found on the pages"
        ),
        f"Services found: {s['services_found']} known, {s['unmatched_hosts']} unknown hosts; "
        f"{s['cookies']} cookies; {s['first_party_to_classify']} first-party cookies/keys "
        "to classify",
    ]
    if report.get("config") is not None:
        missing = s["missing_from_config"] + [c["domain"] for c in report["config"]["custom"]]
        lines.append("Missing from the config: " + (", ".join(missing) or "none"))
    for p in report["pages"]:
        if p["status"] == "failed":
            lines.append(f"Failed: {p['url']}: {p['error']}")
    if output and output != "-":
        lines.append(f"Report written to {output}")
    if saved:
        lines.append(f"Saved as the latest scan of site {saved} (admin: /admin/sites/{saved}/scan)")
    for line in lines:
        click.echo(line, file=out)
