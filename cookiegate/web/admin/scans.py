"""Admin pages for site scans: each site's latest ``cookiegate scan`` report.

The report body is the same Jinja partial the standalone HTML report uses,
so compliance staff see in the admin exactly what the scan file shows.
Everything in it came from scanned pages and is printed autoescaped.
"""

from __future__ import annotations

from flask import Blueprint
from flask import Flask
from flask import render_template

from ...services import scans
from ..auth import login_required
from ..auth import protect
from ..state import get_state

bp = Blueprint("scans", __name__, url_prefix="/admin")


@bp.get("/scans")
@login_required
def index() -> str:
    """Every site with the date and verdict of its latest scan."""
    state = get_state()
    return render_template(
        "admin/scans.html",
        sites=sorted(state.sites.values(), key=lambda c: c.id),
        latest=scans.all_latest(state.store),
    )


@bp.get("/sites/<site_id>/scan")
@login_required
def site_scan(site_id: str) -> str:
    """The site's latest scan report, or how to make one."""
    state = get_state()
    config = state.site(site_id)
    return render_template(
        "admin/scan.html", config=config, scan=scans.latest(state.store, config.id)
    )


protect(bp)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
