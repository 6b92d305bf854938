"""The HTTP errors cookiegate raises, and how every error reaches a client without a traceback.

API clients get a JSON ``{error, message}`` (:func:`json_error`, registered
for the whole app by :func:`init_app`). Admin pages get the admin's HTML error
page instead (:func:`error_page`): their blueprints register it through
:func:`cookiegate.web.auth.protect`, and :func:`json_error` hands it the
routing errors under ``/admin`` that no blueprint sees. Unexpected exceptions
are logged with their traceback and answered with a plain 500 that carries
none. The error classes join :class:`~cookiegate.core.errors.CookiegateError`
so one ``except`` catches everything cookiegate raises on purpose.
"""

from __future__ import annotations

from flask import Flask
from flask import Response
from flask import current_app
from flask import jsonify
from flask import render_template
from flask import request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import MethodNotAllowed

from ..core.errors import CookiegateError


class APIError(CookiegateError, HTTPException):
    """An HTTP error with a stable machine-readable ``error`` slug."""

    code = 400
    error = "bad_request"

    def __init__(self, message: str) -> None:
        super().__init__(description=message)


class BadRequest(APIError):
    code = 400
    error = "bad_request"


class Forbidden(APIError):
    code = 403
    error = "forbidden"


class NotFound(APIError):
    code = 404
    error = "not_found"


class Conflict(APIError):
    code = 409
    error = "conflict"


class PayloadTooLarge(APIError):
    code = 413
    error = "payload_too_large"


class UnsupportedMediaType(APIError):
    code = 415
    error = "unsupported_media_type"


class TooManyRequests(APIError):
    """A rate limit is exceeded; ``Retry-After`` says in how many seconds to try again."""

    code = 429
    error = "too_many_requests"

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _log_unhandled() -> None:
    """Log the exception being handled with its traceback, for the operator only."""
    # repr() escapes CR/LF, so a crafted URL cannot forge extra log lines.
    current_app.logger.exception("Unhandled error on %s %r", request.method, request.path)


def error_page(e: Exception) -> tuple[str, int]:
    """An HTML error page for the admin area: status, name and message, never a traceback."""
    if not isinstance(e, HTTPException):
        _log_unhandled()
        return render_template(
            "admin/error.html",
            code=500,
            title=_("Something went wrong"),
            message=_("Something went wrong on our side; the error was logged."),
        ), 500
    code = e.code or 500
    titles = {
        400: _("Bad request"),
        401: _("Sign in required"),
        403: _("Forbidden"),
        404: _("Not found"),
        405: _("Method not allowed"),
        429: _("Too many attempts"),
    }
    message = e.description or ""
    if code == 429:
        message = _("Too many sign-in attempts; wait a minute and try again.")
    return render_template(
        "admin/error.html", code=code, title=titles.get(code, e.name), message=message
    ), code


def json_error(e: HTTPException) -> tuple[Response, int] | tuple[str, int]:
    """``{error, message}`` with the error's status; an :class:`APIError` names its own slug.

    Other HTTP errors (werkzeug's 404 and 405, Flask-Limiter's 429) get a slug
    made from their name; a 405 lists the allowed methods in ``Allow``.
    """
    if request.path.startswith("/admin"):
        # Routing errors (404, 405) never reach the admin blueprint's own handler.
        return error_page(e)
    code = e.code or 500
    resp = jsonify(
        {
            "error": getattr(e, "error", None) or (e.name or "error").lower().replace(" ", "_"),
            "message": e.description or e.name,
        }
    )
    if isinstance(e, MethodNotAllowed):
        resp.headers["Allow"] = ", ".join(e.valid_methods or [])
    if isinstance(e, TooManyRequests):
        resp.headers["Retry-After"] = str(e.retry_after)
    return resp, code


def internal_error(e: Exception) -> tuple[Response, int] | tuple[str, int]:
    """Log the traceback; visitors get a plain JSON 500 without it."""
    if isinstance(e, HTTPException):
        return json_error(e)
    _log_unhandled()
    return jsonify({"error": "internal_error", "message": "Something went wrong on our side."}), 500


def init_app(app: Flask) -> None:
    """Answer every error of the app as JSON (or the admin's page), never a traceback."""
    app.register_error_handler(HTTPException, json_error)
    app.register_error_handler(Exception, internal_error)
