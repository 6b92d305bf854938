"""The compliance staff's pages under ``/admin``: lookup, dashboard, export, integrity.

Server-rendered and usable without JavaScript (the charts are SVG drawn on
the server). Every page needs a signed-in account; the user, audit and
retention pages (admin role) live in :mod:`cookiegate.web.admin.manage`.
"""

from __future__ import annotations

from flask import Blueprint
from flask import Flask
from flask import Response
from flask import current_app
from flask import redirect
from flask import render_template
from flask import request
from flask import stream_with_context
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as WerkzeugResponse

from ...consent import exports
from ...services import exports as export_service
from ...services import ledger
from ...services import records as reports
from ..auth import audit
from ..auth import login_required
from ..auth import protect
from ..errors import BadRequest
from ..errors import NotFound
from ..publishable import publish_freshness
from ..state import get_state
from . import charts

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _query(max_days: int | None = None, default_days: int = 30) -> reports.Query:
    """The site/from/to/method filters of this request, or a 400 naming the bad one."""
    state = get_state()
    args = request.args
    try:
        return reports.parse_query(
            state.sites,
            (request.view_args or {}).get("site_id") or args.get("site"),
            args.get("from"),
            args.get("to"),
            args.get("method"),
            today=state.clock().date(),
            default_days=default_days,
            max_days=max_days,
            jurisdiction=args.get("jurisdiction", "").strip() or None,
            regime=args.get("regime") or None,
        )
    except reports.QueryError as e:
        raise BadRequest(str(e)) from None


@bp.get("/")
@login_required
def index() -> str:
    """Sites with links to their dashboard, search, export and integrity check."""
    return render_template(
        "admin/index.html", sites=sorted(get_state().sites.values(), key=lambda c: c.id)
    )


@bp.get("/consents")
@login_required
def search() -> WerkzeugResponse | str:
    """Look a consent up by its ID, or list a site's records in a time range."""
    consent_id = request.args.get("id", "").strip()
    if consent_id:
        return redirect(url_for("admin.consent", consent_id=consent_id))
    if not request.args.get("site"):
        return render_template(
            "admin/search.html", sites=sorted(get_state().sites), rows=None, query=None
        )
    query = _query()
    limit = int(current_app.config["ADMIN_SEARCH_LIMIT"])
    rows, total = reports.search(get_state().store, query.range, limit)
    return render_template(
        "admin/search.html",
        sites=sorted(get_state().sites),
        rows=rows,
        total=total,
        query=query,
        limit=limit,
        methods=reports.METHODS,
    )


@bp.get("/consents/<consent_id>")
@login_required
def consent(consent_id: str) -> str:
    """One proof: the record, its history, the content shown and its chain link."""
    state = get_state()
    proof = reports.find(state.store, consent_id.strip())
    if proof is None:
        raise NotFound(_("No consent with ID %(id)s is in the log.", id=consent_id))
    earlier, later = reports.history(state.store, proof)
    shown = ledger.shown_content(state.store, proof["shown_hash"])
    link = reports.check_link(state.store, proof, state.secret_keys)
    return render_template(
        "admin/consent.html", proof=proof, earlier=earlier, later=later, shown=shown, link=link
    )


@bp.get("/sites/<site_id>/dashboard")
@login_required
def dashboard(site_id: str) -> str:
    """Consents per day by method and grant rates per category, as charts and tables."""
    state = get_state()
    config = state.site(site_id)
    query = _query(max_days=366)
    data = reports.dashboard(state.store, query.range, query.start, query.end)
    categories = [c.id for c in config.optional_categories]
    return render_template(
        "admin/dashboard.html",
        config=config,
        query=query,
        data=data,
        categories=categories,
        methods_chart=charts.stacked_bars(data.days, data.methods, data.by_method),
        rates_chart=charts.rate_lines(data.days, categories, data.daily_grants),
        published=publish_freshness(config),
    )


@bp.get("/export")
@login_required
def export_form() -> str:
    state = get_state()
    today = state.clock().date().isoformat()
    return render_template(
        "admin/export.html",
        sites=sorted(state.sites),
        methods=reports.METHODS,
        formats=sorted(exports.FORMATS),
        today=today,
    )


@bp.get("/export/download")
@login_required
def export_download() -> Response:
    """Stream an export as a download; the audit entry is written before the first byte."""
    fmt = request.args.get("format", "")
    if fmt not in exports.FORMATS:
        raise BadRequest(
            _("Format %(fmt)s is not offered; choose csv, json or ndjson.", fmt=repr(fmt))
        )
    query = _query()
    state = get_state()
    plan = export_service.plan_export(state.store, query.range)
    audit("export", **export_service.export_detail(query, plan, fmt))
    body = export_service.export_chunks(
        state.store,
        query,
        plan,
        fmt,
        categories=[c.id for c in state.sites[query.site_id].categories],
        secret_keys=state.secret_keys,
        now=state.clock(),
        batch=int(current_app.config["EXPORT_BATCH"]),
        bom=request.args.get("bom") == "1",
    )
    name = f"cookiegate-{query.site_id}-{query.start}-{query.end}.{fmt}"
    resp = Response(stream_with_context(body), mimetype=exports.FORMATS[fmt])
    resp.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    resp.headers["X-Cookiegate-Chain-Head"] = f"{plan.head[0]} {plan.head[1]}"
    resp.headers["X-Cookiegate-Records"] = str(plan.count)
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/integrity")
@login_required
def integrity() -> str:
    """Verify every site's chain now and show the records checked or the first bad one."""
    state = get_state()
    site_ids = sorted(set(state.sites) | set(ledger.logged_sites(state.store)))
    results = [ledger.verify_log(state.store, s, state.secret_keys) for s in site_ids]
    return render_template("admin/integrity.html", results=results)


@bp.route("/<path:unknown>")
def not_found(unknown: str) -> str:
    """Unknown admin URLs get the admin's HTML 404, not the API's JSON one."""
    raise NotFound(_("There is no admin page at /admin/%(path)s.", path=unknown))


protect(bp)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
