"""``cookiegate catalogue``: list the service catalogue or show one entry.

A retailer writing a site config needs the ids, and before trusting an entry,
what exactly it blocks and where its facts come from; ``--markdown`` prints
the list as a Markdown table.
"""

from __future__ import annotations

import click

from ..catalogue.load import load_catalogue
from ..catalogue.model import Catalogue
from ..catalogue.model import Entry
from ..core.errors import ConfigError


def require_catalogue() -> Catalogue:
    """The service catalogue, or a one-line error naming the broken entry."""
    try:
        return load_catalogue()
    except ConfigError as e:
        raise click.ClickException(str(e)) from None


def markdown_table(catalogue: Catalogue, *, link: bool = False) -> str:
    """The catalogue entries as a Markdown table: id, name, vendor, default category.

    :param link: make each id a link to the entry's own section (``#<id>``), as
        the docs' catalogue page has one per entry.
    """

    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["| id | service | vendor | default category |", "|---|---|---|---|"]
    for e in catalogue.entries:
        name = f"[`{e.id}`](#{e.id})" if link else f"`{e.id}`"
        lines.append(f"| {name} | {cell(e.name)} | {cell(e.vendor)} | {e.category} |")
    return "\n".join(lines) + "\n"


def describe(entry: Entry) -> str:
    """One entry as the fields a site config inherits, then where they come from."""

    def listed(values: tuple[str, ...]) -> str:
        return ", ".join(values) if values else "-"

    rows = [
        ("name", entry.name),
        ("vendor", entry.vendor),
        ("purpose", entry.purpose),
        ("category", f"{entry.category} (fits: {listed(entry.categories)})"),
        ("patterns", listed(entry.patterns)),
        ("cookies", listed(entry.cookies)),
        ("storage", listed(entry.storage)),
        ("indexeddb", listed(entry.indexeddb)),
        ("consent_mode", listed(entry.consent_mode)),
        ("countries", listed(entry.countries)),
        ("privacy_url", entry.privacy_url),
    ]
    if entry.signals:
        rows += [(f"consent {w}", "; ".join(entry.signals.calls(w))) for w in ("default", "update")]
        rows.append(("consent API", entry.signals.source))
    rows += [("source", url) for url in entry.sources]
    width = max(len(k) for k, _ in rows)
    return "\n".join([entry.id] + [f"  {k.ljust(width)}  {v}" for k, v in rows])


@click.command("catalogue")
@click.argument("entry_id", required=False)
@click.option("--markdown", is_flag=True, help="Print the list as a Markdown table.")
def catalogue_command(entry_id: str | None, markdown: bool) -> None:
    """List the built-in services a site config can name by id, or show ENTRY_ID."""
    catalogue = require_catalogue()
    if entry_id is None:
        if markdown:
            click.echo(markdown_table(catalogue), nl=False)
            return
        width = max(len(e.id) for e in catalogue.entries)
        for item in catalogue.entries:
            click.echo(f"{item.id.ljust(width)}  {item.category:<15}  {item.name} ({item.vendor})")
        return
    entry = catalogue.get(entry_id)
    if entry is None:
        hint = catalogue.nearest(entry_id)
        raise click.UsageError(
            f"{entry_id!r} is not in the service catalogue"
            + (f"; did you mean {hint!r}?" if hint else "; run 'cookiegate catalogue' for the ids.")
        )
    click.echo(describe(entry))
