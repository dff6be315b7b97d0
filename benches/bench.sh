#!/usr/bin/env bash
# Benchmark of `cadence check` and `cadence build` on synthetic sites of
# 1,000, 10,000 and 100,000 releases (examples/synth.rs), printing a
# markdown table for the README's "Performance" section.
#
#   bash benches/bench.sh                 # all three sizes
#   SIZES="1000 10000" bash benches/bench.sh
#   BENCH_DIR=/some/disk bash benches/bench.sh   # where sites and output go
#
# Installs hyperfine and GNU time with apt-get when they are missing. Times
# are medians of hyperfine runs (fewer runs for 100,000 releases); memory is
# the peak resident set size of one run, from /usr/bin/time -v. Two build
# figures: "build" into an empty folder (what CI does on a fresh checkout)
# and "rebuild" into the folder a previous build wrote (what a maintainer
# does locally; unchanged files are linked from the previous build). Not
# run by CI: no test asserts a time.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES="${SIZES:-1000 10000 100000}"
TODAY=2026-01-01
SEED=1
BENCH_DIR="${BENCH_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/cadence-bench.XXXXXX")}"
mkdir -p "$BENCH_DIR"

need() {
    if ! command -v "$1" >/dev/null 2>&1 && ! [ -x "$1" ]; then
        echo "installing $2 with apt-get" >&2
        if [ "$(id -u)" = 0 ]; then
            apt-get update -qq >&2 && apt-get install -y -qq "$2" >&2
        else
            sudo apt-get update -qq >&2 && sudo apt-get install -y -qq "$2" >&2
        fi
    fi
}
need hyperfine hyperfine
need /usr/bin/time time

echo "building cadence and the synthetic site generator (release)" >&2
cargo build --release --quiet --bin cadence --example synth
CADENCE="$PWD/target/release/cadence"
SYNTH="$PWD/target/release/examples/synth"

models_for() {
    # Four models up to 10,000 releases, ten at 100,000.
    if [ "$1" -ge 100000 ]; then echo 10; else echo 4; fi
}
runs_for() {
    if [ "$1" -ge 100000 ]; then echo 3; elif [ "$1" -ge 10000 ]; then echo 10; else echo 20; fi
}

# Peak resident set size of a command, in MB.
peak_mb() {
    /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}'
}

# Median of a hyperfine JSON export, in seconds.
median() {
    grep -o '"median": *[0-9.eE+-]*' "$1" | head -1 | awk '{print $2}'
}

# 12345 -> 12,345
thousands() {
    echo "$1" | sed -e ':a' -e 's/\B[0-9]\{3\}\>/,&/' -e 'ta'
}

fmt_s() {
    awk -v s="$1" 'BEGIN { if (s < 1) printf "%.0f ms", s * 1000; else printf "%.2f s", s }'
}

rows=()
for n in $SIZES; do
    site="$BENCH_DIR/site-$n"
    out="$BENCH_DIR/out-$n"
    models="$(models_for "$n")"
    runs="$(runs_for "$n")"
    if [ ! -f "$site/cadence.toml" ]; then
        echo "generating $n releases of $models models into $site" >&2
        "$SYNTH" --models "$models" --releases "$n" --seed "$SEED" --today "$TODAY" --out "$site" 2>/dev/null
    fi
    check=(--root "$site" --today "$TODAY" check -q)
    build=(--root "$site" --today "$TODAY" build --out "$out" -q)

    echo "== $n releases: check" >&2
    hyperfine --style basic --warmup 1 --runs "$runs" -N \
        --export-json "$BENCH_DIR/check-$n.json" \
        "$CADENCE ${check[*]}" >&2
    echo "== $n releases: build into an empty folder" >&2
    hyperfine --style basic --warmup 1 --runs "$runs" \
        --prepare "rm -rf '$out'" -N \
        --export-json "$BENCH_DIR/build-$n.json" \
        "$CADENCE ${build[*]}" >&2
    echo "== $n releases: rebuild over the previous build" >&2
    hyperfine --style basic --warmup 1 --runs "$runs" \
        --export-json "$BENCH_DIR/rebuild-$n.json" -N \
        "$CADENCE ${build[*]}" >&2

    check_mb="$(peak_mb "$CADENCE" "${check[@]}")"
    rm -rf "$out"
    build_mb="$(peak_mb "$CADENCE" "${build[@]}")"
    files="$(find "$out" -type f ! -name .cadence-build | wc -l)"
    pages="$(find "$out" -type f -name '*.html' | wc -l)"
    c="$(median "$BENCH_DIR/check-$n.json")"
    b="$(median "$BENCH_DIR/build-$n.json")"
    r="$(median "$BENCH_DIR/rebuild-$n.json")"
    pps="$(awk -v p="$pages" -v s="$b" 'BEGIN { printf "%.0f", p / s }')"
    rows+=("| $(thousands "$n") | $(thousands "$files") / $(thousands "$pages") | $(fmt_s "$c") | $(fmt_s "$b") | $(fmt_s "$r") | $(thousands "$pps") | $check_mb MB / $build_mb MB |")
done

disk="$(df -h "$BENCH_DIR" | awk 'NR == 2 {print $1 ", " $2}')"
fstype="$(findmnt -n -o FSTYPE --target "$BENCH_DIR" 2>/dev/null || echo '?')"
cat <<EOF

Machine: $(nproc) cores ($(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)), $(free -g | awk '/^Mem:/ {print $2}') GB of memory, output on $fstype ($disk); cadence $("$CADENCE" --version | awk '{print $2}'), synthetic sites of \`examples/synth.rs\` (seed $SEED, --today $TODAY).

| releases | files / HTML pages | check | build | rebuild | pages/s (build) | peak memory (check / build) |
|---:|---:|---:|---:|---:|---:|---:|
EOF
printf '%s\n' "${rows[@]}"
echo
echo "(hyperfine medians; raw results in $BENCH_DIR)"
