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
import { cookiegate, gpcOn, loader, noteServerGpc, rules } from "./context.js";
import { purge } from "./purge.js";

/** Every category set to `value`. */
export const allChoices = (value) => {
  const choices = {};
  rules.cats.forEach((category) => {
    choices[category] = value;
  });
  return choices;
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
  // Under GPC nothing it refuses is granted, not even for a moment before the server says no.
  if (gpcOn) refuseUnderGpc(rules, choice.choices, choice.services);
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
  if (!error.retry || attempt >= RETRIES || !stillPending(choice)) throw error;
  return new Promise((wait) => setTimeout(wait, 1000 << attempt))
    .then(() => stillPending(choice) ? post(choice, attempt + 1) : Promise.reject(error));
});

const stillPending = (choice) =>
  JSON.stringify(loader.pending.get()) === JSON.stringify(choice);

/**
 * The server saw `Sec-GPC: 1` on the POST but the browser does not expose the signal to scripts
 * (the banner files are static, so they cannot say): honour it now, as a GPC choice.
 */
const postUnderGpc = (choice) => {
  noteServerGpc();
  // Under an opt-out regime the signal is the standing opt-out itself (signal:gpc); under
  // opt_in it refuses what the site marks, as a GPC choice.
  const method = (cookiegate.regime || "opt_in") === "opt_in" ? "gpc" : "signal:gpc";
  const refused = { ...choice, method, services: { ...choice.services } };
  refused.choices = { ...choice.choices };
  refuseUnderGpc(rules, refused.choices, refused.services);
  loader.pending.set(refused);
  if (loader.consent() === choice) loader.apply(refused);
  purge();
  return post(refused);
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
    // it, unless the server refused it for its Sec-GPC header (see postUnderGpc).
    return response.json().catch(() => ({})).then((answer) => {
      error.gpc = !/gpc/.test(choice.method) && /Sec-GPC/.test(answer.message);
      if (!error.gpc) loader.pending.set(null);
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
