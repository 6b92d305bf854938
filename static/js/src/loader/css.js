/**
 * The CSS guard: a URL of a blocked service in CSS (`url(…)`, `@import "…"`, `image-set("…")`)
 * becomes `about:invalid`, which the browser never fetches. Refused, like fetch: a style given
 * before a grant stays without its image; the same code run after a grant loads it.
 * 1. Synchronous: `setAttribute("style")`, `style.cssText`, `style.setProperty`, a `<style>`'s
 *    `textContent`/`innerHTML`, and constructed stylesheets (`replace`, `replaceSync`,
 *    `insertRule`, adopted through `adoptedStyleSheets`).
 * 2. The MutationObserver (main.js, cleanAdded) for the rest (`style.backgroundImage = …` has no setter to wrap, style
 *    attributes the parser or HTML text adds, text nodes put into a `<style>`). A CSS image is
 *    fetched when the page is next styled, after the observer has run; an `@import` is fetched
 *    at once, so only route 1 holds that.
 * @module loader/css
 */

import { isBlocked } from "./checks.js";
import { define, describe, elementProto, forEachNode } from "./env.js";

/** `url(` with its quote, or a quote: what follows is a URL the browser may fetch. */
const CSS_URL = /(url\(\s*['"]?|['"])([^'"\s)]+)/gi;

/** CSS text with each URL of a blocked service made `about:invalid`; other values as given. */
const neuter = (css) => typeof css == "string" && /url\(|@import|image-set/i.test(css)
  ? css.replace(CSS_URL, (all, head, url) => isBlocked(url) ? head + "about:invalid" : all)
  : css;

const isStyle = (el) => /^style$/i.test(el.tagName);

/** Neuter argument `index` of `proto[name]`, when `when(this, args)`. */
const wrapArg = (proto, name, index, when = () => 1) => {
  const native = proto[name];
  proto[name] = function (...args) {
    if (when(this, args)) args[index] = neuter(args[index]);
    return native.apply(this, args);
  };
};

/** Neuter what is given to the setter `proto[name]`, when `when(this)`. */
const wrapSetter = (proto, name, when) => {
  const setter = describe(proto, name).set;
  define(proto, name, { // keeps the getter and the flags
    set(value) {
      setter.call(this, when(this) ? neuter(value) : value);
    },
  });
};

/** Set `el[key]` (its style attribute or a `<style>`'s text) neutered, if it is not yet. */
const cleanAs = (el, key) => {
  const css = el[key], safe = neuter(css);
  if (safe !== css) el[key] = safe;
};

/**
 * The MutationObserver's part for CSS (main.js; it observes style attributes and text): a
 * `<style>`'s text and an element's style attribute, neutered where they are not yet.
 */
export const clean = (el) => {
  if (el?.nodeType != 1) return;
  // The attribute first: reading `el.style` makes the element's declaration object.
  if (el.hasAttribute("style") && el.style) cleanAs(el.style, "cssText");
  if (isStyle(el)) cleanAs(el, "textContent");
};

/** `clean` an element the parser added, and the elements in it. */
export const cleanAdded = (node) => {
  clean(node);
  if (node.firstElementChild) forEachNode(node.querySelectorAll("[style],style"), clean);
};

/** Put up the synchronous wrappers (after interceptors.js: this wraps its setAttribute). */
export const guardCss = () => {
  const declaration = CSSStyleDeclaration.prototype, sheet = CSSStyleSheet.prototype;
  wrapArg(elementProto, "setAttribute", 1, (el, [name]) => /^style$/i.test(name));
  wrapArg(declaration, "setProperty", 1);
  ["replace", "replaceSync", "insertRule"].forEach((name) => wrapArg(sheet, name, 0));
  wrapSetter(declaration, "cssText", () => 1);
  wrapSetter(Node.prototype, "textContent", isStyle);
  wrapSetter(elementProto, "innerHTML", isStyle);
};
