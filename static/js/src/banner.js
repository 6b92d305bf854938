/* cookiegate UI chunk: fetched by the loader only when a visitor must be asked or acts.
 * It shows the banner, preferences, reopen control and embed placeholders, records choices
 * (POST, cookie, retry), and deletes refused services' cookies. Builds its DOM with textContent
 * only (texts are data, never markup) and writes no style attributes (strict CSP).
 * Source of static/js/banner.js: edit here, then run static/build.sh.
 */
(function (w, d) {
  "use strict";
  var cg = w.cookiegate;
  if (!cg || !cg._ready) return;
  var L = cg._, R = cg.rules, UK = R.uk || []; // a loader cached from before the exception existed has no list

  // ---- constants
  // Where the reopen control sits: <script src=".../loader.js" data-position="end"> moves it to the inline end.
  var POSITION = (d.querySelector("script[data-position][src*='/loader.js']") || { dataset: {} }).dataset.position;
  var ACTION = "data-cg-action", ROOT = "cg-root", GPC = !!navigator.globalPrivacyControl;
  var FOCUSABLE = "a[href],button:not([disabled]),input:not([disabled]),summary,[tabindex]:not([tabindex='-1'])";

  var B = null, root, dialog, first, prefs, status, reopen, back, lastFocus = null, switches = {}, ukBoxes = [];

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

  // ---- the UK statistics exception: told, not asked; one click objects
  /** The exempt services the visitor objected to, as a services map ({} when none). */
  function objections() {
    var o = {}, c = L.consent();
    UK.forEach(function (id) { if (c && c.services && c.services[id] === false) o[id] = false; });
    return o;
  }
  function objected() { return UK.length > 0 && Object.keys(objections()).length === UK.length; }
  /** A box saying what runs without consent, its state, and the "Object" button. */
  function ukBox(t, n) {
    var box = el("section", "cg-uk", null, { "aria-labelledby": "cg-uk-t" + n });
    var state = el("p", "cg-uk-state", null, { role: "status" });
    box.append(el("h3", "cg-uk-title", t.uk_stats_title, { id: "cg-uk-t" + n }), el("p", "cg-text", t.uk_stats_notice), state, button(t.object, "object"));
    ukBoxes.push(box);
    return box;
  }
  function ukState() {
    var off = objected();
    ukBoxes.forEach(function (box) {
      box.querySelector(".cg-uk-state").textContent = off ? B.texts.objected : B.texts.uk_stats_on;
      box.querySelector("[data-cg-action=object]").hidden = off;
    });
  }

  function build(b) {
    var t = b.texts;
    if (b.gpc) GPC = true; // the server saw Sec-GPC: 1 on this request
    root = el("div", ROOT, null, { lang: String(b.locale).replace("_", "-"), dir: b.dir === "rtl" ? "rtl" : "ltr" });
    dialog = el("div", "cg-dialog", null, { role: "dialog", "aria-modal": "true", "aria-labelledby": "cg-title", "aria-describedby": "cg-desc", tabindex: "-1" });

    first = el("div", "cg-layer cg-first");
    var body = el("div", "cg-body");
    body.append(el("h2", "cg-title", t.title, { id: "cg-title" }), el("p", "cg-text", t.description, { id: "cg-desc" }));
    if (GPC) body.append(el("p", "cg-note", t.gpc_notice, { id: "cg-gpc-1" }));
    var pol = safeUrl(b.policy_url);
    if (pol) body.append(el("a", "cg-link", t.policy_link, { href: pol, target: "_blank", rel: "noopener" }));
    var acts = el("div", "cg-actions");
    acts.append(button(t.accept_all, "accept"), button(t.reject_all, "reject"), button(t.preferences, "prefs"));
    first.append(body, acts);
    if ((b.uk_statistics || []).length) first.append(ukBox(t, 1));

    prefs = el("div", "cg-layer cg-prefs", null, { hidden: "" });
    var list = el("div", "cg-cats");
    b.categories.forEach(function (c) {
      var id = "cg-cat-" + c.id, box = el("div", "cg-cat"), row = el("div", "cg-row");
      var input = el("input", "cg-switch", null, { type: "checkbox", role: "switch", id: id, "aria-describedby": id + "-d" });
      if (c.locked) { input.checked = true; input.disabled = true; }
      // Under Global Privacy Control its categories stay off: the signal is the visitor's standing opt-out.
      var off = GPC && R.gpc.indexOf(c.id) >= 0;
      if (off) { input.disabled = true; input.cgOff = true; input.setAttribute("aria-describedby", id + "-g " + id + "-d"); }
      switches[c.id] = input;
      row.append(el("label", "cg-name", c.name, { for: id }), input);
      if (c.locked) row.append(el("span", "cg-always", t.always_on));
      if (off) row.append(el("span", "cg-always cg-gpc-off", t.gpc_honoured, { id: id + "-g" }));
      box.append(row, el("p", "cg-desc", c.description, { id: id + "-d" }));
      var svcs = b.services.filter(function (s) { return s.category === c.id; });
      if (svcs.length) {
        var det = el("details", "cg-svcs"), ul = el("ul", "cg-svc-list");
        det.append(el("summary", null, c.services_count + ": " + svcs.map(function (s) { return s.name; }).join(", ")));
        svcs.forEach(function (s) {
          var li = el("li", "cg-svc");
          li.append(el("strong", null, s.name), el("span", "cg-provider", s.provider), el("p", null, s.description));
          if (s.necessary_because) li.append(el("p", "cg-because", s.necessary_because));
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
    prefs.append(el("h2", "cg-title", t.preferences, { id: "cg-ptitle" }));
    if (GPC) prefs.append(el("p", "cg-note", t.gpc_notice, { id: "cg-gpc" }));
    prefs.append(list);
    if ((b.uk_statistics || []).length) prefs.append(ukBox(t, 2));
    prefs.append(status, el("div", "cg-actions cg-nav"), pacts);
    prefs.querySelector(".cg-nav").append(back);

    dialog.append(first, prefs);
    dialog.hidden = true;
    reopen = el("button", "cg-reopen cg-at-" + (POSITION === "end" ? "end" : "start"), t.reopen, { type: "button", "data-cookiegate-open": "", hidden: "" });
    root.append(dialog, reopen);
    d.body.append(root);

    root.addEventListener("click", onClick);
    dialog.addEventListener("keydown", onKey);
    d.addEventListener("focusin", function (e) {
      if (!dialog.hidden && !dialog.contains(e.target)) focusables()[0].focus();
    });
  }

  function all(v) { var o = {}; R.cats.forEach(function (c) { o[c] = v; }); return o; }
  function current() { var o = {}; R.cats.forEach(function (c) { o[c] = cg.granted(c); }); return o; }

  // ---- recording a choice: applied at once; if the API cannot be reached, kept and retried
  /** Record a choice; resolves with the consent ID (rejects if it could not be recorded yet). */
  function record(method, choices, services) {
    var c = { choices: choices, services: services || {}, method: method, pending: true, rev: R.rev };
    R.locked.forEach(function (k) { c.choices[k] = true; });
    // Under GPC nothing it refuses is granted, not even for a moment before the server says no.
    if (GPC) R.services.forEach(function (s) { if (R.gpc.indexOf(s.cat) >= 0 && c.services[s.id]) c.services[s.id] = false; });
    if (GPC) R.gpc.forEach(function (k) { c.choices[k] = false; });
    L.pending.set(c);
    L.apply(c);
    purge();
    return post(c);
  }
  function post(c) {
    var prev = L.readToken();
    return L.texts().then(function (b) {
      var body = { revision: R.rev, shown_hash: b.shown_hash, locale: b.locale, method: c.method,
        choices: c.choices, services: c.services, page_url: location.href };
      if (prev) body.previous_token = prev;
      return L.fetch.call(w, L.api, { method: "POST", credentials: "include", keepalive: true,
        headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    }).then(function (r) {
      // A 4xx will not get better by retrying (e.g. the config changed meanwhile): drop it.
      if (r.status >= 400 && r.status < 500) L.pending.set(null);
      if (!r.ok) throw new Error("cookiegate: consent not recorded (" + r.status + ")");
      return r.json();
    }).then(function (a) {
      if (!a.cookie_set) {
        L.setCookie(R.cookie + "=" + a.token + "; Max-Age=" + R.days * 86400 + L.attrs);
      }
      if (JSON.stringify(L.pending.get()) === JSON.stringify(c)) L.pending.set(null);
      if (L.consent() === c) { c.id = a.consent_id; c.pending = false; cg.consent.id = a.consent_id; cg.consent.pending = false; }
      return a.consent_id;
    });
  }
  /** Delete the cookies of services not allowed now: on this host and its parents, root and page paths. */
  function purge() {
    var hosts = [""], h = location.hostname.split("."), paths = ["/"], p = location.pathname.split("/");
    for (var k = 0; k < h.length - 1; k++) hosts.push("; domain=" + h.slice(k).join("."));
    for (var q = 2; q <= p.length; q++) paths.push(p.slice(0, q).join("/"));
    L.getCookies().split("; ").forEach(function (kv) {
      var n = kv.split("=")[0], i = L.cookieService(n);
      if (n && i >= 0 && !L.allowed(i)) hosts.forEach(function (hd) {
        paths.forEach(function (pa) { L.setCookie(n + "=; Max-Age=0; path=" + pa + hd); });
      });
    });
  }
  function choose(method, choices, services) {
    return record(method, choices, services).then(function (id) {
      if (status) status.textContent = B.texts.consent_id + ": " + id;
      return id;
    }, function () { /* applied locally and kept for a retry; nothing more to show */ });
  }

  // ---- placeholder of a blocked embed, with a button that allows just that service
  function fill(frame, ph) {
    L.texts().then(function (b) {
      var i = L.serviceOf(L.urlOf(frame)), sid = i >= 0 ? R.services[i].id : "", cat = frame.getAttribute("data-category");
      var svc = b.services.filter(function (s) { return s.id === sid; })[0];
      cat = cat || (svc && svc.category);
      var cn = (b.categories.filter(function (c) { return c.id === cat; })[0] || {}).name || cat;
      var sn = svc ? svc.name : cn;
      var btn = button(fmt(b.texts.allow_service, "service", sn), "allow");
      btn.addEventListener("click", function () {
        var c = current(), o = Object.assign({}, L.consent() && L.consent().services);
        if (svc) o[svc.id] = true; else c[cat] = true;
        record("custom", c, o).catch(function () {});
      });
      ph.replaceChildren(el("p", null, fmt(fmt(b.texts.blocked_content, "service", sn), "category", cn)), btn);
    });
  }
  function onClick(e) {
    var b = e.target.closest("[" + ACTION + "]");
    if (!b) return;
    var a = b.getAttribute(ACTION), c;
    if (a === "accept") {
      c = all(true);
      if (GPC) cg.rules.gpc.forEach(function (k) { c[k] = false; });
      // Accept all grants every service, so it also lifts an objection; "gpc" keeps it.
      choose(GPC ? "gpc" : "accept_all", c, GPC ? objections() : {}); close();
    } else if (a === "reject") { choose("reject_all", all(false), objections()); close(); }
    else if (a === "object") {
      var o = Object.assign({}, L.consent() && L.consent().services);
      UK.forEach(function (id) { o[id] = false; });
      record("objection", current(), o).catch(function () {});
      ukState();
      dialog.focus(); // the button is gone; the status line says what happened
    }
    else if (a === "prefs") layer(true);
    else if (a === "back") cg.consent ? close() : layer(false);
    else if (a === "save") {
      c = {};
      cg.rules.cats.forEach(function (k) { c[k] = switches[k].checked; });
      status.textContent = "";
      choose("custom", c, objections());
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
  function layer(showPrefs, later) {
    first.hidden = showPrefs;
    prefs.hidden = !showPrefs;
    dialog.setAttribute("aria-labelledby", showPrefs ? "cg-ptitle" : "cg-title");
    // Under GPC the dialog's description says the signal was honoured, so opening it announces that.
    if (GPC) dialog.setAttribute("aria-describedby", showPrefs ? "cg-gpc" : "cg-desc cg-gpc-1");
    ukState();
    if (showPrefs) {
      var c = cg.consent;
      cg.rules.cats.forEach(function (k) { var s = switches[k]; s.checked = R.locked.indexOf(k) >= 0 || (!s.cgOff && !!(c && c.choices[k])); });
      status.textContent = c && c.id ? B.texts.consent_id + ": " + c.id : "";
    }
    // The first layer takes focus on the dialog itself, so no button is one keypress from a choice.
    var target = showPrefs ? switches[R.cats.filter(function (k) { return !switches[k].disabled; })[0]] || back : dialog;
    // On page load, focus after the first frame: focusing now would force a synchronous layout.
    if (later) requestAnimationFrame(function () { target.focus(); }); else target.focus();
  }
  function open(showPrefs, later) {
    if (dialog.hidden) lastFocus = d.activeElement;
    dialog.hidden = false;
    reopen.hidden = true;
    layer(showPrefs, later);
  }
  function close() {
    dialog.hidden = true;
    reopen.hidden = false;
    var f = lastFocus && lastFocus.isConnected && lastFocus !== d.body ? lastFocus : reopen;
    f.focus();
  }

  /** Show the "banner" (first layer), "prefs", or only the "reopen" control, once the body exists. */
  function show(mode) {
    return new Promise(function (ok) {
      if (d.body) ok(); else d.addEventListener("DOMContentLoaded", ok);
    }).then(L.texts).then(function (b) {
      if (!B) { B = b; build(b); }
      if (mode === "reopen") { if (dialog.hidden) reopen.hidden = false; }
      else open(mode === "prefs", mode === "banner");
    });
  }

  // Hand the loader this chunk's entry points.
  cg._ready({
    show: show,
    fill: fill,
    post: function (c) { return post(c).catch(function () { /* still pending: next page retries */ }); },
    withdraw: function () { return record("withdraw", all(false), objections()); },
    /** GPC turned off what an earlier choice granted: delete those cookies and record it. */
    refuse: function (c) { purge(); return post(c).catch(function () { /* still pending: next page retries */ }); },
  });
})(window, document);
