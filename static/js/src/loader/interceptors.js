/**
 * The two interceptors (yett's `monkey.js` and `observer.js`). A tag whose URL belongs to a
 * blocked service never gets that URL: it is held in data-cg-src instead.
 * 1. The `src` setters, setAttribute and HTML text (innerHTML, insertAdjacentHTML,
 *    document.write) catch tags that scripts make.
 * 2. A MutationObserver catches the tags the parser adds after the loader.
 * A held iframe that is on the page is hidden behind a placeholder box.
 * @module loader/interceptors
 */

import {
  CATEGORY_ATTRIBUTE, DEFERRED_SRC_ATTRIBUTE, HELD_SRC_ATTRIBUTE, INERT_SCRIPT_TYPE,
  PLACEHOLDER_CLASS,
} from "../shared/constants.js";
import { bannerChunk } from "./api.js";
import { isBlocked, mayRun } from "./checks.js";
import {
  createElement, define, describe, doc, elementProto, forEachNode, nativeSetAttribute,
} from "./env.js";

const TAG_NAMES = /^(SCRIPT|IFRAME|IMG)$/;

/** Hide a blocked embed behind an empty box; the banner chunk writes its text and button. */
const placeholder = (frame) => {
  if (frame.cgPh) return; // already has one
  const box = frame.cgPh = createElement("div");
  box.className = PLACEHOLDER_CLASS;
  frame.hidden = true;
  frame.before(box);
  bannerChunk().then((ui) => ui.fill(frame, box));
};

/** Keep `url` on the element instead of loading it; a visible iframe gets a placeholder. */
const hold = (el, url) => {
  nativeSetAttribute.call(el, HELD_SRC_ATTRIBUTE, url);
  if (el.isConnected && el.tagName === "IFRAME") placeholder(el);
};

/** HTML text with every blocked tag's src held, before it goes live. */
const neutralise = (html) => {
  if (typeof html !== "string" || !/<(script|iframe|img)/i.test(html)) return html;
  const template = createElement("template");
  let held = false;
  template.innerHTML = html; // a template's content is inert: nothing in it loads or runs
  forEachNode(template.content.querySelectorAll("script[src],iframe[src],img[src]"), (el) => {
    const url = el.getAttribute("src");
    if (isBlocked(url)) {
      held = true;
      el.removeAttribute("src");
      hold(el, url);
    }
  });
  return held ? template.innerHTML : html;
};


/** Hold a blocked tag the parser added; give a waiting iframe its placeholder. */
const inspect = (node) => {
  if (node.nodeType !== 1) return;
  if (TAG_NAMES.test(node.tagName)) {
    const url = node.getAttribute("src");
    const blocked = url && !node.cgOwn && node.type !== INERT_SCRIPT_TYPE
      && isBlocked(url);
    if (blocked) {
      // An iframe is replaced by a copy, since detaching the original stops its load. A
      // parser-inserted script is prepared after this microtask: without src it runs nothing.
      const held = node.tagName === "IFRAME" ? node.cloneNode(true) : node;
      held.removeAttribute("src");
      if (held !== node) node.replaceWith(held);
      hold(held, url);
    } else if (node.tagName === "IFRAME" && (node.hasAttribute(HELD_SRC_ATTRIBUTE)
      || node.hasAttribute(CATEGORY_ATTRIBUTE) && node.hasAttribute(DEFERRED_SRC_ATTRIBUTE))
      && !mayRun(node)) {
      placeholder(node);
    }
  }
  if (node.firstElementChild) {
    forEachNode(node.querySelectorAll("script[src],iframe,img[src]"), inspect);
  }
};

/**
 * Put both interceptors up: (1) every way a script can give a tag its URL or write tags as
 * HTML, (2) a MutationObserver on every node added to the document from now on.
 */
export const intercept = () => {
  // Redefining an accessor keeps its flags (configurable, enumerable), and its getter if none
  // is given.
  [HTMLScriptElement, HTMLIFrameElement, HTMLImageElement].forEach((Tag) => {
    const src = describe(Tag.prototype, "src");
    define(Tag.prototype, "src", {
      get() {
        return this.getAttribute(HELD_SRC_ATTRIBUTE) || src.get.call(this);
      },
      set(url) {
        isBlocked(url) ? hold(this, url) : src.set.call(this, url);
      },
    });
  });
  elementProto.setAttribute = function (name, value) {
    return TAG_NAMES.test(this.tagName) && /^src$/i.test(name) && isBlocked(value)
      ? hold(this, value)
      : nativeSetAttribute.call(this, name, value);
  };
  const innerHtml = describe(elementProto, "innerHTML");
  const insertAdjacentHtml = elementProto.insertAdjacentHTML;
  define(elementProto, "innerHTML", {
    set(html) {
      innerHtml.set.call(this, this.tagName === "TEMPLATE" ? html : neutralise(html));
    },
  });
  elementProto.insertAdjacentHTML = function (position, html) {
    return insertAdjacentHtml.call(this, position, neutralise(html));
  };
  ["write", "writeln"].forEach((method) => {
    const write = doc[method];
    doc[method] = (...html) => write.apply(doc, html.map(neutralise));
  });
  new MutationObserver(
    (mutations) => mutations.forEach((mutation) => forEachNode(mutation.addedNodes, inspect)),
  ).observe(doc.documentElement, { childList: true, subtree: true });
};
