"""Every URL property of the loader's attribute table is guarded where the browser defines it.

The loader names the interfaces whose URL properties it wraps (``PROPERTY_OWNERS`` in
``static/js/src/loader/interceptors.js``) instead of creating an element of each tag at start,
which cost a returning visitor's page view about a third of the loader's own time. This test
derives the same set the slow way, in the browser, from the one attribute table
(``static/js/src/loader/attributes.js``): for each element and attribute, the prototype that
defines the property; a property with a setter there must have the loader's setter, so a
table entry added without its interface fails here instead of loading a blocked URL.
"""

from __future__ import annotations

import re
import typing as t
from pathlib import Path

TABLE = Path(__file__).parents[1] / "static/js/src/loader/attributes.js"

#: In the page: for each [tag, attribute], the property's owner and whether its setter is
#: native (unguarded); read-only properties (SVG's href) are left to setAttribute.
UNGUARDED = """(table) => table.flatMap(([tag, name]) => {
  const property = name === "imagesrcset" ? "imageSrcset" : name;
  let proto = Object.getPrototypeOf(document.createElement(tag));
  while (proto && !Object.prototype.hasOwnProperty.call(proto, property)) {
    proto = Object.getPrototypeOf(proto);
  }
  const setter = proto && Object.getOwnPropertyDescriptor(proto, property).set;
  return setter && /\\[native code\\]/.test(String(setter))
    ? [`${tag}.${property} (${proto.constructor.name})`] : [];
})"""


def table() -> list[tuple[str, str]]:
    text = TABLE.read_text(encoding="utf-8")
    body = text[text.index("export const URL_ATTRIBUTES = {") :].split("};", 1)[0]
    return [
        (tag, name)
        for tag, names in re.findall(r"^\s*([a-z]+): \[([^\]]*)\]", body, re.M)
        for name in re.findall(r'"([a-z]+)"', names)
    ]


def test_every_url_property_of_the_table_has_the_loaders_setter(page: t.Any, live: t.Any) -> None:
    rows = table()
    assert ("img", "srcset") in rows and ("link", "imagesrcset") in rows  # the parse works
    page.goto(live.url("clean.html"))
    page.wait_for_function("window.cookiegate !== undefined")
    assert page.evaluate(UNGUARDED, rows) == []
