"""Site config loading: every error is reported by field path, regulator rules refused."""

from __future__ import annotations

import tomllib
import typing as t
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from cookiegate.catalogue.load import load_catalogue
from cookiegate.cli.main import main
from cookiegate.core.errors import ConfigError
from cookiegate.core.settings import DEMO_SITES_DIR
from cookiegate.loader.payload import compiled_rules
from cookiegate.siteconfig.load import load_site
from cookiegate.siteconfig.load import load_sites
from cookiegate.siteconfig.load import parse_site

Mutation = t.Callable[[dict[str, t.Any]], None]


def test_demo_site_loads_with_the_retailers_services() -> None:
    config = load_site(DEMO_SITES_DIR / "demo.toml")
    assert config.id == "demo"
    assert [c.id for c in config.categories][:1] == ["necessary"]
    ids = {s.id for s in config.services}
    assert {"google-analytics", "google-ads", "meta-pixel", "youtube", "trustpilot"} <= ids
    ga = next(s for s in config.services if s.id == "google-analytics")
    assert "_ga_*" in ga.cookies and ga.consent_mode == ("analytics_storage",)
    assert ga.catalogue_id == "google-analytics-4" and "IE" in ga.countries
    assert len(config.locales) == 25
    assert config.allows_origin("http://localhost:5173")
    assert config.allows_origin("http://127.0.0.1:8000")


def _set(path: str, value: t.Any) -> Mutation:
    def mutate(data: dict[str, t.Any]) -> None:
        *parents, last = path.split(".")
        node = data
        for p in parents:
            node = node.setdefault(p, {})
        node[last] = value

    return mutate


def _delete(path: str) -> Mutation:
    def mutate(data: dict[str, t.Any]) -> None:
        *parents, last = path.split(".")
        node = data
        for p in parents:
            node = node[p]
        del node[last]

    return mutate


CASES: list[tuple[Mutation, str, str]] = [
    (_delete("id"), "id", "required"),
    (_set("id", "Demo Site"), "id", "not a valid id"),
    (_set("revision", 0), "revision", "at least 1"),
    (_set("revision", "2"), "revision", "Expected a whole number"),
    (_set("revision", True), "revision", "Expected a whole number"),
    (_set("policy_url", "javascript:alert(1)"), "policy_url", "http(s)"),
    (_set("policy_url", "ftp://example.com/policy"), "policy_url", "http(s)"),
    (_set("domains", []), "domains", "at least one"),
    (_set("domains", ["https://shop.example"]), "domains[0]", "no scheme"),
    (_set("domains", ["shop.example", "shop.example"]), "domains", "same entry twice"),
    (_set("consent_lifetime_days", 400), "consent_lifetime_days", "13 months"),
    (_set("default_locale", "ja"), "default_locale", "not one of the enabled locales"),
    (_set("locales", ["en", "english"]), "locales[1]", "not a locale"),
    (_set("cookie.name", "bad name;"), "cookie.name", "not a valid cookie name"),
    (_set("cookie.domain", "*.example.com"), "cookie.domain", "not a domain"),
    (_set("cookie.domain", "other.example"), "cookie.domain", "not a parent of any"),
    (
        _set("banner.reject_all_on_first_layer", False),
        "banner.reject_all_on_first_layer",
        "cannot be turned off",
    ),
    (_set("categories.analytics.default", True), "categories.analytics.default", "pre-ticked"),
    (
        _set("categories.necessary.locked", False),
        "categories.necessary.locked",
        "cannot be unlocked",
    ),
    (
        _set("categories.advertising.locked", True),
        "categories.advertising.locked",
        "must be a free choice",
    ),
    (_delete("categories.necessary"), "categories.necessary", "required"),
    (
        _set("categories.analytics.consent_mode", ["analytics"]),
        "categories.analytics.consent_mode[0]",
        "not a Google Consent Mode signal",
    ),
    (
        _set("categories.wellbeing", {}),
        "texts.<locale>.categories.wellbeing.name",
        "needs a custom name",
    ),
    (
        _set("services.google-analytics.category", "stats"),
        "services.google-analytics.category",
        "not one of the site's categories",
    ),
    (
        _set("services.google-analytics.category", "necessary"),
        "services.google-analytics.category",
        "cannot be strictly necessary",
    ),
    (
        _set("services.meta-pixel.category", "necessary"),
        "services.meta-pixel.category",
        "cannot be strictly necessary",
    ),
    (
        _set("services.google-analytics.patterns", ["https://google-analytics.com"]),
        "services.google-analytics.patterns[0]",
        "must not include a scheme",
    ),
    (
        _set("services.google-analytics.patterns", ["localhost"]),
        "services.google-analytics.patterns[0]",
        "valid host name",
    ),
    (
        _set("services.google-analytics.patterns", ["ga.com/a b"]),
        "services.google-analytics.patterns[0]",
        "not allowed in a URL path",
    ),
    (
        _set("services.google-analytics.cookies", ["_ga;x"]),
        "services.google-analytics.cookies[0]",
        "not a valid cookie name",
    ),
    (
        _set("services.google-analytics.patern", ["x.com"]),
        "services.google-analytics.patern",
        "Unknown field",
    ),
    (_delete("services.dynamic-yield.name"), "services.dynamic-yield.name", "required"),
    (
        _set("services.google-analytics.privacy_url", "data:x"),
        "services.google-analytics.privacy_url",
        "http(s)",
    ),
    (_set("texts.en.titel", "Hi"), "texts.en.titel", "Unknown text key"),
    (_set("texts.en.title", ""), "texts.en.title", "non-empty string"),
    (_set("texts.en.reject_all", "   "), "texts.en.reject_all", "non-empty string"),
    (_set("texts.ja.title", "クッキー"), "texts.ja", "not one of the enabled locales"),
    (_set("colour", "red"), "colour", "Unknown field"),
]


