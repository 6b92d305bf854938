"""``cookiegate check-config FILES``: validate site configs without starting a server.

Every problem of every file is printed by its field path, so a retailer fixes
a config in one pass; the exit status is 1 when any file has a problem.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..core.errors import ConfigError
from ..siteconfig.load import load_site


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
            # Warnings never fail the check: they flag settings worth a second look.
            for warning in config.warnings:
                click.echo(f"  warning: {warning}")
    if bad:
        raise SystemExit(1)
