/**
 * The interceptors (yett's `monkey.js` and `observer.js`). An element whose URL attribute
 * (attributes.js: src, srcset, href of a link, data, poster, ping…) belongs to a blocked service
 * never gets that URL: it is held in data-cg-<attribute> instead.
 * 1. Attributes: the URL properties' setters, setAttribute and setAttributeNS, and `new Audio`.
 * 2. HTML text (innerHTML, outerHTML, insertAdjacentHTML, setHTMLUnsafe, document.write,
 *    Range.createContextualFragment) is parsed in an inert template and held first.
 * 3. Nodes: every way a node enters the document (appendChild, append, before, replaceWith,
 *    insertAdjacentElement, Range.insertNode, adoptNode, importNode…) sweeps it first, so an
 *    element built in another document or window (DOMParser, parseHTMLUnsafe, a template's
 *    content, createHTMLDocument, an iframe's realm), whose attributes no hook saw, is held
 *    before it can load.
 * 4. The MutationObserver (one for the loader, main.js) catches the elements the parser adds
 *    after the loader (holdAdded).
 * A held iframe that is on the page is hidden behind a placeholder box.
 * @module loader/interceptors
 */

import {
  CATEGORY_ATTRIBUTE, DEFERRED_SRC_ATTRIBUTE, INERT_SCRIPT_TYPE, PLACEHOLDER_CLASS,
} from "../shared/constants.js";
import { bannerChunk } from "./api.js";
import { HELD_PREFIX, URL_SELECTOR, URL_TAGS, urlNames } from "./attributes.js";
import { isBlocked, mayRun } from "./checks.js";
import {
  createElement, define, describe, doc, elementProto, forEachNode, nativeSetAttribute, win,
} from "./env.js";

const nativeInnerHtml = describe(elementProto, "innerHTML");
/** How many URLs were held so far: did parsing some HTML text hold any? */
let heldCount = 0;

/** Hide a blocked embed behind an empty box; the banner chunk writes its text and button. */
const placeholder = (frame) => {
  if (frame.cgPh) return; // already has one
  const box = frame.cgPh = createElement("div");
  box.className = PLACEHOLDER_CLASS;
  frame.hidden = true;
  frame.before(box);
  bannerChunk().then((ui) => ui.fill(frame, box));
};

/** Keep `url` in data-cg-<name> instead of loading it; a visible iframe gets a placeholder. */
const hold = (el, name, url) => {
  heldCount++;
  nativeSetAttribute.call(el, HELD_PREFIX + name, url);
  if (el.isConnected && el.localName == "iframe") placeholder(el);
};

/** Would `el` load this URL from a blocked service? (A text/plain script loads nothing.) */
const blocksUrl = (el, url) => !el.cgOwn
  && !(el.localName == "script" && el.type === INERT_SCRIPT_TYPE) && isBlocked(url);

/** Would giving `el` this attribute load a blocked URL? */
const blocks = (el, name, url) =>
  urlNames(el).includes(String(name).toLowerCase()) && blocksUrl(el, url);

/**
 * Hold every blocked URL attribute of `el`. `live`: it is on the page already (the observer);
 * an iframe is then replaced by a held copy, since detaching the original stops its load. A
 * parser-inserted script is prepared after this microtask: without src it runs nothing.
 * Only the attributes `el` has are checked: checking an absent one parsed the string "null"
 * as a URL, for each URL attribute of every image, script and link the parser added.
 */
const check = (el, live) => {
  if (el.localName == "template") return sweep(el.content);
  const names = urlNames(el).filter((name) => {
    const url = el.getAttribute(name);
    return url != null && blocksUrl(el, url);
  });
  if (!names[0]) return;
  const held = live && el.localName == "iframe" ? el.cloneNode(true) : el;
  const urls = names.map((name) => {
    const url = held.getAttribute(name);
    held.removeAttribute(name);
    return url;
  });
  if (held != el) el.replaceWith(held);
  names.forEach((name, i) => hold(held, name, urls[i])); // on the page: with its placeholder
};

/** Hold every blocked URL in `node` and below it, template contents included. */
const sweep = (node, live) => {
  if (node.nodeType == 1) check(node, live);
  if (node.querySelectorAll && node.firstElementChild) {
    forEachNode(node.querySelectorAll(URL_SELECTOR), (el) => check(el, live));
  }
};

/** HTML text with every blocked URL held, before it goes live. */
const neutralise = (html) => {
  if (typeof html !== "string" || !URL_TAGS.test(html)) return html;
  const template = createElement("template"), count = heldCount;
  nativeInnerHtml.set.call(template, html); // a template's content is inert
  sweep(template.content);
  return heldCount > count ? template.innerHTML : html;
};

/**
 * The MutationObserver's part for URLs (main.js): hold an element the parser added, and the
 * elements in it; give a waiting iframe its placeholder.
 */
