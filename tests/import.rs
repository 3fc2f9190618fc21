//! `zhanting import` run as a user runs it: the sample documents (in UTF-8,
//! GB18030 and UTF-16), and a Word file made here, go into a new site; the
//! guessed front matter and structure are checked, and the site must pass
//! `zhanting check` and build.

mod common;
use common::*;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The sample documents, kept beside the repository in `../shared/seeds`
/// (relative to the repository root). They are part of the test: a missing
/// folder is a failure, not a skip.
fn seeds() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seeds");
    assert!(
        dir.is_dir(),
        "the sample documents are missing: expected the folder ../shared/seeds \
         beside the repository (looked in {})",
        dir.display()
    );
    dir
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
    // the one warning of every site still served at `/` (no host in base_url)
    let content_warnings = err
        .split_inclusive('\n')
        .filter(|l| l.contains("warning:") && !l.starts_with("site.yaml:3:11: warning: base_url"))
        .count();
    assert_eq!(content_warnings, 0, "warnings from check:\n{err}");
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

/// The first item of a page's `attachments`, without quotes or comment.
fn attachment(page: &str) -> Option<&str> {
    let fm = page.split("\n---\n").next()?;
    let mut lines = fm.lines().skip_while(|l| !l.starts_with("attachments:"));
    lines.next()?;
    let item = lines.next()?.trim_start().strip_prefix("- ")?;
    Some(item.split("  #").next()?.trim().trim_matches('"'))
}

/// The compilation among the sample documents: five articles, the third
/// signed under its title.
const COMPILATION: &str = "004_61e629108fdc335e.txt";

