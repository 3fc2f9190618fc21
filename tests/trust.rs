//! Trust: hostile content reaches no built page, nothing climbs out of the
//! site, and an interrupted build never damages the previous output.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------
// No injection

const ATTACK_BODY: &str = r#"
正文第一段。

<script>alert('XSS-body')</script>

<img src="x.png" onerror="alert('XSS-onerror')">

<p onclick="alert('XSS-onclick')" style="color:red">点我</p>

<a href="javascript:alert('XSS-href')">链接</a> <a href="JaVaScRiPt:alert('XSS-case')">大小写</a>
<a href="&#106;avascript:alert('XSS-entity')">实体</a> <a href=" javascript:alert('XSS-space')">空格</a>

[Markdown 链接](javascript:alert('XSS-md'))
[数据链接](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
![Markdown 图片](javascript:alert('XSS-img'))
![数据图片](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)

<iframe src="https://evil.example/"></iframe>
<object data="evil.swf"></object><embed src="evil.swf">
<svg><script>alert('XSS-svg')</script><a xlink:href="javascript:alert('XSS-xlink')"><text>x</text></a></svg>
<math><mi xlink:href="javascript:alert('XSS-math')">x</mi></math>
<form action="javascript:alert('XSS-form')"><button formaction="javascript:alert('XSS-formaction')">提交</button></form>
<details open ontoggle="alert('XSS-toggle')"><summary>s</summary></details>
<div style="background:url(javascript:alert('XSS-style'))">样式</div>
<meta http-equiv="refresh" content="0;url=javascript:alert('XSS-meta')">
<base href="javascript:alert('XSS-base')//">
<table><tr><td background="javascript:alert('XSS-bg')">表格</td></tr></table>

</p><script>alert('XSS-close')</script>
"#;

const ATTACK_FRONT_MATTER: &str = r#"---
title: '"><script>alert(''XSS-title'')</script>'
date: 2020-05-01
summary: '<img src=x onerror=alert("XSS-summary")>摘要'
region: '"><svg onload=alert("XSS-region")>'
tags: ['<script>alert("XSS-tag")</script>', '" onmouseover="alert(1)']
speaker: "</title><script>alert('XSS-speaker')</script>"
speaker_title: "' onfocus='alert(1)' autofocus='"
occasion: '<iframe src="javascript:alert(1)">'
doc_number: "{{ 7 * 7 }}{% raw %}"
colour: '<script>alert("XSS-extra")</script>'
---
"#;

/// Inline script bodies the attacks try to run; a theme script never is one of these.
fn is_attack_script(text: &str) -> bool {
    let t = text.trim();
    t.starts_with("alert(") || t.contains("XSS-")
}

/// Every way a built HTML file could run injected code, as readable findings.
fn dangers(out: &Path) -> Vec<String> {
    let mut found = vec![];
    for rel in files(out)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
    {
        let doc = html(&out.join(&rel));
        let at = rel.display().to_string();
        for el in select(&doc, "*") {
            let v = el.value();
            let name = v.name();
            if name == "script" {
                match v.attr("src") {
                    Some(src)
                        if src
                            .trim_start_matches("../")
                            .trim_start_matches('/')
                            .starts_with("assets/")
                            && src.ends_with(".js") => {}
                    Some(src) => found.push(format!("{at}: <script src={src}>")),
                    None => {
                        let text: String = el.text().collect();
                        if is_attack_script(&text)
                            || v.attr("type").is_none_or(|t| t != "application/json")
                                && text.contains("alert(")
                        {
                            found.push(format!("{at}: inline <script>{text}"));
                        }
                    }
                }
            }
            if matches!(
                name,
                "iframe" | "object" | "embed" | "base" | "frame" | "applet"
            ) {
                found.push(format!("{at}: <{name}>"));
            }
            if name == "meta"
                && v.attr("http-equiv")
                    .is_some_and(|h| h.eq_ignore_ascii_case("refresh"))
            {
                found.push(format!("{at}: <meta http-equiv=refresh>"));
            }
            for (attr, value) in v.attrs() {
                if attr.starts_with("on") {
                    found.push(format!("{at}: <{name} {attr}=…>"));
                }
                let compact: String = value
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect::<String>()
                    .to_lowercase();
                if ["javascript:", "vbscript:", "data:text/html"]
                    .iter()
                    .any(|s| compact.contains(s))
                    || (matches!(
                        attr,
                        "href"
                            | "src"
                            | "action"
                            | "formaction"
                            | "xlink:href"
                            | "background"
                            | "poster"
                    ) && compact.starts_with("data:")
                        && !compact.starts_with("data:image/png")
                        && !compact.starts_with("data:image/jpeg"))
                {
                    found.push(format!("{at}: <{name} {attr}={value}>"));
                }
            }
        }
    }
    found
}

fn attack_site() -> (tempfile::TempDir, PathBuf) {
    let (t, root) = site("full");
    std::fs::write(
        root.join("content/cases/attack.md"),
        format!("{ATTACK_FRONT_MATTER}{ATTACK_BODY}"),
    )
    .unwrap();
    std::fs::write(
        root.join("content/speeches/attack.md"),
        format!("{ATTACK_FRONT_MATTER}{ATTACK_BODY}")
            .replace("date: 2020-05-01", "date: 2020-05-02\nslug: attack2"),
    )
    .unwrap();
    (t, root)
}

#[test]
fn no_attack_reaches_any_built_page() {
    let (_t, root) = attack_site();
    build(&root, &[]);
    let out = root.join("output");
    let found = dangers(&out);
    assert!(
        found.is_empty(),
        "dangerous HTML in the output:\n{}",
        found.join("\n")
    );

    // the front matter is shown as written, escaped, not lost
    let doc = html(&out.join("cases/attack/index.html"));
    let h1 = text_of(&doc, "h1");
    assert!(
        h1.contains(r#""><script>alert('XSS-title')</script>"#),
        "title shown literally: {h1}"
    );
    assert!(text_of(&doc, "body").contains("正文第一段"));
    let speech = text_of(&html(&out.join("speeches/attack2/index.html")), "body");
    assert!(
        speech.contains("{{ 7 * 7 }}{% raw %}"),
        "template syntax in values is text, not code"
    );
    assert!(
        speech.contains("</title><script>alert('XSS-speaker')</script>"),
        "speaker shown literally"
    );
    // harmless formatting survives the sanitiser
    assert!(!select(&doc, "main table").is_empty(), "tables are kept");
    // nothing was built from an attack into a file name
    assert!(files(&out)
        .iter()
        .all(|f| !f.to_string_lossy().contains('<')));
}

/// The scanner itself finds the attacks when sanitising is switched off, so
/// the test above cannot pass by looking in the wrong place.
#[test]
fn the_scanner_sees_raw_html_when_unsafe_html_is_on() {
    let (_t, root) = attack_site();
    let yaml = read(&root.join("site.yaml"));
    std::fs::write(root.join("site.yaml"), format!("{yaml}unsafe_html: true\n")).unwrap();
    build(&root, &[]);
    let found = dangers(&root.join("output"));
    let all = found.join("\n");
    for want in [
        "inline <script>alert('XSS-body')",
        "onerror=",
        "onclick=",
        "<iframe>",
    ] {
        assert!(all.contains(want), "scanner missed {want}:\n{all}");
    }
    // front matter stays escaped even then
    assert!(
        !all.contains("XSS-title") && !all.contains("XSS-region") && !all.contains("XSS-speaker"),
        "{all}"
    );
}

#[test]
fn svg_logo_with_script_is_refused_with_a_clear_error() {
    let (_t, root) = site("full");
    let dir = root.join("content/brands/evil");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("index.md"), "---\ntitle: 脚本标志\ndate: 2020-01-01\nbrand: 品牌\nlogo: logo.svg\ncover: /img/cover.svg\n---\n正文\n").unwrap();
    std::fs::write(
        dir.join("logo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
    )
    .unwrap();
    std::fs::create_dir_all(root.join("static/img")).unwrap();
    std::fs::write(
        root.join("static/img/cover.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect onclick=\"alert(1)\"/></svg>",
    )
    .unwrap();
    let (code, _, err) = run(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("content/brands/evil/logo.svg:1:1: error: SVG 图片 content/brands/evil/logo.svg 含有可以运行代码的 <script> 元素，不能发布"), "{err}");
    assert!(err.contains("content/brands/evil/index.md:6:1: error: `cover`：SVG 图片 static/img/cover.svg 含有事件代码 `onclick`，不能使用"), "{err}");
    // a clean SVG is fine
    std::fs::write(
        dir.join("logo.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"4\"/></svg>",
    )
    .unwrap();
    std::fs::write(
        root.join("static/img/cover.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\"><rect/></svg>",
    )
    .unwrap();
    build(&root, &[]);
    assert!(root.join("output/brands/evil/logo.svg").is_file());
}

// ---------------------------------------------------------------------------
// No climbing out

fn check_err(root: &Path) -> String {
    let (code, _, err) = run(&["check", "--root", root.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(code, 1, "{err}");
    err
}

#[test]
fn markdown_links_and_images_that_climb_out_are_errors() {
    let (t, root) = site("full");
    std::fs::write(t.path().join("secret.png"), "x").unwrap();
    std::fs::write(
        root.join("content/cases/climb.md"),
        "---\ntitle: 越界\ndate: 2020-01-01\n---\n看图：![图](../../../secret.png)\n\n[文件](../../site.yaml) 和 [页面](../../../x.md)\n",
    )
    .unwrap();
    let err = check_err(&root);
    assert!(err.contains("content/cases/climb.md:5:4: error: the link `../../../secret.png` points outside the site"), "{err}");
    assert!(
        err.contains(
            "content/cases/climb.md:7:1: error: the link `../../site.yaml` points outside the site"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "content/cases/climb.md:7:25: error: the link `../../../x.md` points outside the site"
        ),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn symlinks_to_outside_files_are_refused() {
    let (t, root) = site("full");
    let secret = t.path().join("secret.pdf");
    std::fs::write(&secret, "secret").unwrap();
    // as an attachment
    std::os::unix::fs::symlink(&secret, root.join("content/cases/link.pdf")).unwrap();
    std::fs::write(
        root.join("content/cases/sym.md"),
        "---\ntitle: 链接\ndate: 2020-01-01\nattachments: [link.pdf]\n---\n正文\n",
    )
    .unwrap();
    // inside a page bundle
    std::os::unix::fs::symlink(&secret, root.join("content/brands/hongfan/leak.pdf")).unwrap();
    let err = check_err(&root);
    assert!(err.contains("content/cases/sym.md:4:15: error: `attachments: link.pdf` is a link to a file outside the site"), "{err}");
    assert!(err.contains("content/brands/hongfan/leak.pdf:1:1: error: content/brands/hongfan/leak.pdf is a link to a file outside the site"), "{err}");
    // a symlinked page file outside content/ is not read at all
    std::fs::remove_file(root.join("content/cases/link.pdf")).unwrap();
    std::fs::remove_file(root.join("content/cases/sym.md")).unwrap();
    std::fs::remove_file(root.join("content/brands/hongfan/leak.pdf")).unwrap();
    std::fs::write(
        t.path().join("outside.md"),
        "---\ntitle: 外部文件\ndate: 2020-01-01\n---\n外部内容\n",
    )
    .unwrap();
    std::os::unix::fs::symlink(
        t.path().join("outside.md"),
        root.join("content/cases/outside.md"),
    )
    .unwrap();
    let err = check_err(&root);
    assert!(err.contains("content/cases/outside.md:1:1: error: content/cases/outside.md is a link leading outside the site folder, so it is not published"), "{err}");
    assert!(!err.contains("外部内容"), "{err}");
    // a symlink inside the site is fine
    std::fs::remove_file(root.join("content/cases/outside.md")).unwrap();
    std::os::unix::fs::symlink(
        root.join("content/brands/hongfan/logo.png"),
        root.join("content/brands/hongfan/logo-link.png"),
    )
    .unwrap();
    build(&root, &[]);
    assert!(root.join("output/brands/hongfan/logo-link.png").is_file());
}

#[test]
fn slugs_that_climb_or_hide_are_errors() {
    let (_t, root) = site("full");
    for (i, slug) in ["../x", "a/b", "..", ".hidden", "a\\\\b"]
        .iter()
        .enumerate()
    {
        std::fs::write(
            root.join(format!("content/cases/s{i}.md")),
            format!("---\ntitle: t{i}\ndate: 2020-01-01\nslug: \"{slug}\"\n---\n"),
        )
        .unwrap();
    }
    let err = check_err(&root);
    assert_eq!(err.matches(": error: slug `").count(), 5, "{err}");
}

// ---------------------------------------------------------------------------
// Nothing lost: SIGKILL at random moments

fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    files(dir)
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(dir.join(&f)).unwrap();
            (f, bytes)
        })
        .collect()
}

fn write_corpus(root: &Path, variant: &str) {
    for i in 0..150 {
        let body: String = (0..20)
            .map(|p| {
                format!("第{p}段：{variant}，基层党建工作扎实推进，服务群众能力不断增强。\n\n")
            })
            .collect();
        std::fs::write(
            root.join(format!("content/cases/案例{i:03}.md")),
            format!("---\ntitle: 案例{i}（{variant}）\ndate: 2019-{:02}-{:02}\nregion: 陕西省某县\ntags: [党建, 标签{}]\n---\n{body}", i % 12 + 1, i % 28 + 1, i % 17),
        )
        .unwrap();
    }
}

#[cfg(unix)]
#[test]
fn killed_builds_leave_the_previous_output_complete() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let (t, root) = site("full");
    let out = root.join("output");
    let r = root.to_str().unwrap();

    // the two complete outputs the folder may hold: variant A and variant B
    let mut complete = BTreeMap::new();
    let mut duration = Duration::ZERO;
    for v in ["甲", "乙"] {
        write_corpus(&root, v);
        let start = Instant::now();
        let other = t.path().join(format!("ref-{v}"));
        build(&root, &["--output", other.to_str().unwrap()]);
        duration = duration.max(start.elapsed());
        complete.insert(v, snapshot(&other));
    }
    assert_ne!(complete["甲"], complete["乙"]);
    write_corpus(&root, "甲");
    build(&root, &[]);
    assert!(snapshot(&out) == complete["甲"]);

    let mut rng = fastrand::Rng::with_seed(20260522);
    let mut current = "甲";
    let mut swapped = 0;
    let mut written = current;
    for i in 0..30 {
        let next = if current == "甲" { "乙" } else { "甲" };
        write_corpus(&root, next);
        written = next;
        let mut child = Command::new(BIN)
            .args(["build", "--root", r])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(
            rng.u64(0..=duration.as_micros() as u64),
        ));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        let now = snapshot(&out);
        if now == complete[next] {
            current = next;
            swapped += 1;
        } else {
            assert!(
                now == complete[current],
                "iteration {i}: the output is neither the previous nor the new site ({} files)",
                now.len()
            );
        }
        let siblings: Vec<String> = std::fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".output"))
            .collect();
        assert!(
            siblings
                .iter()
                .all(|n| n == ".output.staging" || n == ".output.old" || n == ".output.lock"),
            "{siblings:?}"
        );
    }
    // the next build completes and leaves no staging folder behind (only
    // the output's lock file, which is never written)
    build(&root, &[]);
    let siblings: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.') && n != ".output.lock")
        .collect();
    assert!(
        siblings.is_empty(),
        "left over after a complete build: {siblings:?}"
    );
    assert!(snapshot(&out) == complete[written]);
    eprintln!("{swapped} of 30 killed builds had completed the swap; build time {duration:?}");
}

// ---------------------------------------------------------------------------
// Hostile and huge input: a clear error or a correct page, never a panic or a hang

/// Runs zhanting, killing it if it takes longer than `limit` (a hang).
fn run_within(args: &[&str], limit: std::time::Duration) -> (i32, String, String) {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let t_out = std::thread::spawn(move || {
        let mut s = String::new();
        out.read_to_string(&mut s).ok();
        s
    });
    let t_err = std::thread::spawn(move || {
        let mut s = String::new();
        err.read_to_string(&mut s).ok();
        s
    });
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > limit {
            child.kill().ok();
            panic!("zhanting {args:?} hung for more than {limit:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let (stdout, stderr) = (t_out.join().unwrap(), t_err.join().unwrap());
    assert!(!stderr.contains("panicked"), "panic: {stderr}");
    (status.code().unwrap_or(-1), stdout, stderr)
}

const LIMIT: std::time::Duration = std::time::Duration::from_secs(180);

#[test]
fn a_20_mb_markdown_file_builds() {
    let (_t, root) = site("full");
    let para = "全区各级党组织认真落实“三会一课”制度，扎实开展主题党日活动，推动基层党建工作提质增效。**重点**工作有：[链接](../cases/qingshi.md)。\n\n";
    let mut body = String::with_capacity(21 << 20);
    let mut n = 0;
    while body.len() < 20 << 20 {
        if n % 200 == 0 {
            body.push_str(&format!("## 第{n}部分\n\n- 要点一\n- 要点二\n\n| 项目 | 数量 |\n|---|---|\n| 支部 | {n} |\n\n"));
        }
        body.push_str(para);
        n += 1;
    }
    std::fs::write(
        root.join("content/cases/huge.md"),
        format!("---\ntitle: 超长文件\ndate: 2020-01-01\n---\n{body}"),
    )
    .unwrap();
    let (code, _, err) = run_within(&["build", "--root", root.to_str().unwrap()], LIMIT);
    assert_eq!(code, 0, "{err}");
    let page = std::fs::read_to_string(root.join("output/cases/huge/index.html")).unwrap();
    assert!(page.len() > 20 << 20);
    assert!(
        page.contains(&format!("第{}部分", (n - 1) / 200 * 200)),
        "the end of the text is on the page"
    );
}

#[test]
fn a_5000_character_title_and_1000_tags() {
    long_title_and_tags(1000);
}

/// Each of the 10,000 tag pages lists the page: list items carry a bounded
/// number of its tags, so this stays linear.
#[test]
fn a_5000_character_title_and_10000_tags() {
    long_title_and_tags(10_000);
}

fn long_title_and_tags(count: usize) {
    let (_t, root) = site("full");
    let title: String = "党建引领基层治理".chars().cycle().take(5000).collect();
    let tags: Vec<String> = (0..count).map(|i| format!("标签{i}")).collect();
    std::fs::write(
        root.join("content/cases/long.md"),
        format!(
            "---\ntitle: {title}\ndate: 2020-01-01\ntags: [{}]\n---\n正文。\n",
            tags.join(", ")
        ),
    )
    .unwrap();
    let (code, _, err) = run_within(&["build", "--root", root.to_str().unwrap()], LIMIT);
    assert_eq!(code, 0, "{err}");
    let out = root.join("output");
    let doc = html(&out.join("cases/long/index.html"));
    assert!(text_of(&doc, "h1").contains(&title));
    assert!(out
        .join(format!("tags/标签{}/index.html", count - 1))
        .is_file());
    assert!(read(&out.join("tags/标签0/index.html")).contains("cases/long/index.html"));
}

#[test]
fn binary_utf16_and_gbk_files() {
    let (_t, root) = site("full");
    let dir = root.join("content/cases");
    // binary garbage named .md
    let mut rng = fastrand::Rng::with_seed(7);
    let garbage: Vec<u8> = (0..100_000).map(|_| rng.u8(..)).collect();
    std::fs::write(dir.join("garbage.md"), &garbage).unwrap();
    // a PNG saved as .md
    std::fs::copy(
        root.join("content/brands/hongfan/logo.png"),
        dir.join("image.md"),
    )
    .unwrap();
    // GBK: "---\ntitle: 中文\n" in GBK bytes
    let mut gbk = b"---\ntitle: ".to_vec();
    gbk.extend_from_slice(&[0xD6, 0xD0, 0xCE, 0xC4]);
    gbk.extend_from_slice(b"\ndate: 2020-01-01\n---\n");
    std::fs::write(dir.join("gbk.md"), gbk).unwrap();
    let (code, _, err) = run_within(&["check", "--root", root.to_str().unwrap()], LIMIT);
    assert_eq!(code, 1);
    assert!(
        err.contains("content/cases/garbage.md:1:1: error: 这不是文本文件"),
        "{err}"
    );
    assert!(
        err.contains("content/cases/image.md:1:1: error: 这不是文本文件"),
        "{err}"
    );
    assert!(
        err.contains("content/cases/gbk.md:2:8: error: 这个文件不是以 UTF-8 编码保存的"),
        "{err}"
    );
    assert_eq!(err.matches(": error: ").count(), 3, "{err}");

    // UTF-16 (as Notepad saves "Unicode") is read correctly
    for f in ["garbage.md", "image.md", "gbk.md"] {
        std::fs::remove_file(dir.join(f)).unwrap();
    }
    let text =
        "---\r\ntitle: 统一编码的页面\r\ndate: 2020年3月1日\r\n---\r\n正文是 UTF-16 编码。\r\n";
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(dir.join("utf16le.md"), le).unwrap();
    let mut be = vec![0xFE, 0xFF];
    be.extend(
        text.replace("统一", "大端")
            .encode_utf16()
            .flat_map(u16::to_be_bytes),
    );
    std::fs::write(dir.join("utf16be.md"), be).unwrap();
    let (code, _, err) = run_within(&["build", "--root", root.to_str().unwrap()], LIMIT);
    assert_eq!(code, 0, "{err}");
    let page = text_of(&html(&root.join("output/cases/utf16le/index.html")), "body");
    assert!(
        page.contains("统一编码的页面") && page.contains("正文是 UTF-16 编码。"),
        "{page}"
    );
    assert!(
        text_of(&html(&root.join("output/cases/utf16be/index.html")), "h1")
            .contains("大端编码的页面")
    );
}

#[test]
fn deeply_nested_and_pathological_markdown() {
    let (_t, root) = site("full");
    let nested = format!("{}深{}", "> ".repeat(5000), "");
    let brackets = "[".repeat(50_000);
    let emphasis = "*a ".repeat(30_000);
    let list: String = (0..3000)
        .map(|i| format!("{}- 项\n", "  ".repeat(i % 200)))
        .collect();
    let yaml_bomb = "---\ntitle: &a [\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\",\"x\"]\ndate: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nregion: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nsummary: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\nsector: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\nspeaker: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ntags: [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n---\n";
    std::fs::write(root.join("content/cases/nested.md"), format!("---\ntitle: 嵌套\ndate: 2020-01-01\n---\n{nested}\n\n{brackets}\n\n{emphasis}\n\n{list}")).unwrap();
    std::fs::write(root.join("content/cases/bomb.md"), yaml_bomb).unwrap();
    let (code, _, err) = run_within(&["build", "--root", root.to_str().unwrap()], LIMIT);
    assert_eq!(code, 1, "the YAML bomb is an error: {err}");
    assert!(err.contains("content/cases/bomb.md:"), "{err}");
    assert!(!err.contains("nested.md"), "{err}");
    std::fs::remove_file(root.join("content/cases/bomb.md")).unwrap();
    let (code, _, err) = run_within(&["build", "--root", root.to_str().unwrap()], LIMIT);
    assert_eq!(code, 0, "{err}");
    assert!(read(&root.join("output/cases/nested/index.html")).contains("深"));
}

// ---------------------------------------------------------------------------
// Messages: exact text, file, line and column, in Chinese and English

#[test]
fn every_site_yaml_mistake_is_explained_in_both_languages() {
    let (_t, root) = site("bad-config");
    let r = root.to_str().unwrap();
    for (args, expected) in [
        (vec!["check", "--root", r], "expected-stderr.txt"),
        (
            vec!["check", "--root", r, "--lang", "en"],
            "expected-stderr.en.txt",
        ),
    ] {
        let (code, stdout, stderr) = run(&args);
        assert_eq!(code, 1, "{stdout}");
        assert_eq!(
            stderr,
            read(&fixture("bad-config").join(expected)),
            "{expected}"
        );
    }
    // a broken site.yaml does not stop --lang en from working, nor `language: en` from being read
    let (_, _, stderr) = run(&["build", "--root", r, "--lang", "en"]);
    assert!(
        stderr.starts_with("site.yaml:1:1: error: `title` must be text\n  hint: "),
        "{stderr}"
    );
}

#[test]
fn check_writes_nothing_and_reports_warnings_with_success() {
    let (_t, root) = site("full");
    let before = files(&root);
    let (code, stdout, stderr) = run(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.starts_with("检查了 7 个页面：没有错误，5 个警告"),
        "{stdout}"
    );
    assert!(
        stderr.contains("content/cases/qingshi.md:10:1: warning: "),
        "{stderr}"
    );
    // `tags: 基层党建，作风建设`: two tags, and the list syntax shown
    assert!(
        stderr.contains("content/speeches/second.md:6:7: warning: `tags` 的“基层党建，作风建设”是用标点隔开的一段文字，读作 2 项\n  提示：写成 tags: [基层党建, 作风建设]，用英文逗号分隔\n"),
        "{stderr}"
    );
    // the raw HTML the page cannot show, and `base_url: /`
    for w in [
        "content/cases/qingshi.md:14:1: warning: 网页标签 <script> 不能用，已从页面中删除\n",
        "content/cases/qingshi.md:14:28: warning: <img> 的 onerror=\"alert(1)\" 不能用，已删除\n",
        "site.yaml:3:11: warning: base_url 只写了路径 `/`",
    ] {
        assert!(stderr.contains(w), "{w}\n{stderr}");
    }
    assert_eq!(files(&root), before, "check wrote files");
    let (_, stdout, _) = run(&["check", "--root", root.to_str().unwrap(), "--lang", "en"]);
    assert!(
        stdout.starts_with("checked 7 pages: no errors, 5 warning(s)"),
        "{stdout}"
    );
}

// ---------------------------------------------------------------------------
// Inputs found by fuzzing (fuzz/run.sh) stay harmless

/// The `page` fuzz target's checks, on every file in tests/fixtures/fuzz.
#[test]
fn fuzz_findings_stay_fixed() {
    use zhanting::{load::frontmatter, model::markdown};
    let dir = fixture("fuzz");
    let mut n = 0;
    for f in files(&dir) {
        let data = std::fs::read(dir.join(&f)).unwrap();
        let path = Path::new("content/cases/fuzz.md");
        let Ok(text) = zhanting::text::decode_text(&data) else {
            continue;
        };
        let lines = text.lines().count().max(1) + 1;
        let mut diags = vec![];
        let body = match frontmatter::split(&text, path) {
            Ok(s) => {
                match frontmatter::parse_raw(s.yaml, s.yaml_line, path) {
                    Ok(raw) => {
                        let _ = frontmatter::resolve(raw, s.yaml, s.yaml_line, path, &mut diags);
                    }
                    Err(d) => diags.push(d),
                }
                s.body
            }
            Err(d) => {
                diags.push(d);
                text.as_str()
            }
        };
        for d in &diags {
            assert!(d.line >= 1 && d.line <= lines, "{}: {d}", f.display());
        }
        let r = markdown::render(body, markdown::Options::default(), &|d| {
            Some(format!("../{d}"))
        });
        // Text never holds a raw `<` (it is escaped), so every `<…>` is a tag.
        for tag in r
            .html
            .split('<')
            .skip(1)
            .map(|t| t.split('>').next().unwrap_or(""))
        {
            let compact: String = tag
                .to_lowercase()
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            let js_value = compact
                .split("=\"")
                .skip(1)
                .any(|v| v.starts_with("javascript:"));
            assert!(
                !compact.starts_with("script") && !js_value,
                "{}: <{tag}>",
                f.display()
            );
        }
        let doc = scraper::Html::parse_fragment(&r.html);
        assert!(select(&doc, "script").is_empty(), "{}", f.display());
        n += 1;
    }
    assert!(n >= 1);
}

/// The `import_docx` fuzz target's checks, on every file in
/// tests/fixtures/fuzz-docx: hostile Word files give a document or an
/// error, never a panic.
#[test]
fn docx_fuzz_findings_stay_fixed() {
    use zhanting::import::docx;
    let dir = fixture("fuzz-docx");
    let limits = docx::Limits::DEFAULT;
    let (mut read, mut refused) = (0, 0);
    for f in files(&dir) {
        let data = std::fs::read(dir.join(&f)).unwrap();
        let Ok(d) = docx::read_bytes(&data) else {
            refused += 1;
            continue;
        };
        read += 1;
        let mut names = std::collections::HashSet::new();
        let mut total = 0u64;
        for (name, bytes) in &d.images {
            assert!(
                names.insert(name.to_lowercase()),
                "{}: {name} twice",
                f.display()
            );
            assert!(
                !name.starts_with('.') && !name.contains(['/', '\\']),
                "{}: {name}",
                f.display()
            );
            assert!(!name.ends_with(".md"), "{}: {name}", f.display());
            assert!(bytes.len() as u64 <= limits.image);
            total += bytes.len() as u64;
        }
        assert!(total <= limits.total);
        for l in &d.lines {
            for t in std::iter::once(&l.text).chain(&l.block) {
                assert!(
                    !t.chars().any(|c| c.is_control() && c != '\n'),
                    "{}: {t:?}",
                    f.display()
                );
                assert!(
                    t.len() < 100_000,
                    "{}: a line of {} bytes",
                    f.display(),
                    t.len()
                );
            }
        }
        for (name, _) in &d.images {
            let shown = format!("![]({name})");
            assert!(
                d.lines
                    .iter()
                    .any(|l| l.block.as_deref().is_some_and(|b| b.contains(&shown))),
                "{}: {name} is saved but not shown",
                f.display()
            );
        }
    }
    assert!(read >= 1 && refused >= 1, "{read} read, {refused} refused");
}
