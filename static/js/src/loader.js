/* cookiegate loader: Consent Mode defaults, tag blocking, the stored choice, window.cookiegate.
 *
 * It runs first and synchronously on every page view, so it holds only what must run before
 * any tag: the blockers, the cookie reader and release. Everything needed only once a visitor
 * acts (the banner, recording a choice, deleting cookies, embed placeholders) is in banner.js,
 * fetched on demand. Source of static/js/loader.js: edit here, then run static/build.sh.
 */
((w, d) => {
  /**
   * @typedef {object} Rules  inlined by the server (cookiegate/loader.py loader_rules)
   * @property {string} site @property {number} rev @property {string} cookie
   * @property {string} domain  cookie domain, "" = host-only  @property {number} days
   * @property {string[]} cats @property {string[]} locked @property {string[]} gpc
   * @property {string[]} uk  services run without consent until the visitor objects (UK statistics exception)
   * @property {Object<string,string[]>} signals  Consent Mode signals per category
   * @property {{id:string,cat:string,cookies:string[]}[]} services
   * @property {Array<[string, number]>} patterns  [regex over "host[:port]/path?query", service index], most specific first
   * @property {string} ui @property {string} css  path-absolute, on the loader's origin
   */
  /** @type {Rules} */
  const R = /*@rules@*/{};

  // ---- constants: every attribute, storage key and event name in one place
  const CAT = "data-category", DSRC = "data-src", HELD = "data-cg-src",
    OPEN = "data-cookiegate-open", EVT = "cookiegate:change", PLAIN = "text/plain",
    PENDING = R.cookie + "_pending", TAGS = /^(SCRIPT|IFRAME|IMG)$/;

  // The loader is a classic <script src> (never a module), so currentScript is always set.
  const me = d.currentScript, NONCE = me.nonce, SRC = me.src;
  const ORIGIN = new URL(SRC).origin;
  const P = Object.getOwnPropertyDescriptor, DP = Object.defineProperty, EP = Element.prototype;
  const setAttr = EP.setAttribute, mk = d.createElement.bind(d), each = (list, fn) => [].forEach.call(list, fn);
  const jar = P(Document.prototype, "cookie"), getCookies = () => jar.get.call(d), setCookie = (v) => jar.set.call(d, v);
  // Compiled on first use: a page that inserts no tag and writes no cookie never pays for it.
  let pats, cookieRx;
  const listeners = [];
  let consent = null, uiReady = null, texts = null;

  const safeRun = (fn, fallback) => { try { return fn(); } catch (e) { return fallback; } };

  // ---- checks: pure over the rules and the current consent
  /** Index of the service a URL belongs to, or -1; the first (most specific) pattern wins. */
  const serviceOf = (url) => {
    const u = safeRun(() => new URL(url, d.baseURI));
    const key = u && /^https?:$/.test(u.protocol) && u.host + u.pathname + u.search;
    const hit = key && (pats ||= R.patterns.map((p) => [new RegExp(p[0]), p[1]])).find((p) => p[0].test(key));
    return hit ? hit[1] : -1;
  };
  const granted = (cat) => R.locked.includes(cat) || !!consent?.choices[cat];
  /** A service's own choice beats its category's; locked categories always run. */
  const allowed = (i) => {
    const s = R.services[i], o = consent?.services;
    return R.locked.includes(s.cat) || (o && s.id in o ? !!o[s.id] : R.uk.includes(s.id) || granted(s.cat));
  };
  const blockedUrl = (url) => { const i = serviceOf(url); return i >= 0 && !allowed(i) ? i : -1; };
  const cookieService = (name) => (cookieRx ||= R.services.map((s) => s.cookies.map((c) => new RegExp(c)))).findIndex((rs) => rs.some((r) => r.test(name)));
  const urlOf = (el) => el.getAttribute(HELD) || el.getAttribute(DSRC) || el.getAttribute("src") || "";
  /** May this held or explicitly marked element run now? */
  const ready = (el) => {
    const c = el.getAttribute(CAT), i = serviceOf(urlOf(el)), id = i >= 0 && R.services[i].id;
    return id && (id in (consent?.services || {}) || R.uk.includes(id)) ? allowed(i) : c ? granted(c) : i >= 0 && allowed(i);
  };

  // ---- Google Consent Mode v2: everything denied before any tag, updated as consent changes
  w.dataLayer = w.dataLayer || [];
  function gtag() { w.dataLayer.push(arguments); }
  const signals = () => {
    const o = {};
    R.cats.forEach((c) => (R.signals[c] || []).forEach((s) => { o[s] = o[s] === "granted" || granted(c) ? "granted" : "denied"; }));
    return o;
  };
  gtag("consent", "default", { ad_storage: "denied", ad_user_data: "denied", ad_personalization: "denied",
    analytics_storage: "denied", personalization_storage: "denied", functionality_storage: "denied",
    security_storage: "granted", wait_for_update: 500 });

  // ---- the stored choice: the signed token (read, never signed here) or a pending one
  /** The token's payload when it is this site's, this revision's and unexpired; else null. */
  const decode = (token) => safeRun(() => {
    const p = token.split(".")[0]; // "" also for a compressed payload (".…"): not ours
    const c = p && JSON.parse(atob(p.replace(/-/g, "+").replace(/_/g, "/")));
    return c && c.site === R.site && c.rev === R.rev && c.exp > Date.now() / 1000 && c.choices ? c : null;
  }, null);
  const readCookie = (name) => (getCookies().match(new RegExp("(?:^|; )" + name + "=([^;]*)")) || [])[1] || "";
  const readToken = () => readCookie(R.cookie);
  /** Attributes of our cookies: the site's cookie domain, Lax, Secure on https. */
  const ATTRS = "; path=/; SameSite=Lax" + (R.domain ? "; domain=" + R.domain : "") + (location.protocol === "https:" ? "; Secure" : "");
  // A choice the API has not acknowledged yet lives in a session cookie: reading it costs nothing
  // on the usual page view (sessionStorage's first access is a synchronous trip to the browser).
  const pending = {
    get: () => safeRun(() => JSON.parse(decodeURIComponent(readCookie(PENDING))), null),
    set: (v) => setCookie(PENDING + "=" + (v ? encodeURIComponent(JSON.stringify(v)) : "; Max-Age=0") + ATTRS),
  };

  // ---- interceptor 1: src setters and setAttribute hold a blocked URL instead of loading it
  const hold = (el, url) => {
    setAttr.call(el, HELD, url);
    if (el.isConnected && el.tagName === "IFRAME") placeholder(el);
  };
  [HTMLScriptElement, HTMLIFrameElement, HTMLImageElement].forEach((C) => {
    const o = P(C.prototype, "src");
    DP(C.prototype, "src", { configurable: true, enumerable: true,
      get() { return this.getAttribute(HELD) || o.get.call(this); },
      set(v) { blockedUrl(v) < 0 ? o.set.call(this, v) : hold(this, String(v)); } });
  });
  EP.setAttribute = function (n, v) {
    return TAGS.test(this.tagName) && /^src$/i.test(n) && blockedUrl(v) >= 0 ? hold(this, String(v)) : setAttr.call(this, n, v);
  };
  /** Neutralise blocked tags in HTML text (innerHTML, insertAdjacentHTML, document.write) before it goes live. */
  const clean = (html) => {
    if (typeof html !== "string" || !/<(script|iframe|img)/i.test(html)) return html;
    const t = mk("template");
    let hit = false;
    t.innerHTML = html; // a template's content is inert: nothing in it loads or runs
    each(t.content.querySelectorAll("script[src],iframe[src],img[src]"), (el) => {
      const u = el.getAttribute("src");
      if (blockedUrl(u) >= 0) { hit = true; el.removeAttribute("src"); setAttr.call(el, HELD, u); }
    });
    return hit ? t.innerHTML : html;
  };
  const ih = P(EP, "innerHTML"), ia = EP.insertAdjacentHTML;
  DP(EP, "innerHTML", { configurable: true, get: ih.get,
    set(v) { ih.set.call(this, this.tagName === "TEMPLATE" ? v : clean(v)); } });
  EP.insertAdjacentHTML = function (p, h) { return ia.call(this, p, clean(h)); };
  ["write", "writeln"].forEach((k) => { const f = d[k]; d[k] = (...a) => f.apply(d, a.map(clean)); });

  // ---- interceptor 2: a MutationObserver catches tags the parser adds after the loader
  const scan = (el) => {
    if (el.nodeType !== 1) return;
    if (TAGS.test(el.tagName)) {
      const u = el.getAttribute("src"), blocked = u && !el.cgOwn && el.type !== PLAIN && blockedUrl(u) >= 0;
      if (blocked && el.tagName === "IFRAME") {
        const c = el.cloneNode(true); // detaching the original stops its load
        c.removeAttribute("src"); el.replaceWith(c); hold(c, u);
      } else if (blocked) {
        // A parser-inserted script is prepared after this microtask: without src it runs nothing.
        el.removeAttribute("src"); hold(el, u);
      } else if (el.tagName === "IFRAME" && (el.hasAttribute(HELD) || el.hasAttribute(CAT) && el.hasAttribute(DSRC)) && !ready(el)) {
        placeholder(el);
      }
    }
    if (el.firstElementChild) each(el.querySelectorAll("script[src],iframe,img[src]"), scan);
  };
  new MutationObserver((ms) => ms.forEach((m) => each(m.addedNodes, scan)))
    .observe(d.documentElement, { childList: true, subtree: true });

  // ---- network guard: fetch, XMLHttpRequest and sendBeacon to a blocked service are refused
  const fetch0 = w.fetch, X = XMLHttpRequest.prototype, xo = X.open, xs = X.send, nav = navigator, sb = nav.sendBeacon;
  w.fetch = function (input) {
    const u = input?.url || String(input);
    return blockedUrl(u) >= 0 ? Promise.reject(new TypeError("cookiegate: blocked")) : fetch0.apply(w, arguments);
  };
  X.open = function (m, u) { this._cg = blockedUrl(u) >= 0; return xo.apply(this, arguments); };
  X.send = function () {
    if (!this._cg) return xs.apply(this, arguments);
    setTimeout(() => this.dispatchEvent(new Event("error")));
  };
  if (sb) nav.sendBeacon = (u, data) => blockedUrl(u) < 0 && sb.call(nav, u, data);
  // A refused service's cookie write is dropped (deleting one always passes).
  DP(Document.prototype, "cookie", { configurable: true, enumerable: true, get: jar.get,
    set(v) {
      const s = String(v), i = cookieService(s.split("=")[0].trim());
      if (i < 0 || allowed(i) || /;\s*max-age=\s*(-|0\b)|;\s*expires=[^;]*19[0-9]{2}/i.test(s)) setCookie(s);
    } });

  // ---- release: what is granted now runs, in document order, exactly once
  let queue = Promise.resolve();
  const release = () => {
    const els = [].filter.call(d.querySelectorAll(`script[type='${PLAIN}'][${CAT}],[${HELD}],iframe[${CAT}][${DSRC}]`), ready);
    queue = els.reduce((q, el) => q.then(() => activate(el)), queue);
  };
  /** Re-create a script (a held one cannot run again) with its attributes and the page's nonce. */
  const activate = (el) => {
    if (!el.isConnected || el.cgDone) return;
    el.cgDone = 1;
    const url = urlOf(el);
    if (el.tagName !== "SCRIPT") {
      el.removeAttribute(HELD); el.removeAttribute(DSRC);
      if (el.cgPh) { el.cgPh.remove(); el.hidden = false; }
      el.src = url;
      return;
    }
    const s = mk("script"), wait = url && !el.hasAttribute("async");
    each(el.attributes, (a) => {
      if (!/^(src|nonce|data-cg-src)$/.test(a.name) && a.value !== PLAIN) setAttr.call(s, a.name, a.value);
    });
    s.nonce = NONCE || el.nonce;
    if (!url) { s.text = el.text; el.replaceWith(s); return; }
    s.async = !wait; // a tag that was not async runs before the marked tags after it
    return new Promise((ok) => {
      s.onload = s.onerror = ok;
      s.src = url; el.replaceWith(s);
      setTimeout(ok, wait ? 5e3 : 0); // a host that never answers must not hold up the rest

    });
  };

  // ---- blocked embeds: an empty box now; banner.js writes its text and "Allow" button
  const placeholder = (el) => {
    if (el.cgPh) return;
    const ph = el.cgPh = mk("div");
    ph.className = "cg-ph"; el.hidden = true; el.before(ph);
    ui().then((m) => m.fill(el, ph));
  };

  // ---- the UI chunk (banner.js + css), fetched on demand, with its texts fetched alongside
  const bannerTexts = () => texts = texts || fetch0(SRC.replace(/loader\.js.*$/, "banner.json?locale=") + encodeURIComponent(d.documentElement.lang))
    .then((r) => { if (!r.ok) throw Error(r.status); return r.json(); });
  const ui = () => uiReady = uiReady || new Promise((ok) => {
    api._ready = ok;
    bannerTexts();
    const l = mk("link"), s = mk("script");
    l.rel = "stylesheet"; l.href = ORIGIN + R.css;
    // Our own chunk bypasses the blockers: it is no service's, and matching it would compile
    // every pattern (≈ 2 ms on a first visit) for nothing.
    s.cgOwn = 1; setAttr.call(s, "src", ORIGIN + R.ui); s.async = true; s.nonce = NONCE;
    d.head.append(l, s);
  });

  // ---- applying a choice (banner.js records it; this makes it take effect)
  const apply = (c) => {
    consent = c;
    const pub = api.consent = c && { id: c.id || null, choices: { ...c.choices }, services: { ...c.services }, pending: !!c.pending };
    gtag("consent", "update", signals());
    w.dataLayer.push({ event: "cookiegate_consent", cookiegate: pub });
    release();
    listeners.forEach((fn) => safeRun(() => fn(pub)));
    d.dispatchEvent(new CustomEvent(EVT, { detail: pub }));
  };

  // ---- public API (underscored members are for banner.js only)
  const api = w.cookiegate = {
    consent: null, rules: R,
    granted,
    /** Reopen the preferences. */
    open: () => ui().then((m) => m.show("prefs")),
    /** Withdraw every optional consent: recorded, their cookies deleted, their tags kept from running. */
    withdraw: () => ui().then((m) => m.withdraw()),
    on: (type, fn) => { if (type === "change") listeners.push(fn); },
    _: { api: SRC.replace(/loader\.js.*$/, "consents"), attrs: ATTRS, apply, allowed, serviceOf, cookieService, urlOf, readToken, pending, setCookie, getCookies, texts: bannerTexts, fetch: fetch0, consent: () => consent },
  };
  d.addEventListener("click", (e) => {
    if (e.target.closest?.(`[${OPEN}]`)) { e.preventDefault(); api.open(); }
  });

  // ---- Global Privacy Control after an opt-in: what it refuses goes off before any tag runs
  /** The choice `c` with every category (and service) GPC refuses turned off, or null if it grants none. */
  const underGpc = (c) => {
    if (!c || !navigator.globalPrivacyControl) return null;
    const cs = { ...c.choices }, o = { ...c.services };
    let hit = false;
    R.gpc.forEach((k) => { hit ||= !!cs[k]; cs[k] = false; });
    R.services.forEach((s) => { if (R.gpc.includes(s.cat) && s.id in o) { hit ||= !!o[s.id]; o[s.id] = false; } });
    return hit ? { choices: cs, services: o, method: "gpc", pending: true, rev: R.rev } : null;
  };

  // ---- start: a pending choice (not recorded yet) wins, then a valid token, else ask
  const p = pending.get(), tok = decode(readToken()), g = underGpc(p && p.rev === R.rev ? p : tok);
  if (g) { pending.set(g); apply(g); ui().then((m) => m.refuse(g)); }
  else if (p && p.rev === R.rev) { apply(p); ui().then((m) => m.post(p)); }
  else if (tok) apply(tok);
  else { if (p) pending.set(null); ui().then((m) => m.show("banner")); }
  d.addEventListener("DOMContentLoaded", () => {
    if (!consent) return;
    release();
    // No reopen link of the page's own: show the floating one when the browser is idle.
    if (!d.querySelector(`[${OPEN}]`)) (w.requestIdleCallback || setTimeout)(() => ui().then((m) => m.show("reopen")));
  });
})(window, document);
