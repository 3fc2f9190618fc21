//! `zhanting import` of old Word files (.doc, and WPS Office's .wps) as a
//! user runs it: the files in `tests/fixtures/doc` are real Word 97–2003
//! files (saved by LibreOffice from the .docx beside them). Each test sets
//! `PATH` itself: to an empty folder for the built-in reader, or to a folder
//! holding a stand-in `soffice` script for the LibreOffice path, so no test
//! depends on whether LibreOffice is installed.

mod common;
use common::*;
use std::io::{Read as _, Seek, SeekFrom, Write as _};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const SPEECH: &str = "全镇党建推进会讲话";
const CASE: &str = "红色管家案例";

fn doc_fixture(name: &str) -> PathBuf {
    fixture("doc").join(name)
}

/// Runs zhanting with `PATH` set to `path` only, and the variables `env`;
/// returns (exit code, stdout, stderr).
fn run_with(path: &Path, env: &[(&str, &str)], args: &[&str]) -> (i32, String, String) {
    let mut c = Command::new(BIN);
    c.args(args)
        .env("PATH", path)
        .env_remove("ZHANTING_SOFFICE_TIMEOUT");
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().expect("run zhanting");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `import --root ROOT FILES…` with `PATH` set to `path` only.
fn import_with(
    path: &Path,
    env: &[(&str, &str)],
    root: &Path,
    files: &[&Path],
) -> (i32, String, String) {
    let mut args = vec!["import", "--root", root.to_str().unwrap()];
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    run_with(path, env, &args)
}

/// An empty folder: a `PATH` with no LibreOffice on it.
fn no_tools(tmp: &Path) -> PathBuf {
    let d = tmp.join("no-tools");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A folder holding an executable `soffice` with the shell `script` as its
/// body (after a line setting a `PATH` for the commands it uses).
fn fake_soffice(tmp: &Path, script: &str) -> PathBuf {
    let bin = tmp.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let exe = bin.join("soffice");
    std::fs::write(&exe, format!("#!/bin/sh\nPATH=/usr/bin:/bin\n{script}\n")).unwrap();
    std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

/// The page made from the speech by the built-in reader: the text only.
const SPEECH_TEXT_PAGE: &str = "---
title: \"在全镇基层党建工作推进会上的讲话\"
date: 2022-05-16
region:  # 未能识别地区，可填写，如 陕西省渭南市白水县
tags: []
speaker: \"周立新\"
speaker_title: \"镇党委书记\"
occasion: \"全镇基层党建工作推进会\"
doc_number:  # 文号，没有可不填
attachments:
  - \"全镇党建推进会讲话.doc\"  # 原始文件
---

同志们：

今天召开全镇基层党建工作推进会，主要任务是总结去年的工作，安排部署今年的重点任务。

## 一、提高思想认识

一是把牢政治方向。各村党支部要把政治建设摆在首位，确保各项工作始终沿着正确方向推进。

二是夯实基础工作。今年全镇要完成下列支部的规范化建设：

支部　党员数

东湾村党支部　42

桃园社区党支部　35

## 二、抓好工作落实

具体安排见镇政府网站《工作推进方案》，各支部对照执行。

第一，明确责任分工；

第二，按月调度进度。

以上意见，请大家结合实际抓好落实。
";

const SPEECH_PAGE: &str = "content/speeches/在全镇基层党建工作推进会上的讲话/index.md";

#[test]
fn the_built_in_reader_imports_doc_and_wps_files() {
    let tmp = tempfile::tempdir().unwrap();
    let root = empty_site(tmp.path());
    let doc = doc_fixture(&format!("{SPEECH}.doc"));
    let wps = doc_fixture(&format!("{CASE}.wps"));
    let (code, out, err) = import_with(&no_tools(tmp.path()), &[], &root, &[&doc, &wps]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(err, "");
    assert_eq!(
        out,
        format!(
            "{} → {SPEECH_PAGE}
  读取: Word 97–2003（内置读取，仅文字；安装 LibreOffice 后导入可保留粗体、标题和表格）；类型: 讲话 speech（依据“讲话”）
  标题: 在全镇基层党建工作推进会上的讲话
  日期: 2022-05-16
  讲话人: 周立新
  职务: 镇党委书记
  会议: 全镇基层党建工作推进会
  请核对: 地区
{} → content/cases/东湾村党支部“红色管家”服务队工作案例/index.md
  读取: Word 97–2003（内置读取，仅文字；安装 LibreOffice 后导入可保留粗体、标题和表格）；类型: 案例 case（依据“案例”）
  标题: 东湾村党支部“红色管家”服务队工作案例
  日期: 2023-09-08
  请核对: 领域（推测为 农村）；地区
已导入 2 个文件，生成 2 个页面；请核对标有“请核对”的项目，然后运行 `zhanting check`
",
            doc.display(),
            wps.display()
        )
    );
    assert_eq!(read(&root.join(SPEECH_PAGE)), SPEECH_TEXT_PAGE);
    let case_dir = root.join("content/cases/东湾村党支部“红色管家”服务队工作案例");
    assert_eq!(
        read(&case_dir.join("index.md")),
        "---
title: \"东湾村党支部“红色管家”服务队工作案例\"
date: 2023-09-08
region:  # 未能识别地区，可填写，如 陕西省渭南市白水县
tags: []
organization:  # 单位，请填写
sector: \"农村\"  # 根据正文推测，请核对
author:  # 作者署名（显示在标题下），没有可不填
author_title:  # 作者职务，如 县委常委、组织部长，没有可不填
attachments:
  - \"红色管家案例.wps\"  # 原始文件
---

东湾村党支部组建“红色管家”服务队，由12名党员组成，每周上门走访独居老人，用微信群和App收集群众诉求。

建立台账。服务队为每户建立服务台账，做到问题有记录、办理有回音。

Email: dongwan@example.org
"
    );
    // the originals are kept beside the pages, byte for byte
    assert_eq!(
        std::fs::read(
            root.join("content/speeches/在全镇基层党建工作推进会上的讲话/全镇党建推进会讲话.doc")
        )
        .unwrap(),
        std::fs::read(&doc).unwrap()
    );
    assert_eq!(
        std::fs::read(case_dir.join("红色管家案例.wps")).unwrap(),
        std::fs::read(&wps).unwrap()
    );

    let (code, out, err) = run(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(code, 0, "check failed:\n{out}\n{err}");
    build(&root, &[]);
    let html = read(&root.join("output/speeches/在全镇基层党建工作推进会上的讲话/index.html"));
    for want in [
        "<h2 id=\"一-提高思想认识\">一、提高思想认识</h2>",
        "<p>一是把牢政治方向。各村党支部",
        "<p>东湾村党支部　42</p>",
        "<p>具体安排见镇政府网站《工作推进方案》，各支部对照执行。</p>",
        "全镇党建推进会讲话.doc",
    ] {
        assert!(html.contains(want), "missing {want:?} in\n{html}");
    }
    assert!(!html.contains("HYPERLINK"), "the field code is dropped");

    // the same file again is recognised as imported
    let (code, out, _) = import_with(&no_tools(tmp.path()), &[], &root, &[&doc]);
    assert_eq!(code, 0);
    assert!(
        out.contains(&format!(
            "{} 已经导入过：{SPEECH_PAGE}，这次跳过",
            doc.display()
        )),
        "{out}"
    );
}

/// A stand-in for LibreOffice: records its arguments and the file it was
/// given, and writes `docx` as the converted file into `--outdir`.
fn converting_soffice(tmp: &Path, docx: &Path) -> PathBuf {
    let rec = tmp.join("record");
    std::fs::create_dir_all(&rec).unwrap();
    fake_soffice(
        tmp,
        &format!(
            r#"printf '%s\n' "$@" > '{rec}/args'
out=; prev=; last=
for a in "$@"; do
  if [ "$prev" = --outdir ]; then out="$a"; fi
  prev="$a"; last="$a"
done
cp "$last" '{rec}/input'
name=$(basename "$last")
cp '{docx}' "$out/${{name%.*}}.docx""#,
            rec = rec.display(),
            docx = docx.display()
        ),
    )
}

#[test]
fn libreoffice_converts_the_file_and_the_word_import_reads_the_result() {
    let tmp = tempfile::tempdir().unwrap();
    let root = empty_site(tmp.path());
    let doc = doc_fixture(&format!("{SPEECH}.doc"));
    let bin = converting_soffice(tmp.path(), &doc_fixture(&format!("{SPEECH}.docx")));
    let (code, out, err) = import_with(&bin, &[], &root, &[&doc]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.starts_with(&format!(
            "{} → {SPEECH_PAGE}\n  读取: LibreOffice → Word .docx；类型: 讲话 speech（依据“讲话”）\n",
            doc.display()
        )),
        "{out}"
    );
    assert!(!out.contains("警告"), "{out}");

    // soffice --headless --norestore -env:UserInstallation=… --convert-to docx:… --outdir OUT FILE
    let args = read(&tmp.path().join("record/args"));
    let args: Vec<&str> = args.lines().collect();
    assert_eq!(args.len(), 8, "{args:?}");
    assert_eq!(args[..2], ["--headless", "--norestore"]);
    let profile = args[2]
        .strip_prefix("-env:UserInstallation=file://")
        .unwrap_or_else(|| panic!("{args:?}"));
    assert_eq!(
        args[3..6],
        ["--convert-to", "docx:MS Word 2007 XML", "--outdir"]
    );
    let (outdir, input) = (Path::new(args[6]), Path::new(args[7]));
    assert!(
        outdir.ends_with("out") && input.ends_with("in/source.doc"),
        "{args:?}"
    );
    let work = outdir.parent().unwrap();
    assert_eq!(Path::new(profile), work.join("profile"));
    assert_eq!(input.parent().unwrap().parent().unwrap(), work);
    // it was given the file's bytes, and its folder is gone afterwards
    assert_eq!(
        std::fs::read(tmp.path().join("record/input")).unwrap(),
        std::fs::read(&doc).unwrap()
    );
    assert!(!work.exists(), "{} is left behind", work.display());

    // the page is the Word import of the converted file: bold lead-ins, a table
    let page = read(&root.join(SPEECH_PAGE));
    for want in [
        "speaker: \"周立新\"\n",
        "date: 2022-05-16\n",
        "  - \"全镇党建推进会讲话.doc\"  # 原始文件\n",
        "\n## 一、提高思想认识\n",
        "\n**一是把牢政治方向。**各村党支部要把政治建设摆在首位",
        "\n| 支部 | 党员数 |\n| --- | --- |\n| 东湾村党支部 | 42 |\n| 桃园社区党支部 | 35 |\n",
    ] {
        assert!(page.contains(want), "missing {want:?} in\n{page}");
    }
    assert_eq!(
        std::fs::read(
            root.join("content/speeches/在全镇基层党建工作推进会上的讲话/全镇党建推进会讲话.doc")
        )
        .unwrap(),
        std::fs::read(&doc).unwrap(),
        "the original kept is the .doc, not the converted file"
    );
    build(&root, &[]);
    let html = read(&root.join("output/speeches/在全镇基层党建工作推进会上的讲话/index.html"));
    assert!(
        html.contains("<strong>一是把牢政治方向。</strong>各村党支部")
            && html.contains("<td>东湾村党支部</td>"),
        "{html}"
    );
}

#[test]
fn a_failing_libreoffice_falls_back_to_the_built_in_reader_with_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let root = empty_site(tmp.path());
    let doc = doc_fixture(&format!("{SPEECH}.doc"));
    let bin = fake_soffice(
        tmp.path(),
        "echo 'Error: source file could not be loaded' >&2\nexit 1",
    );
    let (code, out, err) = import_with(&bin, &[], &root, &[&doc]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("  读取: Word 97–2003（内置读取，仅文字）；"),
        "{out}"
    );
    assert!(
        out.contains(
            "
  警告: 用 LibreOffice 转换失败（exit status 1: Error: source file could not be loaded）
    提示：用 LibreOffice、Word 或 WPS 打开这个文件，看能否正常打开，另存为 .docx（Word 文档）再导入
  警告: 已改用内置读取：只导入了文字，粗体、标题和表格格式未保留，图片未导入
    提示：核对页面的正文；需要保留格式时，用 Word 或 WPS 把文件另存为 .docx，再加 --force 重新导入
"
        ),
        "{out}"
    );
    assert_eq!(read(&root.join(SPEECH_PAGE)), SPEECH_TEXT_PAGE);

    // English, and a LibreOffice that writes nothing
    let bin = fake_soffice(tmp.path(), "exit 0");
    let (code, out, err) = run_with(
        &bin,
        &[],
        &[
            "--lang",
            "en",
            "import",
            "--force",
            "--root",
            root.to_str().unwrap(),
            doc.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("
  warning: LibreOffice could not convert the file (no .docx was written)
    hint: open the file in LibreOffice, Word or WPS to see whether it opens, save it as .docx (Word Document) and import that
  warning: the built-in reader was used instead: only the text was imported, without bold, headings, tables or pictures
"), "{out}");
}

#[test]
fn a_hung_libreoffice_is_stopped_after_the_time_limit() {
    let tmp = tempfile::tempdir().unwrap();
    let root = empty_site(tmp.path());
    let doc = doc_fixture(&format!("{CASE}.doc"));
    let pid_file = tmp.path().join("sleep.pid");
    let bin = fake_soffice(
        tmp.path(),
        &format!("sleep 60 &\necho $! > '{}'\nwait", pid_file.display()),
    );
    let start = Instant::now();
    let (code, out, err) = import_with(&bin, &[("ZHANTING_SOFFICE_TIMEOUT", "1")], &root, &[&doc]);
    let took = start.elapsed();
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(took < Duration::from_secs(20), "took {took:?}");
    assert!(out.contains("
  警告: LibreOffice 转换超过 1 秒没有完成，已停止
    提示：关闭所有 LibreOffice 窗口后重新导入（加 --force），或用环境变量 ZHANTING_SOFFICE_TIMEOUT 设更长的秒数；也可用 Word 或 WPS 另存为 .docx 再导入
  警告: 已改用内置读取："), "{out}");
    assert!(
        read(&root.join("content/cases/东湾村党支部“红色管家”服务队工作案例/index.md"))
            .contains("\n建立台账。服务队为每户建立服务台账"),
    );
    // what the stand-in started is stopped with it
    let pid = read(&pid_file).trim().to_string();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        // gone, or a zombie waiting to be reaped
        if stat.is_empty()
            || stat
                .rsplit(')')
                .next()
                .is_some_and(|s| s.trim_start().starts_with('Z'))
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the sleep {pid} started by soffice still runs: {stat}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A copy of fixture `name` at `dest` with `edit` applied to its
/// `WordDocument` stream (in place, through the compound file).
fn edited_copy(name: &str, dest: &Path, edit: impl Fn(&mut Vec<u8>)) {
    std::fs::copy(doc_fixture(name), dest).unwrap();
    let mut cf = cfb::open_rw(dest).unwrap();
    let mut s = cf.open_stream("/WordDocument").unwrap();
    let mut w = vec![];
    s.read_to_end(&mut w).unwrap();
    edit(&mut w);
    s.seek(SeekFrom::Start(0)).unwrap();
    s.write_all(&w).unwrap();
    s.flush().unwrap();
    drop(s);
    cf.flush().unwrap();
}

#[test]
fn old_word_files_that_cannot_be_read_are_clear_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let root = empty_site(tmp.path());
    let t = tmp.path();
    let doc = std::fs::read(doc_fixture(&format!("{SPEECH}.doc"))).unwrap();

    let garbage = t.join("乱码.doc");
    std::fs::write(&garbage, "这不是 Word 文件，只是一段文字。").unwrap();
    let kingsoft = t.join("老文件.wps");
    std::fs::write(&kingsoft, b"\xff\x00WPS old format\x00\x00\x00\x00").unwrap();
    let truncated = t.join("截断.doc");
    std::fs::write(&truncated, &doc[..3000]).unwrap();
    let encrypted = t.join("加密.doc");
    edited_copy(&format!("{SPEECH}.doc"), &encrypted, |w| w[0x0B] |= 0x01);
    let word95 = t.join("旧版.doc");
    edited_copy(&format!("{SPEECH}.doc"), &word95, |w| {
        w[2..4].copy_from_slice(&0x65u16.to_le_bytes())
    });
    let bad_clx = t.join("坏表.doc");
    // fcClx is the 34th fc/lcb pair after FibBase, fibRgW (14 words), fibRgLw (22 longs)
    edited_copy(&format!("{SPEECH}.doc"), &bad_clx, |w| {
        let at = 32 + 2 + 28 + 2 + 88 + 2 + 33 * 8;
        w[at..at + 4].copy_from_slice(&0x7fff_0000u32.to_le_bytes())
    });
    let workbook = t.join("表格.doc");
    {
        let mut cf = cfb::create(&workbook).unwrap();
        cf.create_stream("/Workbook")
            .unwrap()
            .write_all(&[0u8; 4096])
            .unwrap();
        cf.flush().unwrap();
    }
    let files: Vec<&Path> = [
        &garbage, &kingsoft, &truncated, &encrypted, &word95, &bad_clx, &workbook,
    ]
    .map(|p| p.as_path())
    .to_vec();
    let (code, out, err) = import_with(&no_tools(t), &[], &root, &files);
    assert_eq!(code, 1, "{out}\n{err}");
    assert_eq!(out, "已导入 0 个文件，生成 0 个页面，7 个文件导入失败；请核对标有“请核对”的项目，然后运行 `zhanting check`\n");
    let save = "  提示：用 Word 或 WPS 打开这个文件，另存为 .docx（Word 文档）再导入";
    let repair = "  提示：用 Word 或 WPS 打开这个文件，看能否修复，另存为 .docx（Word 文档）再导入";
    let want = [
        (&garbage, "这个 .doc 文件不是 Word 97–2003 格式（可能是改了扩展名的网页、RTF 或其他文件），读不出正文，没有写入任何文件\n  提示：用 Word 或 WPS 打开这个文件，另存为 .docx（Word 文档）再导入；或安装 LibreOffice 后重新导入".to_string()),
        (&kingsoft, "这个 .wps 文件是早期金山 WPS 的格式，不是 Word 格式，读不出正文，没有写入任何文件\n  提示：用 WPS Office 打开这个文件，另存为 .docx（Word 文档）再导入".to_string()),
        (&truncated, format!("Word 文件已损坏，读不出正文（OLE 部分不完整或有误），没有写入任何文件\n{repair}")),
        (&encrypted, "这个 Word 文件设置了打开密码，读不出正文，没有写入任何文件\n  提示：用 Word 或 WPS 输入密码打开，取消密码（文件 → 信息 → 保护文档），另存为 .docx 再导入".to_string()),
        (&word95, "这是 Word 6.0/95 或更早版本的文件，内置读取只支持 Word 97–2003 格式，没有写入任何文件\n  提示：用 Word 或 WPS 打开这个文件，另存为 .docx（Word 文档）再导入；或安装 LibreOffice 后重新导入".to_string()),
        (&bad_clx, format!("Word 文件已损坏，读不出正文（CLX 部分不完整或有误），没有写入任何文件\n{repair}")),
        (&workbook, format!("这个文件里没有 Word 文档（可能是改了扩展名的 Excel、PowerPoint 或其他 Office 文件），没有写入任何文件\n{save}")),
    ];
    let expected: String = want
        .iter()
        .map(|(f, m)| format!("{}: error: {m}\n", f.display()))
        .collect();
    assert_eq!(err, expected);
    assert!(!root.join("content").join("speeches").exists());
    assert!(!root.join("content").join("cases").exists());

    // in English
    let (code, _, err) = run_with(
        &no_tools(t),
        &[],
        &[
            "--lang",
            "en",
            "import",
            "--root",
            root.to_str().unwrap(),
            encrypted.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(err, format!("{}: error: this Word file is protected by a password, so its text cannot be read; nothing was written\n  hint: open it in Word or WPS with its password, remove the password (File → Info → Protect Document), save it as .docx and import that\n", encrypted.display()));

    // LibreOffice failing too: both are said
    let bin = fake_soffice(
        t,
        "echo 'Error: source file could not be loaded' >&2\nexit 1",
    );
    let (code, _, err) = import_with(&bin, &[], &root, &[&truncated]);
    assert_eq!(code, 1);
    assert_eq!(err, format!("{}: error: 用 LibreOffice 转换失败（exit status 1: Error: source file could not be loaded）\n  提示：用 LibreOffice、Word 或 WPS 打开这个文件，看能否正常打开，另存为 .docx（Word 文档）再导入\nWord 文件已损坏，读不出正文（OLE 部分不完整或有误），没有写入任何文件\n{repair}\n", truncated.display()));
}

#[test]
fn a_docx_named_doc_is_read_as_a_docx_and_an_old_wps_never_reaches_libreoffice() {
    let tmp = tempfile::tempdir().unwrap();
    let root = empty_site(tmp.path());
    let renamed = tmp.path().join("其实是docx.doc");
    std::fs::copy(doc_fixture(&format!("{SPEECH}.docx")), &renamed).unwrap();
    let kingsoft = tmp.path().join("老文件.wps");
    std::fs::write(&kingsoft, b"\xff\x00WPS old format\x00\x00\x00\x00").unwrap();
    // a LibreOffice that must not be called
    let called = tmp.path().join("called");
    let bin = fake_soffice(tmp.path(), &format!("touch '{}'\nexit 1", called.display()));
    let (code, out, err) = import_with(&bin, &[], &root, &[&renamed, &kingsoft]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.contains("  读取: Word .docx；"), "{out}");
    assert!(read(&root.join(SPEECH_PAGE)).contains("\n**一是把牢政治方向。**各村党支部"));
    assert!(
        err.contains("老文件.wps: error: 这个 .wps 文件是早期金山 WPS 的格式"),
        "{err}"
    );
    assert!(!called.exists(), "LibreOffice was called");
}
