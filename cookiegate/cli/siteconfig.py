"""``cookiegate check-config FILES``: validate site configs without starting a server.

Every problem of every file is printed by its field path, so a retailer fixes
a config in one pass; the exit status is 1 when any file has a problem. With
``COOKIEGATE_PUBLISH_DIR`` set, each good file is also compared with its
published set there, and a stale set is a warning (publishing usually comes
after the check in a deploy, so it must not fail it).
"""

from __future__ import annotations

import os
import typing as t
from pathlib import Path

import click

from ..core.errors import ConfigError
from ..core.settings import DEFAULTS
from ..services.freshness import Freshness
from ..services.freshness import freshness
from ..services.publishing import file_entry
from ..services.publishing import read_manifest
from ..services.releases import PublishError
from ..siteconfig.gpp import gpp_statement
from ..siteconfig.load import load_site
from ..siteconfig.platform import platform_statement
from ..siteconfig.signals import mode_statement
from ..web.publishable import publishable
from .factory import make_app

if t.TYPE_CHECKING:
    from ..siteconfig.model import SiteConfig


@click.command("check-config")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
def check_config(files: tuple[Path, ...]) -> None:
    """Validate site config FILES; print every problem by field path."""
    bad = 0
    for path in files:
        try:
            config = load_site(path)
        except ConfigError as e:
            bad += 1
            click.echo(f"{path}: {len(e.problems)} problem(s)", err=True)
            for problem in e.problems:
                click.echo(f"  {problem}", err=True)
        else:
            click.echo(
                f"{path}: ok (site {config.id!r}, revision {config.revision}, "
                f"{len(config.categories)} categories, {len(config.services)} services)"
            )
            decision, statement = mode_statement(config)
            click.echo(f"  {'warning: ' if decision else ''}{statement}")
            if bridge := platform_statement(config):
                click.echo(f"  {bridge}")
            if gpp := gpp_statement(config):
                click.echo(f"  {gpp}")
            # Warnings never fail the check: they flag settings worth a second look.
            for warning in config.warnings:
                click.echo(f"  warning: {warning}")
            publish_dir = os.environ.get("COOKIEGATE_PUBLISH_DIR", DEFAULTS["PUBLISH_DIR"])
            if publish_dir:
                status = _published(Path(publish_dir), config)
                click.echo(f"  {'warning: ' if status.stale else ''}{status.message()}")
    if bad:
        raise SystemExit(1)


def _published(out: Path, config: SiteConfig) -> Freshness:
    """The published set of ``config``'s site in ``out`` against the file.

    The revision is the file's. When the set's revision matches, the files
    are compared with what the app (``COOKIEGATE_SITES_DIR``) would publish
    now, which catches a change of cookiegate itself or of an unrevised text;
    when the app serves another revision there is nothing to compare with.
    """
    try:
        manifest = read_manifest(out, config.id)
        entries: list[dict[str, t.Any]] = []
        if manifest and manifest.get("revision") == config.revision:
            app = make_app()
            with app.app_context():
                served = app.extensions["cookiegate"].sites.get(config.id)
                if served is None or served.revision != config.revision:
                    entries = manifest.get("files", [])
                else:
                    entries = [file_entry(f) for f in publishable(served)]
        return freshness(out, config.id, config.revision, entries)
    except PublishError as e:
        raise click.ClickException(str(e)) from None
