/**
 * Names with `*` wildcards (cookie names, storage keys, IndexedDB database names, URL patterns),
 * as the site config writes them, compiled the way `cookiegate.core.patterns` does.
 * @module shared/glob
 */

/** A `*` glob as a regex source, escaped as cookiegate.core.patterns `_escape` does. */
export const globRegex = (glob) =>
  glob.replace(/[.^$*+?()[\]{}|\\/]/g, "\\$&").replace(/\\\*/g, ".*");

/** Does `name` match the whole glob `glob`? */
export const globMatch = (glob, name) => new RegExp(`^${globRegex(glob)}$`).test(name);
