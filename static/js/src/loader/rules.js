/**
 * The site's blocking rules, inlined into the loader by the server, so a returning visitor's
 * page makes one request for them (cookiegate/loader/payload.py `loader_rules` builds them).
 *
 * They arrive compact (services and patterns as plain strings, as the site config writes them)
 * and are decoded here, once, on first use, into the shape below, which the banner also reads through
 * `window.cookiegate.rules`. The decoder compiles patterns to the very regex sources
 * `cookiegate.core.patterns` makes (e2e/test_blocking.py compares them).
 * @module loader/rules
 */

import { globRegex } from "../shared/glob.js";

/**
 * @typedef {object} Rules
 * @property {string} site  the site's id; a token for another site counts as no consent
 * @property {number} rev  the config revision; a choice given for another counts as none,
 *   but for a refusal whose purposes hash is `ph` (loader/storage.js decodeToken)
 * @property {string} ph  the purposes hash (cookiegate/siteconfig/purposes.py): categories,
 *   services and vendors the visitor chooses about, not the wording
 * @property {string} cookie  name of the consent cookie, which holds the signed token
 * @property {string} domain  the cookie domain; "" means host-only
 * @property {string[]} cats  every category id, in display order
 * @property {string[]} locked  categories that always run (necessary)
 * @property {string[]} gpc  categories that Global Privacy Control refuses
 * @property {string[]} uk  services that run without consent until the visitor objects (the
 *   UK statistics exception); absent from rules cached before the exception existed
 * @property {string[]} [ukt]  a site with `[jurisdictions]`: the UK exception's services, added
 *   to `uk` for a returning visitor whose token was given under an overlay that uses it
 * @property {Object<string, string[]>} signals  Consent Mode signals per category
 * @property {Array<[string, string, number, Array<Array<*>>, Array<Array<*>>]>} sig  each
 *   vendor's consent calls: [form, global, service index (-1: none), defaults, updates]
 *   (cookiegate/catalogue/signals.py; loader/signals.js makes them)
 * @property {Array<[number, string[]]>} gs  Google services and the Consent Mode signals each
 *   grants when allowed on its own (cookiegate/loader/signals.py `consent_mode_services`)
 * @property {number[]} pre  services whose tags load before consent (Google tags in advanced
 *   Consent Mode, a tag manager's container); their cookies still wait
 * @property {Service[]} services  the site's services; patterns point into this list (decoded
 *   from `svc`: "id:category index:cookie name:…" per service)
 * @property {Array<[string, number]>} patterns  [regex over "host[:port]/path?query", service
 *   index], most specific first: the first match decides (decoded from `pat`: "host/path index")
 * @property {string} l  the site's locales, in config order, space-separated
 * @property {string} d  the default locale
 * @property {string} r  the reopen control's label in the default locale, for a view where the
 *   banner stored none in the visitor's language (shared/reopen.js)
 * @property {string} v  version of the banner files: banner.<v>.<locale>.js beside the loader
 */

/**
 * @typedef {object} Service
 * @property {string} id
 * @property {string} cat  its category
 * @property {string[]} cookies  regexes over the names of the cookies it sets
 */

// static/build.sh swaps this free name for the placeholder /*@rules@*/{} in the built loader,
// and the server (cookiegate/loader/payload.py build_payload) swaps that for the site's rules.
/** @type {Rules} */
export const rules = __COOKIEGATE_RULES__;

/**
 * `rules[name]`, decoded by `decode` on first read and kept: a returning visitor's page view
 * that inserts no tag, writes no cookie and sends no GPC never decodes them.
 */
const lazy = (name, decode) => Object.defineProperty(rules, name, {
  get: () => Object.defineProperty(rules, name, { value: decode(), enumerable: true })[name],
  enumerable: true,
  configurable: true,
});

lazy("services", () => rules.svc.map((entry) => {
  const [id, category, ...cookies] = entry.split(":");
  return { id, cat: rules.cats[category], cookies: cookies.map((name) => `^${globRegex(name)}$`) };
}));
lazy("patterns", () => rules.pat.map((entry) => {
  const [pattern, service] = entry.split(" "), slash = pattern.indexOf("/");
  return [
    "^(?:[^/?#@]*\\.)?" + globRegex(slash < 0 ? pattern : pattern.slice(0, slash))
      + "(?::\\d+)?" + (slash < 0 ? "(?:[/?#]|$)" : globRegex(pattern.slice(slash))),
    +service,
  ];
}));
