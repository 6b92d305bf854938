"""Compliance measurements of the opt-out signals: Global Privacy Control and the UK
statistics exception.

The server's GPC support file is checked without a browser; the rest runs on the
:class:`~cookiegate.compliance.stage.Stage`, whose request log shows which tags
loaded and whose consent log shows what was recorded (method ``gpc`` or
``objection``).
"""

from __future__ import annotations

import typing as t

from ..consent.choices import Method
from . import Check
from .run import GPC_JS
from .run import SHOWN
from .run import Run
from .run import settle
from .run import until

if t.TYPE_CHECKING:
    from flask import Flask

    from ..siteconfig.load import SiteConfig


def server_checks(app: Flask, config: SiteConfig) -> list[Check]:
    """What the server answers itself, no browser needed: the site's GPC support file."""
    client = app.test_client()
    found = []
    for url in (f"/v1/sites/{config.id}/gpc.json", "/.well-known/gpc.json"):
        resp = client.get(url)
        data = resp.get_json(silent=True) or {}
        ok = resp.status_code == 200 and resp.mimetype == "application/json"
        found.append(
            (
                ok and data.get("gpc") is True,
                f"GET {url} answered {resp.status_code} "
                f"{resp.mimetype} {resp.get_data(as_text=True).strip()[:80]}",
            )
        )
    return [
        Check(
            "gpc-well-known",
            found[0][0],
            "; ".join(text for _, text in found)
            + " (the host-wide file speaks for every site this server has; proxy the site's "
            "file to /.well-known/gpc.json on the shop's own origin)",
        )
    ]


def measure_gpc(run: Run) -> None:
    stage = run.stage
    refused = {c.id for c in stage.config.categories if c.gpc_refuses}
    category = {s.id: s.category for s in stage.config.services}
    ad_urls = [u for s, us in stage.planted().items() if category[s] in refused for u in us]
    label = "light, 1280 px, Sec-GPC: 1"

    def still_on(post: dict[str, t.Any]) -> tuple[list[str], list[str]]:
        """What GPC refuses that a recorded choice still grants, and the ad tags requested."""
        granted = sorted(c for c in refused if post.get("choices", {}).get(c))
        return granted, stage.requested(ad_urls)

    def fresh() -> None:
        page = run.page("light", 1280, gpc=True)
        texts = stage.banner_texts()
        page.locator(f"{SHOWN} .cg-layer:not([hidden]) [data-cg-action=prefs]").click()
        notices = [texts[k] for k in ("gpc_honoured", "gpc_notice") if texts.get(k)]
        shown = [n for n in notices if page.locator(SHOWN).get_by_text(n).first.is_visible()]
        run.add(
            label,
            Check(
                "gpc-honoured",
                bool(shown),
                f"preferences show the notice {shown[0]!r}"
                if shown
                else f"none of the notices {notices!r} is visible in the preferences",
            ),
        )
        post = _next_consent(page, stage, lambda: _accept_all(page))
        granted, loaded = still_on(post)
        run.add(
            label,
            Check(
                "gpc-honoured",
                post.get("method") == Method.GPC and not granted and not loaded,
                f"Accept all with GPC recorded method {post.get('method')!r}; "
                f"{', '.join(sorted(refused))} granted: {', '.join(granted) or 'none'}; "
                f"advertising tags requested: {len(loaded)}",
            ),
        )
        page.context.close()
        stage.requests.clear()

    def after_opt_in() -> None:
        page = run.page("light", 1280)
        _next_consent(page, stage, lambda: _accept_all(page))
        page.context.set_extra_http_headers({"Sec-GPC": "1"})
        page.context.add_init_script(GPC_JS)
        stage.requests.clear()
        post = _next_consent(page, stage, lambda: page.goto(stage.url))
        granted, loaded = still_on(post)
        run.add(
            label,
            Check(
                "gpc-after-opt-in",
                post.get("method") == Method.GPC and not granted and not loaded,
                f"after Accept all, the next page with GPC recorded "
                f"{'method ' + repr(post.get('method')) if post else 'no new proof'}; "
                f"still granted: {', '.join(granted) or 'none'}; advertising tags requested: "
                f"{len(loaded)}",
            ),
        )
        page.context.close()
        stage.requests.clear()

    run.step(f"{label}: first visit", ["gpc-honoured"], fresh)
    run.step(f"{label}: after an opt-in", ["gpc-after-opt-in"], after_opt_in)


def measure_uk_objection(run: Run) -> None:
    """Exempt statistics run before a choice, Object is one click, and stops them afterwards."""
    stage = run.stage
    urls = [u for s, us in stage.planted().items() if s in stage.exempt for u in us]
    page = run.page("light", 1280)
    settle(page)
    before = stage.requested(urls)
    button = page.locator(f"{SHOWN} .cg-layer:not([hidden]) [data-cg-action=object]")
    problems = []
    if button.count() != 1 or button.evaluate("e => e.tagName") != "BUTTON":
        problems.append("no single Object button on the first layer")
    else:
        method = _next_consent(page, stage, button.click).get("method")
        if method != Method.OBJECTION:
            problems.append(f"one click on Object recorded {method or 'nothing'}")
        stage.requests.clear()
        page.goto(stage.url)
        settle(page)
        if stage.requested(urls):
            problems.append(f"after objecting, the next page still requested {urls[0]}")
    run.add(
        "light, 1280 px",
        Check(
            "uk-statistics-exception",
            not problems,
            f"exempt {', '.join(sorted(stage.exempt))}: {len(before)} of {len(urls)} tags ran before "
            "a choice (as the exception allows); "
            + (
                "; ".join(problems)
                if problems
                else "the first layer's Object button recorded "
                "'objection' in one click and the next page requested none of them"
            ),
        ),
    )
    page.context.close()


def _accept_all(page: t.Any) -> None:
    page.locator(f"{SHOWN} .cg-layer:not([hidden]) [data-cg-action=accept]").click()


def _next_consent(page: t.Any, stage: t.Any, action: t.Callable[[], t.Any]) -> dict[str, t.Any]:
    """Do ``action`` and return the consent it made the banner record ({} if none came)."""
    n = len(stage.consents)
    action()
    until(page, lambda: len(stage.consents) > n)
    settle(page)
    return dict(stage.consents[n]) if len(stage.consents) > n else {}
