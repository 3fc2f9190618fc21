#!/bin/sh
# Runs every fuzz target for a bounded time (default 60 s each).
#   fuzz/run.sh [SECONDS] [TARGET...]
# Needs cargo-fuzz (`cargo install cargo-fuzz`). On a stable toolchain the
# sanitizer flags are allowed with RUSTC_BOOTSTRAP=1. A crash is saved under
# fuzz/artifacts/TARGET/; turn it into a regression test in tests/trust.rs.
set -eu
cd "$(dirname "$0")/.."
secs="${1:-60}"
[ $# -gt 0 ] && shift
targets="${*:-page search_index site_yaml import_docx import_doc}"
export RUSTC_BOOTSTRAP=1
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-1}"
for t in $targets; do
  mkdir -p "fuzz/corpus/$t"
  # Seed the page target with the test fixtures.
  if [ "$t" = page ]; then
    find tests/fixtures -name '*.md' -exec cp {} "fuzz/corpus/$t/" \; 2>/dev/null || true
  fi
  if [ "$t" = site_yaml ]; then
    find tests/fixtures -name 'site.yaml' | while read -r f; do cp "$f" "fuzz/corpus/$t/$(echo "$f" | tr / _)"; done
  fi
  # Seed the Word reader with the hostile .docx fixtures.
  if [ "$t" = import_docx ]; then
    cp tests/fixtures/fuzz-docx/*.docx "fuzz/corpus/$t/" 2>/dev/null || true
  fi
  # Seed the old Word reader with the real .doc files.
  if [ "$t" = import_doc ]; then
    cp tests/fixtures/doc/*.doc "fuzz/corpus/$t/" 2>/dev/null || true
  fi
  echo "== fuzzing $t for ${secs}s"
  cargo fuzz run "$t" "fuzz/corpus/$t" -- -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048
done
