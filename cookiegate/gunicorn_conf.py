"""Gunicorn settings for production: ``gunicorn -c python:cookiegate.gunicorn_conf``.

``cookiegate serve --prod`` uses this file. Each value can be overridden with
the environment variable named beside it; the names, defaults and reasons
are in :data:`cookiegate.core.settings.ENVIRON_DEFAULTS`. A bad value stops
gunicorn at start with a :class:`~cookiegate.core.errors.SettingsError`.

Worker model (issue 15): gunicorn's ASGI worker, an asyncio event loop per
process, reads headers and whole bodies; the Flask app runs on complete
requests only, in ``COOKIEGATE_THREADS`` threads (a2wsgi), so a client that
trickles its request costs a coroutine, not a thread. Slow clients are
dropped after ``COOKIEGATE_HEADER_TIMEOUT`` / ``COOKIEGATE_BODY_TIMEOUT``
seconds. See :mod:`cookiegate.asgi`. Measured with ``bench/slow_clients.py``
(2 CPUs, SQLite, ratios to a bare Flask hello of the same server):

===========================  =========  =======  ==========================
worker model                 loader.js  consent  answer, 200+200 slow
===========================  =========  =======  ==========================
gthread, 4 threads (before)  0.81       0.12     none within 15 s
gevent                       0.75       0.03     0.01 s / 0.04 s
asgi + a2wsgi, unbuffered    0.46       0.10     none within 15 s
asgi + cookiegate.asgi       0.92       0.17     0.00 s / 0.01 s
===========================  =========  =======  ==========================

gevent keeps answering, but SQLite's commits block its hub, which defeats the
group commit. The full table and the reasons are in ``docs/deploying.md``.
"""

from __future__ import annotations

from .core.settings import environ_int
from .core.settings import environ_value

wsgi_app = "cookiegate.asgi:create_asgi_app()"
worker_class = "cookiegate.asgi.CookiegateWorker"
bind = environ_value("COOKIEGATE_BIND")
workers = environ_int("COOKIEGATE_WORKERS", minimum=1)
# Threads of the app per process (a2wsgi's pool, read by cookiegate.asgi);
# not gunicorn's `threads`, which its ASGI worker does not use.
app_threads = environ_int("COOKIEGATE_THREADS", minimum=1)
# Threads per process for consent POSTs alone (cookiegate.asgi.WriteLane).
write_threads = environ_int("COOKIEGATE_WRITE_THREADS", minimum=1)
# Read here too so a bad value stops the start, before any worker forks.
header_timeout = environ_int("COOKIEGATE_HEADER_TIMEOUT", minimum=1)
body_timeout = environ_int("COOKIEGATE_BODY_TIMEOUT", minimum=1)
max_request_body = environ_int("COOKIEGATE_MAX_REQUEST_BODY", minimum=1024)
# Connections each process holds open at once, slow ones included.
worker_connections = 2000
# Flask has no ASGI lifespan; a2wsgi would only acknowledge it.
asgi_lifespan = "off"
# The event loop is plain asyncio: uvloop is not a dependency, and "auto"
# would switch loops the day it happens to be installed.
asgi_loop = "asyncio"
# 0 turns gunicorn's worker timeout off.
timeout = environ_int("COOKIEGATE_TIMEOUT", minimum=0)
graceful_timeout = 30
# Seconds a kept-alive connection may wait for, and send the headers of, its
# next request (gunicorn cancels this timer only once those headers are in).
keepalive = 5
# Recycle workers now and then, so a slow leak anywhere cannot grow forever. Not more
# often: a new worker imports and builds the app (sites, loaders, the published set in
# every locale), about 1.2 s of CPU on the 2-CPU bench machine; at 20,000 requests a
# worker that was ~57 us of CPU per request (a Flask hello costs ~300-500 us under this
# server), 13 % of the samples of a 10 s py-spy profile of a hello under wrk.
max_requests = 200000
max_requests_jitter = 20000
forwarded_allow_ips = environ_value("COOKIEGATE_FORWARDED_ALLOW_IPS")
accesslog = environ_value("COOKIEGATE_ACCESS_LOG")
errorlog = "-"
# Request lines and headers are bounded: a consent needs none of the slack
# gunicorn allows by default.
limit_request_line = 8190
limit_request_fields = 60
# Gunicorn 24+ opens a control socket at one fixed path per user; two servers
# on one machine (blue/green, tests) would fight over it. Not needed here.
control_socket_disable = True
