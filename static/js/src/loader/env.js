/**
 * What the loader takes from the page before it changes anything: its own script tag, and the
 * browser's own functions that it later wraps, so its own calls are never intercepted.
 * @module loader/env
 */

import { POSITION_ATTRIBUTE } from "../shared/constants.js";

export const win = window;
export const doc = document;

// The loader is a classic <script src> (never a module), so currentScript is always set.
const loaderScript = doc.currentScript;
/** The page's nonce, given to every script the loader inserts (strict CSP). */
export const nonce = loaderScript.nonce;
/** Where the reopen control goes: `<script src=…/loader.js data-position="end">`. */
export const position = loaderScript.getAttribute(POSITION_ATTRIBUTE);
/**
 * URL of a file next to the loader, e.g. "consents": the consent API and the banner files live
 * beside it, whether it is loader.js, its pinned loader.<version>.js or a copy on the shop's
 * own origin.
 */
export const apiUrl = (path) => new URL(path, loaderScript.src).href;

export const describe = Object.getOwnPropertyDescriptor;
export const define = Object.defineProperty;
export const elementProto = Element.prototype;
export const nativeSetAttribute = elementProto.setAttribute;
export const nativeFetch = win.fetch;
export const createElement = doc.createElement.bind(doc);
/** Array's forEach over a NodeList, HTMLCollection or NamedNodeMap. */
export const forEachNode = (list, fn) => [].forEach.call(list, fn);

const cookieDescriptor = describe(Document.prototype, "cookie");
export const getCookies = () => cookieDescriptor.get.call(doc);
export const setCookie = (cookie) => cookieDescriptor.set.call(doc, cookie);

/** `fn()`, or null if it throws (cookies, JSON, URLs and the page's listeners can). */
export const safeRun = (fn) => {
  try {
    return fn();
  } catch {
    return null;
  }
};
