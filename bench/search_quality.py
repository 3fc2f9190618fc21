#!/usr/bin/env python3
"""Search quality: zhanting's search against Pagefind on the same built site.

    python3 bench/search_quality.py [--bin target/release/zhanting] [--distractors 200]

1. Makes a site in bench/work/quality/ (git-ignored): the seed documents of
   /work/shared/seeds as pages (the compilation file split into its articles
   at its 第一篇/第二篇 … markers), plus N generated distractor pages from
   make_corpus.py (whose text is drawn from the same seeds).
2. Builds it with zhanting, indexes the same page set with Pagefind
   (npm package `pagefind`, installed into bench/work/), serves the output
   on 127.0.0.1, runs every query of bench/queries.txt through both engines'
   JavaScript APIs in headless Chromium, and prints precision@5, recall@10,
   MRR and false hits on absent terms.

Ground truth: a page is relevant to a query when every space-separated term
occurs, as written (after NFKC + lower-casing, i.e. full-width = half-width),
in the text of the page's <main>. That is the contract of the issue: exact
runs of characters, AND between terms.
"""
import argparse
import html
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import unicodedata
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
WORK = os.path.join(HERE, "work")
SEEDS = "/work/shared/seeds"
MAKE_CORPUS = "/work/shared/bench/make_corpus.py"


def norm(s):
    return unicodedata.normalize("NFKC", s).lower()


def ystr(s):
    return json.dumps(s, ensure_ascii=False)


def find_date(text):
    m = re.search(r"(20\d\d)[-年](\d{1,2})(?:[-月](\d{1,2}))?", text)
    if not m:
        return "2010-01-01"
    y, mo, d = m.group(1), int(m.group(2)), int(m.group(3) or 1)
    mo = min(max(mo, 1), 12)
    d = min(max(d, 1), 28)
    return f"{y}-{mo:02d}-{d:02d}"


def page_md(title, date, lines, extra=""):
    body = "\n\n".join(l.strip().replace("*", "＊").lstrip("#") for l in lines if l.strip())
    return f"---\ntitle: {ystr(title)}\ndate: {date}\n{extra}---\n\n{body}\n"


def seed_pages():
    """[(kind dir, slug, markdown)] from the seed files."""
    out = []
    for name in sorted(os.listdir(SEEDS)):
        with open(os.path.join(SEEDS, name), encoding="utf-8") as f:
            lines = [l.rstrip() for l in f.read().splitlines()]
        stem = name.split("_")[0]
        if any(re.match(r"^第.{1,3}篇", l) for l in lines):
            parts, cur = [], None
            for l in lines:
                if re.match(r"^第.{1,3}篇", l):
                    cur = [l]
                    parts.append(cur)
                elif cur is not None:
                    cur.append(l)
            for i, p in enumerate(parts):
                title = re.sub(r"^第.{1,3}篇[:：]?", "", p[0]).strip() or f"案例{i + 1}"
                out.append(("cases", f"seed-{stem}-{i + 1}", page_md(title, find_date("\n".join(p)), p[1:])))
        else:
            content = [l for l in lines if l.strip()]
            title = next((l.strip() for l in content if "讲话" in l or "通知" in l), content[0].strip())
            title = title[:60]
            out.append(("speeches", f"seed-{stem}", page_md(title, find_date("\n".join(content)), content)))
    return out


def make_site(site, distractors):
    if os.path.exists(site):
        shutil.rmtree(site)
    subprocess.run([sys.executable, MAKE_CORPUS, "--pages", str(distractors), "--out", site], check=True)
    for kind, slug, md in seed_pages():
        os.makedirs(os.path.join(site, "content", kind), exist_ok=True)
        with open(os.path.join(site, "content", kind, slug + ".md"), "w", encoding="utf-8") as f:
            f.write(md)


def main_text(path):
    with open(path, encoding="utf-8") as f:
        h = f.read()
    m = re.search(r"<main[^>]*>(.*)</main>", h, re.S)
    t = m.group(1) if m else h
    # links to other pages (previous/next) are not this page's text
    t = re.sub(r'<nav class="neighbours".*?</nav>', "", t, flags=re.S)
    t = re.sub(r"<[^>]+>", "", t)
    return norm(html.unescape(t))


def page_key(url):
    u = urllib.parse.unquote(url.split("#")[0].split("?")[0])
    u = re.sub(r"^(\.\./)+", "", u).lstrip("/")
    if u.endswith("index.html"):
        u = u[: -len("index.html")]
    return u


BENCH_HTML = """<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>bench</title>
<script src="assets/search.js" charset="utf-8"></script></head><body><script type="module">
const queries = QUERIES;
const pf = await import('./pagefind/pagefind.js');
await pf.options({ excerptLength: 20 });
await pf.init();
const out = [];
for (const q of queries) {
  const t0 = performance.now();
  const z = await window.zhanting.search(q, { limit: 10 });
  const t1 = performance.now();
  const p = await pf.search(q);
  const pr = await Promise.all(p.results.slice(0, 10).map(r => r.data()));
  const t2 = performance.now();
  out.push({ q, zhanting: z.results.map(r => r.url), zt: z.total, zexact: z.exact !== false, zms: t1 - t0,
             pagefind: pr.map(r => r.url), pt: p.results.length, pms: t2 - t1 });
}
await fetch('/result', { method: 'POST', body: JSON.stringify(out) });
</script></body></html>
"""