#[test]
fn imports_the_sample_documents_in_every_encoding() {
    let seeds = seeds();
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

    // a speech dated `（2010年2月 日）`, the day left blank: the month is
    // kept as written, no day invented; and a speaker line
    let p = page_with(&root, "speeches", "在全区基层党建工作会议上的讲话");
    let seed = std::fs::read_to_string(seeds.join("000_1e6f45cccfb5e42e.txt")).unwrap();
    assert!(
        seed.contains("（2010年2月 日）"),
        "the seed leaves the day blank"
    );
    assert_eq!(field(&p, "date"), Some("2010年2月"));
    assert!(
        p.contains("\ndate: 2010年2月  # 原文只写到月，日未写"),
        "the partial date is explained: {p:.400}"
    );
    assert_eq!(field(&p, "draft"), None, "a dated page is no draft");
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
    // no date in the text: an empty date with a comment, and a draft, so
    // it does not sit on top of every list (no modification date, no today)
    assert!(
        p.contains("\ndate:  # 未能识别日期，请填写，如 2013-09-25，填好后删去下面的 draft: true\ndraft: true  # 日期未填，暂为草稿，不发布\n"),
        "{p:.400}"
    );
    assert_eq!(field(&p, "date"), Some(""));
    assert_eq!(field(&p, "draft"), Some("true"));
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
    // its byline, `职务 姓名` under the title, is the case's author, not body text
    let seed = std::fs::read_to_string(seeds.join(COMPILATION)).unwrap();
    assert!(seed.contains("\n中共永兴县委常委、组织部长、统战部长 李亮学\n"));
    assert_eq!(field(&p, "author"), Some("李亮学"));
    assert_eq!(
        field(&p, "author_title"),
        Some("中共永兴县委常委、组织部长、统战部长")
    );
    assert!(
        p.contains("\nauthor: \"李亮学\"  # 根据正文推测，请核对\n"),
        "{p:.700}"
    );
    let body = p.split("\n---\n").nth(1).unwrap();
    assert!(!body.contains("李亮学"), "{body:.200}");
    assert!(
        out.contains("\n  作者: 李亮学\n  作者职务: 中共永兴县委常委、组织部长、统战部长\n"),
        "{out}"
    );
    // an article without a byline: empty, with a comment
    let p = page_with(&root, "cases", "在创新中加强和改进基层党建工作");
    assert!(
        p.contains("\nauthor:  # 作者署名（显示在标题下），没有可不填\nauthor_title:  # 作者职务，如 县委常委、组织部长，没有可不填\n"),
        "{p:.700}"
    );
    let p = page_with(
        &root,
        "speeches",
        "区委书记在区基层党建工作推进会议上的讲话",
    );
    assert_eq!(field(&p, "speaker_title"), Some("区委书记"));

    // every page has its original beside it, but the compilation's five
    // articles share one copy in static/files
    let shared = format!("/files/{COMPILATION}");
    let mut sharing = 0;
    for p in speeches.iter().chain(&cases) {
        let text = read(p);
        let a = attachment(&text).expect("an attachment");
        let dir = p.parent().unwrap();
        let beside = std::fs::read_dir(dir)
            .unwrap()
            .any(|e| e.unwrap().path().extension().is_some_and(|x| x == "txt"));
        if a == shared {
            sharing += 1;
            assert!(!beside, "{}", dir.display());
        } else {
            assert!(beside, "{}", dir.display());
            assert!(dir.join(a).is_file(), "{a}");
        }
    }
    assert_eq!(sharing, 5);
    assert!(root.join("static").join(&shared[1..]).is_file());

    check_and_build(&root);

    // GB18030 and UTF-16 give the same pages, under new names (nothing
    // overwritten): other bytes, so not skipped as already imported
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
    // the copies pass, each reported as the same text as the first import
    // (an import without a date is a draft, which `check` leaves out)
    let dated: Vec<&PathBuf> = before
        .iter()
        .filter(|(_, text)| !text.contains("draft: true"))
        .map(|(p, _)| p)
        .collect();
    assert!(!dated.is_empty(), "no seed has a date");
    let r = root.to_str().unwrap();
    let (code, out, err) = run(&["check", "--root", r, "--lang", "en"]);
    assert_eq!(code, 0, "check failed:\n{out}\n{err}");
    let warnings: Vec<&str> = err
        .lines()
        .filter(|l| {
            l.contains(": warning: ") && !l.starts_with("site.yaml:3:11: warning: base_url")
        })
        .collect();
    assert_eq!(warnings.len(), 2 * dated.len(), "{err}");
    for p in dated {
        let first = p
            .strip_prefix(r)
            .unwrap()
            .to_str()
            .unwrap()
            .trim_start_matches('/');
        for n in [2, 3] {
            let copy = first.replacen("/index.md", &format!("-{n}/index.md"), 1);
            let line = format!("{copy}:2:1: warning: this page has the same text as {first}");
            assert!(warnings.contains(&line.as_str()), "{line}\n{err}");
        }
    }
    build(&root, &[]);
}

#[test]
fn a_document_imported_again_is_skipped_unless_forced() {
    let seed = seeds().join("000_1e6f45cccfb5e42e.txt");
    let seed = seed.to_str().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let root = empty_site(tmp.path());
    let first = "content/speeches/在全区基层党建工作会议上的讲话/index.md";
    let out = import(&root, &[seed]);
    assert!(out.contains(first), "{out}");

    // the same file again: skipped, naming the page, in the chosen language
    let out = import(&root, &[seed]);
    assert_eq!(
        out,
        format!(
            "{seed} 已经导入过：{first}，这次跳过\n  提示：原文件与那个页面所附的原件相同；确需再导入一份，加上 --force\n\
             已导入 0 个文件，生成 0 个页面，跳过 1 个已导入过的文件；请核对标有“请核对”的项目，然后运行 `zhanting check`\n"
        )
    );
    let out = import(&root, &["--lang", "en", seed]);
    assert!(
        out.starts_with(&format!("{seed} was already imported: {first}; skipped\n  hint: it is the same file as the original attached to that page; to import it again anyway, add --force\n")),
        "{out}"
    );
    assert_eq!(pages(&root, "speeches").len(), 1);
    // under another name, too: the bytes are compared, not the name
    let renamed = tmp.path().join("讲话稿.txt");
    std::fs::copy(seed, &renamed).unwrap();
    let out = import(&root, &[renamed.to_str().unwrap()]);
    assert!(out.contains(&format!("已经导入过：{first}")), "{out}");
    check_and_build(&root);

    // --force imports it again, beside the first
    let out = import(&root, &["--force", seed]);
    let second = "content/speeches/在全区基层党建工作会议上的讲话-2/index.md";
    assert!(out.contains(&format!("→ {second}")), "{out}");
    assert_eq!(pages(&root, "speeches").len(), 2);
    let (code, _, err) = run(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(&format!("{second}:2:1: warning: 这个页面的正文与 {first} 相同\n  提示：若是同一篇粘贴了两次，删去其中一个；若是两篇，核对正文是否贴错\n")),
        "{err}"
    );
}

