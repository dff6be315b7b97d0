#!/usr/bin/env bash
# The tools .ci/run uses, installed where missing, so that it passes on a
# machine with only Rust (rustup, cargo) and Python 3 installed:
#
# | tool                   | used by                         | installed with                              |
# |------------------------|---------------------------------|---------------------------------------------|
# | rustfmt, clippy        | cargo fmt, cargo clippy         | rustup component add                        |
# | pip                    | the Python tools below          | apt-get install python3-pip                 |
# | feedparser, icalendar  | tests/conformance/check.py      | pip (then --user, then --break-system-packages) |
# | xmllint                | tests/conformance/run.sh        | apt-get install libxml2-utils               |
# | java                   | the Nu Html Checker (vnu)       | apt-get install default-jre-headless        |
# | node 20+, npm          | vnu-jar, playwright-core        | apt-get install nodejs npm                  |
# | chromium               | tests/browser/run.sh            | apt-get install chromium (+ fonts-liberation) |
#
# apt-get runs as root, or with sudo. A tool that is still missing after
# that (no apt-get, no root, an old Debian's node) ends the run with exit 2
# and a message naming each missing tool and how to install it.
#
# Usage: bash .ci/tools.sh
#   CADENCE_TOOLS=check  install nothing: only name what is missing (exit 2
#                        if anything is)
set -euo pipefail

mode="${CADENCE_TOOLS:-install}"
missing=()

step() { printf '==> %s\n' "$*"; }
have() { command -v "$1" >/dev/null 2>&1; }
installing() { [ "$mode" = "install" ]; }

# Run as root: directly, or with sudo.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif have sudo; then
        sudo "$@"
    else
        echo "cannot run as root (not root, no sudo): $*" >&2
        return 1
    fi
}

apt_updated=""
# apt-get install PACKAGES, quietly; false when it cannot.
apt_install() {
    installing && have apt-get || return 1
    step "apt-get install $*"
    if [ -z "$apt_updated" ]; then
        as_root apt-get update -qq </dev/null || return 1
        apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@" \
        </dev/null >/dev/null
}

# pip install PACKAGES into whichever Python environment takes them.
pip_install() {
    installing || return 1
    step "pip install $*"
    local pip=(python3 -m pip install --quiet --disable-pip-version-check)
    "${pip[@]}" "$@" 2>/dev/null \
        || "${pip[@]}" --user "$@" 2>/dev/null \
        || "${pip[@]}" --user --break-system-packages "$@"
}

# ---- Rust -------------------------------------------------------------------
if ! have cargo; then
    missing+=("cargo (install Rust with rustup)")
else
    for component in rustfmt clippy; do
        sub="${component/rustfmt/fmt}"
        if ! cargo "$sub" --version >/dev/null 2>&1; then
            if installing && have rustup; then
                step "rustup component add $component"
                rustup component add "$component" || true
            fi
            cargo "$sub" --version >/dev/null 2>&1 \
                || missing+=("$component (rustup component add $component)")
        fi
    done
fi

# ---- Python -----------------------------------------------------------------
if ! have python3; then
    missing+=("python3 (apt-get install python3)")
else
    if ! python3 -m pip --version >/dev/null 2>&1; then
        apt_install python3-pip || true
        python3 -m pip --version >/dev/null 2>&1 \
            || missing+=("pip (apt-get install python3-pip)")
    fi
    if ! python3 -c 'import feedparser, icalendar' 2>/dev/null; then
        pip_install feedparser icalendar || true
        python3 -c 'import feedparser, icalendar' 2>/dev/null \
            || missing+=("the Python packages feedparser and icalendar (pip install feedparser icalendar)")
    fi
fi

# ---- Debian packages --------------------------------------------------------
# tool, package, what it is for
need_apt() {
    local tool="$1" package="$2"
    if ! have "$tool"; then
        apt_install "$package" || true
        hash -r
        have "$tool" || missing+=("$tool (apt-get install $package)")
    fi
}
need_apt xmllint libxml2-utils
need_apt java default-jre-headless
need_apt chromium chromium
# The pages' monospace stack names Liberation Mono, which Debian's chromium
# only recommends (apt_install skips recommends): the browser test measures
# where commands wrap, so it runs with the font it was written against.
if have fc-list && ! fc-list 2>/dev/null | grep -qi "Liberation Mono"; then
    apt_install fonts-liberation || true
fi

# node 20 or later: playwright-core needs it; Debian 12's nodejs is 18.
node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if ! have node || ! have npm || [ "$(node_major)" -lt 20 ]; then
    apt_install nodejs npm || true
    hash -r
    if ! have node; then
        missing+=("node 20 or later (apt-get install nodejs)")
    elif [ "$(node_major)" -lt 20 ]; then
        missing+=("node 20 or later (found $(node --version); install Node.js 20+)")
    fi
    have npm || missing+=("npm (apt-get install npm)")
fi

if [ "${#missing[@]}" -gt 0 ]; then
    {
        echo "error: .ci/run needs these tools, which are missing and were not installed:"
        printf '  - %s\n' "${missing[@]}"
    } >&2
    exit 2
fi
echo "tools: all present"
