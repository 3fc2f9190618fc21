#!/usr/bin/env python3
"""Roll-up at scale: a city site over COUNTIES county sites of PAGES pages
each, against one site holding as many pages, built by the same binary in
the same run.

    python3 bench/rollup.py --bin target/release/zhanting                  # 10 × 10,000
    python3 bench/rollup.py --bin target/release/zhanting --counties 10 --pages 1000 --runs 3

What it makes (once; kept under bench/work/, which is not in git):

- bench/work/rollup-C-P/county-K/: county K (1..C), a corpus of P pages from
  ../shared/bench/make_corpus.py with --seed K (so the counties differ), its
  own site.yaml as the generator writes it;
- bench/work/rollup-C-P/city/: a site with no pages of its own whose
  site.yaml lists the C counties under `sources:` (key cK, path ../county-K);
- bench/work/corpus-(C·P)/: one site of C·P pages (seed 0), the single
  site of that size the city is compared with.

Each is built --runs times into a folder deleted just before (alternating
between the two), with ZHANTING_TIMINGS=1. Reported: median wall time, CPU
time, and peak resident memory (ru_maxrss from wait4) of each, the number of
pages and files made, and the city's figures divided by the single site's
(time per page and memory, as ratios: this machine is noisy, the ratio in one
run is what holds). The figures go into BENCHMARKS.md ("Roll-up").
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORK = os.path.join(HERE, "work")
MAKE_CORPUS = os.environ.get(
    "MAKE_CORPUS", os.path.join(HERE, "..", "..", "shared", "bench", "make_corpus.py")
)


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def corpus(out, pages, seed):
    if os.path.isfile(os.path.join(out, "site.yaml")):
        return
    log(f"making {out} ({pages} pages, seed {seed}) ...")
    tmp = out + ".part"
    shutil.rmtree(tmp, ignore_errors=True)
    subprocess.run(
        [sys.executable, MAKE_CORPUS, "--pages", str(pages), "--out", tmp, "--seed", str(seed)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    os.rename(tmp, out)


def city(base, counties, pages):
    for k in range(1, counties + 1):
        corpus(os.path.join(base, f"county-{k}"), pages, k)
    root = os.path.join(base, "city")
    os.makedirs(os.path.join(root, "content"), exist_ok=True)
    lines = ["title: 市级汇总\n", "sources:\n"]
    lines += [
        f"  - {{ key: c{k}, name: 第{k}县, path: ../county-{k} }}\n" for k in range(1, counties + 1)
    ]
    with open(os.path.join(root, "site.yaml"), "w", encoding="utf-8") as f:
        f.writelines(lines)
    return root


def build(binary, root):
    out = os.path.join(root, "output")
    shutil.rmtree(out, ignore_errors=True)
    env = dict(os.environ, ZHANTING_TIMINGS="1")
    start = time.perf_counter()
    p = subprocess.Popen(
        [binary, "build", "--root", root, "--output", out],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
    )
    text = p.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"build of {root} failed:\n{text[-3000:]}")
    files = sum(len(fs) for _, _, fs in os.walk(out))
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0, files


def pages_in(root):
    n = 0
    for d, _, fs in os.walk(os.path.join(root, "content")):
        n += sum(1 for f in fs if f.endswith(".md") and f != "_index.md")
    return n


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--counties", type=int, default=10)
    ap.add_argument("--pages", type=int, default=10000, help="pages per county")
    ap.add_argument("--runs", type=int, default=1)
    a = ap.parse_args()
    binary = os.path.abspath(a.bin)
    base = os.path.join(WORK, f"rollup-{a.counties}-{a.pages}")
    root_city = city(base, a.counties, a.pages)
    total = a.counties * a.pages
    root_single = os.path.join(WORK, f"corpus-{total}")
    corpus(root_single, total, 0)
    city_pages = sum(pages_in(os.path.join(base, f"county-{k}")) for k in range(1, a.counties + 1))
    single_pages = pages_in(root_single)
    runs = {"city": [], "single": []}
    for i in range(a.runs):
        for name, root in (("city", root_city), ("single", root_single)):
            r = build(binary, root)
            log(f"run {i + 1} {name}: {r[0]:.1f} s wall, {r[1]:.1f} s CPU, {r[2]:.0f} MB peak, {r[3]} files")
            runs[name].append(r)

    def med(name, i):
        return statistics.median(r[i] for r in runs[name])

    print(f"machine: {os.cpu_count()} cores; binary {a.bin}; {a.runs} run(s), output deleted before each")
    print("| site | pages | files | wall (median) | CPU | peak RSS | wall per 1,000 pages |")
    print("|---|---|---|---|---|---|---|")
    for name, pages, label in (
        ("city", city_pages, f"city over {a.counties} counties × {a.pages:,}"),
        ("single", single_pages, f"one site of {total:,}"),
    ):
        wall = med(name, 0)
        print(
            f"| {label} | {pages:,} | {runs[name][-1][3]:,} | {wall:.1f} s | {med(name, 1):.1f} s "
            f"| {med(name, 2):,.0f} MB | {wall / pages * 1000:.2f} s |"
        )
    per_page = (med("city", 0) / city_pages) / (med("single", 0) / single_pages)
    print(
        f"\ncity / single: wall per page {per_page:.2f}×, CPU per page "
        f"{(med('city', 1) / city_pages) / (med('single', 1) / single_pages):.2f}×, "
        f"peak memory {med('city', 2) / med('single', 2):.2f}×"
    )


if __name__ == "__main__":
    main()
