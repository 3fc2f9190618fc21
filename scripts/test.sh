#!/usr/bin/env bash
# Runs every test. Installs what the tests need when it is missing:
# Chromium (browser tests), nginx (deploy test) and axe-core (accessibility).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
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

cargo test --locked "$@"
