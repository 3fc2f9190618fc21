//! Attacks on the folders zhanting writes: links planted in the deploy
//! target, the output and the content; a full disk; two publishes at once;
//! stray markers and leftovers; file-like slugs; very deep YAML; hostile
//! SVG. Each runs the real binary and checks that nothing outside was
//! written, read or deleted, and that the published site stayed whole.

mod common;

use common::{build, files, run, site};
use std::collections::BTreeMap;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Every file of `dir` with its bytes, without zhanting's bookkeeping.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    files(dir)
        .into_iter()
        .filter(|p| {
            let n = p.to_string_lossy();
            n != ".zhanting" && n != ".zhanting-deploy"
        })
        .map(|p| {
            let b = std::fs::read(dir.join(&p)).expect("read");
            (p, b)
        })
        .collect()
}

/// A folder outside the site holding one file, which must never change.
fn victim(tmp: &Path) -> (PathBuf, PathBuf) {
    let dir = tmp.join("victim");
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("passwd");
    std::fs::write(&file, "root:x:0:0\n").unwrap();
    (dir, file)
}

fn assert_victim_untouched(dir: &Path) {
    let names: Vec<_> = files(dir);
    assert_eq!(
        names,
        vec![PathBuf::from("passwd")],
        "files were written into {}",
        dir.display()
    );
    assert_eq!(common::read(&dir.join("passwd")), "root:x:0:0\n");
}

#[test]
fn a_linked_folder_in_the_deploy_target_is_never_written_or_deleted_through() {
    let (tmp, root) = site("full");
    let (vdir, _) = victim(tmp.path());
    let target = tmp.path().join("www");
    let (code, _, err) = run(&["deploy", "--root", s(&root), "--to", s(&target)]);
    assert_eq!(code, 0, "{err}");
    let published = snapshot(&target);

    // `cases` becomes a link to another folder, and a manifest line names a
    // file there.
    std::fs::remove_dir_all(target.join("cases")).unwrap();
    symlink(&vdir, target.join("cases")).unwrap();
    let manifest = target.join(".zhanting-deploy");
    let mut m = common::read(&manifest);
    m.push_str("cases/passwd\n");
    std::fs::write(&manifest, m).unwrap();
    // A page changes, so the deploy has something to write under cases/.
    let page = root.join("content/cases/qingshi.md");
    let text = common::read(&page).replace("满意度显著提升", "满意度又有提升");
    std::fs::write(&page, text).unwrap();
    std::fs::remove_dir_all(root.join("output")).unwrap();

    let (code, out, err) = run(&["deploy", "--root", s(&root), "--to", s(&target)]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains(&format!(
            "{} 是一个符号链接；zhanting 从不通过链接写入或删除",
            target.join("cases").display()
        )),
        "{err}"
    );
    assert!(err.contains("没有发布任何文件"), "{err}");
    assert_victim_untouched(&vdir);
    // Everything else is as the first publish left it.
    let now = snapshot(&target);
    for (p, b) in &published {
        if !p.starts_with("cases") {
            assert_eq!(now.get(p), Some(b), "{} changed", p.display());
        }
    }

    // The same through `watch --deploy-to`.
    let (code, _, err) = run(&["watch", "--root", s(&root), "--deploy-to", s(&target)]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("是一个符号链接"), "{err}");
    assert_victim_untouched(&vdir);
}

#[test]
fn a_planted_temporary_link_overwrites_nothing() {
    let (tmp, root) = site("full");
    let (vdir, vfile) = victim(tmp.path());
    let target = tmp.path().join("www");
    let (code, _, err) = run(&["deploy", "--root", s(&root), "--to", s(&target)]);
    assert_eq!(code, 0, "{err}");
    symlink(&vfile, target.join(".index.html.zt-tmp")).unwrap();
    symlink(&vfile, target.join("cases/.index.html.zt-tmp")).unwrap();
    std::fs::write(root.join("content/_index.md"), "新的首页介绍。\n").unwrap();
    std::fs::remove_dir_all(root.join("output")).unwrap();
    let (code, _, err) = run(&["deploy", "--root", s(&root), "--to", s(&target)]);
    assert_eq!(code, 0, "{err}");
    assert_victim_untouched(&vdir);
    let index = target.join("index.html");
    assert!(std::fs::symlink_metadata(&index).unwrap().is_file());
    assert!(common::read(&index).contains("新的首页介绍"));
    for left in [".index.html.zt-tmp", "cases/.index.html.zt-tmp"] {
        assert!(
            std::fs::symlink_metadata(target.join(left)).is_err(),
            "{left} was left behind"
        );
    }
}

