# Shared by run.sh, build-app.sh and test.sh: install what is missing, pinned, from the package registries only.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\n==> %s\n' "$*"; }

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

ensure_wasm_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown || { say "Adding the wasm32 target"; rustup target add wasm32-unknown-unknown; }
}

# The wasm-bindgen CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock.
ensure_wasm_bindgen() {
  local want
  want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $want\$"; then
    say "Installing wasm-bindgen-cli $want (a few minutes, once)"
    cargo install wasm-bindgen-cli --version "$want" --locked || cargo install wasm-bindgen-cli --version "$want"
  fi
}

# wasm-opt (npm binaryen), Playwright (driving Debian's Chromium), axe-core, web-push-testing (the push tests) and
# Lighthouse (scripts/measure-app.sh), pinned in tools/package-lock.json.
ensure_node_tools() {
  if [ ! -x "$ROOT/tools/node_modules/.bin/wasm-opt" ] || [ ! -d "$ROOT/tools/node_modules/playwright-core" ] || [ ! -d "$ROOT/tools/node_modules/axe-core" ] \
     || [ ! -d "$ROOT/tools/node_modules/web-push-testing" ] || [ ! -d "$ROOT/tools/node_modules/lighthouse" ]; then
    say "Installing pinned node tools"
    (cd "$ROOT/tools" && npm ci --no-audit --no-fund)
  fi
}

apt_install() {
  say "Installing Debian packages: $*"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@"
}

ensure_browser() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
  command -v sqlite3 >/dev/null || missing+=(sqlite3)
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
}

# The server links the system OpenSSL through the `ece` crate (Web Push payload encryption, RFC 8291).
ensure_native_build_deps() {
  local missing=()
  command -v pkg-config >/dev/null || missing+=(pkg-config)
  pkg-config --exists openssl 2>/dev/null || missing+=(libssl-dev)
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
}

# schemathesis (PyPI) for scripts/api-contract.sh, in a venv under target/: every package pinned in
# tools/schemathesis-requirements.txt.
ensure_schemathesis() {
  local venv="$ROOT/target/schemathesis" want
  want=$(awk -F'==' '$1 == "schemathesis" { print $2 }' "$ROOT/tools/schemathesis-requirements.txt")
  if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q " $want\$"; then
    say "Installing schemathesis $want (pinned, into target/schemathesis)"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r "$ROOT/tools/schemathesis-requirements.txt"
  fi
}
