/**
 * What the banner shows and how it looks. A banner file (banner.<version>.<locale>.js, the one
 * file the loader fetches) carries its texts, its stylesheet and its purge lists inline; the
 * server writes them where the built banner.js says `/*@bundle@*\/null`. The bare banner.js
 * keeps `null` there: an older loader fetches it together with banner.json and banner.css, and
 * gets the texts through `loader.texts`.
 * @module banner/bundle
 */

import { loader } from "./context.js";

/**
 * @type {{css: string, texts: import("./view.js").BannerBundle,
 *   purge?: Object<string, {storage: string[], indexeddb: string[]}>} | null}
 */
const inline = __COOKIEGATE_BUNDLE__;

/**
 * Per service id, the storage keys and IndexedDB databases purge.js deletes when it is refused
 * (globs, as the site config writes them); none in a bare banner.js or an older banner file.
 */
export const purgeLists = inline?.purge || {};

let placed;
/**
 * How long a first visit waits for the place before showing the strictest overlay: the page
 * never waits on the consent server for long, and waiting less never weakens the regime.
 */
const PLACE_WAIT_MS = 3000;

/**
 * The texts for where the visitor is. A banner file is static, so for a site with
 * `[jurisdictions]` it carries the strictest overlay (its texts have a `regime`); the
 * visitor's own overlay (regime, notice texts, UK exception, and the shown hash the server
 * expects for that place) comes from banner.json, which the server answers per place (one more
 * request, on a first visit of such a site only; the loader starts it beside the banner file,
 * loader/api.js `placeRequest`, and this reuses it). If that fails or takes longer than
 * PLACE_WAIT_MS, the strictest stays: never a weaker regime by accident.
 */
const placedTexts = () => placed ||= new Promise((resolve) => {
  // The first to come wins; the timer is cleared once the place is known, so a first visit
  // leaves no timer behind to wake the page up later.
  const strictest = setTimeout(resolve, PLACE_WAIT_MS, inline.texts);
  (loader.placed || request())
    .then((bundle) => (bundle && bundle.regime ? bundle : inline.texts), () => inline.texts)
    .then((found) => {
      clearTimeout(strictest);
      resolve(found);
    });
});

/** banner.json asked for here: a loader that did not start it (an older one, or reopening). */
const request = () => loader.fetch.call(window,
  new URL("banner.json?locale=" + encodeURIComponent(inline.texts.locale), loader.api).href)
  .then((response) => (response.ok ? response.json() : null));

/** @returns {Promise<import("./view.js").BannerBundle>} the texts, in the visitor's language */
export const texts = () => !inline ? loader.texts()
  : inline.texts.regime ? placedTexts() : Promise.resolve(inline.texts);

let styled = false;

/**
 * Apply the inline stylesheet once, as a constructable stylesheet: no <style> element, so a
 * strict Content-Security-Policy needs no `style-src 'unsafe-inline'`.
 */
export const applyStyles = () => {
  if (!inline || styled) return;
  styled = true;
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(inline.css);
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
};
