/* cookiegate banner UI: built in the browser issue. */