/// Every file under `dir` (links not followed) whose bytes are `bytes`.
fn copies_of(dir: &Path, bytes: &[u8]) -> Vec<PathBuf> {
    files(dir)
        .into_iter()
        .map(|f| dir.join(f))
        .filter(|f| std::fs::read(f).is_ok_and(|b| b == bytes))
        .collect()
}

#[test]
fn a_compilation_links_one_shared_copy_of_its_original() {
    let seed = seeds().join(COMPILATION);
    let bytes = std::fs::read(&seed).unwrap();
    let seed = seed.to_str().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let root = empty_site(tmp.path());
    let out = import(&root, &[seed]);
    assert!(out.contains("已导入 1 个文件，生成 5 个页面"), "{out}");
    let kept = root.join("static/files").join(COMPILATION);
    assert_eq!(copies_of(&root, &bytes), std::slice::from_ref(&kept));
    let all = || {
        let mut v = pages(&root, "cases");
        v.extend(pages(&root, "speeches"));
        v
    };
    assert_eq!(all().len(), 5);
    for p in all() {
        let text = read(&p);
        assert_eq!(
            attachment(&text),
            Some(format!("/files/{COMPILATION}").as_str())
        );
        assert!(
            text.contains(&format!("\nattachments:\n  - \"/files/{COMPILATION}\"  # 原始文件，汇编各篇共用这一份\n---\n")),
            "{text:.900}"
        );
    }

    // again: skipped as imported, naming the first page that attaches it
    let first = "content/cases/在创新中加强和改进基层党建工作/index.md";
    let out = import(&root, &[seed]);
    assert!(
        out.starts_with(&format!("{seed} 已经导入过：{first}，这次跳过\n")),
        "{out}"
    );
    // forced: five more pages, still the one copy
    let out = import(&root, &["--force", seed]);
    assert!(out.contains("已导入 1 个文件，生成 5 个页面"), "{out}");
    assert_eq!(all().len(), 10);
    assert_eq!(copies_of(&root, &bytes), std::slice::from_ref(&kept));
    for p in all() {
        assert_eq!(
            attachment(&read(&p)),
            Some(format!("/files/{COMPILATION}").as_str())
        );
    }
    // another file of the same name: a copy of its own beside the first
    let other = tmp.path().join("other").join(COMPILATION);
    std::fs::create_dir_all(other.parent().unwrap()).unwrap();
    std::fs::write(
        &other,
        String::from_utf8(bytes.clone())
            .unwrap()
            .replace("陈仓区", "渭城区"),
    )
    .unwrap();
    import(&root, &[other.to_str().unwrap()]);
    let stem = COMPILATION.trim_end_matches(".txt");
    assert_eq!(
        read(&root.join(format!("static/files/{stem}-2.txt"))),
        read(&other)
    );
    assert_eq!(copies_of(&root, &bytes), std::slice::from_ref(&kept));

    // the pages are drafts (no date in the text): dated, they build, and
    // the site holds the original once, every page linking to it
    for p in all() {
        let text = read(&p)
            .replace("\ndraft: true  # 日期未填，暂为草稿，不发布", "")
            .replacen("\ndate:  #", "\ndate: 2011-05-01  #", 1);
        std::fs::write(&p, text).unwrap();
    }
    build(&root, &[]);
    let site_out = root.join("output");
    assert_eq!(
        copies_of(&site_out, &bytes),
        [site_out.join("files").join(COMPILATION)]
    );
    let pages_out: Vec<PathBuf> = files(&site_out)
        .into_iter()
        .filter(|f| f.starts_with("cases") || f.starts_with("speeches"))
        .filter(|f| f.ends_with("index.html") && f.components().count() == 3)
        .collect();
    assert_eq!(pages_out.len(), 15, "{pages_out:?}");
    let mut linked = 0;
    for f in &pages_out {
        let doc = html(&site_out.join(f));
        for a in select(&doc, "a") {
            let href = a.value().attr("href").unwrap_or("");
            if href.ends_with(COMPILATION) {
                assert_eq!(href, format!("../../files/{COMPILATION}"));
                let target = resolve_link(&site_out, f, href).expect("the link resolves");
                assert_eq!(target, site_out.join("files").join(COMPILATION));
                linked += 1;
            }
        }
    }
    assert_eq!(linked, 10);
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
        para(None, &format!("{}{}", bold("一是加强领导。"), run_("各支部书记要亲自抓。"))),
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
    for want in ["\n## 抓好支部建设\n", "我们要**突出重点**，", "**一是加强领导。**各支部", "实效 &amp; 长效", "\n- 第一项任务\n", "\n## 一、明确目标\n", "\n1\\.要加强理论学习，提高思想认识。\n\n（1）每月集中学习一次。\n\n2\\.要压实工作责任，层层抓好落实。\n", "| 支部 | 党员数 |\n| --- | --- |\n| 第一支部 | 36 |", "![](image1.png)", "同志们：\n"] {
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
            && html.contains("<strong>一是加强领导。</strong>各支部")
            && !html.contains("**")
            && html.contains("image1.png")
    );
    assert!(
        !html.contains("<li>要加强")
            && html.contains("<p>1.要加强理论学习")
            && html.contains("<p>2.要压实工作责任"),
        "numbered paragraphs keep their numbers:\n{html}"
    );

    // a second import (forced: the same file) never overwrites: it gets a new name
    import(&root, &["--force", docx.to_str().unwrap()]);
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

// ---------------------------------------------------------------------------
// Hostile files

const WORD_NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main""#;

/// Writes the bytes of one zip part.
type WritePart = dyn Fn(&mut dyn Write);

fn picture(id: &str) -> String {
    format!(
        r#"<w:p><w:r><w:drawing><a:graphic><a:blip r:embed="{id}"/></a:graphic></w:drawing></w:r></w:p>"#
    )
}

/// A Word file with a title, a date, `body` after them, image
/// relationships `rels` (id, target) and the zip parts `parts` written by
/// `write` (name → writes its bytes).
fn hostile_docx(path: &Path, body: &str, rels: &[(&str, &str)], parts: &[(&str, &WritePart)]) {
    let document = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><w:document {WORD_NS}><w:body>{}{}{}{body}</w:body></w:document>"#,
        para(None, &run_("关于加强基层党建工作的经验材料")),
        para(None, &run_("（2021年3月8日）")),
        para(
            None,
            &run_("我们坚持把党建工作放在首位，认真落实各项制度，取得了明显成效。")
        ),
    );
    let rels: String = rels
        .iter()
        .map(|(id, t)| format!(r#"<Relationship Id="{id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="{t}"/>"#))
        .collect();
    let rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>"#
    );
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let opts = zip::write::SimpleFileOptions::default().large_file(true);
    zip.start_file("word/document.xml", opts).unwrap();
    zip.write_all(document.as_bytes()).unwrap();
    zip.start_file("word/_rels/document.xml.rels", opts)
        .unwrap();
    zip.write_all(rels.as_bytes()).unwrap();
    for (name, write) in parts {
        zip.start_file(*name, opts).unwrap();
        write(&mut zip);
    }
    zip.finish().unwrap();
}

/// Writes `mib` MiB of zeros (deflate makes about 1 KB of each MiB).
fn zeros(mib: usize) -> impl Fn(&mut dyn Write) {
    move |w: &mut dyn Write| {
        let chunk = vec![0u8; 1 << 20];
        for _ in 0..mib {
            w.write_all(&chunk).unwrap();
        }
    }
}

/// Runs `zhanting ARGS` with its address space limited to `limit_kib`;
/// returns (exit code, stdout, stderr), the code -1 when it was killed.
/// The arguments of `zhanting --lang LANG import --root ROOT --kind case FILE`.
/// With `--force`: these cases import the same file more than once.
fn import_case_args<'a>(lang: &'a str, root: &'a str, file: &'a Path) -> [&'a str; 9] {
    let file = file.to_str().expect("utf-8 path");
    [
        "--lang", lang, "import", "--root", root, "--kind", "case", "--force", file,
    ]
}

