"""The service catalogue: every shipped entry is well-formed, sourced and unambiguous."""

from __future__ import annotations

import itertools
import re
import tomllib
import typing as t
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from cookiegate.catalogue import Entry
from cookiegate.catalogue import load as cat
from cookiegate.catalogue import texts as catalogue_texts
from cookiegate.cli.main import main
from cookiegate.core import overlaps
from cookiegate.core.checks import CONSENT_SIGNALS
from cookiegate.core.checks import KNOWN_CATEGORIES
from cookiegate.core.errors import ConfigError
from cookiegate.core.patterns import check_cookie_name
from cookiegate.core.patterns import check_pattern
from cookiegate.core.patterns import cookie_regex
from cookiegate.core.patterns import matches
from cookiegate.core.patterns import pattern_regex

CATALOGUE = cat.load_catalogue()
ENTRIES = CATALOGUE.entries

#: The services the issue asks for, by the id a retailer will look for.
REQUIRED_IDS = {
    "google-analytics-4",
    "google-tag-manager",
    "google-ads",
    "google-maps",
    "youtube",
    "meta-pixel",
    "facebook-social",
    "instagram-embeds",
    "tiktok-pixel",
    "linkedin-insight",
    "pinterest-tag",
    "microsoft-clarity",
    "microsoft-advertising",
    "hotjar",
    "criteo",
    "trustpilot",
    "powerreviews",
    "oracle-eloqua",
    "vimeo",
    "salesforce-marketing-cloud",
    "adobe-analytics",
    "x-pixel",
    "snap-pixel",
    "klaviyo",
}


def test_the_catalogue_holds_every_service_the_retailers_need() -> None:
    assert REQUIRED_IDS <= {e.id for e in ENTRIES}


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_every_entry_is_complete_and_valid(entry: Entry) -> None:
    assert entry.name and entry.vendor and entry.purpose.endswith(".")
    assert entry.category in entry.categories
    assert set(entry.categories) <= set(KNOWN_CATEGORIES)
    assert set(entry.consent_mode) <= set(CONSENT_SIGNALS)
    assert entry.patterns, "a service the loader cannot recognise blocks nothing"
    for pattern in entry.patterns:
        assert check_pattern(pattern) is None
        re.compile(pattern_regex(pattern))
    for name in entry.cookies + entry.storage:
        assert check_cookie_name(name) is None
        re.compile(cookie_regex(name))
    assert entry.privacy_url.startswith("https://")
    assert entry.sources and all(s.startswith("https://") for s in entry.sources)
    assert entry.countries and all(re.fullmatch(r"[A-Z]{2}", c) for c in entry.countries)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.id)
def test_every_pattern_belongs_to_its_own_entry(entry: Entry) -> None:
    """A URL built from each pattern is attributed to the entry that claims it."""
    for pattern in entry.patterns:
        url = "https://" + pattern.replace("*", "x") + ("" if "/" in pattern else "/")
        assert CATALOGUE.match_url(url) == entry, pattern
    for name in entry.cookies:
        assert CATALOGUE.match_cookie(name.replace("*", "x")) == entry, name
    for key in entry.storage:
        assert CATALOGUE.match_storage(key.replace("*", "x")) == entry, key


def _pairs(field: str) -> t.Iterator[tuple[Entry, str, Entry, str]]:
    for a, b in itertools.permutations(ENTRIES, 2):
        for p in getattr(a, field):
            for q in getattr(b, field):
                yield a, p, b, q


