#!/usr/bin/env python3
"""Photo benchmark: what 200 camera photos cost a build, first and second.

    python3 bench/photos.py                 # 200 photos, 3 runs of each build
    python3 bench/photos.py --photos 50 --runs 5

What it does:
1. builds the release binary and the photo generator
   (`cargo build --release --bin zhanting --example make_photos`);
2. makes --photos camera-like JPEGs of 4000x3000 (a few MB each, gradients,
   shapes and sensor-like noise; the same files every time) into
   bench/work/photos-N/ (kept while the count is the same);
3. writes a site of page bundles, 10 photos each: the first in the body as
   a figure with a caption, the first as the cover, all ten in the
   `gallery`;
4. times `zhanting build` (wall time, and peak resident memory from
   /usr/bin/time -v) --runs times with no resize cache and no output
   (the first build of a site), then --runs times again with the cache and
   output of the previous build (the second build: nothing to resize);
5. prints the median of each, the peak memory, and the bytes of the
   originals, the resized files and the cache.

Everything it writes goes under bench/work/ (git-ignored).
"""
import argparse
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work")
BINARY = os.path.join(ROOT, "target", "release", "zhanting")
MAKER = os.path.join(ROOT, "target", "release", "examples", "make_photos")
PER_PAGE = 10


def run_timed(args):
    """Wall seconds and peak resident MiB of one run of `args`."""
    start = time.monotonic()
    p = subprocess.run(["/usr/bin/time", "-v"] + args, capture_output=True, text=True)
    wall = time.monotonic() - start
    if p.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{p.stdout}\n{p.stderr}")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
    return wall, int(m.group(1)) / 1024 if m else float("nan")


def folder_bytes(path, pred=lambda n: True):
    total = 0
    for d, _, names in os.walk(path):
        total += sum(os.path.getsize(os.path.join(d, n)) for n in names if pred(n))
    return total


def make_site(site, photos, count):
    if os.path.exists(site):
        shutil.rmtree(site)
    os.makedirs(os.path.join(site, "content", "cases"))
    with open(os.path.join(site, "site.yaml"), "w", encoding="utf-8") as f:
        f.write("title: 照片测试\n")
    for page in range(count // PER_PAGE):
        bundle = os.path.join(site, "content", "cases", f"活动{page:02d}")
        os.makedirs(bundle)
        names = []
        for k in range(PER_PAGE):
            name = f"photo-{page * PER_PAGE + k:03d}.jpg"
            # hard links: the photos are not copied per run
            os.link(os.path.join(photos, name), os.path.join(bundle, name))
            names.append(name)
        gallery = "".join(f"  - {{ src: {n}, caption: 活动照片第{i + 1}张 }}\n" for i, n in enumerate(names))
        with open(os.path.join(bundle, "index.md"), "w", encoding="utf-8") as f:
            f.write(f"---\ntitle: 支部活动第{page + 1}期\ndate: 2024-05-{page % 28 + 1:02d}\ncover: {names[0]}\n"
                    f"gallery:\n{gallery}---\n\n支部组织党员开展主题党日活动。\n\n![活动现场]({names[0]})\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--photos", type=int, default=200)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    count = a.photos - a.photos % PER_PAGE
    subprocess.run(["cargo", "build", "--release", "--bin", "zhanting", "--example", "make_photos"],
                   cwd=ROOT, check=True)
    photos = os.path.join(WORK, f"photos-{count}")
    if not os.path.exists(os.path.join(photos, f"photo-{count - 1:03d}.jpg")):
        t = time.monotonic()
        subprocess.run([MAKER, photos, str(count)], check=True)
        print(f"made {count} photos in {time.monotonic() - t:.1f} s")
    site = os.path.join(WORK, "photo-site")
    make_site(site, photos, count)
    build = [BINARY, "build", "--root", site]
    cache = os.path.join(site, ".zhanting")
    output = os.path.join(site, "output")

    first = []
    for _ in range(a.runs):
        for d in (cache, output):
            if os.path.exists(d):
                shutil.rmtree(d)
        subprocess.run(["sync"])
        first.append(run_timed(build))
    second = [run_timed(build) for _ in range(a.runs)]

    orig = folder_bytes(photos)
    resized = folder_bytes(output, lambda n: re.search(r"\.\d+w\.jpg$", n) is not None)
    print(f"machine: {platform.node()}, {os.cpu_count()} cores, "
          f"{open('/proc/cpuinfo').read().split('model name')[1].split(':')[1].splitlines()[0].strip()}")
    print(f"photos: {count} of 4000x3000, {orig / count / 2**20:.1f} MiB each on average, "
          f"{orig / 2**20:.0f} MiB in all; {count // PER_PAGE} pages")
    for name, runs in (("first build (no cache)", first), ("second build (cache)", second)):
        walls = [w for w, _ in runs]
        print(f"{name}: median {statistics.median(walls):.2f} s "
              f"(runs {', '.join(f'{w:.2f}' for w in walls)}), "
              f"peak memory {max(m for _, m in runs):.0f} MiB")
    print(f"resized files published: {resized / 2**20:.1f} MiB; cache: {folder_bytes(cache) / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
