#!/usr/bin/env bash
# Bundle and minify the browser code: static/js/src/NAME/main.js and every module it imports
# -> static/js/NAME.js, for NAME in loader, banner, platform, gpp and gppstub (the files the server sends;
# platform.js, the platform bridges, only after the loader of a site with a platform; gpp.js,
# the IAB GPP __gpp API, fetched by gppstub.js, its stub, which rides after the loader of a site
# with an opt_out overlay or [gpp]).
# The outputs are committed, so running cookiegate needs no Node. Edit the sources, then run
#   static/build.sh            (needs node + npm; fetches esbuild and terser from npm once)
# Each output starts with a sha256 over the sources it was built from (the bundle's import
# graph, as esbuild reports it): `sha256sum` of each file, sorted by path, hashed again.
# e2e/test_build.py recomputes it and fails when an output is older than its sources.
set -euo pipefail
cd "$(dirname "$0")/js"
ESBUILD_VERSION=0.28.2
esbuild() { npx --yes "esbuild@${ESBUILD_VERSION}" "$@"; }
# terser after esbuild: its extra compress passes take about 4 % off the gzip size (loader
# 207 B, banner 164 B; bench/README.md). Installed once at a pinned version into static/.terser
# (git-ignored); e2e/test_build.py checks the sources' hash, so it needs neither tool.
TERSER_VERSION=5.51.4
terser() {
  local dir=../.terser
  grep -qs "\"version\": \"${TERSER_VERSION}\"" "$dir/node_modules/terser/package.json" \
    || npm install --prefix "$dir" --no-save --no-audit --no-fund --ignore-scripts \
      --loglevel=error "terser@${TERSER_VERSION}" >&2
  "$dir/node_modules/.bin/terser" "$@"
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for name in loader banner platform gpp gppstub; do
  entry="src/${name}/main.js"
  esbuild "$entry" --bundle --minify --format=iife --target=es2020 --legal-comments=none \
    --log-level=warning --metafile="$tmp/${name}.json" --outfile="$tmp/${name}.esbuild.js"
  terser "$tmp/${name}.esbuild.js" --compress passes=3 --mangle --ecma 2020 -o "$tmp/${name}.js"
  mapfile -t inputs < <(node -e \
    'console.log(Object.keys(require(process.argv[1]).inputs).sort().join("\n"))' \
    "$tmp/${name}.json")
  sum=$(sha256sum -- "${inputs[@]}" | sha256sum | cut -c1-12)
  # The rules placeholder is a comment, which a minifier drops: src/loader/rules.js holds a
  # free identifier instead, which becomes the placeholder here. It must be there once.
  # Likewise the banner's inline texts and stylesheet (__COOKIEGATE_BUNDLE__ -> /*@bundle@*/null,
  # which the server fills per locale; the bare banner.js keeps null).
  free=$([ "$name" = loader ] && echo __COOKIEGATE_RULES__ || echo __COOKIEGATE_BUNDLE__)
  if { [ "$name" = loader ] || [ "$name" = banner ]; } && [ "$(grep -o "$free" "$tmp/${name}.js" | wc -l)" != 1 ]; then
    echo "build.sh: the ${name} bundle must hold ${free} exactly once" >&2
    exit 1
  fi
  # No V8 compile hint (//# allFunctionsCalledOnLoad): measured, it took 0.5-7 ms off a first
  # visit's script and added 0.15-0.8 ms to every returning view's (bench/README.md "Compile hints").
  { printf '/*cookiegate %s sha256:%s*/\n' "$name" "$sum"
    sed -e 's#__COOKIEGATE_RULES__#/*@rules@*/{}#' -e 's#__COOKIEGATE_BUNDLE__#/*@bundle@*/null#' \
      "$tmp/${name}.js"; } > "${name}.js"
  echo "built js/${name}.js from ${#inputs[@]} sources ($(wc -c < "${name}.js") bytes)"
done
