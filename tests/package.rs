//! What scripts/release.sh hands to users, tried where it will run:
//! the Windows zip's zhanting.exe under wine, the ARM64 binary under
//! qemu-user, and the .deb installed with dpkg, its service checked by
//! systemd-analyze. scripts/test.sh runs the release script first.

mod common;

use common::{copy_dir, files};
use std::path::{Path, PathBuf};
use std::process::Command;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A file of dist/, which must be there.
fn dist(name: &str) -> PathBuf {
    let p = repo().join("dist").join(name);
    assert!(
        p.is_file(),
        "{} is missing: scripts/test.sh builds it with scripts/release.sh",
        p.display()
    );
    p
}

fn tool(path: &str) -> &str {
    assert!(
        Path::new(path).exists(),
        "{path} is missing: scripts/test.sh installs it"
    );
    path
}

/// Runs `cmd`, which must succeed; its stdout.
fn ok(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The sample site of the repository, copied to `dir`.
fn sample_site(dir: &Path) -> PathBuf {
    let site = dir.join("示例站点");
    for part in ["content", "static"] {
        copy_dir(&repo().join(part), &site.join(part));
    }
    std::fs::copy(repo().join("site.yaml"), site.join("site.yaml")).unwrap();
    site
}

/// The sample site built by this machine's zhanting, for comparison.
fn built_here(dir: &Path) -> PathBuf {
    let site = sample_site(&dir.join("here"));
    let out = dir.join("here-out");
    let (code, _, err) = common::run(&[
        "build",
        "--root",
        site.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    out
}

/// The two builds hold the same files, and the same bytes in each.
fn assert_same_site(got: &Path, want: &Path, what: &str) {
    let (g, w) = (files(got), files(want));
    assert_eq!(g, w, "{what}: the file lists differ");
    assert!(g.len() > 50, "{what}: {} files", g.len());
    for f in &w {
        assert!(
            std::fs::read(got.join(f)).unwrap() == std::fs::read(want.join(f)).unwrap(),
            "{what}: {} differs",
            f.display()
        );
    }
}

#[test]
fn the_windows_exe_builds_the_sample_site_under_wine_as_on_linux() {
    let wine = tool("/usr/bin/wine");
    let gcc = tool("/usr/bin/x86_64-w64-mingw32-gcc");
    let zip = dist(&format!("zhanting-{VERSION}-windows-x64.zip"));
    let tmp = tempfile::tempdir().unwrap();
    let unpacked = tmp.path().join("zip");
    ok(Command::new("python3")
        .args(["-m", "zipfile", "-e"])
        .arg(&zip)
        .arg(&unpacked));
    let top = unpacked.join(format!("zhanting-{VERSION}-windows-x64"));
    for f in ["zhanting.exe", "使用说明.txt", "示例站点/site.yaml"] {
        assert!(top.join(f).is_file(), "{f} is not in the zip");
    }
    let manual = std::fs::read(top.join("使用说明.txt")).unwrap();
    assert!(
        manual.starts_with(b"\xef\xbb\xbf") && manual.windows(2).any(|w| w == b"\r\n"),
        "使用说明.txt is written for Notepad: UTF-8 with BOM, CRLF"
    );
    // Debian's wine 8 lacks bcryptprimitives.dll (ProcessPrng), which
    // Rust's std imports: a stand-in beside the exe, for the tests only.
    ok(Command::new(gcc)
        .args(["-O2", "-shared", "-o"])
        .arg(top.join("bcryptprimitives.dll"))
        .arg(repo().join("scripts/wine/bcryptprimitives.c"))
        .arg("-ladvapi32"));
    let prefix = tmp.path().join("wineprefix");
    let exe = |args: &[&str]| {
        let mut c = Command::new(wine);
        c.current_dir(&top)
            .env("WINEPREFIX", &prefix)
            .env("WINEDEBUG", "-all")
            .env("WINEDLLOVERRIDES", "bcryptprimitives=n;mscoree,mshtml=")
            .arg("zhanting.exe")
            .args(args);
        c
    };
    // a site made by the exe itself, with a Chinese name, built to its default output
    ok(&mut exe(&["init", "新站点"]));
    ok(&mut exe(&["build", "--root", "新站点"]));
    assert!(top.join("新站点/output/index.html").is_file());
    // the zip's sample site, built with backslashes in the paths, as on Linux
    ok(&mut exe(&[
        "build",
        "--root",
        "示例站点",
        "--output",
        ".\\输出",
    ]));
    let here = built_here(tmp.path());
    assert_same_site(&top.join("输出"), &here, "windows");
    // a text file from Notepad (BOM, CRLF) imported into the new site
    std::fs::write(
        top.join("讲话稿.txt"),
        "\u{feff}在全镇春季党员培训会上的讲话\r\n（2024年3月5日）\r\n镇党委书记 王明远\r\n\r\n同志们：\r\n\r\n今天召开培训会，主要任务是学习上级精神，安排全年培训工作。\r\n",
    )
    .unwrap();
    ok(&mut exe(&["import", "讲话稿.txt", "--root", "新站点"]));
    let imported = std::fs::read_to_string(
        top.join("新站点/content/speeches/在全镇春季党员培训会上的讲话/index.md"),
    )
    .expect("the imported page");
    assert!(imported.contains("date: 2024-03-05"), "{imported}");
    assert!(imported.contains("王明远"), "{imported}");
    assert!(
        !imported.contains('\r') && !imported.contains('\u{feff}'),
        "{imported}"
    );
    // serve answers over HTTP
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut serve = exe(&["serve", "--root", "新站点", "--port", &port.to_string()])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("wine zhanting.exe serve");
    let end = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let page = loop {
        match common::live::request(
            port,
            "GET / HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
            std::time::Duration::from_secs(10),
        ) {
            Ok(r) if r.status == 200 => break r,
            _ if std::time::Instant::now() < end => {
                std::thread::sleep(std::time::Duration::from_millis(300))
            }
            other => panic!(
                "serve under wine did not answer: {:?}",
                other.map(|r| r.status)
            ),
        }
    };
    let _ = serve.kill();
    let _ = serve.wait();
    assert!(String::from_utf8_lossy(&page.body).contains("<html"));
    // a mistake is reported with its place, in Chinese, and exits 1
    std::fs::write(
        top.join("示例站点/content/cases/错.md"),
        "---\r\ntitle: 错\r\ndate: 2023-02-30\r\n---\r\n正文\r\n",
    )
    .unwrap();
    let out = exe(&["check", "--root", "示例站点"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("content\\cases\\错.md:3:7: error: 日期 `2023-02-30` 不存在")
            || err.contains("content/cases/错.md:3:7: error: 日期 `2023-02-30` 不存在"),
        "{err}"
    );
}

#[test]
fn the_arm64_binary_builds_the_sample_site_under_qemu_as_on_x86_64() {
    let qemu = tool("/usr/bin/qemu-aarch64");
    let bin = dist(&format!("zhanting-{VERSION}-linux-aarch64"));
    let tmp = tempfile::tempdir().unwrap();
    let site = sample_site(&tmp.path().join("arm"));
    let out = tmp.path().join("arm-out");
    ok(Command::new(qemu)
        .args(["-L", "/usr/aarch64-linux-gnu"])
        .arg(&bin)
        .args(["build", "--root"])
        .arg(&site)
        .arg("--output")
        .arg(&out));
    let here = built_here(tmp.path());
    assert_same_site(&out, &here, "arm64");
    let help = ok(Command::new(qemu)
        .args(["-L", "/usr/aarch64-linux-gnu"])
        .arg(&bin)
        .arg("--version"));
    assert!(help.contains(VERSION), "{help}");
}

#[test]
fn the_deb_installs_the_binary_manual_and_a_service_that_verifies() {
    let dpkg = tool("/usr/bin/dpkg");
    let analyze = tool("/usr/bin/systemd-analyze");
    for arch in ["amd64", "arm64"] {
        let deb = dist(&format!("zhanting_{VERSION}_{arch}.deb"));
        let info = ok(Command::new("dpkg-deb").arg("--field").arg(&deb));
        assert!(info.contains(&format!("Architecture: {arch}\n")), "{info}");
        // linked against glibc 2.17: 统信UOS 20 and 麒麟 V10 have 2.28
        assert!(info.contains("Depends: libc6 (>= 2.17)\n"), "{info}");
        let list = ok(Command::new("dpkg-deb").arg("--contents").arg(&deb));
        for f in [
            "./usr/bin/zhanting",
            "./usr/share/man/man1/zhanting.1.gz",
            "./lib/systemd/system/zhanting-watch@.service",
            "./etc/zhanting/example.conf",
        ] {
            assert!(list.contains(f), "{arch}: {f} missing\n{list}");
        }
    }
    // install the machine's own architecture for real
    let deb = dist(&format!("zhanting_{VERSION}_amd64.deb"));
    ok(Command::new(dpkg).arg("-i").arg(&deb));
    let version = ok(Command::new("/usr/bin/zhanting").arg("--version"));
    assert!(version.contains(VERSION), "{version}");
    let man = ok(Command::new("man").args(["-P", "cat", "zhanting"]));
    assert!(man.contains("zhanting-watch@.service"), "{man}");
    // an instance with its folders in /etc/zhanting/NAME.conf
    std::fs::write(
        "/etc/zhanting/zhanting-test.conf",
        "SITE=/srv/zhanting/test\nDEPLOY_TO=/var/www/test\n",
    )
    .unwrap();
    let verify = Command::new(analyze)
        .args(["verify", "zhanting-watch@zhanting-test.service"])
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&verify.stderr).into_owned()
        + &String::from_utf8_lossy(&verify.stdout);
    let _ = std::fs::remove_file("/etc/zhanting/zhanting-test.conf");
    assert!(verify.status.success(), "{said}");
    assert!(!said.contains("zhanting-watch"), "{said}");
    ok(Command::new(dpkg).args(["-r", "zhanting"]));
    assert!(!Path::new("/usr/bin/zhanting").exists());
}