export const holdAdded = (node) => {
  sweep(node, 1);
  forEachNode(node.localName == "iframe" ? [node] : node.getElementsByTagName("iframe"),
    (frame) => {
      if ((frame.hasAttribute(`${HELD_PREFIX}src`) || frame.hasAttribute(CATEGORY_ATTRIBUTE)
        && frame.hasAttribute(DEFERRED_SRC_ATTRIBUTE)) && !mayRun(frame)) placeholder(frame);
    });
};

/** Replace each method of `proto` named in `names` by one that first passes its arguments
 * through `filter`. */
const wrap = (proto, names, filter) => names.split(" ").forEach((name) => {
  const native = proto[name];
  if (native) {
    proto[name] = function (...args) {
      return native.apply(this, args.map(filter));
    };
  }
});

/**
 * A node about to enter the page's document: held first if it was built in another document
 * (DOMParser, a template's content, another window), where no setter of the page saw its
 * attributes. Nodes of this document were seen as they were made, so a framework building its
 * tree pays nothing here.
 */
const entering = (node) => {
  if (node?.nodeType && node.ownerDocument !== doc) sweep(node);
  return node;
};

/**
 * Where each URL property of the table (attributes.js) is defined: the prototypes of
 * HTML<name>Element (HTMLMediaElement's src serves video and audio). Named here, not found by
 * creating an element of each tag and walking its prototypes, which was about a third of the
 * loader's own start on a returning visit (bench/README.md). SVG's `href` properties are
 * read-only (SVGAnimatedString): setAttribute and setAttributeNS hold those.
 */
const PROPERTY_OWNERS = {
  src: "Script IFrame Frame Image Source Media Track Embed Input",
  srcset: "Image Source",
  poster: "Video",
  data: "Object",
  href: "Link",
  imageSrcset: "Link",
  ping: "Anchor Area",
};

/** Every URL property of the table: its setter holds a blocked URL, its getter shows it. */
const guardProperties = () => Object.entries(PROPERTY_OWNERS).forEach(([property, owners]) => {
  const name = property.toLowerCase(); // the attribute: imageSrcset -> imagesrcset
  owners.split(" ").forEach((owner) => {
    const proto = win[`HTML${owner}Element`]?.prototype;
    const native = proto && describe(proto, property);
    if (!native?.set) return;
    // Redefining an accessor keeps its flags (configurable, enumerable).
    define(proto, property, {
      get() {
        return this.getAttribute(HELD_PREFIX + name) || native.get.call(this);
      },
      set(url) {
        blocks(this, name, url) ? hold(this, name, url) : native.set.call(this, url);
      },
    });
  });
});

/** Put every interceptor up, before any tag runs. */
export const intercept = () => {
  guardProperties();
  const setAttributeNs = elementProto.setAttributeNS;
  elementProto.setAttribute = function (name, value) {
    return blocks(this, name, value)
      ? hold(this, String(name).toLowerCase(), value)
      : nativeSetAttribute.call(this, name, value);
  };
  elementProto.setAttributeNS = function (ns, name, value) {
    const local = String(name).split(":").pop();
    return blocks(this, local, value)
      ? hold(this, local.toLowerCase(), value)
      : setAttributeNs.call(this, ns, name, value);
  };
  const NativeAudio = win.Audio; // new Audio(url) sets its src without the setter
  win.Audio = function (url) {
    const audio = new NativeAudio();
    if (url !== undefined) audio.src = url;
    return audio;
  };
  win.Audio.prototype = NativeAudio.prototype;
  // HTML text (neutralise parses it with the native innerHTML setter).
  [[elementProto, "innerHTML"], [elementProto, "outerHTML"], [ShadowRoot.prototype, "innerHTML"]]
    .forEach(([proto, name]) => {
      const native = describe(proto, name);
      define(proto, name, {
        set(html) {
          native.set.call(this, neutralise(html));
        },
      });
    });
  wrap(elementProto, "insertAdjacentHTML setHTMLUnsafe setHTML", neutralise);
  wrap(ShadowRoot.prototype, "setHTMLUnsafe setHTML", neutralise);
  wrap(Range.prototype, "createContextualFragment", neutralise);
  wrap(doc, "write writeln", neutralise);
  // Nodes.
  wrap(Node.prototype, "appendChild insertBefore replaceChild", entering);
  wrap(elementProto, "append prepend before after replaceWith replaceChildren"
    + " insertAdjacentElement", entering);
  wrap(CharacterData.prototype, "before after replaceWith", entering);
  wrap(DocumentFragment.prototype, "append prepend replaceChildren", entering);
  wrap(Document.prototype, "adoptNode importNode", entering);
  wrap(Range.prototype, "insertNode surroundContents", entering);
};
