/**
 * cookiegate banner chunk: fetched by the loader only when a visitor must be asked or acts.
 * It shows the banner, preferences, reopen control and embed placeholders, records choices
 * (POST, cookie, retries with backoff), and deletes what refused services stored (purge.js). It
 * builds its DOM with textContent only (texts are data, never markup) and writes no style
 * attributes (strict CSP).
 * The entry point of static/js/banner.js: edit the modules here, then run static/build.sh.
 * The bundle keeps the directive below, so the built chunk stays strict code as it always was.
 * @module banner/main
 */
"use strict";

import { texts } from "./bundle.js";
import { cookiegate } from "./context.js";
import { declare } from "./declaration.js";
import { show } from "./dialog.js";
import { fill } from "./embed.js";
import { purge } from "./purge.js";
import { allChoices, post, record } from "./record.js";
import { place, start } from "./regime.js";
import { objections } from "./uk-exception.js";

const retryLater = () => { /* still pending: record.js retried; the next page tries again */ };

// Hand the loader this chunk's entry points (loader/api.js `BannerChunk`), if it asked.
if (cookiegate?._ready) {
  cookiegate._ready({
    // A first visit ("banner") goes by the visitor's regime (regime.js); reopening learns the
    // place too, so a choice made there is recorded with that place's texts and exception.
    show: (mode) => (mode === "banner" ? start() : place().then(() => show(mode))),
    fill,
    texts,
    declare,
    post: (choice) => post(choice).catch(retryLater),
    withdraw: () => record("withdraw", allChoices(false), objections()),
    /** GPC turned off what an earlier choice granted: delete what it stored and record it. */
    refuse: (choice) => {
      purge();
      return post(choice).catch(retryLater);
    },
  });
}
