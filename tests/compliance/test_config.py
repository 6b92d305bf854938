"""The config checks judge the values, not the assumption that a loaded config is fine."""

from __future__ import annotations

import dataclasses
import typing as t

import pytest

from cookiegate.compliance import Check
from cookiegate.compliance.config import config_checks
from cookiegate.core.settings import DEMO_SITES_DIR
from cookiegate.siteconfig.load import load_site
from cookiegate.siteconfig.model import SiteConfig


@pytest.fixture
def demo() -> SiteConfig:
    return load_site(DEMO_SITES_DIR / "demo.toml")


def _by_rule(checks: t.Iterable[Check]) -> dict[str, list[Check]]:
    found: dict[str, list[Check]] = {}
    for c in checks:
        found.setdefault(c.rule, []).append(c)
    return found


def test_demo_config_passes_every_config_check(demo: SiteConfig) -> None:
    checks = config_checks(demo)
    assert [c for c in checks if not c.passed] == []
    assert {"consent-lifetime", "no-pre-ticked", "necessary-only-necessary"} <= {
        c.rule for c in checks
    }
    lifetime = _by_rule(checks)["consent-lifetime"][0]
    assert "consent_lifetime_days = 180" in lifetime.evidence


def _service(config: SiteConfig, sid: str, **changes: t.Any) -> SiteConfig:
    services = tuple(
        dataclasses.replace(s, **changes) if s.id == sid else s for s in config.services
    )
    return dataclasses.replace(config, services=services)


# Configs the loader would refuse, built directly, so the checks are shown to judge
# the values and not to assume that a loaded config is fine.


BROKEN: list[tuple[str, t.Callable[[SiteConfig], SiteConfig], str, str]] = [
    (
        "consent-lifetime",
        lambda c: dataclasses.replace(c, lifetime_days=500),
        "consent-lifetime",
        "consent_lifetime_days = 500",
    ),
    (
        "ad category without GPC",
        lambda c: dataclasses.replace(
            c, categories=tuple(dataclasses.replace(x, gpc_refuses=False) for x in c.categories)
        ),
        "gpc-honoured",
        "advertising carry advertising Consent Mode signals",
    ),
    (
        "analytics under necessary",
        lambda c: _service(c, "google-analytics", category="necessary"),
        "necessary-only-necessary",
        "cannot be strictly necessary",
    ),
    (
        "legitimate interest with cookies",
        lambda c: _service(c, "trustpilot", basis="legitimate_interest", cookies=("tp_id",)),
        "no-legitimate-interest",
        "legitimate interest cannot be its basis",
    ),
    (
        "Google without Google",
        lambda c: _service(c, "google-ads", provider="Ads Ltd"),
        "google-recipient",
        "provider must name Google",
    ),
    (
        "necessary without reason",
        lambda c: _service(c, "stripe", necessary_because=""),
        "necessary-reason",
        "needs a written reason",
    ),
    (
        "no purpose",
        lambda c: _service(c, "trustpilot", description=""),
        "purpose-descriptions",
        "needs a description of its purpose",
    ),
]


@pytest.mark.parametrize(("name", "breaks", "rule", "says"), BROKEN, ids=[b[0] for b in BROKEN])
def test_config_checks_fail_a_config_that_breaks_the_rule(
    demo: SiteConfig, name: str, breaks: t.Callable[[SiteConfig], SiteConfig], rule: str, says: str
) -> None:
    checks = _by_rule(config_checks(breaks(demo)))
    assert rule in checks, f"no check for {rule}"
    failed = [c for c in checks[rule] if not c.passed]
    assert failed and says in failed[0].evidence, checks[rule]
    others = [c.rule for c in config_checks(breaks(demo)) if not c.passed and c.rule != rule]
    assert rule == "necessary-only-necessary" or others == []


def test_advanced_consent_mode_is_flagged_for_the_dpo(demo: SiteConfig) -> None:
    basic = _by_rule(config_checks(demo))["no-tags-before-consent"]
    assert [c.passed for c in basic] == [True] and "mode = basic" in basic[0].evidence
    advanced = dataclasses.replace(
        demo, consent_mode=dataclasses.replace(demo.consent_mode, mode="advanced")
    )
    [check] = _by_rule(config_checks(advanced))["no-tags-before-consent"]
    assert not check.passed
    assert "mode = advanced" in check.evidence and "DPO must sign off" in check.evidence