#[test]
fn serve_and_watch_never_write_through_a_link_in_the_output_folder() {
    let (tmp, root) = site("full");
    let (vdir, _) = victim(tmp.path());
    build(&root, &[]);
    std::fs::remove_dir_all(root.join("output/cases")).unwrap();
    symlink(&vdir, root.join("output/cases")).unwrap();
    let target = tmp.path().join("www");
    let (code, _, err) = run(&["watch", "--root", s(&root), "--deploy-to", s(&target)]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!(
            "{} 是一个符号链接",
            root.join("output/cases").display()
        )),
        "{err}"
    );
    assert_victim_untouched(&vdir);
}

#[test]
fn files_behind_linked_folders_in_the_content_are_not_published() {
    let (tmp, root) = site("full");
    let (vdir, _) = victim(tmp.path());
    std::fs::write(vdir.join("shadow"), "secret").unwrap();
    std::fs::create_dir_all(root.join("content/cases/att")).unwrap();
    symlink(&vdir, root.join("content/cases/att/etcdir")).unwrap();
    std::fs::write(
        root.join("content/cases/leak.md"),
        "---\ntitle: 附件\ndate: 2020-01-01\nattachments: [\"att/etcdir/passwd\"]\ncover: att/etcdir/shadow\n---\n正文\n",
    )
    .unwrap();
    let (code, _, err) = run(&["build", "--root", s(&root), "--lang", "en"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("content/cases/leak.md:4:16: error: `attachments: att/etcdir/passwd` is a link to a file outside the site"), "{err}");
    assert!(err.contains("content/cases/leak.md:5:1: error: `cover: att/etcdir/shadow` is a link to a file outside the site"), "{err}");
    assert!(err.contains("content/cases/att/etcdir:1:1: error: content/cases/att/etcdir is a link leading outside the site folder"), "{err}");
    assert!(!root.join("output").exists());

    // A whole section folder that links out of the site.
    std::fs::remove_file(root.join("content/cases/leak.md")).unwrap();
    std::fs::remove_dir_all(root.join("content/cases/att")).unwrap();
    let outside = tmp.path().join("elsewhere");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(
        outside.join("外部.md"),
        "---\ntitle: 外部页面\ndate: 2020-01-01\nattachments: [../victim/passwd]\n---\n外部内容\n",
    )
    .unwrap();
    std::fs::rename(root.join("content/cases"), tmp.path().join("cases-moved")).unwrap();
    symlink(&outside, root.join("content/cases")).unwrap();
    let (code, _, err) = run(&["build", "--root", s(&root)]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(
            "content/cases:1:1: error: content/cases 是指向网站文件夹以外的链接，不会发布"
        ),
        "{err}"
    );
    assert!(!root.join("output").exists());

    // A linked section folder that stays inside the site is read.
    std::fs::remove_file(root.join("content/cases")).unwrap();
    std::fs::rename(tmp.path().join("cases-moved"), root.join("archive")).unwrap();
    symlink(root.join("archive"), root.join("content/cases")).unwrap();
    build(&root, &[]);
    assert!(root.join("output/cases/qingshi/index.html").is_file());
}

/// Mounts a small tmpfs at `dir` when this process may (CI runs as root);
/// otherwise returns false and the caller limits file sizes instead.
fn small_disk(dir: &Path, kib: u32) -> bool {
    std::fs::create_dir_all(dir).unwrap();
    std::process::Command::new("mount")
        .args([
            "-t",
            "tmpfs",
            "-o",
            &format!("size={kib}k"),
            "tmpfs",
            s(dir),
        ])
        .status()
        .is_ok_and(|st| st.success())
}

struct Unmount(PathBuf, bool);
impl Drop for Unmount {
    fn drop(&mut self) {
        if self.1 {
            let _ = std::process::Command::new("umount").arg(&self.0).status();
        }
    }
}

#[test]
fn a_publish_that_fails_on_a_full_disk_leaves_the_previous_site_as_it_was() {
    let (tmp, root) = site("full");
    let disk = tmp.path().join("disk");
    let mounted = Unmount(disk.clone(), small_disk(&disk, 2048));
    let target = disk.join("www");
    let (code, _, err) = run(&["deploy", "--root", s(&root), "--to", s(&target)]);
    assert_eq!(code, 0, "{err}");
    let before = snapshot(&target);

    // Every page changes and a 4 MB file is added: more than the disk holds.
    for e in walkdir::WalkDir::new(root.join("content")) {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "md") {
            let t = common::read(e.path());
            std::fs::write(e.path(), format!("{t}\n\n第二版。\n")).unwrap();
        }
    }
    std::fs::write(root.join("static/files/大文件.bin"), vec![7u8; 4 << 20]).unwrap();
    let (code, _, err) = build_and_deploy(&root, &target, mounted.1);
    assert_eq!(code, 1, "the publish must fail: {err}");
    assert!(err.contains("没有发布任何文件"), "{err}");
    let why = if mounted.1 {
        "No space left on device"
    } else {
        "File too large"
    };
    assert!(err.contains(why), "{err}");
    assert_eq!(snapshot(&target), before, "the published site changed");
    let left: Vec<_> = files(&target)
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".zt-tmp"))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

