#!/usr/bin/env bash
# Benchmark of `cadence check` and `cadence build` on synthetic sites of
# 1,000, 10,000 and 100,000 releases (examples/synth.rs), each written in
# the plain block style and in mixed YAML styles (`--style mixed`: quoted,
# folded and flow values, comments, anchors, CRLF...), printing a markdown
# table for the README's "Performance" section.
#
#   bash benches/bench.sh                 # all three sizes, both styles
#   SIZES="1000 10000" STYLES=mixed bash benches/bench.sh
#   BENCH_DIR=/some/disk bash benches/bench.sh   # where sites and output go
#
# Installs hyperfine and GNU time with apt-get when they are missing. Times
# are medians of hyperfine runs (fewer runs for 100,000 releases); memory is
# the peak resident set size of one run, from /usr/bin/time -v. Three build
# figures:
#
# - build: into a folder that does not exist yet, on the disk of BENCH_DIR
#   (CI on a fresh checkout). Each run's output, and the site's cache of
#   the previous build (`.cadence/`), are moved aside, not deleted, before
#   the next run, and all are deleted at the end: on some
#   file systems (ext4 without a journal) creating files right after
#   deleting many is much slower.
# - rebuild: over the folder the previous run wrote (a maintainer's loop):
#   cadence writes the new build into the one before it, kept in the site's
#   `.cadence/`, leaving unchanged files alone.
# - memory disk: a new build into /dev/shm (tmpfs), where writing costs
#   little: the time of cadence's own work.
#
# Before each timed run the script runs `sync`, so that no run pays for
# writing the previous run's files to the disk. It removes what it moved
# aside at the end; on ext4 without a journal, creating files is slow for
# some minutes after removing many, so let the disk rest before running it
# again (or use another BENCH_DIR on another disk).
#
# Not run by CI: no test asserts a time.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZES="${SIZES:-1000 10000 100000}"
STYLES="${STYLES:-plain mixed}"
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
    if [ "$1" -ge 100000 ]; then echo 3; elif [ "$1" -ge 10000 ]; then echo 5; else echo 10; fi
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

CASES=""
for n in $SIZES; do
    for style in $STYLES; do
        CASES="$CASES $n-$style"
    done
done
rows=()
declare -A cells
for case in $CASES; do
    n="${case%-*}"
    style="${case#*-}"
    site="$BENCH_DIR/site-$case"
    out="$BENCH_DIR/out-$case"
    models="$(models_for "$n")"
    runs="$(runs_for "$n")"
    if [ ! -f "$site/cadence.toml" ]; then
        echo "generating $n releases of $models models ($style style) into $site" >&2
        "$SYNTH" --models "$models" --releases "$n" --seed "$SEED" --today "$TODAY" --style "$style" --out "$site" 2>/dev/null
    fi
    check=(--root "$site" --today "$TODAY" check -q)
    build=(--root "$site" --today "$TODAY" build --out "$out" -q)

    echo "== $n releases ($style): check" >&2
    hyperfine --style basic --warmup 1 --runs "$runs" -N \
        --export-json "$BENCH_DIR/check-$case.json" \
        "$CADENCE ${check[*]}" >&2
    echo "== $n releases ($style): build into a new folder" >&2
    trash="$BENCH_DIR/trash"
    cache="$site/.cadence"
    mkdir -p "$trash"
    hyperfine --style basic --warmup 1 --runs "$runs" \
        --prepare "for d in '$out' '$cache'; do if [ -e \$d ]; then mv \$d '$trash/'\$(date +%s%N); fi; done; sync" \
        --export-json "$BENCH_DIR/build-$case.json" \
        "$CADENCE ${build[*]}" >&2
    shm=n/a
    if [ -d /dev/shm ] && [ -w /dev/shm ]; then
        echo "== $n releases ($style): build on a memory disk" >&2
        mem="/dev/shm/cadence-bench-out-$case"
        hyperfine --style basic --warmup 1 --runs "$runs" \
            --prepare "rm -rf '$mem'; sync" \
            --export-json "$BENCH_DIR/shm-$case.json" \
            "$CADENCE --root $site --today $TODAY build --out $mem -q" >&2
        rm -rf "$mem"
        shm="$(fmt_s "$(median "$BENCH_DIR/shm-$case.json")")"
    fi

    check_mb="$(peak_mb "$CADENCE" "${check[@]}")"
    mv "$out" "$trash/$(date +%s%N)"
    if [ -e "$cache" ]; then mv "$cache" "$trash/$(date +%s%N)"; fi
    build_mb="$(peak_mb "$CADENCE" "${build[@]}")"
    files="$(find "$out" -type f ! -name .cadence-build | wc -l)"
    pages="$(find "$out" -type f -name '*.html' | wc -l)"
    c="$(median "$BENCH_DIR/check-$case.json")"
    b="$(median "$BENCH_DIR/build-$case.json")"
    pps="$(awk -v p="$pages" -v s="$b" 'BEGIN { printf "%.0f", p / s }')"
    cells["$case"]="| $(thousands "$n") | $style | $(thousands "$files") / $(thousands "$pages") | $(fmt_s "$c") | $(fmt_s "$b") | REBUILD | $shm | $(thousands "$pps") | $check_mb MB / $build_mb MB |"
done

# Rebuilds last: each removes the previous build, and the builds above are
# measured on a disk where nothing was just removed.
for case in $CASES; do
    n="${case%-*}"
    style="${case#*-}"
    site="$BENCH_DIR/site-$case"
    out="$BENCH_DIR/out-$case"
    runs="$(runs_for "$n")"
    build=(--root "$site" --today "$TODAY" build --out "$out" -q)
    echo "== $n releases ($style): rebuild over the previous build" >&2
    hyperfine --style basic --warmup 1 --runs "$runs" --prepare sync \
        --export-json "$BENCH_DIR/rebuild-$case.json" \
        "$CADENCE ${build[*]}" >&2
    r="$(median "$BENCH_DIR/rebuild-$case.json")"
    rows+=("${cells[$case]/REBUILD/$(fmt_s "$r")}")
done
echo "removing the outputs moved aside" >&2
rm -rf "$BENCH_DIR/trash"

disk="$(df -h "$BENCH_DIR" | awk 'NR == 2 {print $1 ", " $2}')"
fstype="$(findmnt -n -o FSTYPE --target "$BENCH_DIR" 2>/dev/null || echo '?')"
cat <<EOF

Machine: $(nproc) cores ($(lscpu | sed -n 's/^Model name:[[:space:]]*//p' | head -1)), $(free -g | awk '/^Mem:/ {print $2}') GB of memory, output on $fstype ($disk); cadence $("$CADENCE" --version | awk '{print $2}'), synthetic sites of \`examples/synth.rs\` (seed $SEED, --today $TODAY, \`--style plain\` and \`mixed\`).

| releases | YAML style | files / HTML pages | check | build | rebuild | build, memory disk | pages/s (build) | peak memory (check / build) |
|---:|:--|---:|---:|---:|---:|---:|---:|---:|
EOF
printf '%s\n' "${rows[@]}"
echo
echo "(hyperfine medians; raw results in $BENCH_DIR)"
