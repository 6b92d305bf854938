"""Which character encoding a response is in, as the browser decides it.

The gate reads and writes the page as Latin-1 text, whose 256 characters are
the 256 byte values one for one: every byte outside a rewritten tag comes out
exactly as it went in, whatever the real encoding, and tag syntax (``<``,
``=``, quotes, ASCII names) reads the same in every ASCII-compatible
encoding. The real encoding matters only to read an attribute's URL, and to
refuse the encodings in which ``<`` may be part of another character
(UTF-16, UTF-32, ISO-2022-JP …), whose pages pass through untouched.

The order is the HTML standard's "encoding sniffing algorithm"
(https://html.spec.whatwg.org/multipage/parsing.html#encoding-sniffing-algorithm):
a byte order mark, then the ``Content-Type`` charset, then a ``<meta>`` in
the first 1024 bytes, then windows-1252.
"""

from __future__ import annotations

import codecs
import re

#: Bytes the prescan reads for a ``<meta charset>`` (the standard's limit).
PRESCAN_BYTES = 1024
DEFAULT = "windows-1252"
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_BE, "utf-16-be"), (b"\xff\xfe", "utf-16-le"))
_HEADER = re.compile(r"""charset\s*=\s*["']?([^"';\s]+)""", re.I)
# <meta charset=x> and <meta http-equiv=Content-Type content="text/html; charset=x">.
_META = re.compile(rb"""<meta\s[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:\-]+)""", re.I | re.S)
#: Codecs in which ASCII bytes may stand for something other than ASCII.
_NOT_ASCII_COMPATIBLE = ("utf_16", "utf_32", "iso2022", "hz", "utf_7")


def normalise(label: str | None) -> str | None:
    """Python's codec name for an encoding label, or None when unknown."""
    if not label:
        return None
    try:
        return codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None


def from_bom(head: bytes) -> str | None:
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return None


def from_header(content_type: str) -> str | None:
    m = _HEADER.search(content_type)
    return normalise(m.group(1)) if m else None


def from_meta(head: bytes) -> str | None:
    """The encoding a ``<meta>`` in ``head`` declares; UTF-16 there means UTF-8 (the standard)."""
    m = _META.search(head[:PRESCAN_BYTES])
    name = normalise(m.group(1).decode("ascii")) if m else None
    if name and name.startswith(("utf_16", "utf-16")):
        return "utf-8"
    return name


def ascii_compatible(name: str) -> bool:
    """Does every ASCII byte mean its ASCII character in this encoding?"""
    key = name.replace("-", "_").lower()
    return not key.startswith(_NOT_ASCII_COMPATIBLE)


def decoder(name: str) -> codecs.CodecInfo:
    try:
        return codecs.lookup(name)
    except LookupError:
        return codecs.lookup(DEFAULT)
