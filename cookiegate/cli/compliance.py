"""``cookiegate compliance SITE``: every regulator and accessibility rule, with evidence.

Registered on the ``cookiegate`` group by :mod:`cookiegate.cli.main`. The config
and server checks need nothing but the app; the browser checks launch the
system Chromium and answer every request in-process (no server, no network).
"""

from __future__ import annotations

import sys
import typing as t

import click

from ..compliance import BROWSER_NOTE
from ..compliance import Check
from ..compliance import Report
from ..compliance import build_findings
from ..compliance import render
from ..compliance.config import config_checks
from ..compliance.declaration import NO_SCAN
from ..compliance.declaration import RULE as DRIFT_RULE
from ..compliance.declaration import drift_checks
from ..compliance.regimes import rules_for
from ..compliance.report import Section
from ..compliance.rules import BROWSER
from ..compliance.rules import RULES
from ..compliance.signals import server_checks
from ..core.browser import BrowserError
from ..jurisdiction.source import GeoSource
from ..services import compliance as compliance_store
from ..web.state import get_state
from .factory import make_app
from .factory import output_option
from .factory import write_output

#: Header names measured with when the deployment names none: without them every visitor of
#: the running server gets the strictest regime, which the report says in a note.
STAND_IN = GeoSource("CF-IPCountry", "CF-Region-Code")
STAND_IN_NOTE = (
    "COOKIEGATE_GEO_COUNTRY_HEADER is not set, so this server gives every visitor the strictest "
    "regime; the regime sections were measured with CF-IPCountry / CF-Region-Code instead."
)

if t.TYPE_CHECKING:
    from flask import Flask

    from ..compliance.regimes import Visit
    from ..siteconfig.model import SiteConfig


@click.command("compliance")
@click.argument("site")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "html"]),
    default="text",
    show_default=True,
    help="text for a terminal, json for machines, html for an auditor.",
)
@output_option
@click.option(
    "--no-browser",
    is_flag=True,
    help="Check the config and server only; browser rules are reported as not checked.",
)
@click.option(
    "--css",
    "css_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    help="A stylesheet of the shop's own pages to include (repeatable): shop CSS can change "
    "how the banner looks.",
)
def compliance(
    site: str, fmt: str, output: str, no_browser: bool, css_files: tuple[str, ...]
) -> None:
    """Check SITE against every rule and print each with its evidence.

    Exit status 1 when a rule fails. The report is also stored as the site's
    latest, which the admin page /admin/compliance shows. Progress goes to
    standard error.
    """
    app = make_app()
    with app.app_context():
        state = get_state()
        config = state.sites.get(site)
        if config is None:
            raise click.UsageError(f"Unknown site {site!r}; this server has {sorted(state.sites)}.")
        css = [_read(p) for p in css_files]
        _progress(f"Checking {site}: config and server")
        measured: list[tuple[str, Check]] = [("", c) for c in config_checks(config)]
        measured += [("", c) for c in server_checks(app, config)]
        notes: list[str] = []
        browser_info: dict[str, t.Any] = {}
        unchecked: dict[str, str] = {}
        regimes: list[tuple[Visit, list[tuple[str, Check]]]] = []
        drift = drift_checks(state.declaration(config).declaration)
        measured += [("", c) for c in drift]
        if not drift:
            unchecked[DRIFT_RULE] = NO_SCAN
        if no_browser:
            notes.append(BROWSER_NOTE)
            if config.jurisdictions is not None:
                notes.append(_regimes_skipped(config))
            for rule in RULES:
                if rule.methods == (BROWSER,):
                    unchecked.setdefault(rule.id, "not measured: run without --no-browser")
        else:
            found, browser_info, regimes = _browser(app, config, css, notes)
            measured += found
        report = Report(
            site=config.id,
            site_name=config.name,
            revision=config.revision,
            created_at=state.clock().strftime("%Y-%m-%dT%H:%M:%SZ"),
            findings=build_findings(measured, unchecked),
            browser=browser_info,
            notes=tuple(notes),
            sections=_sections(regimes),
        )
        compliance_store.save(state.store, report)
    text = render(report, fmt)
    write_output(text, output, "report")
    if output != "-":
        click.echo(f"Wrote the report to {output}.", err=True)
    click.echo(report.summary(), err=True)
    sys.exit(0 if report.ok else 1)


def _regimes_skipped(config: SiteConfig) -> str:
    """The note naming the per-jurisdiction sections ``--no-browser`` leaves out, so a
    report read later does not pass for one that measured them."""
    assert config.jurisdictions is not None
    names = ", ".join(f"{o.name} ({o.regime})" for o in config.jurisdictions.overlays)
    return (
        f"The site's jurisdiction sections were not measured (--no-browser): {names}, "
        "and the visit with no geo header."
    )


def _progress(line: str) -> None:
    click.echo(line, err=True)


def _read(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise click.UsageError(f"Cannot read stylesheet {path!r}: {e}") from None


def _sections(regimes: list[tuple[Visit, list[tuple[str, Check]]]]) -> tuple[Section, ...]:
    """Each regime's measurements as a report section listing the rules of its regime."""
    return tuple(
        Section(v.overlay, v.regime, v.place, v.headers, build_findings(c, order=rules_for(v)))
        for v, c in regimes
    )


def _browser(
    app: Flask, config: SiteConfig, css: list[str], notes: list[str]
) -> tuple[list[tuple[str, Check]], dict[str, t.Any], list[tuple[Visit, list[tuple[str, Check]]]]]:
    """The main report's browser rules (no geo header), then each regime's, in one Chromium.

    A site with ``[jurisdictions]`` on a server that reads no geo header is measured with
    :data:`STAND_IN` headers, and ``notes`` says so.
    """
    from ..compliance.probes import run_browser
    from ..compliance.regimes import run_regimes
    from ..core import browser

    state = get_state()
    geo = state.geo
    if config.jurisdictions is not None and not geo.configured:
        geo = STAND_IN
        notes.append(STAND_IN_NOTE)
    try:
        with browser.launch() as b:
            found, info = run_browser(app, config, b, css=css, progress=_progress)
            before, state.geo = state.geo, geo  # the in-process app reads these headers
            try:
                regimes = run_regimes(app, config, b, geo, css=css, progress=_progress)
            finally:
                state.geo = before
            return found, info, regimes
    except BrowserError as e:
        raise click.ClickException(
            f"{e} Run with --no-browser to check the config and server only."
        ) from None
