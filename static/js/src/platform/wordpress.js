/**
 * The WP Consent API, as its plugin documents it (https://wordpress.org/plugins/wp-consent-api/,
 * README of https://github.com/WordPress/wp-consent-level-api): the consent management plugin
 * sets `window.wp_consent_type` ("optin" here: nothing is granted before a choice) and calls
 * `wp_set_consent(category, "allow" | "deny")` for each of functional, preferences,
 * statistics, statistics-anonymous and marketing; the API stores it and fires
 * `wp_listen_for_consent_change` on `document` for the plugins that listen. `wp_has_consent`
 * reads a category back.
 * @module platform/wordpress
 */

import { whenThere } from "./wait.js";

/** @type {import("./main.js").Bridge} */
export const wordpress = {
  ready: () => {
    // cookiegate asks before anything runs; the plugin's PHP filter says the same server-side.
    window.wp_consent_type = "optin";
    return whenThere(() => typeof window.wp_set_consent == "function" && window);
  },
  holds: (api, decision) =>
    Object.keys(decision).every((key) => !!api.wp_has_consent(key) === decision[key]),
  set: (api, decision) => Object.keys(decision).forEach((key) =>
    api.wp_set_consent(key, decision[key] ? "allow" : "deny")),
};
