"""The guards every admin page passes: the staff session, CSRF and the role check.

The session cookie is HttpOnly, SameSite=Lax, scoped to ``/admin`` and
Secure whenever the request came over https; every POST carries a CSRF token
(missing or wrong: 400); a viewer asking for an admin action gets 403 and an
audit entry. The sign-in form itself is :mod:`cookiegate.web.admin.signin`;
accounts and the audit log's store side are :mod:`cookiegate.services.accounts`.
"""

from __future__ import annotations

import functools
import typing as t

from flask import Blueprint
from flask import Flask
from flask import Request
from flask import Response
from flask import g
from flask import redirect
from flask import request
from flask import session
from flask import url_for
from flask.sessions import SecureCookieSession
from flask.sessions import SecureCookieSessionInterface
from flask.sessions import SessionMixin
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from flask_wtf.csrf import generate_csrf
from flask_wtf.csrf import validate_csrf
from werkzeug.exceptions import HTTPException
from wtforms import ValidationError

from ..services import accounts
from .errors import Forbidden
from .errors import error_page
from .state import get_state

F = t.TypeVar("F", bound=t.Callable[..., t.Any])


class AdminSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, marked Secure on every https request.

    ``SESSION_COOKIE_SECURE`` is one value for the whole app; this keeps the
    cookie usable on plain-http development servers while a deployment
    behind TLS gets Secure without extra configuration.
    """

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """The signed session under the cookie's path; elsewhere an empty one, for free.

        Browsers send the cookie only under ``SESSION_COOKIE_PATH`` (``/admin``),
        so the public API never has a session to read; skipping the signing
        setup there saves every loader, banner and consent request its cost.
        """
        path = str(app.config["SESSION_COOKIE_PATH"] or "/")
        if not _under(request.path, path):
            return self.session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """Nothing to do for a session nobody read or wrote (every public API request)."""
        if not session and not session.modified and not session.accessed:
            return
        super().save_session(app, session, response)


def _under(request_path: str, cookie_path: str) -> bool:
    """RFC 6265 path-match: would a browser send a cookie of ``cookie_path`` here?"""
    if request_path == cookie_path:
        return True
    prefix = cookie_path if cookie_path.endswith("/") else cookie_path + "/"
    return request_path.startswith(prefix)


def current_account() -> accounts.Account | None:
    """The signed-in, still active account of this request, loaded once."""
    if "account" not in g:
        account_id = session.get("account_id")
        g.account = accounts.get(get_state().store, account_id) if account_id else None
    return t.cast("accounts.Account | None", g.account)


def audit(action: str, outcome: str = "ok", actor: str | None = None, **detail: t.Any) -> None:
    """Write an audit entry for the signed-in account (or ``actor``).

    The request supplies who, when and from where; the entry itself is
    written by :func:`cookiegate.services.accounts.audit`.
    """
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


def protect(blueprint: Blueprint) -> None:
    """Give an admin blueprint the CSRF check and HTML error pages."""
    blueprint.before_request(check_csrf)
    blueprint.register_error_handler(HTTPException, error_page)
    blueprint.register_error_handler(Exception, error_page)


def _page_lang() -> str:
    """The ``<html lang>`` of admin pages: the locale flask-babel chose."""
    return str(get_locale() or "en").replace("_", "-")


def init_app(app: Flask) -> None:
    """The admin session cookie, and what every admin template may call."""
    app.session_interface = AdminSessionInterface()
    app.jinja_env.globals["csrf_token"] = generate_csrf
    app.jinja_env.globals["current_account"] = current_account
    app.jinja_env.globals["page_lang"] = _page_lang
