"""Choice symmetry in real Chromium (EDPB, CNIL, ICO): refusing is as easy as accepting, and
nothing but a click on a choice is consent.

Every assertion goes through :mod:`cookiegate.measure.choice`, the measurements that
``cookiegate compliance`` reports; the proofs are then read back from the server's store.
"""

from __future__ import annotations

import typing as t

import pytest

from cookiegate.measure import Check
from cookiegate.measure.choice import choice_symmetry
from cookiegate.measure.choice import no_consent_without_choice
from cookiegate.measure.choice import one_click_choice
from cookiegate.services import ledger

from .conftest import BLOCKED_BY_DEFAULT
from .helpers import DIALOG
from .helpers import RECORDED
from .helpers import click_action
from .helpers import ran
from .helpers import settle
from .helpers import wait_banner

COOKIE = "cookiegate_demo"


def _passes(checks: list[Check]) -> None:
    failed = [f"{c.rule}: {c.evidence}" for c in checks if not c.passed]
    assert checks and not failed, "\n".join(failed)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 360])
def test_accept_all_and_reject_all_are_equal_real_buttons_with_a_readable_refusal(
    page: t.Any, net: t.Any, live: t.Any, artifacts: t.Any, scheme: str, width: int
) -> None:
    # The site config has no themes or colour overrides: light and dark are the themes.
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto(live.url("tags.html"))
    wait_banner(page)
    first = choice_symmetry(page)
    _passes(first)
    assert {c.rule for c in first} == {
        "choice.same-layer",
        "choice.real-buttons",
        "choice.same-size",
        "choice.same-font",
        "choice.reject-contrast",
    }
    assert "cg-first" in first[0].evidence
    page.screenshot(path=str(artifacts / f"symmetry-{scheme}-{width}.png"))
    # The preferences offer both again, equally.
    click_action(page, "prefs")
    _passes(choice_symmetry(page))


def test_symmetry_check_fails_a_smaller_fainter_reject_button(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    """The measurement catches what a retailer's own CSS could do to the refusal."""
    page.goto(live.url("tags.html"))
    wait_banner(page)
    page.add_style_tag(
        content=".cg-first [data-cg-action=reject] { font-size: 12px; min-block-size: 0;"
        " padding: 2px; align-self: start; justify-self: start; color: #9aa3b5;"
        " background: transparent; border-color: transparent; }"
    )
    failed = {c.rule: c.evidence for c in choice_symmetry(page) if not c.passed}
    assert set(failed) == {"choice.same-size", "choice.same-font", "choice.reject-contrast"}
    assert "12px" in failed["choice.same-font"]


@pytest.mark.parametrize(("action", "method"), [("accept", "accept_all"), ("reject", "reject_all")])
def test_one_click_on_accept_all_or_reject_all_records_a_proof_with_its_method(
    page: t.Any, net: t.Any, live: t.Any, action: str, method: str
) -> None:
    page.goto(live.url("tags.html"))
    wait_banner(page)
    check = one_click_choice(page, action)
    _passes([check])
    page.wait_for_function(RECORDED)
    consent_id = page.evaluate("cookiegate.consent.id")
    assert consent_id in check.evidence
    assert [p["method"] for p in net.posts()] == [method]
    proof = ledger.find_proof(live.app.extensions["cookiegate"].store, "demo", consent_id)
    assert proof is not None and proof["method"] == method
    settle(page, 300)
    if action == "reject":
        assert ran(page) == [] and net.requested(*BLOCKED_BY_DEFAULT) == []
    else:
        assert "ga" in ran(page)


@pytest.mark.parametrize("start", ["tags.html", "demo"])
def test_escape_closing_scrolling_or_moving_on_is_never_consent(
    page: t.Any, net: t.Any, live: t.Any, start: str
) -> None:
    first = f"{live.origin}/demo/" if start == "demo" else live.url(start)
    page.set_viewport_size({"width": 360, "height": 640})  # short enough to scroll
    page.goto(first)
    checks = no_consent_without_choice(page, next_url=live.url("second.html"))
    _passes(checks)
    assert {c.rule for c in checks} >= {
        "no-consent.escape",
        "no-consent.close",
        "no-consent.scroll",
        "no-consent.navigation",
        "no-consent.no-tags",
    }
    settle(page, 300)
    assert net.posts() == []
    assert net.requested(*BLOCKED_BY_DEFAULT) == []
    assert ran(page) == []
    assert COOKIE not in {c["name"] for c in page.context.cookies()}
    assert page.locator(f"{DIALOG}:not([hidden])").count() == 1


def test_no_consent_check_notices_a_banner_that_takes_escape_as_consent(
    page: t.Any, net: t.Any, live: t.Any
) -> None:
    """The measurement fails a banner that treats Escape as an answer, as some do."""
    page.goto(live.url("tags.html"))
    wait_banner(page)
    page.evaluate(
        "document.addEventListener('keydown', e => { if (e.key === 'Escape')"
        " document.querySelector('.cg-first [data-cg-action=accept]').click(); }, true)"
    )
    failed = {c.rule for c in no_consent_without_choice(page) if not c.passed}
    assert "no-consent.escape" in failed and "no-consent.no-tags" in failed
