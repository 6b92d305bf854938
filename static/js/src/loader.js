/* cookiegate loader: Consent Mode defaults, tag blocking, the stored choice, window.cookiegate.
   No UI here: banner.js is fetched only when the banner or a placeholder must show. */
(function (w, d) {
  "use strict";
  /** @typedef {{site:string,rev:number,cookie:string,domain:string,days:number,cats:string[],
   *  locked:string[],gpc:string[],signals:Object<string,string[]>,patterns:Array<[string,number]>,
   *  services:Array<{id:string,cat:string,cookies:string[]}>,ui:string,css:string}} Rules */
  /** @type {Rules} */
  var R = /*@rules@*/{};

  // ---- constants: every attribute, storage key and event name in one place
  var CAT = "data-category", DSRC = "data-src", HELD = "data-cg-src", SVC = "data-cg-svc",
    TYPE = "data-cg-type", PH = "data-cg-ph", OPEN = "data-cookiegate-open", EVT = "cookiegate:change",
    PLAIN = "text/plain", PENDING = "cookiegate:pending:" + R.site, TAGS = /^(SCRIPT|IFRAME|IMG)$/;

  var me = d.currentScript, NONCE = me && me.nonce, SRC = me ? me.src : location.href;
  var BASE = SRC.replace(/\/loader\.js.*$/, ""), ORIGIN = new URL(SRC).origin;
  var P = Object.getOwnPropertyDescriptor, DP = Object.defineProperty;
  var origSetAttr = Element.prototype.setAttribute, mk = d.createElement.bind(d);
  var cookieDesc = P(Document.prototype, "cookie");
  var pats = R.patterns.map(function (p) { return [new RegExp(p[0]), p[1]]; });
  var svcRx = R.services.map(function (s) { return s.cookies.map(function (c) { return new RegExp(c); }); });
  var consent = null, listeners = [], texts = null, uiLoaded = false;

  function safeRun(fn, fallback) { try { return fn(); } catch (e) { return fallback; } }
  function has(a, x) { return a.indexOf(x) >= 0; }
  function getCookies() { return cookieDesc.get.call(d); }
  function setCookie(v) { cookieDesc.set.call(d, v); }

  // ---- checks (pure over the rules and the current consent)
  /** Index of the service a URL belongs to, or -1: first (most specific) pattern wins. */
  function serviceOf(url) {
    var u = safeRun(function () { return new URL(url, d.baseURI); });
    if (!u || !/^https?:$/.test(u.protocol)) return -1;
    var key = u.host + u.pathname + u.search;
    for (var i = 0; i < pats.length; i++) if (pats[i][0].test(key)) return pats[i][1];
    return -1;
  }
  function granted(cat) { return has(R.locked, cat) || !!(consent && consent.choices[cat]); }
  function allowed(i) {
    var s = R.services[i], o = consent && consent.services;
    return has(R.locked, s.cat) || (o && s.id in o ? !!o[s.id] : granted(s.cat));
  }
  function blockedUrl(url) { var i = serviceOf(url); return i >= 0 && !allowed(i) ? i : -1; }
  function cookieService(name) {
    for (var i = 0; i < svcRx.length; i++)
      for (var j = 0; j < svcRx[i].length; j++) if (svcRx[i][j].test(name)) return i;
    return -1;
  }

  // ---- Google Consent Mode v2: defaults before any tag, updates as consent changes
  w.dataLayer = w.dataLayer || [];
  var gtag = w.gtag || function () { w.dataLayer.push(arguments); };
  function signals() {
    var o = {};
    R.cats.forEach(function (c) {
      (R.signals[c] || []).concat(c === "functional" ? ["functionality_storage"] : []).forEach(function (s) { o[s] = o[s] === "granted" || granted(c) ? "granted" : "denied"; });
    });
    return o;
  }
  var def = { ad_storage: "denied", ad_user_data: "denied", ad_personalization: "denied", analytics_storage: "denied",
    personalization_storage: "denied", functionality_storage: "denied", security_storage: "granted", wait_for_update: 500 };
  gtag("consent", "default", def);

  // ---- the stored choice: signed token cookie (read only), or a pending one not yet recorded
  function decode(token) {
    return safeRun(function () {
      var p = token.split(".")[0];
      if (!p) return null; // empty, or "." = compressed payload: not ours
      var c = JSON.parse(atob(p.replace(/-/g, "+").replace(/_/g, "/")));
      return c.site === R.site && c.rev === R.rev && c.exp > Date.now() / 1000 && c.choices ? c : null;
    }, null);
  }
  function readToken() {
    var m = getCookies().match(new RegExp("(?:^|; )" + R.cookie + "=([^;]*)"));
    return m ? m[1] : "";
  }
  var store = {
    get: function () { return safeRun(function () { return JSON.parse(sessionStorage.getItem(PENDING)); }, null); },
    set: function (v) { safeRun(function () { v ? sessionStorage.setItem(PENDING, JSON.stringify(v)) : sessionStorage.removeItem(PENDING); }); }
  };

  // ---- blocking: hold the URL of a blocked element, release it when granted
  function hold(el, url, i) {
    origSetAttr.call(el, HELD, url);
    origSetAttr.call(el, SVC, R.services[i].id);
    if (el.isConnected && el.tagName === "IFRAME") placeholder(el);
  }
  function patchSrc(proto, attr) {
    var o = P(proto, attr);
    DP(proto, attr, { configurable: true, enumerable: true,
      get: function () { return this.getAttribute(HELD) || o.get.call(this); },
      set: function (v) { var i = blockedUrl(v); i < 0 ? o.set.call(this, v) : hold(this, String(v), i); } });
  }
  [HTMLScriptElement, HTMLIFrameElement, HTMLImageElement].forEach(function (C) { patchSrc(C.prototype, "src"); });
  Element.prototype.setAttribute = function (n, v) {
    var i;
    if (TAGS.test(this.tagName) && String(n).toLowerCase() === "src" && (i = blockedUrl(v)) >= 0) return hold(this, String(v), i);
    return origSetAttr.call(this, n, v);
  };
  /** Neutralise blocked tags in an HTML string (innerHTML, document.write) before it is parsed live. */
  function cleanHTML(html) {
    if (typeof html !== "string" || !/<(script|iframe|img)/i.test(html)) return html;
    var t = mk("template"), hit = false;
    t.innerHTML = html; // template content is inert: nothing loads or runs
    t.content.querySelectorAll("script[src],iframe[src],img[src]").forEach(function (el) {
      var u = el.getAttribute("src"), i = blockedUrl(u);
      if (i >= 0) { hit = true; el.removeAttribute("src"); origSetAttr.call(el, HELD, u); origSetAttr.call(el, SVC, R.services[i].id); }
    });
    return hit ? t.innerHTML : html;
  }
  var ih = P(Element.prototype, "innerHTML");
  DP(Element.prototype, "innerHTML", { configurable: true, get: ih.get,
    set: function (v) { ih.set.call(this, this.tagName === "TEMPLATE" ? v : cleanHTML(v)); } });
  var ia = Element.prototype.insertAdjacentHTML;
  Element.prototype.insertAdjacentHTML = function (p, h) { return ia.call(this, p, cleanHTML(h)); };
  ["write", "writeln"].forEach(function (k) {
    var f = d[k];
    d[k] = function () { return f.apply(d, [].map.call(arguments, cleanHTML)); };
  });
  /** Tags the parser adds after the loader: caught before they run (scripts) or load. */
  function scan(el) {
    if (el.nodeType !== 1) return;
    if (TAGS.test(el.tagName)) {
      var u = el.getAttribute("src"), i = u && el.type !== PLAIN ? blockedUrl(u) : -1;
      if (i >= 0) {
        if (el.tagName === "SCRIPT") {
          origSetAttr.call(el, TYPE, el.type); el.type = PLAIN; // Firefox-safe alongside removing src
          el.removeAttribute("src"); hold(el, u, i);
        } else if (el.tagName === "IFRAME" && el.isConnected) {
          var c = el.cloneNode(true); c.removeAttribute("src"); hold(c, u, i); el.replaceWith(c); // detaching stops the load
        } else { el.removeAttribute("src"); hold(el, u, i); }
      } else if (el.tagName === "IFRAME" && (el.getAttribute(HELD) || (el.hasAttribute(DSRC) && el.hasAttribute(CAT))) && !ready(el)) {
        placeholder(el);
      }
    }
    if (el.children.length) [].forEach.call(el.querySelectorAll("script[src],iframe,img[src]"), scan);
  }
  var mo = new MutationObserver(function (ms) {
    ms.forEach(function (m) { [].forEach.call(m.addedNodes, scan); });
  });
  mo.observe(d.documentElement, { childList: true, subtree: true });

  // ---- network guard: fetch, XMLHttpRequest and sendBeacon to a blocked service are refused
  var of = w.fetch;
  if (of) w.fetch = function (input) {
    var u = input && input.url || String(input);
    return blockedUrl(u) >= 0 ? Promise.reject(new TypeError("cookiegate: blocked " + u)) : of.apply(this, arguments);
  };
  var X = XMLHttpRequest.prototype, xo = X.open, xs = X.send;
  X.open = function (m, u) { this._cg = blockedUrl(u) >= 0; return xo.apply(this, arguments); };
  X.send = function () {
    if (!this._cg) return xs.apply(this, arguments);
    var x = this; setTimeout(function () { x.dispatchEvent(new Event("error")); });
  };
  var nav = navigator, sb = nav.sendBeacon;
  if (sb) nav.sendBeacon = function (u) { return blockedUrl(u) >= 0 ? false : sb.apply(nav, arguments); };
  // A refused service's cookie write is dropped; deleting one is always allowed.
  DP(Document.prototype, "cookie", { configurable: true, enumerable: true, get: cookieDesc.get,
    set: function (v) {
      var s = String(v), i = cookieService(s.split("=")[0].trim());
      var del = /;\s*max-age=\s*(-|0\b)/i.test(s) || safeRun(function () { return new Date(s.match(/;\s*expires=([^;]*)/i)[1]) < new Date(); }, false);
      if (i < 0 || allowed(i) || del) setCookie(s);
    } });

  // ---- release: what is granted now runs, in document order, exactly once
  function urlOf(el) { return el.getAttribute(HELD) || el.getAttribute(DSRC) || el.getAttribute("src") || ""; }
  /** May this held or explicitly marked element run now? A service's own choice beats its category. */
  function ready(el) {
    var c = el.getAttribute(CAT), u = urlOf(el), i = u ? serviceOf(u) : -1, o = consent && consent.services;
    if (i >= 0 && o && R.services[i].id in o) return !!o[R.services[i].id];
    return c ? granted(c) : i >= 0 && allowed(i);
  }
  var queue = Promise.resolve();
  function release() {
    var sel = "script[type='" + PLAIN + "'][" + CAT + "],[" + HELD + "],iframe[" + CAT + "][" + DSRC + "]";
    var els = [].filter.call(d.querySelectorAll(sel), ready);
    queue = els.reduce(function (q, el) { return q.then(function () { return activate(el); }); }, queue);
  }
  function activate(el) {
    if (!el.isConnected || el.cgDone) return;
    el.cgDone = 1;
    var url = urlOf(el);
    if (el.tagName !== "SCRIPT") {
      el.removeAttribute(HELD); el.removeAttribute(DSRC);
      var ph = el.cgPh; if (ph) { ph.remove(); el.hidden = false; }
      if (url) el.src = url;
      return;
    }
    var s = mk("script");
    [].forEach.call(el.attributes, function (a) {
      if (!/^(type|src|nonce|data-cg-.*)$/.test(a.name)) origSetAttr.call(s, a.name, a.value);
    });
    var t = el.getAttribute(TYPE); if (t) s.type = t;
    if (NONCE || el.nonce) s.nonce = NONCE || el.nonce;
    if (!url) { s.text = el.text; el.replaceWith(s); return; }
    var wait = !el.hasAttribute("async") && !el.hasAttribute(SVC);
    s.async = !wait;
    return new Promise(function (ok) {
      s.onload = s.onerror = ok;
      s.src = url; el.replaceWith(s);
      if (!wait) ok();
    });
  }

  // ---- blocked iframe placeholder with an "Allow <service>" button (texts from banner.json)
  function placeholder(el) {
    if (el.cgPh) return;
    var ph = el.cgPh = mk("div");
    ph.className = "cg-ph"; origSetAttr.call(ph, PH, "");
    el.hidden = true; el.before(ph);
    css();
    bannerTexts().then(function (b) {
      var i = serviceOf(urlOf(el)), sid = i >= 0 ? R.services[i].id : "", cat = el.getAttribute(CAT);
      var svc = b.services.filter(function (s) { return s.id === sid; })[0];
      cat = cat || (svc && svc.category);
      var cn = (b.categories.filter(function (c) { return c.id === cat; })[0] || {}).name || cat;
      var sn = svc ? svc.name : cn;
      var p = mk("p"), btn = mk("button");
      p.textContent = b.texts.blocked_content.replace("%(service)s", sn).replace("%(category)s", cn);
      btn.type = "button"; btn.className = "cg-btn";
      btn.textContent = b.texts.allow_service.replace("%(service)s", sn);
      btn.onclick = function () {
        var c = current(); c[cat] = true;
        (svc ? api.allow(svc.id) : choose("custom", c, consent && consent.services)).catch(function () {});
      };
      ph.replaceChildren(p, btn);
    });
  }

  // ---- banner UI and texts, fetched lazily
  function bannerTexts() {
    return texts = texts || of(BASE + "/banner.json?locale=" + encodeURIComponent(d.documentElement.lang || ""))
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
  }
  function css() {
    if (d.querySelector("link[data-cg]")) return;
    var l = mk("link"); l.rel = "stylesheet"; l.href = ORIGIN + R.css; origSetAttr.call(l, "data-cg", "");
    d.head.appendChild(l);
  }
  function ui(mode) {
    api._want = mode; css(); bannerTexts();
    if (api._show) return api._show(mode);
    if (uiLoaded) return;
    uiLoaded = true;
    var s = mk("script"); s.src = ORIGIN + R.ui; s.async = true; if (NONCE) s.nonce = NONCE;
    d.head.appendChild(s);
  }

  // ---- applying and recording a choice
  function current() {
    var o = {};
    R.cats.forEach(function (c) { o[c] = granted(c); });
    return o;
  }
  function apply(c) {
    consent = c;
    api.consent = c && { id: c.id || null, choices: Object.assign({}, c.choices), services: Object.assign({}, c.services || {}), pending: !!c.pending };
    gtag("consent", "update", signals());
    w.dataLayer.push({ event: "cookiegate_consent", cookiegate: api.consent });
    purge();
    release();
    listeners.forEach(function (fn) { safeRun(function () { fn(api.consent); }); });
    d.dispatchEvent(new CustomEvent(EVT, { detail: api.consent }));
  }
  /** Delete the cookies of services not allowed now, on this host, its parents and paths. */
  function purge() {
    var hosts = [""], h = location.hostname.split("."), paths = ["/"], p = location.pathname.split("/");
    for (var k = 0; k < h.length - 1; k++) hosts.push("; domain=" + h.slice(k).join("."));
    for (var q = 2; q <= p.length; q++) paths.push(p.slice(0, q).join("/"));
    getCookies().split("; ").forEach(function (kv) {
      var n = kv.split("=")[0], i = cookieService(n);
      if (n && i >= 0 && !allowed(i)) hosts.forEach(function (hd) {
        paths.forEach(function (pa) { setCookie(n + "=; Max-Age=0; path=" + pa + hd); });
      });
    });
  }
  /** Record a choice; it applies at once and, if the API cannot be reached, is retried later. */
  function choose(method, choices, services) {
    var c = { choices: choices, services: services || {}, method: method, pending: true, rev: R.rev };
    R.locked.forEach(function (k) { c.choices[k] = true; });
    store.set(c);
    apply(c);
    return post(c);
  }
  function post(c) {
    var prev = readToken();
    return bannerTexts().then(function (b) {
      var body = { revision: R.rev, shown_hash: b.shown_hash, locale: b.locale, method: c.method,
        choices: c.choices, services: c.services, page_url: location.href };
      if (prev) body.previous_token = prev;
      return of(BASE + "/consents", { method: "POST", credentials: "include", keepalive: true,
        headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
    }).then(function (r) {
      if (r.status >= 400 && r.status < 500) { store.set(null); throw new Error("cookiegate: refused " + r.status); }
      if (!r.ok) throw new Error("cookiegate: " + r.status);
      return r.json();
    }).then(function (a) {
      if (!a.cookie_set) {
        setCookie(R.cookie + "=" + a.token + "; Max-Age=" + R.days * 86400 + "; path=/; SameSite=Lax" +
          (R.domain ? "; domain=" + R.domain : "") + (location.protocol === "https:" ? "; Secure" : ""));
      }
      if (JSON.stringify(store.get()) === JSON.stringify(c)) store.set(null);
      if (consent === c) { consent = decode(a.token) || c; api.consent.id = a.consent_id; api.consent.pending = false; }
      return a.consent_id;
    });
  }

  // ---- public API
  var api = w.cookiegate = {
    consent: null, rules: R, position: me && me.getAttribute("data-position"),
    granted: granted,
    open: function () { ui("prefs"); },
    /** Withdraw every optional consent: recorded, cookies deleted, tags kept from running. */
    withdraw: function () {
      var c = {}; R.cats.forEach(function (k) { c[k] = false; });
      return choose("withdraw", c, {});
    },
    /** Grant one service on top of the current choice (used by the embed placeholder). */
    allow: function (id) {
      var s = Object.assign({}, consent && consent.services); s[id] = true;
      return choose("custom", current(), s);
    },
    on: function (type, fn) { if (type === "change") listeners.push(fn); },
    _choose: choose, _texts: bannerTexts, _show: null, _want: null
  };
  d.addEventListener("click", function (e) {
    var t = e.target.closest && e.target.closest("[" + OPEN + "]");
    if (t) { e.preventDefault(); api.open(); }
  });

  // ---- start: a pending choice (not yet recorded) wins, else a valid token, else ask
  var pending = store.get(), tok = decode(readToken());
  if (pending && pending.rev === R.rev) { apply(pending); post(pending).catch(function () {}); }
  else if (tok) apply(tok);
  else { store.set(null); ui("banner"); }
  d.addEventListener("DOMContentLoaded", function () {
    if (!consent) return;
    release();
    // No reopen link of the page's own: show the floating one when the browser is idle.
    if (!d.querySelector("[" + OPEN + "]")) (w.requestIdleCallback || setTimeout)(function () { ui("reopen"); });
  });
})(window, document);
