"""The scan report as JSON (for machines) or one standalone HTML file (for compliance staff).

The HTML comes from the same Jinja partial the admin page includes
(``templates/scan/_report.html``), rendered outside Flask by
:mod:`cookiegate.core.templates`, with English texts and autoescaping, so
hostile cookie names and URLs stay text.
"""

from __future__ import annotations

import json
import typing as t

from markupsafe import Markup

from ..core import templates
from ..core.settings import STATIC_DIR


def to_json(report: t.Mapping[str, t.Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def to_html(report: t.Mapping[str, t.Any]) -> str:
    # Our own stylesheet, inlined so the file stands alone; no report field reaches <style>.
    css = Markup((STATIC_DIR / "admin" / "scan.css").read_text(encoding="utf-8"))
    return templates.render("scan/report.html", report=report, css=css)
