/**
 * The banner's DOM: a dialog with two layers (the first layer's three equal buttons, and the
 * preferences), and the reopen control. The first layer is built on first show, from the
 * texts; the preferences only when first opened, so a first visit builds only what it paints.
 * @module banner/view
 */

import { POSITION_ATTRIBUTE, REOPEN_CLASS, ROOT_CLASS } from "../shared/constants.js";
import { reopenControl } from "../shared/reopen.js";
import { applyStyles } from "./bundle.js";
import { gpcOn, noteServerGpc, rules } from "./context.js";
import { button, element, httpUrl } from "./dom.js";
import { servicesDisclosure } from "./services.js";
import { exemptionBox } from "./uk-exception.js";

/**
 * banner.json: the texts in the visitor's language and what the banner lists.
 * @typedef {object} BannerBundle
 * @property {string} locale  @property {"ltr"|"rtl"} dir  @property {string} shown_hash
 * @property {boolean} gpc  the server saw Sec-GPC: 1
 * @property {string} policy_url  @property {string[]} uk_statistics  exempt services
 * @property {Object<string, string>} texts  by key: title, accept_all, reject_all, …
 * @property {{id: string, name: string, description: string, locked: boolean,
 *   services_count: string}[]} categories
 * @property {{id: string, category: string, name: string, provider: string,
 *   description: string, necessary_because: string, cookies: string[],
 *   privacy_url: string}[]} services
 */

// Where the reopen control sits: <script src=".../loader.js" data-position="end"> moves it to
// the inline end (loader.js, or its pinned loader.<version>.js). Looked up when the control is
// drawn, not when the chunk runs: a first visit's banner paints without it.
const position = () => document.querySelector(`script[${POSITION_ATTRIBUTE}][src*='/loader.']`)
  ?.getAttribute(POSITION_ATTRIBUTE);

/** @type {BannerBundle|null} the banner.json the DOM was built from */
export let bundle = null;
export let root, dialog, firstLayer, prefsLayer, status, back;
/** The reopen control, once there is one (the loader's, or `reopenButton`'s). */
export let reopen;
/** The preferences' switch per category. */
export const switches = {};

const link = (text, url) =>
  element("a", "cg-link", text, { href: url, target: "_blank", rel: "noopener" });

/** One category of the preferences: its switch, description and services (services.js). */
const categoryBox = (category, texts) => {
  const id = "cg-cat-" + category.id;
  const box = element("div", "cg-cat"), row = element("div", "cg-row");
  const input = element("input", "cg-switch", null,
    { type: "checkbox", role: "switch", id, "aria-describedby": id + "-d" });
  if (category.locked) {
    input.checked = true;
    input.disabled = true;
  }
  // Under Global Privacy Control its categories stay off: the signal is a standing opt-out.
  const off = gpcOn && rules.gpc.includes(category.id);
  if (off) {
    input.disabled = true;
    input.cgOff = true; // dialog.js leaves it off
    input.setAttribute("aria-describedby", id + "-g " + id + "-d");
  }
  switches[category.id] = input;
  row.append(element("label", "cg-name", category.name, { for: id }), input);
  if (category.locked) row.append(element("span", "cg-always", texts.always_on));
  if (off) {
    row.append(element("span", "cg-always cg-gpc-off", texts.gpc_honoured, { id: id + "-g" }));
  }
  box.append(row, element("p", "cg-desc", category.description, { id: id + "-d" }));
  const services = bundle.services.filter((service) => service.category === category.id);
  if (services.length) {
    const [mixedText, ...disclosure] = servicesDisclosure(category, services, input, texts, link);
    row.append(mixedText);
    box.append(...disclosure);
  }
  return box;
};

/**
 * Build the dialog's first layer and add it, hidden, to the page; find the reopen control the
 * loader drew, if any. `autofocus`: the page is loading and the dialog opens at once (a first
 * visit): the browser moves focus into it when it renders it (dialog.js `showLayer`).
 */
export const build = (b, autofocus) => {
  const texts = b.texts;
  bundle = b;
  if (b.gpc) noteServerGpc();
  applyStyles();
  root = element("div", ROOT_CLASS, null,
    { lang: String(b.locale).replace("_", "-"), dir: b.dir === "rtl" ? "rtl" : "ltr" });
  dialog = element("div", "cg-dialog", null, {
    role: "dialog", "aria-modal": "true", "aria-labelledby": "cg-title",
    "aria-describedby": "cg-desc", tabindex: "-1",
  });

  firstLayer = element("div", "cg-layer cg-first");
  const body = element("div", "cg-body");
  body.append(element("h2", "cg-title", texts.title, { id: "cg-title" }),
    element("p", "cg-text", texts.description, { id: "cg-desc" }));
  if (gpcOn) body.append(element("p", "cg-note", texts.gpc_notice, { id: "cg-gpc-1" }));
  const policy = httpUrl(b.policy_url);
  if (policy) body.append(link(texts.policy_link, policy));
  const actions = element("div", "cg-actions");
  actions.append(button(texts.accept_all, "accept"), button(texts.reject_all, "reject"),
    button(texts.preferences, "prefs"));
  firstLayer.append(body, actions);
  if ((b.uk_statistics || []).length) firstLayer.append(exemptionBox(texts, 1));

  dialog.append(firstLayer);
  dialog.hidden = true;
  dialog.autofocus = !!autofocus;
  root.append(dialog);
  document.body.append(root);
  // The loader draws it for a returning visitor; an older loader draws none. A first visit
  // has none to find, so its banner does not search the page for it.
  if (!autofocus) reopen = document.querySelector("." + REOPEN_CLASS);
};

/**
 * The reopen control, drawn when first needed (the dialog closes, or an older loader asks):
 * a first visit's banner paints without it, one stylesheet and style recalculation fewer.
 */
export const reopenButton = () => reopen ||= reopenControl(bundle.texts.reopen, position());

/** The preferences layer, built into the dialog on first use. */
export const buildPrefs = () => {
  if (prefsLayer) return;
  const texts = bundle.texts;
  prefsLayer = element("div", "cg-layer cg-prefs", null, { hidden: "" });
  const categories = element("div", "cg-cats");
  bundle.categories.forEach((category) => categories.append(categoryBox(category, texts)));
  status = element("p", "cg-status", null, { role: "status" });
  const prefsActions = element("div", "cg-actions"), nav = element("div", "cg-actions cg-nav");
  back = button(texts.back, "back", "cg-secondary");
  prefsActions.append(button(texts.reject_all, "reject"), button(texts.accept_all, "accept"),
    button(texts.save, "save"));
  prefsLayer.append(element("h2", "cg-title", texts.preferences, { id: "cg-ptitle" }));
  if (gpcOn) prefsLayer.append(element("p", "cg-note", texts.gpc_notice, { id: "cg-gpc" }));
  prefsLayer.append(categories);
  if ((bundle.uk_statistics || []).length) prefsLayer.append(exemptionBox(texts, 2));
  nav.append(back);
  prefsLayer.append(status, nav, prefsActions);
  dialog.append(prefsLayer);
};
