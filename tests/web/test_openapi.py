"""The OpenAPI description stays true: every route is described, and schemathesis
finds no 5xx, no off-schema response and no record written by a rejected request."""

from __future__ import annotations

import atexit
import os
import re
import shutil
import tempfile
import typing as t

import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings
from schemathesis.checks import positive_data_acceptance

from cookiegate import create_app
from cookiegate.core.settings import DEMO_SITES_DIR

from ..conftest import KEYS
from ..conftest import ORIGIN
from ..conftest import count_proofs
from ..conftest import record_figures

EXAMPLES = int(os.environ.get("COOKIEGATE_CAMPAIGN_EXAMPLES", "60"))


def test_every_public_route_is_described_and_nothing_else(app: t.Any, client: t.Any) -> None:
    spec = client.get("/v1/openapi.json").json
    described = set(spec["paths"])
    routes = {
        re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/v1/") or rule.rule in ("/healthz", "/readyz")
    }
    assert described == routes


# schemathesis builds its tests at collection time (its fixture loader does not
# work with pytest 9), so this module has its own app on a temporary database.
_TMP = tempfile.mkdtemp(prefix="cookiegate-openapi-")
atexit.register(shutil.rmtree, _TMP, ignore_errors=True)
APP = create_app(
    {
        "TESTING": True,
        "SECRET_KEYS": KEYS,
        "DATABASE_URL": f"sqlite:///{_TMP}/db.sqlite3",
        "SITES_DIR": str(DEMO_SITES_DIR),
    }
)
schema = schemathesis.openapi.from_wsgi("/v1/openapi.json", APP)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_description(case: t.Any) -> None:
    state = APP.extensions["cookiegate"]
    # schemathesis sends requests' default "gzip, deflate, br" but validates the body
    # undecoded; identity lets it read the precompressed answers (encodings: test_fast).
    case.headers = {**(case.headers or {}), "Accept-Encoding": "identity"}
    if case.method == "POST":
        # Foreign origins are refused before anything else is looked at (tested
        # elsewhere); an allowed origin lets the generated bodies reach validation.
        case.headers = {**(case.headers or {}), "Origin": ORIGIN}
    before = count_proofs(state)
    response = case.call()
    _tally(response.status_code)
    # The schema says what is well-formed; semantic rules (unknown categories,
    # a method contradicting the choices) legitimately refuse well-formed bodies.
    case.validate_response(response, excluded_checks=[positive_data_acceptance])
    assert response.status_code < 500
    if response.status_code != 201:
        assert count_proofs(state) == before, "a rejected request wrote a record"


_COUNTS: dict[str, int] = {"cases": 0, "5xx": 0}


def _tally(status: int) -> None:
    """Keep the case counts for the campaign report (bench/campaigns.py)."""
    _COUNTS["cases"] += 1
    _COUNTS["5xx"] += status >= 500
    record_figures("schemathesis", dict(_COUNTS))


def test_the_demo_sites_read_answers_conform_to_their_description() -> None:
    """Generated site ids rarely name a real site, so the 200 answers are checked here too."""
    for path in ("/v1/sites/{site_id}/banner.json", "/v1/sites/{site_id}/loader.js"):
        case = schema[path]["GET"].Case(
            path_parameters={"site_id": "demo"}, headers={"Accept-Encoding": "identity"}
        )
        response = case.call()
        assert response.status_code == 200
        case.validate_response(response)
