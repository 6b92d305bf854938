/**
 * The UK statistics exception: exempt services run until the visitor objects, so the banner
 * tells rather than asks, and one click objects.
 * @module banner/uk-exception
 */

import { ACTION_ATTRIBUTE } from "../shared/constants.js";
import { exemptServices, loader } from "./context.js";
import { button, element } from "./dom.js";

/** The notice boxes, one per layer. */
const boxes = [];

/** The exempt services the visitor objected to, as a services map ({} when none). */
export const objections = () => {
  const services = {}, choice = loader.consent();
  exemptServices.forEach((id) => {
    if (choice && choice.services && choice.services[id] === false) services[id] = false;
  });
  return services;
};

const objectedToAll = () =>
  exemptServices.length > 0 && Object.keys(objections()).length === exemptServices.length;

/** A box saying what runs without consent, its state, and the "Object" button. */
export const exemptionBox = (texts, n) => {
  const box = element("section", "cg-uk", null, { "aria-labelledby": "cg-uk-t" + n });
  box.append(
    element("h3", "cg-uk-title", texts.uk_stats_title, { id: "cg-uk-t" + n }),
    element("p", "cg-text", texts.uk_stats_notice),
    element("p", "cg-uk-state", null, { role: "status" }),
    button(texts.object, "object"),
  );
  boxes.push(box);
  return box;
};

/** Bring every box up to date: on, or objected to (then without its button). */
export const showExemptionState = (texts) => {
  const off = objectedToAll();
  boxes.forEach((box) => {
    box.querySelector(".cg-uk-state").textContent = off ? texts.objected : texts.uk_stats_on;
    box.querySelector(`[${ACTION_ATTRIBUTE}=object]`).hidden = off;
  });
};
