/**
 * Recording a choice: it takes effect at once (the loader applies it and what refused services
 * stored is deleted, purge.js); the server gets it after. If the server cannot be reached, the
 * pending cookie keeps it: it is sent again on this page with backoff, then on the next page.
 * Nothing it does not grant runs meanwhile (fail closed).
 * @module banner/record
 */

import { refuseUnderGpc } from "../shared/gpc.js";
import { storeReopenLabel } from "../shared/reopen.js";
import { texts } from "./bundle.js";
import { cookiegate, exemptServices, gpcOn, loader, noteServerGpc, rules } from "./context.js";
import { purge } from "./purge.js";

/** Every category set to `value`. */
export const allChoices = (value) => {
  const choices = {};
  rules.cats.forEach((category) => {
    choices[category] = value;
  });
  return choices;
};

/** The visitor's browser sends an ADPC objection to everything (signals.js). */
let adpcOn = false;
export const noteAdpc = () => (adpcOn = true);

/**
 * Refuse everything optional in `choice`, the UK exception's statistics included; a choice
 * that granted something is then recorded as the signal (signal:adpc), as the server asks.
 */
const refuseAll = (choice) => {
  const optional = (category) => !rules.locked.includes(category);
  const serviceIds = [...Object.keys(choice.services), ...exemptServices].filter((id) =>
    optional(rules.services.find((service) => service.id == id)?.cat));
  if (rules.cats.some((c) => optional(c) && choice.choices[c])
    || serviceIds.some((id) => choice.services[id] !== false)) choice.method = "signal:adpc";
  rules.cats.forEach((category) => (choice.choices[category] = !optional(category)));
  serviceIds.forEach((id) => (choice.services[id] = false));
};

/** Every category as it stands now. */
export const currentChoices = () => {
  const choices = {};
  rules.cats.forEach((category) => {
    choices[category] = cookiegate.granted(category);
  });
  return choices;
};

/**
 * Record a choice.
 * @param {string} method  accept_all, reject_all, custom, gpc, objection, withdraw, notice,
 *   opt_out (Do Not Sell), or signal:<name> (regime.js)
 * @param {Object<string, boolean>} choices  per category
 * @param {Object<string, boolean>} [services]  per service
 * @returns {Promise<string>} the consent ID; rejects if it could not be recorded yet
 */
export const record = (method, choices, services) => {
  const choice = { choices, services: services || {}, method, pending: true, rev: rules.rev };
  rules.locked.forEach((category) => {
    choice.choices[category] = true;
  });
  // Under GPC nothing it refuses is granted, not even for a moment before the server says no;
  // under an ADPC objection nothing optional is.
  if (gpcOn) refuseUnderGpc(rules, choice.choices, choice.services);
  if (adpcOn) refuseAll(choice);
  loader.pending.set(choice);
  loader.apply(choice);
  purge();
  // The loader draws the reopen control on later page views, labelled in this language.
  texts().then((bundle) => storeReopenLabel(bundle.locale, bundle.texts.reopen));
  return post(choice);
};

/** Same-page retries of a choice the server could not take, 1 s, 2 s, 4 s, 8 s, 16 s apart. */
const RETRIES = 5;

/**
 * Send a choice to the server and store the token it signs; resolves with the consent ID.
 * While the server is unreachable (network error, 5xx, 429) the choice stays in force and
 * pending, and is sent again on this page with a doubling delay, RETRIES times; after that the
 * next page view sends it (loader/main.js). A newer choice ends the retries of an older one.
 * @param {object} choice  the pending choice (as stored in the pending cookie)
 * @param {number} [attempt]  retries so far
 */
export const post = (choice, attempt = 0) => send(choice).catch((error) => {
  if (error.gpc) return postUnderGpc(choice);
  if (error.adpc) return postUnderAdpc(choice);
  if (!error.retry || attempt >= RETRIES || !stillPending(choice)) throw error;
  return new Promise((wait) => setTimeout(wait, 1000 << attempt))
    .then(() => stillPending(choice) ? post(choice, attempt + 1) : Promise.reject(error));
});