/// Imports `file` as a case; returns (exit code, stdout, stderr).
fn import_case(lang: &str, root: &str, file: &Path) -> (i32, String, String) {
    run(&import_case_args(lang, root, file))
}

/// [`import_case`] within `limit_kib` of address space.
fn import_case_limited(
    limit_kib: u64,
    lang: &str,
    root: &str,
    file: &Path,
) -> (i32, String, String) {
    run_limited(limit_kib, &import_case_args(lang, root, file))
}

fn run_limited(limit_kib: u64, args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new("prlimit")
        .arg(format!("--as={}", limit_kib * 1024))
        .arg("--")
        .arg(BIN)
        .args(args)
        .output()
        .expect("run prlimit");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every file and folder under `dir` (hidden ones too), relative, sorted.
fn everything(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap().path().strip_prefix(dir).unwrap().to_path_buf())
        .collect();
    v.sort();
    v
}

fn size_of_tree(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum()
}

#[test]
fn a_zip_bomb_is_refused_within_bounded_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let root = empty_site(tmp.path());
    let r = root.to_str().unwrap();
    // a ~1 MB file whose picture inflates to 1 GiB, shown three times
    let bomb = tmp.path().join("炸弹.docx");
    hostile_docx(
        &bomb,
        &[picture("rId1"), picture("rId1"), picture("rId2")].concat(),
        &[
            ("rId1", "media/image1.png"),
            ("rId2", "/word/media/image1.png"),
        ],
        &[("word/media/image1.png", &zeros(1024))],
    );
    assert!(std::fs::metadata(&bomb).unwrap().len() < 4 << 20);
    let (code, out, err) = import_case_limited(600_000, "zh", r, &bomb);
    assert_eq!(code, 0, "not finished normally:\n{out}\n{err}");
    assert!(
        out.contains("\n  警告: 图片 word/media/image1.png 未导入：解压后超过 32 MiB；正文已照常导入\n    提示：在 Word 里压缩图片"),
        "{out}"
    );
    assert_eq!(
        out.matches("警告:").count(),
        1,
        "one warning for the picture: {out}"
    );
    let written = size_of_tree(&root.join("content"));
    assert!(written < 8 << 20, "{written} bytes written");
    let page = page_with(&root, "cases", "关于加强基层党建工作的经验材料");
    assert!(
        page.contains("认真落实各项制度") && !page.contains("!["),
        "{page}"
    );

    // the same in English
    let (code, out, _) = import_case_limited(600_000, "en", r, &bomb);
    assert_eq!(code, 0);
    assert!(out.contains("\n  warning: the image word/media/image1.png was left out: it inflates to more than 32 MiB; the text was imported\n    hint: compress the pictures in Word"), "{out}");

    // a document part that inflates past its limit refuses the whole file, writing nothing
    let before = everything(&root.join("content"));
    let doc_bomb = tmp.path().join("正文炸弹.docx");
    hostile_docx(
        &doc_bomb,
        "",
        &[],
        &[
            ("word/media/a.png", &zeros(1)),
            ("word/styles.xml", &zeros(100)),
        ],
    );
    let (code, out, err) = run_limited(
        600_000,
        &["import", "--root", r, doc_bomb.to_str().unwrap()],
    );
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(
        err.contains("正文炸弹.docx: error: Word 文件中的 word/styles.xml 解压后超过 16 MiB，可能是恶意构造的压缩包，已拒绝导入，没有写入任何文件\n  提示：用 Word 打开这个文件检查内容"),
        "{err}"
    );
    assert_eq!(everything(&root.join("content")), before);

    // many pictures just under their limit: the file's total stops them (the
    // 256 MiB kept are held in memory until written, and the allocator
    // reserves address space in large arenas: a larger limit here)
    let many = tmp.path().join("许多图片.docx");
    let names: Vec<String> = (1..=10).map(|i| format!("media/p{i}.png")).collect();
    let ids: Vec<String> = (1..=10).map(|i| format!("rId{i}")).collect();
    let rels: Vec<(&str, &str)> = ids
        .iter()
        .map(String::as_str)
        .zip(names.iter().map(String::as_str))
        .collect();
    let body: String = ids.iter().map(|id| picture(id)).collect();
    let parts_owned: Vec<(String, Box<WritePart>)> = names
        .iter()
        .map(|n| (format!("word/{n}"), Box::new(zeros(31)) as Box<WritePart>))
        .collect();
    let parts: Vec<(&str, &WritePart)> = parts_owned
        .iter()
        .map(|(n, f)| (n.as_str(), f.as_ref()))
        .collect();
    hostile_docx(&many, &body, &rels, &parts);
    let (code, out, err) = import_case_limited(1_500_000, "zh", r, &many);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("未导入：Word 文件解压后的内容合计超过 256 MiB；正文已照常导入"),
        "{out}"
    );
    let dir = root.join("content/cases/关于加强基层党建工作的经验材料-3");
    let kept = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "png")
        })
        .count();
    assert_eq!(kept, 8, "8 × 31 MiB fit in 256 MiB");
    assert!(size_of_tree(&dir) < 257 << 20);
}

