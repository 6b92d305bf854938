"""Gunicorn settings for production: ``gunicorn -c python:cookiegate.gunicorn_conf``.

``cookiegate serve --prod`` uses this file. Each value can be overridden with
the environment variable named beside it; the defaults suit one app server
behind one TLS-terminating reverse proxy on the same machine.
"""

from __future__ import annotations

import multiprocessing
import os

wsgi_app = "cookiegate:create_app()"
bind = os.environ.get("COOKIEGATE_BIND", "127.0.0.1:8000")
# Processes: the loader and banner are CPU-bound JSON/bytes work, so one per
# core plus one; threads cover the time a consent write waits on the database.
workers = int(os.environ.get("COOKIEGATE_WORKERS", multiprocessing.cpu_count() + 1))
threads = int(os.environ.get("COOKIEGATE_THREADS", "4"))
# A consent write waits at most 30 s for the database lock (busy timeout); a
# request slower than this is stuck and its worker is replaced.
timeout = int(os.environ.get("COOKIEGATE_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak anywhere cannot grow forever.
max_requests = 20000
max_requests_jitter = 2000
# Trust X-Forwarded-Proto only from the proxy in front (same machine by
# default); client addresses are taken from X-Forwarded-For by the app
# itself, for COOKIEGATE_PROXY_COUNT proxies.
forwarded_allow_ips = os.environ.get("COOKIEGATE_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = os.environ.get("COOKIEGATE_ACCESS_LOG", "-")
errorlog = "-"
# Request lines and headers are bounded: a consent needs none of the slack
# gunicorn allows by default.
limit_request_line = 8190
limit_request_fields = 60
# Gunicorn 24+ opens a control socket at one fixed path per user; two servers
# on one machine (blue/green, tests) would fight over it. Not needed here.
control_socket_disable = True
