"""The IAB Global Privacy Platform string: its header and the ``usnat`` section, both ways.

The browser builds the string the page's ad partners read (``static/js/src/gpp/``); this
module is the same encoding in Python, for the tests that hold both to the examples the
specification and its reference libraries publish, and for tools that read a string back.

Sources (IAB Tech Lab, read for the layout; no code copied):

- Consent String Specification (header, Fibonacci coding, ranges, base64url):
  https://github.com/InteractiveAdvertisingBureau/Global-Privacy-Platform/blob/main/Core/Consent%20String%20Specification.md
- MSPA US National section (id 7, prefix ``usnat``; core segment and GPC subsection):
  https://github.com/InteractiveAdvertisingBureau/Global-Privacy-Platform/blob/main/Sections/US-National/IAB%20Privacy%E2%80%99s%20Multi-State%20Privacy%20Agreement%20(MSPA)%20US%20National%20Technical%20Specification.md
- Reference libraries whose tests publish strings (``DBABMA``, ``BVVVkkkkkpFY.YA`` …):
  https://github.com/IABTechLab/iabgpp-es and https://github.com/IABTechLab/iabgpp-java

A segment's bits are padded with zeros to whole bytes and then to whole 6-bit characters,
as the reference libraries write them (``DBABMA`` where the specification's example pads to
6 bits only, ``DBABM``); readers accept both, and so does :func:`bits_of`.
"""

from __future__ import annotations

import typing as t

from ..core.errors import CookiegateError

#: RFC 4648 base64url: the specification's table with ``-`` and ``_`` for ``+`` and ``/``.
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
#: The header's Type field ("GPP Header field") and the GPP version.
HEADER_TYPE = 3
GPP_VERSION = 1
USNAT_ID = 7
USNAT_PREFIX = "usnat"
USNAT_VERSION = 1

#: The usnat core segment as the second release (October 2024) lays it out:
#: ``(field, bits per value, values)``; 16 sensitive data categories and 3 known-child ages.
USNAT_CORE: tuple[tuple[str, int, int], ...] = (
    ("Version", 6, 1),
    ("SharingNotice", 2, 1),
    ("SaleOptOutNotice", 2, 1),
    ("SharingOptOutNotice", 2, 1),
    ("TargetedAdvertisingOptOutNotice", 2, 1),
    ("SensitiveDataProcessingOptOutNotice", 2, 1),
    ("SensitiveDataLimitUseNotice", 2, 1),
    ("SaleOptOut", 2, 1),
    ("SharingOptOut", 2, 1),
    ("TargetedAdvertisingOptOut", 2, 1),
    ("SensitiveDataProcessing", 2, 16),
    ("KnownChildSensitiveDataConsents", 2, 3),
    ("PersonalDataConsents", 2, 1),
    ("MspaCoveredTransaction", 2, 1),
    ("MspaOptOutOptionMode", 2, 1),
    ("MspaServiceProviderMode", 2, 1),
)
#: Bits of the core segment before padding (70): shorter ones are of the first release.
USNAT_CORE_BITS = sum(width * count for _, width, count in USNAT_CORE)
#: The first release's list lengths, which a reader still meets.
FIRST_RELEASE = {"SensitiveDataProcessing": 12, "KnownChildSensitiveDataConsents": 2}


class GppError(CookiegateError, ValueError):
    """A GPP string, or a value meant for one, that the specification does not allow."""


def integer(value: int, width: int) -> str:
    """``value`` as ``width`` bits, most significant first.

    :raises GppError: it does not fit.
    """
    if not 0 <= value < 1 << width:
        raise GppError(f"{value!r} does not fit in {width} bits.")
    return format(value, f"0{width}b")


def fibonacci(n: int) -> str:
    """``n`` (at least 1) in Fibonacci coding: a bit per Fibonacci number 1, 2, 3, 5 …,
    smallest first, then the closing ``1`` (so every code ends in ``11``)."""
    if n < 1:
        raise GppError(f"Fibonacci coding starts at 1, not {n!r}.")
    numbers = [1, 2]
    while numbers[-1] <= n:
        numbers.append(numbers[-1] + numbers[-2])
    bits = ["0"] * len(numbers)
    for i in range(len(numbers) - 1, -1, -1):
        if numbers[i] <= n:
            bits[i] = "1"
            n -= numbers[i]
    return "".join(bits).rstrip("0") + "1"


def read_fibonacci(bits: str, at: int) -> tuple[int, int]:
    """The Fibonacci-coded number starting at ``at``, and where the next field starts."""
    end = bits.find("11", at)
    if end < 0:
        raise GppError("A Fibonacci-coded number has no closing '11'.")
    a, b, total = 1, 2, 0
    for bit in bits[at : end + 1]:
        total += a if bit == "1" else 0
        a, b = b, a + b
    return total, end + 2