#[test]
fn one_picture_shown_twice_is_saved_once() {
    let tmp = tempfile::tempdir().unwrap();
    let root = empty_site(tmp.path());
    let docx = tmp.path().join("图片.docx");
    let png = |w: &mut dyn Write| w.write_all(PNG).unwrap();
    hostile_docx(
        &docx,
        &[picture("rId1"), picture("rId1"), picture("rId2")].concat(),
        &[
            ("rId1", "media/image1.png"),
            ("rId2", "/word/media/image1.png"),
        ],
        &[("word/media/image1.png", &png)],
    );
    import(&root, &["--kind", "case", docx.to_str().unwrap()]);
    let section = root.join("content/cases");
    let dir = section.join("关于加强基层党建工作的经验材料");
    assert_eq!(
        everything(&section),
        [
            PathBuf::from("关于加强基层党建工作的经验材料"),
            PathBuf::from("关于加强基层党建工作的经验材料/image1.png"),
            PathBuf::from("关于加强基层党建工作的经验材料/index.md"),
            PathBuf::from("关于加强基层党建工作的经验材料/图片.docx"),
        ],
        "one image file, no temporary folder left"
    );
    assert_eq!(std::fs::read(dir.join("image1.png")).unwrap(), PNG);
    let page = read(&dir.join("index.md"));
    assert_eq!(page.matches("![](image1.png)").count(), 3, "{page}");
    check_and_build(&root);
}

