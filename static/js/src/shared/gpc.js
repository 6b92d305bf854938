/**
 * What Global Privacy Control refuses, for the loader and the banner alike: the signal is the
 * visitor's standing opt-out of the categories the site config marks `gpc_refuses`.
 * @module shared/gpc
 */

/** Does this browser send Global Privacy Control? */
export const gpcSignal = () => !!navigator.globalPrivacyControl;

/**
 * Turn off, in place, every category GPC refuses and every service of such a category that
 * the choice names.
 * @param {import("../loader/rules.js").Rules} rules
 * @param {Object<string, boolean>} choices  per category; changed in place
 * @param {Object<string, boolean>} services  per service; changed in place
 * @returns {boolean} whether the choice granted anything that GPC refuses
 */
export const refuseUnderGpc = (rules, choices, services) => {
  let grantedAny = false;
  rules.gpc.forEach((category) => {
    grantedAny ||= !!choices[category];
    choices[category] = false;
  });
  rules.services.forEach((service) => {
    if (rules.gpc.includes(service.cat) && service.id in services) {
      grantedAny ||= !!services[service.id];
      services[service.id] = false;
    }
  });
  return grantedAny;
};
