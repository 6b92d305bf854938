/**
 * The browser signals the banner honours, one entry each: its name (a proof records it as
 * `signal:<name>`) and whether this visitor sends it. What a signal refuses depends on the
 * visitor's regime (regime.js). A future browser setting (the EU Digital Omnibus proposal's
 * Art. 88b) is one more entry here and one more method on the server (consent/choices.py).
 * @module banner/signals
 */

import { gpcOn } from "./context.js";

/** How long the banner waits for ADPC's JS interface before going on without it. */
const ADPC_WAIT_MS = 500;

/**
 * ADPC's JavaScript interface (https://www.dataprotectioncontrol.org/spec/, section 8): the
 * page asks `navigator.dataProtectionControl.request([])` and learns the visitor's standing
 * decisions; `withdraw` or `object` holding "*" withdraws every consent and objects to all
 * processing the site would base on its legitimate interest.
 * @returns {Promise<boolean>} whether the visitor objects to everything optional
 */
const adpcObjects = () => {
  const control = navigator.dataProtectionControl;
  if (!control || typeof control.request !== "function") return Promise.resolve(false);
  // The user agent may take its time (it can ask its user): the banner waits only briefly.
  return Promise.race([
    Promise.resolve(control.request([])).then((answer) => {
      const all = (list) => Array.isArray(list) && list.includes("*");
      return !!answer && (all(answer.withdraw) || all(answer.object));
    }, () => false),
    new Promise((unanswered) => setTimeout(unanswered, ADPC_WAIT_MS, false)),
  ]);
};

/**
 * @typedef {object} Signal
 * @property {string} name  recorded as `signal:<name>`
 * @property {(bundle: object) => Promise<boolean>} sent  does this visitor send it?
 * @property {"sale"|"all"} refuses  what it turns off: sale/sharing and targeted ads (the
 *   categories marked `gpc_refuses`), or everything optional
 */

/** @type {Signal[]} strongest first: the first one sent decides */
export const SIGNALS = [
  // ADPC: its JS interface, or its header seen by the server (banner.json `adpc`).
  { name: "adpc", sent: (bundle) => bundle.adpc ? Promise.resolve(true) : adpcObjects(),
    refuses: "all" },
  // GPC: navigator.globalPrivacyControl, or Sec-GPC: 1 seen by the server (banner.json `gpc`).
  { name: "gpc", sent: (bundle) => Promise.resolve(gpcOn || !!bundle.gpc), refuses: "sale" },
];

/**
 * The first signal this visitor sends, or null.
 * @returns {Promise<Signal|null>}
 */
export const sentSignal = (bundle) => SIGNALS.reduce(
  (found, signal) => found.then((hit) => hit || signal.sent(bundle).then((on) => on && signal)),
  Promise.resolve(null),
).then((hit) => hit || null);
