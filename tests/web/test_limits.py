"""Rate limits on consent writes: 429 with Retry-After, shared through Redis."""

from __future__ import annotations

import os
import typing as t
import uuid
from urllib.parse import urlsplit

from ..conftest import Visitor
from ..conftest import count_proofs
from ..conftest import require_service

REDIS_URL = os.environ.get("COOKIEGATE_TEST_REDIS_URL", "redis://127.0.0.1:6379")


def test_too_many_consents_from_one_ip_get_429_with_retry_after(
    make_app: t.Callable[..., t.Any],
) -> None:
    app = make_app(CONSENT_RATE_LIMIT="3 per minute")
    visitor = Visitor(app.test_client())
    statuses = [visitor.post().status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    refused = visitor.post()
    assert refused.json["error"] == "too_many_requests"
    assert int(refused.headers["Retry-After"]) > 0
    assert count_proofs(app.extensions["cookiegate"]) == 3
    # Another address still gets through.
    other = visitor.post(environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert other.status_code == 201


def test_the_per_site_ceiling_counts_every_ip(make_app: t.Callable[..., t.Any]) -> None:
    app = make_app(CONSENT_RATE_LIMIT_PER_SITE="2 per minute")
    visitor = Visitor(app.test_client())
    codes = [
        visitor.post(environ_base={"REMOTE_ADDR": f"192.0.2.{i}"}).status_code for i in range(3)
    ]
    assert codes == [201, 201, 429]


def test_reads_are_not_limited_by_the_write_limit(make_app: t.Callable[..., t.Any]) -> None:
    client = make_app(CONSENT_RATE_LIMIT="1 per minute").test_client()
    assert all(client.get("/v1/sites/demo/banner.json").status_code == 200 for _ in range(5))


def test_two_app_instances_share_limits_through_redis(make_app: t.Callable[..., t.Any]) -> None:
    redis = urlsplit(REDIS_URL)
    require_service("redis", redis.hostname or "127.0.0.1", redis.port or 6379, REDIS_URL)
    shared = {
        "RATELIMIT_STORAGE_URL": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": f"cookiegate-test-{uuid.uuid4().hex}",
        "CONSENT_RATE_LIMIT": "2 per minute",
    }
    first = Visitor(make_app(**shared).test_client())
    second = Visitor(make_app(**shared).test_client())
    assert first.post().status_code == 201
    assert second.post().status_code == 201
    # The third write from the same IP is refused by whichever server gets it.
    assert first.post().status_code == 429
    assert second.post().status_code == 429
