"""The rule registry: every rule is complete, its guarding tests exist, the docs explain it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cookiegate.compliance.rules import BROWSER
from cookiegate.compliance.rules import CONFIG
from cookiegate.compliance.rules import REGIME_RULES
from cookiegate.compliance.rules import RULES
from cookiegate.compliance.rules import SERVER

ROOT = Path(__file__).resolve().parents[2]
#: The main report's rules and the regimes' own (listed in the sections per jurisdiction).
ALL = RULES + REGIME_RULES


def test_every_rule_has_an_id_sources_a_statement_and_a_way_to_check_it() -> None:
    ids = [r.id for r in ALL]
    assert len(ids) == len(set(ids))
    for rule in ALL:
        assert rule.sources and rule.statement.endswith(".") and rule.title, rule.id
        assert rule.methods and set(rule.methods) <= {CONFIG, BROWSER, SERVER}, rule.id


def test_every_test_the_registry_names_exists() -> None:
    """pytest collects each named node id, so renaming a guarding test breaks this one."""
    named = sorted({test for rule in ALL for test in rule.tests})
    assert named
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *named],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    collected = [line.strip() for line in done.stdout.splitlines()]
    # pytest-playwright parametrizes browser tests by browser name: "…[chromium]".
    missing = [n for n in named if not any(c == n or c.startswith(n + "[") for c in collected)]
    assert missing == [], missing


def test_docs_explain_every_rule() -> None:
    page = (ROOT / "docs" / "compliance.md").read_text(encoding="utf-8")
    section = page.split("## Compliance report", 1)[1].split("\n## ", 1)[0]
    missing = [r.id for r in ALL if f"| `{r.id}` | {r.statement} |" not in section]
    assert missing == []
