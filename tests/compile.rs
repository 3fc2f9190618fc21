//! `zhanting compile`: the booklet made from the bundled sample site, read
//! back with poppler (pdftotext, pdfinfo, pdffonts, pdftohtml) and, for
//! `--format html`, parsed as HTML. The faces are Debian's open CJK fonts
//! (fonts-arphic-ukai/uming, fonts-wqy-zenhei), which `scripts/test.sh`
//! installs with poppler-utils; a test without them fails, it never passes
//! silently.

mod common;

use common::run;
use std::path::{Path, PathBuf};
use std::process::Command;

fn sample(tmp: &Path) -> PathBuf {
    let root = tmp.join("site");
    let (code, out, err) = run(&["init", root.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    root
}

fn compile(root: &Path, args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["compile", "--root", root.to_str().unwrap()];
    all.extend_from_slice(args);
    run(&all)
}

/// `zhanting compile` of the cases as 典型案例汇编, into `out`.
fn cases_booklet(root: &Path, out: &Path) -> (i32, String, String) {
    let out = out.to_str().unwrap();
    compile(
        root,
        &[
            "--section",
            "cases",
            "--title",
            "典型案例汇编",
            "--output",
            out,
        ],
    )
}

/// A poppler tool's output; the tool must be there.
fn poppler(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("{tool} must be installed (poppler-utils, scripts/test.sh): {e}")
    });
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn page_count(pdf: &Path) -> usize {
    let info = poppler("pdfinfo", &[pdf.to_str().unwrap()]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo gives Pages:")
}

/// The text of each page, in reading order.
fn pages(pdf: &Path) -> Vec<String> {
    (1..=page_count(pdf))
        .map(|i| {
            let i = i.to_string();
            poppler(
                "pdftotext",
                &["-layout", "-f", &i, "-l", &i, pdf.to_str().unwrap(), "-"],
            )
        })
        .collect()
}

/// Text with every kind of space removed (pdftotext spaces CJK text out).
fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The number printed at a page's foot as `— n —`.
fn folio(page: &str) -> Option<u32> {
    let t = squeeze(page);
    let end = t.rfind('—')?;
    let start = t[..end].rfind('—')?;
    t[start + '—'.len_utf8()..end].parse().ok()
}

/// The titles of the pages of section `dir`, read from their files.
fn titles(root: &Path, dir: &str) -> Vec<(String, String)> {
    let mut out = vec![];
    for e in walkdir::WalkDir::new(root.join("content").join(dir)) {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "md") {
            let text = std::fs::read_to_string(e.path()).unwrap();
            let field = |k: &str| {
                text.lines()
                    .find_map(|l| l.strip_prefix(&format!("{k}:")))
                    .map(|v| v.trim().trim_matches('"').to_string())
                    .unwrap_or_default()
            };
            out.push((field("date"), field("title")));
        }
    }
    out.sort();
    out
}

#[test]
fn the_table_of_contents_gives_the_page_where_each_article_starts() {
    let tmp = tempfile::tempdir().unwrap();
    let root = sample(tmp.path());
    let pdf = tmp.path().join("汇编.pdf");
    let (code, out, err) = cases_booklet(&root, &pdf);
    assert_eq!(code, 0, "{out}{err}");
    let cases = titles(&root, "cases");
    assert_eq!(cases.len(), 5);
    assert!(
        out.starts_with(&format!("已生成汇编 {}：5 篇，共 ", pdf.display())),
        "{out}"
    );

    let pages = pages(&pdf);
    // the cover: title, 编印单位 (footer.host) and the newest page's month
    let cover = squeeze(&pages[0]);
    assert!(cover.contains("典型案例汇编"), "{cover}");
    assert!(cover.contains("中共示范县委组织部"), "{cover}");
    let newest = &cases.last().unwrap().0;
    let month: Vec<&str> = newest.split('-').collect();
    let month = format!("{}年{}月", month[0], month[1].trim_start_matches('0'));
    assert!(cover.contains(&month), "{cover} lacks {month}");
    assert_eq!(folio(&pages[0]), None, "the cover has no page number");

    // the 目录: one line per article, oldest first, each with its number
    let toc = squeeze(&pages[1]);
    assert!(toc.starts_with("目录"), "{toc}");
    assert_eq!(folio(&pages[1]), None, "the 目录 has no page number");
    let mut listed = vec![];
    let mut from = 0;
    for (_, title) in &cases {
        let t = squeeze(title);
        let at = toc[from..].find(&t).map(|i| i + from).unwrap_or_else(|| {
            panic!("{title} is not in the 目录 after the previous entry:\n{toc}")
        });
        let rest = &toc[at + t.len()..];
        let rest = rest.trim_start_matches(['.', '…', '·']);
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        listed.push((title.clone(), digits.parse::<u32>().expect("a page number")));
        from = at + t.len();
    }

    // each article starts on the page the 目录 gives, its title at the top
    let first_article = 2;
    assert_eq!(
        folio(&pages[first_article]),
        Some(1),
        "the first article is page 1"
    );
    for (title, number) in &listed {
        let i = first_article + *number as usize - 1;
        let page = &pages[i];
        assert_eq!(folio(page), Some(*number), "page {i} is numbered {number}");
        let head: String = squeeze(page)
            .chars()
            .take(squeeze(title).chars().count())
            .collect();
        assert_eq!(
            head,
            squeeze(title),
            "the page the 目录 gives for {title} starts with it"
        );
        // and it is not on the page before
        assert!(!squeeze(&pages[i - 1]).contains(&squeeze(title)) || i - 1 == 1);
    }
    // pages run on: every page after the 目录 is numbered, one after another
    for (k, page) in pages.iter().enumerate().skip(first_article) {
        assert_eq!(
            folio(page),
            Some((k - first_article + 1) as u32),
            "page {k}"
        );
    }
    // text block 156 mm: body lines of 28 characters of 16 pt (a Latin
    // letter or digit counts half, and so does a punctuation mark, which
    // the layout may set half wide)
    let width = |l: &str| -> f64 {
        squeeze(l)
            .chars()
            .map(|c| {
                if c.is_ascii() || "，。、；：“”‘’（）《》！？".contains(c) {
                    0.5
                } else {
                    1.0
                }
            })
            .sum()
    };
    let longest = pages[first_article..]
        .iter()
        .flat_map(|p| p.lines())
        .map(width)
        .fold(0.0, f64::max);
    assert!(
        (27.5..=28.0).contains(&longest),
        "longest line {longest} characters"
    );
}

#[test]
fn the_pdf_has_bookmarks_embedded_faces_and_the_same_bytes_each_time() {
    let tmp = tempfile::tempdir().unwrap();
    let root = sample(tmp.path());
    let a = tmp.path().join("a.pdf");
    let b = tmp.path().join("b.pdf");
    for f in [&a, &b] {
        let (code, out, err) = compile(
            &root,
            &["--section", "speeches", "--output", f.to_str().unwrap()],
        );
        assert_eq!(code, 0, "{out}{err}");
    }
    assert_eq!(
        std::fs::read(&a).unwrap(),
        std::fs::read(&b).unwrap(),
        "deterministic"
    );

    // bookmarks: one per article, in order
    let xml = poppler(
        "pdftohtml",
        &["-stdout", "-xml", "-i", "-q", a.to_str().unwrap()],
    );
    let speeches = titles(&root, "speeches");
    let outline: Vec<String> = xml
        .split("<item")
        .skip(1)
        .filter_map(|s| s.split_once('>').map(|(_, r)| r))
        .filter_map(|r| r.split_once("</item>").map(|(t, _)| t.to_string()))
        .collect();
    let want: Vec<String> = speeches.iter().map(|(_, t)| t.clone()).collect();
    assert_eq!(outline, want, "{xml}");

    // every face embedded (subset), none missing
    let fonts = poppler("pdffonts", &[a.to_str().unwrap()]);
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(rows.len() >= 2, "{fonts}");
    for row in rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        let n = cols.len();
        assert_eq!(
            &cols[n - 5..n - 3],
            &["yes", "yes"],
            "embedded and subset: {row}"
        );
    }
    // the text is text: pdftotext finds the titles
    let all = squeeze(&poppler("pdftotext", &[a.to_str().unwrap(), "-"]));
    for (_, t) in &speeches {
        assert!(all.contains(&squeeze(t)));
    }
}

