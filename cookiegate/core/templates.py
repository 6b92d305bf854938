"""The Jinja environment for reports written outside Flask: the compliance and scan reports.

``cookiegate compliance --format html`` and ``cookiegate scan --output report.html`` write a
standalone page from the same partials the admin includes (``templates/compliance/``,
``templates/scan/``), but with no app to render them. This environment stands in for Flask's:
the package's templates folder, autoescaping on (hostile cookie names, URLs and evidence stay
text), and English texts through the same ``_()`` the admin's templates call.
"""

from __future__ import annotations

import functools
import typing as t

import jinja2

from .settings import PACKAGE_DIR

TEMPLATES_DIR = PACKAGE_DIR / "templates"


@functools.cache
def standalone() -> jinja2.Environment:
    """The environment, built once: ``_()`` and ``tr()`` give their text back untranslated.

    ``tr()`` is what the compliance partial calls for rule texts, which hold a literal "%"
    that ``_()`` would take as a placeholder (the admin passes flask-babel's ``gettext``).
    Undefined names render empty, as in the admin that includes the same partials: the
    scan report reads keys a report only sometimes has (``report.loader.mismatch``).
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    env.globals["tr"] = str
    return env


def render(template: str, **context: t.Any) -> str:
    """Render ``template`` (a path under ``cookiegate/templates/``) with ``context``."""
    return standalone().get_template(template).render(**context)