def fibonacci_range(ids: t.Iterable[int]) -> str:
    """A Range (Fibonacci) of ``ids``: a 12-bit count of runs, then per run a group flag, the
    offset from the last id written (0 at first) and, for a group, its end minus its start."""
    runs: list[list[int]] = []
    for i in sorted(set(ids)):
        if runs and runs[-1][1] == i - 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    bits, last = [integer(len(runs), 12)], 0
    for start, end in runs:
        bits.append("1" if end > start else "0")
        bits.append(fibonacci(start - last))
        if end > start:
            bits.append(fibonacci(end - start))
        last = end
    return "".join(bits)


def read_fibonacci_range(bits: str, at: int) -> list[int]:
    """The ids of the Range (Fibonacci) starting at ``at``."""
    count, at = int(bits[at : at + 12], 2), at + 12
    ids: list[int] = []
    last = 0
    for _ in range(count):
        group, at = bits[at] == "1", at + 1
        offset, at = read_fibonacci(bits, at)
        start = end = last + offset
        if group:
            length, at = read_fibonacci(bits, at)
            end = start + length
        ids.extend(range(start, end + 1))
        last = end
    return ids


def base64url(bits: str) -> str:
    """Bits as characters, zero-padded to whole bytes and then whole characters."""
    bits += "0" * (-len(bits) % 8)
    bits += "0" * (-len(bits) % 6)
    return "".join(ALPHABET[int(bits[i : i + 6], 2)] for i in range(0, len(bits), 6))


def bits_of(text: str) -> str:
    """The bits of a base64url segment (padding included)."""
    try:
        return "".join(format(ALPHABET.index(c), "06b") for c in text)
    except ValueError:
        raise GppError(f"{text!r} is not base64url.") from None


def encode_header(section_ids: t.Iterable[int]) -> str:
    """The header: Type 3, version 1 and the section ids in the order the sections follow."""
    return base64url(
        integer(HEADER_TYPE, 6) + integer(GPP_VERSION, 6) + fibonacci_range(section_ids)
    )


def decode_header(text: str) -> list[int]:
    """The section ids a header lists.

    :raises GppError: it is not a GPP version 1 header.
    """
    bits = bits_of(text)
    if len(bits) < 24 or int(bits[:6], 2) != HEADER_TYPE or int(bits[6:12], 2) != GPP_VERSION:
        raise GppError(f"{text!r} is not a GPP version 1 header.")
    return read_fibonacci_range(bits, 12)


def encode_usnat(core: t.Mapping[str, t.Any], gpc: bool | None) -> str:
    """The usnat section: its core segment and, unless ``gpc`` is None, the GPC subsection.

    :param core: every field of :data:`USNAT_CORE` but ``Version``; lists for the two lists.
    :raises GppError: a field is missing, has the wrong number of values or does not fit.
    """
    bits: list[str] = []
    for name, width, count in USNAT_CORE:
        if name != "Version" and name not in core:
            raise GppError(f"usnat field {name} is missing.")
        value = USNAT_VERSION if name == "Version" else core[name]
        values = value if count > 1 else [value]
        if not isinstance(values, list | tuple) or len(values) != count:
            raise GppError(f"usnat field {name} needs {count} value(s), got {value!r}.")
        for v in values:
            if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= 2**width - 1:
                raise GppError(f"usnat field {name} cannot hold {v!r}.")
            bits.append(integer(v, width))
    encoded = base64url("".join(bits))
    if gpc is None:
        return encoded
    return f"{encoded}.{base64url('01' + ('1' if gpc else '0'))}"


def decode_usnat(text: str) -> list[dict[str, t.Any]]:
    """The usnat section as the CMP API's ``getSection`` gives it: the core segment, then the
    GPC subsection if the string has one. A first-release core segment (12 sensitive data
    categories, 2 known-child ages) reads with the later lists' extra entries 0.

    :raises GppError: not a usnat section this module knows.
    """
    core_text, _, gpc_text = text.partition(".")
    bits = bits_of(core_text)
    first_release = len(bits) < USNAT_CORE_BITS
    core: dict[str, t.Any] = {}
    at = 0
    for name, width, count in USNAT_CORE:
        n = FIRST_RELEASE.get(name, count) if first_release else count
        if at + width * n > len(bits):
            raise GppError(f"{text!r} is too short for a usnat section.")
        values = [int(bits[at + i * width : at + (i + 1) * width], 2) for i in range(n)]
        at += width * n
        core[name] = values + [0] * (count - n) if count > 1 else values[0]
    if core["Version"] != USNAT_VERSION:
        raise GppError(f"usnat version {core['Version']} is not version {USNAT_VERSION}.")
    if not gpc_text:
        return [core]
    gpc_bits = bits_of(gpc_text)
    if gpc_bits[:2] != "01":
        raise GppError(f"{gpc_text!r} is not a usnat GPC subsection.")
    return [core, {"SubsectionType": 1, "Gpc": gpc_bits[2] == "1"}]


def gpp_string(sections: t.Sequence[tuple[int, str]]) -> str:
    """A whole GPP string: the header, then each ``(section id, encoded section)`` after a
    ``~``, in the header's order."""
    ordered = sorted(sections)
    return "~".join([encode_header(i for i, _ in ordered), *(s for _, s in ordered)])
