#!/usr/bin/env python3
"""Benchmark of `cadence serve`: the time from a manifest write to the
rebuilt release page being served, on a synthetic site.

    python3 benches/serve_rebuild.py [--releases 10000] [--models 4] [--runs 20]

Builds the release binary and the synth example, writes the site into a
temporary folder, starts `cadence serve --port 0`, then edits one release's
summary `--runs` times, polling its page (every 2 ms) until the new text is
served. Prints the median, min and max. Not a test: nothing here asserts a
time.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--releases", type=int, default=10000)
    ap.add_argument("--models", type=int, default=4)
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()

    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(REPO, "target"))
    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "cadence", "--example", "synth"],
                   cwd=REPO, check=True)
    cadence = os.path.join(target, "release", "cadence")
    synth = os.path.join(target, "release", "examples", "synth")

    tmp = tempfile.mkdtemp(prefix="cadence-serve-bench-")
    try:
        site = os.path.join(tmp, "site")
        today = "2026-01-01"
        subprocess.run([synth, "--models", str(args.models), "--releases", str(args.releases),
                        "--out", site, "--today", today], check=True, stderr=subprocess.DEVNULL)
        proc = subprocess.Popen([cadence, "--root", site, "--today", today, "serve", "--port", "0"],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            banner = proc.stdout.readline()
            port = re.search(r"http://127\.0\.0\.1:(\d+)/", banner).group(1)
            print(banner.strip())
            manifest = os.path.join(site, "releases", "model-0", "versioned", "1.10.0.yaml")
            page = f"http://127.0.0.1:{port}/model-0/versioned/1.10.0/"
            text = open(manifest).read()
            times = []
            for run in range(args.runs):
                marker = f"Benchmark edit {run} {time.time_ns()}."
                new = re.sub(r"^summary: .*$", f"summary: {marker}", text, count=1, flags=re.M)
                start = time.perf_counter()
                with open(manifest, "w") as f:
                    f.write(new)
                while marker not in fetch(page):
                    time.sleep(0.002)
                times.append((time.perf_counter() - start) * 1000)
                time.sleep(1.5)  # let the deferred calendar and API finish
            print(f"{args.releases} releases, {args.runs} edits: write to served page "
                  f"median {statistics.median(times):.0f} ms, min {min(times):.0f} ms, max {max(times):.0f} ms")
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.read().decode("utf-8", "replace")
    except OSError:
        return ""


if __name__ == "__main__":
    main()