@pytest.mark.parametrize(
    ("mutate", "path", "message"), CASES, ids=[c[1] + ":" + c[2] for c in CASES]
)
def test_each_problem_is_reported_by_field_path(
    demo_data: dict[str, t.Any], mutate: Mutation, path: str, message: str
) -> None:
    mutate(demo_data)
    with pytest.raises(ConfigError) as info:
        parse_site(demo_data, "sites/demo.toml")
    problems = [p for p in info.value.problems if p.path == path]
    assert problems, info.value.problems
    assert any(message in p.message for p in problems), problems
    assert str(info.value).startswith("sites/demo.toml: ")


def test_all_problems_of_a_file_are_reported_together(demo_data: dict[str, t.Any]) -> None:
    _set("revision", 0)(demo_data)
    _set("consent_lifetime_days", 999)(demo_data)
    _set("categories.analytics.default", True)(demo_data)
    with pytest.raises(ConfigError) as info:
        parse_site(demo_data)
    assert {"revision", "consent_lifetime_days", "categories.analytics.default"} <= set(
        info.value.paths
    )


def test_custom_category_with_its_texts_is_accepted(demo_data: dict[str, t.Any]) -> None:
    demo_data["categories"]["chat"] = {}
    demo_data["texts"] = {
        "en": {"categories": {"chat": {"name": "Live chat", "description": "Talk to us."}}}
    }
    assert parse_site(demo_data).category("chat") is not None


def test_file_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "shop.toml"
    bad.write_text('id = "shop"\nrevision = = 1\n')
    with pytest.raises(
        ConfigError, match=r"(?s)shop\.toml.*Not valid TOML: Invalid value \(at line 2"
    ):
        load_site(bad)
    with pytest.raises(ConfigError, match="Cannot read file"):
        load_site(tmp_path / "missing.toml")


def test_two_files_with_one_site_id_are_refused(tmp_path: Path) -> None:
    text = (DEMO_SITES_DIR / "demo.toml").read_text()
    (tmp_path / "a.toml").write_text(text)
    (tmp_path / "b.toml").write_text(text)
    with pytest.raises(ConfigError, match="also used by"):
        load_sites(tmp_path)
    with pytest.raises(ConfigError, match="does not exist"):
        load_sites(tmp_path / "nothing-here")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="No \\*.toml site files"):
        load_sites(tmp_path / "empty")


toml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20) | st.floats(allow_nan=False),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(
    key=st.sampled_from(
        [
            "id",
            "revision",
            "domains",
            "categories",
            "services",
            "texts",
            "cookie",
            "locales",
            "banner",
        ]
    ),
    value=toml_values,
)
def test_any_value_in_any_field_gives_config_error_or_a_config(key: str, value: t.Any) -> None:
    data = tomllib.loads((DEMO_SITES_DIR / "demo.toml").read_text())
    data[key] = value
    try:
        parse_site(data)
    except ConfigError as e:
        assert e.problems


# ------------------------------------------------- services from the catalogue


