"""Which ``host[/path]`` patterns and ``*`` name globs can match the same thing.

The service catalogue must say which entry wins wherever two entries' patterns
could claim one URL (gtag.js serves Analytics and Ads), cookie or storage key.
These helpers answer the two questions that takes, for any two patterns:
can they match a common value at all, and does one only ever match values the
other matches too (so it is the more specific one). Both follow the semantics
of :mod:`cookiegate.core.patterns` exactly: hosts match their subdomains at a dot,
URL paths are prefixes, and ``*`` is any run of characters.
"""

from __future__ import annotations

import functools

from .hosts import host_within


def globs_meet(a: str, b: str) -> bool:
    """True when some string matches both ``*`` globs ``a`` and ``b`` in full.

    A string matching both starts with each glob's text before its first
    ``*`` and ends with the text after its last, so two globs whose ends
    disagree cannot meet: checked first, in C string operations, as it
    settles most pairs (the catalogue check at every command's start asks
    about 2,300, nearly all disjoint) before the search below.
    """
    if "*" not in a and "*" not in b:
        return a == b
    head_a, head_b = a.partition("*")[0], b.partition("*")[0]
    if not (head_a.startswith(head_b) or head_b.startswith(head_a)):
        return False
    tail_a, tail_b = a.rpartition("*")[2], b.rpartition("*")[2]
    if not (tail_a.endswith(tail_b) or tail_b.endswith(tail_a)):
        return False
    return _globs_meet(a, b)


def _globs_meet(a: str, b: str) -> bool:
    """:func:`globs_meet` by search: a star matches nothing or takes one more character."""

    @functools.cache
    def meet(i: int, j: int) -> bool:
        if i == len(a) and j == len(b):
            return True
        if i < len(a) and a[i] == "*":
            # a's star matches nothing, or swallows b's next character (or star).
            return meet(i + 1, j) or (j < len(b) and meet(i, j + 1))
        if j < len(b) and b[j] == "*":
            return meet(i, j + 1) or (i < len(a) and meet(i + 1, j))
        return i < len(a) and j < len(b) and a[i] == b[j] and meet(i + 1, j + 1)

    return meet(0, 0)


def _host_path(pattern: str) -> tuple[str, str | None]:
    host, slash, path = pattern.partition("/")
    return host, ("/" + path if slash else None)


def urls_meet(a: str, b: str) -> bool:
    """True when some URL is matched by both ``host[/path]`` patterns."""
    host_a, path_a = _host_path(a)
    host_b, path_b = _host_path(b)
    # A host pattern covers its subdomains, so two hosts share URLs only when
    # one is the other or a subdomain of it.
    if not (host_within(host_a, host_b) or host_within(host_b, host_a)):
        return False
    if path_a is None or path_b is None:
        return True
    # Paths are prefixes: each glob is followed by anything.
    return globs_meet(path_a + "*", path_b + "*")


def _covers(outer: str, inner: str, prefix: bool) -> bool:
    """True when glob ``outer`` matches every string glob ``inner`` matches.

    ``inner``'s ``*`` stands for any text, so only a ``*`` of ``outer`` can
    cover it. With ``prefix`` both globs are prefixes (anything may follow).
    """

    @functools.cache
    def covers(i: int, j: int) -> bool:
        if j == len(outer):
            return prefix or i == len(inner)
        if outer[j] == "*":
            return covers(i, j + 1) or (i < len(inner) and covers(i + 1, j))
        if i == len(inner) or inner[i] == "*":
            return False
        return inner[i] == outer[j] and covers(i + 1, j + 1)

    return covers(0, 0)


def url_refines(a: str, b: str) -> bool:
    """True when every URL pattern ``a`` matches, ``b`` matches too."""
    host_a, path_a = _host_path(a)
    host_b, path_b = _host_path(b)
    if not host_within(host_a, host_b):
        return False
    if path_b is None:
        return True
    return path_a is not None and _covers(path_b, path_a, prefix=True)


def names_meet(a: str, b: str) -> bool:
    """True when some cookie or storage key matches both name globs."""
    return globs_meet(a, b)


def name_refines(a: str, b: str) -> bool:
    """True when every name glob ``a`` matches, glob ``b`` matches too."""
    return _covers(b, a, prefix=False)


def url_specificity(pattern: str) -> tuple[int, str]:
    """Sort key of URL patterns: the most specific (longest) first, ties by text.

    The loader takes the first matching pattern in this order too, so the
    catalogue and the browser always agree on which service a URL belongs to.
    """
    return (-len(pattern), pattern)


def name_specificity(name: str) -> tuple[bool, int, str]:
    """Sort key of name globs: exact names first, then the most literal characters."""
    return ("*" in name, name.count("*") - len(name), name)
