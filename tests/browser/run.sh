#!/usr/bin/env bash
# Live reload in a real browser (tests/browser/live_reload.mjs): headless
# Chromium opens a release page from `cadence serve`, the test edits the
# release's manifest, and the open page must show it by reloading itself;
# a broken manifest must show the error overlay and a fixed one remove it.
#
# Usage: tests/browser/run.sh
#
# Installs what it lacks: Debian's chromium with apt-get (as root, or with
# sudo), playwright-core (pinned; never a browser download) with npm into
# $CADENCE_BROWSER_DIR (default <target>/browser, <target> being
# $CARGO_TARGET_DIR or target/), and the release binary with cargo if
# <target>/release/cadence is missing (CADENCE_BIN names another binary; it
# is not rebuilt). Needs node and npm. Screenshots are left in
# <target>/browser/ (live-reload.png, error-overlay.png, and failure.png
# when it fails). Exits non-zero on any failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"
target="${CARGO_TARGET_DIR:-target}"
case "$target" in /*) ;; *) target="$repo/$target" ;; esac
dir="${CADENCE_BROWSER_DIR:-$target/browser}"
chromium="${CADENCE_CHROMIUM:-/usr/bin/chromium}"
# The version checked against Debian's Chromium 156 here; playwright-core
# drives the browser it is given, and downloads none.
playwright_version="1.64.1"

step() { printf '==> %s\n' "$*"; }

if [ ! -x "$chromium" ]; then
    step "apt-get install chromium"
    sudo_=""
    [ "$(id -u)" -eq 0 ] || sudo_="sudo"
    $sudo_ apt-get update -qq </dev/null
    DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq chromium </dev/null >/dev/null
fi
command -v node >/dev/null || { echo "error: node is needed for the browser test" >&2; exit 2; }

installed="$(node -p "require('$dir/node_modules/playwright-core/package.json').version" 2>/dev/null || true)"
if [ "$installed" != "$playwright_version" ]; then
    step "npm install playwright-core@$playwright_version"
    mkdir -p "$dir"
    npm install --no-save --no-audit --no-fund --silent --prefix "$dir" \
        "playwright-core@$playwright_version" </dev/null
fi

if [ -n "${CADENCE_BIN:-}" ]; then
    bin="$CADENCE_BIN"
else
    bin="$target/release/cadence"
    if [ ! -x "$bin" ]; then
        step "cargo build --release --bin cadence"
        cargo build --release --locked --bin cadence
    fi
fi
[ -x "$bin" ] || { echo "error: no cadence binary at $bin" >&2; exit 2; }

step "live reload in headless Chromium ($("$chromium" --version 2>/dev/null || echo chromium))"
CADENCE_BIN="$bin" CADENCE_BROWSER_DIR="$dir" CADENCE_CHROMIUM="$chromium" \
    node "$here/live_reload.mjs" </dev/null
