//! `serve`, `watch --deploy-to` and `deploy`, run as real processes.

mod common;

use common::live::{get, port_in, Running};
use common::{build, files, run, site};
use std::path::Path;

fn write(path: &Path, text: &str) {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

/// Every file of `dir` (minus bookkeeping files) with its bytes.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files(dir)
        .into_iter()
        .map(|p| p.to_string_lossy().into_owned())
        .filter(|p| p != ".zhanting" && p != ".zhanting-deploy")
        .map(|p| {
            let b = std::fs::read(dir.join(&p)).unwrap();
            (p, b)
        })
        .collect()
}

fn assert_same_tree(got: &Path, want: &Path) {
    let (g, w) = (snapshot(got), snapshot(want));
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
    assert_eq!(
        names(&g),
        names(&w),
        "different files in {} and {}",
        got.display(),
        want.display()
    );
    for ((p, a), (_, b)) in g.iter().zip(&w) {
        assert!(
            a == b,
            "{p} differs between {} and a clean build",
            got.display()
        );
    }
}

#[test]
fn serve_answers_safely_and_tells_pages_about_rebuilds() {
    let (_tmp, root) = site("full");
    let mut z = Running::start(&["serve", "--root", root.to_str().unwrap(), "--port", "0"]);
    let port = port_in(&z.wait_for("正在预览", 60));

    let home = get(port, "/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("content-type").as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert!(
        home.text().contains("/__zhanting/poll"),
        "live-reload script is injected"
    );
    let on_disk = std::fs::read_to_string(root.join("output/index.html")).unwrap();
    assert!(
        !on_disk.contains("__zhanting"),
        "the file on disk has no live-reload script"
    );

    // A page under a Chinese file name, percent-encoded as browsers send it.
    let case = files(&root.join("output"))
        .into_iter()
        .map(|p| p.to_string_lossy().into_owned())
        .find(|p| p.starts_with("cases/") && p.ends_with("/index.html") && !p.is_ascii())
        .expect("a case page with a Chinese path");
    let encoded: String =
        percent_encoding::utf8_percent_encode(&case, percent_encoding::CONTROLS).to_string();
    assert!(encoded.contains("%E"), "{encoded}");
    let r = get(
        port,
        &format!("/{}", encoded.trim_end_matches("index.html")),
    );
    assert_eq!(r.status, 200, "{case}");
    assert!(r.body.len() > 100, "{} bytes", r.body.len());
    // A folder without its slash redirects to it.
    let r = get(
        port,
        &format!("/{}", encoded.trim_end_matches("/index.html")),
    );
    assert_eq!(r.status, 301);
    // The site's own 404 page, with a 404 status.
    let r = get(port, "/no/such/page/");
    assert_eq!(r.status, 404);
    let own404 = std::fs::read_to_string(root.join("output/404.html")).unwrap();
    assert!(
        r.text()
            .starts_with(&own404[..own404.find("</body>").unwrap()]),
        "the site's 404.html is served"
    );

    // Nothing outside the output folder, however the path is spelt. A real
    // file waits where each climbing request would land (beside `output/`,
    // and /etc/passwd); a path holding `..`, `\\` or a root is refused by
    // `serve::route` with exactly 400 "bad request" before any lookup.
    let secret = "secret-beside-the-output-4f1c";
    std::fs::write(root.join("secret.txt"), secret).unwrap();
    for target in [
        "/../secret.txt",
        "/../../etc/passwd",
        "/%2e%2e/secret.txt",
        "/%2E%2E%2Fsecret.txt",
        "/css/..%2F..%2Fsecret.txt",
        "/..\\secret.txt",
    ] {
        let r = get(port, target);
        assert_eq!(
            (r.status, r.text().as_str()),
            (400, "bad request"),
            "{target}"
        );
    }
    // A file put into the output folder after the build, here a link to the
    // secret, is no file of the build: the site's 404 page, as for any
    // unknown path.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(root.join("secret.txt"), root.join("output/link.txt")).unwrap();
        let unknown = get(port, "/no/such/file.txt");
        let r = get(port, "/link.txt");
        assert_eq!(r.status, 404);
        assert_eq!(r.text(), unknown.text(), "/link.txt is the 404 page");
        assert!(!r.text().contains(secret), "/link.txt leaked the secret");
    }

    // A broken edit: the poll reports the error with its location, and the
    // last good page is still served.
    let gen = |r: &common::live::Response| -> u64 {
        serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()["generation"]
            .as_u64()
            .unwrap()
    };
    let g0 = gen(&get(port, "/__zhanting/poll?since=999999"));
    let page = root.join("content/speeches/second.md");
    let good = std::fs::read_to_string(&page).unwrap();
    write(&page, &good.replace("date: 2015-03-02", "date: 2015-02-31"));
    let r = get(port, &format!("/__zhanting/poll?since={g0}"));
    let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    let err = v["error"]
        .as_str()
        .unwrap_or_else(|| panic!("an error is reported: {v}"));
    assert!(
        err.contains(
            "content/speeches/second.md:3:7: error: 日期 `2015-02-31` 不存在\n  \
             提示：这个月没有这一天，请核对月和日\n"
        ),
        "{err}"
    );
    assert!(
        err.contains("\n共 1 个错误，") && err.ends_with(" 个警告\n"),
        "{err}"
    );
    assert_eq!(
        z.wait_for("构建失败", 30),
        "构建失败：浏览器中仍是上一次成功的结果；改好文件再保存即可"
    );
    assert_eq!(
        get(port, "/").status,
        200,
        "the last good build is still served"
    );
    let shown = get(port, "/").text();
    assert!(
        shown.contains("second.md:3:"),
        "a page loaded now shows the error too"
    );
    assert!(
        shown.contains("\"构建失败 —— 改好文件再保存，页面会自动刷新\""),
        "the overlay's heading, in Chinese"
    );

    // The fix clears it and the new content is served.
    write(
        &page,
        &good.replace(
            "机关作风建设关系到群众对党的信任。",
            "机关作风建设关系到群众的信任和支持。",
        ),
    );
    let v: serde_json::Value =
        serde_json::from_slice(&get(port, &format!("/__zhanting/poll?since={}", gen(&r))).body)
            .unwrap();
    assert!(v["error"].is_null(), "{v}");
    let slug_page = files(&root.join("output"))
        .into_iter()
        .map(|p| p.to_string_lossy().into_owned())
        .find(|p| {
            std::fs::read_to_string(root.join("output").join(p))
                .map(|t| t.contains("群众的信任和支持"))
                .unwrap_or(false)
        });
    assert!(
        slug_page.is_some(),
        "the output folder holds the fixed page"
    );
    let served = get(port, &format!("/{}", slug_page.unwrap()));
    assert!(served.text().contains("群众的信任和支持"));
}

