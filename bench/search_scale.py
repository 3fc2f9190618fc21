#!/usr/bin/env python3
"""Search at scale: index size and what the browser loads per query.

    python3 bench/search_scale.py --pages 10000 [--bin target/release/zhanting]
    python3 bench/search_scale.py --site DIR --no-build   # a site already built

Makes (once) a corpus with /work/shared/bench/make_corpus.py in
bench/work/scaleN/, builds it, reports the build time and the index size on
disk against the text size, then opens a page of the built site in headless
Chromium over HTTP and runs queries through window.zhanting.search: bytes
transferred and time for the first query on a fresh page, then each query
cold (first time) and warm (repeated), with the longest main-thread task
while a query ran (how long the page could not answer the reader).

The figures of issue 23 (index size and files per page, the search index
stage, peak memory, cold and warm queries in fresh pages, meta.js), for one
binary or two side by side, come from bench/search_cost.py, which does not
depend on the index's file names as this script does (search/p, d, b).
"""
import argparse
import http.server
import json
import os
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work")
QUERIES = ["陈仓区", "格里坪", "文建明工作法", "基层党建", "三会一课 流动党员", "2013年", "QQ群", "党"]

PAGE = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>scale</title>
<script src="assets/search.js" charset="utf-8"></script></head><body><script>
(async () => {
  const qs = QUERIES, out = [], tasks = [];
  // Long tasks (50 ms or more on the main thread): the page cannot answer
  // a click or a keystroke while one runs.
  new PerformanceObserver(l => tasks.push(...l.getEntries())).observe({ type: 'longtask' });
  const longest = (from, to) => Math.max(0, ...tasks
    .filter(t => t.startTime + t.duration >= from && t.startTime <= to).map(t => t.duration));
  await fetch('/mark');
  let t0 = performance.now();
  let r = await window.zhanting.search(qs[0], { limit: 10 });
  let t1 = performance.now();
  await new Promise(res => setTimeout(res, 100));
  out.push({ q: qs[0], first: true, ms: t1 - t0, total: r.total, block: longest(t0, t1) });
  await fetch('/mark');
  for (const q of qs) {
    t0 = performance.now();
    r = await window.zhanting.search(q, { limit: 10 });
    const cold = performance.now() - t0;
    await new Promise(res => setTimeout(res, 100));
    const block = longest(t0, t0 + cold);
    await fetch('/mark');
    t0 = performance.now();
    r = await window.zhanting.search(q, { limit: 10 });
    out.push({ q, cold, warm: performance.now() - t0, total: r.total, block });
    await fetch('/mark');
  }
  await fetch('/result', { method: 'POST', body: JSON.stringify(out) });
})();
</script></body></html>
"""


def du(path):
    total, n = 0, 0
    for d, _, files in os.walk(path):
        for f in files:
            total += os.path.getsize(os.path.join(d, f))
            n += 1
    return total, n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", type=int, default=10000)
    ap.add_argument("--bin", default=os.path.join(REPO, "target", "release", "zhanting"))
    ap.add_argument("--site", help="the site folder (default: bench/work/scaleNk, generated when missing)")
    ap.add_argument("--no-build", action="store_true", help="use the site's existing output/")
    a = ap.parse_args()
    site = a.site or os.path.join(WORK, f"scale{a.pages // 1000}k")
    if not os.path.isdir(os.path.join(site, "content")):
        subprocess.run([sys.executable, "/work/shared/bench/make_corpus.py", "--pages", str(a.pages), "--out", site], check=True)
    t = time.time()
    if not a.no_build:
        subprocess.run([a.bin, "build", "--root", site], check=True, stdout=subprocess.DEVNULL)
    build_s = time.time() - t
    out = os.path.join(site, "output")
    text, _ = du(os.path.join(site, "content"))
    idx, nfiles = du(os.path.join(out, "search"))
    post, npost = du(os.path.join(out, "search", "p"))
    docs, _ = du(os.path.join(out, "search", "d"))
    parts, _ = du(os.path.join(out, "search", "b"))
    meta = os.path.getsize(os.path.join(out, "search", "meta.js"))
    mb = 1024 * 1024
    pages = sum(1 for _ in os.scandir(os.path.join(out, "search", "d")))
    print(f"{pages} pages, text (content/*.md) {text / mb:.1f} MB; build {build_s:.1f} s (whole site)")
    print(f"index {idx / mb:.1f} MB in {nfiles} files = {idx / text:.2f}x text; postings {post / mb:.1f} MB in {npost} shards "
          f"(avg {post / max(npost, 1) / 1024:.0f} KB), page records {docs / mb:.1f} MB, body parts {parts / mb:.1f} MB, meta.js {meta / 1024:.0f} KB")

    with open(os.path.join(out, "scale.html"), "w", encoding="utf-8") as f:
        f.write(PAGE.replace("QUERIES", json.dumps(QUERIES, ensure_ascii=False)))
    log, marks, result, done = [], [], {}, threading.Event()

    class H(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *x, **k):
            super().__init__(*x, directory=out, **k)

        def log_message(self, *x):
            pass

        def do_GET(self):
            if self.path.startswith("/mark"):
                marks.append(len(log))
                self.send_response(204)
                self.end_headers()
                return
            p = self.translate_path(self.path)
            if os.path.isfile(p):
                log.append((self.path, os.path.getsize(p)))
            super().do_GET()

        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            result["rows"] = json.loads(self.rfile.read(n))
            self.send_response(200)
            self.end_headers()
            done.set()

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    chrome = subprocess.Popen(["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                               "--user-data-dir=" + os.path.join(WORK, "chrome-profile-scale"),
                               "--remote-debugging-port=0", f"http://127.0.0.1:{srv.server_address[1]}/scale.html"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not done.wait(600):
            sys.exit("no result from the browser in 600 s")
    finally:
        chrome.terminate()
        chrome.wait()
        srv.shutdown()
    first = log[marks[0]:marks[1]]
    size = lambda xs: sum(n for _, n in xs)
    kinds = {"meta": [x for x in first if "meta.js" in x[0]], "postings": [x for x in first if "/search/p/" in x[0]],
             "pages": [x for x in first if "/search/d/" in x[0]]}
    rows = result["rows"]
    print(f"first query {rows[0]['q']!r} on a fresh page: {size(first) / 1024:.0f} KB in {len(first)} files "
          f"(meta {size(kinds['meta']) / 1024:.0f} KB, postings {size(kinds['postings']) / 1024:.0f} KB, "
          f"result pages {size(kinds['pages']) / 1024:.0f} KB), {rows[0]['ms']:.0f} ms, longest main-thread task "
          f"{rows[0]['block']:.0f} ms; search.js itself "
          f"{os.path.getsize(os.path.join(out, 'assets', 'search.js')) / 1024:.0f} KB")
    print(f"{'query':16} {'hits':>6} {'cold ms':>8} {'warm ms':>8} {'KB loaded':>10} {'longest task ms (cold)':>22}")
    for i, r in enumerate(rows[1:]):
        kb = size(log[marks[1 + 2 * i]:marks[2 + 2 * i]]) / 1024
        print(f"{r['q']:16} {r['total']:6} {r['cold']:8.1f} {r['warm']:8.1f} {kb:10.0f} {r['block']:22.0f}")


if __name__ == "__main__":
    main()
