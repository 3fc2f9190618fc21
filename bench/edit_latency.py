#!/usr/bin/env python3
"""Edit-to-deployed latency: from writing a content file to the new page
being readable in the deploy folder, with `zhanting watch --deploy-to`, and
beside it `hugo server` (which renders to disk) on the same corpus when hugo is found.

    CARGO_BUILD_JOBS=1 cargo build --release
    python3 bench/edit_latency.py --pages 1000 10000 --edits 15

Corpora are made with /work/shared/bench/make_corpus.py (or --make-corpus)
into bench/work/ (git-ignored). Prints one line per (tool, size): median and
max latency over the edits, the first full build time, and the peak memory
(VmHWM) of the watching process.
"""

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def make_corpus(script, pages, out):
    if (out / "site.yaml").exists():
        return
    subprocess.run([sys.executable, script, "--pages", str(pages), "--out", str(out)], check=True, stdout=subprocess.DEVNULL)


class Proc:
    """A long-running command whose output lines are collected."""

    def __init__(self, args, cwd=None):
        self.p = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.lines = []
        self.cv = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.p.stdout:
            with self.cv:
                self.lines.append(line.rstrip("\n"))
                self.cv.notify_all()

    def wait_for(self, pattern, timeout, start=0):
        end = time.time() + timeout
        with self.cv:
            while True:
                for i in range(start, len(self.lines)):
                    if re.search(pattern, self.lines[i]):
                        return i, self.lines[i]
                left = end - time.time()
                if left <= 0 or self.p.poll() is not None:
                    raise SystemExit(f"timed out waiting for {pattern!r}; output:\n" + "\n".join(self.lines[-30:]))
                self.cv.wait(min(left, 1.0))

    def peak_memory_mb(self):
        try:
            for line in Path(f"/proc/{self.p.pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return float("nan")

    def stop(self):
        self.p.terminate()
        try:
            self.p.wait(10)
        except subprocess.TimeoutExpired:
            self.p.kill()


def measure(edit_file, page_file, edits, settle):
    """Edits `edit_file` `edits` times; returns latencies (ms) until
    `page_file` holds the new token."""
    original = edit_file.read_text(encoding="utf-8")
    latencies = []
    for i in range(edits):
        token = f"测量标记{time.time_ns()}号"
        text = original.replace("同志们：", f"同志们：{token}", 1) if "同志们：" in original else original + f"\n{token}\n"
        t0 = time.perf_counter()
        edit_file.write_text(text, encoding="utf-8")
        deadline = t0 + 120
        while True:
            try:
                if token in page_file.read_text(encoding="utf-8", errors="replace"):
                    break
            except OSError:
                pass
            if time.perf_counter() > deadline:
                raise SystemExit(f"{page_file} never showed the edit")
            time.sleep(0.0005)
        latencies.append((time.perf_counter() - t0) * 1000)
        time.sleep(settle)
    edit_file.write_text(original, encoding="utf-8")
    time.sleep(settle)
    return latencies


def bench_zhanting(binary, corpus, work, edits, settle):
    site = work / "zhanting-site"
    www = work / "zhanting-www"
    for d in (site, www):
        shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(corpus, site)
    t0 = time.perf_counter()
    p = Proc([str(binary), "watch", "--root", str(site), "--deploy-to", str(www)])
    try:
        p.wait_for(r"^watching", 600)
        first = time.perf_counter() - t0
        edit = site / "content/speeches/000000.md"
        page = www / "speeches/000000/index.html"
        lat = measure(edit, page, edits, settle)
        return lat, first, p.peak_memory_mb()
    finally:
        p.stop()


HUGO_LAYOUT = {
    "hugo.toml": 'baseURL = "/"\ntitle = "bench"\ndisableKinds = ["RSS", "sitemap", "robotsTXT"]\n[taxonomies]\ntag = "tags"\n',
    "layouts/_default/baseof.html": "<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body>{{ block \"main\" . }}{{ end }}</body></html>\n",
    "layouts/_default/single.html": "{{ define \"main\" }}<h1>{{ .Title }}</h1><p>{{ .Date.Format \"2006-01-02\" }} {{ .Params.speaker }}</p>{{ .Content }}{{ with .PrevInSection }}<a href=\"{{ .RelPermalink }}\">{{ .Title }}</a>{{ end }}{{ end }}\n",
    "layouts/_default/list.html": "{{ define \"main\" }}<h1>{{ .Title }}</h1><ul>{{ range .Paginator.Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a> {{ .Summary }}</li>{{ end }}</ul>{{ end }}\n",
    "layouts/index.html": "{{ define \"main\" }}<ul>{{ range first 20 .Site.RegularPages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a></li>{{ end }}</ul>{{ end }}\n",
}


def bench_hugo(hugo, corpus, work, edits, settle):
    site = work / "hugo-site"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(corpus / "content", site / "content")
    for rel, text in HUGO_LAYOUT.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(text, encoding="utf-8")
    out = site / "public"
    t0 = time.perf_counter()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    # Hugo >= 0.123 renders to disk by default (older versions: --renderToDisk).
    p = Proc([hugo, "server", "--disableLiveReload", "--port", str(port), "--bind", "127.0.0.1", "--destination", str(out)], cwd=site)
    try:
        p.wait_for(r"Web Server is available|Press Ctrl\+C", 900)
        first = time.perf_counter() - t0
        edit = site / "content/speeches/000000.md"
        page = out / "speeches/000000/index.html"
        lat = measure(edit, page, edits, settle)
        return lat, first, p.peak_memory_mb()
    finally:
        p.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--edits", type=int, default=15)
    ap.add_argument("--settle", type=float, default=0.5, help="seconds between edits")
    ap.add_argument("--bin", default=str(REPO / "target/release/zhanting"))
    ap.add_argument("--hugo", default=shutil.which("hugo"), help="hugo binary (skipped when not found)")
    ap.add_argument("--make-corpus", default="/work/shared/bench/make_corpus.py")
    ap.add_argument("--work", default=str(HERE / "work"))
    a = ap.parse_args()
    work = Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    print(f"# {os.uname().sysname} {os.uname().machine}, {os.cpu_count()} cpus; edits={a.edits}, settle={a.settle}s")
    for n in a.pages:
        corpus = work / f"corpus-{n}"
        make_corpus(a.make_corpus, n, corpus)
        runs = [("zhanting watch --deploy-to", lambda: bench_zhanting(Path(a.bin), corpus, work / f"run-{n}", a.edits, a.settle))]
        if a.hugo:
            runs.append(("hugo server", lambda: bench_hugo(a.hugo, corpus, work / f"run-{n}", a.edits, a.settle)))
        for name, run in runs:
            lat, first, mem = run()
            print(f"{n:>6} pages  {name:<28} median {statistics.median(lat):8.1f} ms  max {max(lat):8.1f} ms  "
                  f"first build {first:6.2f} s  peak memory {mem:7.1f} MB", flush=True)


if __name__ == "__main__":
    main()
