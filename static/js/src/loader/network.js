/**
 * The network guard: fetch, XMLHttpRequest and sendBeacon to a blocked service are refused,
 * and a refused service's cookie writes are dropped.
 * @module loader/network
 */

import { allowed, cookieService, isBlocked } from "./checks.js";
import { define, nativeFetch, setCookie, win } from "./env.js";

/** Wrap fetch, XMLHttpRequest, sendBeacon and document.cookie. */
export const guardNetwork = () => {
  const request = XMLHttpRequest.prototype, open = request.open, send = request.send;
  const nav = navigator, sendBeacon = nav.sendBeacon;
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
  request.send = function () {
    if (!this._cg) return send.apply(this, arguments);
    setTimeout(() => this.dispatchEvent(new Event("error")));
  };
  if (sendBeacon) {
    nav.sendBeacon = (url, data) => !isBlocked(url) && sendBeacon.call(nav, url, data);
  }
  // A refused service's cookie write is dropped (deleting one always passes).
  define(Document.prototype, "cookie", { // keeps the getter and the flags
    set(value) {
      const cookie = String(value), service = cookieService(cookie.split("=")[0].trim());
      if (service < 0 || allowed(service)
        || /;\s*max-age=\s*(-|0\b)|;\s*expires=[^;]*19[0-9]{2}/i.test(cookie)) setCookie(cookie);
    },
  });
};
