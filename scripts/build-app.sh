#!/usr/bin/env bash
# Builds the app into dist/: two wasm bundles, the patient app (carepath-patient, every page but /pharmacy) and the
# pharmacist's desk (carepath-desk, /pharmacy/…), each release wasm → wasm-bindgen → wasm-opt -Oz, under
# content-hashed names in dist/pkg/; then the static files, the service worker's lists, gzip and brotli copies.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_wasm_target
ensure_wasm_bindgen
ensure_node_tools

say "Building the app (two wasm bundles, release)"
cargo build --profile wasm-release -p carepath-patient -p carepath-desk --target wasm32-unknown-unknown

rm -rf dist target/app-pkg && mkdir -p dist/pkg/snippets
cp -r public/. dist/
short_hash() { sha256sum | cut -c1-12; }

# Each bundle's files are named after their content ("patient-3f2a….wasm"), so a file's name changes exactly when
# its bytes do: they can be cached for good, and an update that changes only CSS or a guide leaves them alone.
for bundle in patient desk; do
  out="target/app-pkg/$bundle"
  wasm-bindgen --target web --no-typescript --out-dir "$out" "target/wasm32-unknown-unknown/wasm-release/carepath_$bundle.wasm"
  tools/node_modules/.bin/wasm-opt -Oz \
    --enable-bulk-memory --enable-reference-types --enable-sign-ext --enable-nontrapping-float-to-int --enable-multivalue \
    "$out/carepath_${bundle}_bg.wasm" -o "$out/carepath_${bundle}_bg.wasm"
  js="$out/carepath_$bundle.js"
  if [ -d "$out/snippets" ]; then
    for dir in "$out"/snippets/*/; do
      name=$(basename "$dir")
      hash=$(cd "$dir" && find . -type f | sort | xargs cat | short_hash)
      cp -r "$dir" "dist/pkg/snippets/$hash"
      # Only where the JS imports the file: the wasm names its imports by the original path.
      sed -i "/^import /s|\./snippets/$name/|./snippets/$hash/|g" "$js"
    done
  fi
  wasm_name="$bundle-$(short_hash < "$out/carepath_${bundle}_bg.wasm").wasm"
  js_name="$bundle-$(short_hash < "$js").js"
  cp "$out/carepath_${bundle}_bg.wasm" "dist/pkg/$wasm_name"
  cp "$js" "dist/pkg/$js_name"
  page=$([ "$bundle" = desk ] && echo dist/desk.html || echo dist/index.html)
  modules=$(grep '^import ' "$js" | grep -o "\./snippets/[^'\"]*" | sed 's|^\./|/pkg/|' | sort -u)
  sed -i "s|__APP_JS__|/pkg/$js_name|g; s|__APP_WASM__|/pkg/$wasm_name|g; s|__APP_MODULES__|$(echo $modules)|g" "$page"
  printf '%s\n' "/pkg/$js_name" "/pkg/$wasm_name" $modules > "target/app-pkg/$bundle.files"
done

# The service worker: the patient app's files are kept for offline use at install; the desk's only once opened.
# A new worker (and so a fresh offline copy of the small files) for every different build.
version=$(find dist -type f ! -name sw.js -print0 | sort -z | xargs -0 cat | short_hash)
list() { sed 's|.*|"&"|' "target/app-pkg/$1.files" | paste -sd, -; }
sed -i "s/__BUILD_VERSION__/$version/; s|__PATIENT_FILES__|[$(list patient)]|; s|__DESK_FILES__|[$(list desk)]|" dist/sw.js

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

for bundle in patient desk; do
  wasm=$(ls dist/pkg/$bundle-*.wasm)
  say "$bundle bundle: $(( $(stat -c %s "$wasm") / 1024 )) KiB wasm, $(( $(stat -c %s "$wasm.gz") / 1024 )) KiB gzipped, $(( $(stat -c %s "$wasm.br") / 1024 )) KiB brotli ($wasm)"
done
say "App built in dist/ (build $version)"
