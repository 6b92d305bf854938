/**
 * The cookie declaration in a page's `<div data-cookiegate-declaration>`: the published fragment
 * of the banner's locale (a static file beside the loader, written and escaped by the server,
 * with no script and no inline style) and its stylesheet. Its "change your choices" button
 * carries REOPEN_ATTRIBUTE, which the loader's click listener answers. The loader fetches this
 * chunk for it only on pages that have the element, so the loader itself stays small.
 * @module banner/declaration
 */

import { DECLARATION_ATTRIBUTE } from "../shared/constants.js";
import { texts } from "./bundle.js";
import { loader } from "./context.js";

/** A file beside the loader (the consent API's folder). */
const beside = (name) => new URL(name, loader.api).href;

/** Fill every declaration placeholder of the page; nothing happens if the file is missing. */
export const declare = () => texts()
  .then((bundle) => loader.fetch.call(window, beside(`declaration.${bundle.locale}.html`)))
  .then((response) => (response.ok ? response.text() : ""))
  .then((html) => {
    if (!html) return;
    document.querySelectorAll(`[${DECLARATION_ATTRIBUTE}]`).forEach((box) => {
      const css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = beside("declaration.css");
      // Markup from cookiegate's own server (the same origin as this code), never the page's.
      box.innerHTML = html;
      box.prepend(css);
    });
  });
