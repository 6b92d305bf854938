"""The catalogue's vendor signals: sourced, well-formed, and refused when malformed."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest

from cookiegate.catalogue import load as cat
from cookiegate.catalogue.model import Entry
from cookiegate.catalogue.signals import parse_signals
from cookiegate.core.errors import ConfigError
from cookiegate.core.fields import Fields

CATALOGUE = cat.load_catalogue()
#: The vendors issue 17 names, with the global their consent API lives on.
REQUIRED = {
    "google-analytics-4": "dataLayer",
    "google-ads": "dataLayer",
    "google-tag-manager": "dataLayer",
    "microsoft-advertising": "uetq",
    "microsoft-clarity": "clarity",
    "meta-pixel": "fbq",
    "tiktok-pixel": "ttq",
}


def _entry(entry_id: str) -> Entry:
    entry = CATALOGUE.get(entry_id)
    assert entry is not None
    return entry


@pytest.mark.parametrize(("entry_id", "queue"), REQUIRED.items())
def test_each_vendor_with_a_consent_api_has_its_sourced_signals(entry_id: str, queue: str) -> None:
    signals = _entry(entry_id).signals
    assert signals is not None and signals.queue == queue
    assert signals.source.startswith("https://") and signals.default and signals.update


def test_google_consent_mode_is_one_block_shared_by_every_google_tag() -> None:
    blocks = [_entry(e).signals for e in REQUIRED if e.startswith("google-")]
    google = blocks[0]
    assert google is not None and all(b == google for b in blocks)
    [default] = google.default
    assert default[:2] == ["consent", "default"]
    # All four Consent Mode v2 signals and the three storage ones: denied but security.
    assert default[2] == {
        **dict.fromkeys(
            ["ad_storage", "ad_user_data", "ad_personalization", "analytics_storage"], "denied"
        ),
        **dict.fromkeys(["functionality_storage", "personalization_storage"], "denied"),
        "security_storage": "granted",
    }


def _parse(table: dict[str, t.Any]) -> tuple[t.Any, list[str]]:
    f = Fields({"signals": table}, "")
    found = parse_signals(f, lambda url: None if url.startswith("https://") else "https only")
    return found, [f"{p.path}: {p.message}" for p in f.problems]


GOOD = {
    "source": "https://acme.example/consent",
    "queue": "acmeq",
    "form": "method",
    "default": [["push", "consent", "default", {"ad_storage": "denied"}]],
    "update": [["push", "consent", "update", {"ad_storage": "granted|denied"}]],
}


def test_a_well_formed_block_parses_and_no_block_is_none() -> None:
    found, problems = _parse(GOOD)
    assert problems == [] and found.compact()[:2] == ["method", "acmeq"]
    assert parse_signals(Fields({}, ""), lambda url: None) is None


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"form": "post"}, "signals.form", "Use one of"),
        ({"queue": "window.acme"}, "signals.queue", "not a JavaScript name"),
        ({"source": "http://acme.example"}, "signals.source", "https only"),
        ({"default": []}, "signals.default", "at least one"),
        ({"update": [[]]}, "signals.update[0]", "starting with a string"),
        ({"update": [["acme-grant"]]}, "signals.update[0][0]", "must name a method"),
        ({"update": [["push", {"x": "@ads"}]]}, "signals.update[0][1]", "names no Consent Mode"),
        ({"update": [["push", "a|b|c"]]}, "signals.update[0][1]", "two words around one"),
        ({"update": [["push", "|denied"]]}, "signals.update[0][1]", "two words around one"),
        ({"colour": "red"}, "signals.colour", "Unknown field"),
    ],
)
def test_a_malformed_block_is_refused_naming_the_field(
    change: dict[str, t.Any], path: str, message: str
) -> None:
    _, problems = _parse({**GOOD, **change})
    assert any(p.startswith(f"{path}: ") and message in p for p in problems), problems


def test_a_catalogue_file_with_a_bad_block_is_refused_naming_file_and_field(
    tmp_path: Path,
) -> None:
    (tmp_path / "acme-pixel.toml").write_text(
        'id = "acme-pixel"\nname = "Acme"\nvendor = "Acme Ltd"\npurpose = "Measures adverts."\n'
        'category = "advertising"\ncategories = ["advertising"]\npatterns = ["px.acme.example"]\n'
        'privacy_url = "https://acme.example/p"\ncountries = ["GB"]\n'
        'sources = ["https://acme.example/d"]\n'
        '[signals]\nsource = "https://acme.example/c"\nqueue = "acmeq"\nform = "call"\n'
        'default = [["consent", "@nothing"]]\nupdate = [["consent", "grant|revoke"]]\n'
    )
    with pytest.raises(ConfigError) as info:
        cat.read_catalogue(tmp_path)
    assert info.value.source.endswith("acme-pixel.toml")
    assert [p.path for p in info.value.problems] == ["signals.default[0][1]"]