#[test]
fn control_characters_reach_neither_pages_nor_feed_nor_terminal() {
    let tmp = tempfile::tempdir().unwrap();
    let root = empty_site(tmp.path());
    let file = tmp.path().join("\u{1b}[2J\u{1b}[31m恶意\u{7}.txt");
    std::fs::write(
        &file,
        "\u{1b}[31m关于加强\u{7}基层党建\u{0}工作的\u{1b}[0m经验材料\u{85}\n\n\
         2021年3月8日\n\n\
         我们坚持\u{1b}[1m把党建工作\u{0}放在首位\u{7}，认真落实各项\u{8}制度，取得了明显成效\u{ffff}。\u{1b}]0;title\u{7}\n\
         党员\u{1f}群众\u{7f}满意度不断提高。\n",
    )
    .unwrap();
    let (code, out, err) = import_case("zh", root.to_str().unwrap(), &file);
    assert_eq!(code, 0, "{out}\n{err}");
    for s in [&out, &err] {
        assert!(
            !s.contains('\u{1b}') && !s.contains('\u{7}') && !s.contains('\0'),
            "raw control characters printed: {s:?}"
        );
    }
    assert!(
        out.contains("\\x1b[2J\\x1b[31m恶意\\x07.txt → "),
        "the file name is shown escaped: {out}"
    );
    assert!(
        out.contains("标题: 关于加强基层党建工作的经验材料\n"),
        "{out}"
    );
    let page = page_with(&root, "cases", "关于加强基层党建工作的经验材料");
    let bad = |s: &str| s.chars().any(|c| c.is_control() && c != '\n');
    assert!(!bad(&page) && !page.contains('\u{ffff}'), "{page:?}");
    assert!(
        page.contains("我们坚持把党建工作放在首位，认真落实各项制度，取得了明显成效。"),
        "{page}"
    );
    assert!(
        page.contains("  - \"[2J[31m恶意.txt\"  # 原始文件")
            || page.contains("  - \"恶意.txt\"  # 原始文件"),
        "{page}"
    );

    check_and_build(&root);
    let feed = read(&root.join("output/feed.xml"));
    assert!(feed.contains("关于加强基层党建工作的经验材料"), "{feed}");
    assert!(!bad(&feed), "{feed:?}");
    let mut reader = quick_xml::Reader::from_str(&feed);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("feed.xml is not well-formed: {e}\n{feed}"),
        }
    }
    let html = read(&root.join("output/cases/关于加强基层党建工作的经验材料/index.html"));
    assert!(!bad(&html.replace(['\t', '\r'], "")), "{html:?}");
}

