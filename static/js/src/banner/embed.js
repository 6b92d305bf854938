/**
 * The placeholder of a blocked embed: what it is, and a button that allows just that service
 * (or, for an embed marked only with a category, that category).
 * @module banner/embed
 */

import { CATEGORY_ATTRIBUTE } from "../shared/constants.js";
import { applyStyles, texts } from "./bundle.js";
import { loader, rules } from "./context.js";
import { button, element, format } from "./dom.js";
import { currentChoices, record } from "./record.js";

/** Write the text and "Allow" button into the loader's empty `box` for a blocked `frame`. */
export const fill = (frame, box) => {
  applyStyles();
  texts().then((bundle) => {
    const index = loader.serviceOf(loader.urlOf(frame));
    const serviceId = index >= 0 ? rules.services[index].id : "";
    const service = bundle.services.filter((s) => s.id === serviceId)[0];
    const category = frame.getAttribute(CATEGORY_ATTRIBUTE) || (service && service.category);
    const categoryName = (bundle.categories.filter((c) => c.id === category)[0] || {}).name
      || category;
    const name = service ? service.name : categoryName;
    const allow = button(format(bundle.texts.allow_service, "service", name), "allow");
    allow.addEventListener("click", () => {
      const choices = currentChoices();
      const services = Object.assign({}, loader.consent() && loader.consent().services);
      if (service) services[service.id] = true;
      else choices[category] = true;
      record("custom", choices, services).catch(() => {});
    });
    const text = format(format(bundle.texts.blocked_content, "service", name), "category",
      categoryName);
    box.replaceChildren(element("p", null, text), allow);
  });
};
