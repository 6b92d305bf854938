/**
 * The IAB GPP CMP API's stub (CMP API Specification v1.1, "How does the CMP provide the API?"
 * and its example stub code:
 * https://github.com/InteractiveAdvertisingBureau/Global-Privacy-Platform/blob/main/Core/CMP%20API%20Specification.md):
 * a synchronous `window.__gpp` that answers `ping` and `addEventListener` at once (the
 * specification wants those immediate), queues every other call in `__gpp.queue`, keeps the
 * listeners in `__gpp.events`, answers frames' `__gppCall` messages through `window.__gpp`, and
 * adds the `__gppLocator` frame where a frame can use it.
 *
 * The full API (static/js/gpp.js, ≈ 2 kB gzip) is fetched only when something needs it: the
 * first call (from the page or a frame), or a visitor found under the opt_out regime. Every
 * other page view of a GPP site pays for this stub alone. gpp.js takes over the queue (answered
 * in order once its section is ready), the listeners and their ids (src/gpp/main.js).
 *
 * Appended by the server after the loader for a site with an opt_out overlay or [gpp]
 * (cookiegate/web/published.py); `cookiegate.rules.gf` names the content-hashed gpp file beside
 * the loader, cached for a year like the banner files.
 * @module gppstub/main
 */

const win = window;
const doc = document;
const cookiegate = win.cookiegate;
/** The loader's own tag (this file runs as its tail): its nonce lets gpp.js past a strict CSP. */
const nonce = doc.currentScript?.nonce;
let asked;

/**
 * The `__gppLocator` frame, by which frames find this window. Inserting a frame costs Chromium
 * a browsing context, about 7 ms of main thread (bench/README.md), on every view: it is added
 * only where something can use it, a page with a frame when parsed, or one where GPP is in
 * use (a caller, an opt_out visitor), whose ad code puts up its frames then.
 */
const addLocator = () => {
  if (win.frames.__gppLocator) return;
  const frame = doc.createElement("iframe");
  frame.name = "__gppLocator";
  frame.hidden = true;
  doc.body.append(frame);
};
const whenParsed = (fn) => doc.readyState == "loading"
  ? doc.addEventListener("DOMContentLoaded", fn) : fn();

/** Add gpp.js once, as the loader adds its banner chunk (past the blockers, with the nonce). */
const load = () => {
  if (asked) return;
  asked = 1;
  whenParsed(addLocator);
  const script = doc.createElement("script");
  script.cgOwn = 1; // our own file: src/loader/interceptors.js lets it through
  script.nonce = nonce;
  script.src = new URL(`gpp.${cookiegate.rules.gf}.js`, cookiegate._.api).href;
  script.async = true;
  doc.head.append(script);
};

const stub = (...args) => {
  const [command, callback] = args;
  if (typeof callback != "function") return;
  load();
  const pingData = { gppVersion: "1.1", cmpStatus: "stub", cmpDisplayStatus: "hidden",
    signalStatus: "not ready", supportedAPIs: [], cmpId: 0, sectionList: [],
    applicableSections: [0], gppString: "" };
  if (command == "ping") callback(pingData, true);
  else if (command == "addEventListener") {
    const listenerId = stub.lastId = (stub.lastId || 0) + 1;
    stub.events.push({ id: listenerId, callback });
    callback({ eventName: "listenerRegistered", listenerId, data: true, pingData }, true);
  } else stub.queue.push(args);
};
stub.queue = [];
stub.events = [];

if (typeof win.__gpp == "function") {
  // The page has a stub of its own, which may hold calls already: the full API now.
  load();
} else {
  win.__gpp = stub;
  // Frames' calls (the specification's postMessage protocol), answered by whichever __gpp is
  // in place, this stub or gpp.js.
  win.addEventListener("message", (event) => {
    let message = event.data;
    const text = typeof message == "string";
    try {
      if (text) message = JSON.parse(message);
    } catch {
      return;
    }
    const call = message && message.__gppCall;
    if (call) win.__gpp(call.command, (returnValue, success) => {
      const answer = { __gppReturn: { returnValue, success, callId: call.callId } };
      event.source?.postMessage(text ? JSON.stringify(answer) : answer, "*");
    }, call.parameter);
  });
  whenParsed(() => doc.querySelector("iframe") && addLocator());
}
// A visitor under opt_out has a usnat section to give: the API then, whoever asks.
const check = () => cookiegate.regime == "opt_out" && load();
check();
cookiegate.on("change", check);