/// Builds ROOT/output, then deploys it into `target` — on the small disk,
/// or (without one) under a file size limit that the large file exceeds.
fn build_and_deploy(root: &Path, target: &Path, on_small_disk: bool) -> (i32, String, String) {
    build(root, &[]);
    if on_small_disk {
        return run(&["deploy", "--root", s(root), "--to", s(target)]);
    }
    let out = std::process::Command::new("bash")
        .args([
            "-c",
            "trap '' XFSZ; ulimit -f 2048; exec \"$0\" deploy --root \"$1\" --to \"$2\"",
            common::BIN,
            s(root),
            s(target),
        ])
        .output()
        .expect("bash");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn two_publishes_into_one_folder_never_interleave() {
    let (tmp, root) = site("full");
    let target = tmp.path().join("www");
    // A running watch holds the folder: a deploy beside it is refused.
    let mut watch =
        common::live::Running::start(&["watch", "--root", s(&root), "--deploy-to", s(&target)]);
    watch.wait_for("正在监视", 60);
    let (code, _, err) = run(&["deploy", "--root", s(&root), "--to", s(&target)]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(&format!(
            "另一个 zhanting（deploy 或 watch）正在向 {} 发布",
            target.display()
        )) || err.contains("正在写入"),
        "{err}"
    );
    drop(watch);

    // Two deploys started together: each either publishes or is refused,
    // and the folder ends up exactly the site.
    build(&root, &[]);
    let spawn = || {
        std::process::Command::new(common::BIN)
            .args(["deploy", "--root", s(&root), "--to", s(&target)])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn")
    };
    let (a, b) = (spawn(), spawn());
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success() || err.contains("另一个 zhanting"),
            "{err}"
        );
    }
    assert_eq!(snapshot(&target), snapshot(&root.join("output")));
}

#[test]
fn a_stray_marker_does_not_hand_a_folder_over() {
    let (tmp, root) = site("full");
    let target = tmp.path().join("docs");
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join(".zhanting"), "").unwrap();
    std::fs::write(target.join("工作总结.docx"), "keep").unwrap();
    let (code, _, err) = run(&["deploy", "--root", s(&root), "--to", s(&target)]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("里已有不是 zhanting 发布的文件"), "{err}");
    assert_eq!(common::read(&target.join("工作总结.docx")), "keep");
    assert!(!target.join("index.html").exists());
}

#[test]
fn a_killed_build_leaves_nothing_that_the_next_command_keeps() {
    let (_tmp, root) = site("full");
    build(&root, &[]);
    // What a build killed half-way leaves beside the output.
    let staging = root.join(".output.staging");
    std::fs::create_dir_all(staging.join("cases")).unwrap();
    std::fs::write(staging.join("cases/half.html"), "half").unwrap();
    let target = root.parent().unwrap().join("www");
    let (code, _, err) = run(&["deploy", "--root", s(&root), "--to", s(&target)]);
    assert_eq!(code, 0, "{err}");
    assert!(
        !staging.exists(),
        "deploy left the dead build's staging folder"
    );
}