def test_no_two_entries_claim_a_url_without_saying_which_wins() -> None:
    """Where patterns of two entries can match one URL, the longer wins, by design.

    Either it only narrows the other (gtag.js with ``?id=AW-`` inside gtag.js)
    or the losing entry names the winner in ``yields_to``; and the loader,
    which also takes the longest pattern, picks the same winner.
    """
    for a, p, b, q in _pairs("patterns"):
        if not overlaps.urls_meet(p, q) or overlaps.url_specificity(p) < (
            overlaps.url_specificity(q)
        ):
            continue
        # Here q (of b) is the more specific one and wins.
        assert p != q, f"{a.id} and {b.id} both claim {p!r}"
        assert overlaps.url_refines(q, p) or b.id in a.yields_to, (a.id, p, b.id, q)
        witness = "https://" + q.replace("*", "x") + ("" if "/" in q else "/")
        if matches([pattern_regex(p)], witness):
            assert CATALOGUE.match_url(witness) == b


def test_no_two_entries_claim_a_cookie_or_storage_key_without_saying_which_wins() -> None:
    for field in ("cookies", "storage"):
        for a, p, b, q in _pairs(field):
            if overlaps.names_meet(p, q) and overlaps.name_specificity(q) <= (
                overlaps.name_specificity(p)
            ):
                # Here q (of b) is the more specific one and wins.
                assert p != q, f"{a.id} and {b.id} both claim {p!r}"
                assert overlaps.name_refines(q, p) or b.id in a.yields_to, (a.id, p, b.id, q)


@pytest.mark.parametrize(
    ("url", "entry_id"),
    [
        ("https://www.googletagmanager.com/gtag/js?id=G-ABC123", "google-analytics-4"),
        ("https://www.googletagmanager.com/gtag/js?id=AW-123456", "google-ads"),
        ("https://www.googletagmanager.com/gtag/js?id=DC-123456", "google-ads"),
        ("https://www.googletagmanager.com/gtm.js?id=GTM-ABCD", "google-tag-manager"),
        ("https://region1.google-analytics.com/g/collect?v=2&tid=G-1", "google-analytics-4"),
        ("https://ad.doubleclick.net/ddm/activity/src=1", "google-ads"),
        ("https://connect.facebook.net/en_US/fbevents.js", "meta-pixel"),
        ("https://connect.facebook.net/signals/config/123?v=2.9", "meta-pixel"),
        ("https://www.facebook.com/tr/?id=1&ev=PageView", "meta-pixel"),
        ("https://connect.facebook.net/en_GB/sdk.js#xfbml=1", "facebook-social"),
        ("https://www.facebook.com/plugins/post.php?href=x", "facebook-social"),
        ("https://www.instagram.com/p/Cx1/embed/captioned", "instagram-embeds"),
        ("https://analytics.tiktok.com/i18n/pixel/events.js?sdkid=X", "tiktok-pixel"),
        ("https://snap.licdn.com/li.lms-analytics/insight.min.js", "linkedin-insight"),
        ("https://bat.bing.com/bat.js", "microsoft-advertising"),
        ("https://www.clarity.ms/tag/abc", "microsoft-clarity"),
        ("https://static.hotjar.com/c/hotjar-1.js?sv=6", "hotjar"),
        ("https://www.youtube-nocookie.com/embed/abc", "youtube"),
        ("https://player.vimeo.com/video/1?dnt=1", "vimeo"),
        ("//widget.trustpilot.com/bootstrap/v5/tp.widget.bootstrap.min.js", "trustpilot"),
        ("HTTPS://STATIC.KLAVIYO.COM/onsite/js/X/klaviyo.js", "klaviyo"),
        ("https://ｇoogle-analytics.com/x", "google-analytics-4"),
    ],
)
def test_real_tag_urls_are_attributed_to_the_right_entry(url: str, entry_id: str) -> None:
    entry = CATALOGUE.match_url(url)
    assert entry is not None and entry.id == entry_id


@pytest.mark.parametrize(
    "url",
    [
        "https://evil-google-analytics.com/x.js",
        "https://google-analytics.com.evil.example/x.js",
        "https://shop.example/?next=https://www.google-analytics.com/",
        "https://shop.example/redirect#connect.facebook.net/en_US/fbevents.js",
        "data:text/html,google-analytics.com",
        "javascript:alert('doubleclick.net')",
        "https://[::1/x",
        "",
    ],
)
def test_lookalike_and_non_http_urls_match_nothing(url: str) -> None:
    assert CATALOGUE.match_url(url) is None


