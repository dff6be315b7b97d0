#!/usr/bin/env bash
# cadence against Hugo on the same pages (issue 16: "at least 10x faster
# than Hugo on the same pages").
#
#   bash benches/hugo.sh            # 10,000 releases
#   bash benches/hugo.sh 1000       # another number of releases
#   RUNS=3 BENCH_DIR=/some/disk bash benches/hugo.sh
#
# Writes the synthetic site of examples/synth.rs (4 models, N releases,
# seed 1, --today 2026-01-01, mixed YAML styles, as benches/bench.sh does),
# converts it with benches/to_hugo.py into a Hugo site (one page per release
# and per skip with the same markdown notes and the fields cadence's release
# page shows, a section page per model and per channel listing its pages
# newest first, the home page, Hugo's own RSS per section and sitemap; the
# theme is benches/hugo-layouts/), and times with hyperfine, RUNS runs each
# (default 5) after a warm-up run and a `sync`:
#
# - cadence build into a new folder on the disk of BENCH_DIR, and into
#   /dev/shm;
# - hugo into a new folder on the same disk, into /dev/shm, and with
#   --renderToMemory (no files written).
#
# The outputs of the disk runs are moved aside, not deleted, until the end
# (see benches/bench.sh: on ext4 without a journal creating files right
# after deleting many is much slower). Prints the medians, the files and
# HTML pages each wrote, and the ratios. Installs hugo (Debian's package),
# hyperfine and PyYAML when they are missing. Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/.."

N="${1:-10000}"
RUNS="${RUNS:-5}"
TODAY=2026-01-01
SEED=1
MODELS=4
BENCH_DIR="${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/cadence-hugo.XXXXXX")}"
mkdir -p "$BENCH_DIR"

need() {
    if ! command -v "$1" >/dev/null 2>&1; then
        echo "installing $2 with apt-get" >&2
        local sudo=""
        if [ "$(id -u)" != 0 ]; then sudo=sudo; fi
        $sudo apt-get update -qq >&2 && $sudo apt-get install -y -qq "$2" >&2
    fi
}
need hugo hugo
need hyperfine hyperfine
if ! python3 -c 'import yaml' 2>/dev/null; then
    echo "installing PyYAML with pip" >&2
    python3 -m pip install --quiet pyyaml >&2
fi

echo "building cadence and the synthetic site generator (release)" >&2
cargo build --release --quiet --bin cadence --example synth
CADENCE="$PWD/target/release/cadence"
SYNTH="$PWD/target/release/examples/synth"
HUGO="$(command -v hugo)"

site="$BENCH_DIR/site-$N"
hsite="$BENCH_DIR/hugo-site-$N"
if [ ! -f "$site/cadence.toml" ]; then
    echo "generating $N releases of $MODELS models into $site" >&2
    "$SYNTH" --models "$MODELS" --releases "$N" --seed "$SEED" --today "$TODAY" \
        --style mixed --out "$site" 2>/dev/null
fi
echo "converting it into a Hugo site in $hsite" >&2
rm -rf "$hsite"
python3 benches/to_hugo.py "$site" "$hsite"

LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
trash="$BENCH_DIR/trash"
mkdir -p "$trash"
aside="for d in '$BENCH_DIR/out-cadence' '$BENCH_DIR/out-hugo' '$site/.cadence'; do if [ -e \$d ]; then mv \$d '$trash/'\$(date +%s%N); fi; done; sync"
shm_cadence=/dev/shm/cadence-hugo-bench-cadence
shm_hugo=/dev/shm/cadence-hugo-bench-hugo

median() {
    grep -o '"median": *[0-9.eE+-]*' "$1" | head -1 | awk '{print $2}'
}
fmt_s() {
    awk -v s="$1" 'BEGIN { if (s < 1) printf "%.0f ms", s * 1000; else printf "%.2f s", s }'
}
ratio() {
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'
}
time_it() { # name, prepare, command...
    local name="$1" prepare="$2"
    shift 2
    echo "== $name" >&2
    hyperfine --style basic --warmup 1 --runs "$RUNS" --prepare "$prepare" \
        --export-json "$BENCH_DIR/$name.json" "$*" >&2
}

