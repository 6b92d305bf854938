"""The compliance page under ``/admin``: each site's latest report and its config checks now.

A web request cannot launch a browser, so the browser measurements come from
the last ``cookiegate compliance SITE`` run (stored by the command); the config
and server checks need no browser and are run live, so a config change shows
here at once.
"""

from __future__ import annotations

import typing as t

from flask import Blueprint
from flask import Flask
from flask import current_app
from flask import render_template
from flask_babel import gettext

from ...compliance import NOT_CHECKED
from ...compliance import build_findings
from ...compliance import finding_rows
from ...compliance.config import config_checks
from ...compliance.signals import server_checks
from ...services import compliance as compliance_store
from ..auth import login_required
from ..auth import protect
from ..state import get_state

bp = Blueprint("compliance", __name__, url_prefix="/admin")


@bp.get("/compliance")
@login_required
def index() -> str:
    """Every site: its stored report (browser rules included) and the live config checks."""
    state = get_state()
    saved = compliance_store.latest(state.store)
    app = t.cast(Flask, current_app._get_current_object())  # type: ignore[attr-defined]
    sites = []
    for config in sorted(state.sites.values(), key=lambda c: c.id):
        measured = [("", c) for c in config_checks(config) + server_checks(app, config)]
        live = [f for f in build_findings(measured) if f.status != NOT_CHECKED]
        report = saved.get(config.id)
        sites.append(
            {
                "config": config,
                "report": report,
                "rows": finding_rows(report.findings) if report else [],
                "live": finding_rows(live),
            }
        )
    # Rule texts are translated without %-formatting: they hold a literal "%".
    return render_template("admin/compliance.html", sites=sites, tr=gettext)


protect(bp)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
