/**
 * The visitor's language among the site's locales, chosen in the browser so that the banner
 * file can be a static one per locale (no Accept-Language negotiation on the server). The same
 * rules as cookiegate.web.i18n `best_locale`: the page's <html lang>, then each of the browser's
 * languages in order; for each, the tag, then its shorter forms ("de-AT", "de"), then any locale
 * of the same language ("en-US" finds "en_GB"); else the site's default.
 * @module loader/locale
 */

import { doc } from "./env.js";
import { rules } from "./rules.js";

/** "en_GB" and "en-gb" alike, as "en-gb". */
const normal = (tag) => tag.toLowerCase().replace("_", "-");

const pick = (wanted, offered) => {
  for (let tag = normal(wanted); tag; tag = tag.replace(/-?[^-]*$/, "")) {
    const found = offered.find((locale) => normal(locale) === tag);
    if (found) return found;
  }
  return offered.find((locale) => normal(locale).split("-")[0] === normal(wanted).split("-")[0]);
};

let picked;
/**
 * The locale of this page view's banner and reopen control, picked on first use: a returning
 * visitor's page view that shows neither never needs it.
 */
export const locale = () => picked ||= [doc.documentElement.lang, ...navigator.languages]
  .reduce((found, wanted) => found || (wanted && pick(wanted, rules.l.split(" "))), "")
  || rules.d;