#[test]
fn page_text_is_printed_as_written_never_run_as_typesetting_code() {
    let tmp = tempfile::tempdir().unwrap();
    let root = sample(tmp.path());
    std::fs::write(
        root.join("content/cases/代码.md"),
        "---\ntitle: 特殊字符的案例\ndate: 2031-01-01\n---\n\n\
         正文 #set page(fill: red) 与 \"引号\" 和 \\\\ 反斜杠 $x$ *星* _下划线_ @ref <tag> `#pagebreak()`。\n\n\
         一、总体要求\n\n（一）强化组织。各支部按期换届。\n\n| 项目 | 数量 |\n|---|---:|\n| 党员 | 12 |\n\n脚注在此[^1]。\n\n[^1]: 注释的文字。\n",
    )
    .unwrap();
    let pdf = tmp.path().join("x.pdf");
    let (code, out, err) = compile(
        &root,
        &["--year", "2031", "--output", pdf.to_str().unwrap()],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(page_count(&pdf), 3, "cover, 目录, one page");
    let text = poppler("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    let t = squeeze(&text);
    for want in [
        "#setpage(fill:red)",
        "\"引号\"",
        "\\反斜杠",
        "$x$",
        "星",
        "@ref",
        "#pagebreak()",
        "一、总体要求",
        "（一）强化组织。各支部按期换届。",
        "党员12",
        "注释的文字。",
    ] {
        assert!(t.contains(want), "{want} missing from\n{text}");
    }
}

#[test]
fn html_is_one_file_with_pages_and_pictures_inside() {
    let tmp = tempfile::tempdir().unwrap();
    let root = sample(tmp.path());
    let out_file = tmp.path().join("汇编.html");
    let (code, out, err) = compile(
        &root,
        &[
            "--section",
            "brands",
            "--format",
            "html",
            "--output",
            out_file.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    let html = std::fs::read_to_string(&out_file).unwrap();
    let doc = scraper::Html::parse_document(&html);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    let brands = titles(&root, "brands");
    let toc: Vec<String> = doc
        .select(&sel(".toc li a"))
        .map(|a| a.text().collect())
        .collect();
    let heads: Vec<String> = doc
        .select(&sel("article > h1"))
        .map(|a| a.text().collect())
        .collect();
    let want: Vec<String> = brands.iter().map(|(_, t)| t.clone()).collect();
    assert_eq!(toc, want);
    assert_eq!(heads, want);
    assert!(html.contains("@page") && html.contains("break-before: page"));
    let imgs: Vec<&str> = doc
        .select(&sel("article img"))
        .filter_map(|i| i.value().attr("src"))
        .collect();
    assert!(!imgs.is_empty());
    assert!(
        imgs.iter().all(|s| s.starts_with("data:image/png;base64,")),
        "{imgs:?}"
    );
    assert!(doc.select(&sel("script")).next().is_none());
}

#[test]
fn a_selection_that_finds_nothing_or_names_nothing_is_an_error_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let root = sample(tmp.path());
    let pdf = tmp.path().join("x.pdf");
    std::fs::write(&pdf, b"the previous booklet").unwrap();
    let p = pdf.to_str().unwrap();
    let cases: [(&[&str], &str); 4] = [
        (
            &["--section", "cases", "--year", "1999"],
            "错误：没有符合条件的页面（--section cases, --year 1999）：没有生成汇编；请放宽条件，或用 `zhanting check` 看看页面的栏目、地区、领域和日期\n",
        ),
        (
            &["--section", "新闻"],
            "错误：没有栏目为「新闻」的页面；网站中有：speeches（领导讲话）、cases（典型案例）、brands（一支部一品牌）\n",
        ),
        (
            &["--year", "去年"],
            "错误：--year 应是四位数的年份，例如 2023，而不是「去年」\n",
        ),
        (
            &["--sector", "航天"],
            "错误：没有领域为「航天」的页面；网站中有：",
        ),
    ];
    for (args, want) in cases {
        let mut all = args.to_vec();
        all.extend(["--output", p]);
        let (code, out, err) = compile(&root, &all);
        assert_eq!(code, 1, "{args:?}: {out}{err}");
        assert!(err.starts_with(want), "{args:?}:\n{err}");
        assert_eq!(std::fs::read(&pdf).unwrap(), b"the previous booklet");
    }
    // a region and everything below it; a region nobody has
    let (code, _, err) = compile(&root, &["--region", "火星", "--output", p]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("错误：没有地区为「火星」的页面；网站中有："),
        "{err}"
    );
}

#[test]
fn a_picture_that_cannot_be_read_is_reported_at_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let root = sample(tmp.path());
    let page = root.join("content/brands/稻香先锋/index.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        root.join("content/brands/稻香先锋/坏图.png"),
        b"not a picture",
    )
    .unwrap();
    let text = format!("{text}\n![坏的图](坏图.png)\n");
    std::fs::write(&page, &text).unwrap();
    let line = text.lines().count();
    let pdf = tmp.path().join("x.pdf");
    for format in ["pdf", "html"] {
        let (code, out, err) = compile(
            &root,
            &[
                "--section",
                "brands",
                "--format",
                format,
                "--output",
                pdf.to_str().unwrap(),
            ],
        );
        assert_eq!(code, 1, "{out}{err}");
        assert!(
            err.starts_with(&format!(
                "content/brands/稻香先锋/index.md:{line}:1: error: 汇编无法使用图片 `坏图.png`：不是能读的 JPEG、PNG、GIF 或 SVG 图片\n"
            )),
            "{err}"
        );
        assert!(
            err.ends_with("网站有错误，没有生成汇编；请按上面的提示改正\n"),
            "{err}"
        );
        assert!(!pdf.exists());
    }
}

#[test]
fn faces_are_found_by_role_or_named_and_a_role_without_one_says_how_to_name_it() {
    let tmp = tempfile::tempdir().unwrap();
    let root = sample(tmp.path());
    let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    let pdf = tmp.path().join("x.pdf");
    let p = pdf.to_str().unwrap();

    // no installed faces and none named
    std::fs::write(
        root.join("site.yaml"),
        format!("{yaml}compile:\n  system_fonts: false\n"),
    )
    .unwrap();
    let (code, out, err) = compile(&root, &["--section", "cases", "--output", p]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.starts_with("错误：找不到仿宋字体（也找不到可以代替的：仿宋、楷体、宋体、黑体）。请在 site.yaml 中指明字体文件，例如：\n    compile:\n      fonts: { fangsong: fonts/字体文件.ttf }\n"),
        "{err}"
    );
    assert!(!pdf.exists());

    // a file that is not a font, at its line of site.yaml
    std::fs::create_dir_all(root.join("fonts")).unwrap();
    std::fs::write(root.join("fonts/假的.ttf"), b"not a font").unwrap();
    let lines = yaml.lines().count();
    std::fs::write(
        root.join("site.yaml"),
        format!("{yaml}compile:\n  system_fonts: false\n  fonts:\n    fangsong: fonts/假的.ttf\n"),
    )
    .unwrap();
    let (code, _, err) = compile(&root, &["--section", "cases", "--output", p]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with(&format!(
            "site.yaml:{}:5: error: 仿宋字体文件 `fonts/假的.ttf` 不是能用的字体\n",
            lines + 4
        )),
        "{err}"
    );

    // one face file named for 楷体 stands in for every role
    let kai = [
        "/usr/share/fonts/truetype/arphic/ukai.ttc",
        "/usr/share/fonts/truetype/arphic-ukai/ukai.ttc",
    ]
    .into_iter()
    .find(|f| Path::new(f).is_file())
    .expect("fonts-arphic-ukai must be installed (scripts/test.sh)");
    std::fs::copy(kai, root.join("fonts/楷体.ttc")).unwrap();
    std::fs::write(
        root.join("site.yaml"),
        format!("{yaml}compile:\n  system_fonts: false\n  fonts: {{ kai: fonts/楷体.ttc }}\n"),
    )
    .unwrap();
    let (code, out, err) = compile(&root, &["--section", "cases", "--output", p]);
    assert_eq!(code, 0, "{out}{err}");
    let fonts = poppler("pdffonts", &[p]);
    assert!(fonts.contains("UKai"), "{fonts}");
    assert!(
        !fonts.contains("UMing") && !fonts.contains("ZenHei"),
        "{fonts}"
    );
}

/// The sample site with a PDF of its cases and an HTML booklet of the
/// 2019 speeches in `compilations:`.
fn with_compilations(tmp: &Path) -> PathBuf {
    let root = sample(tmp);
    let yaml = root.join("site.yaml");
    let mut text = std::fs::read_to_string(&yaml).unwrap();
    text.push_str(
        "compilations:\n  - { title: 典型案例汇编, section: cases, file: downloads/典型案例汇编.pdf }\n  - { title: 讲话选编, section: speeches, year: 2019, file: downloads/讲话选编.html }\n",
    );
    std::fs::write(&yaml, text).unwrap();
    root
}

/// The downloads a list page offers: (href resolved from the page's
/// folder, title, size as shown).
fn offered(out: &Path, page: &str) -> Vec<(String, String, String)> {
    let doc = common::html(&out.join(page));
    let dir = Path::new(page).parent().unwrap();
    common::select(&doc, "section.downloads li")
        .iter()
        .map(|li| {
            let a = li
                .select(&scraper::Selector::parse("a").unwrap())
                .next()
                .expect("a link");
            let href = percent_encoding::percent_decode_str(a.value().attr("href").unwrap())
                .decode_utf8()
                .unwrap()
                .into_owned();
            let mut path = dir.to_path_buf();
            for part in href.split('/') {
                match part {
                    ".." => assert!(path.pop(), "{href} climbs out of the site"),
                    p => path.push(p),
                }
            }
            let text = |css: &str| {
                li.select(&scraper::Selector::parse(css).unwrap())
                    .map(|e| e.text().collect::<String>())
                    .collect::<String>()
            };
            (
                path.to_string_lossy().into_owned(),
                text(".att-name"),
                text(".att-size"),
            )
        })
        .collect()
}

/// A size as shown (`320 KB`, `1.2 MB`) in bytes, roughly.
fn shown_bytes(size: &str) -> f64 {
    let (n, unit) = size.split_once(' ').expect("number and unit");
    let n: f64 = n.parse().expect("a number");
    n * match unit {
        "B" => 1.0,
        "KB" => 1024.0,
        "MB" => 1024.0 * 1024.0,
        u => panic!("unit {u}"),
    }
}

#[test]
fn compilations_are_built_with_the_site_and_offered_with_their_size() {
    let tmp = tempfile::tempdir().unwrap();
    let root = with_compilations(tmp.path());
    common::build(&root, &[]);
    let out = root.join("output");
    let pdf = out.join("downloads/典型案例汇编.pdf");
    let text = squeeze(&pages(&pdf).concat());
    for (_, title) in titles(&root, "cases") {
        assert!(text.contains(&squeeze(&title)), "{title} is in the booklet");
    }
    // the same booklet `zhanting compile` makes
    let alone = tmp.path().join("alone.pdf");
    let (code, o, e) = cases_booklet(&root, &alone);
    assert_eq!(code, 0, "{o}{e}");
    assert!(std::fs::read(&alone).unwrap() == std::fs::read(&pdf).unwrap());

    // offered on the cases list with its real size, not elsewhere
    let cases = offered(&out, "cases/index.html");
    assert_eq!(cases.len(), 1, "{cases:?}");
    let (file, title, size) = &cases[0];
    assert_eq!(
        (file.as_str(), title.as_str()),
        ("downloads/典型案例汇编.pdf", "典型案例汇编")
    );
    let real = std::fs::metadata(&pdf).unwrap().len() as f64;
    assert!(
        (shown_bytes(size) - real).abs() / real < 0.05,
        "{size} for {real} bytes"
    );
    for page in ["speeches/index.html", "years/2019/index.html"] {
        let got = offered(&out, page);
        assert_eq!(got.len(), 1, "{page}: {got:?}");
        assert_eq!(got[0].0, "downloads/讲话选编.html");
        let real = std::fs::metadata(out.join(&got[0].0)).unwrap().len() as f64;
        assert!((shown_bytes(&got[0].2) - real).abs() / real < 0.05);
    }
    assert!(offered(&out, "index.html").is_empty());
    assert!(offered(&out, "brands/index.html").is_empty());
    let booklet = common::read(&out.join("downloads/讲话选编.html"));
    assert!(booklet.contains("2019"), "the 2019 speech is in it");

    // unchanged pages: the PDF of the output is taken over, not set again
    let mut marked = std::fs::read(&pdf).unwrap();
    marked.extend_from_slice(b"%taken-over\n");
    std::fs::write(&pdf, &marked).unwrap();
    common::build(&root, &[]);
    assert!(
        std::fs::read(&pdf).unwrap() == marked,
        "taken over as it was"
    );

    // a case edited: set again, with the new words
    let case = walkdir::WalkDir::new(root.join("content/cases"))
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .find(|p| p.extension().is_some_and(|x| x == "md"))
        .unwrap();
    let mut md = std::fs::read_to_string(&case).unwrap();
    md.push_str("\n这一句是编辑后新加的检验文字。\n");
    std::fs::write(&case, md).unwrap();
    common::build(&root, &[]);
    let again = std::fs::read(&pdf).unwrap();
    assert!(!again.ends_with(b"%taken-over\n"), "set again");
    assert!(squeeze(&pages(&pdf).concat()).contains("这一句是编辑后新加的检验文字"));
}

#[test]
fn a_compilation_that_cannot_be_made_fails_the_build_and_keeps_the_site() {
    let tmp = tempfile::tempdir().unwrap();
    let root = with_compilations(tmp.path());
    common::build(&root, &[]);
    let out = root.join("output");
    let before = std::fs::read(out.join("cases/index.html")).unwrap();
    let pdf_before = std::fs::read(out.join("downloads/典型案例汇编.pdf")).unwrap();
    let yaml = root.join("site.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with("  - { title: 典型案例汇编"))
        .unwrap()
        + 1;
    std::fs::write(&yaml, text.replace("section: cases", "section: anli")).unwrap();
    let (code, o, e) = run(&["build", "--root", root.to_str().unwrap()]);
    assert_eq!(code, 1, "{o}{e}");
    assert!(
        e.contains(&format!(
            "site.yaml:{line}:3: error: 汇编《典型案例汇编》做不成："
        )),
        "{e}"
    );
    assert!(e.contains("anli") && e.contains("cases（典型案例）"), "{e}");
    assert!(std::fs::read(out.join("cases/index.html")).unwrap() == before);
    assert!(std::fs::read(out.join("downloads/典型案例汇编.pdf")).unwrap() == pdf_before);

    // mistakes in the entry itself, at their place, in plain words
    std::fs::write(
        &yaml,
        text.replace(
            "file: downloads/典型案例汇编.pdf",
            "file: ../典型案例汇编.doc",
        )
        .replace("year: 2019", "year: 19"),
    )
    .unwrap();
    let (code, _, e) = run(&["build", "--root", root.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        e.contains(&format!(
            "site.yaml:{line}:3: error: 汇编的文件名 `../典型案例汇编.doc` 不能用"
        )),
        "{e}"
    );
    assert!(
        e.contains(&format!("site.yaml:{}:3: error: `19` 不是年份", line + 1)),
        "{e}"
    );

    // a booklet where the site makes a page of its own: refused, not replaced
    std::fs::write(
        &yaml,
        text.replace("file: downloads/讲话选编.html", "file: cases/index.html"),
    )
    .unwrap();
    let (code, _, e) = run(&["build", "--root", root.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        e.contains(&format!(
            "site.yaml:{}:3: error: 汇编的文件 `cases/index.html` 和网站自己的页面或文件同名",
            line + 1
        )),
        "{e}"
    );
    assert!(std::fs::read(out.join("cases/index.html")).unwrap() == before);
}

#[test]
fn a_live_rebuild_sets_the_booklet_again_only_when_its_pages_change() {
    use zhanting::build::{self, BuildOptions, Quiet};
    use zhanting::live::changes::{classify, ChangeKind};
    use zhanting::live::watch::{Rebuilt, Session};
    let tmp = tempfile::tempdir().unwrap();
    let root = with_compilations(tmp.path());
    let mut session = Session::new(&root, BuildOptions::default());
    let mut step = |paths: &[PathBuf]| {
        let kind = paths
            .iter()
            .map(|p| classify(&root, &root.join("output"), p))
            .fold(ChangeKind::Ignore, ChangeKind::merge);
        let Rebuilt::Ok { output, .. } = session.rebuild(kind, paths) else {
            panic!("the rebuild failed");
        };
        let (_, clean) = build::build(&root, &BuildOptions::default(), &Quiet).expect("builds");
        for path in [
            "downloads/典型案例汇编.pdf",
            "cases/index.html",
            "downloads/讲话选编.html",
        ] {
            assert!(
                output.read(path) == clean.read(path),
                "{path} as a clean build makes it"
            );
        }
        output.read("downloads/典型案例汇编.pdf").unwrap()
    };
    let first = step(&[]);
    let speech = root.join("content/speeches/luoyuan-2014-jiceng-dangjian.md");
    let md = std::fs::read_to_string(&speech).unwrap();
    std::fs::write(&speech, format!("{md}\n讲话后补充的一段。\n")).unwrap();
    assert!(
        step(&[speech]) == first,
        "a speech is not in the cases' booklet"
    );
    let case = root.join("content/cases/石门村四议两公开.md");
    let md = std::fs::read_to_string(&case).unwrap();
    std::fs::write(&case, md.replacen("title:", "title: 新", 1)).unwrap();
    let edited = step(&[case]);
    assert!(edited != first);
}
