#!/bin/sh
# Peak memory (max RSS) of a release build of a generated corpus.
#   bench/memory.sh [PAGES]        (default 100000)
# Needs python3 and GNU time (/usr/bin/time). Prints the figures recorded in
# BENCHMARKS.md ("Memory").
set -eu
cd "$(dirname "$0")/.."
pages="${1:-100000}"
work="${TMPDIR:-/tmp}/zhanting-memory-$pages"
gen="${MAKE_CORPUS:-/work/shared/bench/make_corpus.py}"
if [ ! -f "$work/site.yaml" ]; then
  python3 "$gen" --pages "$pages" --out "$work"
fi
CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}" cargo build --release --quiet
rm -rf "$work/output"
/usr/bin/time -v target/release/zhanting build --root "$work" 2> "$work/time.txt" >/dev/null || { cat "$work/time.txt"; exit 1; }
grep -E "Maximum resident set size|Elapsed \(wall clock\)|User time|System time" "$work/time.txt"
echo "files: $(find "$work/output" -type f | wc -l), output size: $(du -sh "$work/output" | cut -f1)"
