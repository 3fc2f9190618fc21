#!/usr/bin/env bash
# Runs every test. Installs what the tests need when it is missing:
# Chromium (browser tests), nginx (deploy test), axe-core (accessibility),
# Chinese faces and poppler (the printed booklet, tests/compile.rs),
# and for the release packages (tests/package.rs): the Windows and ARM64
# cross compilers, wine and qemu-user. Then builds the packages with
# scripts/release.sh and runs cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || need+=(gcc-mingw-w64-x86-64-win32)
command -v aarch64-linux-gnu-gcc >/dev/null 2>&1 || need+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross)
command -v wine >/dev/null 2>&1 || need+=(wine wine64)
command -v qemu-aarch64 >/dev/null 2>&1 || need+=(qemu-user)
command -v man >/dev/null 2>&1 || need+=(man-db)
# zhanting compile (tests/compile.rs): open CJK faces and poppler to read the PDF back
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
[ -f /usr/share/fonts/truetype/arphic/ukai.ttc ] || need+=(fonts-arphic-ukai)
[ -f /usr/share/fonts/truetype/arphic/uming.ttc ] || need+=(fonts-arphic-uming)
[ -f /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ] || need+=(fonts-wqy-zenhei)
if [ ${#need[@]} -gt 0 ]; then
    echo "installing ${need[*]} ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ ! -f tests/browser/node_modules/axe-core/axe.min.js ]; then
    echo "installing axe-core ..."
    (cd tests/browser && npm install --no-audit --no-fund --silent)
fi

# The packages the tests try are made as scripts/release.sh makes the shipped
# ones, but optimised less (opt-level 1, no link-time optimisation): the tests
# check what is in them and that they run, and the three builds then take
# minutes instead of most of the test run.
CARGO_PROFILE_DIST_OPT_LEVEL=1 CARGO_PROFILE_DIST_LTO=false CARGO_PROFILE_DIST_CODEGEN_UNITS=16 \
    scripts/release.sh
cargo test --locked "$@"
