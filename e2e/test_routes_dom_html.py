"""HTML text, and nodes built in another document or window, are held until consent.

A tag can reach the page without any of the setters the loader wraps: parsed from HTML text
(outerHTML, createContextualFragment, setHTMLUnsafe), or built in another document
(DOMParser, Document.parseHTMLUnsafe, a template's content, an XHTML document, an iframe's
window) and then moved in. Each test takes one such route to a blocked host before any choice,
checks the host heard nothing, grants advertising, and checks it heard exactly one request and
that a script ran exactly once (``e2e/routes_dom.py``).
"""

from __future__ import annotations

import typing as t

import pytest

from .routes_dom import Hits
from .routes_dom import hits_fixture  # noqa: F401 (the hits fixture)
from .routes_dom import prove

HTML = "HTML text parsed into the page"
OTHER = "Nodes from another document or window"


@pytest.mark.leak_route("outerHTML", section=HTML)
def test_an_image_written_with_outer_html_waits_for_consent(
    page: t.Any, live: t.Any, hits: Hits
) -> None:
    prove(
        page,
        live,
        hits,
        "outer.png",
        "const d = document.createElement('div'); document.body.append(d);"
        "d.outerHTML = '<img alt=\"\" src=\"' + U('outer.png') + '\">';",
    )


@pytest.mark.leak_route("Range.createContextualFragment (its scripts run)", section=HTML)
def test_a_script_from_create_contextual_fragment_runs_once_after_consent(
    page: t.Any, live: t.Any, hits: Hits
) -> None:
    prove(
        page,
        live,
        hits,
        "fragment.js",
        "const r = document.createRange(); r.selectNodeContents(document.body);"
        "document.body.append(r.createContextualFragment("
        "'<script src=\"' + U('fragment.js') + '\"></scr' + 'ipt>'));",
        runs=True,
    )


@pytest.mark.leak_route("Element.setHTMLUnsafe", section=HTML)
def test_an_iframe_written_with_set_html_unsafe_waits_for_consent(
    page: t.Any, live: t.Any, hits: Hits
) -> None:
    prove(
        page,
        live,
        hits,
        "unsafe.html",
        "const d = document.createElement('div'); document.body.append(d);"
        "d.setHTMLUnsafe('<iframe title=\"f\" src=\"' + U('unsafe.html') + '\"></iframe>');",
    )


@pytest.mark.leak_route("Document.parseHTMLUnsafe, node moved in", section=OTHER)
def test_an_image_from_parse_html_unsafe_waits_for_consent(
    page: t.Any, live: t.Any, hits: Hits
) -> None:
    prove(
        page,
        live,
        hits,
        "parsed.png",
        "const d = Document.parseHTMLUnsafe('<img alt=\"\" src=\"' + U('parsed.png') + '\">');"
        "document.body.append(d.body.firstChild);",
    )


@pytest.mark.leak_route("DOMParser + document.adoptNode", section=OTHER)
def test_an_image_adopted_from_dom_parser_waits_for_consent(
    page: t.Any, live: t.Any, hits: Hits
) -> None:
    # Adopting an <img> into the page's document starts its load (HTML "adopting steps"),
    # before it is even inserted.
    prove(
        page,
        live,
        hits,
        "adopted.png",
        "const d = new DOMParser().parseFromString("
        "'<img alt=\"\" src=\"' + U('adopted.png') + '\">', 'text/html');"
        "window.kept = document.adoptNode(d.body.firstChild); document.body.append(window.kept);",
    )


@pytest.mark.leak_route("DOMParser + document.importNode", section=OTHER)
def test_an_iframe_imported_from_dom_parser_waits_for_consent(
    page: t.Any, live: t.Any, hits: Hits
) -> None:
    prove(
        page,
        live,
        hits,
        "imported.html",
        "const d = new DOMParser().parseFromString("
        "'<iframe title=\"f\" src=\"' + U('imported.html') + '\"></iframe>', 'text/html');"
        "document.body.append(document.importNode(d.body.firstChild, true));",
    )


