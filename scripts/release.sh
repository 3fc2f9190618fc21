#!/usr/bin/env bash
# Builds what is handed to users, into dist/:
#   zhanting-VERSION-windows-x64.zip   zhanting.exe, 使用说明.txt, 示例站点/
#   zhanting_VERSION_amd64.deb         for Debian, 统信UOS, 麒麟 on x86-64
#   zhanting_VERSION_arm64.deb         the same on ARM64 (鲲鹏, 飞腾)
#   zhanting-VERSION-linux-{x86_64,aarch64}   the bare binaries
# Installs the cross compilers (Debian's gcc-mingw-w64, gcc-aarch64-linux-gnu),
# the Rust targets and, for the Linux builds, zig (PyPI's ziglang) with
# cargo-zigbuild when missing. The Linux binaries are linked against glibc
# 2.17 (GLIBC=…), so they run on 统信UOS 20 and 麒麟 V10 (glibc 2.28) as on
# newer systems. `TARGETS=...` builds only some of them.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS=${TARGETS:-"x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu x86_64-pc-windows-gnu"}
VERSION=$(sed -n 's/^version *= *"\(.*\)"/\1/p' Cargo.toml | head -n 1)
DIST=${DIST:-dist}
GLIBC=${GLIBC:-2.17}
mkdir -p "$DIST"

apt_install() {
    if [ "$(id -u)" = 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
    else
        sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@"
    fi
}

case $TARGETS in
*linux*)
    python3 -m ziglang version >/dev/null 2>&1 || python3 -m pip install --quiet ziglang
    command -v cargo-zigbuild >/dev/null || cargo install --locked --quiet cargo-zigbuild ;;
esac

for t in $TARGETS; do
    case $t in
    x86_64-pc-windows-gnu)
        command -v x86_64-w64-mingw32-gcc >/dev/null || apt_install gcc-mingw-w64-x86-64-win32 ;;
    aarch64-unknown-linux-gnu)
        command -v aarch64-linux-gnu-gcc >/dev/null || apt_install gcc-aarch64-linux-gnu libc6-dev-arm64-cross ;;
    esac
    rustup target list --installed | grep -qx "$t" || rustup target add "$t"
    case $t in
    *linux*)
        echo "== cargo zigbuild --profile dist --target $t.$GLIBC"
        cargo zigbuild --locked --profile dist --target "$t.$GLIBC" ;;
    *)
        echo "== cargo build --profile dist --target $t"
        cargo build --locked --profile dist --target "$t" ;;
    esac
    bin=target/$t/dist/zhanting
    case $t in
    x86_64-pc-windows-gnu)
        python3 scripts/package.py zip "$bin.exe" "$DIST/zhanting-$VERSION-windows-x64.zip" ;;
    x86_64-unknown-linux-gnu)
        cp "$bin" "$DIST/zhanting-$VERSION-linux-x86_64"
        python3 scripts/package.py deb "$bin" amd64 "$DIST/zhanting_${VERSION}_amd64.deb" ;;
    aarch64-unknown-linux-gnu)
        cp "$bin" "$DIST/zhanting-$VERSION-linux-aarch64"
        python3 scripts/package.py deb "$bin" arm64 "$DIST/zhanting_${VERSION}_arm64.deb" ;;
    esac
done
ls -l "$DIST"
