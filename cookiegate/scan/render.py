"""The scan report as JSON (for machines) or one standalone HTML file (for compliance staff).

The HTML comes from the same Jinja partial the admin page includes
(``templates/scan/_report.html``), rendered here outside Flask with English
texts and autoescaping, so hostile cookie names and URLs stay text.
"""

from __future__ import annotations

import functools
import json
import typing as t
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..core.settings import STATIC_DIR

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@functools.cache
def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    return env


def to_json(report: t.Mapping[str, t.Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False) + "\n"


def to_html(report: t.Mapping[str, t.Any]) -> str:
    # Our own stylesheet, inlined so the file stands alone; no report field reaches <style>.
    css = Markup((STATIC_DIR / "admin" / "scan.css").read_text(encoding="utf-8"))  # noqa: S704
    return _env().get_template("scan/report.html").render(report=report, css=css)
