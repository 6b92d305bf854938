/**
 * Checks over the rules and the choice in force (which is kept here): which service a URL or a
 * cookie belongs to, and whether it may run (yett's `checks.js`).
 * @module loader/checks
 */

import {
  CATEGORY_ATTRIBUTE, DEFERRED_SRC_ATTRIBUTE, SERVICE_ATTRIBUTE,
} from "../shared/constants.js";
import { HELD_PREFIX, URL_NAMES } from "./attributes.js";
import { doc, safeRun } from "./env.js";
import { rules } from "./rules.js";

/** @type {import("./storage.js").Choice | null} the choice in force; null until there is one */
export let consent = null;
/** Only `apply` (loader/api.js) calls this. */
export const setConsent = (choice) => {
  consent = choice;
};

// Compiled on first use: a page that inserts no tag and writes no cookie never pays for them.
let urlPatterns, cookiePatterns;

/** Index of the service a URL belongs to, or -1; the first (most specific) pattern wins. */
export const serviceOf = (url) => {
  const parsed = safeRun(() => new URL(url, doc.baseURI));
  // ws: and wss: too: a WebSocket to a service's host is that service's (network.js).
  const key = parsed && /^(http|ws)s?:$/.test(parsed.protocol)
    && parsed.host + parsed.pathname + parsed.search;
  const hit = key && (urlPatterns ||= rules.patterns.map(
    ([source, service]) => [new RegExp(source), service],
  )).find(([pattern]) => pattern.test(key));
  return hit ? hit[1] : -1;
};

/** Is this category granted? Locked ones always are. */
export const granted = (category) =>
  rules.locked.includes(category) || !!consent?.choices[category];

/**
 * May service `index` run? A service's own choice beats its category's; locked categories
 * always run; an exempt service (UK statistics) runs until the visitor objects.
 */
export const allowed = (index) => {
  const service = rules.services[index], own = consent?.services;
  return rules.locked.includes(service.cat) || (own && service.id in own
    ? !!own[service.id]
    : rules.uk.includes(service.id) || granted(service.cat));
};

/**
/**
 * May service `index`'s tags load? When allowed, or when the site lets them load before a
 * choice (`rules.pre`: Google tags in advanced Consent Mode, a tag manager's container). Its
 * cookies still wait for `allowed`.
 */
const loads = (index) => allowed(index) || rules.pre.includes(index);

/**
 * Index of the first service a URL or a list of URLs (srcset, ping: URLs between spaces and
 * commas, with descriptors that read as relative URLs) belongs to, or -1.
 */
export const serviceIn = (value) => {
  for (const url of String(value).split(/[\s,]+/)) {
    const index = serviceOf(url);
    if (index >= 0) return index;
  }
  return -1;
};

/** Does the URL (or any URL of a list) belong to a service that is blocked now? */
export const isBlocked = (value) => {
  const index = serviceIn(value);
  return index >= 0 && !loads(index);
};

/** Index of the service that sets a cookie of this name, or -1. */
export const cookieService = (name) =>
  (cookiePatterns ||= rules.services.map((service) => service.cookies.map((c) => new RegExp(c))))
    .findIndex((patterns) => patterns.some((pattern) => pattern.test(name)));

/** The URL (or URL list) a tag loads, or will load once allowed: its held one first. */
export const urlOf = (el) => URL_NAMES.map((name) => el.getAttribute(HELD_PREFIX + name))
  .find(Boolean) || el.getAttribute(DEFERRED_SRC_ATTRIBUTE) || el.getAttribute("src") || "";

/**
 * May this held or explicitly marked element run now? A service named on the tag
 * (SERVICE_ATTRIBUTE) decides alone; else a choice about its URL's service (or the service's
 * exemption) beats the category written on the tag; without either, its URL's service's.
 */
export const mayRun = (el) => {
  const category = el.getAttribute(CATEGORY_ATTRIBUTE), named = el.getAttribute(SERVICE_ATTRIBUTE);
  if (named) {
    const own = rules.services.findIndex((service) => service.id == named);
    return own >= 0 && allowed(own);
  }
  const index = serviceIn(urlOf(el)), service = rules.services[index];
  return service && (service.id in (consent?.services || {}) || rules.uk.includes(service.id))
    ? allowed(index)
    : category ? granted(category) : index >= 0 && loads(index);
};
