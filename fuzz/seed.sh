#!/usr/bin/env bash
# Seed corpus for the `pipeline` fuzz target: every manifest, content page
# and the config of tests/fixtures/site, each behind the byte that makes
# the target write it to the same kind of file (see Target::from_byte).
#
#   bash fuzz/seed.sh && cargo fuzz run pipeline fuzz/corpus/pipeline
set -euo pipefail
cd "$(dirname "$0")/.."
out=fuzz/corpus/pipeline
mkdir -p "$out"
site=tests/fixtures/site
seed() { # byte file
    { printf "\\$(printf '%03o' "$1")"; cat "$2"; } > "$out/$(basename "$(dirname "$2")")-$(basename "$2")"
}
for f in "$site"/releases/*/versioned/*.yaml; do seed 0 "$f"; done
for f in "$site"/releases/*/stream/*.yaml; do seed 4 "$f"; done
for f in "$site"/content/*.md; do seed 6 "$f"; done
seed 7 "$site/cadence.toml"
for f in tests/fixtures/lifecycle/releases/*/versioned/line-*.yaml; do seed 0 "$f"; done
ls "$out" | wc -l
