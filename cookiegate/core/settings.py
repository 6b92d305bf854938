"""Every ``COOKIEGATE_*`` setting, its default, and why it has that default.

Most settings are read by :func:`cookiegate.create_app` from the environment
(``COOKIEGATE_DATABASE_URL=...``) through Flask's ``from_prefixed_env``, so
the names in :data:`DEFAULTS` appear in the app config without the prefix.
A few are needed where no app config exists (gunicorn's own settings, the
instance folder the config is relative to, the browser the scan commands
launch); :data:`ENVIRON_DEFAULTS` holds those, read by :func:`environ_value`
and :func:`environ_int`. Keeping them all in one place means the factory, the
server settings and the tests read the same names and defaults.
"""

from __future__ import annotations

import os
import typing as t
from pathlib import Path

from .errors import SettingsError

PACKAGE_DIR = Path(__file__).resolve().parent.parent

#: Where the demo retailer's site config lives; the default sites directory.
DEMO_SITES_DIR = PACKAGE_DIR / "sites"


def _first_existing(*candidates: Path) -> Path:
    """Return the first candidate that exists.

    ``static/`` and ``translations/`` sit beside the package in a checkout
    (and an editable install) but inside it in a wheel, where the build maps
    them to ``cookiegate/_static`` and ``cookiegate/_translations``.
    """
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return candidates[0]


STATIC_DIR = _first_existing(PACKAGE_DIR.parent / "static", PACKAGE_DIR / "_static")
TRANSLATIONS_DIR = _first_existing(
    PACKAGE_DIR.parent / "translations", PACKAGE_DIR / "_translations"
)

#: Defaults applied before the environment and test overrides.
DEFAULTS: dict[str, t.Any] = {
    # Comma-separated, newest first. Empty means "generate one for development
    # and keep it in the instance folder" so a fresh clone runs with no setup
    # and no secret is ever committed.
    "SECRET_KEYS": "",
    # Empty means a SQLite file in the instance folder: nothing to install.
    "DATABASE_URL": "",
    # Empty means the shipped demo site, so the first run has something to show.
    "SITES_DIR": "",
    # Number of reverse proxies in front of the app whose X-Forwarded-* headers
    # are trusted. 0 by default: a forged header must not move a visitor's IP.
    "PROXY_COUNT": 0,
    # Largest consent POST body. Real choices fit in 2 KiB; 8 KiB leaves room
    # for long page URLs and a previous token while refusing junk early.
    "MAX_CONSENT_BODY": 8 * 1024,
    # Seconds browsers and CDNs may reuse loader.js before revalidating with
    # its ETag. Short, because the loader carries the site's blocking rules.
    "LOADER_MAX_AGE": 300,
    # Where `cookiegate publish` writes the sites' published sets for nginx, Caddy
    # or a CDN. Empty means the app serves them itself; set, `check-config` and
    # each site's admin dashboard say when the set there is stale.
    "PUBLISH_DIR": "",
    # Consent writes per client IP (Flask-Limiter syntax). A visitor makes a
    # handful; the allowance leaves room for a shop floor or an office behind
    # one NAT address, and stops a script flooding the proof log.
    "CONSENT_RATE_LIMIT": "120 per minute;2000 per hour",
    # Consent writes per site from all clients together: a ceiling that keeps a
    # flood from filling the database, far above a big shop's busiest minute.
    "CONSENT_RATE_LIMIT_PER_SITE": "20000 per minute",
    # --- admin (compliance staff) ---
    # The admin session cookie: HttpOnly, SameSite=Lax, scoped to /admin so the
    # public API never receives it, and Secure whenever the request is https
    # (see web.auth.AdminSessionInterface); set SESSION_COOKIE_SECURE=true to force it.
    "SESSION_COOKIE_NAME": "cookiegate_admin",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,
    "SESSION_COOKIE_PATH": "/admin",
    # An admin session ends after 8 hours: a working day, not a week.
    "PERMANENT_SESSION_LIFETIME": 8 * 3600,
    # Login attempts per client IP, and per e-mail address tried (Flask-Limiter
    # syntax): slows password guessing without locking staff out for long.
    "LOGIN_RATE_LIMIT": "10 per minute;50 per hour",
    "LOGIN_RATE_LIMIT_PER_ACCOUNT": "20 per hour",
    # Where rate-limit counters live. memory:// is per process; with several
    # processes or servers use redis://... so they share one count.
    "RATELIMIT_STORAGE_URL": "memory://",
    # Rows a lookup by site and time range lists before asking to narrow it or
    # export; the page stays fast whatever the size of the log.
    "ADMIN_SEARCH_LIMIT": 200,
    # Rows fetched per round trip when streaming exports and verifying chains.
    # 250 keeps every export's peak memory under 60 MB on PostgreSQL (1000: 59-63 MB,
    # NDJSON/JSON the most; 2000: 63 MB for CSV) for the same CPU (bench/README.md, "Export").
    "EXPORT_BATCH": 250,
    # --- where the visitor is (docs/jurisdictions.md) ---
    # Request headers the operator's CDN or proxy sets to the visitor's ISO 3166
    # country and region (CF-IPCountry + CF-Region-Code, ...). Empty: none, so
    # every visitor gets the site's strictest regime. Only set them when the
    # proxy in front overwrites what a visitor sends: a header is trusted as is.
    "GEO_COUNTRY_HEADER": "",
    "GEO_REGION_HEADER": "",
    # A local MaxMind or DB-IP .mmdb file to look the client address up in when
    # no country header came (needs the geoip extra). Empty: none.
    "GEO_MMDB": "",
}