time_it cadence-disk "$aside" \
    "$CADENCE" --root "$site" --today "$TODAY" build --out "$BENCH_DIR/out-cadence" -q
time_it hugo-disk "$aside" \
    "$HUGO" --quiet -s "$hsite" -d "$BENCH_DIR/out-hugo"
time_it cadence-shm "rm -rf '$shm_cadence' '$site/.cadence'; sync" \
    "$CADENCE" --root "$site" --today "$TODAY" build --out "$shm_cadence" -q
time_it hugo-shm "rm -rf '$shm_hugo'; sync" \
    "$HUGO" --quiet -s "$hsite" -d "$shm_hugo"
time_it hugo-memory "sync" \
    "$HUGO" --quiet -s "$hsite" --renderToMemory

count() { # folder, pattern
    find "$1" -type f -name "$2" | wc -l
}
# Mean size of a release page (the notes' release 1.0.0-rc.1 of model-0 is in
# both sites under the same path).
page_kb() {
    local f
    f="$(find "$1/model-0/versioned" -path '*1.0.0-rc.1*' -name index.html | head -1)"
    if [ -n "$f" ]; then awk -v b="$(wc -c <"$f")" 'BEGIN { printf "%.1f", b / 1024 }'; else echo "?"; fi
}

cdisk="$(median "$BENCH_DIR/cadence-disk.json")"
hdisk="$(median "$BENCH_DIR/hugo-disk.json")"
cshm="$(median "$BENCH_DIR/cadence-shm.json")"
hshm="$(median "$BENCH_DIR/hugo-shm.json")"
hmem="$(median "$BENCH_DIR/hugo-memory.json")"

disk="$(df -h "$BENCH_DIR" | awk 'NR == 2 {print $1}')"
fstype="$(findmnt -n -o FSTYPE --target "$BENCH_DIR" 2>/dev/null || echo '?')"
cat <<EOF

Machine: $(nproc) cores ($(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)), load average $LOAD_BEFORE before the runs, $(cut -d' ' -f1-3 /proc/loadavg) after; disk runs on $fstype ($disk).
$("$CADENCE" --version), $("$HUGO" version | cut -d' ' -f1-2); $N releases of $MODELS models (examples/synth.rs, seed $SEED, --style mixed); medians of $RUNS runs.

| | cadence | Hugo | Hugo / cadence |
|:--|---:|---:|---:|
| new folder on disk | $(fmt_s "$cdisk") | $(fmt_s "$hdisk") | $(ratio "$hdisk" "$cdisk") |
| new folder in /dev/shm | $(fmt_s "$cshm") | $(fmt_s "$hshm") | $(ratio "$hshm" "$cshm") |
| Hugo --renderToMemory (against cadence into /dev/shm) | $(fmt_s "$cshm") | $(fmt_s "$hmem") | $(ratio "$hmem" "$cshm") |
| files written | $(find "$shm_cadence" -type f ! -name .cadence-build | wc -l) | $(find "$shm_hugo" -type f | wc -l) | |
| HTML pages written | $(count "$shm_cadence" '*.html') | $(count "$shm_hugo" '*.html') | |
| bytes of HTML | $(find "$shm_cadence" -name '*.html' -printf '%s\n' | awk '{s += $1} END {printf "%.0f MB", s / 1e6}') | $(find "$shm_hugo" -name '*.html' -printf '%s\n' | awk '{s += $1} END {printf "%.0f MB", s / 1e6}') | |
| one release page (1.0.0-rc.1 of model-0) | $(page_kb "$shm_cadence") KB | $(page_kb "$shm_hugo") KB | |

(raw results in $BENCH_DIR)
EOF
rm -rf "$trash" "$shm_cadence" "$shm_hugo"