#[cfg(unix)]
#[test]
fn a_section_folder_leading_outside_the_site_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let root = empty_site(tmp.path());
    let r = root.to_str().unwrap();
    let outside = tmp.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("content/cases")).unwrap();
    let file = tmp.path().join("材料.txt");
    std::fs::write(
        &file,
        "关于加强基层党建工作的经验材料\n\n我们坚持把党建工作放在首位。\n",
    )
    .unwrap();
    let real = std::fs::canonicalize(&outside).unwrap();
    let (code, out, err) = import_case("zh", r, &file);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(
        err.contains(&format!("材料.txt: error: content/cases 实际指向网站文件夹以外的 {}，导入不会写到那里，没有写入任何文件\n  提示：删除 content/cases 这个链接（快捷方式），在原处新建一个普通文件夹，再重新导入", real.display())),
        "{err}"
    );
    let (code, _, err) = import_case("en", r, &file);
    assert_eq!(code, 1);
    assert!(err.contains(&format!("content/cases leads outside the site folder, to {}; the import does not write there, and nothing was written", real.display())), "{err}");
    assert!(
        everything(&outside).is_empty(),
        "{:?}",
        everything(&outside)
    );

    // content/ itself leading outside
    std::fs::remove_file(root.join("content/cases")).unwrap();
    let content = root.join("content");
    std::fs::rename(&content, tmp.path().join("moved")).unwrap();
    std::os::unix::fs::symlink(tmp.path().join("moved"), &content).unwrap();
    let (code, _, err) = import_case("zh", r, &file);
    assert_eq!(code, 1);
    assert!(
        err.contains("content/cases 实际指向网站文件夹以外的 "),
        "{err}"
    );
    assert!(!tmp.path().join("moved/cases").exists());

    // a link that stays inside the site is fine
    std::fs::remove_file(&content).unwrap();
    std::fs::rename(tmp.path().join("moved"), &content).unwrap();
    std::fs::create_dir(root.join("案例库")).unwrap();
    std::os::unix::fs::symlink(root.join("案例库"), root.join("content/cases")).unwrap();
    import(&root, &["--kind", "case", file.to_str().unwrap()]);
    assert!(root
        .join("案例库/关于加强基层党建工作的经验材料/index.md")
        .is_file());
}
