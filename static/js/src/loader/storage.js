/**
 * The stored choice: the signed token (read here, signed only by the server) and a choice the
 * server has not acknowledged yet (the pending cookie).
 * @module loader/storage
 */

import { PENDING_COOKIE_SUFFIX } from "../shared/constants.js";
import { getCookies, safeRun, setCookie } from "./env.js";
import { rules } from "./rules.js";

/**
 * A visitor's choice: a token's payload, or a pending choice the banner made.
 * @typedef {object} Choice
 * @property {Object<string, boolean>} choices  per category
 * @property {Object<string, boolean>} [services]  per service; beats its category
 * @property {number} rev  the config revision it was given for
 * @property {string} [ph]  token only: the purposes hash of the config it was given for
 * @property {boolean} [ref]  token only: a refusal (nothing optional granted), which holds at
 *   another revision while the purposes hash is the same (cookiegate/consent/lifetimes.py)
 * @property {string} [id]  the consent ID, once the server recorded it
 * @property {string} [method]  accept_all, reject_all, custom, gpc, objection or withdraw
 * @property {boolean} [pending]  made here, not yet acknowledged by the server
 * @property {string} [site]  token only: the site it was given on
 * @property {boolean} [uk]  token only: given under an overlay with the UK statistics exception
 * @property {number} [exp]  token only: expiry, in seconds since the epoch
 */

const pendingCookie = rules.cookie + PENDING_COOKIE_SUFFIX;

/**
 * The token's payload when it is this site's, unexpired, and given at this revision (or a
 * refusal given for the same purposes: a reworded banner does not re-ask who said no); else null.
 * How long it lives (acceptance or refusal lifetime) the server wrote into `exp`.
 */
export const decodeToken = (token) => safeRun(() => {
  const payload = token.split(".")[0]; // "" also for a compressed payload (".…"): not ours
  const choice = payload && JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/")));
  return choice && choice.site === rules.site
    && (choice.rev === rules.rev || choice.ref && choice.ph === rules.ph)
    && choice.exp > Date.now() / 1000 && choice.choices ? choice : null;
});

/**
 * A cookie's value, or "", from `cookies` (a document.cookie string read before) or afresh.
 * Found by plain text, not a RegExp: a cookie name may hold `.`, `+`, `*`, `$` or `|`.
 */
const readCookie = (name, cookies = getCookies()) =>
  (("; " + cookies).split("; " + name + "=")[1] || "").split(";")[0];

/** The consent cookie's value: the signed token, or "". */
export const readToken = (cookies) => readCookie(rules.cookie, cookies);

/** Attributes of our cookies: the site's cookie domain, Lax, Secure on https. */
export const cookieAttributes = "; path=/; SameSite=Lax"
  + (rules.domain ? "; domain=" + rules.domain : "")
  + (location.protocol == "https:" ? "; Secure" : "");

// A choice the API has not acknowledged yet lives in a session cookie: reading it costs nothing
// on the usual page view (sessionStorage's first access is a synchronous trip to the browser).
/**
 * The pending choice: `get()` it (or null), `set()` it, `set(null)` to drop it. The usual page
 * view has none: no parse then (parsing "" throws, and a page view's first exception is costly).
 */
export const pending = {
  get: (cookies) => {
    const value = readCookie(pendingCookie, cookies);
    return value ? safeRun(() => JSON.parse(decodeURIComponent(value))) : null;
  },
  set: (choice) => setCookie(pendingCookie + "="
    + (choice ? encodeURIComponent(JSON.stringify(choice)) : "; Max-Age=0") + cookieAttributes),
};
