"""The public API under ``/v1``: the loader, banner texts, and consent records.

Browsers call these from retailer pages, so every answer is JSON (or the
loader script), every error is a JSON ``{error, message}`` with a 4xx code,
and consent writes are accepted only from the site's own origins.

One module per resource, all on one blueprint (:mod:`.blueprint`):
:mod:`.loader` (``loader.js``, ``embed.json``, banner assets), :mod:`.texts`
(``banner.json``), :mod:`.consents` (recording a choice, the visitor's
receipt), :mod:`.spec` (``openapi.json``); :mod:`.cors` holds what the
consent routes share.
"""

from __future__ import annotations

from flask import Flask

from ..limits import write_limits
from . import consents
from . import loader
from . import spec
from . import texts
from .blueprint import bp

#: The route modules, imported for the routes they add to :data:`bp`.
ROUTES = (consents, loader, spec, texts)


def init_app(app: Flask) -> None:
    """Register the public API with its rate limits."""
    app.register_blueprint(bp)
    # Each app gets its own configured limits.
    app.extensions[consents.LIMITS] = write_limits(
        app, str(app.config["CONSENT_RATE_LIMIT"]), str(app.config["CONSENT_RATE_LIMIT_PER_SITE"])
    )
