#!/usr/bin/env bash
# Conformance check of a built site with the tools its users' readers use:
# feedparser and xmllint for the feeds and XML, icalendar for the
# calendars, the Nu Html Checker (vnu) for the HTML, and a link check.
#
# Usage: tests/conformance/run.sh [BUILT_FOLDER]
#
# Without an argument it builds the fixture site tests/conformance/site/
# (`cadence build --today 2025-06-20`, profile $CADENCE_PROFILE, default
# release) into a temporary folder and checks that. With one, it checks a
# folder that is already built. Installs what it lacks: feedparser and
# icalendar with pip, libxml2-utils with apt-get, vnu-jar with npm into
# $CADENCE_CONFORMANCE_CACHE (default target/conformance). Needs python3,
# java and npm. Exits non-zero on any failure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cache="${CADENCE_CONFORMANCE_CACHE:-${CARGO_TARGET_DIR:-$repo/target}/conformance}"
today="2025-06-20"

step() { printf '==> %s\n' "$*"; }

# --- tools --------------------------------------------------------------
if ! python3 -c 'import feedparser, icalendar' 2>/dev/null; then
    step "pip install feedparser icalendar"
    python3 -m pip install --quiet --disable-pip-version-check feedparser icalendar
fi
if ! command -v xmllint >/dev/null; then
    step "apt-get install libxml2-utils"
    sudo_=""
    [ "$(id -u)" -eq 0 ] || sudo_="sudo"
    $sudo_ apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_ apt-get install -y -qq libxml2-utils >/dev/null
fi
vnu="$cache/node_modules/vnu-jar/build/dist/vnu.jar"
if [ ! -f "$vnu" ]; then
    step "npm install vnu-jar"
    mkdir -p "$cache"
    npm install --no-save --no-audit --no-fund --silent --prefix "$cache" vnu-jar
fi
command -v java >/dev/null || { echo "error: java is needed for vnu" >&2; exit 2; }

# --- the site -----------------------------------------------------------
if [ $# -ge 1 ]; then
    out="$(cd "$1" && pwd)"
else
    tmp="$(mktemp -d)"
    trap 'rm -rf "$tmp"' EXIT
    out="$tmp/public"
    profile="${CADENCE_PROFILE:-release}"
    step "cadence build of the fixture site ($profile)"
    cargo_flags=()
    [ "$profile" = "release" ] && cargo_flags+=(--release)
    (cd "$repo" && cargo run --quiet "${cargo_flags[@]}" -- \
        build --root "$here/site" --out "$out" --today "$today")
fi

status=0

step "xmllint --noout"
mapfile -d '' xml < <(find "$out" -name '*.xml' -print0 | sort -z)
if [ "${#xml[@]}" -gt 0 ]; then
    xmllint --noout "${xml[@]}" || status=1
    echo "${#xml[@]} XML files"
fi

step "feeds, calendars, JSON and links (check.py)"
python3 "$here/check.py" "$out" || status=1

step "vnu --errors-only"
if find "$out" -name '*.html' -print -quit | grep -q .; then
    java -jar "$vnu" --errors-only --skip-non-html "$out" || status=1
else
    echo "no HTML pages in $out"
fi

if [ "$status" -ne 0 ]; then
    echo "conformance: FAILED" >&2
fi
exit "$status"
