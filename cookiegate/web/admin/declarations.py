"""The admin's declaration page: each site's cookie declaration, its history and its drift.

The version shown is the one this server publishes (and seals into every proof); the history
says which revision went live when; the drift is computed from the latest saved scan now, so
a scan saved since the server started shows here at once (the published declaration follows
at the next start or ``cookiegate publish``).
"""

from __future__ import annotations

from flask import Blueprint
from flask import Flask
from flask import render_template

from ...compliance.declaration import describe
from ...services import declarations
from ..auth import login_required
from ..auth import protect
from ..declaration import localised
from ..state import get_state

bp = Blueprint("declarations", __name__, url_prefix="/admin")


@bp.get("/sites/<site_id>/declaration")
@login_required
def site_declaration(site_id: str) -> str:
    """The site's published declaration, its revisions, and what the latest scan saw of it."""
    state = get_state()
    config = state.site(site_id)
    fresh = declarations.preview(state.store, config)
    return render_template(
        "admin/declaration.html",
        config=config,
        current=state.declaration(config).version,
        history=declarations.history(state.store, config.id),
        scanned_on=fresh.scanned_on,
        drift=[describe(f) for f in fresh.drift],
        d=localised(state, config, config.default_locale),
    )


protect(bp)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
