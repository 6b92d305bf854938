"""The demo retailer's shop page, so a fresh install shows the banner at work.

It embeds the loader exactly as a retailer would, with the demo site's real
tag snippets (Google Analytics, Google Ads, Meta Pixel, a YouTube embed, a
review widget), which stay blocked until their category is granted.
"""

from __future__ import annotations

from flask import Blueprint
from flask import Flask
from flask import redirect
from flask import render_template
from flask import url_for
from werkzeug.wrappers import Response

bp = Blueprint("demo", __name__)


@bp.get("/")
def index() -> Response:
    return redirect(url_for("demo.shop"))


@bp.get("/demo/")
def shop() -> str:
    return render_template("demo/shop.html", site_id="demo")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
