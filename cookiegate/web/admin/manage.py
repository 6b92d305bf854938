"""Admin-role pages: accounts, the audit log and retention purges.

A viewer reaching any of these gets 403 and an audit entry
(:func:`cookiegate.web.auth.admin_required`); every change is audited.
"""

from __future__ import annotations

from flask import Blueprint
from flask import Flask
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from werkzeug.wrappers import Response

from ...core.times import iso_utc
from ...services import accounts
from ...services import retention
from ..auth import admin_required
from ..auth import audit
from ..auth import current_account
from ..auth import protect
from ..errors import BadRequest
from ..state import get_state

bp = Blueprint("manage", __name__, url_prefix="/admin")


@bp.get("/users")
@admin_required
def users() -> str:
    return render_template(
        "admin/users.html", accounts=accounts.all_accounts(get_state().store), roles=accounts.ROLES
    )


@bp.post("/users")
@admin_required
def create_user() -> Response:
    state = get_state()
    email, role = request.form.get("email", ""), request.form.get("role", "viewer")
    try:
        made = accounts.create(
            state.store, email, request.form.get("password", ""), role, now=iso_utc(state.clock())
        )
    except accounts.AccountError as e:
        raise BadRequest(str(e)) from None
    audit("user_create", email=made.email, role=made.role)
    flash(_("Account %(email)s created.", email=made.email))
    return redirect(url_for("manage.users"))


@bp.post("/users/<int:account_id>")
@admin_required
def update_user(account_id: int) -> Response:
    """Change an account's role or (de)activate it."""
    role = request.form.get("role") or None
    active = {"1": True, "0": False}.get(request.form.get("active", ""))
    me = current_account()
    if me is not None and me.id == account_id and (active is False or role == "viewer"):
        raise BadRequest(_("You cannot demote or deactivate your own account."))
    try:
        changed = accounts.update(get_state().store, account_id, role=role, active=active)
    except accounts.AccountError as e:
        raise BadRequest(str(e)) from None
    audit("user_update", email=changed.email, role=changed.role, active=changed.active)
    flash(_("Account %(email)s updated.", email=changed.email))
    return redirect(url_for("manage.users"))


@bp.get("/audit")
@admin_required
def audit_log() -> str:
    """The newest audit entries, 100 per page."""
    before = request.args.get("before", type=int)
    entries = accounts.read_audit(get_state().store, 100, before)
    return render_template("admin/audit.html", entries=entries)


@bp.get("/retention")
@admin_required
def retention_plan() -> str:
    """What a purge would delete per site now (a dry run)."""
    state = get_state()
    now = state.clock()
    plans = [
        (config, retention.plan(state.store, config, now))
        for config in sorted(state.sites.values(), key=lambda c: c.id)
    ]
    return render_template("admin/retention.html", plans=plans)


@bp.post("/retention")
@admin_required
def purge() -> Response:
    """Purge one site's records past retention, keeping the rest verifiable."""
    state = get_state()
    config = state.site(request.form.get("site", ""))
    try:
        done = retention.purge(state.store, config, state.clock(), state.secret_keys)
    except retention.RetentionError as e:
        audit("purge", "refused", site=config.id, reason=str(e))
        raise BadRequest(str(e)) from None
    audit("purge", site=config.id, deleted=done.count, through=done.through, cutoff=done.cutoff)
    flash(
        ngettext(
            "%(site)s: %(num)d record purged.",
            "%(site)s: %(num)d records purged.",
            done.count,
            site=config.id,
        )
    )
    return redirect(url_for("manage.retention_plan"))


protect(bp)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
