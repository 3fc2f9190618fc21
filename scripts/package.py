#!/usr/bin/env python3
"""Packs built zhanting binaries for the people who install them.

    scripts/package.py zip BINARY.exe OUT.zip    Windows: zhanting.exe, 使用说明.txt, 示例站点/
    scripts/package.py deb BINARY ARCH OUT.deb    Debian/统信UOS/麒麟: the binary, the Chinese
                                                  manual page, zhanting-watch@.service

Everything a package holds comes from the repository (packaging/, the sample
site), with fixed timestamps and modes, so the same binary gives the same
package. Called by scripts/release.sh.
"""

import gzip
import io
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
# 2024-01-01 00:00:00: fixed, so packages do not change with the clock
EPOCH = 1704067200


def version():
    m = re.search(r'^version\s*=\s*"([^"]+)"', (ROOT / "Cargo.toml").read_text(), re.M)
    return m.group(1)


def sample_files():
    """(path inside the sample site, file) of the repository's sample site."""
    out = [("site.yaml", ROOT / "site.yaml")]
    for part in ("content", "static"):
        for f in sorted((ROOT / part).rglob("*")):
            if f.is_file():
                out.append((f.relative_to(ROOT).as_posix(), f))
    return out


def windows_text(text):
    """UTF-8 with a byte-order mark and CRLF line ends: what Notepad reads."""
    return b"\xef\xbb\xbf" + text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def make_zip(exe, out):
    def add(z, name, data, mode=0o644):
        info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = (0o100000 | mode) << 16
        info.flag_bits |= 0x800  # names are UTF-8
        z.writestr(info, data)

    top = f"zhanting-{version()}-windows-x64/"
    with zipfile.ZipFile(out, "w") as z:
        add(z, top + "zhanting.exe", Path(exe).read_bytes(), 0o755)
        add(z, top + "使用说明.txt", windows_text((PACKAGING / "使用说明.txt").read_text("utf-8")))
        for rel, f in sample_files():
            add(z, top + "示例站点/" + rel, f.read_bytes())


def glibc_needed(binary):
    """The newest GLIBC_x.y symbol version the binary names (its floor)."""
    found = re.findall(rb"GLIBC_2\.([0-9]+)", Path(binary).read_bytes())
    return f"2.{max(int(n) for n in found)}" if found else None


def make_deb(binary, arch, out):
    v = version()
    glibc = glibc_needed(binary)
    with tempfile.TemporaryDirectory() as tmp:
        pkg = Path(tmp) / "pkg"

        def put(rel, data, mode=0o644):
            p = pkg / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
            p.chmod(mode)

        put("usr/bin/zhanting", Path(binary).read_bytes(), 0o755)
        man = io.BytesIO()
        with gzip.GzipFile(fileobj=man, mode="wb", mtime=EPOCH, filename="") as g:
            g.write((PACKAGING / "zhanting.1").read_bytes())
        put("usr/share/man/man1/zhanting.1.gz", man.getvalue())
        put("lib/systemd/system/zhanting-watch@.service", (PACKAGING / "zhanting-watch@.service").read_bytes())
        put("etc/zhanting/example.conf", (PACKAGING / "example.conf").read_bytes())
        put("usr/share/doc/zhanting/copyright",
            b"zhanting\nLicense: see the project's repository.\n")
        size_kib = sum(f.stat().st_size for f in pkg.rglob("*") if f.is_file()) // 1024 + 1
        control = (
            f"Package: zhanting\n"
            f"Version: {v}\n"
            f"Architecture: {arch}\n"
            f"Maintainer: zhanting <zhanting@localhost>\n"
            f"Installed-Size: {size_kib}\n"
            + (f"Depends: libc6 (>= {glibc})\n" if glibc else "")
            + "Section: web\n"
            f"Priority: optional\n"
            f"Description: 展厅：党建材料的可搜索静态展示网站\n"
            f" Turns folders of Markdown (speeches, model cases, branch brand profiles)\n"
            f" into a searchable static showcase site for intranet web servers, and\n"
            f" republishes it on every edit (zhanting-watch@.service).\n"
        )
        put("DEBIAN/control", control.encode("utf-8"))
        put("DEBIAN/conffiles", b"/etc/zhanting/example.conf\n")
        for p in pkg.rglob("*"):
            os.utime(p, (EPOCH, EPOCH), follow_symlinks=False)
            if p.is_dir():
                p.chmod(0o755)
        env = dict(os.environ, SOURCE_DATE_EPOCH=str(EPOCH))
        subprocess.run(
            ["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(pkg), str(out)],
            check=True, env=env, stdout=subprocess.DEVNULL,
        )


def main(argv):
    if len(argv) == 4 and argv[1] == "zip":
        make_zip(argv[2], argv[3])
    elif len(argv) == 5 and argv[1] == "deb":
        make_deb(argv[2], argv[3], argv[4])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
