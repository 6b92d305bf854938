/**
 * What the loader takes from the page before it changes anything: its own script tag, and the
 * browser's own functions that it later wraps, so its own calls are never intercepted.
 * @module loader/env
 */

export const win = window;
export const doc = document;

// The loader is a classic <script src> (never a module), so currentScript is always set.
const loaderScript = doc.currentScript;
/** The page's nonce, given to every script the loader inserts (strict CSP). */
export const nonce = loaderScript.nonce;
/** The loader's own URL: the consent API and the banner chunk live next to it. */
const loaderUrl = loaderScript.src;
export const loaderOrigin = new URL(loaderUrl).origin;
/** URL of an API resource next to loader.js, e.g. "consents". */
export const apiUrl = (path) => loaderUrl.replace(/loader\.js.*$/, path);

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
