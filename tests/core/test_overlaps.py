"""``*`` glob overlap: the quick end checks never change an answer of the full search."""

from __future__ import annotations

import itertools
import re

from cookiegate.core import overlaps

GLOBS = ["".join(p) for n in range(5) for p in itertools.product("ab*", repeat=n)]
WORDS = ["".join(p) for n in range(7) for p in itertools.product("ab", repeat=n)]


def _regex(glob: str) -> re.Pattern[str]:
    return re.compile(".*".join(map(re.escape, glob.split("*"))))


def test_globs_meet_exactly_when_some_string_matches_both() -> None:
    """Every pair of globs up to three characters, against every string that could witness
    it (any two such globs that meet share a string of at most six characters)."""
    short = [g for g in GLOBS if len(g) <= 3]
    matched = {g: {w for w in WORDS if _regex(g).fullmatch(w)} for g in short}
    for a in short:
        for b in short:
            assert overlaps.globs_meet(a, b) == bool(matched[a] & matched[b]), (a, b)


def test_the_end_checks_agree_with_the_search_on_longer_globs() -> None:
    for a in GLOBS:
        for b in GLOBS:
            assert overlaps.globs_meet(a, b) == overlaps._globs_meet(a, b), (a, b)
