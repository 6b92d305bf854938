/**
 * The opt-out notice of a US state privacy law: no dialog, nothing asked first. It says what
 * runs, links "Do Not Sell or Share My Personal Information" (one click opts out of sale,
 * sharing and targeted ads) and "Your Privacy Choices" (the preferences): the "Do Not Sell or
 * Share My Personal Information" link and the Alternative Opt-out Link of the CCPA regulations
 * (11 CCR §7026(a)(1), https://www.law.cornell.edu/regulations/california/11-CCR-7026).
 * @module banner/notice
 */

import { ACTION_ATTRIBUTE, ROOT_CLASS } from "../shared/constants.js";
import { applyStyles } from "./bundle.js";
import { button, element } from "./dom.js";

/** @type {HTMLElement|null} */
let box = null;

/**
 * Draw the notice once.
 * @param {object} bundle  banner.json for the visitor's place (`overlay.texts` over `texts`)
 * @param {boolean} honoured  a signal already opted the visitor out: say so, no link needed
 * @param {(action: "dns"|"choices") => void} onAction
 */
export const showNotice = (bundle, honoured, onAction) => {
  if (box) return box;
  applyStyles();
  const texts = { ...bundle.texts, ...(bundle.overlay && bundle.overlay.texts) };
  box = element("section", ROOT_CLASS + " cg-notice", null, {
    "aria-labelledby": "cg-ntitle", lang: String(bundle.locale).replace("_", "-"),
    dir: bundle.dir === "rtl" ? "rtl" : "ltr",
  });
  box.append(element("h2", "cg-title", texts.notice_title, { id: "cg-ntitle" }),
    element("p", "cg-text", texts.notice_description));
  if (honoured) box.append(element("p", "cg-note", texts.gpc_notice));
  const actions = element("div", "cg-actions");
  const dns = button(texts.do_not_sell, "dns");
  dns.hidden = honoured;
  actions.append(dns, button(texts.privacy_choices, "choices"));
  box.append(actions, element("p", "cg-status", null, { role: "status" }));
  box.addEventListener("click", (event) => {
    const target = event.target.closest(`[${ACTION_ATTRIBUTE}]`);
    if (target) onAction(target.getAttribute(ACTION_ATTRIBUTE));
  });
  document.body.append(box);
  return box;
};

/** After Do Not Sell: the link has done its work; say so where it was. */
export const noticeOptedOut = (text) => {
  if (!box) return;
  box.querySelector(`[${ACTION_ATTRIBUTE}=dns]`).hidden = true;
  box.querySelector(".cg-status").textContent = text;
};