const stillPending = (choice) =>
  JSON.stringify(loader.pending.get()) === JSON.stringify(choice);

/**
 * How a choice under Global Privacy Control is recorded: under an opt-out regime the signal is
 * the standing opt-out itself (signal:gpc); under opt_in (and before the regime is known) it
 * refuses what the site marks, as a GPC choice. The server refuses signal:gpc from an opt_in
 * place (cookiegate/consent/choices.py).
 */
export const gpcMethod = () => (cookiegate.regime || "opt_in") === "opt_in" ? "gpc" : "signal:gpc";

/** Put `refused` in force and on its way instead of `choice`, which the server refused. */
const instead = (choice, refused) => {
  loader.pending.set(refused);
  if (loader.consent() === choice) loader.apply(refused);
  purge();
  return post(refused);
};

/**
 * The server saw `Sec-GPC: 1` on the POST but the browser does not expose the signal to scripts
 * (the banner files are static, so they cannot say): honour it now, as a GPC choice.
 */
const postUnderGpc = (choice) => {
  noteServerGpc();
  const refused = { ...choice, method: gpcMethod(), services: { ...choice.services } };
  refused.choices = { ...choice.choices };
  refuseUnderGpc(rules, refused.choices, refused.services);
  return instead(choice, refused);
};

/**
 * The server saw `ADPC: withdraw=*` or `object=*` on a POST that granted something (a page
 * view that did not ask banner.json, or a choice made after): the visitor's browser withdraws
 * every consent, so honour it as the banner does on arrival (regime.js), for the rest of the
 * page too: signal:adpc, everything optional off, the UK exception's statistics objected to.
 */
const postUnderAdpc = (choice) => {
  noteAdpc();
  const refused = { ...choice, choices: { ...choice.choices }, services: { ...choice.services } };
  refuseAll(refused);
  refused.method = "signal:adpc";
  return instead(choice, refused);
};

const send = (choice) => {
  const previousToken = loader.readToken();
  return texts().then((bundle) => {
    const body = {
      revision: rules.rev, shown_hash: bundle.shown_hash, locale: bundle.locale,
      method: choice.method, choices: choice.choices, services: choice.services,
      page_url: location.href,
    };
    if (previousToken) body.previous_token = previousToken;
    // The regime this banner applied; the server refuses a weaker one than the visitor's place.
    if (bundle.regime) body.regime = bundle.regime;
    return loader.fetch.call(window, loader.api, {
      method: "POST", credentials: "include", keepalive: true,
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
  }).then((response) => {
    if (response.ok) return response.json();
    const error = new Error("cookiegate: consent not recorded (" + response.status + ")");
    error.retry = response.status >= 500 || response.status === 429;
    if (error.retry) throw error;
    // Any other 4xx will not get better by retrying (e.g. the config changed meanwhile): drop
    // it, unless the server refused it for its Sec-GPC or ADPC header (postUnderGpc/Adpc).
    return response.json().catch(() => ({})).then((answer) => {
      error.gpc = !/gpc/.test(choice.method) && /Sec-GPC/.test(answer.message);
      error.adpc = choice.method != "signal:adpc" && /ADPC/.test(answer.message);
      if (!error.gpc && !error.adpc) loader.pending.set(null);
      throw error;
    });
  }, (networkError) => {
    networkError.retry = true; // unreachable: fail closed, keep the choice, try again
    throw networkError;
  }).then((answer) => {
    if (!answer.cookie_set) {
      loader.setCookie(
        // The token's own lifetime: a refusal's is longer than an acceptance's.
        rules.cookie + "=" + answer.token + "; Max-Age=" + (answer.expires_at - answer.issued_at)
          + loader.attrs,
      );
    }
    if (stillPending(choice)) loader.pending.set(null);
    if (loader.consent() === choice) {
      choice.id = cookiegate.consent.id = answer.consent_id;
      choice.pending = cookiegate.consent.pending = false;
    }
    return answer.consent_id;
  });
};
