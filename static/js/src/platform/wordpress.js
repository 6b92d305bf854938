/**
 * The WP Consent API, as its plugin documents it (https://wordpress.org/plugins/wp-consent-api/,
 * README of https://github.com/WordPress/wp-consent-level-api): the consent management plugin
 * sets `window.wp_consent_type` ("optin" or "optout") and, when it learns the type only later in
 * the page load (a region detected by the server), dispatches `wp_consent_type_defined` on
 * `document`; it calls `wp_set_consent(category, "allow" | "deny")` for each of functional,
 * preferences, statistics, statistics-anonymous and marketing; the API stores it and fires
 * `wp_listen_for_consent_change` on `document` for the plugins that listen. `wp_has_consent`
 * reads a category back: under "optin" only "allow" grants, under "optout" a category with no
 * stored choice is granted too.
 *
 * The type follows the visitor's regime: optin until cookiegate knows it (the strictest), then
 * the one the server resolves for this visitor, the same `regime` banner.json reports.
 * @module platform/wordpress
 */

import { whenThere } from "./wait.js";

/** Dispatched on `document` once the consent type is final (the WP Consent API's name). */
const TYPE_DEFINED = "wp_consent_type_defined";

/**
 * The WP Consent API's consent type for cookiegate's answer about this visitor (banner.json,
 * or the jurisdiction lookup it shares `regime` with): opt_out and notice let plugins run
 * until the visitor objects, as their banners do; opt_in, no answer or anything unknown asks
 * first.
 * @param {{regime?: string} | null} answer
 * @returns {"optin" | "optout"}
 */
export const consentType = (answer) =>
  answer && (answer.regime == "opt_out" || answer.regime == "notice") ? "optout" : "optin";

/**
 * The visitor's consent type. The banner chunk learns the regime from banner.json: when it
 * has (`window.cookiegate.regime`), that is the answer; on a first visit (no stored choice) it
 * is about to, so the bridge waits for the same answer (`texts()`: banner.json for this place,
 * or the strictest overlay's texts when that fails). Only a returning visit, where the banner
 * does not load, asks the server's jurisdiction lookup beside the loader (its answer is kept
 * by the browser for five minutes, so a visit asks about once). A site without
 * `[jurisdictions]` (no third `pf` item) is opt_in for everyone and is not asked.
 * @param {boolean} placed  the site's regime depends on where the visitor is
 * @returns {Promise<"optin" | "optout">}
 */
const learnType = (placed) => {
  if (!placed) return Promise.resolve("optin");
  const cookiegate = window.cookiegate, loader = cookiegate._;
  const answer = cookiegate.regime ? Promise.resolve(cookiegate)
    : !cookiegate.consent ? loader.texts()
    : loader.fetch.call(window, new URL("jurisdiction", loader.api).href, { credentials: "omit" })
      .then((response) => response.ok ? response.json() : null);
  return answer.catch(() => null).then(consentType);
};

/** @type {import("./main.js").Bridge} */
export const wordpress = {
  ready: (placed) => {
    window.wp_consent_type = "optin";
    learnType(placed).then((type) => {
      window.wp_consent_type = type;
      document.dispatchEvent(new CustomEvent(TYPE_DEFINED));
    });
    return whenThere(() => typeof window.wp_set_consent == "function" && window);
  },
  holds: (api, decision) =>
    Object.keys(decision).every((key) => !!api.wp_has_consent(key) === decision[key]),
  set: (api, decision) => Object.keys(decision).forEach((key) =>
    api.wp_set_consent(key, decision[key] ? "allow" : "deny")),
};