HOSTS = sorted({p.split("/", 1)[0] for e in ENTRIES for p in e.patterns})


@settings(deadline=None)
@given(
    host=st.sampled_from(HOSTS),
    prefix=st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=12),
    path=st.text("abcdefghij/?=&._-", max_size=20),
)
def test_a_host_glued_to_a_known_host_is_not_that_service(
    host: str, prefix: str, path: str
) -> None:
    """``evil-hotjar.com`` is not Hotjar: hosts match only at a dot."""
    url = f"https://{prefix}{host}/{path}"
    entry = CATALOGUE.match_url(url)
    if entry is not None:
        # Only a pattern on a parent domain of the glued host may claim it.
        own = [p for p in entry.patterns if matches([pattern_regex(p)], url)]
        assert own and all(p.split("/", 1)[0] != host for p in own), (url, entry.id)


def test_cookies_match_exactly_or_by_wildcard() -> None:
    assert CATALOGUE.match_cookie("_ga") == CATALOGUE.get("google-analytics-4")
    assert CATALOGUE.match_cookie("_ga_ABC123") == CATALOGUE.get("google-analytics-4")
    assert CATALOGUE.match_cookie("_gcl_au") == CATALOGUE.get("google-ads")
    assert CATALOGUE.match_cookie("_hjSessionUser_123") == CATALOGUE.get("hotjar")
    assert CATALOGUE.match_cookie("_gax") is None
    assert CATALOGUE.match_cookie("_ga\n") is None
    assert CATALOGUE.match_cookie("vl_session") is None
    assert CATALOGUE.match_storage("tt_sessionId") == CATALOGUE.get("tiktok-pixel")


def test_nearest_suggests_the_id_a_retailer_meant() -> None:
    assert CATALOGUE.nearest("google-analytics") == "google-analytics-4"
    assert CATALOGUE.nearest("meta_pixel") == "meta-pixel"
    assert CATALOGUE.nearest("stripe") is None


# ---------------------------------------------------------------- bad data

GOOD = {
    "id": "acme-pixel",
    "name": "Acme Pixel",
    "vendor": "Acme Ltd",
    "purpose": "Measures adverts.",
    "category": "advertising",
    "categories": ["advertising"],
    "patterns": ["px.acme.example"],
    "privacy_url": "https://acme.example/privacy",
    "countries": ["GB"],
    "sources": ["https://acme.example/docs"],
}


def _write(directory: Path, **entries: dict[str, t.Any]) -> Path:
    directory.mkdir(exist_ok=True)
    for stem, data in entries.items():
        lines = []
        for key, value in data.items():
            text = repr(value).replace("'", '"') if not isinstance(value, str) else f'"{value}"'
            lines.append(f"{key} = {text}")
        (directory / f"{stem}.toml").write_text("\n".join(lines) + "\n")
    return directory


