"""Driving an ASGI app in-process for one request, as the production server (uvicorn under
gunicorn) would: a scope, a single body message, the answer collected."""

from __future__ import annotations

import asyncio
import typing as t
from concurrent.futures import ThreadPoolExecutor

Answer = tuple[int, dict[str, str], bytes]


def asgi_request(
    asgi: t.Any,
    method: str,
    path: str,
    headers: dict[str, str] | None = None,
    body: bytes = b"",
    server: tuple[str, int] = ("127.0.0.1", 8000),
) -> Answer:
    """One request through ``asgi``, answered as (status, lower-case headers, body)."""
    path, _, query = path.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
        "method": method, "scheme": "http", "path": path, "raw_path": path.encode(),
        "root_path": "", "query_string": query.encode(),
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
        "client": ("127.0.0.1", 50000), "server": server,
    }  # fmt: skip
    sent: list[dict[str, t.Any]] = []

    async def receive() -> dict[str, t.Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, t.Any]) -> None:
        sent.append(message)

    # In a thread of its own: Playwright's sync API (the e2e tests of the same pytest run)
    # keeps an event loop running in the main thread, where asyncio.run() refuses to start.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, asgi(scope, receive, send)).result()
    names = {k.decode().lower(): v.decode() for k, v in sent[0]["headers"]}
    return sent[0]["status"], names, b"".join(m.get("body", b"") for m in sent[1:])
