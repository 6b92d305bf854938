/**
 * cookiegate platform bridges: every decision cookiegate puts in force is also handed to the
 * shop platform's own consent API (Shopify's Customer Privacy API, the WP Consent API), so the
 * platform's pixels, checkout and plugins follow the same choice the proof records.
 *
 * Built to static/js/platform.js and appended by the server after the loader, only for a site
 * whose config names a platform (cookiegate/loader/payload.py `with_bridges`): every other
 * site's loader stays as small as it was. It runs right after the loader, so
 * `window.cookiegate` is there, its rules carry `pf` ([platform, {platform category: [site
 * categories]}, 1 when the site's regime depends on the visitor's place]) and its `consent` is
 * the stored decision, if any.
 *
 * cookiegate is the source of truth: on load the platform's own state is read only to bring
 * it in line with cookiegate's decision; with no decision yet, nothing is sent.
 * @module platform/main
 */

import { shopify } from "./shopify.js";
import { wordpress } from "./wordpress.js";

/**
 * A platform's side of the bridge.
 * @typedef {object} Bridge
 * @property {(placed: boolean) => Promise<object>} ready  the platform's API, once it is
 *   there; `placed`: the site has `[jurisdictions]`, so the visitor's regime may vary
 * @property {(api: object, decision: Object<string, boolean>) => boolean} holds  does the
 *   platform already hold this decision?
 * @property {(api: object, decision: Object<string, boolean>) => void} set  tell it
 */

const cookiegate = window.cookiegate;
const [name, map, placed] = cookiegate.rules.pf;
/** @type {Bridge} */
const bridge = { shopify, wordpress }[name];
const ready = bridge.ready(!!placed);
let last;

/**
 * The decision in the platform's categories: one is granted when every site category it maps
 * to is (locked ones always are), so a platform category never grants more than the visitor.
 */
const decide = (consent) => {
  const decision = {};
  Object.keys(map).forEach((key) => {
    decision[key] = map[key].length > 0 && map[key].every((category) =>
      cookiegate.rules.locked.includes(category) || !!consent.choices[category]);
  });
  return decision;
};

/**
 * Hand `consent` to the platform, once it is there, unless it is the decision sent last (the
 * loader applies a choice twice: at once, then when the server has recorded it).
 * @param {boolean} onLoad  only if the platform's own state differs
 */
const send = (consent, onLoad) => {
  if (!consent) return;
  const decision = decide(consent), key = JSON.stringify(decision);
  if (key === last) return;
  last = key;
  ready.then((api) => {
    if (!onLoad || !bridge.holds(api, decision)) bridge.set(api, decision);
  });
};

send(cookiegate.consent, true);
cookiegate.on("change", (consent) => send(consent, false));
