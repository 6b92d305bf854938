"""Stand-ins for the platforms' consent APIs, each implementing exactly the surface its vendor
documents, and recording every call the bridge makes.

- Shopify Customer Privacy API (https://shopify.dev/docs/api/customer-privacy):
  ``Shopify.loadFeatures([{name: "consent-tracking-api", version: "0.1"}], callback)`` makes
  ``Shopify.customerPrivacy`` available (after a moment, as the real one loads a script);
  ``setTrackingConsent({analytics, marketing, preferences, sale_of_data}, callback)`` takes
  booleans, stores them and fires ``visitorConsentCollected`` on ``document``;
  ``currentVisitorConsent()`` answers ``"yes"``, ``"no"`` or ``""`` per purpose. The stored
  state survives reloads (Shopify keeps it in a cookie; the stub in localStorage), so a test
  can preset it.
- WP Consent API (https://wordpress.org/plugins/wp-consent-api/, README of
  https://github.com/WordPress/wp-consent-level-api): ``wp_set_consent(category,
  "allow"|"deny")`` stores a ``wp_consent_<category>`` cookie and fires
  ``wp_listen_for_consent_change`` with ``{category: value}``; ``wp_has_consent(category)``
  reads it under ``window.wp_consent_type`` (optin: only "allow"; optout: all but "deny"; none
  set: true).

Served with Playwright routing, after the loader in the page's head, as the platforms' own
scripts come after a consent manager's.
"""

from __future__ import annotations

import json
import re
import typing as t

SHOPIFY_URL = "https://cdn.shopify.com/shopifycloud/storefront/features.js"
WP_URL = "/wp-content/plugins/wp-consent-api/assets/js/wp-consent-api.min.js"
SHOPIFY_STATE = "__shopify_consent"
PURPOSES = ("analytics", "marketing", "preferences", "sale_of_data")
WP_CATEGORIES = ("functional", "preferences", "statistics", "statistics-anonymous", "marketing")

SHOPIFY = """(function () {
  var w = window, KEY = "__KEY__", PURPOSES = __PURPOSES__;
  var state = JSON.parse(localStorage.getItem(KEY) || "null") || {};
  PURPOSES.forEach(function (k) { if (!(k in state)) state[k] = ""; });
  var log = w.__platform = {calls: [], reads: 0, loads: [], events: [], errors: []};
  document.addEventListener("visitorConsentCollected", function (e) {
    log.events.push(e.detail);
  });
  var api = {
    setTrackingConsent: function (consent, callback) {
      var keys = Object.keys(consent);
      var bad = function (k) { return PURPOSES.indexOf(k) < 0 || typeof consent[k] != "boolean"; };
      if (keys.some(bad)) {
        log.errors.push(consent);
        callback({error: "invalid consent"});
        return;
      }
      log.calls.push(JSON.parse(JSON.stringify(consent)));
      keys.forEach(function (k) { state[k] = consent[k] ? "yes" : "no"; });
      localStorage.setItem(KEY, JSON.stringify(state));
      document.dispatchEvent(new CustomEvent("visitorConsentCollected", {detail: {
        analyticsAllowed: state.analytics == "yes", marketingAllowed: state.marketing == "yes",
        preferencesAllowed: state.preferences == "yes",
        saleOfDataAllowed: state.sale_of_data == "yes"
      }}));
      callback();
    },
    currentVisitorConsent: function () {
      log.reads++;
      return JSON.parse(JSON.stringify(state));
    }
  };
  w.Shopify = w.Shopify || {};
  w.Shopify.loadFeatures = function (features, callback) {
    log.loads.push(features);
    var ok = features.some(function (f) { return f.name == "consent-tracking-api"; });
    setTimeout(function () {
      if (ok) w.Shopify.customerPrivacy = api;
      callback(ok ? false : {message: "unknown feature"});
    }, 30);
  };
})();""".replace("__KEY__", SHOPIFY_STATE).replace("__PURPOSES__", json.dumps(PURPOSES))

WORDPRESS = """(function () {
  var w = window, CATEGORIES = __CATEGORIES__;
  var log = w.__platform = {calls: [], reads: 0, events: []};
  var read = function (c) {
    var m = document.cookie.match(new RegExp("(?:^|; )wp_consent_" + c + "=([^;]*)"));
    return m ? m[1] : "";
  };
  document.addEventListener("wp_listen_for_consent_change", function (e) {
    log.events.push(e.detail);
  });
  w.wp_set_consent = function (category, value) {
    log.calls.push([category, value]);
    if (CATEGORIES.indexOf(category) < 0 || (value != "allow" && value != "deny")) return;
    document.cookie = "wp_consent_" + category + "=" + value + "; path=/";
    var detail = {};
    detail[category] = value;
    document.dispatchEvent(new CustomEvent("wp_listen_for_consent_change", {detail: detail}));
  };
  w.wp_has_consent = function (category) {
    log.reads++;
    var type = w.wp_consent_type, value = read(category);
    if (!type) return true;
    return type == "optout" ? value != "deny" : value == "allow";
  };
})();""".replace("__CATEGORIES__", json.dumps(WP_CATEGORIES))

PAGE = """<!doctype html><html lang=en><head><meta charset=utf-8><title>__NAME__ shop</title>
<script src="{{LOADER}}" nonce="{{NONCE}}"></script>
<script src="__STUB__" nonce="{{NONCE}}"></script>
</head><body><h1>__NAME__ shop</h1><p>Products.</p></body></html>"""


def route_platform(context: t.Any, name: str) -> None:
    """Answer the platform's script URL with its stub (registered after ``net``, so it wins)."""
    url, body = (SHOPIFY_URL, SHOPIFY) if name == "shopify" else (WP_URL, WORDPRESS)

    def handle(route: t.Any) -> None:
        route.fulfill(status=200, body=body, content_type="text/javascript")

    context.route(re.compile(re.escape(url) + "$"), handle)


def page_html(name: str) -> str:
    stub = SHOPIFY_URL if name == "shopify" else WP_URL
    return PAGE.replace("__NAME__", name).replace("__STUB__", stub)
