/**
 * A first visit under the visitor's regime (banner.json's `regime` for their place; a site
 * without `[jurisdictions]` is opt_in everywhere):
 * - opt_in: the dialog asks first (dialog.js); Global Privacy Control keeps its categories off.
 * - opt_out / notice with the overlay's `banner = "notice"` (the default there): no dialog. The overlay's `granted` categories run at once, recorded as
 *   a `notice` proof (what was in force, not a click), and the notice (notice.js) offers
 *   "Do Not Sell or Share" and "Your Privacy Choices". With GPC the opt-out is in force from
 *   the start, recorded as `signal:gpc`.
 * - any regime: an ADPC objection (signals.js) refuses everything optional, `signal:adpc`.
 * It also puts the place's UK statistics exception in force, and tells window.cookiegate the
 * regime, for bundles such as GPP that encode the same decision.
 * @module banner/regime
 */

import { refuseUnderGpc } from "../shared/gpc.js";
import { texts } from "./bundle.js";
import { cookiegate, exemptServices, loader, noteServerGpc, rules } from "./context.js";
import { show } from "./dialog.js";
import { noticeOptedOut, showNotice } from "./notice.js";
import { allChoices, currentChoices, noteAdpc, record } from "./record.js";
import { sentSignal } from "./signals.js";

const OPT_IN = "opt_in";
const kept = () => { /* applied locally and kept pending for a retry */ };

/**
 * Learn the visitor's regime once; put their place's UK statistics exception in force (the
 * loader of a site with jurisdictions starts with none: it cannot know the place).
 * @returns {Promise<object>} banner.json for the visitor's place
 */
export const place = () => texts().then((bundle) => {
  cookiegate.regime = bundle.regime || OPT_IN;
  cookiegate.jurisdiction = bundle.jurisdiction || null;
  if (bundle.gpc) noteServerGpc();
  const exempt = (bundle.uk_statistics || []).filter((id) => !exemptServices.includes(id));
  if (exempt.length) {
    exemptServices.push(...exempt); // the loader's rules.uk: checks.js reads the same array
    loader.apply(loader.consent());
  }
  return bundle;
});

/** The categories an opt-out overlay starts granted (locked ones are added by record.js). */
const startGranted = (bundle) => {
  const choices = allChoices(false);
  ((bundle.overlay && bundle.overlay.granted) || []).forEach((category) => {
    choices[category] = true;
  });
  return choices;
};

/** Refuse sale/sharing and targeted ads (the `gpc_refuses` categories) in a choice. */
const optedOut = (choices) => {
  const services = {};
  refuseUnderGpc(rules, choices, services);
  return [choices, services];
};

/** Decide what a first visit sees and what is in force, and show it. */
export const start = () => Promise.all([place(), texts().then(sentSignal)])
  .then(([bundle, signal]) => {
    if (signal && signal.refuses === "all") {
      noteAdpc(); // a choice made later on this page grants nothing optional either
      const services = {};
      exemptServices.forEach((id) => (services[id] = false));
      record("signal:" + signal.name, allChoices(false), services).catch(kept);
      return show("reopen");
    }
    // An overlay may keep the dialog under a weaker regime: it then asks first, as opt_in does.
    if (cookiegate.regime === OPT_IN || bundle.overlay?.banner === "dialog") return show("banner");
    const honoured = !!signal;
    const [choices, services] = honoured
      ? optedOut(startGranted(bundle)) : [startGranted(bundle), {}];
    record(honoured ? "signal:" + signal.name : "notice", choices, services).catch(kept);
    showNotice(bundle, honoured, (action) => {
      if (action === "choices") return show("prefs");
      record("opt_out", ...optedOut(currentChoices())).then((id) => {
        noticeOptedOut(bundle.texts.consent_id + ": " + id);
      }, kept);
    });
  });
