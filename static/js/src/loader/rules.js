/**
 * The site's blocking rules, inlined into the loader by the server, so a returning visitor's
 * page makes one request for them (cookiegate/loader.py `loader_rules` builds them).
 * @module loader/rules
 */

/**
 * @typedef {object} Rules
 * @property {string} site  the site's id; a token for another site counts as no consent
 * @property {number} rev  the config revision; a choice given for another counts as none
 * @property {string} cookie  name of the consent cookie, which holds the signed token
 * @property {string} domain  the cookie domain; "" means host-only
 * @property {number} days  consent lifetime, in days
 * @property {string[]} cats  every category id, in display order
 * @property {string[]} locked  categories that always run (necessary)
 * @property {string[]} gpc  categories that Global Privacy Control refuses
 * @property {string[]} uk  services that run without consent until the visitor objects (the
 *   UK statistics exception); absent from rules cached before the exception existed
 * @property {Object<string, string[]>} signals  Consent Mode signals per category
 * @property {Service[]} services  the site's services; patterns point into this list
 * @property {Array<[string, number]>} patterns  [regex over "host[:port]/path?query", service
 *   index], most specific first: the first match decides
 * @property {string} ui  path of banner.js on the loader's origin (versioned)
 * @property {string} css  path of banner.css on the loader's origin (versioned)
 */

/**
 * @typedef {object} Service
 * @property {string} id
 * @property {string} cat  its category
 * @property {string[]} cookies  regexes over the names of the cookies it sets
 */

// static/build.sh swaps this free name for the placeholder /*@rules@*/{} in the built loader,
// and the server (cookiegate/loader.py build_payload) swaps that for the site's rules as JSON.
/** @type {Rules} */
export const rules = __COOKIEGATE_RULES__;
