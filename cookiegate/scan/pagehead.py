"""What ``cookiegate doctor`` reads from a page's ``<head>``: its scripts and CSP ``<meta>`` tags.

Parsed with the standard library's HTML tokenizer (:mod:`html.parser`), not
regular expressions, so comments, attributes in any quoting and character
references are read as a browser reads them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urljoin
from urllib.parse import urlsplit

#: A loader URL: ``…/loader.js`` (served) or ``…/loader.<hash>.js`` (published).
LOADER_PATH = re.compile(r"/loader(\.[\w-]+)?\.js$")
#: Script types a browser does not run as a classic script (data blocks).
_DATA_TYPES = ("application/ld+json", "application/json", "importmap", "speculationrules")


@dataclass
class ScriptTag:
    """A ``<script>`` of the page's ``<head>``, in document order."""

    attrs: dict[str, str]
    index: int

    @property
    def src(self) -> str:
        return self.attrs.get("src", "")

    @property
    def runs(self) -> bool:
        """Whether the browser runs it (data blocks such as JSON-LD do not)."""
        kind = self.attrs.get("type", "").strip().lower()
        return kind not in _DATA_TYPES and kind != "text/plain"


class PageHead(HTMLParser):
    """The scripts of ``<head>`` and the CSP ``<meta>`` tags, with a real HTML tokenizer."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[ScriptTag] = []
        self.meta_csp: list[str] = []
        self._in_head = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "body":
            self._in_head = False
        if not self._in_head:
            return
        values = {k.lower(): v or "" for k, v in attrs}
        if tag == "script":
            self.scripts.append(ScriptTag(values, len(self.scripts)))
        elif tag == "meta" and values.get("http-equiv", "").lower() == "content-security-policy":
            self.meta_csp.append(values.get("content", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self._in_head = False


def read_head(html: str) -> PageHead:
    """Tokenize ``html`` and keep what the checks need from its ``<head>``."""
    head = PageHead()
    head.feed(html)
    head.close()
    return head


def find_loader(head: PageHead, page_url: str) -> ScriptTag | None:
    """The head's cookiegate loader tag: the first script whose URL path is a loader's."""
    for tag in head.scripts:
        if tag.src and LOADER_PATH.search(urlsplit(urljoin(page_url, tag.src)).path):
            return tag
    return None
