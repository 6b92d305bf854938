/**
 * Vendor signals: Google Consent Mode v2 gets everything denied before any tag runs, then an
 * update (and Google Tag Manager a dataLayer event) whenever the choice in force changes.
 * @module loader/signals
 */

import { DATALAYER_EVENT } from "../shared/constants.js";
import { granted } from "./checks.js";
import { win } from "./env.js";
import { rules } from "./rules.js";

// gtag.js's own definition: Consent Mode reads `arguments` objects from the dataLayer.
function gtag() {
  win.dataLayer.push(arguments);
}

/** Consent Mode defaults: all denied (security aside) until the loader sends an update. */
export const sendDefaults = () => {
  win.dataLayer = win.dataLayer || [];
  gtag("consent", "default", {
    ad_storage: "denied", ad_user_data: "denied", ad_personalization: "denied",
    analytics_storage: "denied", personalization_storage: "denied",
    functionality_storage: "denied", security_storage: "granted", wait_for_update: 500,
  });
};

/**
 * Tell Consent Mode, and tag managers listening to the dataLayer, the choice now in force:
 * a signal is granted when any category that carries it is granted.
 */
export const sendUpdate = (publicConsent) => {
  const signals = {};
  rules.cats.forEach((category) => (rules.signals[category] || []).forEach((signal) => {
    signals[signal] = signals[signal] === "granted" || granted(category) ? "granted" : "denied";
  }));
  gtag("consent", "update", signals);
  win.dataLayer.push({ event: DATALAYER_EVENT, cookiegate: publicConsent });
};
