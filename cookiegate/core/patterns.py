"""Host/path patterns of third-party tags and the regular expressions they become.

A service names its scripts, iframes, pixels and beacons as ``host[/path]``
patterns (``googletagmanager.com/gtag/js``, ``connect.facebook.net/*/fbevents.js``).
The host matches itself and every subdomain at a label boundary, so
``google-analytics.com`` covers ``region1.google-analytics.com`` but never
``evil-google-analytics.com``; the path is a prefix in which ``*`` stands for
any run of characters. Python and the browser loader must agree exactly on
what a pattern blocks, so the server compiles each pattern once into a regular
expression written in the subset both engines read the same way, and ships
that source string to the loader.
"""

from __future__ import annotations

import re

_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$")
_PATH = re.compile(r"^/[A-Za-z0-9\-._~!$&'()*+,;=:@%/?]*$")
_COOKIE = re.compile(r"^[!#$%&'+\-.^_`|~0-9A-Za-z*]{1,128}$")
_SPECIAL = set(".^$*+?()[]{}|\\/")


def _escape(text: str) -> str:
    """Escape regex metacharacters in a way JavaScript and Python both accept."""
    return "".join("\\" + c if c in _SPECIAL else c for c in text)


def check_pattern(pattern: str) -> str | None:
    """Return why ``pattern`` is not a valid ``host[/path]`` pattern, or None."""
    host, slash, path = pattern.partition("/")
    if "://" in pattern:
        return f"{pattern!r} must not include a scheme; write it as host/path."
    if not _HOST.match(host):
        return f"{pattern!r} does not start with a valid host name such as example.com."
    if slash and not _PATH.match("/" + path):
        return f"{pattern!r} has characters that are not allowed in a URL path."
    return None


def pattern_regex(pattern: str) -> str:
    """Compile one ``host[/path]`` pattern to a regex over ``host[:port]/path?query``.

    URLs are matched without their scheme so ``http``, ``https`` and
    protocol-relative ``//host/x`` sources are treated alike.
    """
    host, slash, path = pattern.partition("/")
    tail = _escape("/" + path).replace("\\*", ".*") if slash else "(?:[/?#]|$)"
    return r"^(?:[^/?#@]*\.)?" + _escape(host) + r"(?::\d+)?" + tail


def check_cookie_name(name: str) -> str | None:
    """Return why ``name`` is not a cookie name (``*`` allowed as wildcard), or None."""
    if not _COOKIE.match(name):
        return (
            f"{name!r} is not a valid cookie name "
            "(letters, digits, _-.!#$%&'+^`|~ and * as a wildcard)."
        )
    return None


def cookie_regex(name: str) -> str:
    """Compile a cookie name with ``*`` wildcards (``_ga_*``) to an anchored regex."""
    return "^" + _escape(name).replace("\\*", ".*") + "$"


def url_without_scheme(url: str) -> str:
    """Lower-case the host of ``url`` and drop its scheme and credentials for matching."""
    rest = url.split("//", 1)[1] if "//" in url else url
    authority, sep, tail = rest.partition("/")
    authority = authority.rsplit("@", 1)[-1].lower()
    return authority + sep + tail


def matches(regexes: list[str] | tuple[str, ...], url: str) -> bool:
    """True when any compiled pattern matches ``url`` (used by tests)."""
    target = url_without_scheme(url)
    return any(re.search(rx, target) for rx in regexes)