#[test]
fn serve_speaks_english_on_request() {
    let (_tmp, root) = site("full");
    let mut z = Running::start(&[
        "serve",
        "--lang",
        "en",
        "--root",
        root.to_str().unwrap(),
        "--port",
        "0",
    ]);
    let line = z.wait_for("serving", 60);
    let port = port_in(&line);
    assert_eq!(
        line,
        format!(
            "serving {} at http://127.0.0.1:{port}/ (Ctrl-C to stop)",
            root.display()
        )
    );
    let g0 = serde_json::from_slice::<serde_json::Value>(
        &get(port, "/__zhanting/poll?since=999999").body,
    )
    .unwrap()["generation"]
        .as_u64()
        .unwrap();
    let page = root.join("content/speeches/second.md");
    let good = std::fs::read_to_string(&page).unwrap();
    write(&page, &good.replace("date: 2015-03-02", "date: 2015-02-31"));
    let v: serde_json::Value =
        serde_json::from_slice(&get(port, &format!("/__zhanting/poll?since={g0}")).body).unwrap();
    let err = v["error"].as_str().unwrap_or_default();
    assert!(
        err.contains(
            "content/speeches/second.md:3:7: error: the day `2015-02-31` does not exist\n  \
             hint: that month has no such day: check the month and the day\n"
        ),
        "{err}"
    );
    assert!(
        err.contains("\n1 error(s), ") && err.ends_with(" warning(s)\n"),
        "{err}"
    );
    assert_eq!(
        z.wait_for("build failed", 30),
        "build failed: still serving the last good build; fix the file and save again"
    );
    assert!(get(port, "/")
        .text()
        .contains("\"build failed — fix the file and save it; the page reloads by itself\""));
}

