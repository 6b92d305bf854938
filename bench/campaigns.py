"""Run the hostile-input campaigns at full size and print their figures.

    .venv/bin/python bench/campaigns.py [--quick]

Full size: 10,000 token mutations, 2,000 schemathesis cases per operation,
5 crash rounds per store (SQLite and PostgreSQL). --quick runs the CI sizes.
The same tests run in CI at a bounded size; here only the counts grow.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="the CI sizes (about a minute)")
    args = parser.parse_args()
    report = Path(tempfile.mkdtemp()) / "campaigns.json"
    env = {**os.environ, "COOKIEGATE_CAMPAIGN_REPORT": str(report)}
    if not args.quick:
        env |= {
            "COOKIEGATE_CAMPAIGN_TOKENS": "10000",
            "COOKIEGATE_CAMPAIGN_EXAMPLES": "2000",
            "COOKIEGATE_CRASH_ROUNDS": "5",
        }
    tests = [
        "tests/system/test_campaigns.py",
        "tests/system/test_crash.py",
        "tests/web/test_openapi.py",
    ]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests], cwd=ROOT, env=env
    )
    figures = json.loads(report.read_text()) if report.exists() else {}
    print("\nHostile-input campaigns" + (" (quick)" if args.quick else ""))
    print(f"{'campaign':22} figures")
    for name, values in figures.items():
        print(f"{name:22} " + ", ".join(f"{k}: {v}" for k, v in values.items()))
    sys.exit(result.returncode)


if __name__ == "__main__":
    main()
