"""The leak table: which insertion routes the e2e tests prove held, released and run once.

Three parts, so the table a DPO reads in ``docs/leaks.md`` is what the browser tests found:

- a pytest plugin (its hooks are re-exported by ``e2e/conftest.py``) that records the outcome
  of every test marked ``@pytest.mark.leak_route(route, section=…, limit=None)`` into
  ``e2e/artifacts/leak-routes.json``, merged with the records of earlier runs, by test id;
- :func:`render`, the Markdown page built from those records (``scripts/leaktable``);
- :func:`problems`, which compares the committed page with the marked tests as collected, so
  a fast test (``tests/system/test_leak_table.py``) fails when a marked route has no row, a
  row has no marked test, or a row's words differ from its marker.

One test proves all three promises of its route (no request or run before consent, released
after the grant, run exactly once), so a row's three cells come from one outcome.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import typing as t
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RECORDS = Path(__file__).parent / "artifacts" / "leak-routes.json"
PAGE = ROOT / "docs" / "leaks.md"
MARKER = "leak_route"
#: When set, collection writes the marked tests to this file (for :func:`collect_marked`).
LIST_ENV = "COOKIEGATE_LEAK_ROUTES_LIST"

Record = dict[str, t.Any]

# ------------------------------------------------------------------ pytest plugin

_marked: dict[str, Record] = {}
_outcomes: dict[str, str] = {}


def marker_fields(item: pytest.Item) -> Record | None:
    """``route``, ``section``, ``limit`` and ``test`` of a marked test, else None.

    :raises pytest.UsageError: the marker lacks its route or section.
    """
    mark = item.get_closest_marker(MARKER)
    if mark is None:
        return None
    route = mark.args[0] if mark.args else mark.kwargs.get("route")
    section = mark.kwargs.get("section")
    if not route or not section:
        raise pytest.UsageError(
            f"{item.nodeid}: @pytest.mark.leak_route needs a route and section=…"
        )
    return {
        "route": route,
        "section": section,
        "limit": mark.kwargs.get("limit"),
        "test": test_id(item.nodeid),
    }


def test_id(nodeid: str) -> str:
    """A node id without the browser parameter pytest-playwright adds (one browser here)."""
    return re.sub(r"\[chromium\]$", "", nodeid.replace("[chromium-", "["))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Remember the marked tests; under ``COOKIEGATE_LEAK_ROUTES_LIST`` also write them."""
    _marked.clear()
    for item in items:
        fields = marker_fields(item)
        if fields:
            _marked[item.nodeid] = fields
    target = os.environ.get(LIST_ENV)
    if target:
        Path(target).write_text(json.dumps(list(_marked.values()), indent=1), encoding="utf-8")


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """A marked test's outcome: failed if any phase failed, skipped if it never ran."""
    if report.nodeid not in _marked:
        return
    if report.failed:
        _outcomes[report.nodeid] = "failed"
    elif report.skipped and report.nodeid not in _outcomes:
        _outcomes[report.nodeid] = "skipped"
    elif report.when == "call" and report.passed:
        _outcomes.setdefault(report.nodeid, "passed")


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Merge this run's outcomes into the records file (other tests keep their last record)."""
    if not _outcomes:
        return
    records = {r["test"]: r for r in read_records()}
    stamp = {"commit": _commit(), "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M")}
    for nodeid, outcome in _outcomes.items():
        fields = _marked[nodeid]
        records[fields["test"]] = {**fields, "outcome": outcome, **stamp}
    RECORDS.parent.mkdir(exist_ok=True)
    RECORDS.write_text(
        json.dumps(sorted(records.values(), key=_order), indent=1) + "\n", encoding="utf-8"
    )
    _outcomes.clear()


def read_records(path: Path = RECORDS) -> list[Record]:
    if not path.exists():
        return []
    return list(json.loads(path.read_text(encoding="utf-8")))


def _commit() -> str:
    """The commit tested, with ``+changes`` when the work tree differs from it."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+changes" if dirty else "")


def _order(record: Record) -> tuple[str, str, str]:
    return (record["section"], record["route"], record["test"])


# ------------------------------------------------------------------ the page

HEADER = """\
# Leak table

Every route a tag can take to reach a third-party host, and what the browser tests
(`e2e/`, real Chromium) prove about it: **held before consent** (nothing is requested, run or
stored before the visitor grants the service's category), **released after** (granting runs
or sends it without a reload) and **run once** (it runs or is requested exactly once, and a
later choice does not run it again). Network calls and cookie writes are refused rather than
held: for them, "released" means the same call made after the grant goes out, once.

The tests of the Withdrawal rows also prove that what the tags stored is deleted when the
visitor withdraws or refuses after a grant.

