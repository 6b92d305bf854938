"""Browser assets held in memory, precompressed once, served by content negotiation.

The loader runs on every page view of every shop, so its bytes are built and
compressed (gzip and brotli, at their strongest levels) when the app starts,
never per request. Each encoding gets its own strong ETag, as HTTP requires
for different representations.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
from dataclasses import dataclass

import brotli


@dataclass(frozen=True)
class Asset:
    """One asset's bytes in every encoding we serve, plus its fingerprints."""

    content_type: str
    #: The identity bytes.
    body: bytes
    #: Content hash of the identity bytes; the asset's version and ETag base.
    version: str
    #: Subresource Integrity value (sha384) for retailers who pin the URL.
    integrity: str

    @functools.cached_property
    def encodings(self) -> dict[str, bytes]:
        """Encoding ("identity", "br", "gzip") -> bytes, compressed on first use.

        Brotli at quality 11 takes ≈ 15 ms per 10 KB: a site with 25 locales
        would spend most of the app's start compressing banner files that
        this process may never send.
        """
        return {
            "identity": self.body,
            "br": brotli.compress(self.body, quality=11),
            "gzip": gzip.compress(self.body, compresslevel=9, mtime=0),
        }

    def pick(self, accept_encoding: str) -> tuple[str, bytes]:
        """The smallest encoding the client accepts (brotli, then gzip, then none)."""
        accepted = accepted_codings(accept_encoding)
        for encoding in ("br", "gzip"):
            if encoding in accepted:
                return encoding, self.encodings[encoding]
        return "identity", self.body


def build_asset(body: bytes, content_type: str, *, compress_now: bool = True) -> Asset:
    """Fingerprint ``body``; compress it both ways now, or (``compress_now=False``) on first use."""
    asset = Asset(
        content_type=content_type,
        body=body,
        version=hashlib.sha256(body).hexdigest()[:20],
        integrity="sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode(),
    )
    if compress_now:
        asset.encodings  # noqa: B018 -- fills the cache
    return asset


def accepted_codings(header: str) -> set[str]:
    """Codings listed in ``Accept-Encoding`` with a non-zero q-value."""
    accepted = set()
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        q = params.strip().removeprefix("q=") if params.strip().startswith("q=") else "1"
        try:
            if float(q) > 0:
                accepted.add(name.strip().lower())
        except ValueError:
            continue
    return accepted
