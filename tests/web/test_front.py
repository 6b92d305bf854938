"""The production server's event loop sends the prepared answers itself, the same bytes the
threads send, and passes on everything it may not answer (cookiegate.web.front)."""

from __future__ import annotations

import typing as t

import pytest

from cookiegate.app import trusted_proxies
from cookiegate.asgi import serve_wsgi
from cookiegate.web.front import PreparedFront

from ..asgi_driver import Answer
from ..asgi_driver import asgi_request


class Served:
    """cookiegate's app as ``serve --prod`` runs it, counting what reaches the threads."""

    def __init__(self, app: t.Any) -> None:
        threads = serve_wsgi(app)
        self.to_threads: list[str] = []
        # As cookiegate.asgi.serve_app builds it, with a counter before the threads.

        async def counted(scope: t.Any, receive: t.Any, send: t.Any) -> None:
            self.to_threads.append(scope["path"])
            await threads(scope, receive, send)

        fast = app.extensions["cookiegate_fast_paths"]
        self.asgi = PreparedFront(counted, fast, wrap=trusted_proxies(app))

    def request(
        self, path: str, headers: dict[str, str] | None = None, method: str = "GET"
    ) -> Answer:
        return asgi_request(self.asgi, method, path, headers)


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/v1/sites/demo/loader.js", {"Accept-Encoding": "gzip, br"}),
        ("/v1/sites/demo/banner.json", {"Accept-Language": "de-DE,de;q=0.9", "Sec-GPC": "1"}),
        ("/healthz", {}),
    ],
)
def test_a_prepared_answer_is_built_by_the_threads_once_then_sent_from_the_loop(
    app: t.Any, path: str, headers: dict[str, str]
) -> None:
    served = Served(app)
    first = served.request(path, headers)
    again = served.request(path, headers)
    assert served.to_threads == [path]  # the first built it; the second never left the loop
    assert again == first
    assert again[0] == 200


def test_the_loop_revalidates_and_answers_head_as_the_threads_do(app: t.Any) -> None:
    served = Served(app)
    url, accept = "/v1/sites/demo/loader.js", {"Accept-Encoding": "br"}
    status, headers, body = served.request(url, accept)
    assert headers["content-encoding"] == "br" and body
    not_modified = served.request(url, {**accept, "If-None-Match": headers["etag"]})
    assert not_modified[0] == 304 and not_modified[2] == b""
    head = served.request(url, accept, method="HEAD")
    assert head[0] == 200 and head[2] == b""
    assert head[1]["content-length"] == str(len(body))
    assert served.to_threads == [url]


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("POST", "/v1/sites/demo/consents", {}),
        ("GET", "/v1/sites/demo/loader.js?v=stale", {}),  # a pinned version: the route decides
        ("GET", "/v1/sites/nope/loader.js", {}),
        ("GET", "/healthz", {"Content-Length": "3"}),  # a GET with a body
        ("GET", "/readyz", {}),
    ],
)
def test_what_the_loop_may_not_answer_goes_to_the_threads(
    app: t.Any, method: str, path: str, headers: dict[str, str]
) -> None:
    served = Served(app)
    served.request("/healthz")  # built: the loop could answer it
    served.to_threads.clear()
    served.request(path, headers, method=method)
    assert served.to_threads == [path.partition("?")[0]]


def test_behind_a_trusted_proxy_the_loop_sends_hsts_for_https_visitors(
    make_app: t.Callable[..., t.Any],
) -> None:
    served = Served(make_app(PROXY_COUNT=1))
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    served.request("/healthz", https)
    _, headers, _ = served.request("/healthz", https)
    assert served.to_threads == ["/healthz"]
    assert "strict-transport-security" in headers
    _, plain, _ = served.request("/healthz")
    assert "strict-transport-security" not in plain
