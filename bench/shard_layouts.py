#!/usr/bin/env python3
"""What a cold query would fetch from the shards under other shard layouts.

Reads every key's postings from a built site's `search/p/*.js` and deals
them out again, as the builder would, into other numbers of shards: all
keys by `fnv1a(key) % shards` (the index's layout), or the keys of one unit
into a space of their own. For terms drawn from the site's own page texts
(as readers type them: frequent runs more often) it prints the shard bytes
a cold query for the term would fetch: mean, 95th percentile and largest,
for terms of four characters (two pair keys) and of one (one key). The
page files a query loads besides are the same under every layout.

    python3 bench/shard_layouts.py --site bench/work/cost-10000-new
    python3 bench/shard_layouts.py --site DIR --layout 2048 --layout 1792 --layout 1536+256

A layout is `N` (N shards for every key) or `N+U` (N shards for keys of
two or more units, U for keys of one).
"""

import argparse
import collections
import glob
import json
import os
import random
import re


def fnv1a(s):
    h = 0x811C9DC5
    for b in s.encode("utf-8"):
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def body(path, name):
    """The data of a `zhanting_shard("name", DATA);` file."""
    with open(path, encoding="utf-8") as f:
        s = f.read()
    head = f'zhanting_shard("{name}",'
    if not s.startswith(head):
        raise SystemExit(f"{path}: not an index file of zhanting")
    return json.loads(s[len(head):s.rindex(")")])


def key_bytes(site):
    """{key: bytes it takes in its shard file}."""
    out = {}
    files = glob.glob(os.path.join(site, "search", "p", "*.js"))
    if not files:
        raise SystemExit(f"no shard files under {site}/search/p")
    for f in files:
        name = "p/" + os.path.basename(f)[:-3]
        for k, v in body(f, name).items():
            out[k] = len(json.dumps(k, ensure_ascii=False).encode("utf-8")) + len(v) + 4
    return out


class Layout:
    def __init__(self, spec):
        n, _, u = spec.partition("+")
        self.spec, self.n, self.u = spec, int(n), int(u or 0)

    def shard(self, key):
        if self.u and " " not in key:
            return ("u", fnv1a(key) % self.u)
        return ("p", fnv1a(key) % self.n)

    def sizes(self, keys):
        sh = collections.Counter()
        for k, b in keys.items():
            sh[self.shard(k)] += b
        return sh


def terms(site, count, seed):
    """Runs of four ideographs taken at random places of random pages."""
    rnd = random.Random(seed)
    pages = sorted(glob.glob(os.path.join(site, "search", "d", "*.js")))
    if not pages:
        raise SystemExit(f"no page files under {site}/search/d")
    texts = [body(p, "d/" + os.path.basename(p)[:-3])["b"] for p in rnd.sample(pages, min(200, len(pages)))]
    out, tries = [], 0
    while len(out) < count and tries < count * 100:
        tries += 1
        t = rnd.choice(texts)
        if len(t) < 4:
            continue
        i = rnd.randrange(len(t) - 3)
        w = t[i:i + 4]
        if re.fullmatch(r"[\u4e00-\u9fff]{4}", w):
            out.append(w)
    if len(out) < count:
        raise SystemExit(f"found only {len(out)} runs of four ideographs in the page files")
    return out


def stats(xs):
    xs = sorted(xs)
    return sum(xs) / len(xs) / 1024, xs[int(0.95 * len(xs))] / 1024, xs[-1] / 1024


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--site", required=True, help="a site built by zhanting (its output folder)")
    ap.add_argument("--layout", action="append", default=[], help="N or N+U (default: 2048, 1792, 1536+256)")
    ap.add_argument("--terms", type=int, default=3000, help="terms drawn (default 3000)")
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    keys = key_bytes(a.site)
    ts = terms(a.site, a.terms, a.seed)
    with open(os.path.join(a.site, "search", "meta.js"), encoding="utf-8") as f:
        m = f.read()
    now = json.loads(m[m.index(",") + 1:m.rindex(")")])["shards"]
    print(f"{len(keys):,} keys, {sum(keys.values()) / 2**20:.1f} MB of postings; the site has {now} shards")
    print("| layout | shard files | 4 characters: mean / p95 / largest KB | 1 character: mean / p95 / largest KB |")
    print("|---|---:|---:|---:|")
    for spec in a.layout or ["2048", "1792", "1536+256"]:
        lay = Layout(spec)
        sh = lay.sizes(keys)
        four = [sum(sh[s] for s in {lay.shard(w[0] + " " + w[1]), lay.shard(w[2] + " " + w[3])}) for w in ts]
        one = [sh[lay.shard(w[0])] for w in ts]
        f4, f1 = stats(four), stats(one)
        print(f"| {spec} | {lay.n + lay.u:,} | {f4[0]:.0f} / {f4[1]:.0f} / {f4[2]:.0f} | {f1[0]:.0f} / {f1[1]:.0f} / {f1[2]:.0f} |")


if __name__ == "__main__":
    main()
