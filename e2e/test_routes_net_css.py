"""CSS routes to a blocked host: a URL in a style, refused before consent, loaded after.

Each test gives an element on the routes page (or the document) CSS whose ``url()`` or
``@import`` names a blocked host, lets the page render, and checks the host got nothing; it
grants analytics, runs the same code on a fresh element and checks exactly one request.
"""

from __future__ import annotations

import typing as t

import pytest

from .routes_net import GA
from .routes_net import Hosts
from .routes_net import grant_analytics
from .routes_net import hosts_fixture  # noqa: F401  (the hosts fixture)
from .routes_net import insights_fixture  # noqa: F401  (the insights fixture)
from .routes_net import open_page

# Each is a tag's code: given a fresh, visible element `el` and a URL, it styles with it.
ROUTES = {
    "style-attribute": "el.setAttribute('style', `background-image: url('${url}')`)",
    "style-property": 'el.style.backgroundImage = `url("${url}")`',
    "set-property": "el.style.setProperty('background-image', `url(${url})`)",
    "css-text": "el.style.cssText = `width: 10px; height: 10px; background: url(${url})`",
    "style-element-rule": """const s = document.createElement('style');
        el.id = 'x' + Math.random().toString(36).slice(2);
        s.textContent = `#${el.id} { background-image: url('${url}') }`;
        document.head.append(s)""",
    "style-element-import": """const s = document.createElement('style');
        document.head.append(s);
        s.textContent = `@import "${url}";`""",
    "constructed-replace-sync": """const sheet = new CSSStyleSheet();
        el.id = 'x' + Math.random().toString(36).slice(2);
        sheet.replaceSync(`#${el.id} { background-image: url(${url}) }`);
        document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]""",
    "constructed-replace": """const sheet = new CSSStyleSheet();
        el.id = 'x' + Math.random().toString(36).slice(2);
        await sheet.replace(`p { color: red } #${el.id} { background: url("${url}") }`);
        document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]""",
    "constructed-insert-rule": """const sheet = new CSSStyleSheet();
        el.id = 'x' + Math.random().toString(36).slice(2);
        sheet.insertRule(`#${el.id} { background-image: url("${url}") }`);
        document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]""",
}

RUN = """async (url) => {
  const el = document.createElement('div');
  el.textContent = 'styled'; el.style.width = '20px'; el.style.height = '20px';
  document.body.append(el);
  %s;
  // Let the page style and paint it, twice over: a CSS image is fetched then.
  await new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)));
  getComputedStyle(el).backgroundImage;
  await new Promise((done) => setTimeout(done, 200));
}"""

LABELS = {
    "style-attribute": "a style attribute set by script with url() to a blocked host",
    "style-property": "element.style.backgroundImage = 'url(…)' of a blocked host",
    "set-property": "element.style.setProperty(…, 'url(…)') of a blocked host",
    "css-text": "element.style.cssText with url() of a blocked host",
    "style-element-rule": "a <style> element's text with url() of a blocked host",
    "style-element-import": "a <style> element's text with @import of a blocked host",
    "constructed-replace-sync": "a constructed stylesheet (replaceSync) with url() of a blocked host",
    "constructed-replace": "a constructed stylesheet (replace) with url() of a blocked host",
    "constructed-insert-rule": "a constructed stylesheet (insertRule) with url() of a blocked host",
}


@pytest.mark.parametrize(
    "route",
    [
        pytest.param(name, marks=pytest.mark.leak_route(LABELS[name], section="CSS"))
        for name in ROUTES
    ],
)
def test_css_url_of_a_blocked_host_is_not_fetched_before_consent_and_is_after(
    page: t.Any, hosts: Hosts, route: str
) -> None:
    open_page(page)
    kind = "style.css" if "@import" in ROUTES[route] else "bg.gif"
    url = f"{GA}/{kind}?route={route}"
    code = RUN % ROUTES[route]
    page.evaluate(code, url)
    assert hosts.made(url) == [], "reached the host before consent"
    grant_analytics(page)
    page.evaluate(code, url)
    assert hosts.made(url) == [url], "not reached exactly once after the grant"