def test_a_well_formed_directory_loads(tmp_path: Path) -> None:
    catalogue = cat.read_catalogue(_write(tmp_path / "c", **{"acme-pixel": GOOD}))
    assert [e.id for e in catalogue.entries] == ["acme-pixel"]


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"id": "other"}, "id", "must match the file name"),
        ({"category": "ads"}, "category", "not a built-in category"),
        ({"categories": ["analytics"]}, "categories", "Must include the default category"),
        ({"patterns": ["https://px.acme.example"]}, "patterns[0]", "must not include a scheme"),
        ({"patterns": []}, "patterns", "at least one"),
        ({"cookies": ["a b"]}, "cookies[0]", "not a valid cookie name"),
        ({"indexeddb": ["two\nlines"]}, "indexeddb[0]", "not an IndexedDB database name"),
        ({"indexeddb": [" "]}, "indexeddb[0]", "not an IndexedDB database name"),
        ({"consent_mode": ["ads"]}, "consent_mode[0]", "not a Google Consent Mode signal"),
        ({"countries": ["UK"]}, "countries[0]", "ISO 3166"),
        ({"countries": ["EU"]}, "countries[0]", "ISO 3166"),
        ({"sources": []}, "sources", "at least one"),
        ({"sources": ["http://acme.example/docs"]}, "sources[0]", "https://"),
        ({"purpose": "Measures adverts"}, "purpose", "full stop"),
        ({"yields_to": ["nobody"]}, "yields_to[0]", "not a catalogue entry"),
        ({"colour": "red"}, "colour", "Unknown field"),
    ],
)
def test_malformed_entries_are_refused_naming_file_and_field(
    tmp_path: Path, change: dict[str, t.Any], path: str, message: str
) -> None:
    directory = _write(tmp_path / "c", **{"acme-pixel": {**GOOD, **change}})
    with pytest.raises(ConfigError) as info:
        cat.read_catalogue(directory)
    assert info.value.source.endswith("acme-pixel.toml")
    assert any(p.path == path and message in p.message for p in info.value.problems), (
        info.value.problems
    )


def test_a_file_that_is_not_toml_is_refused(tmp_path: Path) -> None:
    directory = tmp_path / "c"
    directory.mkdir()
    (directory / "broken.toml").write_text("id = \n")
    with pytest.raises(ConfigError, match="Not valid TOML"):
        cat.read_catalogue(directory)


def _other(**change: t.Any) -> dict[str, t.Any]:
    return {**GOOD, "id": "other-pixel", "patterns": ["px.other.example"], **change}


@pytest.mark.parametrize(
    ("mine", "theirs", "ok"),
    [
        # Disjoint paths on one host.
        ({"patterns": ["acme.example/a"]}, {"patterns": ["acme.example/b"]}, True),
        # The longer one only narrows the shorter: it wins, nothing to declare.
        ({"patterns": ["acme.example/js"]}, {"patterns": ["acme.example/js?id=AW-*"]}, True),
        # Same pattern twice.
        ({"patterns": ["acme.example"]}, {"patterns": ["acme.example"]}, False),
        # A subdomain overlaps its parent's host-wide pattern...
        ({"patterns": ["acme.example"]}, {"patterns": ["px.acme.example/x"]}, True),
        # ...but a partial overlap must be declared by the loser.
        ({"patterns": ["acme.example/*/a.js"]}, {"patterns": ["acme.example/x/*b.js"]}, False),
        (
            {"patterns": ["acme.example/*/a.js"], "yields_to": ["other-pixel"]},
            {"patterns": ["acme.example/x/*b.js"]},
            True,
        ),
        ({"cookies": ["_ac*"]}, {"cookies": ["_ac*"]}, False),
        ({"cookies": ["_ac*"]}, {"cookies": ["_acme"]}, True),
        ({"cookies": ["_ac*"]}, {"cookies": ["*me"]}, False),
        # IndexedDB names are claimed like cookie names.
        ({"indexeddb": ["acme-db"]}, {"indexeddb": ["acme-db"]}, False),
        ({"indexeddb": ["acme-*"]}, {"indexeddb": ["acme-db"]}, True),
        # Declaring a winner that never overlaps is refused too: it hides nothing.
        ({"patterns": ["a.example"], "yields_to": ["other-pixel"]}, {}, False),
    ],
)
def test_overlapping_claims_must_say_which_entry_wins(
    tmp_path: Path, mine: dict[str, t.Any], theirs: dict[str, t.Any], ok: bool
) -> None:
    directory = _write(
        tmp_path / "c", **{"acme-pixel": {**GOOD, **mine}, "other-pixel": _other(**theirs)}
    )
    if ok:
        cat.read_catalogue(directory)
    else:
        with pytest.raises(ConfigError):
            cat.read_catalogue(directory)


