"""One start tag made inert, in exactly the form the loader releases.

The loader (``static/js/src/loader/interceptors.js`` and ``release.js``) keeps a
blocked tag's URL in ``data-cg-src`` and marks a waiting script
``type="text/plain"`` with its ``data-category``; once the category is
granted, ``release()`` finds them (``[data-cg-src]``,
``script[type=text/plain][data-category]``), puts the URL back and runs each
once. The gate writes the same marks on the server, so the browser (and its
preload scanner) never sees the URL as something to load.

Every other URL attribute (``srcset``, ``href`` of a ``<link>``, ``data`` of
an ``<object>``, ``poster``, ``ping``) is held the same way under
``data-cg-<attribute>``. Only the attribute *names* change: the raw bytes of
every value are kept, so nothing in the tag is re-encoded.
"""

from __future__ import annotations

import re
import typing as t
from html import unescape

if t.TYPE_CHECKING:
    from ..siteconfig.model import Service
    from .policy import Policy

#: Prefix of a held attribute: ``src`` is held in ``data-cg-src`` (shared/constants.js).
HELD_PREFIX = "data-cg-"
CATEGORY_ATTRIBUTE = "data-category"
INERT_SCRIPT_TYPE = "text/plain"
#: A held module script keeps its type here (``type`` itself must read text/plain).
HELD_TYPE_ATTRIBUTE = "data-cg-type"

#: The attributes that make each element load a URL.
URL_ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "script": ("src",),
    "iframe": ("src",),
    "frame": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "embed": ("src",),
    "input": ("src",),
    "object": ("data",),
    "link": ("href", "imagesrcset"),
    "a": ("ping",),
    "area": ("ping",),
}
#: ``<link rel>`` values that fetch (or open a connection to) their ``href``.
LOADING_RELS = frozenset(
    {
        "preload",
        "prefetch",
        "preconnect",
        "dns-prefetch",
        "modulepreload",
        "stylesheet",
        "prerender",
    }
)
#: Hints that name an origin only: matched by host.
ORIGIN_RELS = frozenset({"preconnect", "dns-prefetch"})
#: Lists of URLs rather than one URL.
LIST_ATTRIBUTES = frozenset({"srcset", "imagesrcset", "ping"})
#: Script types a browser runs as JavaScript (HTML "JavaScript MIME type essence match").
JS_TYPES = frozenset(
    {
        "",
        "module",
        "text/javascript",
        "application/javascript",
        "application/ecmascript",
        "application/x-ecmascript",
        "application/x-javascript",
        "text/ecmascript",
        "text/javascript1.0",
        "text/javascript1.1",
        "text/javascript1.2",
        "text/javascript1.3",
        "text/javascript1.4",
        "text/javascript1.5",
        "text/jscript",
        "text/livescript",
        "text/x-ecmascript",
        "text/x-javascript",
    }
)

# The tag name and attributes as html.parser reads them (its tagfind_tolerant and
# attrfind_tolerant), so the gate sees the same attributes the tokenizer did.
_TAG_NAME = re.compile(r"([a-zA-Z][^\t\n\r\f />\x00]*)(?:\s|/(?!>))*")
_ATTRIBUTE = re.compile(
    r"((?<=['\"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*('[^']*'|\"[^\"]*\"|(?!['\"])[^>\s]*))?(?:\s|/(?!>))*"
)
#: URLs written in an inline script's text (``https://…``, ``//…``, JSON's ``https:\/\/…``).
_SCRIPT_URL = re.compile(r"(?:https?:)?//[A-Za-z0-9][A-Za-z0-9.-]*(?::\d+)?[^\s'\"`<>()\\,;]*")


class Attribute(t.NamedTuple):
    name: str
    #: Unescaped value; None when written without ``=``.
    value: str | None
    #: Where the name starts and ends, and where the whole attribute ends, in the raw tag.
    start: int
    name_end: int
    end: int


