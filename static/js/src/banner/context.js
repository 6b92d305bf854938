/**
 * What the banner chunk gets from the loader that fetched it: window.cookiegate, the loader's
 * internals and the site's rules; and whether the visitor sends Global Privacy Control.
 * @module banner/context
 */

import { gpcSignal } from "../shared/gpc.js";

/** window.cookiegate; the chunk does nothing unless its loader asked for it (`_ready`). */
export const cookiegate = window.cookiegate;
/** The loader's internals for this chunk (loader/api.js `_`). */
export const loader = cookiegate?._;
/** @type {import("../loader/rules.js").Rules} */
export const rules = cookiegate?.rules;
/**
 * Services exempt under the UK statistics exception (a loader cached from before the exception
 * existed has no list).
 */
export const exemptServices = rules?.uk || [];

/** Does the visitor send Global Privacy Control (the browser, or Sec-GPC seen by the server)? */
export let gpcOn = gpcSignal();
/** The server saw `Sec-GPC: 1` on the request for the texts. */
export const noteServerGpc = () => {
  gpcOn = true;
};
