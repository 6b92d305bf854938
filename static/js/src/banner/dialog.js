/**
 * The dialog's behaviour: what each button does, the two layers, focus (kept inside while the
 * dialog is open, given back when it closes) and the keyboard.
 * @module banner/dialog
 */

import { ACTION_ATTRIBUTE } from "../shared/constants.js";
import { texts } from "./bundle.js";
import { cookiegate, exemptServices, gpcOn, loader, rules } from "./context.js";
import { allChoices, currentChoices, gpcMethod, record } from "./record.js";
import { loadServices, serviceChoices } from "./services.js";
import { objections, showExemptionState } from "./uk-exception.js";
import {
  back, build, buildPrefs, bundle, dialog, firstLayer, prefsLayer, reopen, reopenButton, root,
  status, switches,
} from "./view.js";

const FOCUSABLE = "a[href],button:not([disabled]),input:not([disabled]),"
  + "[tabindex]:not([tabindex='-1'])";

/** The element that had focus before the dialog opened. */
let lastFocus = null;

/** Record a choice made in the dialog, and show its consent ID once the server has it. */
const choose = (method, choices, services) => record(method, choices, services).then((id) => {
  if (status) status.textContent = bundle.texts.consent_id + ": " + id;
  return id;
}, () => { /* applied locally and kept for a retry; nothing more to show */ });

const onClick = (event) => {
  const target = event.target.closest(`[${ACTION_ATTRIBUTE}]`);
  if (!target) return;
  const action = target.getAttribute(ACTION_ATTRIBUTE);
  if (action === "accept") {
    // Accept all grants every service, so it also lifts an objection; under GPC it keeps it,
    // and is recorded as the regime's GPC method (gpc, or signal:gpc under opt_out).
    choose(gpcOn ? gpcMethod() : "accept_all", allChoices(true), gpcOn ? objections() : {});
    close();
  } else if (action === "reject") {
    choose("reject_all", allChoices(false), objections());
    close();
  } else if (action === "object") {
    const services = Object.assign({}, loader.consent() && loader.consent().services);
    exemptServices.forEach((id) => {
      services[id] = false;
    });
    record("objection", currentChoices(), services).catch(() => {});
    showExemptionState(bundle.texts);
    dialog.focus(); // the button is gone; the status line says what happened
  } else if (action === "prefs") {
    showLayer(true);
  } else if (action === "back") {
    cookiegate.consent ? close() : showLayer(false);
  } else if (action === "save") {
    const choices = {};
    rules.cats.forEach((category) => {
      choices[category] = switches[category].checked;
    });
    const services = objections();
    serviceChoices(choices, services);
    status.textContent = "";
    choose("custom", choices, services);
  }
};

const onKey = (event) => {
  if (event.key === "Escape") {
    // Escape leaves the preferences; it is never a choice.
    if (prefsLayer && !prefsLayer.hidden) {
      event.preventDefault();
      cookiegate.consent ? close() : showLayer(false);
    }
    return;
  }
  if (event.key !== "Tab") return;
  const focusable = focusables(), index = focusable.indexOf(document.activeElement);
  if (event.shiftKey && index <= 0) {
    event.preventDefault();
    focusable[focusable.length - 1].focus();
  } else if (!event.shiftKey && index === focusable.length - 1) {
    event.preventDefault();
    focusable[0].focus();
  }
};

const focusables = () => [].filter.call(dialog.querySelectorAll(FOCUSABLE),
  (el) => el.getClientRects().length > 0);

/** Show the preferences (`showPrefs`) or the first layer, and move focus into it. */
const showLayer = (showPrefs, later) => {
  if (showPrefs) buildPrefs();
  firstLayer.hidden = showPrefs;
  if (prefsLayer) prefsLayer.hidden = !showPrefs;
  dialog.setAttribute("aria-labelledby", showPrefs ? "cg-ptitle" : "cg-title");
  // Under GPC the dialog's description says the signal was honoured, so opening it says so.
  if (gpcOn) dialog.setAttribute("aria-describedby", showPrefs ? "cg-gpc" : "cg-desc cg-gpc-1");
  showExemptionState(bundle.texts);
  if (showPrefs) {
    const choice = cookiegate.consent;
    rules.cats.forEach((category) => {
      const input = switches[category];
      input.checked = rules.locked.includes(category)
        || (!input.cgOff && !!(choice && choice.choices[category]));
    });
    loadServices(choice);
    status.textContent = choice && choice.id ? bundle.texts.consent_id + ": " + choice.id : "";
  }
  // The first layer takes focus on the dialog itself, so no button is one keypress from a choice.
  const target = showPrefs
    ? switches[rules.cats.filter((category) => !switches[category].disabled)[0]] || back
    : dialog;
  // On page load the dialog carries `autofocus` (view.js `build`): the browser focuses it as it
  // renders the first frame with the banner, in the style update that frame makes anyway, with
  // no script and no forced style or layout. Checked once that frame is painted: a page whose
  // own autofocus or a click came first keeps autofocus from acting, and focus moves in then,
  // as it always did (the layout is clean after the paint). The dialog is fixed at the
  // viewport's edge, so nothing needs scrolling into view.
  if (later) {
    requestAnimationFrame(() => setTimeout(() => {
      if (!dialog.contains(document.activeElement)) target.focus({ preventScroll: true });
    }));
  } else target.focus();
};

const open = (showPrefs, later) => {
  if (dialog.hidden) lastFocus = document.activeElement;
  dialog.hidden = false;
  if (reopen) reopen.hidden = true;
  showLayer(showPrefs, later);
};

const close = () => {
  dialog.hidden = true;
  reopenButton().hidden = false;
  const focus = lastFocus && lastFocus.isConnected && lastFocus !== document.body
    ? lastFocus
    : reopen;
  focus.focus();
};

/** Build the banner and listen to it. */
const setUp = (b, firstVisit) => {
  build(b, firstVisit);
  root.addEventListener("click", onClick);
  dialog.addEventListener("keydown", onKey);
  document.addEventListener("focusin", (event) => {
    if (!dialog.hidden && !dialog.contains(event.target)) focusables()[0].focus();
  });
};

/** Show the "banner" (first layer), "prefs", or only the "reopen" control, once the body exists. */
export const show = (mode) => new Promise((bodyExists) => {
  if (document.body) bodyExists();
  else document.addEventListener("DOMContentLoaded", bodyExists);
}).then(texts).then((b) => {
  if (!bundle) setUp(b, mode === "banner");
  if (mode === "reopen") {
    if (dialog.hidden) reopenButton().hidden = false;
  } else {
    open(mode === "prefs", mode === "banner");
  }
});
