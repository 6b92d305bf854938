/**
 * The MSPA US National section ("usnat", section id 7) from the visitor's decision, as IAB
 * Privacy's US National Technical Specification lays it out (core segment and GPC
 * subsection; https://github.com/InteractiveAdvertisingBureau/Global-Privacy-Platform/blob/main/Sections/US-National/IAB%20Privacy%E2%80%99s%20Multi-State%20Privacy%20Agreement%20(MSPA)%20US%20National%20Technical%20Specification.md).
 * Its 2-bit fields say 0 (not applicable), 1 (yes / opted out) or 2 (no / did not opt out).
 * @module gpp/usnat
 */

import { base64url, int } from "./encode.js";

export const USNAT_ID = 7;
export const USNAT = "usnat";

/**
 * The core segment's fields in order, with their width in bits and, for lists, their length
 * (the section's second release: 16 sensitive data categories, 3 known-child ages).
 * @type {Array<[string, number, number?]>}
 */
const CORE = [
  ["Version", 6], ["SharingNotice", 2], ["SaleOptOutNotice", 2], ["SharingOptOutNotice", 2],
  ["TargetedAdvertisingOptOutNotice", 2], ["SensitiveDataProcessingOptOutNotice", 2],
  ["SensitiveDataLimitUseNotice", 2], ["SaleOptOut", 2], ["SharingOptOut", 2],
  ["TargetedAdvertisingOptOut", 2], ["SensitiveDataProcessing", 2, 16],
  ["KnownChildSensitiveDataConsents", 2, 3], ["PersonalDataConsents", 2],
  ["MspaCoveredTransaction", 2], ["MspaOptOutOptionMode", 2], ["MspaServiceProviderMode", 2],
];

/**
 * The section as getSection returns it: the core segment, then the GPC subsection.
 * The visitor opted out of sale, sharing and targeted advertising (1) when their browser
 * sends Global Privacy Control or their decision refuses a category the site marks
 * `gpc_refuses` (rules.gpc, what sale and sharing serve); otherwise they did not (2). The
 * notices of those three were given (1): the opt-out regime's notice and its "Do Not Sell or
 * Share" link. cookiegate neither processes sensitive data nor knows a child's age: 0.
 * @param {number[]} mspa  [MspaCoveredTransaction, MspaOptOutOptionMode,
 *   MspaServiceProviderMode] from the site config (rules.gpp)
 * @param {string[]} saleCategories  rules.gpc
 * @param {{choices: Object<string, boolean>}|null} consent  the decision in force
 * @param {boolean} gpc
 */
export const usnatSection = (mspa, saleCategories, consent, gpc) => {
  const optedOut = gpc || !!consent && saleCategories.some((c) => !consent.choices[c]) ? 1 : 2;
  const values = [1, 1, 1, 1, 1, 0, 0, optedOut, optedOut, optedOut, Array(16).fill(0),
    [0, 0, 0], 0, ...mspa];
  const core = {};
  CORE.forEach(([name], i) => {
    core[name] = values[i];
  });
  return [core, { SubsectionType: 1, Gpc: gpc }];
};

/**
 * The section as the GPP string carries it: core segment "." GPC subsection.
 * @param {Array<object>} section  what usnatSection returns
 */
export const encodeUsnat = ([core, gpcSubsection]) => base64url(CORE.map(([name, width, n]) =>
  (n ? core[name] : [core[name]]).map((value) => int(value, width)).join("")).join("")) +
  "." + base64url(int(gpcSubsection.SubsectionType, 2) + (gpcSubsection.Gpc ? "1" : "0"));
