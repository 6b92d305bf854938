"""Consent POSTs in a thread pool of their own, with one hand-off each way.

A consent's thread spends most of its time waiting for the group commit
(:mod:`cookiegate.store.group`), which can only group the writes that wait
together: with the app's 4 threads per process, batches held 1.7–2.2
consents, and while those threads sat on commits every other request queued
behind them. ``COOKIEGATE_WRITE_THREADS`` threads (16 by default) let that
many consents of a process share one commit, and leave the app's threads to
everything else.

The bridge is also leaner than a2wsgi's, which the rest of the app keeps
(it streams: exports must). a2wsgi's thread blocks on the event loop for
the body and then for each message it sends (start, each chunk, the end):
four or more thread-to-loop round trips per request, which the consent
profile showed as 11.5 % of the server's CPU in ``Condition.notify`` (the
loop waking the waiting thread). A consent's body is already in memory
(:class:`cookiegate.asgi.BufferedRequests`) and its answer is a few hundred
bytes, so here the thread gets the body in hand, runs the app to the end,
and returns status, headers and body to the loop in one go.
"""

from __future__ import annotations

import asyncio
import contextvars
import io
import typing as t
from concurrent.futures import ThreadPoolExecutor

from a2wsgi.wsgi import build_environ

if t.TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

    from .web.front import ASGIApp
    from .web.front import Message
    from .web.front import Receive
    from .web.front import Scope
    from .web.front import Send

Answer = tuple[int, list[tuple[bytes, bytes]], bytes]


class WriteLane:
    """ASGI dispatch: consent POSTs to ``writes``, everything else to ``app``."""

    def __init__(self, app: ASGIApp, writes: ASGIApp) -> None:
        self.app = app
        self.writes = writes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and scope["path"].endswith("/consents")
        ):
            await self.writes(scope, receive, send)
        else:
            await self.app(scope, receive, send)


class WholeAnswers:
    """A WSGI app as ASGI, run in ``threads`` threads on the whole body, answered whole.

    Only for requests whose answers are small (consent POSTs): the answer is
    held in memory until the app is done with it.
    """

    def __init__(self, app: WSGIApplication, threads: int) -> None:
        self.app = app
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="consent")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = await _whole_body(receive)
        loop = asyncio.get_running_loop()
        context = contextvars.copy_context()
        status, headers, content = await loop.run_in_executor(
            self.executor, context.run, self._run, scope, body
        )
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})

    def _run(self, scope: Scope, body: bytes) -> Answer:
        """Call the app in this thread and collect its whole answer."""
        environ = build_environ(t.cast(t.Any, scope), t.cast(t.Any, io.BytesIO(body)))
        started: list[t.Any] = []
        chunks: list[bytes] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc: t.Any = None) -> t.Any:
            # Nothing is sent before the app returns, so a later call (an
            # error page replacing the answer, PEP 3333) simply wins.
            started[:] = [status, headers]
            return chunks.append

        iterable = self.app(t.cast(t.Any, environ), start_response)
        try:
            chunks.extend(iterable)
        finally:
            close = getattr(iterable, "close", None)
            if close is not None:
                close()
        status, headers = started
        raw = [(k.strip().lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
        return int(status[:3]), raw, b"".join(chunks)


async def _whole_body(receive: Receive) -> bytes:
    """The request body (already buffered by :class:`~cookiegate.asgi.BufferedRequests`)."""
    chunks: list[bytes] = []
    while True:
        message: Message = await receive()
        if message["type"] != "http.request":
            break  # the client left; the app sees what arrived
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)
