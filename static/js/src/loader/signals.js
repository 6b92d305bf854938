/**
 * Vendor signals: every vendor with a consent API of its own (Google Consent Mode, Microsoft
 * UET and Clarity, Meta, TikTok …) is told "denied" before any tag runs, then the choice in
 * force whenever it changes. The calls are data (`rules.sig`, from each catalogue entry's
 * `[signals]` block, cookiegate/catalogue/signals.py documents the forms and placeholders);
 * this is the one routine that makes them.
 * @module loader/signals
 */

import { DATALAYER_EVENT, UPDATE_EVENT } from "../shared/constants.js";
import { allowed, granted } from "./checks.js";
import { define, win } from "./env.js";
import { rules } from "./rules.js";

/** Calls waiting for a vendor's snippet to define its function (form "call"), by global. */
const waiting = {};

/** `function` form of a vendor global, waiting calls made on its first read once defined. */
const whenDefined = (queue, call) => {
  const calls = waiting[queue] = [call];
  let value;
  define(win, queue, {
    configurable: true,
    get() {
      if (value) {
        define(win, queue, { value, writable: true, configurable: true, enumerable: true });
        delete waiting[queue];
        calls.forEach((c) => value(...c));
      }
      return value;
    },
    set: (fn) => (value = fn),
  });
};

/** Make one call the way the vendor's own snippet queues it. */
const send = (form, queue, call) => {
  const target = win[queue];
  if (form == "call") {
    if (waiting[queue]) waiting[queue].push(call);
    else if (target) target(...call);
    else whenDefined(queue, call);
    return;
  }
  const list = win[queue] ||= [];
  if (form == "gtag") list.push((function () { return arguments; })(...call));
  else if (typeof list[call[0]] == "function") list[call[0]](...call.slice(1));
  else list.push(call);
};

/**
 * A call with its placeholders filled: "@" is every Consent Mode signal the site's categories
 * carry, "@signal" that signal's state, "a|b" is a if the block's service may run, else b.
 */
const fill = (call, on, signals) => JSON.parse(JSON.stringify(call), (_, value) =>
  typeof value != "string" ? value
    : value == "@" ? signals
      : value[0] == "@" ? signals[value.slice(1)] || "denied"
        : value.includes("|") ? value.split("|")[on ? 0 : 1] : value);

/**
 * Every vendor's defaults (nothing granted), before any tag can run. The server filled their
 * placeholders (cookiegate/loader/signals.py `_as_denied`): they are the same on every view.
 */
export const sendDefaults = () => {
  win.dataLayer = win.dataLayer || [];
  rules.sig.forEach(([form, queue, , calls]) => calls.forEach((call) => send(form, queue, call)));
};

/**
 * Tell every vendor, and tag managers listening to the dataLayer, the choice now in force:
 * a Consent Mode signal is granted when any category that carries it is granted, or a Google
 * service that carries it is allowed on its own (`rules.gs`, a per-service switch).
 */
export const sendUpdate = (publicConsent) => {
  const signals = {};
  rules.cats.forEach((category) => (rules.signals[category] || []).forEach((signal) => {
    signals[signal] = signals[signal] === "granted" || granted(category) ? "granted" : "denied";
  }));
  (rules.gs || []).forEach(([service, list]) => allowed(service)
    && list.forEach((signal) => (signals[signal] = "granted")));
  rules.sig.forEach(([form, queue, service, , calls]) => calls.forEach((call) =>
    send(form, queue, fill(call, service < 0 || allowed(service), signals))));
  // One push of the two events (a tag manager's push takes any number, as Array's does).
  win.dataLayer.push({ event: DATALAYER_EVENT, cookiegate: publicConsent }, {
    event: UPDATE_EVENT,
    categories: rules.cats.filter(granted),
    services: rules.services.filter((_, index) => allowed(index)).map((service) => service.id),
  });
};
