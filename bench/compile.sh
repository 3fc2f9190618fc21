#!/usr/bin/env bash
# 汇编: time and peak memory of `zhanting compile` on a selection of the
# 10,000-page corpus (make_corpus.py), PDF and HTML, median of RUNS runs.
#   bench/compile.sh [BINARY]     (default: target/release/zhanting, built if missing)
# Needs the faces scripts/test.sh installs (fonts-arphic-*, fonts-wqy-zenhei).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/zhanting}
RUNS=${RUNS:-3}
CORPUS=${CORPUS:-bench/work/corpus-10000}
SELECT=${SELECT:---section cases --year 2023}
[ -x "$BIN" ] || cargo build --release --locked
[ -d "$CORPUS" ] || python3 ../shared/bench/make_corpus.py --pages 10000 --out "$CORPUS"
out=bench/work/compile
mkdir -p "$out"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo); binary: $BIN"
echo "selection: $SELECT of $CORPUS"
for format in pdf html; do
    rows=()
    for i in $(seq "$RUNS"); do
        # shellcheck disable=SC2086
        /usr/bin/time -f "%e %M" -o "$out/time" "$BIN" compile --root "$CORPUS" $SELECT \
            --format "$format" --output "$out/booklet.$format" > "$out/said"
        rows+=("$(cat "$out/time")")
    done
    median=$(printf '%s\n' "${rows[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
    secs=${median% *}
    kb=${median#* }
    size=$(stat -c %s "$out/booklet.$format")
    echo "$format: median ${secs} s, peak $((kb / 1024)) MiB, $(awk -v b="$size" 'BEGIN {printf "%.1f MB", b/1048576}'); $(cat "$out/said")"
done

# The same selection as `compilations:` of site.yaml, made with `build`: the
# build without it, the first build with it (the PDF set) and the next
# (pages unchanged: the PDF taken over), each into an output folder
# deleted just before, except the last, which replaces the one before.
site=bench/work/corpus-compilations
rm -rf "$site"
cp -rl "$CORPUS" "$site"
rm -rf "$site/output" "$site/site.yaml"
cp "$CORPUS/site.yaml" "$site/site.yaml"
# shellcheck disable=SC2086
set -- $SELECT
entry="{ title: 汇编, file: downloads/汇编.pdf"
while [ $# -ge 2 ]; do entry="$entry, ${1#--}: $2"; shift 2; done
timed() { /usr/bin/time -f "%e s, peak %M kB" -o "$out/time" "$@" > /dev/null; cat "$out/time"; }
echo "build without compilations: $(timed "$BIN" build --root "$site")"
printf 'compilations:\n  - %s }\n' "$entry" >> "$site/site.yaml"
rm -rf "$site/output"
echo "build with it, PDF set:     $(timed "$BIN" build --root "$site")"
echo "build again, PDF taken over: $(timed "$BIN" build --root "$site")"
ls -l "$site/output/downloads/汇编.pdf" | awk '{printf "PDF in the output: %.1f MB\n", $5/1048576}'