#[test]
fn watch_publishes_every_edit_and_ends_byte_identical_to_a_clean_build() {
    let (tmp, root) = site("full");
    let www = tmp.path().join("www");
    let mut z = Running::start(&[
        "watch",
        "--root",
        root.to_str().unwrap(),
        "--deploy-to",
        www.to_str().unwrap(),
    ]);
    z.wait_for("正在监视", 60);
    let c = root.join("content");
    let second = c.join("speeches/second.md");
    let text = std::fs::read_to_string(&second).unwrap();
    let new_page = "---\ntitle: 在新任支部书记培训班上的讲话\ndate: 2020-06-01\nspeaker: 孙海涛\ntags: [支部建设]\n---\n同志们：\n\n今天的培训很重要。\n";
    type Edit = Box<dyn Fn()>;
    let steps: Vec<(&str, Edit)> = vec![
        (
            "edit body",
            Box::new({
                let (p, t) = (second.clone(), text.clone());
                move || write(&p, &t.replace("关系到", "直接关系到"))
            }),
        ),
        (
            "edit title and date",
            Box::new({
                let (p, t) = (second.clone(), text.clone());
                move || {
                    write(
                        &p,
                        &t.replace("在机关作风建设会上的讲话", "在机关作风建设大会上的讲话")
                            .replace("2015-03-02", "2016-04-05"),
                    )
                }
            }),
        ),
        (
            "add page",
            Box::new({
                let p = c.join("speeches/培训班.md");
                move || write(&p, new_page)
            }),
        ),
        (
            "change tags",
            Box::new({
                let (p, t) = (second.clone(), text.clone());
                move || {
                    write(
                        &p,
                        &t.replace("tags: 基层党建，作风建设", "tags: 作风建设，为民服务"),
                    )
                }
            }),
        ),
        (
            "rename page",
            Box::new({
                let c = c.clone();
                move || {
                    std::fs::rename(
                        c.join("speeches/培训班.md"),
                        c.join("speeches/培训班讲话.md"),
                    )
                    .unwrap()
                }
            }),
        ),
        (
            "delete page",
            Box::new({
                let c = c.clone();
                move || std::fs::remove_file(c.join("speeches/third.md")).unwrap()
            }),
        ),
        (
            "rename folder with attachments",
            Box::new({
                let c = c.clone();
                move || std::fs::rename(c.join("brands/hongfan"), c.join("brands/红帆")).unwrap()
            }),
        ),
        (
            "move page between folders",
            Box::new({
                let c = c.clone();
                move || {
                    std::fs::rename(
                        c.join("speeches/培训班讲话.md"),
                        c.join("pages/培训班讲话.md"),
                    )
                    .unwrap()
                }
            }),
        ),
        (
            "editor-style save (temp file renamed over)",
            Box::new({
                let (p, t) = (second.clone(), text.clone());
                let c = c.clone();
                move || {
                    let tmp = c.join("speeches/.second.md.swp");
                    write(&tmp, &t.replace("同志们：", "同志们、朋友们："));
                    std::fs::rename(&tmp, &p).unwrap();
                }
            }),
        ),
    ];
    for (what, edit) in &steps {
        edit();
        let line = z.wait_for("发布到", 30);
        assert!(
            !line.contains("，0 个文件有变化"),
            "{what}: nothing was published: {line}"
        );
    }
    // A broken edit publishes nothing.
    let before = snapshot(&www);
    write(&second, "---\ntitle: [unclosed\n---\nx\n");
    z.wait_for("构建失败", 30);
    assert!(
        snapshot(&www) == before,
        "a failed build changed the deploy folder"
    );
    write(&second, &text);
    z.wait_for("发布到", 30);
    drop(z);

    let clean = tmp.path().join("clean");
    build(&root, &["--output", clean.to_str().unwrap()]);
    assert_same_tree(&www, &clean);
    assert_same_tree(&root.join("output"), &clean);
    let left: Vec<_> = files(&www)
        .into_iter()
        .filter(|p| p.to_string_lossy().contains("zt-tmp"))
        .collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

#[test]
fn deploy_builds_if_needed_publishes_and_refuses_foreign_folders() {
    let (tmp, root) = site("full");
    let r = root.to_str().unwrap();
    let www = tmp.path().join("www");
    let (code, out, err) = run(&["deploy", "--root", r, "--to", www.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(root.join("output/index.html").exists(), "built first");
    assert_same_tree(&www, &root.join("output"));

    // A second deploy of the same build writes nothing.
    let (code, out, _) = run(&["deploy", "--root", r, "--to", www.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(out.contains("：写入 0 个文件，删除 0 个，"), "{out}");

    // After a page is removed and the site rebuilt, deploy removes it too.
    std::fs::remove_file(root.join("content/speeches/third.md")).unwrap();
    build(&root, &[]);
    let (code, out, _) = run(&["deploy", "--root", r, "--to", www.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(!out.contains("删除 0 个"), "{out}");
    assert_same_tree(&www, &root.join("output"));

    // A folder holding someone's documents is refused and left untouched.
    let docs = tmp.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    std::fs::write(docs.join("年度总结.docx"), "keep").unwrap();
    let (code, _, err) = run(&["deploy", "--root", r, "--to", docs.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("年度总结.docx"), "{err}");
    assert_eq!(files(&docs).len(), 1);
}
