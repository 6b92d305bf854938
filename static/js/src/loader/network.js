/**
 * The network guard: fetch, XMLHttpRequest, sendBeacon, WebSocket, EventSource and workers
 * to a blocked service are refused, and a refused service's cookie writes (document.cookie,
 * cookieStore) are dropped. Refused means failed the way the platform fails for a network
 * error, so a tag's own error handling runs; the same call made after a grant goes through.
 * @module loader/network
 */

import { allowed, cookieService, isBlocked } from "./checks.js";
import { define, nativeFetch, setCookie, win } from "./env.js";

/** May a cookie of this name be written? Deleting one always may. */
const mayWrite = (name, deleting) => {
  const service = cookieService(String(name).trim());
  return deleting || service < 0 || allowed(service);
};

/** Wrap fetch, XMLHttpRequest, sendBeacon, the URL constructors and the cookie writers. */
export const guardNetwork = () => {
  const request = XMLHttpRequest.prototype, open = request.open, send = request.send;
  const nav = navigator, sendBeacon = nav.sendBeacon, store = win.CookieStore?.prototype;
  const storeSet = store?.set;
  win.fetch = function (input) {
    const url = input?.url || String(input);
    return isBlocked(url)
      ? Promise.reject(new TypeError("cookiegate: blocked"))
      : nativeFetch.apply(win, arguments);
  };
  request.open = function (method, url) {
    this._cg = isBlocked(url); // send() fails it
    return open.apply(this, arguments);
  };
  // As the platform fails a request on a network error: readyState 4, then readystatechange,
  // error and loadend (https://xhr.spec.whatwg.org/#request-error-steps).
  request.send = function () {
    if (!this._cg) return send.apply(this, arguments);
    setTimeout(() => {
      define(this, "readyState", { value: 4, configurable: true });
      ["readystatechange", "error", "loadend"]
        .forEach((type, i) => this.dispatchEvent(new (i ? ProgressEvent : Event)(type)));
    });
  };
  if (sendBeacon) {
    nav.sendBeacon = (url, data) => !isBlocked(url) && sendBeacon.call(nav, url, data);
  }
  // One wrapper for the constructors that take a URL first: a blocked URL is swapped for a
  // dead one that fails at once without touching the network (a data: URL with no comma; port
  // 0, which browsers refuse), so the caller gets a real object that reports a network error:
  // a worker's error event, EventSource's error, WebSocket's error then close (1006).
  [["Worker", "data:"], ["SharedWorker", "data:"], ["EventSource", "data:"],
    ["WebSocket", "ws://0.0.0.0:0"]].forEach(([name, dead]) => {
    if (win[name]) {
      win[name] = new Proxy(win[name], {
        construct: (target, [url, ...rest], newTarget) =>
          Reflect.construct(target, [isBlocked(url) ? dead : url, ...rest], newTarget),
      });
    }
  });
  // A refused service's cookie write is dropped (deleting one always passes).
  define(Document.prototype, "cookie", { // keeps the getter and the flags
    set(value) {
      const cookie = String(value);
      if (mayWrite(cookie.split("=")[0],
        /;\s*max-age=\s*(-|0\b)|;\s*expires=[^;]*19[0-9]{2}/i.test(cookie))) setCookie(cookie);
    },
  });
  // cookieStore.set(name, value) or set({name, value, expires, …}): dropped the same way,
  // resolving as a write does; an `expires` in the past deletes, which passes
  // (https://developer.mozilla.org/en-US/docs/Web/API/CookieStore/set).
  if (storeSet) {
    store.set = function (name) {
      const cookie = typeof name == "object" ? name || {} : { name };
      return mayWrite(cookie.name, cookie.expires != null && cookie.expires < Date.now())
        ? storeSet.apply(this, arguments)
        : Promise.resolve();
    };
  }
};
