/**
 * Recording a choice: it takes effect at once (the loader applies it and refused services'
 * cookies are deleted); the server gets it after, and if it cannot be reached now, the
 * pending cookie keeps it for the next page.
 * @module banner/record
 */

import { refuseUnderGpc } from "../shared/gpc.js";
import { cookiegate, gpcOn, loader, rules } from "./context.js";

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
 * @param {string} method  accept_all, reject_all, custom, gpc, objection or withdraw
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
  return post(choice);
};

/** Send a choice to the server and store the token it signs; resolves with the consent ID. */
export const post = (choice) => {
  const previousToken = loader.readToken();
  return loader.texts().then((bundle) => {
    const body = {
      revision: rules.rev, shown_hash: bundle.shown_hash, locale: bundle.locale,
      method: choice.method, choices: choice.choices, services: choice.services,
      page_url: location.href,
    };
    if (previousToken) body.previous_token = previousToken;
    return loader.fetch.call(window, loader.api, {
      method: "POST", credentials: "include", keepalive: true,
      headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
    });
  }).then((response) => {
    // A 4xx will not get better by retrying (e.g. the config changed meanwhile): drop it.
    if (response.status >= 400 && response.status < 500) loader.pending.set(null);
    if (!response.ok) throw new Error("cookiegate: consent not recorded (" + response.status + ")");
    return response.json();
  }).then((answer) => {
    if (!answer.cookie_set) {
      loader.setCookie(
        rules.cookie + "=" + answer.token + "; Max-Age=" + rules.days * 86400 + loader.attrs,
      );
    }
    if (JSON.stringify(loader.pending.get()) === JSON.stringify(choice)) loader.pending.set(null);
    if (loader.consent() === choice) {
      choice.id = cookiegate.consent.id = answer.consent_id;
      choice.pending = cookiegate.consent.pending = false;
    }
    return answer.consent_id;
  });
};

/** Delete the cookies of services not allowed now: on this host and its parents, root and
 * page paths. */
export const purge = () => {
  const domains = [""], host = location.hostname.split(".");
  const paths = ["/"], path = location.pathname.split("/");
  for (let k = 0; k < host.length - 1; k++) domains.push("; domain=" + host.slice(k).join("."));
  for (let k = 2; k <= path.length; k++) paths.push(path.slice(0, k).join("/"));
  loader.getCookies().split("; ").forEach((pair) => {
    const name = pair.split("=")[0], service = loader.cookieService(name);
    if (name && service >= 0 && !loader.allowed(service)) {
      domains.forEach((domain) => paths.forEach((p) => {
        loader.setCookie(name + "=; Max-Age=0; path=" + p + domain);
      }));
    }
  });
};
