/**
 * Release: what is granted now runs, in document order, exactly once (yett's `unblock.js`).
 * @module loader/release
 */

import {
  CATEGORY_ATTRIBUTE, DEFERRED_SRC_ATTRIBUTE, INERT_SCRIPT_TYPE,
} from "../shared/constants.js";
import { HELD_PREFIX, HELD_SELECTOR, URL_NAMES } from "./attributes.js";
import { mayRun, urlOf } from "./checks.js";
import { createElement, doc, forEachNode, nativeSetAttribute, nonce } from "./env.js";

const WAITING = `script[type='${INERT_SCRIPT_TYPE}'][${CATEGORY_ATTRIBUTE}],${HELD_SELECTOR}`
  + `,iframe[${CATEGORY_ATTRIBUTE}][${DEFERRED_SRC_ATTRIBUTE}]`;

/** Each activation waits for the one before: scripts run in document order. */
let queue = Promise.resolve();

/** Run every waiting tag that may run now. */
export const release = () => {
  const ready = [].filter.call(doc.querySelectorAll(WAITING), mayRun);
  queue = ready.reduce((previous, el) => previous.then(() => activate(el)), queue);
};

/**
 * Load a held element in place: each held attribute (attributes.js) gets its URL back, and a
 * media element whose <source> or <track> waited loads again. An iframe marked with data-src
 * gets it as its src.
 */
const restore = (el) => {
  const restored = URL_NAMES.filter((name) => {
    const url = el.getAttribute(HELD_PREFIX + name);
    if (url != null) {
      el.removeAttribute(HELD_PREFIX + name);
      nativeSetAttribute.call(el, name, url);
      return 1;
    }
  });
  // A link on the page fetches again when its href changes, not its imagesrcset.
  if (restored + "" == "imagesrcset") {
    nativeSetAttribute.call(el, "href", el.getAttribute("href") || "");
  }
  const deferred = el.getAttribute(DEFERRED_SRC_ATTRIBUTE);
  if (deferred) {
    el.removeAttribute(DEFERRED_SRC_ATTRIBUTE);
    el.src = deferred;
  }
  if (el.cgPh) { // its placeholder (interceptors.js)
    el.cgPh.remove();
    el.hidden = false;
  }
  // A media element does not look at a <source> again by itself (HTML "resource selection").
  if (el.localName == "source") el.parentNode.load?.();
};

/**
 * Restore a held element; re-create a script (a held one cannot run again) with its
 * attributes, the held ones under their own names again (data-cg-src -> src, and the gate's
 * data-cg-type="module" -> type), and the page's nonce.
 * @returns {Promise<void>|undefined} settles when an external script has run (or failed)
 */
const activate = (el) => {
  if (!el.isConnected || el.cgDone) return;
  el.cgDone = 1; // activated: never twice
  if (el.localName != "script") return restore(el);
  const url = urlOf(el), script = createElement("script");
  const wait = url && !el.hasAttribute("async");
  forEachNode(el.attributes, ({ name, value }) => {
    name = name.replace(HELD_PREFIX, "");
    if (!["src", "href", "nonce"].includes(name) && value !== INERT_SCRIPT_TYPE) {
      nativeSetAttribute.call(script, name, value);
    }
  });
  script.nonce = nonce || el.nonce;
  if (!url) {
    script.text = el.text;
    el.replaceWith(script);
    return;
  }
  script.async = !wait; // a tag that was not async runs before the marked tags after it
  // A snippet that starts its library from the element's onload (Microsoft UET's) keeps it;
  // listeners added with addEventListener cannot be read back, and stay with the held element.
  for (const handler of ["onload", "onerror", "onreadystatechange"]) script[handler] = el[handler];
  return new Promise((done) => {
    script.addEventListener("load", done);
    script.addEventListener("error", done);
    script.src = url;
    el.replaceWith(script);
    setTimeout(done, wait ? 5e3 : 0); // a host that never answers must not hold up the rest
  });
};