#[test]
fn slugs_that_look_like_files_are_errors_at_their_line() {
    let (_tmp, root) = site("full");
    std::fs::write(
        root.join("content/pages/robots.md"),
        "---\ntitle: 机器人\ndate: 2020-01-01\nslug: robots.txt\n---\n正文\n",
    )
    .unwrap();
    std::fs::write(
        root.join("content/pages/home.md"),
        "---\ntitle: 首页\ndate: 2020-01-01\nslug: index.html\n---\n正文\n",
    )
    .unwrap();
    let (code, _, err) = run(&["build", "--root", s(&root)]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("content/pages/robots.md:4:1: error: 网址名 slug `robots.txt` 像一个文件名（以 .html、.txt 这样的扩展名结尾），会与网站的文件冲突"), "{err}");
    assert!(
        err.contains("content/pages/home.md:4:1: error: 网址名 slug `index.html` 像一个文件名"),
        "{err}"
    );
    assert!(!err.contains("Is a directory"), "{err}");
}

#[test]
fn yaml_nested_100000_levels_is_refused_at_once() {
    let (_tmp, root) = site("full");
    let deep = 100_000;
    std::fs::write(
        root.join("content/cases/deep.md"),
        format!(
            "---\ntitle: 深\ndate: 2020-01-01\ntags: {}{}\n---\n正文\n",
            "[".repeat(deep),
            "]".repeat(deep)
        ),
    )
    .unwrap();
    let start = std::time::Instant::now();
    let (code, _, err) = run(&["check", "--root", s(&root)]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("content/cases/deep.md:4:71: error: 列表或大括号一层套一层，超过了 64 层"),
        "{err}"
    );
    // Refused before parsing: well under a second even in a debug build
    // (the parser took 75 s to give up).
    assert!(start.elapsed().as_secs() < 20, "{:?}", start.elapsed());
}

#[test]
fn hostile_svg_logos_are_refused() {
    let (_tmp, root) = site("full");
    let dir = root.join("content/brands/evil");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("index.md"),
        "---\ntitle: 标志\ndate: 2020-01-01\nbrand: 品牌\nlogo: logo.svg\n---\n正文\n",
    )
    .unwrap();
    let cases = [
        (
            "<svg:svg xmlns:svg=\"http://www.w3.org/2000/svg\"><svg:script>alert(1)</svg:script></svg:svg>",
            "含有可以运行代码的 <script> 元素",
        ),
        (
            "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\"><a xlink:href=\"&#106;avascript:alert(1)\"><text>x</text></a></svg>",
            "含有会运行脚本的链接 `&#106;avascript:alert(1)`",
        ),
    ];
    for (svg, said) in cases {
        std::fs::write(dir.join("logo.svg"), svg).unwrap();
        let (code, _, err) = run(&["build", "--root", s(&root)]);
        assert_eq!(code, 1, "{svg}\n{err}");
        assert!(
            err.contains(
                "content/brands/evil/logo.svg:1:1: error: SVG 图片 content/brands/evil/logo.svg"
            ),
            "{err}"
        );
        assert!(
            err.contains(said) || err.contains("javascript:alert(1)"),
            "{said}\n{err}"
        );
        assert!(!root.join("output/brands/evil/logo.svg").exists());
    }
    // `.svgz` is inflated and checked too.
    std::fs::remove_file(dir.join("logo.svg")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(vec![], flate2::Compression::default());
    std::io::Write::write_all(
        &mut gz,
        b"<svg xmlns=\"http://www.w3.org/2000/svg\" onload=\"alert(1)\"/>",
    )
    .unwrap();
    std::fs::write(dir.join("logo.svgz"), gz.finish().unwrap()).unwrap();
    std::fs::write(
        dir.join("index.md"),
        "---\ntitle: 标志\ndate: 2020-01-01\nbrand: 品牌\nlogo: logo.svgz\n---\n正文\n",
    )
    .unwrap();
    let (code, _, err) = run(&["build", "--root", s(&root)]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("SVG 图片 content/brands/evil/logo.svgz 含有事件代码 `onload`，不能发布"),
        "{err}"
    );
}
