/**
 * Release: what is granted now runs, in document order, exactly once (yett's `unblock.js`).
 * @module loader/release
 */

import {
  CATEGORY_ATTRIBUTE, DEFERRED_SRC_ATTRIBUTE, HELD_SRC_ATTRIBUTE, INERT_SCRIPT_TYPE,
} from "../shared/constants.js";
import { mayRun, urlOf } from "./checks.js";
import { createElement, doc, forEachNode, nativeSetAttribute, nonce } from "./env.js";

const WAITING = `script[type='${INERT_SCRIPT_TYPE}'][${CATEGORY_ATTRIBUTE}],[${HELD_SRC_ATTRIBUTE}]`
  + `,iframe[${CATEGORY_ATTRIBUTE}][${DEFERRED_SRC_ATTRIBUTE}]`;

/** Each activation waits for the one before: scripts run in document order. */
let queue = Promise.resolve();

/** Run every waiting tag that may run now. */
export const release = () => {
  const ready = [].filter.call(doc.querySelectorAll(WAITING), mayRun);
  queue = ready.reduce((previous, el) => previous.then(() => activate(el)), queue);
};

/**
 * Load a held iframe or image in place; re-create a script (a held one cannot run again) with
 * its attributes and the page's nonce.
 * @returns {Promise<void>|undefined} settles when an external script has run (or failed)
 */
const activate = (el) => {
  if (!el.isConnected || el.cgDone) return;
  el.cgDone = 1; // activated: never twice
  const url = urlOf(el);
  if (el.tagName !== "SCRIPT") {
    el.removeAttribute(HELD_SRC_ATTRIBUTE);
    el.removeAttribute(DEFERRED_SRC_ATTRIBUTE);
    if (el.cgPh) { // its placeholder (interceptors.js)
      el.cgPh.remove();
      el.hidden = false;
    }
    el.src = url;
    return;
  }
  const script = createElement("script"), wait = url && !el.hasAttribute("async");
  forEachNode(el.attributes, (attribute) => {
    if (!["src", "nonce", HELD_SRC_ATTRIBUTE].includes(attribute.name)
      && attribute.value !== INERT_SCRIPT_TYPE) {
      nativeSetAttribute.call(script, attribute.name, attribute.value);
    }
  });
  script.nonce = nonce || el.nonce;
  if (!url) {
    script.text = el.text;
    el.replaceWith(script);
    return;
  }
  script.async = !wait; // a tag that was not async runs before the marked tags after it
  return new Promise((done) => {
    script.onload = script.onerror = done;
    script.src = url;
    el.replaceWith(script);
    setTimeout(done, wait ? 5e3 : 0); // a host that never answers must not hold up the rest
  });
};
