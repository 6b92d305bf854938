"""The streaming rewriter: HTML bytes in, the same bytes with blocked tags made inert out.

The tokenizer is the standard library's :class:`html.parser.HTMLParser`:
fed chunk by chunk, it keeps only an unfinished token between chunks, and
gives every start tag's raw text, so the gate changes the bytes of the tags
it makes inert and copies every other byte through. (lxml, selectolax/lexbor
and html5lib build a tree or give no source positions, so the page would be
re-serialised; the lol-html binding on PyPI is asyncio-only and takes no
handlers; docs/gate.md has the comparison.)

Output is released as soon as the tokenizer has read past it, except from an
inline ``<script>`` start tag to its end tag, whose text decides whether the
tag is made inert. What may be held is bounded (:data:`MAX_HELD`): past it the
rest of the response passes through unchanged, logged, and the loader in the
page still blocks what runs.
"""

from __future__ import annotations

import logging
import re
import typing as t
from html.parser import HTMLParser
from urllib.parse import urljoin

from . import tags
from .charset import decoder

if t.TYPE_CHECKING:
    from .policy import Policy

log = logging.getLogger("cookiegate.gate")

#: The most input held back at once (an unfinished comment, an inline script, a huge tag).
MAX_HELD = 1024 * 1024
#: Elements whose content the browser reads as text, so no tag inside it is a tag.
RAW_TEXT = frozenset(
    {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"}
)
#: Start tags the gate reads attribute by attribute; for the rest it only finds the end.
_INTERESTING = frozenset(tags.URL_ATTRIBUTES) | RAW_TEXT | {"base"}
#: What an absolute or scheme-relative URL needs somewhere in the tag (or a character reference).
_ABSOLUTE = re.compile(r"[:&\\]|//")
#: A start tag's name, as html.parser's ``tagfind_tolerant`` reads it.
_NAME_AT = re.compile(r"([a-zA-Z][^\t\n\r\f />\x00]*)")


class _Tokenizer(HTMLParser):
    """html.parser with positions: each start tag's offset in the whole stream."""

    def __init__(self, rewriter: Rewriter) -> None:
        super().__init__(convert_charrefs=True)
        self._rw = rewriter
        #: Offset, in the current ``rawdata``, the tokenizer has reached.
        self.at = 0

    def updatepos(self, i: int, j: int) -> int:
        # Called with each token's start before its handler runs; line numbers are not needed.
        self.at = j
        return j

    def parse_starttag(self, i: int) -> int:
        # Finds the tag's end and hands its raw text on; the attributes are read only for the
        # few tags that can load something (html.parser would read them for every tag).
        end = self.check_for_whole_start_tag(i)
        if end < 0:
            return end
        raw = self.rawdata[i:end]
        m = _NAME_AT.match(raw, 1)
        if not m or not raw.endswith(">"):
            return end  # not a tag after all: html.parser reads it as text
        name = m.group(1).lower()
        if name in _INTERESTING:
            self._rw.start_tag(self.at, raw, name)
        # "/>" means nothing on an HTML element: <script src=… /> still opens script text.
        if name in RAW_TEXT and not self.cdata_elem:
            self.set_cdata_mode(name)
        return end

    def parse_endtag(self, i: int) -> int:
        # Only the end of script or style text matters to the gate. In that text the tokenizer
        # stops only where ``interesting`` found "</script" and a space, "/" or ">", which
        # ends the text for the browser whatever follows up to ">" (html.parser wants
        # "</script\s*>" and would read on); elsewhere an end tag is skipped to its ">".
        end = self.rawdata.find(">", i + 2)
        if end < 0:
            return -1
        if self.cdata_elem:
            self.handle_endtag(self.cdata_elem)
            self.clear_cdata_mode()
        return end + 1

    def set_cdata_mode(self, elem: str, **kwargs: t.Any) -> None:
        super().set_cdata_mode(elem, **kwargs)
        # The end tag as browsers find it: "</script" then whitespace, "/" or ">".
        name = re.escape(self.cdata_elem or elem)
        self.interesting = re.compile(rf"</{name}(?=[\t\n\r\f />])", re.I)

    def handle_data(self, data: str) -> None:
        if self.cdata_elem == "script":
            self._rw.script_text(data)

    def handle_endtag(self, tag: str) -> None:
        self._rw.end_tag(tag)


def policy_claims(policy: Policy, base: str) -> bool:
    """Does any service's host pattern cover ``base``'s host (so relative URLs may be held)?"""
    return policy.blocked_service(base, base, origin=True, any_choice=True) is not None


class Rewriter:
    """Rewrites one HTML response; :meth:`feed` and :meth:`close` return what may be sent."""

    def __init__(self, policy: Policy, base: str, charset: str) -> None:
        self.policy = policy
        #: The URL relative URLs resolve against: the page's, or its ``<base href>``.
        self.base = base
        self._page = base
        #: Can a relative URL here be a blocked service's (a first-party service, a <base>)?
        self._relative_blocks = policy_claims(policy, base)
        codec = decoder(charset)
        self._decode_bytes = codec.decode
        self._tok = _Tokenizer(self)
        self._buf = ""  # input not sent yet, from offset self._sent on
        self._sent = 0
        self._fed = 0
        self._edits: list[tuple[int, int, str]] = []
        #: An inline script's start tag waiting for its text: (offset, tag).
        self._script: tuple[int, tags.StartTag] | None = None
        self._script_text: list[str] = []
        self.gave_up = False
        #: How many tags were made inert (logged at debug level when the response ends).
        self.held = 0

    # ---- the stream

    def feed(self, chunk: bytes) -> bytes:
        if self.gave_up:
            return chunk
        text = chunk.decode("latin-1")
        self._buf += text
        self._fed += len(text)
        try:
            self._tok.feed(text)
        except Exception as e:  # html.parser can fail on odd markup; the page must not
            log.warning(
                "cookiegate gate: the HTML tokenizer stopped (%r); the rest of this response "
                "passes through unchanged.",
                e,
            )
            return self._give_up()
        pending = len(self._tok.rawdata)
        if pending > MAX_HELD or (self._script and self._fed - self._script[0] > MAX_HELD):
            log.warning(
                "cookiegate gate: more than %d bytes of one token or inline script; "
                "the rest of this response passes through unchanged.",
                MAX_HELD,
            )
            return self._give_up()
        return self._drain(self._fed - pending)

    def close(self) -> bytes:
        if self.gave_up:
            return b""
        if self._script:  # the page ended inside a script, which the browser still runs
            self._script_text.append(self._tok.rawdata)
            self.end_tag("script")
        log.debug("cookiegate gate: %d tag(s) made inert.", self.held)
        return self._drain(self._fed)

    def _give_up(self) -> bytes:
        out = self._drain(self._script[0] if self._script else self._fed - len(self._tok.rawdata))
        rest = self._buf
        self._buf, self.gave_up = "", True
        return out + rest.encode("latin-1")

    def _drain(self, upto: int) -> bytes:
        """Send the input before ``upto`` (never past a waiting script) with its edits."""
        if self._script:
            upto = min(upto, self._script[0])
        if upto <= self._sent:
            return b""
        out, at = [], self._sent
        keep = []
        for start, end, new in self._edits:
            if end > upto:
                keep.append((start, end, new))
                continue
            out.append(self._buf[at - self._sent : start - self._sent])
            out.append(new)
            at = end
        out.append(self._buf[at - self._sent : upto - self._sent])
        self._edits = keep
        self._buf = self._buf[upto - self._sent :]
        self._sent = upto
        # Characters from a rewritten tag's character references never reach here: only
        # names change, so every character is a Latin-1 byte of the input.
        return "".join(out).encode("latin-1")

    # ---- events from the tokenizer

    def _offset(self, at: int) -> int:
        return self._fed - len(self._tok.rawdata) + at

    def start_tag(self, at: int, raw: str, name: str) -> None:
        if name in ("a", "area") and "ping" not in raw.lower():
            return
        if (
            name not in ("script", "base")
            and not self._relative_blocks
            and not _ABSOLUTE.search(raw)
        ):
            return  # only relative URLs, on a page whose own host no service claims
        start = self._offset(at)
        tag = tags.StartTag(raw, self._decode)
        if name == "base":
            href = tag.get("href")
            if href and self.base == self._page:  # the first <base href> counts
                self.base = urljoin(self._page, href)
                self._relative_blocks = policy_claims(self.policy, self.base)
            return
        if tags.neutralise(tag, self.policy, self.base) is not None:
            self._edit(start, tag)
        elif name == "script" and not tag.has("src") and tags.is_javascript(tag):
            if not tag.has(tags.CATEGORY_ATTRIBUTE):
                self._script, self._script_text = (start, tag), []

    def script_text(self, data: str) -> None:
        if self._script:
            self._script_text.append(data)

    def end_tag(self, name: str) -> None:
        if name != "script" or not self._script:
            return
        start, tag = self._script
        self._script = None
        service = tags.blocked_in_script("".join(self._script_text), self.policy, self.base)
        self._script_text = []
        if service is not None:
            tag.make_script_inert(service.category)
            self._edit(start, tag)

    def _edit(self, start: int, tag: tags.StartTag) -> None:
        self._edits.append((start, start + len(tag.raw), tag.text()))
        self.held += 1

    def _decode(self, value: str) -> str:
        """An attribute value read as Latin-1, in the page's real encoding."""
        if value.isascii():
            return value
        try:
            raw = value.encode("latin-1")
        except UnicodeEncodeError:  # a character reference made it: already real text
            return value
        return str(self._decode_bytes(raw, "replace")[0])
