"""``cookiegate declaration SITE``: the site's cookie declaration as HTML, Markdown or JSON.

The same declaration the server publishes (built from the site config, the catalogue and the
latest saved scan), for pasting into a privacy notice or checking in review.
"""

from __future__ import annotations

import click

from ..web.declaration import as_json
from ..web.declaration import as_markdown
from ..web.declaration import fragment
from ..web.state import get_state
from .factory import output_option
from .factory import with_app
from .factory import write_output


@click.command("declaration")
@click.argument("site")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["html", "md", "json"]),
    default="html",
    show_default=True,
    help="html: the fragment the loader puts in <div data-cookiegate-declaration>; "
    "md: Markdown; json: the facts, untranslated.",
)
@click.option("--locale", help="One of the site's locales. Default: its default locale.")
@output_option
@with_app
def declaration_command(site: str, fmt: str, locale: str | None, output: str) -> None:
    """Write SITE's cookie declaration (every service, cookie and storage key it sets)."""
    state = get_state()
    config = state.sites.get(site)
    if config is None:
        raise click.UsageError(
            f"No site with id {site!r} is configured (sites: {', '.join(sorted(state.sites))})."
        )
    locale = locale or config.default_locale
    if locale not in config.locales:
        raise click.UsageError(
            f"{locale!r} is not one of the locales of site {site!r}: {' '.join(config.locales)}."
        )
    if fmt == "json":
        text = as_json(state.declaration(config)) + "\n"
    elif fmt == "md":
        text = as_markdown(state, config, locale)
    else:
        text = fragment(state, config, locale) + "\n"
    current = state.declaration(config).version
    write_output(text, output, "declaration")
    drift = len(state.declaration(config).declaration.drift)
    note = f"; {drift} drift findings: run `cookiegate compliance {site}`" if drift else ""
    click.echo(f"declaration of {site!r}: revision {current.revision}{note}", err=True)
