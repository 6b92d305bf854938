"""Staff sign-in and sign-out under ``/admin``.

Staff sign in with an e-mail and password (hashes only, see
:mod:`cookiegate.services.accounts`); each attempt, failed or not, goes to the
audit log, and attempts are rate limited per IP and per e-mail with
Flask-Limiter. The blueprint keeps the name ``auth`` it always had, so
``url_for("auth.login")`` in views and templates stays as it was.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint
from flask import Flask
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ...services import accounts
from ..auth import audit
from ..auth import current_account
from ..auth import protect
from ..limits import get_limiter
from ..state import get_state

bp = Blueprint("auth", __name__, url_prefix="/admin")


def _safe_next(target: str | None) -> str:
    """Only redirect to a path of the admin area, never to another site."""
    if target and target.startswith("/admin") and not urlsplit(target).netloc:
        if not target.startswith("//") and "\\" not in target:
            return target
    return url_for("admin.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int] | str:
    """The sign-in form; a success starts a fresh session (no fixation)."""
    if request.method == "GET":
        return render_template("admin/login.html", next=request.args.get("next", ""))
    email = request.form.get("email", "")
    account = accounts.authenticate(get_state().store, email, request.form.get("password", ""))
    if account is None:
        audit("login", "failed", actor=accounts.normalise_email(email) or "-")
        error = _("Wrong e-mail or password.")
        return render_template(
            "admin/login.html", error=error, email=email, next=request.form.get("next", "")
        ), 401
    session.clear()
    session["account_id"] = account.id
    session.permanent = True
    g.account = account
    audit("login")
    return redirect(_safe_next(request.form.get("next")))


@bp.post("/logout")
def logout() -> Response:
    """End the session and go back to the sign-in form."""
    if current_account() is not None:
        audit("logout")
    session.clear()
    return redirect(url_for("auth.login"))


protect(bp)


def init_app(app: Flask) -> None:
    """Register the sign-in views behind this app's login rate limits."""
    limiter = get_limiter(app)
    limiter.limit(str(app.config["LOGIN_RATE_LIMIT"]), methods=["POST"])(bp)
    limiter.limit(
        str(app.config["LOGIN_RATE_LIMIT_PER_ACCOUNT"]),
        methods=["POST"],
        key_func=lambda: "login:" + accounts.normalise_email(request.form.get("email", "")),
    )(bp)
    app.register_blueprint(bp)
