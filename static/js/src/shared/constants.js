/**
 * Every name the loader and the banner share with the page, the stylesheet, the server or each
 * other: attributes, classes, events and cookies. One module, so that the two bundles cannot
 * drift apart (cookieconsent's `src/utils/constants.js`).
 *
 * Not here: the marks the loader leaves on its own objects (`cgOwn` on its banner script,
 * `cgDone` on an activated tag, `cgPh` on a blocked embed for its placeholder, `_cg` on a
 * blocked XMLHttpRequest; the banner's `cgOff` on a switch GPC keeps off). Each is read only
 * inside its own bundle, never by the page or the other bundle, and as plain properties they
 * cost the served loader fewer bytes.
 * @module shared/constants
 */

// ---- names the loader uses (the banner uses some of them too)

/** The category a marked tag waits for: `<script type="text/plain" data-category=…>`. */
export const CATEGORY_ATTRIBUTE = "data-category";
/**
 * The service a marked tag belongs to, for a tag whose URL names none (an inline base code):
 * `data-category="advertising" data-service="meta-pixel"` runs when that service may run, so a
 * per-service grant releases it, and not when only another service of its category is granted.
 */
export const SERVICE_ATTRIBUTE = "data-service";
/** Where a marked iframe keeps its URL until its category is granted. */
export const DEFERRED_SRC_ATTRIBUTE = "data-src";
/** The script type that keeps a marked script from running. */
export const INERT_SCRIPT_TYPE = "text/plain";
/** Any element with it reopens the preferences when clicked. */
export const REOPEN_ATTRIBUTE = "data-cookiegate-open";
/** An element the loader fills with the site's cookie declaration (its published fragment). */
export const DECLARATION_ATTRIBUTE = "data-cookiegate-declaration";
/** The floating reopen control (shared/reopen.js draws it, loader or banner). */
export const REOPEN_CLASS = "cg-reopen";
/**
 * Written by the loader (and the gate, cookiegate/gate/tags.py): data-cg-<attribute> holds the
 * URL of a tag it stopped (data-cg-src, data-cg-srcset …), until the tag may load.
 */
export const HELD_PREFIX = "data-cg-";
/** The box that stands in for a blocked embed (static/css/banner.css). */
export const PLACEHOLDER_CLASS = "cg-ph";
/** Dispatched on `document` when the choice in force changes; `detail` is the public consent. */
export const CHANGE_EVENT = "cookiegate:change";
/** Pushed to the dataLayer with the public consent, for Google Tag Manager triggers. */
export const DATALAYER_EVENT = "cookiegate_consent";
/**
 * Pushed to the dataLayer on every change with `categories` and `services`: the ids granted,
 * for Google Tag Manager triggers ("categories contains analytics").
 */
export const UPDATE_EVENT = "cookiegate_consent_update";
/** Appended to the site's consent cookie name: a choice the server has not acknowledged yet. */
export const PENDING_COOKIE_SUFFIX = "_pending";

/**
 * localStorage key prefix of the reopen control's label, per locale ("cookiegate.reopen.de"):
 * the banner stores it when the visitor chooses, the loader reads it to draw the control.
 */
export const REOPEN_LABEL_KEY = "cookiegate.reopen.";

/** On the loader's own script tag: "end" puts the reopen control at the inline end. */
export const POSITION_ATTRIBUTE = "data-position";

// ---- names only the banner uses

/** What a banner button does: "accept", "reject", "prefs", "save", "back", "object", "allow". */
export const ACTION_ATTRIBUTE = "data-cg-action";
/** The banner's root element (static/css/banner.css; the accessibility audit looks for it). */
export const ROOT_CLASS = "cg-root";
