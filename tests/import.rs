//! `zhanting import` run as a user runs it: the sample documents (in UTF-8,
//! GB18030 and UTF-16), and a Word file made here, go into a new site; the
//! guessed front matter and structure are checked, and the site must pass
//! `zhanting check` and build.

mod common;
use common::*;
use std::io::Write;
use std::path::{Path, PathBuf};

fn seeds() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    if dir.is_dir() {
        return Some(dir);
    }
    let alt = Path::new("/work/shared/seeds");
    if alt.is_dir() {
        return Some(alt.to_path_buf());
    }
    println!(
        "note: no sample documents at {}; seed import tests skipped",
        dir.display()
    );
    None
}

/// A new site with no content pages.
fn empty_site(tmp: &Path) -> PathBuf {
    let root = tmp.join("site");
    let (code, out, err) = run(&["init", root.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    for s in ["speeches", "cases", "brands"] {
        std::fs::remove_dir_all(root.join("content").join(s)).unwrap();
    }
    root
}

fn import(root: &Path, args: &[&str]) -> String {
    let mut a = vec!["import", "--root", root.to_str().unwrap()];
    a.extend_from_slice(args);
    let (code, out, err) = run(&a);
    assert_eq!(code, 0, "import failed:\n{out}\n{err}");
    out
}

fn check_and_build(root: &Path) {
    let (code, out, err) = run(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(code, 0, "check failed:\n{out}\n{err}");
    assert!(!err.contains("warning:"), "warnings from check:\n{err}");
    build(root, &[]);
}

/// Every index.md under content/SECTION, sorted.
fn pages(root: &Path, section: &str) -> Vec<PathBuf> {
    let dir = root.join("content").join(section);
    let mut v: Vec<PathBuf> = files(&dir)
        .into_iter()
        .filter(|p| p.ends_with("index.md"))
        .map(|p| dir.join(p))
        .collect();
    v.sort();
    v
}

fn page_with(root: &Path, section: &str, title_part: &str) -> String {
    pages(root, section)
        .iter()
        .map(|p| read(p))
        .find(|t| {
            t.lines()
                .nth(1)
                .is_some_and(|l| l.starts_with("title:") && l.contains(title_part))
        })
        .unwrap_or_else(|| panic!("no page in {section} titled with {title_part}"))
}

fn field<'a>(page: &'a str, key: &str) -> Option<&'a str> {
    let fm = page.split("\n---\n").next()?;
    fm.lines()
        .find_map(|l| l.strip_prefix(&format!("{key}:")))
        .map(|v| v.split("  #").next().unwrap_or("").trim().trim_matches('"'))
}

#[test]
fn imports_the_sample_documents_in_every_encoding() {
    let Some(seeds) = seeds() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let root = empty_site(tmp.path());
    // the same documents as GB18030 and as UTF-16 (with and without BOM)
    let (gbk, utf16) = (tmp.path().join("gbk"), tmp.path().join("utf16"));
    std::fs::create_dir_all(&gbk).unwrap();
    std::fs::create_dir_all(&utf16).unwrap();
    let mut names = vec![];
    for e in std::fs::read_dir(&seeds).unwrap() {
        let p = e.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap();
        let name = p.file_name().unwrap().to_owned();
        std::fs::write(gbk.join(&name), encoding_rs::GB18030.encode(&text).0).unwrap();
        let mut u = if names.len() % 2 == 0 {
            vec![0xFF, 0xFE]
        } else {
            vec![]
        };
        u.extend(text.encode_utf16().flat_map(|c| c.to_le_bytes()));
        std::fs::write(utf16.join(&name), u).unwrap();
        names.push(name);
    }
    let out = import(&root, &[seeds.to_str().unwrap()]);
    assert!(out.contains("请核对"), "{out}");
    let speeches = pages(&root, "speeches");
    let cases = pages(&root, "cases");
    assert!(speeches.len() >= 4, "{speeches:?}");
    // the compilation became one page per article
    assert_eq!(speeches.len() + cases.len(), names.len() + 4, "{out}");

    // a speech with a date that names the month only, and a speaker line
    let p = page_with(&root, "speeches", "在全区基层党建工作会议上的讲话");
    assert_eq!(field(&p, "date"), Some("2010-02-01"));
    assert!(
        p.contains("date: 2010-02-01  # "),
        "the partial date is explained"
    );
    assert_eq!(field(&p, "speaker"), Some("王孝山"));
    assert_eq!(field(&p, "occasion"), Some("全区基层党建工作会议"));
    let body = p.split("\n---\n").nth(1).unwrap();
    assert!(
        body.trim_start().starts_with("同志们"),
        "salutation first: {}",
        &body[..60]
    );
    assert!(body.contains("\n## 一、"), "一、 headings become ##");
    assert!(
        body.contains("\n1\\."),
        "1. kept as an escaped numbered paragraph"
    );
    assert!(
        !body.contains('\u{3000}') && !body.contains("\n    "),
        "indents removed"
    );

    // a web page: debris dropped, 文号, 职务, bracketed date, region
    let p = page_with(&root, "speeches", "的通知");
    assert!(
        !p.contains("当前所在的位置") && !p.contains("发布时间"),
        "debris dropped"
    );
    assert_eq!(field(&p, "date"), Some("2013-09-25"));
    assert_eq!(field(&p, "doc_number"), Some("渭组通〔2013〕144号"));
    assert_eq!(field(&p, "speaker"), Some("王爱民"));
    assert_eq!(field(&p, "speaker_title"), Some("市委常委、组织部长"));
    assert_eq!(
        field(&p, "occasion"),
        Some("全市农村基层党建重点工作推进会")
    );
    assert_eq!(field(&p, "region"), Some("渭南市"));

    // a two-line title with a subtitle naming the occasion; no date → best effort, commented
    let p = page_with(
        &root,
        "speeches",
        "凝心聚气 担当作为 全面开创基层党建工作新局面",
    );
    assert_eq!(field(&p, "occasion"), Some("县委党校主体培训班"));
    assert!(p.contains("# 未能识别日期"), "{p:.400}");
    assert_eq!(field(&p, "speaker"), Some(""));

    // articles of the compilation: a hard-wrapped title, a 职务 + name line
    let p = page_with(
        &root,
        "cases",
        "在推进城市化进程中加强城市基层党建工作的几点思考",
    );
    assert!(
        !p.contains("\n作的几点思考"),
        "the wrapped title line is not left in the body"
    );
    let p = page_with(&root, "cases", "在创新中推进基层统战工作实现新突破");
    assert_eq!(field(&p, "region"), Some("永兴县"));
    assert!(!p.contains("定稿"));
    let p = page_with(
        &root,
        "speeches",
        "区委书记在区基层党建工作推进会议上的讲话",
    );
    assert_eq!(field(&p, "speaker_title"), Some("区委书记"));

    // every page has its original beside it
    for p in speeches.iter().chain(&cases) {
        let a = field(&read(p), "attachments").map(|_| ());
        assert!(a.is_some());
        let dir = p.parent().unwrap();
        assert!(
            std::fs::read_dir(dir).unwrap().any(|e| e
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "txt")),
            "{}",
            dir.display()
        );
    }

    // GB18030 and UTF-16 give the same pages, under new names (nothing overwritten)
    let before: Vec<(PathBuf, String)> = speeches
        .iter()
        .chain(&cases)
        .map(|p| (p.clone(), read(p)))
        .collect();
    import(&root, &[gbk.to_str().unwrap()]);
    import(&root, &[utf16.to_str().unwrap()]);
    for (p, text) in &before {
        assert_eq!(&read(p), text, "{} was changed", p.display());
        let dir = p.parent().unwrap();
        let bare = |t: &str| {
            t.lines()
                .filter(|l| !l.contains("原始文件") && !l.starts_with("date:"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        for n in [2, 3] {
            let other = dir
                .with_file_name(format!(
                    "{}-{n}",
                    dir.file_name().unwrap().to_string_lossy()
                ))
                .join("index.md");
            assert_eq!(
                bare(&read(&other)),
                bare(text),
                "{} differs",
                other.display()
            );
        }
    }
    check_and_build(&root);
}

const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4,
    0x89, 0x00, 0x00, 0x00, 0x0A, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0x00, 0x01, 0x00, 0x00,
    0x05, 0x00, 0x01, 0x0D, 0x0A, 0x2D, 0xB4, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE,
    0x42, 0x60, 0x82,
];

fn para(style: Option<&str>, runs: &str) -> String {
    let ppr = style
        .map(|s| format!("<w:pPr><w:pStyle w:val=\"{s}\"/></w:pPr>"))
        .unwrap_or_default();
    format!("<w:p>{ppr}{runs}</w:p>")
}
fn run_(t: &str) -> String {
    format!("<w:r><w:t xml:space=\"preserve\">{t}</w:t></w:r>")
}
fn bold(t: &str) -> String {
    format!("<w:r><w:rPr><w:b/></w:rPr><w:t>{t}</w:t></w:r>")
}
fn item(t: &str) -> String {
    numbered(1, 0, t)
}
/// A paragraph of Word list `num` at `level` (the number is not in the text).
fn numbered(num: u32, level: u32, t: &str) -> String {
    format!("<w:p><w:pPr><w:numPr><w:ilvl w:val=\"{level}\"/><w:numId w:val=\"{num}\"/></w:numPr></w:pPr>{}</w:p>", run_(t))
}
fn cell(t: &str) -> String {
    format!("<w:tc>{}</w:tc>", para(None, &run_(t)))
}

/// A minimal Word file: title, date, heading, bold, list, table and image.
fn make_docx(path: &Path) {
    let body = [
        para(Some("Title"), &run_("在某镇党建工作推进会上的讲话")),
        para(None, &run_("（2021年3月8日）")),
        para(None, &run_("同志们：")),
        para(Some("1"), &run_("抓好支部建设")),
        para(None, &format!("{}{}{}", run_("我们要"), bold("突出重点"), run_("，把各项工作落到实处，确保取得实效 &amp; 长效。"))),
        item("第一项任务"),
        item("第二项任务"),
        numbered(3, 0, "明确目标"),
        numbered(2, 0, "要加强理论学习，提高思想认识。"),
        numbered(2, 1, "每月集中学习一次。"),
        numbered(2, 0, "要压实工作责任，层层抓好落实。"),
        format!("<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}</w:tr></w:tbl>", cell("支部"), cell("党员数"), cell("第一支部"), cell("36")),
        para(None, "<w:r><w:drawing><wp:inline><a:graphic><a:graphicData><pic:pic><pic:blipFill><a:blip r:embed=\"rId9\"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"),
        para(None, &run_("以上是我的意见。")),
    ]
    .concat();
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:body>{body}</w:body></w:document>"#
    );
    let styles = r#"<?xml version="1.0" encoding="UTF-8"?><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/></w:style><w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style></w:styles>"#;
    // list 1: bullets; list 2: 1. with (1) below it; list 3: 一、
    let numbering = r#"<?xml version="1.0" encoding="UTF-8"?><w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="•"/></w:lvl></w:abstractNum><w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="（%2）"/></w:lvl></w:abstractNum><w:abstractNum w:abstractNumId="2"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/></w:lvl></w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num><w:num w:numId="3"><w:abstractNumId w:val="2"/></w:num></w:numbering>"#;
    let rels = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image1.png"/></Relationships>"#;
    let types = r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="png" ContentType="image/png"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = zip::write::SimpleFileOptions::default();
    for (name, data) in [
        ("[Content_Types].xml", types.as_bytes()),
        ("word/document.xml", document.as_bytes()),
        ("word/styles.xml", styles.as_bytes()),
        ("word/numbering.xml", numbering.as_bytes()),
        ("word/_rels/document.xml.rels", rels.as_bytes()),
        ("word/media/image1.png", PNG),
    ] {
        zip.start_file(name, opts).unwrap();
        zip.write_all(data).unwrap();
    }
    zip.finish().unwrap();
}

#[test]
fn imports_a_word_file_with_its_structure_and_images() {
    let tmp = tempfile::tempdir().unwrap();
    let root = empty_site(tmp.path());
    let docx = tmp.path().join("推进会讲话.docx");
    make_docx(&docx);
    let out = import(&root, &[docx.to_str().unwrap()]);
    assert!(out.contains("Word"), "{out}");
    let dir = root.join("content/speeches/在某镇党建工作推进会上的讲话");
    let page = read(&dir.join("index.md"));
    assert_eq!(field(&page, "date"), Some("2021-03-08"));
    assert_eq!(field(&page, "occasion"), Some("某镇党建工作推进会"));
    for want in ["\n## 抓好支部建设\n", "我们要**突出重点**，", "实效 &amp; 长效", "\n- 第一项任务\n", "\n## 一、明确目标\n", "\n1\\.要加强理论学习，提高思想认识。\n\n（1）每月集中学习一次。\n\n2\\.要压实工作责任，层层抓好落实。\n", "| 支部 | 党员数 |\n| --- | --- |\n| 第一支部 | 36 |", "![](image1.png)", "同志们：\n"] {
        let want = want.replace("&amp;", "&");
        assert!(page.contains(&want), "missing {want:?} in\n{page}");
    }
    assert!(
        !page.contains("（2021年3月8日）"),
        "the date line is taken into the front matter"
    );
    assert_eq!(std::fs::read(dir.join("image1.png")).unwrap(), PNG);
    assert!(dir.join("推进会讲话.docx").is_file());
    check_and_build(&root);
    let built = root.join("output/speeches/在某镇党建工作推进会上的讲话");
    assert!(built.join("image1.png").is_file() && built.join("推进会讲话.docx").is_file());
    let html = read(&built.join("index.html"));
    assert!(
        html.contains("<table")
            && html.contains("<strong>突出重点</strong>")
            && html.contains("image1.png")
    );
    assert!(
        !html.contains("<li>要加强")
            && html.contains("<p>1.要加强理论学习")
            && html.contains("<p>2.要压实工作责任"),
        "numbered paragraphs keep their numbers:\n{html}"
    );

    // a second import never overwrites: it gets a new name
    import(&root, &[docx.to_str().unwrap()]);
    assert_eq!(read(&dir.join("index.md")), page);
    assert!(root
        .join("content/speeches/在某镇党建工作推进会上的讲话-2/index.md")
        .is_file());
}

#[test]
fn refuses_what_it_cannot_read() {
    let tmp = tempfile::tempdir().unwrap();
    let root = empty_site(tmp.path());
    let bad = tmp.path().join("坏文件.docx");
    std::fs::write(&bad, b"not a zip").unwrap();
    let (code, _out, err) = run(&[
        "import",
        "--root",
        root.to_str().unwrap(),
        bad.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("坏文件.docx: error:"), "{err}");
    let (code, _, err) = run(&[
        "import",
        "--root",
        root.to_str().unwrap(),
        tmp.path().join("x.pdf").to_str().unwrap(),
    ]);
    assert_ne!(code, 0, "{err}");
}
