"""Writing a site's published set to disk, for nginx, Caddy or a CDN to serve.

A publish directory is a symbolic link to one complete *release* directory.
Each publish builds a new release beside it and then swaps the link with one
``rename()``, which is atomic: a server following the link sees the old set or
the new one, never a mix (a loader of one revision beside banner texts of
another, or a loader naming a banner file not written yet).

A release holds, at each file's URL path, its bytes and its precompressed
``.br`` and ``.gz`` siblings (what nginx's ``gzip_static``/``brotli_static``
and Caddy's ``precompressed`` look for), plus the site's manifest. Content-
hashed (immutable) files of the last ``keep`` publishes stay in every newer
release: a browser or CDN may hold a loader for up to its max-age, and that
loader must still find the banner files it names. Files whose bytes did not
change are hard-linked from the previous release, so their modification time,
and so nginx's and Caddy's ETags, stay the same and revalidations stay 304s.

Several sites may share one publish directory: each release carries over the
other sites' files and manifests untouched. A lock file serialises publishes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import typing as t
from dataclasses import dataclass
from pathlib import Path

from . import releases as rel
from .releases import PublishError

if t.TYPE_CHECKING:
    from datetime import datetime

    from ..loader.assets import Asset

#: Version of the manifest's layout, for tools that read it.
FORMAT = 1
#: The encodings written beside each file, by the suffix servers look for.
SIBLINGS = {"br": ".br", "gzip": ".gz"}
#: How the shipped nginx and Caddy configs tell an immutable file: a content
#: hash of 12 to 64 hex digits as a dotted part of its name before the
#: extension (``loader.<hash>.js``, ``banner.<hash>.<locale>.js``).
HASHED_NAME = re.compile(r"\.[0-9a-f]{12,64}\.[^/]+$")


class PublishedFile(t.Protocol):
    """One file of the published set (``cookiegate.web.published.StaticFile`` has this shape)."""

    @property
    def path(self) -> str: ...
    @property
    def asset(self) -> Asset: ...
    @property
    def max_age(self) -> int | None: ...


@dataclass(frozen=True)
class Outcome:
    """What one publish did, for the command to report."""

    #: The new release directory the publish link now points at.
    release: Path
    manifest: dict[str, t.Any]
    #: Files (each with its siblings) written anew, reused unchanged, and carried
    #: over from earlier publishes of this site for the grace period.
    written: int
    unchanged: int
    kept: int


def manifest_path(site: str) -> str:
    """URL path of a site's manifest within a publish directory."""
    return f"/v1/sites/{site}/manifest.json"


def file_entry(f: PublishedFile) -> dict[str, t.Any]:
    """A file's line in the manifest: what a CDN purge script or a checker needs."""
    encodings = f.asset.encodings
    return {
        "path": f.path,
        "content_type": f.asset.content_type,
        "sha256": hashlib.sha256(encodings["identity"]).hexdigest(),
        "sizes": {name: len(data) for name, data in encodings.items()},
        "max_age": f.max_age,
        "immutable": f.max_age is None,
    }


def check_files(site: str, files: t.Sequence[PublishedFile]) -> None:
    """Refuse a set the shipped server configs would serve wrongly.

    :raises PublishError: a path is not path-absolute or is listed twice, or a
        file that may change carries a content hash in its name (nginx and
        Caddy would let browsers cache it for a year).
    """
    seen: set[str] = set()
    for f in files:
        parts = f.path.split("/")
        if not f.path.startswith("/") or any(p in ("", ".", "..") for p in parts[1:]):
            raise PublishError(f"Site {site!r}: file path {f.path!r} is not a clean URL path.")
        if f.path in seen:
            raise PublishError(f"Site {site!r}: file path {f.path!r} is listed twice.")
        seen.add(f.path)
        if f.max_age is not None and HASHED_NAME.search(f.path):
            raise PublishError(
                f"Site {site!r}: {f.path!r} may change (max-age {f.max_age} s) but its name "
                "looks content-hashed; the shipped server configs would cache it for a year."
            )


