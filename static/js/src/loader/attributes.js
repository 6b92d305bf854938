/**
 * The one table of URL attributes: which attribute of which element makes the browser load
 * something. Holding (interceptors.js) and releasing (release.js) both read it, and it is the
 * server-side gate's table too (cookiegate/gate/tags.py URL_ATTRIBUTES, plus SVG's script and
 * image `href`). A held attribute is renamed to data-cg-<name>: the gate writes the same form.
 * @module loader/attributes
 */

import { HELD_PREFIX } from "../shared/constants.js";

/** "data-cg-": `src` is held in data-cg-src, `srcset` in data-cg-srcset, and so on. */
export { HELD_PREFIX };

/**
 * Element local name (lower case, whatever the namespace or the case it was created with) ->
 * its URL attributes (each one's property has the same name, but `imageSrcset`). A `link` is
 * held whatever its `rel`, an `input` whatever its `type`: a script may set those after the URL.
 */
export const URL_ATTRIBUTES = {
  __proto__: null, // an element named "constructor" finds nothing
  script: ["src", "href"], // href: SVG's <script>
  iframe: ["src"],
  frame: ["src"],
  img: ["src", "srcset"],
  source: ["src", "srcset"],
  video: ["src", "poster"],
  audio: ["src"],
  track: ["src"],
  embed: ["src"],
  input: ["src"],
  object: ["data"],
  link: ["href", "imagesrcset"],
  image: ["href"], // SVG's <image>
  a: ["ping"],
  area: ["ping"],
};

/** Every attribute name in the table, `src` first (the URL a held tag is known by). */
export const URL_NAMES = [...new Set(Object.values(URL_ATTRIBUTES).flat())];

/** The attribute names `el` loads from ([] for an element that loads nothing). */
export const urlNames = (el) => URL_ATTRIBUTES[el.localName] || [];

/** Elements that hold a URL for later. */
export const HELD_SELECTOR = URL_NAMES.map((name) => `[${HELD_PREFIX}${name}]`).join();

/** Elements that may load a URL, and templates (whose content is a document of its own). */
export const URL_SELECTOR = Object.entries(URL_ATTRIBUTES)
  .flatMap(([tag, names]) => names.map((name) => `${tag}[${name}]`)).join() + ",template";

/** HTML text that may hold such an element (cheap test before parsing it). */
export const URL_TAGS = new RegExp(`<(${Object.keys(URL_ATTRIBUTES).join("|")}|template)[\\s/>]`, "i");
