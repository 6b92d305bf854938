"""The demo retailer's shop page, so a fresh install shows the banner at work.

It embeds the loader exactly as a retailer would, with the real public
snippets of Google Analytics (gtag.js), Google Tag Manager, Google Ads and the
Meta Pixel plus a YouTube embed, which stay blocked until their category is
granted. The page is served under a strict nonce-based Content-Security-Policy
to show that the loader and banner need no inline styles and no eval.

``/demo/?loader=off`` serves the same shop as it was before cookiegate: no
loader and the tags written plainly, so ``cookiegate scan`` can show the
difference the loader makes.
"""

from __future__ import annotations

import secrets
import typing as t

from flask import Blueprint
from flask import Flask
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from werkzeug.wrappers import Response

bp = Blueprint("demo", __name__)


@bp.get("/")
def index() -> Response:
    return redirect(url_for("demo.shop"))


@bp.get("/demo/")
def shop() -> Response:
    """The product page, with a fresh CSP nonce for its scripts and its one style block."""
    return _page("demo/shop.html", loader=request.args.get("loader") != "off")


@bp.get("/demo/cookies")
def cookies() -> Response:
    """The shop's cookie policy: the loader fills its ``data-cookiegate-declaration`` box."""
    return _page("demo/cookies.html")


def _page(template: str, **context: t.Any) -> Response:
    nonce = secrets.token_urlsafe(16)
    resp = make_response(render_template(template, site_id="demo", nonce=nonce, **context))
    # 'strict-dynamic' lets the tags the loader releases insert their own scripts,
    # as Google's strict CSP guidance recommends for tag managers.
    resp.headers["Content-Security-Policy"] = (
        f"script-src 'nonce-{nonce}' 'strict-dynamic'; style-src 'self' 'nonce-{nonce}'; "
        "object-src 'none'; base-uri 'none'"
    )
    return resp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
