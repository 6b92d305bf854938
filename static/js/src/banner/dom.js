/**
 * Making elements. Texts are data, never markup: they go in as textContent. No style
 * attributes either (strict CSP); the stylesheet does all styling.
 * @module banner/dom
 */

import { ACTION_ATTRIBUTE } from "../shared/constants.js";

/** Make an element; `text` goes in as text, never parsed as HTML. */
export const element = (tag, className, text, attributes) => {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text != null) el.textContent = text;
  for (const name in attributes || {}) el.setAttribute(name, attributes[name]);
  return el;
};

/** A button that does `action` (see ACTION_ATTRIBUTE). */
export const button = (text, action, className) => element(
  "button", "cg-btn" + (className ? " " + className : ""), text,
  { type: "button", [ACTION_ATTRIBUTE]: action },
);

/** Fill the gettext-style placeholder `%(key)s` of a translated text. */
export const format = (text, key, value) => String(text).split("%(" + key + ")s").join(value);

/** The URL if it is http(s), else "" (a link from config must not run script). */
export const httpUrl = (url) => /^https?:\/\//i.test(url || "") ? url : "";
