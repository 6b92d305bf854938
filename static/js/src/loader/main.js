/**
 * cookiegate loader: Consent Mode defaults, tag blocking, the stored choice, window.cookiegate.
 *
 * It runs first and synchronously on every page view, so it holds only what must run before
 * any tag: the blockers, the cookie reader and release. Everything needed only once a visitor
 * acts (the banner, recording a choice, deleting cookies, embed placeholders' texts) is in the
 * banner chunk (src/banner/), fetched on demand. The entry point of static/js/loader.js: edit
 * the modules here, then run static/build.sh.
 * @module loader/main
 */

// The rules first: the built loader then starts with them, and the code after them compresses
// better (it repeats their names, such as the Consent Mode signals).
import { rules } from "./rules.js";
import { DECLARATION_ATTRIBUTE, REOPEN_ATTRIBUTE } from "../shared/constants.js";
import { gpcSignal, refuseUnderGpc } from "../shared/gpc.js";
import { drawReopen } from "../shared/reopen.js";
import { api, apply, bannerChunk, placeRequest } from "./api.js";
import { consent } from "./checks.js";
import { clean, cleanAdded, guardCss } from "./css.js";
import { doc, forEachNode, getCookies, position, win } from "./env.js";
import { holdAdded, intercept } from "./interceptors.js";
import { locale } from "./locale.js";
import { guardNetwork } from "./network.js";
import { release } from "./release.js";
import { sendDefaults } from "./signals.js";
import { decodeToken, pending, readToken } from "./storage.js";

// One read of document.cookie (a synchronous trip to the browser) for the whole start, and the
// choice it holds: a pending choice (not recorded yet) wins, then a valid token. With neither
// the visitor must be asked: the banner file (and, for a site with [jurisdictions], `j`, the
// place's texts) is asked for now, before the guards below are set up, which is most of the
// loader's evaluation: the requests go out that much earlier (bench/README.md "The place's
// texts"). Our own script is inserted before the guards see it.
const cookies = getCookies();
const pendingChoice = pending.get(cookies), tokenChoice = decodeToken(readToken(cookies));
const stored = pendingChoice?.rev === rules.rev ? pendingChoice : tokenChoice;
if (!stored) {
  if (rules.j) placeRequest();
  bannerChunk();
}

// Before any tag: Consent Mode defaults, then the blockers (interceptors, then the CSS guard,
// which wraps their setAttribute, network guard).
sendDefaults();
intercept();
guardCss();
guardNetwork();
// One observer for what the parser adds after the loader (a second one cost as much again).
// The parser adds an element, then each child, each a record of its own: by the callback
// the element's subtree is there, and one sweep of it (URLs held, then CSS URLs made inert)
// covers the elements added inside it. So only the outermost added elements are swept: an
// element whose parent was added in this batch is skipped (bench/README.md "The returning
// view's observer": it swept each subtree again for every level of it).
new MutationObserver((mutations) => {
  const seen = new Set();
  mutations.forEach(({ target, addedNodes }) => {
    target = target.nodeType == 1 ? target : target.parentNode; // a text node's <style>
    if (!seen.has(target)) clean(target); // else the sweep of its outermost covers it
    forEachNode(addedNodes, (node) => {
      if (node.nodeType == 1 && !seen.has(node.parentNode)) {
        holdAdded(node);
        cleanAdded(node);
      }
      seen.add(node);
    });
  });
}).observe(doc.documentElement, {
  subtree: true, childList: true, characterData: true, attributeFilter: ["style"],
});
win.cookiegate = api;
doc.addEventListener("click", (event) => {
  if (event.target.closest?.(`[${REOPEN_ATTRIBUTE}]`)) {
    event.preventDefault();
    api.open();
  }
});

// A token the server signed under an overlay with the UK statistics exception (`uk`) runs
// its statistics again: this loader cannot know the place (cookiegate/consent/tokens.py).
if (stored?.uk) rules.uk.push(...rules.ukt || []);
// Global Privacy Control after an opt-in: what it refuses goes off before any tag runs, as a
// new choice to record.
const gpcChoice = stored && gpcSignal() && {
  choices: { ...stored.choices },
  services: { ...stored.services },
  method: "gpc",
  pending: true,
  rev: rules.rev,
};
if (gpcChoice && refuseUnderGpc(rules, gpcChoice.choices, gpcChoice.services)) {
  pending.set(gpcChoice);
  apply(gpcChoice);
  bannerChunk().then((ui) => ui.refuse(gpcChoice));
} else if (stored) {
  apply(stored);
  if (stored === pendingChoice) bannerChunk().then((ui) => ui.post(stored));
} else {
  // Ask (the banner file, and the place's texts, were asked for at the top).
  if (pendingChoice) pending.set(null);
  bannerChunk().then((ui) => ui.show("banner"));
}

doc.addEventListener("DOMContentLoaded", () => {
  // The cookie declaration's placeholder: the banner chunk fills it (only on such pages).
  if (doc.querySelector(`[${DECLARATION_ATTRIBUTE}]`)) bannerChunk().then((ui) => ui.declare());
  if (!consent) return;
  release();
  // No reopen link of the page's own: draw the floating one, once the page is idle (it is not
  // urgent, and reading its label is the page view's first localStorage access, a synchronous
  // trip to the browser). The banner file is fetched only once it is used.
  if (!doc.querySelector(`[${REOPEN_ATTRIBUTE}]`)) {
    (win.requestIdleCallback || setTimeout)(() => drawReopen(locale(), rules.r, position));
  }
});
