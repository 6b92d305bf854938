"""A publish folder as a link to its newest complete release, swapped atomically.

The deploy pattern of Capistrano and its kin: every release is a full folder
under ``.NAME.releases/`` beside the link ``NAME``; switching is a rename of a
fresh symbolic link over the old one, which POSIX makes atomic, so a web
server following the link never sees a folder half written. Nothing here
knows what the files are; :mod:`.publishing` decides that.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import typing as t
from pathlib import Path

from ..core.errors import CookiegateError


class PublishError(CookiegateError):
    """The published set cannot be written where asked, or its files break a rule."""


def releases_dir(out: Path) -> Path:
    """``.NAME.releases`` beside the publish link; created on first use."""
    parent = out.parent
    if not parent.is_dir():
        raise PublishError(f"Cannot publish to {out}: the folder {parent} does not exist.")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise PublishError(f"Cannot publish to {out}: the folder {parent} is not writable.")
    releases = parent / f".{out.name}.releases"
    releases.mkdir(exist_ok=True)
    return releases


@contextlib.contextmanager
def locked(releases: Path) -> t.Iterator[None]:
    """An exclusive ``flock`` on the releases folder: one publish at a time per link."""
    fd = os.open(releases / ".lock", os.O_CREAT | os.O_RDWR, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def current_release(out: Path) -> Path | None:
    """The release ``out`` points at; None on a first publish.

    :raises PublishError: ``out`` is a file, or a folder with content that
        cookiegate did not write (replacing it would delete someone's files).
    """
    if out.is_symlink():
        target = out.resolve()
        return target if target.is_dir() else None
    if not out.exists():
        return None
    if out.is_dir() and not any(out.iterdir()):
        return None
    kind = "folder with files in it" if out.is_dir() else "file"
    raise PublishError(
        f"Cannot publish to {out}: it is a {kind}. cookiegate publish makes {out} a link to "
        "its newest release; give a path that does not exist yet (or an empty folder)."
    )


def new_release(releases: Path) -> Path:
    """A new, empty release folder, numbered after every earlier one."""
    numbers = [int(p.name[1:]) for p in releases.glob("r*") if p.name[1:].isdigit()]
    release = releases / f"r{max(numbers, default=0) + 1:06d}"
    # mkdir honours the umask (usually 755), so the web server's user can read
    # the files; tempfile.mkdtemp would make the folder private (700).
    release.mkdir()
    return release


def switch(out: Path, release: Path) -> None:
    """Point ``out`` at ``release`` with one atomic rename of a fresh link over the old."""
    if out.is_dir() and not out.is_symlink():
        out.rmdir()  # the empty folder of a first publish
    link = out.parent / f".{out.name}.link-{os.getpid()}"
    if link.is_symlink():
        link.unlink()
    # Relative, so the publish folder can be moved or copied as a whole.
    link.symlink_to(os.path.relpath(release, out.parent))
    os.replace(link, out)


def prune(releases: Path, keep: set[str]) -> None:
    """Delete every release but ``keep``: the new one and the one just replaced.

    The replaced one stays until the next publish, so a request that resolved
    the old link a moment ago still finds its file; an abandoned release (a
    publish that failed half-way) goes.
    """
    for found in releases.glob("r*"):
        if found.is_dir() and found.name not in keep:
            shutil.rmtree(found, ignore_errors=True)
