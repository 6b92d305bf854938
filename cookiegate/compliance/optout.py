"""The opt-out regime of US state privacy laws, measured in Chromium with a place's headers.

On the :class:`~cookiegate.compliance.stage.Stage`, with the geo headers of one US place sent
on every request (:class:`~cookiegate.compliance.run.Run`), three fresh visits:

- the notice: "Do Not Sell or Share" and "Your Privacy Choices" are buttons the Tab key
  reaches, and only the overlay's granted categories run (the ``notice`` proof says which);
- Global Privacy Control: no advertising request and a ``signal:gpc`` proof, no click;
- Do Not Sell: one click records ``opt_out`` and the next page requests no advertising.

"Advertising" is what the site's config files under categories carrying advertising Consent
Mode signals (:func:`~cookiegate.compliance.config.advertising_categories`), not what the
config says GPC refuses: a config that forgets ``gpc_refuses`` fails here instead of passing
by its own word. Rule texts and sources: :mod:`cookiegate.compliance.rules.regimes`.
"""

from __future__ import annotations

import typing as t

from ..consent.choices import Method
from ..measure.base import Check
from .config import advertising_categories
from .run import Run
from .run import settle
from .run import until

if t.TYPE_CHECKING:
    from playwright.sync_api import Page

#: The opt-out notice (static/js/src/banner/notice.js) and its buttons' action attribute.
NOTICE = ".cg-notice"
ACTION = "data-cg-action"
#: Tab presses allowed to reach a notice button: the stage page has one link before it.
MAX_TABS = 25


class OptOut:
    """The opt-out measurements of one visit, labelled ``label`` (the place and its headers)."""

    def __init__(self, run: Run, label: str, granted: t.Sequence[str]) -> None:
        self.run, self.stage, self.label = run, run.stage, label
        config = self.stage.config
        self.granted = set(granted)
        self.ad = set(advertising_categories(config))
        category = {s.id: s.category for s in config.services}
        self.urls = {s: us for s, us in self.stage.planted().items()}
        self.category = category
        self.ad_urls = [u for s, us in self.urls.items() if category[s] in self.ad for u in us]

    def measure(self) -> None:
        r, lb = self.run, self.label
        r.step(f"{lb}: the notice", ["optout-links", "optout-granted"], self.notice)
        r.step(f"{lb}, Sec-GPC: 1", ["optout-gpc"], self.gpc)
        r.step(f"{lb}: Do Not Sell or Share", ["optout-do-not-sell"], self.do_not_sell)

    def _open(self, *, gpc: bool = False) -> tuple[Page, dict[str, t.Any]]:
        """A first visit, once the banner recorded what is in force ({} if it recorded nothing)."""
        n = len(self.stage.consents)
        page = self.run.page("light", 1280, gpc=gpc, shown=NOTICE)
        until(page, lambda: len(self.stage.consents) > n)
        settle(page)
        return page, dict(self.stage.consents[n]) if len(self.stage.consents) > n else {}

    def notice(self) -> None:
        page, post = self._open()
        texts = self.stage.banner_texts(self.run.headers)
        self.run.add(self.label, self._links(page, texts))
        optional = {c.id for c in self.stage.config.optional_categories}
        on = {c for c, v in post.get("choices", {}).items() if v and c in optional}
        ran = {s for s, us in self.urls.items() if self.stage.requested(us)}
        outside = sorted(s for s in ran if self.category[s] not in self.granted)
        ok = post.get("method") == Method.NOTICE and on == self.granted and not outside
        self.run.add(
            self.label,
            Check(
                "optout-granted",
                ok,
                f"before any click the proof recorded method {post.get('method')!r} with "
                f"{', '.join(sorted(on)) or 'nothing'} on (overlay grants "
                f"{', '.join(sorted(self.granted)) or 'nothing'}); services requested: "
                f"{', '.join(sorted(ran)) or 'none'}"
                + (f"; outside the granted categories: {', '.join(outside)}" if outside else ""),
            ),
        )
        page.context.close()
        self.stage.requests.clear()

    def _links(self, page: Page, texts: t.Mapping[str, str]) -> Check:
        """Both buttons visible in the notice, and the Tab key reaching each."""
        box = page.locator(NOTICE)
        wanted = {"dns": texts.get("do_not_sell", ""), "choices": texts.get("privacy_choices", "")}
        shown = {
            a: bool(name) and box.get_by_role("button", name=name, exact=True).is_visible()
            for a, name in wanted.items()
        }
        reached: dict[str, int] = {}
        for press in range(1, MAX_TABS + 1):
            page.keyboard.press("Tab")
            action = page.evaluate(
                f"() => document.activeElement && document.activeElement.closest('{NOTICE}') "
                f"? document.activeElement.getAttribute('{ACTION}') : null"
            )
            if action in wanted:
                reached.setdefault(action, press)
            if len(reached) == len(wanted):
                break
        parts = [
            f"{name!r} "
            + ("visible" if shown[a] else "NOT visible")
            + (f", reached by Tab press {reached[a]}" if a in reached else ", NOT reached by Tab")
            for a, name in wanted.items()
        ]
        return Check("optout-links", all(shown.values()) and len(reached) == 2, "; ".join(parts))

    def gpc(self) -> None:
        page, post = self._open(gpc=True)
        still = sorted(c for c in self.ad if post.get("choices", {}).get(c))
        loaded = self.stage.requested(self.ad_urls)
        self.run.add(
            f"{self.label}, Sec-GPC: 1",
            Check(
                "optout-gpc",
                post.get("method") == Method.SIGNAL_GPC and not still and not loaded,
                f"with no click the proof recorded method {post.get('method')!r}; advertising "
                f"categories ({', '.join(sorted(self.ad)) or 'none'}) still granted: "
                f"{', '.join(still) or 'none'}; advertising tags requested: {len(loaded)}"
                + (f" ({', '.join(loaded[:3])})" if loaded else ""),
            ),
        )
        page.context.close()
        self.stage.requests.clear()

    def do_not_sell(self) -> None:
        page, _ = self._open()
        n = len(self.stage.consents)
        page.locator(f"{NOTICE} [{ACTION}=dns]").click()
        until(page, lambda: len(self.stage.consents) > n)
        post = dict(self.stage.consents[n]) if len(self.stage.consents) > n else {}
        self.stage.requests.clear()
        page.goto(self.stage.url)
        settle(page)
        loaded = self.stage.requested(self.ad_urls)
        still = sorted(c for c in self.ad if post.get("choices", {}).get(c))
        self.run.add(
            self.label,
            Check(
                "optout-do-not-sell",
                post.get("method") == Method.OPT_OUT and not still and not loaded,
                f"one click on Do Not Sell or Share recorded method {post.get('method')!r}, "
                f"advertising still granted: {', '.join(still) or 'none'}; the next page "
                f"requested {len(loaded)} of {len(self.ad_urls)} advertising tags",
            ),
        )
        page.context.close()
        self.stage.requests.clear()
