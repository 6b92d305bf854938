/* cookiegate banner UI: loaded by the loader only when the banner, preferences or the reopen
   control must show. Builds its DOM with textContent only (texts are data, never markup),
   writes no style attributes (strict CSP), and records choices through window.cookiegate. */
(function (w, d) {
  "use strict";
  var cg = w.cookiegate;
  if (!cg || cg._show) return;

  // ---- constants
  var ACTION = "data-cg-action", ROOT = "cg-root", GPC = !!navigator.globalPrivacyControl;
  var FOCUSABLE = "a[href],button:not([disabled]),input:not([disabled]),summary,[tabindex]:not([tabindex='-1'])";

  var B = null, root, dialog, first, prefs, status, reopen, back, lastFocus = null, switches = {};

  /** Make an element; `text` goes in as text, never parsed as HTML. */
  function el(tag, cls, text, attrs) {
    var e = d.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    return e;
  }
  function fmt(s, key, v) { return String(s).split("%(" + key + ")s").join(v); }
  function safeUrl(u) { return /^https?:\/\//i.test(u || "") ? u : ""; }
  function button(text, action, cls) { return el("button", "cg-btn" + (cls ? " " + cls : ""), text, { type: "button", "data-cg-action": action }); }

  function build(b) {
    var t = b.texts;
    root = el("div", ROOT, null, { lang: String(b.locale).replace("_", "-"), dir: b.dir === "rtl" ? "rtl" : "ltr" });
    dialog = el("div", "cg-dialog", null, { role: "dialog", "aria-modal": "true", "aria-labelledby": "cg-title", "aria-describedby": "cg-desc", tabindex: "-1" });

    first = el("div", "cg-layer cg-first");
    var body = el("div", "cg-body");
    body.append(el("h2", "cg-title", t.title, { id: "cg-title" }), el("p", "cg-text", t.description, { id: "cg-desc" }));
    if (GPC) body.append(el("p", "cg-note", t.gpc_notice));
    var pol = safeUrl(b.policy_url);
    if (pol) body.append(el("a", "cg-link", t.policy_link, { href: pol, target: "_blank", rel: "noopener" }));
    var acts = el("div", "cg-actions");
    acts.append(button(t.accept_all, "accept"), button(t.reject_all, "reject"), button(t.preferences, "prefs"));
    first.append(body, acts);

    prefs = el("div", "cg-layer cg-prefs", null, { hidden: "" });
    var list = el("div", "cg-cats");
    b.categories.forEach(function (c) {
      var id = "cg-cat-" + c.id, box = el("div", "cg-cat"), row = el("div", "cg-row");
      var input = el("input", "cg-switch", null, { type: "checkbox", role: "switch", id: id, "aria-describedby": id + "-d" });
      if (c.locked) { input.checked = true; input.disabled = true; }
      switches[c.id] = input;
      row.append(el("label", "cg-name", c.name, { for: id }), input);
      if (c.locked) row.append(el("span", "cg-always", t.always_on));
      box.append(row, el("p", "cg-desc", c.description, { id: id + "-d" }));
      var svcs = b.services.filter(function (s) { return s.category === c.id; });
      if (svcs.length) {
        var det = el("details", "cg-svcs"), ul = el("ul", "cg-svc-list");
        det.append(el("summary", null, svcs.map(function (s) { return s.name; }).join(", ")));
        svcs.forEach(function (s) {
          var li = el("li", "cg-svc");
          li.append(el("strong", null, s.name), el("span", "cg-provider", s.provider), el("p", null, s.description));
          if (s.cookies.length) li.append(el("p", "cg-cookies", s.cookies.join(", ")));
          if (safeUrl(s.privacy_url)) li.append(el("a", "cg-link", s.provider, { href: s.privacy_url, target: "_blank", rel: "noopener" }));
          ul.append(li);
        });
        det.append(ul);
        box.append(det);
      }
      list.append(box);
    });
    status = el("p", "cg-status", null, { role: "status" });
    var pacts = el("div", "cg-actions");
    back = button(t.back, "back", "cg-secondary");
    pacts.append(button(t.reject_all, "reject"), button(t.accept_all, "accept"), button(t.save, "save"));
    prefs.append(el("h2", "cg-title", t.preferences, { id: "cg-ptitle" }), list, status, el("div", "cg-actions cg-nav"), pacts);
    prefs.querySelector(".cg-nav").append(back);

    dialog.append(first, prefs);
    dialog.hidden = true;
    reopen = el("button", "cg-reopen cg-at-" + (cg.position === "end" ? "end" : "start"), t.reopen, { type: "button", "data-cookiegate-open": "", hidden: "" });
    root.append(dialog, reopen);
    d.body.append(root);

    root.addEventListener("click", onClick);
    dialog.addEventListener("keydown", onKey);
    d.addEventListener("focusin", function (e) {
      if (!dialog.hidden && !dialog.contains(e.target)) focusables()[0].focus();
    });
  }

  function all(v) { var o = {}; cg.rules.cats.forEach(function (c) { o[c] = v; }); return o; }
  function choose(method, choices) {
    return cg._choose(method, choices, {}).then(function (id) {
      status.textContent = B.texts.consent_id + ": " + id;
      return id;
    }, function () { /* applied locally and kept for a retry; nothing more to show */ });
  }
  function onClick(e) {
    var b = e.target.closest("[" + ACTION + "]");
    if (!b) return;
    var a = b.getAttribute(ACTION), c;
    if (a === "accept") {
      c = all(true);
      if (GPC) cg.rules.gpc.forEach(function (k) { c[k] = false; });
      choose(GPC ? "gpc" : "accept_all", c); close();
    } else if (a === "reject") { choose("reject_all", all(false)); close(); }
    else if (a === "prefs") layer(true);
    else if (a === "back") cg.consent ? close() : layer(false);
    else if (a === "save") {
      c = {};
      cg.rules.cats.forEach(function (k) { c[k] = switches[k].checked; });
      status.textContent = "";
      choose("custom", c);
    }
  }
  function onKey(e) {
    if (e.key === "Escape") {
      // Escape leaves the preferences; it is never a choice.
      if (!prefs.hidden) { e.preventDefault(); cg.consent ? close() : layer(false); }
      return;
    }
    if (e.key !== "Tab") return;
    var f = focusables(), i = f.indexOf(d.activeElement);
    if (e.shiftKey && i <= 0) { e.preventDefault(); f[f.length - 1].focus(); }
    else if (!e.shiftKey && i === f.length - 1) { e.preventDefault(); f[0].focus(); }
  }
  function focusables() {
    return [].filter.call(dialog.querySelectorAll(FOCUSABLE), function (x) { return x.getClientRects().length > 0; });
  }
  function layer(showPrefs) {
    first.hidden = showPrefs;
    prefs.hidden = !showPrefs;
    dialog.setAttribute("aria-labelledby", showPrefs ? "cg-ptitle" : "cg-title");
    if (showPrefs) {
      var c = cg.consent;
      cg.rules.cats.forEach(function (k) { switches[k].checked = switches[k].disabled || !!(c && c.choices[k]); });
      status.textContent = c && c.id ? B.texts.consent_id + ": " + c.id : "";
    }
    // The first layer takes focus on the dialog itself, so no button is one keypress from a choice.
    (showPrefs ? switches[cg.rules.cats.filter(function (k) { return !switches[k].disabled; })[0]] || back : dialog).focus();
  }
  function open(showPrefs) {
    if (dialog.hidden) lastFocus = d.activeElement;
    dialog.hidden = false;
    reopen.hidden = true;
    layer(showPrefs);
  }
  function close() {
    dialog.hidden = true;
    reopen.hidden = false;
    var f = lastFocus && lastFocus.isConnected && lastFocus !== d.body ? lastFocus : reopen;
    f.focus();
  }

  function show(mode) {
    cg._texts().then(function (b) {
      if (!B) { B = b; build(b); }
      if (mode === "reopen") { if (dialog.hidden) reopen.hidden = false; }
      else open(mode === "prefs");
    });
  }
  cg._show = function (mode) {
    if (d.body) show(mode);
    else d.addEventListener("DOMContentLoaded", function () { show(mode); });
  };
  cg._show(cg._want || "banner");
})(window, document);
