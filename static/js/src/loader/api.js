/**
 * The loader's side of its two contracts: window.cookiegate for the page, and the banner chunk
 * (one file with the banner code, its stylesheet and its texts), fetched only when a visitor
 * must be asked or acts.
 * `apply` puts a choice in force. The loader only adds the chunk's tags to the page: it
 * imports no UI code.
 * @module loader/api
 */

import { CHANGE_EVENT } from "../shared/constants.js";
import {
  allowed, consent, cookieService, granted, serviceOf, setConsent, urlOf,
} from "./checks.js";
import {
  apiUrl, createElement, doc, getCookies, nativeFetch, nativeSetAttribute, nonce, safeRun,
  setCookie,
} from "./env.js";
import { locale } from "./locale.js";
import { release } from "./release.js";
import { rules } from "./rules.js";
import { sendUpdate } from "./signals.js";
import { cookieAttributes, pending, readToken } from "./storage.js";

/**
 * The choice in force as pages see it (window.cookiegate.consent, the change event's detail).
 * @typedef {object} PublicConsent
 * @property {string|null} id  the consent ID; null until the server has recorded it
 * @property {Object<string, boolean>} choices  per category
 * @property {Object<string, boolean>} services  per service, where the visitor chose one
 * @property {boolean} pending  not recorded by the server yet
 * @property {string|null} method  how it was given: accept_all, reject_all, custom, gpc,
 *   objection, withdraw, notice (what an opt-out regime starts with), opt_out ("Do Not Sell or
 *   Share"), signal:gpc or signal:adpc; null when read from the signed token (it has none)
 */

/**
 * What banner.js hands the loader once it has run (its `cookiegate._ready` call).
 * @typedef {object} BannerChunk
 * @property {(mode: "banner"|"prefs"|"reopen") => Promise<void>} show
 * @property {(frame: Element, box: Element) => void} fill  write a placeholder's text and button
 * @property {(choice: object) => Promise<void>} post  record a pending choice
 * @property {() => Promise<string>} withdraw
 * @property {(choice: object) => Promise<void>} refuse  record what GPC turned off
 * @property {() => Promise<object>} texts  the banner texts it carries (banner.json's shape)
 * @property {() => Promise<void>} declare  fill the page's cookie declaration placeholders
 */

/** @type {Array<(consent: PublicConsent) => void>} */
const listeners = [];
let chunk;
// Taken when this module is evaluated, before loader/main.js has guardNetwork wrap it.
const xhrOpen = XMLHttpRequest.prototype.open;

/**
 * banner.json for the visitor's place. A first visit of a site with `[jurisdictions]` needs it
 * before the banner paints (the regime decides dialog or notice): started here, beside the
 * banner file, it arrives with it, not one round trip after it (as when the chunk asked for it
 * once it had run; bench/README.md "The place's texts"). The chunk reuses the promise
 * (`_.placed`, src/banner/bundle.js): false or null when it failed, and the chunk then keeps
 * the strictest overlay. Asked once, by a page view that must ask the visitor (loader/main.js,
 * at its top); `_.placed` stays null on every other view, and a banner.js that finds it null
 * asks itself (reopening on a returning visit). The locale is one of the site's locale ids:
 * nothing to escape.
 */
export const placeRequest = () => api._.placed = new Promise((answer) => {
  // An XHR, not fetch: a page's first fetch() cost 1.2–3.9 ms more of the first visit's script
  // (bench/README.md). Its native open: the wrapped one would check the URL against every rule.
  const request = new XMLHttpRequest();
  xhrOpen.call(request, "GET", apiUrl(`banner.json?locale=${locale()}`));
  request.responseType = "json";
  request.onloadend = () => answer(request.status === 200 && request.response);
  request.send();
});

/**
 * @returns {Promise<BannerChunk>} the banner, fetched on the first call: one static file per
 * locale and version beside the loader, holding the banner code, its stylesheet and its texts
 */
export const bannerChunk = () => chunk ||= new Promise((resolve) => {
  api._ready = resolve;
  const script = createElement("script");
  // Our own chunk bypasses the blockers: it is no service's, and matching it would compile
  // every pattern (≈ 2 ms on a first visit) for nothing.
  script.cgOwn = 1; // interceptors.js lets it through
  nativeSetAttribute.call(script, "src", apiUrl(`banner.${rules.v}.${locale()}.js`));
  script.async = true;
  script.nonce = nonce;
  doc.head.append(script);
});

/**
 * Put a choice in force (the banner records it; this makes it take effect): tell the vendors,
 * run what is now granted, and tell the page.
 * @param {import("./storage.js").Choice | null} choice
 */
export const apply = (choice) => {
  setConsent(choice);
  const publicConsent = api.consent = choice && {
    id: choice.id || null,
    choices: { ...choice.choices },
    services: { ...choice.services },
    pending: !!choice.pending,
    method: choice.method || null,
  };
  sendUpdate(publicConsent);
  release();
  listeners.forEach((listener) => safeRun(() => listener(publicConsent)));
  doc.dispatchEvent(new CustomEvent(CHANGE_EVENT, { detail: publicConsent }));
};

/** window.cookiegate (loader/main.js publishes it). */
export const api = {
  /** @type {PublicConsent|null} */
  consent: null,
  rules,
  granted,
  /**
   * The visitor's regime ("opt_in", "opt_out", "notice") and jurisdiction ("DE", "US-CA",
   * "unknown"), set by the banner chunk once it knows the place (src/banner/regime.js); null
   * on a page view that did not load it (GET sites/SITE/jurisdiction answers then).
   * @type {string|null}
   */
  regime: null,
  /** @type {string|null} */
  jurisdiction: null,
  /** Reopen the preferences. */
  open: () => bannerChunk().then((ui) => ui.show("prefs")),
  /** Withdraw every optional consent: recorded, cookies deleted, tags kept from running. */
  withdraw: () => bannerChunk().then((ui) => ui.withdraw()),
  /** Call `listener` with the public consent whenever it changes ("change" only). */
  on: (type, listener) => {
    if (type === "change") listeners.push(listener);
  },
  // For banner.js only. Its member names are a contract: a loader cached by a browser may meet
  // a newer banner.js, so rename none of them.
  _: {
    api: apiUrl("consents"),
    attrs: cookieAttributes,
    apply,
    allowed,
    serviceOf,
    cookieService,
    urlOf,
    readToken,
    pending,
    setCookie,
    getCookies,
    // Kept for the contract (an older banner.js fetched them through it); the banner files
    // carry their texts now.
    texts: () => bannerChunk().then((ui) => ui.texts()),
    fetch: nativeFetch,
    // banner.json's promise, once placeRequest started it (a view that asks the visitor); a
    // banner.js that finds none asks for it itself.
    placed: null,
    consent: () => consent,
  },
};
