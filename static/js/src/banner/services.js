/**
 * Per-service switches in the preferences: each category opens (a disclosure button) to its
 * services, each with its own switch. The category switch sets all of them, and shows a mixed
 * state (aria-checked="mixed", "Some services on") when they differ.
 *
 * The services' states live here, not in their switches: a category's list is built only when
 * first opened, so the preferences stay small, yet the category switch and saving need every
 * service's state. What a saved choice means is the loader's business (loader/checks.js
 * `allowed`: a service's own choice beats its category's); this module only writes it down.
 * @module banner/services
 */

import { exemptServices, gpcOn, rules } from "./context.js";
import { element, httpUrl } from "./dom.js";

/** Granted or not, per service that has a switch (kept while its list is not built). */
const state = {};
/** Per category id: the ids of its services that have a switch. */
const members = {};
/** Per category id: its switch and its "Some services on" text. */
const controls = {};
/** Per service id: its switch, once its category's list is built. */
const serviceSwitches = {};

/**
 * Does this service get a switch of its own? Not one the UK statistics exception runs: the
 * visitor objects to those in their own box (uk-exception.js), and a switch would grant them.
 */
const switchable = (service) => !exemptServices.includes(service.id);

/** Show the category switch as its services stand: on, off, or mixed. */
const refresh = (categoryId) => {
  const ids = members[categoryId], [input, mixedText] = controls[categoryId];
  if (!ids.length || input.disabled) return;
  const on = ids.filter((id) => state[id]).length, mixed = on > 0 && on < ids.length;
  input.checked = on === ids.length;
  input.indeterminate = mixed;
  // A switch has no mixed state (WAI-ARIA 1.2 reads it as off): while mixed it is a checkbox.
  input.setAttribute("role", mixed ? "checkbox" : "switch");
  if (mixed) input.setAttribute("aria-checked", "mixed");
  else input.removeAttribute("aria-checked");
  mixedText.hidden = !mixed;
};

/** Set one service, on its switch too if built. */
const setService = (id, on) => {
  state[id] = on;
  if (serviceSwitches[id]) serviceSwitches[id].checked = on;
};

/** One service of an opened category: name, switch, provider, purpose, cookies, policy link. */
const serviceItem = (service, categoryId, link, locked, off) => {
  const id = "cg-svc-" + service.id, item = element("li", "cg-svc");
  const row = element("div", "cg-row");
  const input = element("input", "cg-switch", null,
    { type: "checkbox", role: "switch", id, "aria-describedby": id + "-d" });
  row.append(element("label", "cg-name", service.name, { for: id }));
  if (switchable(service)) {
    input.checked = locked || (!off && !!state[service.id]);
    input.disabled = locked || off;
    serviceSwitches[service.id] = input;
    input.addEventListener("change", () => {
      state[service.id] = input.checked;
      refresh(categoryId);
    });
    row.append(input);
  }
  item.append(row, element("span", "cg-provider", service.provider),
    element("p", null, service.description, { id: id + "-d" }));
  if (service.necessary_because) {
    item.append(element("p", "cg-because", service.necessary_because));
  }
  if (service.cookies.length) item.append(element("p", "cg-cookies", service.cookies.join(", ")));
  if (httpUrl(service.privacy_url)) item.append(link(service.provider, service.privacy_url));
  return item;
};

/**
 * A category's services: the disclosure button, and the region it opens, filled on first open.
 * @param {object} category  from banner.json
 * @param {object[]} services  the category's services, from banner.json
 * @param {HTMLInputElement} input  the category's switch
 * @param {Object<string, string>} texts  the banner texts
 * @param {Function} link  makes a policy link
 * @returns {HTMLElement[]} what goes into the category's box, in order
 */
export const servicesDisclosure = (category, services, input, texts, link) => {
  const id = "cg-cat-" + category.id, off = !!input.cgOff, locked = category.locked;
  const mixedText = element("span", "cg-always cg-mixed", texts.some_services,
    { id: id + "-m", hidden: "" });
  members[category.id] = services.filter(switchable).map((service) => service.id);
  controls[category.id] = [input, mixedText];
  input.setAttribute("aria-describedby", input.getAttribute("aria-describedby") + " " + id + "-m");
  input.addEventListener("change", () => {
    members[category.id].forEach((sid) => setService(sid, input.checked));
    refresh(category.id);
  });
  const disclose = element("button", "cg-disc",
    category.services_count + ": " + services.map((service) => service.name).join(", "),
    { type: "button", id: id + "-b", "aria-expanded": "false", "aria-controls": id + "-s" });
  const region = element("div", "cg-svcs", null,
    { id: id + "-s", role: "region", "aria-labelledby": id + "-b", hidden: "" });
  disclose.addEventListener("click", () => {
    if (!region.firstChild) {
      const list = element("ul", "cg-svc-list");
      services.forEach((service) =>
        list.append(serviceItem(service, category.id, link, locked, off)));
      region.append(list);
    }
    region.hidden = !region.hidden;
    disclose.setAttribute("aria-expanded", String(!region.hidden));
  });
  return [mixedText, disclose, region];
};

/**
 * Set every service's state from the choice in force (a service's own choice, else its
 * category's), and each category switch to match.
 * @param {object|null} choice  the loader's choice in force
 */
export const loadServices = (choice) => {
  for (const categoryId in members) {
    const off = gpcOn && rules.gpc.includes(categoryId);
    members[categoryId].forEach((id) => {
      const own = choice && choice.services && id in choice.services;
      setService(id, rules.locked.includes(categoryId) || (!off && !!(own
        ? choice.services[id]
        : choice && choice.choices[categoryId])));
    });
    refresh(categoryId);
  }
};

/**
 * The choice to save, from the switches: a category whose services are all on is granted,
 * all off refused; a mixed one is refused, with its granted services named.
 * @param {Object<string, boolean>} choices  per category, from the category switches; changed
 * @param {Object<string, boolean>} services  per service (the objections); changed
 */
export const serviceChoices = (choices, services) => {
  for (const categoryId in members) {
    const ids = members[categoryId];
    if (!ids.length || rules.locked.includes(categoryId)) continue;
    const on = ids.filter((id) => state[id]);
    choices[categoryId] = on.length === ids.length;
    if (on.length && on.length < ids.length) on.forEach((id) => (services[id] = true));
  }
};
