/**
 * Waiting for a platform's API: the loader runs first in <head>, before the platform's own
 * scripts define it, so it is looked for now, when the document is parsed, when the page has
 * loaded, then a few more times (a platform may insert its script late).
 * @module platform/wait
 */

/** Looks after the page has loaded, 250 ms apart. */
const LATE_TRIES = 40;

/**
 * @param {() => *} find  the API, or a falsy value while it is missing
 * @returns {Promise<*>} what `find` returned first
 */
export const whenThere = (find) => new Promise((resolve) => {
  let tries = 0;
  const look = () => {
    let found;
    try {
      found = find();
    } catch {
      found = null;
    }
    if (found) resolve(found);
    return found;
  };
  const late = () => look() || (++tries < LATE_TRIES && setTimeout(late, 250));
  if (look()) return;
  document.addEventListener("DOMContentLoaded", look);
  if (document.readyState == "complete") late();
  else window.addEventListener("load", late);
});
