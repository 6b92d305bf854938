"""``cookiegate declaration SITE``: the declaration as HTML, Markdown or JSON, in a locale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cookiegate.cli.main import main


def test_markdown_in_german_lists_the_services_with_lifetimes(runner: CliRunner) -> None:
    result = runner.invoke(main, ["declaration", "demo", "--format", "md", "--locale", "de"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Cookie-Erklärung\n")
    assert "### Google Analytics" in result.stdout
    assert "| \\_ga | Cookie | Diese Website | 2 Jahre | Nur deklariert |" in result.stdout
    assert "declaration of 'demo': revision 1" in result.stderr


def test_json_to_a_file(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "declaration.json"
    result = runner.invoke(main, ["declaration", "demo", "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    body = json.loads(out.read_text())
    assert body["site"] == "demo" and body["revision"] == 1


def test_html_is_the_published_fragment(runner: CliRunner) -> None:
    result = runner.invoke(main, ["declaration", "demo", "--locale", "en_GB"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith('<section class="cg-decl" lang="en-GB"')


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["declaration", "nope"], "No site with id 'nope' is configured"),
        (
            ["declaration", "demo", "--locale", "xx"],
            "'xx' is not one of the locales of site 'demo'",
        ),
        (["declaration", "demo", "--format", "pdf"], "'pdf' is not one of"),
    ],
)
def test_bad_input_is_a_one_line_error(runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(main, args)
    assert result.exit_code == 2
    assert message in result.output
