"""Sphinx extension: the pages that cookiegate's own data writes.

Hand-kept copies of the catalogue and the API drifted from the code before
(the README's catalogue table needed its own test), so these pages are built
from the sources at every build instead:

- ``cookiegate-catalogue`` (an empty fenced block in a Markdown page): the
  service catalogue, one table and one section per entry, from
  ``load_catalogue()``;
- ``cookiegate-openapi`` (used inside ``{eval-rst}``): the HTTP API, from the
  OpenAPI document the server itself serves at ``/v1/openapi.json``, rendered
  by sphinxcontrib-openapi.
"""

from __future__ import annotations

import os
import typing as t
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective
from sphinxcontrib.openapi import directive as openapi_directive
from sphinxcontrib.openapi import renderers as openapi_renderers

from cookiegate.catalogue import load_catalogue
from cookiegate.catalogue.load import CATALOGUE_DIR
from cookiegate.cli.catalogue import markdown_table

if t.TYPE_CHECKING:
    from sphinx.application import Sphinx

#: The repository's ``cookiegate/`` package folder (docs/_ext/ -> repo root).
PACKAGE = Path(__file__).resolve().parents[2] / "cookiegate"

#: The OpenAPI document the server serves at ``/v1/openapi.json``.
OPENAPI = PACKAGE / "web" / "openapi.json"


def codes(values: t.Iterable[str]) -> str:
    """Values as inline code, comma-separated; an en dash when there are none."""
    listed = [f"`{v}`" for v in values]
    return ", ".join(listed) if listed else "–"


def catalogue_markdown(catalogue: t.Any) -> str:
    """The catalogue page's generated part: a summary table, then each entry."""
    entries = list(catalogue.entries)
    lines = [
        f"The catalogue has {len(entries)} entries.",
        "",
        markdown_table(catalogue, link=True).rstrip(),
    ]
    for e in entries:
        fields = [
            ("id", f"`{e.id}`"),
            ("vendor", e.vendor),
            ("category", f"`{e.category}` (fits: {codes(e.categories)})"),
            ("patterns", codes(e.patterns)),
            ("cookies", codes(e.cookies)),
            ("storage", codes(e.storage)),
            ("IndexedDB", codes(e.indexeddb)),
            ("Consent Mode", codes(e.consent_mode)),
            ("countries", codes(e.countries)),
            ("privacy policy", f"<{e.privacy_url}>"),
        ]
        if e.signals:
            for which in ("default", "update"):
                fields.append((f"consent {which}", codes(e.signals.calls(which))))
            fields.append(("consent API", f"<{e.signals.source}>"))
        if e.tag_manager:
            fields.append(("tag manager", "yes: a site may let its container load before consent"))
        if e.yields_to:
            fields.append(("yields to", codes(e.yields_to)))
        fields.append(("sources", ", ".join(f"<{url}>" for url in e.sources)))
        lines += ["", f"({e.id})=", f"### {e.name}", "", e.purpose, ""]
        lines += [f"- **{name}**: {value}" for name, value in fields]
    return "\n".join(lines) + "\n"


#: What a page writes where the generated catalogue goes.
CATALOGUE_MARKER = "```{cookiegate-catalogue}\n```\n"


def insert_catalogue(app: Sphinx, docname: str, source: list[str]) -> None:
    """``source-read``: put the generated catalogue where a page asks for it.

    Done on the source rather than in a directive so that each entry is a real
    section, with its own anchor and place in the page's table of contents.
    """
    if CATALOGUE_MARKER not in source[0]:
        return
    for path in sorted(CATALOGUE_DIR.glob("*.toml")):
        app.env.note_dependency(str(path))
    source[0] = source[0].replace(CATALOGUE_MARKER, catalogue_markdown(load_catalogue()))


class CatalogueDirective(SphinxDirective):
    """``cookiegate-catalogue`` left in place: only where the marker is not a block of its own."""

    def run(self) -> list[nodes.Node]:
        raise self.error(
            "cookiegate-catalogue must stand alone as an empty fenced block: "
            + repr(CATALOGUE_MARKER)
        )


_OpenApiBase: t.Any = openapi_directive.create_directive_from_renderer(
    openapi_renderers.HttpdomainRenderer
)


class OpenApiDirective(_OpenApiBase):  # type: ignore[misc]
    """``cookiegate-openapi``: sphinxcontrib-openapi's directive, given the document's path."""

    required_arguments = 0
    final_argument_whitespace = False

    def run(self) -> list[nodes.Node]:
        spec = OPENAPI
        # relfn2path reads a leading "/" as "from the source folder" (docs/).
        self.arguments = ["/" + Path(os.path.relpath(spec, self.env.srcdir)).as_posix()]
        return t.cast(list[nodes.Node], super().run())


def setup(app: Sphinx) -> dict[str, t.Any]:
    app.setup_extension("sphinxcontrib.openapi")
    app.add_directive("cookiegate-catalogue", CatalogueDirective)
    app.connect("source-read", insert_catalogue)
    app.add_directive("cookiegate-openapi", OpenApiDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
