"""The compliance report: every regulator and accessibility rule, with pass, fail or not checked.

One module a job:

- :mod:`.rules`: the registry of rules, with their sources and guarding tests;
- :mod:`.config`: the rules checked by reading a site's config;
- :mod:`.stage`, :mod:`.run`, :mod:`.probes`, :mod:`.signals`: the rules measured in real
  Chromium on a network-free stage page (the measurements themselves are
  :mod:`cookiegate.measure`), and the server's own answers;
- :mod:`.report`: findings filed under the rules, the report and its stored JSON;
- :mod:`.render`: the report as text, JSON or standalone HTML.

The names callers need (the CLI, the admin page, the saved reports) are re-exported here.
"""

from __future__ import annotations

from ..measure.base import Check
from .render import render
from .render import render_html
from .report import BROWSER_NOTE
from .report import FAIL
from .report import NOT_CHECKED
from .report import PASS
from .report import Report
from .report import ReportError
from .report import build_findings
from .report import finding_rows

__all__ = [
    "BROWSER_NOTE",
    "FAIL",
    "NOT_CHECKED",
    "PASS",
    "Check",
    "Report",
    "ReportError",
    "build_findings",
    "finding_rows",
    "render",
    "render_html",
]
