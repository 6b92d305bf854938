#!/usr/bin/env bash
# Minify the browser code: static/js/src/*.js -> static/js/*.js (the files the server sends).
# The outputs are committed, so running cookiegate needs no Node. Edit the sources, then run
#   static/build.sh            (needs node + npx; fetches esbuild from npm once)
# Each output starts with the sha256 of its source; e2e/test_build.py fails when they drift.
set -euo pipefail
cd "$(dirname "$0")/js"
ESBUILD_VERSION=0.28.2
esbuild() { npx --yes "esbuild@${ESBUILD_VERSION}" "$@"; }
for name in loader banner; do
  src="src/${name}.js"
  sum=$(sha256sum "$src" | cut -c1-12)
  # The rules placeholder is a comment, which a minifier drops: swap it for a free
  # identifier during minification, then put it back.
  sed 's#/\*@rules@\*/{}#__COOKIEGATE_RULES__#' "$src" \
    | esbuild --minify --target=es2020 --legal-comments=none --loader=js \
    | sed 's#__COOKIEGATE_RULES__#/*@rules@*/{}#' > "${name}.tmp"
  { printf '/*cookiegate %s sha256:%s*/\n' "$src" "$sum"; cat "${name}.tmp"; } > "${name}.js"
  rm "${name}.tmp"
  echo "built js/${name}.js ($(wc -c < "${name}.js") bytes)"
done