@pytest.mark.leak_route("<template> content moved into the document", section=OTHER)
def test_a_template_content_moved_in_waits_for_consent(
    page: t.Any, live: t.Any, hits: Hits
) -> None:
    prove(
        page,
        live,
        hits,
        "template.png",
        "const t = document.createElement('template');"
        "t.innerHTML = '<p><img alt=\"\" src=\"' + U('template.png') + '\"></p>';"
        "document.body.append(t.content);",
    )


INSERTIONS = {
    "append": "document.body.append(node)",
    "prepend": "document.body.prepend(node)",
    "before": "document.getElementById('anchor').before(node)",
    "after": "document.getElementById('anchor').after(node)",
    "replaceWith": "document.getElementById('anchor').replaceWith(node)",
    "replaceChildren": "document.getElementById('main').replaceChildren(node)",
    "insertAdjacentElement": "document.body.insertAdjacentElement('afterbegin', node)",
    "appendChild": "document.body.appendChild(node)",
    "insertBefore": "document.body.insertBefore(node, document.body.firstChild)",
    "Range.insertNode": "const r = document.createRange();"
    " r.selectNode(document.getElementById('anchor')); r.insertNode(node)",
}


@pytest.mark.parametrize(
    "method",
    [
        pytest.param(
            m,
            marks=pytest.mark.leak_route(
                f"{m} of an element built in another document", section=OTHER
            ),
        )
        for m in INSERTIONS
    ],
)
def test_an_image_built_in_another_document_waits_for_consent_whatever_inserts_it(
    page: t.Any, live: t.Any, hits: Hits, method: str
) -> None:
    # document.implementation.createHTMLDocument: a document with no window, so nothing in it
    # loads; its own write() is not the page's, so the loader never saw the markup.
    name = f"other-{method}.png"
    prove(
        page,
        live,
        hits,
        name,
        "const h = document.implementation.createHTMLDocument('');"
        f"h.write('<img alt=\"\" src=\"' + U({name!r}) + '\">'); h.close();"
        f"const node = h.body.firstChild; {INSERTIONS[method]};",
    )


@pytest.mark.leak_route("<script> made in an iframe's window, inserted in the page", section=OTHER)
def test_a_script_made_in_another_window_runs_once_after_consent(
    page: t.Any, live: t.Any, hits: Hits
) -> None:
    # The iframe's window has its own, unwrapped setters: only the insertion can catch it.
    prove(
        page,
        live,
        hits,
        "realm.js",
        "const f = document.createElement('iframe'); f.title = 'realm'; document.body.append(f);"
        "const s = f.contentDocument.createElement('script'); s.src = U('realm.js');"
        "document.body.append(s);",
        runs=True,
    )


@pytest.mark.leak_route("<script> of an XHTML document (lower-case tag name)", section=OTHER)
def test_a_script_of_an_xhtml_document_runs_once_after_consent(
    page: t.Any, live: t.Any, hits: Hits
) -> None:
    # In an XML document tagName is "script", not "SCRIPT": the loader compares local names.
    prove(
        page,
        live,
        hits,
        "xhtml.js",
        "const x = document.implementation.createDocument('http://www.w3.org/1999/xhtml', 'html');"
        "const s = x.createElement('script'); s.setAttribute('src', U('xhtml.js'));"
        "document.body.append(s);",
        runs=True,
    )


@pytest.mark.leak_route("SVG <script href>", section=OTHER)
def test_an_svg_script_runs_once_after_consent(page: t.Any, live: t.Any, hits: Hits) -> None:
    prove(
        page,
        live,
        hits,
        "svg.js",
        "const n = 'http://www.w3.org/2000/svg', svg = document.createElementNS(n, 'svg');"
        "const s = document.createElementNS(n, 'script'); s.setAttribute('href', U('svg.js'));"
        "svg.append(s); document.body.append(svg);",
        runs=True,
    )