def run_browser(out_dir, queries):
    with open(os.path.join(out_dir, "bench.html"), "w", encoding="utf-8") as f:
        f.write(BENCH_HTML.replace("QUERIES", json.dumps(queries, ensure_ascii=False)))
    result = {}
    done = threading.Event()

    class H(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *a, **k):
            super().__init__(*a, directory=out_dir, **k)

        def log_message(self, *a):
            pass

        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            result["data"] = json.loads(self.rfile.read(n))
            self.send_response(200)
            self.end_headers()
            done.set()

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{srv.server_address[1]}/bench.html"
    chrome = subprocess.Popen(["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                               "--user-data-dir=" + os.path.join(WORK, "chrome-profile"),
                               "--remote-debugging-port=0", url],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not done.wait(300):
            sys.exit("browser did not report results in 300 s")
    finally:
        chrome.terminate()
        chrome.wait()
        srv.shutdown()
    return result["data"]


def metrics(rows, truth):
    def score(engine):
        p5 = r10 = mrr = 0.0
        false_absent = 0
        for row in rows:
            rel = truth[row["q"]]
            got = [page_key(u) for u in row[engine]]
            top5, top10 = got[:5], got[:10]
            if not rel:
                ok = not got
                p5 += 1.0 if ok else 0.0
                r10 += 1.0
                mrr += 1.0 if ok else 0.0
                false_absent += 0 if ok else 1
                continue
            p5 += (sum(1 for g in top5 if g in rel) / len(top5)) if top5 else 0.0
            r10 += sum(1 for g in top10 if g in rel) / min(len(rel), 10)
            first = next((i for i, g in enumerate(got) if g in rel), None)
            mrr += 1.0 / (first + 1) if first is not None else 0.0
        n = len(rows)
        return p5 / n, r10 / n, mrr / n, false_absent
    return score("zhanting"), score("pagefind")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(REPO, "target", "debug", "zhanting"))
    ap.add_argument("--distractors", type=int, default=200)
    a = ap.parse_args()
    site = os.path.join(WORK, "quality")
    make_site(site, a.distractors)
    out = os.path.join(site, "output")
    subprocess.run([a.bin, "build", "--root", site], check=True, stdout=subprocess.DEVNULL)
    pagefind = os.path.join(WORK, "node_modules", ".bin", "pagefind")
    if not os.path.exists(pagefind):
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "pagefind"], cwd=WORK, check=True)
    subprocess.run([pagefind, "--site", out, "--glob", "{speeches,cases,brands}/*/index.html"],
                   check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(HERE, "queries.txt"), encoding="utf-8") as f:
        queries = [l.strip() for l in f if l.strip() and not l.startswith("#")]
    pages = {}
    for kind in ("speeches", "cases", "brands"):
        d = os.path.join(out, kind)
        for slug in sorted(os.listdir(d)):
            p = os.path.join(d, slug, "index.html")
            if slug != "page" and os.path.isfile(p):
                pages[f"{kind}/{slug}/"] = main_text(p)
    truth = {q: {k for k, t in pages.items() if all(norm(term) in t for term in q.split())} for q in queries}
    rows = run_browser(out, queries)
    (zp, zr, zm, zf), (pp, pr, pm, pf) = metrics(rows, truth)
    absent = sum(1 for q in queries if not truth[q])
    print(f"site: {len(pages)} pages; {len(queries)} queries ({absent} with no relevant page)")
    print(f"{'engine':10} {'P@5':>6} {'R@10':>6} {'MRR':>6} {'false hits on absent terms':>28}")
    print(f"{'zhanting':10} {zp:6.3f} {zr:6.3f} {zm:6.3f} {zf:>22} of {absent}")
    print(f"{'pagefind':10} {pp:6.3f} {pr:6.3f} {pm:6.3f} {pf:>22} of {absent}")
    zms = sorted(r["zms"] for r in rows)
    pms = sorted(r["pms"] for r in rows)
    print(f"median query time in the browser (ms): zhanting {zms[len(zms) // 2]:.1f}, pagefind {pms[len(pms) // 2]:.1f}")
    # The total: exact when every candidate was checked (it must then equal
    # the relevant count), else the most there can be (never below it).
    exact = [r for r in rows if r["zexact"]]
    equal = sum(1 for r in exact if r["zt"] == len(truth[r["q"]]))
    upper = [r for r in rows if not r["zexact"]]
    above = sum(1 for r in upper if r["zt"] >= len(truth[r["q"]]))
    wrong = sum(1 for r in rows for u in r["zhanting"] if page_key(u) not in truth[r["q"]])
    print(f"zhanting totals: {equal} of {len(exact)} exact totals equal the relevant count; "
          f"{above} of {len(upper)} 'at most' totals are not below it; "
          f"results without the query's terms: {wrong}")
    with open(os.path.join(WORK, "quality-results.json"), "w", encoding="utf-8") as f:
        json.dump({"rows": rows, "truth": {q: sorted(v) for q, v in truth.items()}}, f, ensure_ascii=False, indent=1)
    for r in rows:
        rel = truth[r["q"]]
        zk = [page_key(u) for u in r["zhanting"]]
        miss = [k for k in list(rel)[:10] if k not in zk] if len(rel) <= 10 else []
        bad = [k for k in zk if k not in rel]
        if miss or bad:
            print(f"  zhanting {r['q']!r}: missed {miss[:3]} wrong {bad[:3]}")


if __name__ == "__main__":
    main()