class StartTag:
    """A start tag's raw text and attributes, with the edits that make it inert."""

    def __init__(self, raw: str, decode: t.Callable[[str], str]) -> None:
        self.raw = raw
        m = _TAG_NAME.match(raw, 1)
        self.name = m.group(1).lower() if m else ""
        #: Where new attributes go: right after the tag name.
        self.insert_at = m.end(1) if m else 1
        self.attributes: list[Attribute] = []
        k = m.end() if m else len(raw)
        while k < len(raw):
            a = _ATTRIBUTE.match(raw, k)
            if not a or not a.group(1):
                break
            value = a.group(3)
            if value is not None:
                if value[:1] in ("'", '"') and value[:1] == value[-1:] and len(value) > 1:
                    value = value[1:-1]
                value = decode(unescape(value)) if "&" in value else decode(value)
            self.attributes.append(
                Attribute(a.group(1).lower(), value, a.start(1), a.end(1), a.end())
            )
            k = a.end()
        self._edits: list[tuple[int, int, str]] = []

    def get(self, name: str) -> str | None:
        """The first value of ``name`` (what the browser uses), None if absent or valueless."""
        return next((a.value for a in self.attributes if a.name == name), None)

    def has(self, name: str) -> bool:
        return any(a.name == name for a in self.attributes)

    def hold(self, name: str) -> None:
        """Rename every ``name`` attribute to ``data-cg-<name>``, keeping its raw value."""
        for a in self.attributes:
            if a.name == name:
                self._edits.append((a.start, a.name_end, HELD_PREFIX + name))

    def make_script_inert(self, category: str) -> None:
        """``type="text/plain" data-category=…``: the marks of a script waiting for consent."""
        kind = (self.get("type") or "").strip().lower()
        for a in self.attributes:
            if a.name == "type":
                self._edits.append((a.start, a.end, ""))
        extra = f' type="{INERT_SCRIPT_TYPE}" {CATEGORY_ATTRIBUTE}="{category}"'
        if kind == "module":
            extra += f' {HELD_TYPE_ATTRIBUTE}="module"'
        self._edits.append((self.insert_at, self.insert_at, extra))

    @property
    def changed(self) -> bool:
        return bool(self._edits)

    def text(self) -> str:
        """The tag with its edits applied (the raw text when there are none)."""
        out, at = [], 0
        for start, end, new in sorted(self._edits):
            out.append(self.raw[at:start])
            out.append(new)
            at = end
        out.append(self.raw[at:])
        return "".join(out)


def is_javascript(tag: StartTag) -> bool:
    """Will the browser run this ``<script>`` (rather than keep it as data)?"""
    kind = tag.get("type")
    if kind is None:
        language = tag.get("language")
        return language is None or ("text/" + language.strip().lower()) in JS_TYPES
    return kind.strip().lower() in JS_TYPES


def neutralise(tag: StartTag, policy: Policy, base: str) -> Service | None:
    """Hold every URL attribute of ``tag`` that points at a blocked service.

    :returns: the first blocked service found, or None when the tag may load as it is.
    """
    names = URL_ATTRIBUTES.get(tag.name)
    if not names or tag.has(CATEGORY_ATTRIBUTE) and tag.name == "script":
        return None  # not a loading tag, or already marked by the site for the loader
    if tag.name == "script" and not is_javascript(tag):
        return None  # a data block or a tag already made inert
    if tag.name == "link":
        rels = (tag.get("rel") or "").lower().split()
        if not LOADING_RELS.intersection(rels):
            return None
    if tag.name == "input" and (tag.get("type") or "").strip().lower() != "image":
        return None
    origin_only = tag.name == "link" and not ORIGIN_RELS.isdisjoint(
        (tag.get("rel") or "").lower().split()
    )
    first: Service | None = None
    for name in names:
        value = tag.get(name)
        if not value:
            continue
        if name == "ping":
            urls = value.split()
        else:
            urls = srcset_urls(value) if name in LIST_ATTRIBUTES else [value]
        for url in urls:
            service = policy.blocked_service(url, base, origin=origin_only)
            if service is not None:
                tag.hold(name)
                first = first or service
                break
    if first is not None and tag.name == "script":
        tag.make_script_inert(first.category)
    return first


def blocked_in_script(text: str, policy: Policy, base: str) -> Service | None:
    """The first blocked service whose URL an inline script's text names, or None.

    A tag's snippet (Meta Pixel, Google Tag Manager) loads its library by
    inserting a ``<script>`` whose URL is written in the snippet, so the URLs
    in the text are matched against the same rules as a ``src``.
    """
    if "/" not in text:
        return None
    for m in _SCRIPT_URL.finditer(text.replace("\\/", "/")):
        service = policy.blocked_service(m.group(), base)
        if service is not None:
            return service
    return None


def srcset_urls(value: str) -> list[str]:
    """The URLs of a ``srcset`` (HTML's "parse a srcset attribute", without descriptors)."""
    urls, pos, n = [], 0, len(value)
    while pos < n:
        while pos < n and (value[pos].isspace() or value[pos] == ","):
            pos += 1
        start = pos
        while pos < n and not value[pos].isspace():
            pos += 1
        url = value[start:pos]
        if url.endswith(","):
            urls.append(url.rstrip(","))
            continue
        if url:
            urls.append(url)
        depth = 0  # skip the descriptors, up to a comma outside parentheses
        while pos < n and (depth or value[pos] != ","):
            depth += {"(": 1, ")": -1}.get(value[pos], 0) if depth >= 0 else 0
            pos += 1
    return urls
