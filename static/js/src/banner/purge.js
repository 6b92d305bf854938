/**
 * Deleting what refused services left on the visitor's device: their cookies, their
 * localStorage and sessionStorage keys, and their IndexedDB databases.
 *
 * It runs on every recorded choice (record.js) and when GPC turns off what an earlier choice
 * granted (main.js `refuse`), for every service not allowed now. That includes a first refusal:
 * deleting what is not there is harmless, and what is there (a tag that ran before the
 * loader, data left by an expired or another subdomain's consent) must go. Services allowed
 * now, necessary ones included, are never touched.
 *
 * Cookies come from the rules (`rules.services[i].cookies`); storage keys and database names
 * from the banner file (`purge` beside its texts, cookiegate/loader/payload.py `purge_lists`),
 * keyed by service id. A bare banner.js fetched by a loader from before the banner files has no
 * such lists and deletes cookies only.
 * @module banner/purge
 */

import { globMatch } from "../shared/glob.js";
import { purgeLists } from "./bundle.js";
import { loader, rules } from "./context.js";

/** Delete everything of the services not allowed now. */
export const purge = () => {
  purgeCookies();
  const storage = [], databases = [];
  for (const id in purgeLists) {
    const index = rules.services.findIndex((service) => service.id === id);
    if (index >= 0 && !loader.allowed(index)) {
      storage.push(...purgeLists[id].storage);
      databases.push(...purgeLists[id].indexeddb);
    }
  }
  if (storage.length) ["localStorage", "sessionStorage"].forEach((area) => purgeKeys(area, storage));
  if (databases.length) purgeDatabases(databases);
};

/**
 * Delete the cookies of services not allowed now: on this host and each parent domain
 * (`www.shop.example`, then `shop.example`), at the root and every path prefix of this page. A
 * cookie is deleted by writing it again, expired, with the same name, domain and path; scripts
 * cannot read a cookie's domain or path, so every candidate is written. HttpOnly cookies are
 * out of a script's reach (the site's server must expire those).
 */
const purgeCookies = () => {
  const domains = [""], host = location.hostname.split(".");
  const paths = ["/"], path = location.pathname.split("/");
  for (let k = 0; k < host.length - 1; k++) domains.push("; domain=" + host.slice(k).join("."));
  for (let k = 2; k <= path.length; k++) paths.push(path.slice(0, k).join("/"));
  loader.getCookies().split("; ").forEach((pair) => {
    const name = pair.split("=")[0], service = loader.cookieService(name);
    if (name && service >= 0 && !loader.allowed(service)) {
      domains.forEach((domain) => paths.forEach((p) => {
        loader.setCookie(name + "=; Max-Age=0; path=" + p + domain);
      }));
    }
  });
};

/** Remove the keys matching `globs` from window[`area`]; storage may be off (it throws then). */
const purgeKeys = (area, globs) => {
  try {
    const store = window[area], keys = [];
    for (let i = 0; i < store.length; i++) keys.push(store.key(i));
    keys.filter((key) => globs.some((glob) => globMatch(glob, key)))
      .forEach((key) => store.removeItem(key));
  } catch {
    // no storage in this browsing context: nothing to delete
  }
};

/**
 * Delete the IndexedDB databases named by `globs`. An exact name is deleted directly; a name
 * with `*` needs the list of databases (`indexedDB.databases()`, in every current engine; where
 * it is missing, wildcard names cannot be found). A database a running tag keeps open is deleted
 * once the tag closes it (it gets a `versionchange` event) or the page goes.
 */
const purgeDatabases = (globs) => {
  const idb = window.indexedDB;
  if (!idb) return;
  const drop = (name) => {
    try {
      idb.deleteDatabase(name);
    } catch {
      // storage off in this context (a sandboxed frame): nothing to delete
    }
  };
  globs.filter((glob) => !glob.includes("*")).forEach(drop);
  const wild = globs.filter((glob) => glob.includes("*"));
  if (wild.length && idb.databases) {
    idb.databases().then((list) => list.forEach(({ name }) => {
      if (wild.some((glob) => globMatch(glob, name))) drop(name);
    }), () => { /* no list: nothing found to delete */ });
  }
};
