"""The read path answered on the event loop: prepared responses without a thread hand-off.

Under ``cookiegate serve --prod`` every request crosses from gunicorn's
event loop to one of a2wsgi's threads and back (:mod:`cookiegate.asgi`).
For a response already built in memory (:mod:`.fast`: ``loader.js``,
``banner.json``, the published set, ``/healthz``), that crossing is most of
its cost: the profile of a ``loader.js`` request showed the thread pool's
queue and the futures that return the answer to the loop above Flask, and a
2-CPU machine pays it twice per request in GIL hand-offs.

:class:`PreparedFront` asks the very same :class:`~.fast.FastPaths` handlers
(behind the same :class:`~werkzeug.middleware.proxy_fix.ProxyFix`, so HSTS
and the scheme are judged as before) on the loop, and sends their answer.
It never builds one: a handler that would (the first request for a locale,
say) passes the request on to the threads, which build it as before. So
the loop runs only dictionary lookups and header picks, and both ways send
the same bytes.
"""

from __future__ import annotations

import typing as t

from a2wsgi.wsgi import build_environ

from .fast import FastPaths
from .state import NotBuilt
from .state import only_built

if t.TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse
    from _typeshed.wsgi import WSGIApplication
    from _typeshed.wsgi import WSGIEnvironment

Scope = t.MutableMapping[str, t.Any]
Message = t.MutableMapping[str, t.Any]
Receive = t.Callable[[], t.Awaitable[Message]]
Send = t.Callable[[Message], t.Awaitable[None]]
ASGIApp = t.Callable[[Scope, Receive, Send], t.Awaitable[None]]


class _Passed(Exception):
    """The handlers have no prepared answer: the threads must answer."""


def _pass_on(environ: WSGIEnvironment, start_response: t.Any) -> t.Any:
    raise _Passed


class PreparedFront:
    """ASGI middleware: GET/HEAD requests with a prepared answer sent from the loop."""

    def __init__(
        self,
        app: ASGIApp,
        fast: FastPaths,
        wrap: t.Callable[[WSGIApplication], WSGIApplication] = lambda app: app,
    ) -> None:
        """
        :param app: where everything else goes (the Flask app behind a2wsgi's threads).
        :param fast: the app's fast paths; their ``handlers`` are shared, not copied.
        :param wrap: the middleware the app has around its fast paths (its ProxyFix).
        """
        self.app = app
        #: The paths with a handler (the app's own dict, not a copy).
        self.paths = fast.handlers
        probe = FastPaths(_pass_on)
        probe.handlers = fast.handlers
        self.probe = wrap(probe)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or scope["path"] not in self.paths
        ):
            await self.app(scope, receive, send)
            return
        answer = self._answer(scope)
        if answer is None:
            await self.app(scope, receive, send)
            return
        status, headers, body = answer
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    def _answer(self, scope: Scope) -> tuple[int, list[tuple[bytes, bytes]], bytes] | None:
        """The prepared answer's status, headers and body, or None to pass the request on."""
        if any(name in (b"content-length", b"transfer-encoding") for name, _ in scope["headers"]):
            return None  # a GET with a body: the threads' rules apply
        environ = t.cast(
            "WSGIEnvironment", build_environ(t.cast(t.Any, scope), t.cast(t.Any, None))
        )
        started: list[t.Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc: t.Any = None) -> t.Any:
            started[:] = [status, headers]
            return None

        token = only_built.set(True)
        try:
            chunks = self.probe(environ, t.cast("StartResponse", start_response))
        except (_Passed, NotBuilt):
            return None
        finally:
            only_built.reset(token)
        status, headers = started
        raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
        return int(status[:3]), raw, b"".join(chunks)
