"""The loader a page runs first: the site's rules inlined, and the static banner assets."""
