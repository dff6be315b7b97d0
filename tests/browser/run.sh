#!/usr/bin/env bash
# The browser tests, in headless Chromium:
#
# - live_reload (tests/browser/live_reload.mjs): a release page from
#   `cadence serve` opens, the test edits the release's manifest, and the
#   open page must show it by reloading itself; a broken manifest must show
#   the error overlay and a fixed one remove it.
# - pages (tests/browser/pages.mjs): the test fixture and this repository's
#   own site are built, and every kind of page is opened at 390x844 and
#   1280x800: axe-core must find no violation, no page may scroll sideways,
#   no date or command may wrap inside a token, and the "Latest" card must
#   be on the first screen. Screenshots go to <target>/browser/pages/.
#
# Usage: tests/browser/run.sh [live_reload] [pages]   (no argument: both)
#
# Installs what it lacks: Debian's chromium with apt-get (as root, or with
# sudo), playwright-core and axe-core (pinned; never a browser download) with npm into
# $CADENCE_BROWSER_DIR (default <target>/browser, <target> being
# $CARGO_TARGET_DIR or target/), and the release binary with cargo if
# <target>/release/cadence is missing (CADENCE_BIN names another binary; it
# is not rebuilt). Needs node and npm. Screenshots are left in
# <target>/browser/ (live-reload.png, error-overlay.png, and failure.png
# when it fails; pages/<site>-<kind>-<size>.png). Exits non-zero on any
# failure.
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
axe_version="4.14.1"
tests=("$@")
[ ${#tests[@]} -gt 0 ] || tests=(live_reload pages)
for t in "${tests[@]}"; do
    [ -f "$here/$t.mjs" ] || { echo "error: no browser test named $t (live_reload, pages)" >&2; exit 2; }
done

step() { printf '==> %s\n' "$*"; }

if [ ! -x "$chromium" ]; then
    step "apt-get install chromium"
    sudo_=""
    [ "$(id -u)" -eq 0 ] || sudo_="sudo"
    $sudo_ apt-get update -qq </dev/null
    DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq chromium </dev/null >/dev/null
fi
command -v node >/dev/null || { echo "error: node is needed for the browser test" >&2; exit 2; }

version_of() { node -p "require('$dir/node_modules/$1/package.json').version" 2>/dev/null || true; }
if [ "$(version_of playwright-core)" != "$playwright_version" ] || [ "$(version_of axe-core)" != "$axe_version" ]; then
    step "npm install playwright-core@$playwright_version axe-core@$axe_version"
    mkdir -p "$dir"
    npm install --no-save --no-audit --no-fund --silent --prefix "$dir" \
        "playwright-core@$playwright_version" "axe-core@$axe_version" </dev/null
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

for t in "${tests[@]}"; do
    step "$t in headless Chromium ($("$chromium" --version 2>/dev/null || echo chromium))"
    CADENCE_BIN="$bin" CADENCE_BROWSER_DIR="$dir" CADENCE_CHROMIUM="$chromium" \
        node "$here/$t.mjs" </dev/null
done
