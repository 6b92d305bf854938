"""Gunicorn settings for production: ``gunicorn -c python:cookiegate.gunicorn_conf``.

``cookiegate serve --prod`` uses this file. Each value can be overridden with
the environment variable named beside it; the names, defaults and reasons
are in :data:`cookiegate.core.settings.ENVIRON_DEFAULTS`. A bad value stops
gunicorn at start with a :class:`~cookiegate.core.errors.SettingsError`.
"""

from __future__ import annotations

from .core.settings import environ_int
from .core.settings import environ_value

wsgi_app = "cookiegate:create_app()"
bind = environ_value("COOKIEGATE_BIND")
workers = environ_int("COOKIEGATE_WORKERS", minimum=1)
threads = environ_int("COOKIEGATE_THREADS", minimum=1)
# 0 turns gunicorn's worker timeout off.
timeout = environ_int("COOKIEGATE_TIMEOUT", minimum=0)
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so a slow leak anywhere cannot grow forever.
max_requests = 20000
max_requests_jitter = 2000
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