def _services(data: dict[str, t.Any], services: t.Any) -> dict[str, t.Any]:
    data["services"] = services
    data.pop("texts", None)
    data.pop("uk_statistics_exception", None)
    return data


def test_array_form_takes_catalogue_entries_as_they_are(demo_data: dict[str, t.Any]) -> None:
    config = parse_site(_services(demo_data, ["google-analytics-4", "meta-pixel"]))
    ga, pixel = config.services
    entry = load_catalogue().get("meta-pixel")
    assert entry is not None
    assert (pixel.id, pixel.name, pixel.provider, pixel.category) == (
        "meta-pixel",
        entry.name,
        entry.vendor,
        "advertising",
    )
    assert (pixel.patterns, pixel.cookies, pixel.consent_mode) == (
        entry.patterns,
        entry.cookies,
        entry.consent_mode,
    )
    assert ga.catalogue_id == "google-analytics-4" and _category_warnings(config) == []
    # The loader blocks them with no change of its own.
    rules = compiled_rules(config)
    assert any("fbevents" in rx for rx, _ in rules["patterns"])


def test_every_catalogue_entry_can_be_used_as_it_is(demo_data: dict[str, t.Any]) -> None:
    """The shipped data passes the site rules regulators impose, in its own category."""
    ids = [e.id for e in load_catalogue().entries]
    config = parse_site(_services(demo_data, ids))
    assert [s.id for s in config.services] == ids and _category_warnings(config) == []


def test_a_table_overrides_the_fields_it_names_and_inherits_the_rest(
    demo_data: dict[str, t.Any],
) -> None:
    config = parse_site(
        _services(
            demo_data,
            {
                "meta-pixel": {"description": "Our Facebook adverts.", "patterns": ["fb.example"]},
                "trustpilot": {},
                "analytics": {"catalogue": "google-analytics-4", "cookies": ["_ga"]},
            },
        )
    )
    pixel, reviews, analytics = config.services
    assert pixel.description == "Our Facebook adverts." and pixel.patterns == ("fb.example",)
    assert pixel.cookies == ("_fbp", "_fbc") and pixel.name == "Meta Pixel"
    assert reviews.catalogue_id == "trustpilot" and reviews.patterns
    # `catalogue = ...` keeps the site's own id (stored in proofs) with the entry's facts.
    assert (analytics.id, analytics.catalogue_id) == ("analytics", "google-analytics-4")
    assert analytics.cookies == ("_ga",) and "google-analytics.com" in analytics.patterns


def test_storage_and_indexeddb_are_inherited_from_the_catalogue_or_replaced(
    demo_data: dict[str, t.Any],
) -> None:
    config = parse_site(
        _services(demo_data, {"hotjar": {}, "tiktok-pixel": {"indexeddb": ["tt-*", "tt db"]}})
    )
    hotjar, tiktok = config.services
    assert "hjViewportId" in hotjar.storage and hotjar.indexeddb == ()
    assert tiktok.storage and tiktok.indexeddb == ("tt-*", "tt db")


@pytest.mark.parametrize(
    ("services", "path", "message"),
    [
        (["google-analytics"], "services[0]", "did you mean 'google-analytics-4'?"),
        (["acme-tracker"], "services[0]", "not in the service catalogue"),
        (["meta-pixel", "meta-pixel"], "services", "same entry twice"),
        ([1], "services[0]", "Expected str"),
        ({"x": {"catalogue": "metapixel"}}, "services.x.catalogue", "did you mean 'meta-pixel'?"),
        (
            {"google-analytic": {"category": "analytics"}},
            "services.google-analytic",
            "did you mean the catalogue's 'google-analytics-4'?",
        ),
        ({"meta-pixel": {"category": "ads"}}, "services.meta-pixel.category", "not one of"),
        ({"meta-pixel": {"patern": ["x.com"]}}, "services.meta-pixel.patern", "Unknown field"),
        ({"hotjar": {"countries": ["XX"]}}, "services.hotjar.countries[0]", "ISO 3166"),
        ({"hotjar": {"storage": ["a b"]}}, "services.hotjar.storage[0]", "not a storage key"),
        (
            {"hotjar": {"indexeddb": ["", "ok"]}},
            "services.hotjar.indexeddb[0]",
            "not an IndexedDB database name",
        ),
        (
            {"meta-pixel": {"category": "necessary"}},
            "services.meta-pixel.category",
            "cannot be strictly necessary",
        ),
    ],
)
def test_bad_service_references_are_reported_by_field_path(
    demo_data: dict[str, t.Any], services: t.Any, path: str, message: str
) -> None:
    with pytest.raises(ConfigError) as info:
        parse_site(_services(demo_data, services))
    assert any(p.path == path and message in p.message for p in info.value.problems), (
        info.value.problems
    )


