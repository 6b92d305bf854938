/**
 * The floating reopen control: a real button, named by its text in the page's language, that
 * reopens the preferences (the loader's click listener answers every REOPEN_ATTRIBUTE). The
 * loader draws it for a returning visitor, so that view fetches no banner file; the banner draws
 * it after a first choice, or when an older loader (which draws none) asks for it.
 *
 * Styled by a constructable stylesheet (`adoptedStyleSheets`): no inline style attribute and no
 * <style> element, so a strict Content-Security-Policy without `style-src 'unsafe-inline'`
 * allows it (CSP governs style elements and attributes, not constructed sheets).
 *
 * Its label comes from the banner file, which has the texts: the banner stores it in
 * localStorage, per locale, when the visitor chooses (`storeReopenLabel`), and the loader reads
 * it back (`drawReopen`) rather than carrying every locale's label on every page view. Not in
 * a cookie: that would travel with every request to the shop, and the consent cookie is the
 * server's signed token, no place for UI text. A view with none stored (storage cleared or
 * blocked, or a subdomain that shares the consent cookie but not the storage) uses the label of
 * the site's default locale.
 * @module shared/reopen
 */

import { REOPEN_ATTRIBUTE, REOPEN_CLASS, REOPEN_LABEL_KEY } from "./constants.js";

// A button keeps the browser's own colours (ButtonFace, ButtonText), which follow the
// visitor's light or dark scheme and forced colours: no palette to ship in every loader.
const STYLE = `.${REOPEN_CLASS}{position:fixed;z-index:2147483645;bottom:.75rem;`
  + "inset-inline-start:.75rem;padding:.375rem .75rem;font:.875rem system-ui,sans-serif;"
  + "color-scheme:light dark;border:1px solid;border-radius:1rem;cursor:pointer}"
  + ".cg-at-end{inset-inline:auto .75rem}";

/**
 * The page's reopen control: the one already drawn, else a new one at the end of the body.
 * @param {string} label  its text, e.g. "Cookie settings", in the page's language
 * @param {string|null} position  "end" puts it at the inline end (the loader tag's data-position)
 * @returns {HTMLButtonElement}
 */
export const reopenControl = (label, position) => {
  let button = document.querySelector("." + REOPEN_CLASS);
  if (!button) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLE);
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    button = document.createElement("button");
    button.type = "button";
    button.className = REOPEN_CLASS + (position === "end" ? " cg-at-end" : "");
    button.setAttribute(REOPEN_ATTRIBUTE, "");
    button.textContent = label;
    document.body.append(button);
  }
  return button;
};

/** Keep the reopen control's label of `locale` for the loader's later page views. */
export const storeReopenLabel = (locale, label) => {
  try {
    localStorage.setItem(REOPEN_LABEL_KEY + locale, label);
  } catch { /* storage blocked: the loader falls back to the default locale's label */ }
};

/**
 * Draw the page's reopen control with the label stored for `locale`, else `fallback`.
 * @param {string} locale  the page view's locale (loader/locale.js)
 * @param {string} fallback  the label in the site's default locale
 * @param {string|null} position  see reopenControl
 */
export const drawReopen = (locale, fallback, position) => {
  let label;
  try {
    label = localStorage.getItem(REOPEN_LABEL_KEY + locale);
  } catch { /* storage blocked */ }
  reopenControl(label || fallback, position);
};
