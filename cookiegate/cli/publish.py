"""``cookiegate publish SITE --out DIR``: write a site's published set for a static server.

Everything a browser fetches before a choice (the loader with its rules, the
banner's files, its texts per locale, ``gpc.json``) as files with their
``.br``/``.gz`` siblings and a manifest, switched in atomically. Rerun after
every config change or upgrade; ``check-config`` says when it is due.
"""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import click
from flask import current_app

from ..services.publishing import manifest_path
from ..services.publishing import publish
from ..services.releases import PublishError
from ..web.publishable import publish_dir
from ..web.publishable import publishable
from ..web.state import get_state
from .factory import with_app


@click.command("publish")
@click.argument("site")
@click.option(
    "--out",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    help="Publish folder: a link to the newest release is made here. "
    "Default: COOKIEGATE_PUBLISH_DIR.",
)
@click.option(
    "--keep",
    default=5,
    show_default=True,
    type=click.IntRange(1, 1000),
    help="Publishes whose content-hashed files stay available, for browsers and CDNs "
    "that still hold an older loader.",
)
@with_app
def publish_command(site: str, out: Path | None, keep: int) -> None:
    """Write SITE's published set (loader, banner files and texts) under --out."""
    state = get_state()
    config = state.sites.get(site)
    if config is None:
        raise click.UsageError(
            f"No site with id {site!r} is configured (sites: {', '.join(sorted(state.sites))}); "
            "check COOKIEGATE_SITES_DIR."
        )
    out = out or publish_dir()
    if out is None:
        raise click.UsageError("Give --out DIR, or set COOKIEGATE_PUBLISH_DIR.")
    click.echo(f"publishing site {site!r} (revision {config.revision}) to {out}")
    files = publishable(config)
    try:
        outcome = publish(
            out,
            site,
            config.revision,
            files,
            keep=keep,
            now=state.clock(),
            generator=f"cookiegate {version('cookiegate')}",
            progress=lambda message: click.echo(f"  {message}"),
        )
    except PublishError as e:
        raise click.ClickException(str(e)) from None
    click.echo(
        f"  {outcome.written} written, {outcome.unchanged} unchanged, "
        f"{outcome.kept} kept from earlier publishes (each with .br and .gz)"
    )
    click.echo(f"  manifest: {out}{manifest_path(site)}")
    click.echo(f"done: {out} -> {outcome.release}")
    max_age = current_app.config["LOADER_MAX_AGE"]
    if max_age != 300:
        click.echo(
            "  note: the shipped nginx and Caddy configs cache loader.js for 300 s and "
            f"COOKIEGATE_LOADER_MAX_AGE is {max_age}: change them to match."
        )
