"""docs/leaks.md stays true to the e2e route tests without running a browser.

The page is generated from a run of the marked tests (``pytest e2e -m leak_route``, then
``scripts/leaktable``) and committed, so building the docs needs no browser. What can drift
is checked here by collection alone: every test marked ``leak_route`` has its row, with the
route, section and limit its marker gives, and every row names a marked test.
"""

from __future__ import annotations

import typing as t

from e2e import leaks

RECORD = {
    "route": "fetch()",
    "section": "Network",
    "limit": None,
    "test": "e2e/test_routes_x.py::test_fetch",
    "outcome": "passed",
    "commit": "abc1234",
    "date": "2026-12-02 10:00",
}


def _marked(record: dict[str, t.Any]) -> dict[str, t.Any]:
    return {k: record[k] for k in ("route", "section", "limit", "test")}


def test_every_marked_route_test_has_its_row_and_every_row_a_marked_test() -> None:
    marked = leaks.collect_marked()
    assert marked, "no test is marked leak_route"
    page = leaks.PAGE.read_text(encoding="utf-8")
    assert leaks.problems(page, marked) == [], (
        "docs/leaks.md is out of date: run `.venv/bin/pytest e2e -m leak_route` "
        "then `scripts/leaktable`"
    )


def test_a_marked_test_without_a_row_and_a_row_without_a_test_are_both_reported() -> None:
    page = leaks.render([RECORD])
    other = {**_marked(RECORD), "test": "e2e/test_routes_x.py::test_xhr", "route": "XHR"}
    found = leaks.problems(page, [other])
    assert found == [
        "e2e/test_routes_x.py::test_xhr: marked leak_route but has no row in docs/leaks.md",
        "e2e/test_routes_x.py::test_fetch: row in docs/leaks.md but no test marked leak_route",
    ]
    assert leaks.problems(page, [_marked(RECORD)]) == []


def test_a_row_whose_words_differ_from_its_marker_is_reported() -> None:
    page = leaks.render([RECORD])
    renamed = {**_marked(RECORD), "limit": "no hook"}
    assert len(leaks.problems(page, [renamed])) == 1


def test_each_outcome_shows_in_all_three_columns_and_a_limit_says_so() -> None:
    failed = {**RECORD, "outcome": "failed", "test": "e2e/t.py::test_a"}
    limit = {**RECORD, "limit": "no hook | none", "route": "<link rel=preload>", "test": "t::b"}
    rows = {
        line.rsplit("`", 2)[1]: line
        for line in leaks.render([failed, limit]).splitlines()
        if line.startswith("| ") and "`" in line
    }
    assert rows["e2e/t.py::test_a"].count("**failed**") == 3
    # Markup in a route is shown as written, and a pipe does not split the cell.
    assert rows["t::b"].startswith(
        "| \\<link rel=preload\\> — *limit*: no hook \\| none | **limit** | ✓ | ✓ |"
    )


def test_the_browser_parameter_is_not_part_of_a_rows_test_id() -> None:
    assert leaks.test_id("e2e/a.py::test_x[chromium]") == "e2e/a.py::test_x"
    assert leaks.test_id("e2e/a.py::test_x[chromium-fetch]") == "e2e/a.py::test_x[fetch]"
