/**
 * cookiegate's IAB GPP CMP API: `window.__gpp` for the page's ad partners, with the MSPA US
 * National section ("usnat") encoded from the same decision the loader puts in force, Global
 * Privacy Control included. The commands, PingReturn, events and stub queue follow the CMP API
 * Specification v1.1 (https://github.com/InteractiveAdvertisingBureau/Global-Privacy-Platform/blob/main/Core/CMP%20API%20Specification.md).
 *
 * Built to static/js/gpp.js and published as gpp.<version>.js. The loader of a site with an
 * opt_out overlay in [jurisdictions] or a [gpp] table (cookiegate/siteconfig/gpp.py) carries only
 * the specification's stub (src/gppstub/), which fetches this file on the first call or for an
 * opt_out visitor; every other site's loader stays as it was. `window.cookiegate` is there by
 * then; its rules carry `gpp` (the site's MSPA fields) and `gpc` (the categories sale and
 * sharing serve).
 *
 * usnat applies (applicableSections [7]) when the visitor is under the opt_out regime;
 * elsewhere no section does ([-1]) and the string has none. The regime is read once, when a
 * caller first uses the API, so a page without GPP callers makes no request for it.
 * @module gpp/main
 */

import { header } from "./encode.js";
import { USNAT, USNAT_ID, encodeUsnat, usnatSection } from "./usnat.js";

const win = window;
const cookiegate = win.cookiegate;
/** "For CMPs that are not registered, a value of 1 must be used" (CMP API, "What is CMP ID?"). */
const CMP_ID = 1;
const stub = typeof win.__gpp == "function" ? win.__gpp : null;
/**
 * The calls a stub queued before this script ran (the specification's stub keeps them in
 * __gpp.queue; some stubs use window.__gppQueue): answered in order once the section is
 * ready, since their callers could not be answered at the time.
 */
const queued = [...(stub?.queue || []), ...(win.__gppQueue || [])];

/** @type {Array<{id: number, callback: Function}>} */
const listeners = [];
let lastId = 0, regimeAsked, regime;
/** Everything of PingReturn but parsedSections, which is `sections`. */
const state = {
  gppVersion: "1.1",
  cmpStatus: "loading",
  cmpDisplayStatus: "hidden",
  signalStatus: "not ready",
  supportedAPIs: [`${USNAT_ID}:${USNAT}`],
  cmpId: CMP_ID,
  sectionList: [],
  applicableSections: [0],
  gppString: "",
};
let sections = {};

/** A copy callers may change without changing what the next caller gets. */
const copy = (value) => value == null ? null : JSON.parse(JSON.stringify(value));
const pingData = () => ({ ...copy(state), parsedSections: copy(sections) });
const safeCall = (fn, ...args) => {
  try {
    fn(...args);
  } catch {
    // A caller's own error must not stop the others.
  }
};

const fire = (eventName, data) => listeners.slice().forEach((listener) => safeCall(
  listener.callback, { eventName, listenerId: listener.id, data, pingData: pingData() }, true));

/**
 * The visitor's regime: window.cookiegate's once the loader exposes it, else this visitor's
 * answer of the site's jurisdiction lookup (GET …/jurisdiction, beside the consent API).
 * @returns {Promise<string>}
 */
const readRegime = () => typeof cookiegate.regime == "string"
  ? Promise.resolve(cookiegate.regime)
  : cookiegate._.fetch.call(win, new URL("jurisdiction", cookiegate._.api), {
    credentials: "omit",
  }).then((answer) => answer.json()).then((body) => body.regime);

/**
 * Encode the decision in force and tell the listeners, in the order the specification asks:
 * signalStatus "not ready" first (unless it is already), cmpStatus on the first run, then
 * sectionChange, then signalStatus "ready". Nothing when the string has not changed (the
 * loader applies a choice twice: at once, then once recorded).
 */
const update = () => {
  const applies = regime === "opt_out";
  const section = applies &&
    usnatSection(cookiegate.rules.gpp, cookiegate.rules.gpc, cookiegate.consent,
      !!navigator.globalPrivacyControl);
  const gppString = applies ? `${header([USNAT_ID])}~${encodeUsnat(section)}` : header([]);
  if (gppString === state.gppString) return;
  const first = state.cmpStatus !== "loaded";
  if (!first) {
    state.signalStatus = "not ready";
    fire("signalStatus", state.signalStatus);
  }
  Object.assign(state, {
    gppString,
    sectionList: applies ? [USNAT_ID] : [],
    applicableSections: applies ? [USNAT_ID] : [-1],
    cmpStatus: "loaded",
  });
  sections = applies ? { [USNAT]: section } : {};
  if (first) fire("cmpStatus", "loaded");
  if (applies) fire("sectionChange", USNAT);
  state.signalStatus = "ready";
  fire("signalStatus", state.signalStatus);
};

/**
 * Read the regime (once), answer the stub's queue, then keep the string in step with every
 * change of the decision.
 */
const start = () => {
  if (regimeAsked) return;
  regimeAsked = 1;
  readRegime().catch(() => "").then((found) => {
    // No answer (the consent server is away): no section is said to apply.
    regime = found;
    update();
    cookiegate.on("change", update);
    queued.splice(0).forEach((args) => gpp(...args));
  });
};

/** The section, or one field of it ("usnat.SaleOptOut"); null when it has none. */
const field = (path) => {
  const [prefix, name] = String(path).split(".");
  const holder = (sections[prefix] || []).find((segment) => name in segment);
  return holder ? copy(holder[name]) : null;
};

const loaded = () => state.cmpStatus === "loaded";

/** The generic commands; each calls back at once (data null while the CMP is loading). */
const commands = {
  ping: (callback) => callback(pingData(), true),
  addEventListener: (callback) => {
    const id = ++lastId;
    listeners.push({ id, callback });
    callback({ eventName: "listenerRegistered", listenerId: id, data: true,
      pingData: pingData() }, true);
  },
  removeEventListener: (callback, id) => {
    const at = listeners.findIndex((listener) => listener.id === Number(id));
    if (at >= 0) listeners.splice(at, 1);
    callback(at >= 0, true);
  },
  hasSection: (callback, prefix) => callback(loaded() ? prefix in sections : null, true),
  getSection: (callback, prefix) => callback(loaded() ? copy(sections[prefix]) : null, true),
  getField: (callback, path) => callback(loaded() ? field(path) : null, true),
};

/** window.__gpp(command, callback, parameter, version): no return value (API v1.1). */
const gpp = (command, callback, parameter) => {
  if (typeof callback != "function") return;
  start();
  const run = Object.hasOwn(commands, command) && commands[command];
  if (run) safeCall(run, callback, parameter);
  else safeCall(callback, null, false);
};

// Take over from the stub that fetched this file (the loader's, src/gppstub/, or the page's own):
// its listeners keep their ids, and its queued calls are answered once the section is ready.
// The stub answers frames (postMessage, the __gppLocator frame) through window.__gpp: now this.
(stub?.events || []).forEach((event) => {
  listeners.push({ id: event.id, callback: event.callback });
  lastId = Math.max(lastId, event.id);
});
lastId = Math.max(lastId, Number(stub?.lastId) || 0);
win.__gpp = gpp;
if (listeners.length || queued.length) start();
