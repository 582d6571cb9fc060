#!/usr/bin/env bash
# Builds the app into dist/: release wasm → wasm-bindgen → wasm-opt -Oz → static files → gzip and brotli copies.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_wasm_target
ensure_wasm_bindgen
ensure_node_tools

say "Building the app (wasm, release)"
cargo build --profile wasm-release -p carepath-app --target wasm32-unknown-unknown

rm -rf dist && mkdir -p dist/pkg
wasm-bindgen --target web --no-typescript --out-dir dist/pkg target/wasm32-unknown-unknown/wasm-release/carepath_app.wasm
tools/node_modules/.bin/wasm-opt -Oz \
  --enable-bulk-memory --enable-reference-types --enable-sign-ext --enable-nontrapping-float-to-int --enable-multivalue \
  dist/pkg/carepath_app_bg.wasm -o dist/pkg/carepath_app_bg.wasm
cp -r public/. dist/

# A new service worker (and so a fresh offline copy) for every different build.
version=$(find dist -type f ! -name sw.js -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-16)
pkg_files=$(cd dist && find pkg -type f | sort | sed 's|^|"/|; s|$|"|' | paste -sd, -)
sed -i "s/__BUILD_VERSION__/$version/; s|__PKG_FILES__|[$pkg_files]|" dist/sw.js

# Precompressed copies, served to browsers that ask for them: gzip -9, and brotli at quality 11 (Node's zlib).
compressible() { find dist -type f \( -name '*.js' -o -name '*.wasm' -o -name '*.css' -o -name '*.html' -o -name '*.webmanifest' -o -name '*.svg' \) -print0; }
compressible | xargs -0 gzip -9 -k -f
compressible | xargs -0 node -e '
  const fs = require("fs"), zlib = require("zlib");
  for (const file of process.argv.slice(1)) {
    const data = fs.readFileSync(file);
    const params = { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: data.length };
    fs.writeFileSync(file + ".br", zlib.brotliCompressSync(data, { params }));
  }'

wasm=$(stat -c %s dist/pkg/carepath_app_bg.wasm); wasm_gz=$(stat -c %s dist/pkg/carepath_app_bg.wasm.gz)
wasm_br=$(stat -c %s dist/pkg/carepath_app_bg.wasm.br)
say "App built in dist/ (build $version): wasm $((wasm / 1024)) KiB, $((wasm_gz / 1024)) KiB gzipped, $((wasm_br / 1024)) KiB brotli"