#: Settings read from the process environment itself, full key -> default;
#: unset means the default.
ENVIRON_DEFAULTS: dict[str, str] = {
    # Where the SQLite file and a generated development key live. Empty means
    # Flask's instance/ folder beside the package.
    "COOKIEGATE_INSTANCE_PATH": "",
    # The Chromium or Chrome that `cookiegate scan` and `compliance` launch.
    # Empty means chromium (or chromium-browser) on PATH.
    "COOKIEGATE_CHROMIUM": "",
    # --- gunicorn (`cookiegate serve --prod`, cookiegate/gunicorn_conf.py) ---
    # The defaults suit one app server behind one TLS-terminating reverse
    # proxy on the same machine.
    "COOKIEGATE_BIND": "127.0.0.1:8000",
    # Processes: the loader and banner are CPU-bound JSON/bytes work, so one per
    # core plus one. Threads per process run the app on complete requests only
    # (cookiegate/asgi.py): they cover the time a consent write waits on the
    # database, never a slow client.
    "COOKIEGATE_WORKERS": str((os.cpu_count() or 1) + 1),
    "COOKIEGATE_THREADS": "4",
    # Threads per process that run consent POSTs only (cookiegate/asgi.py,
    # WriteLane): each mostly waits for a group commit, and the more wait
    # together, the more consents share one durable commit.
    "COOKIEGATE_WRITE_THREADS": "16",
    # Seconds a new connection may take to send its request headers, and a
    # request its whole body. Real browsers send both in one packet or a few;
    # a client slower than this is trickling on purpose (slowloris) and is
    # dropped. Reading happens on the event loop, so the wait costs no thread.
    "COOKIEGATE_HEADER_TIMEOUT": "10",
    "COOKIEGATE_BODY_TIMEOUT": "10",
    # Largest request body in bytes, read in full before the app runs. The
    # biggest real bodies (consent POST, admin forms) are a few KiB.
    "COOKIEGATE_MAX_REQUEST_BODY": str(1024 * 1024),
    # Seconds. A consent write waits at most 30 s for the database lock (busy
    # timeout); a request slower than this is stuck and its worker is replaced.
    "COOKIEGATE_TIMEOUT": "60",
    # Trust X-Forwarded-Proto only from the proxy in front (same machine by
    # default); client addresses are taken from X-Forwarded-For by the app
    # itself, for COOKIEGATE_PROXY_COUNT proxies.
    "COOKIEGATE_FORWARDED_ALLOW_IPS": "127.0.0.1,::1",
    # Where gunicorn writes its access log; "-" is standard output.
    "COOKIEGATE_ACCESS_LOG": "-",
}


def environ_value(key: str, environ: t.Mapping[str, str] = os.environ) -> str:
    """The value of setting ``key`` in ``environ``, or its default when unset.

    :raises KeyError: ``key`` is not in :data:`ENVIRON_DEFAULTS` (a typo in the code).
    """
    return environ.get(key, ENVIRON_DEFAULTS[key])


def environ_int(key: str, minimum: int, environ: t.Mapping[str, str] = os.environ) -> int:
    """The value of setting ``key`` as a whole number of at least ``minimum``.

    Read at startup, so a typo stops the server with the key and the value
    instead of a bare ``int()`` traceback.

    :raises SettingsError: the value is not a whole number, or is too small.
    """
    value = environ_value(key, environ)
    try:
        number = int(value)
    except ValueError:
        raise SettingsError(key, f"{key}={value!r} is not a whole number.") from None
    if number < minimum:
        raise SettingsError(key, f"{key}={value!r} is less than {minimum}, the smallest allowed.")
    return number
