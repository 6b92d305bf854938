/**
 * Shopify's Customer Privacy API, as Shopify documents it
 * (https://shopify.dev/docs/api/customer-privacy): loaded with
 * `Shopify.loadFeatures([{name: "consent-tracking-api", version: "0.1"}], callback)`, then
 * `Shopify.customerPrivacy.setTrackingConsent({analytics, marketing, preferences,
 * sale_of_data}, callback)` records the visitor's consent, and `currentVisitorConsent()`
 * answers "yes", "no" or "" (not given) per purpose. Shopify itself fires
 * `visitorConsentCollected` on `document` once it has stored a decision.
 * @module platform/shopify
 */

import { whenThere } from "./wait.js";

const FEATURES = [{ name: "consent-tracking-api", version: "0.1" }];

/** @type {import("./main.js").Bridge} */
export const shopify = {
  ready: () => whenThere(() => window.Shopify?.customerPrivacy?.setTrackingConsent
    ? window.Shopify : window.Shopify?.loadFeatures && window.Shopify)
    .then((store) => store.customerPrivacy?.setTrackingConsent ? store.customerPrivacy
      : new Promise((resolve) => store.loadFeatures(FEATURES, (error) => {
        if (!error) resolve(store.customerPrivacy);
      }))),
  holds: (api, decision) => {
    const now = api.currentVisitorConsent?.() || {};
    return Object.keys(decision).every((key) => now[key] === (decision[key] ? "yes" : "no"));
  },
  set: (api, decision) => api.setTrackingConsent({ ...decision }, () => {}),
};
