"""Is a site's published set current? The check behind ``check-config`` and the admin.

The published files are a function of the site config, the catalogue and the
shipped scripts; a config change or an upgrade of cookiegate that is not
followed by ``cookiegate publish`` leaves nginx serving yesterday's loader.
Comparing the manifest with the set the app would publish now catches both.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass
from pathlib import Path

from .publishing import read_manifest


@dataclass(frozen=True)
class Freshness:
    """How a site's published set compares with what the app would publish now."""

    site: str
    out: Path
    #: The config's revision now, and the one the set was published for (None: never).
    revision: int
    published_revision: int | None
    #: URL paths added, removed or changed since the publish.
    changed: tuple[str, ...]

    @property
    def stale(self) -> bool:
        return self.published_revision != self.revision or bool(self.changed)

    def message(self) -> str:
        """One line for ``check-config`` and the admin, saying what to run when stale."""
        run = f"run cookiegate publish {self.site} --out {self.out}"
        if self.published_revision is None:
            return f"site {self.site!r} has no published set in {self.out}; {run}"
        if self.published_revision != self.revision:
            return (
                f"published set is stale: published for revision {self.published_revision}, "
                f"config is now {self.revision}; {run}"
            )
        if self.changed:
            return (
                f"published set is stale: {len(self.changed)} file(s) differ from what this "
                f"server would publish (first: {self.changed[0]}); {run}"
            )
        return f"published set is current (revision {self.revision})"


def freshness(
    out: Path, site: str, revision: int, entries: t.Sequence[t.Mapping[str, t.Any]]
) -> Freshness:
    """Compare the manifest in ``out`` with the set now, by path, content hash and max-age.

    :param entries: the set now, as manifest lines (:func:`.publishing.file_entry`).

    :raises PublishError: the manifest is unreadable.
    """
    manifest = read_manifest(out, site)
    if manifest is None:
        return Freshness(site, out, revision, None, tuple(sorted(e["path"] for e in entries)))
    key = ("sha256", "max_age")
    then = {e["path"]: tuple(e.get(k) for k in key) for e in manifest.get("files", [])}
    now = {e["path"]: tuple(e.get(k) for k in key) for e in entries}
    changed = sorted(p for p in then.keys() | now.keys() if then.get(p) != now.get(p))
    return Freshness(site, out, revision, manifest.get("revision"), tuple(changed))