A route marked **limit** is one the browser offers no hook for; its row says what happens and
what the site must do, and its test shows exactly that. A cell says **failed** when the test
failed in the run below, **not run** when it was skipped.

This page is generated from the test results, never written by hand:
`pytest e2e -m leak_route` then `scripts/leaktable`
(see [Development](development.md#leak-table)).
"""

CELLS = {
    "passed": ("✓", "✓", "✓"),
    "failed": ("**failed**", "**failed**", "**failed**"),
    "skipped": ("not run", "not run", "not run"),
}
LIMIT_CELLS = {**CELLS, "passed": ("**limit**", "✓", "✓")}


def render(records: t.Iterable[Record]) -> str:
    """The Markdown page: the header, the run it comes from, then a table per section."""
    rows = sorted(records, key=_order)
    stamps = sorted({f"`{r['commit']}` ({r['date']} UTC)" for r in rows})
    lines = [HEADER]
    if stamps:
        lines.append("Tested at commit " + ", ".join(stamps) + ".\n")
    for section in dict.fromkeys(r["section"] for r in rows):
        lines += [f"## {_escape(section)}", ""]
        lines.append("| route | held before consent | released after | run once | test |")
        lines.append("|---|---|---|---|---|")
        for r in (r for r in rows if r["section"] == section):
            cells = (LIMIT_CELLS if r["limit"] else CELLS)[r["outcome"]]
            route = _escape(r["route"])
            if r["limit"]:
                route += f" — *limit*: {_escape(r['limit'])}"
            lines.append(f"| {route} | {' | '.join(cells)} | `{r['test']}` |")
        lines.append("")
    return "\n".join(lines)


def _escape(text: str) -> str:
    """Table cell text: pipes escaped, markup characters shown as written."""
    return re.sub(r"([|<>*_`\\[\]])", r"\\\1", text)


ROW = re.compile(r"^\| (?P<route>.+?) \| .+ \| `(?P<test>[^`]+)` \|$")


def page_rows(text: str) -> dict[str, str]:
    """``{test id: route cell}`` of every row of a rendered page."""
    return {m["test"]: m["route"] for m in map(ROW.match, text.splitlines()) if m}


def problems(page_text: str, marked: t.Iterable[Record]) -> list[str]:
    """Why the committed page does not match the marked tests (empty when it does)."""
    rows = page_rows(page_text)
    wanted = {r["test"]: r for r in marked}
    found = []
    for test, fields in wanted.items():
        if test not in rows:
            found.append(f"{test}: marked leak_route but has no row in docs/leaks.md")
            continue
        cell = _escape(fields["route"]) + (
            f" — *limit*: {_escape(fields['limit'])}" if fields["limit"] else ""
        )
        if rows[test] != cell:
            found.append(f"{test}: its row says {rows[test]!r}, its marker {cell!r}")
    found += [
        f"{test}: row in docs/leaks.md but no test marked leak_route"
        for test in rows
        if test not in wanted
    ]
    return found


def collect_marked(paths: t.Sequence[str] = ("e2e",)) -> list[Record]:
    """The marked tests, as pytest collects them (no browser is started).

    :raises RuntimeError: collection failed.
    """
    target = RECORDS.parent / "leak-routes-collected.json"
    target.parent.mkdir(exist_ok=True)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, LIST_ENV: str(target)},
    )
    if result.returncode != 0:
        raise RuntimeError(f"collecting {paths} failed:\n{result.stdout}\n{result.stderr}")
    return list(json.loads(target.read_text(encoding="utf-8")))


def main(argv: t.Sequence[str]) -> int:
    """``scripts/leaktable``: write docs/leaks.md from the records; ``--check`` only compares."""
    records = read_records()
    if not records:
        print(f"No records in {RECORDS}: run `pytest e2e -m leak_route` first.", file=sys.stderr)
        return 1
    marked = {r["test"] for r in collect_marked()}
    stale = [r["test"] for r in records if r["test"] not in marked]
    missing = sorted(marked - {r["test"] for r in records})
    records = [r for r in records if r["test"] in marked]
    text = render(records)
    if "--check" in argv:
        same = PAGE.exists() and PAGE.read_text(encoding="utf-8") == text
        print("docs/leaks.md is up to date." if same else "docs/leaks.md differs: rerun.")
        return 0 if same else 1
    PAGE.write_text(text, encoding="utf-8")
    print(f"wrote {PAGE.relative_to(ROOT)}: {len(records)} routes")
    for test in stale:
        print(f"  dropped {test}: no longer marked", file=sys.stderr)
    for test in missing:
        print(f"  no result for {test}: run it, then this again", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