@settings(deadline=None)
@given(
    a=st.text("ab*", min_size=1, max_size=6),
    b=st.text("ab*", min_size=1, max_size=6),
    w=st.text("ab", max_size=8),
)
def test_overlap_checks_agree_with_the_regexes(a: str, b: str, w: str) -> None:
    """If one string matches both globs they meet; refinement never lies."""
    ra, rb = re.compile(cookie_regex(a)), re.compile(cookie_regex(b))
    if ra.match(w) and rb.match(w):
        assert overlaps.names_meet(a, b)
    if overlaps.name_refines(a, b) and ra.match(w):
        assert rb.match(w)


# ---------------------------------------------------------------- CLI


def test_markdown_listing_has_one_row_per_entry() -> None:
    listing = CliRunner().invoke(main, ["catalogue", "--markdown"])
    assert listing.exit_code == 0
    rows = [f"| `{e.id}` | {e.name} | {e.vendor} | {e.category} |" for e in ENTRIES]
    assert listing.output.splitlines()[2:] == rows


def test_catalogue_command_lists_ids_and_shows_one_entry() -> None:
    runner = CliRunner()
    listing = runner.invoke(main, ["catalogue"])
    assert listing.exit_code == 0
    assert all(e.id in listing.output for e in ENTRIES)
    shown = runner.invoke(main, ["catalogue", "meta-pixel"])
    assert shown.exit_code == 0
    assert "connect.facebook.net/*/fbevents.js" in shown.output and "_fbp" in shown.output
    unknown = runner.invoke(main, ["catalogue", "meta_pixel"])
    assert unknown.exit_code == 2
    assert "did you mean 'meta-pixel'?" in unknown.output
    assert "Traceback" not in unknown.output


def test_shipped_entries_parse_as_plain_toml() -> None:
    """Each file is self-contained: its id is its file name."""
    for path in sorted(cat.CATALOGUE_DIR.glob("*.toml")):
        assert tomllib.loads(path.read_text())["id"] == path.stem


def test_every_purpose_is_marked_for_translation() -> None:
    """Visitors read purposes in their language, so pybabel must find each one."""
    assert set(catalogue_texts.PURPOSES) == {e.purpose for e in ENTRIES}


toml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20) | st.floats(allow_nan=False),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(), children),
    max_leaves=10,
)


@settings(deadline=None, max_examples=300)
@given(
    key=st.sampled_from([*GOOD, "cookies", "storage", "indexeddb", "yields_to"]),
    value=toml_values,
)
def test_any_value_in_any_field_gives_an_entry_or_a_config_error(key: str, value: t.Any) -> None:
    try:
        entry = cat.parse_entry({**GOOD, key: value}, Path("acme-pixel.toml"))
    except ConfigError as e:
        assert e.problems and e.source == "acme-pixel.toml"
    else:
        assert entry.id == "acme-pixel" and entry.patterns


@settings(deadline=None)
@given(
    a=st.text("ab*/", max_size=6),
    b=st.text("ab*/", max_size=6),
    sub=st.booleans(),
    w=st.text("ab/", max_size=8),
)
def test_url_overlap_checks_agree_with_the_loader_regexes(
    a: str, b: str, sub: bool, w: str
) -> None:
    """Same for ``host[/path]`` patterns, as the loader compiles them."""
    pa, pb = "x.example" + (f"/{a}" if a else ""), "x.example" + (f"/{b}" if b else "")
    url = ("https://sub.x.example/" if sub else "https://x.example/") + w
    in_a, in_b = matches([pattern_regex(pa)], url), matches([pattern_regex(pb)], url)
    if in_a and in_b:
        assert overlaps.urls_meet(pa, pb)
    if overlaps.url_refines(pa, pb) and in_a:
        assert in_b
