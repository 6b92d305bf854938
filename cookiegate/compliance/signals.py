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
from ..measure.base import SHOWN
from ..measure.base import Check
from ..measure.base import control
from .run import GPC_JS
from .run import Run
from .run import settle
from .run import until

if t.TYPE_CHECKING:
    from playwright.sync_api import Page

    from ..siteconfig.model import SiteConfig
    from .stage import InProcessApp
    from .stage import Stage

#: Where the GPC measurements run: a desktop browser sending the signal.
GPC_LABEL = "light, 1280 px, Sec-GPC: 1"


def server_checks(app: InProcessApp, config: SiteConfig) -> list[Check]:
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
    """A browser sending GPC has advertising refused, on a first visit and after an opt-in."""
    gpc = _Gpc(run)
    run.step(f"{GPC_LABEL}: first visit", ["gpc-honoured"], gpc.first_visit)
    run.step(f"{GPC_LABEL}: after an opt-in", ["gpc-after-opt-in"], gpc.after_opt_in)


class _Gpc:
    """The two GPC measurements, over the categories GPC refuses and their planted tags."""

    def __init__(self, run: Run) -> None:
        self.run, self.stage = run, run.stage
        config = self.stage.config
        self.refused = {c.id for c in config.categories if c.gpc_refuses}
        category = {s.id: s.category for s in config.services}
        planted = self.stage.planted().items()
        self.ad_urls = [u for s, us in planted if category[s] in self.refused for u in us]

    def first_visit(self) -> None:
        """The preferences say GPC was honoured, and Accept all still refuses advertising."""
        run, stage = self.run, self.stage
        page = run.page("light", 1280, gpc=True)
        texts = stage.banner_texts()
        page.locator(control("prefs")).click()
        notices = [texts[k] for k in ("gpc_honoured", "gpc_notice") if texts.get(k)]
        shown = [n for n in notices if page.locator(SHOWN).get_by_text(n).first.is_visible()]
        run.add(
            GPC_LABEL,
            Check(
                "gpc-honoured",
                bool(shown),
                f"preferences show the notice {shown[0]!r}"
                if shown
                else f"none of the notices {notices!r} is visible in the preferences",
            ),
        )
        post = _next_consent(page, stage, lambda: _accept_all(page))
        recorded = f"Accept all with GPC recorded method {post.get('method')!r}"
        granted = f"{', '.join(sorted(self.refused))} granted"
        run.add(GPC_LABEL, self._refused("gpc-honoured", post, recorded, granted))
        page.context.close()
        stage.requests.clear()

    def after_opt_in(self) -> None:
        """A visitor who accepted all, then sends GPC, has advertising off on the next page."""
        run, stage = self.run, self.stage
        page = run.page("light", 1280)
        _next_consent(page, stage, lambda: _accept_all(page))
        page.context.set_extra_http_headers({"Sec-GPC": "1"})
        page.context.add_init_script(GPC_JS)
        stage.requests.clear()
        post = _next_consent(page, stage, lambda: page.goto(stage.url))
        method = "method " + repr(post.get("method")) if post else "no new proof"
        recorded = f"after Accept all, the next page with GPC recorded {method}"
        run.add(GPC_LABEL, self._refused("gpc-after-opt-in", post, recorded, "still granted"))
        page.context.close()
        stage.requests.clear()

    def _refused(self, rule: str, post: dict[str, t.Any], recorded: str, granted: str) -> Check:
        """Passes when ``post`` was recorded as GPC, granting and loading nothing GPC refuses."""
        still = sorted(c for c in self.refused if post.get("choices", {}).get(c))
        loaded = self.stage.requested(self.ad_urls)
        return Check(
            rule,
            post.get("method") == Method.GPC and not still and not loaded,
            f"{recorded}; {granted}: {', '.join(still) or 'none'}; "
            f"advertising tags requested: {len(loaded)}",
        )


def measure_uk_objection(run: Run) -> None:
    """Exempt statistics run before a choice, Object is one click, and stops them afterwards."""
    stage = run.stage
    urls = [u for s, us in stage.planted().items() if s in stage.exempt for u in us]
    page = run.page("light", 1280)
    settle(page)
    before = stage.requested(urls)
    button = page.locator(control("object"))
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
            f"exempt {', '.join(sorted(stage.exempt))}: {len(before)} of {len(urls)} tags ran "
            "before a choice (as the exception allows); "
            + (
                "; ".join(problems)
                if problems
                else "the first layer's Object button recorded "
                "'objection' in one click and the next page requested none of them"
            ),
        ),
    )
    page.context.close()


def _accept_all(page: Page) -> None:
    page.locator(control("accept")).click()


def _next_consent(page: Page, stage: Stage, action: t.Callable[[], t.Any]) -> dict[str, t.Any]:
    """Do ``action`` and return the consent it made the banner record ({} if none came)."""
    n = len(stage.consents)
    action()
    until(page, lambda: len(stage.consents) > n)
    settle(page)
    return dict(stage.consents[n]) if len(stage.consents) > n else {}