def publish(
    out: Path,
    site: str,
    revision: int,
    files: t.Sequence[PublishedFile],
    *,
    keep: int,
    now: datetime,
    generator: str,
    progress: t.Callable[[str], None] = lambda message: None,
) -> Outcome:
    """Write ``files`` as a new release of ``out`` and switch ``out`` to it.

    :param keep: publishes whose immutable files stay available (1: only this one).
    :param generator: what wrote the set (``cookiegate X.Y``), for the manifest.
    :raises PublishError: ``out`` cannot be used or written (the message says why).
    """
    check_files(site, files)
    out = Path(os.path.abspath(out))
    releases = rel.releases_dir(out)
    with rel.locked(releases):
        current = rel.current_release(out)
        previous = read_manifest(current, site) if current else None
        number = (previous or {}).get("publish", 0) + 1
        release = rel.new_release(releases)
        progress(f"writing release {release.name} ({len(files)} files, publish {number})")
        try:
            written, unchanged = _write_files(release, current, files)
            kept_entries, kept, carried = [], 0, 0
            if current:
                kept_entries = _kept(previous, files, number, keep)
                kept = sum(_link_file(current, release, e["path"]) for e in kept_entries)
                carried = _carry_other_sites(current, release, site)
            if carried:
                progress(f"carried over {carried} files of the other sites in {out}")
            manifest = {
                "format": FORMAT,
                "site": site,
                "revision": revision,
                "publish": number,
                "published_at": now.isoformat(),
                "generator": generator,
                "files": [file_entry(f) for f in files],
                "kept": [e for e in kept_entries if (release / e["path"][1:]).exists()],
            }
            _write_bytes(release, manifest_path(site), json.dumps(manifest, indent=2).encode())
            rel.switch(out, release)
        except OSError as e:
            shutil.rmtree(release, ignore_errors=True)
            raise PublishError(f"Cannot publish to {out}: {e}.") from e
        rel.prune(releases, keep={release.name, current.name if current else ""})
    return Outcome(release, manifest, written, unchanged, kept)


def read_manifest(root: Path, site: str) -> dict[str, t.Any] | None:
    """The site's manifest in a publish directory or release, or None when there is none.

    :raises PublishError: the manifest exists but is not valid JSON.
    """
    path = root / manifest_path(site)[1:]
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):
        return None
    try:
        data = json.loads(text)
    except ValueError as e:
        raise PublishError(f"The manifest {path} is not valid JSON ({e}).") from None
    return t.cast(dict[str, t.Any], data) if isinstance(data, dict) else None


# ------------------------------------------------------------------ files


def _variants(path: str) -> list[str]:
    """A file's relative path and its precompressed siblings'."""
    name = path[1:]
    return [name, *(name + suffix for suffix in SIBLINGS.values())]


def _write_bytes(root: Path, path: str, data: bytes) -> None:
    target = root / path[1:]
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def _write_files(
    release: Path, current: Path | None, files: t.Sequence[PublishedFile]
) -> tuple[int, int]:
    """Write each file and its siblings; link those unchanged since ``current``."""
    written = unchanged = 0
    for f in files:
        if current and _same(current, f):
            _link_file(current, release, f.path)
            unchanged += 1
            continue
        _write_bytes(release, f.path, f.asset.encodings["identity"])
        for encoding, suffix in SIBLINGS.items():
            _write_bytes(release, f.path + suffix, f.asset.encodings[encoding])
        written += 1
    return written, unchanged


def _same(current: Path, f: PublishedFile) -> bool:
    """True when ``current`` holds exactly these bytes, in every encoding, at this path."""
    encodings = ("identity", *SIBLINGS)
    for name, encoding in zip(_variants(f.path), encodings, strict=True):
        try:
            if (current / name).read_bytes() != f.asset.encodings[encoding]:
                return False
        except OSError:
            return False
    return True


def _link_file(source: Path, release: Path, path: str) -> bool:
    """Hard-link a file and its siblings from ``source`` into ``release`` (copy across devices).

    :return: False when ``source`` does not have the file (nothing is linked).
    """
    if not (source / path[1:]).is_file():
        return False
    for name in _variants(path):
        src, dst = source / name, release / name
        if not src.is_file() or dst.exists():
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)
    return True


def _kept(
    previous: dict[str, t.Any] | None, files: t.Sequence[PublishedFile], number: int, keep: int
) -> list[dict[str, t.Any]]:
    """Immutable files of this site's last ``keep - 1`` publishes not in the new set."""
    if not previous:
        return []
    current = {f.path for f in files}
    earlier = [
        {"path": e["path"], "publish": previous["publish"]}
        for e in previous.get("files", [])
        if e.get("immutable")
    ] + list(previous.get("kept", []))
    kept: dict[str, dict[str, t.Any]] = {}
    for entry in earlier:
        if entry["path"] not in current and entry["publish"] > number - keep:
            kept.setdefault(entry["path"], entry)
    return sorted(kept.values(), key=lambda e: e["path"])


def _carry_other_sites(current: Path, release: Path, site: str) -> int:
    """Link every other site's files, kept files and manifest into the new release."""
    carried = 0
    for found in sorted((current / "v1" / "sites").glob("*/manifest.json")):
        other = found.parent.name
        if other == site:
            continue
        manifest = read_manifest(current, other) or {}
        paths = [e["path"] for e in manifest.get("files", []) + manifest.get("kept", [])]
        carried += sum(_link_file(current, release, p) for p in paths)
        dst = release / manifest_path(other)[1:]
        dst.parent.mkdir(parents=True, exist_ok=True)
        os.link(found, dst)
    return carried
