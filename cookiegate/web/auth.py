"""Admin login and the guards every admin page passes: session, CSRF, role.

Staff sign in with an e-mail and password (hashes only, see
:mod:`cookiegate.accounts`). The session cookie is HttpOnly, SameSite=Lax,
scoped to ``/admin`` and Secure whenever the request came over https; every
POST carries a CSRF token (missing or wrong: 400); login attempts are rate
limited per IP and per e-mail with Flask-Limiter; a viewer asking for an
admin action gets 403 and an audit entry.
"""

from __future__ import annotations

import functools
import typing as t
from urllib.parse import urlsplit

from flask import Blueprint
from flask import Flask
from flask import g
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from flask_wtf.csrf import generate_csrf
from flask_wtf.csrf import validate_csrf
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response
from wtforms import ValidationError

from ..services import accounts
from .errors import Forbidden
from .errors import error_page
from .limits import get_limiter
from .state import get_state

bp = Blueprint("auth", __name__, url_prefix="/admin")
F = t.TypeVar("F", bound=t.Callable[..., t.Any])


class AdminSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, marked Secure on every https request.

    ``SESSION_COOKIE_SECURE`` is one value for the whole app; this keeps the
    cookie usable on plain-http development servers while a deployment
    behind TLS gets Secure without extra configuration.
    """

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def current_account() -> accounts.Account | None:
    """The signed-in, still active account of this request, loaded once."""
    if "account" not in g:
        account_id = session.get("account_id")
        g.account = accounts.get(get_state().store, account_id) if account_id else None
    return t.cast("accounts.Account | None", g.account)


def audit(action: str, outcome: str = "ok", actor: str | None = None, **detail: t.Any) -> None:
    """Write an audit entry for the signed-in account (or ``actor``)."""
    account = current_account()
    state = get_state()
    accounts.audit(
        state.store,
        actor=actor or (account.email if account else "anonymous"),
        action=action,
        outcome=outcome,
        now=state.clock(),
        ip=request.remote_addr,
        **detail,
    )


def login_required(view: F) -> F:
    """Send anonymous visitors to the login page, back here afterwards."""

    @functools.wraps(view)
    def wrapped(*args: t.Any, **kwargs: t.Any) -> t.Any:
        if current_account() is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return t.cast(F, wrapped)


def admin_required(view: F) -> F:
    """Admin role only; a viewer gets 403 and the attempt is audited."""

    @functools.wraps(view)
    @login_required
    def wrapped(*args: t.Any, **kwargs: t.Any) -> t.Any:
        account = current_account()
        if account is None or not account.is_admin:
            audit("forbidden", "refused", path=request.path, method=request.method)
            raise Forbidden(_("This action needs the admin role."))
        return view(*args, **kwargs)

    return t.cast(F, wrapped)


def check_csrf() -> None:
    """Refuse a POST without the session's CSRF token (400), before any view runs."""
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        try:
            validate_csrf(request.form.get("csrf_token"))
        except ValidationError as e:
            raise CSRFError(
                _(
                    "The form's security token is missing or expired (%(why)s) — "
                    "reload the page and try again.",
                    why=str(e),
                )
            ) from None


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
    if current_account() is not None:
        audit("logout")
    session.clear()
    return redirect(url_for("auth.login"))


def protect(blueprint: Blueprint) -> None:
    """Give an admin blueprint the CSRF check and HTML error pages."""
    blueprint.before_request(check_csrf)
    blueprint.register_error_handler(HTTPException, error_page)
    blueprint.register_error_handler(Exception, error_page)


def _page_lang() -> str:
    """The ``<html lang>`` of admin pages: the locale flask-babel chose."""
    return str(get_locale() or "en").replace("_", "-")


protect(bp)


def init_app(app: Flask) -> None:
    """Session cookie policy, login rate limits, CSRF helper and the login views."""
    app.session_interface = AdminSessionInterface()
    limiter = get_limiter(app)
    limiter.limit(str(app.config["LOGIN_RATE_LIMIT"]), methods=["POST"])(bp)
    limiter.limit(
        str(app.config["LOGIN_RATE_LIMIT_PER_ACCOUNT"]),
        methods=["POST"],
        key_func=lambda: "login:" + accounts.normalise_email(request.form.get("email", "")),
    )(bp)
    app.jinja_env.globals["csrf_token"] = generate_csrf
    app.jinja_env.globals["current_account"] = current_account
    app.jinja_env.globals["page_lang"] = _page_lang
    app.register_blueprint(bp)