def test_a_catalogue_service_needs_its_default_category(demo_data: dict[str, t.Any]) -> None:
    del demo_data["categories"]["advertising"]
    with pytest.raises(ConfigError) as info:
        parse_site(_services(demo_data, ["meta-pixel"]))
    # (The demo's US overlay pre-grants advertising too, and says so under jurisdictions.)
    (problem,) = [p for p in info.value.problems if p.path.startswith("services.")]
    assert problem.path == "services.meta-pixel.category"
    assert "add a [categories.advertising] table" in problem.message


def test_a_catalogue_service_in_an_unfitting_category_is_a_warning(
    demo_data: dict[str, t.Any],
) -> None:
    config = parse_site(_services(demo_data, {"meta-pixel": {"category": "functional"}}))
    (warning,) = _category_warnings(config)
    assert warning.path == "services.meta-pixel.category"
    assert "'functional'" in warning.message and "['advertising', 'marketing']" in warning.message
    fitting = parse_site(_services(demo_data, {"meta-pixel": {"category": "marketing"}}))
    assert _category_warnings(fitting) == []


def test_check_config_prints_warnings_and_passes(runner: CliRunner, tmp_path: Path) -> None:
    site = tmp_path / "shop.toml"
    text = (DEMO_SITES_DIR / "demo.toml").read_text()
    site.write_text(
        text.replace("[services.meta-pixel]\n", '[services.meta-pixel]\ncategory = "functional"\n')
    )
    result = runner.invoke(main, ["check-config", str(site)])
    assert result.exit_code == 0, result.output
    assert f"{site}: ok" in result.output
    assert "  warning: services.meta-pixel.category: 'Meta Pixel' is in 'functional'" in (
        result.output
    )


def test_a_custom_service_blocking_a_catalogue_tag_in_an_unfitting_category_is_a_warning(
    demo_data: dict[str, t.Any],
) -> None:
    pixel = {
        "name": "FB",
        "description": "Our adverts on Facebook.",
        "patterns": ["connect.facebook.net/*/fbevents.js"],
    }
    config = parse_site(_services(demo_data, {"fb": {**pixel, "category": "functional"}}))
    (warning,) = config.warnings
    assert warning.path == "services.fb.category"
    assert "Meta Pixel (advertising/marketing)" in warning.message
    fitting = parse_site(_services(demo_data, {"fb": {**pixel, "category": "advertising"}}))
    unrelated = parse_site(
        _services(
            demo_data,
            {"chat": {**pixel, "category": "functional", "patterns": ["chat.example"]}},
        )
    )
    assert fitting.warnings == () and unrelated.warnings == ()


def test_a_service_whose_cookies_have_no_lifetime_is_a_warning(
    demo_data: dict[str, t.Any],
) -> None:
    del demo_data["services"]["meta-pixel"]["lifetimes"]
    (warning,) = parse_site(demo_data).warnings
    assert warning.path == "services.meta-pixel.lifetimes"
    assert "['_fbp', '_fbc']" in warning.message


@pytest.mark.parametrize(
    ("lifetimes", "message"),
    [
        ({"_fbp": "forever"}, "Expected a lifetime such as"),
        ({"_fbp": 90}, "Expected a lifetime such as"),
        ({"_nope": "90d"}, "'_nope' is not one of the cookies"),
    ],
)
def test_a_bad_lifetime_is_a_problem_by_field_path(
    demo_data: dict[str, t.Any], lifetimes: dict[str, t.Any], message: str
) -> None:
    demo_data["services"]["meta-pixel"]["lifetimes"] = {"_fbc": "90d", **lifetimes}
    with pytest.raises(ConfigError) as caught:
        parse_site(demo_data)
    (problem,) = caught.value.problems
    assert problem.path.startswith("services.meta-pixel.lifetimes.")
    assert message in problem.message


def _category_warnings(config: t.Any) -> list[t.Any]:
    """The category warnings only: catalogue entries whose vendors document no lifetimes
    also warn about those (test_a_service_whose_cookies_have_no_lifetime_is_a_warning)."""
    return [w for w in config.warnings if w.path.endswith(".category")]
