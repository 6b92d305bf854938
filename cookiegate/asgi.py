"""The production server's front: slow clients cost a coroutine, never a thread.

``cookiegate serve --prod`` runs gunicorn's native ASGI worker (an asyncio
event loop per process, https://gunicorn.org/asgi) with the Flask app behind
a2wsgi's thread pool (https://github.com/abersheeran/a2wsgi, README
"WSGIMiddleware"). The event loop reads request headers and the whole body;
only a complete request reaches a thread. A client that trickles its headers
or its body holds a socket and a few bytes, not one of the few threads that
run the app, so ``loader.js`` and consent POSTs keep answering (issue 15:
with gunicorn's threaded worker, 40 such clients stalled every page).

Two deadlines drop such clients (settings in
:data:`cookiegate.core.settings.ENVIRON_DEFAULTS`):

* ``COOKIEGATE_HEADER_TIMEOUT``: a new connection must deliver its first
  request's headers within it (:class:`HeaderDeadlineProtocol`); gunicorn
  itself gives a kept-alive connection ``keepalive`` seconds for the next
  request's headers.
* ``COOKIEGATE_BODY_TIMEOUT``: the whole body must arrive within it, and be
  at most ``COOKIEGATE_MAX_REQUEST_BODY`` bytes (:class:`BufferedRequests`).

The app itself is unchanged: it runs in real threads as under gunicorn's
threaded worker, so SQLite's and psycopg's blocking calls, the group commit
and every lock behave as before (which gevent's monkey-patching would not
promise; see ``docs/deploying.md`` for the measurements).
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import typing as t

from gunicorn.asgi.protocol import ASGIProtocol
from gunicorn.workers import gasgi

from .core.settings import environ_int

if t.TYPE_CHECKING:
    from flask import Flask

    from .web.front import ASGIApp
    from .web.front import Message
    from .web.front import Receive
    from .web.front import Scope
    from .web.front import Send

#: Set while :class:`BufferedRequests` refuses a request whose body it did not
#: read: the connection must close after the answer (see
#: :meth:`HeaderDeadlineProtocol._will_close`).
_CLOSE_AFTER = contextvars.ContextVar("cookiegate_close_after", default=False)


class BufferedRequests:
    """Read each request's whole body, within a deadline and a size limit, before the app.

    a2wsgi hands the WSGI app a body that it reads from the event loop as the
    app asks (https://github.com/abersheeran/a2wsgi, wsgi.py ``Body``): a
    trickled body would hold a pool thread for as long as the client likes.
    Buffered here, a request reaches a thread only once it is complete.

    :param app: the ASGI app to call with the buffered request.
    :param body_timeout: seconds the whole body may take to arrive; then 408.
    :param max_body: largest body in bytes; a larger one is answered 413
        without reading it.
    """

    def __init__(self, app: ASGIApp, *, body_timeout: float, max_body: int) -> None:
        self.app = app
        self.body_timeout = body_timeout
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body:
            await _refuse(send, 413, f"The request body is over {self.max_body} bytes.")
            return
        deadline = asyncio.get_running_loop().time() + self.body_timeout
        try:
            async with asyncio.timeout_at(deadline):
                body = await self._read_body(receive, deadline)
        except TimeoutError:
            await _refuse(send, 408, f"The request body took over {self.body_timeout:g} s.")
            return
        except _ClientGone:
            return  # nobody left to answer
        if body is None:
            await _refuse(send, 413, f"The request body is over {self.max_body} bytes.")
            return
        await self.app(scope, _replay(body, receive), send)

    async def _read_body(self, receive: Receive, deadline: float) -> bytes | None:
        """The whole body, or None once it grows past ``max_body``.

        The deadline is also checked after each chunk: on Python 3.11 a
        cancellation that meets a chunk arriving in the same loop turn is
        lost inside gunicorn's ``asyncio.wait_for`` (fixed in 3.12,
        https://github.com/python/cpython/issues/86296), and a client
        trickling a byte at a time would then never time out.

        :raises _ClientGone: the client closed the connection mid-body.
        :raises TimeoutError: the deadline passed.
        """
        loop = asyncio.get_running_loop()
        chunks: list[bytes] = []
        size = 0
        while True:
            if loop.time() >= deadline:
                raise TimeoutError
            message = await receive()
            if message["type"] == "http.disconnect":
                raise _ClientGone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


class _ClientGone(Exception):
    """The client closed the connection before its body was complete."""


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name.lower() == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # gunicorn's parser rejects it before we run
    return None


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that hands out the buffered body once, then waits on the real one."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # http.disconnect, when the client goes

    return replay


async def _refuse(send: Send, status: int, message: str) -> None:
    """Answer ``status`` with the JSON error shape of the API and close the connection."""
    from json import dumps

    # gunicorn decides keep-alive itself (an app's "connection: close" is not
    # read) and, keeping the connection, would first read the rest of the body
    # at the client's pace: the trickler would stay connected.
    _CLOSE_AFTER.set(True)

    body = dumps({"error": "request_timeout" if status == 408 else "too_large", "message": message})
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body.encode()})


class HeaderDeadlineProtocol(ASGIProtocol):  # type: ignore[misc]
    """gunicorn's ASGI protocol, with a deadline on a new connection's first headers.

    gunicorn arms its keep-alive timer between requests and cancels it once
    the next request's headers are complete, so on a kept-alive connection
    the headers already have ``keepalive`` seconds. On a new connection
    nothing is armed (as in uvicorn: a connection trickling one byte at a
    time stays open for ever); arming the same timer when the connection is
    made closes such a client after ``COOKIEGATE_HEADER_TIMEOUT`` seconds.
    """

    header_timeout: float = 10

    def _will_close(self, request: t.Any, response_requires_close: bool) -> bool:
        """Close after a refusal of :class:`BufferedRequests` (its body was left unread).

        gunicorn calls this from the app's ``send``, so it sees the context
        variable :func:`_refuse` set in the same task.
        """
        if _CLOSE_AFTER.get():
            return True
        return bool(super()._will_close(request, response_requires_close))

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        super().connection_made(transport)
        if getattr(self, "_keepalive_handle", None) is None and self.transport is not None:
            self._keepalive_handle = self.worker.loop.call_later(
                self.header_timeout, self._keepalive_timeout
            )


class CookiegateWorker(gasgi.ASGIWorker):  # type: ignore[misc]
    """gunicorn's ASGI worker serving connections with :class:`HeaderDeadlineProtocol`,
    its app's start-up heap kept out of the garbage collector's full passes."""

    def init_process(self) -> None:
        HeaderDeadlineProtocol.header_timeout = environ_int("COOKIEGATE_HEADER_TIMEOUT", minimum=1)
        # The worker builds its protocol as ``ASGIProtocol(self)`` from its
        # module's namespace; this process serves only cookiegate's.
        gasgi.ASGIProtocol = HeaderDeadlineProtocol
        super().init_process()

    def load_wsgi(self) -> None:
        super().load_wsgi()
        freeze_start_heap()


def freeze_start_heap() -> None:
    """Move every object alive now to the collector's permanent generation (``gc.freeze``).

    What a worker builds at start (the sites, loaders, the published set in
    every locale, the imported modules: ~130,000 objects against a bare Flask
    app's ~37,000) lives as long as the process, yet each full collection
    walked all of it again: under the server, requests leave enough survivors
    for a generation-2 pass every few thousand requests, ~70 ms of CPU each,
    12 µs per hello request against the bare app's 3 µs (0.1 µs frozen; a
    consent's collections 80 -> 37 µs; ``bench/README.md``). The collector
    still runs on everything made later (the caches filled by requests). A
    start-up object that later becomes unreachable inside a reference cycle is
    no longer freed (reference counting still frees the rest); the app replaces
    nothing it built at start, and ``max_requests`` recycles workers anyway.
    """
    gc.collect()  # garbage of the start is freed, not frozen
    gc.freeze()


def create_asgi_app() -> ASGIApp:
    """cookiegate's Flask app as :func:`serve_app` serves it."""
    from .app import create_app

    return serve_app(create_app())


def serve_app(app: Flask) -> ASGIApp:
    """A cookiegate app served by :func:`serve_wsgi`, with the responses it keeps prepared in
    memory sent from the event loop (:class:`~.web.front.PreparedFront`) and consent POSTs
    run in a pool of their own (:class:`~.lane.WriteLane`)."""
    from .app import trusted_proxies
    from .lane import WholeAnswers
    from .lane import WriteLane
    from .web.front import PreparedFront

    fast = app.extensions["cookiegate_fast_paths"]
    writes = WholeAnswers(app, environ_int("COOKIEGATE_WRITE_THREADS", minimum=1))
    lane = WriteLane(serve_wsgi(app), _buffered(writes))
    return PreparedFront(lane, fast, wrap=trusted_proxies(app))


def serve_wsgi(app: t.Any, threads: int | None = None) -> ASGIApp:
    """A WSGI app behind a2wsgi's thread pool and :class:`BufferedRequests`.

    ``COOKIEGATE_THREADS`` threads (or ``threads``) run the app per process:
    they only ever see complete requests, so they are busy for the app's own
    time (and the database's), never a client's. The benchmarks serve their
    floor (a bare Flask app) through this too, so both pay the same server.
    """
    from a2wsgi import WSGIMiddleware

    threads = threads or environ_int("COOKIEGATE_THREADS", minimum=1)
    return _buffered(t.cast("ASGIApp", WSGIMiddleware(app, workers=threads)))


def _buffered(app: ASGIApp) -> ASGIApp:
    """``app`` behind :class:`BufferedRequests` with the configured deadline and size."""
    return BufferedRequests(
        app,
        body_timeout=environ_int("COOKIEGATE_BODY_TIMEOUT", minimum=1),
        max_body=environ_int("COOKIEGATE_MAX_REQUEST_BODY", minimum=1024),
    )
