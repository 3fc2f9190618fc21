//! What the command line prints, word for word: the help of the program
//! and of every command, usage errors, and the messages of `init`, `new`,
//! `import` and `deploy`, in Chinese by default and in English with
//! `--lang en` (or a site whose `language` is English).

mod common;
use common::{build, files, run, site};

const COMMANDS: [&str; 9] = [
    "init", "build", "check", "serve", "watch", "deploy", "new", "import", "compile",
];

fn has_han(line: &str) -> bool {
    line.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn help_is_chinese_by_default() {
    let (code, out, err) = run(&["--help"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with(
            "展厅：把讲话、典型案例、支部品牌等 Markdown 文件夹生成可以搜索的静态展示网站\n\
             \n\
             用法：zhanting [选项] <命令>\n\
             \n\
             命令:\n  \
             init     新建一个网站：site.yaml 和示例内容，可以直接生成\n  \
             build    生成网站，写入输出文件夹\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("\n  -h, --help         显示这段帮助\n"),
        "{out}"
    );
    assert!(out.contains("\n  -V, --version      显示版本号\n"), "{out}");

    let (code, out, _) = run(&["build", "--help"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with(
            "生成网站，写入输出文件夹\n\
             \n\
             用法：zhanting build [选项]\n\
             \n\
             选项:\n"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "\n      --root <网站文件夹>  网站文件夹（放 site.yaml 的文件夹），默认是当前文件夹\n"
        ),
        "{out}"
    );

    // every line of every help page is Chinese: headings, flags, values
    for args in [vec!["--help"], vec!["-h"]]
        .into_iter()
        .chain(COMMANDS.iter().map(|c| vec![*c, "--help"]))
    {
        let (code, out, err) = run(&args);
        assert_eq!(code, 0, "{args:?}: {err}");
        for line in out.lines().filter(|l| !l.trim().is_empty()) {
            assert!(has_han(line), "{args:?}: an English line: {line:?}\n{out}");
        }
        for english in [
            "Usage",
            "Options",
            "Arguments",
            "Commands",
            "[default",
            "Print",
        ] {
            assert!(!out.contains(english), "{args:?}: {english}\n{out}");
        }
    }
}

#[test]
fn help_is_english_with_lang_en_or_an_english_site() {
    let (code, out, _) = run(&["--lang", "en", "--help"]);
    assert_eq!(code, 0);
    assert!(
        out.starts_with(
            "展厅: turns folders of Markdown speeches, model cases and branch brand profiles into a searchable static showcase site\n\
             \n\
             Usage: zhanting [OPTIONS] <COMMAND>\n\
             \n\
             Commands:\n  \
             init     Create a new site with site.yaml and sample content, ready to build\n"
        ),
        "{out}"
    );
    assert!(out.contains("\n  -h, --help         Print help\n"), "{out}");

    let expected_build = "Build the site into the output folder\n\
                          \n\
                          Usage: zhanting build [OPTIONS]\n\
                          \n\
                          Options:\n";
    for args in [
        vec!["build", "--help", "--lang", "en"],
        vec!["build", "--lang=en", "--help"],
    ] {
        let (code, out, _) = run(&args);
        assert_eq!(code, 0);
        assert!(out.starts_with(expected_build), "{args:?}: {out}");
        assert!(!out.lines().any(has_han), "{args:?}: {out}");
    }

    // a site whose language is English: its help and messages are English
    let t = tempfile::tempdir().unwrap();
    std::fs::write(t.path().join("site.yaml"), "title: Test\nlanguage: en\n").unwrap();
    let root = t.path().to_str().unwrap();
    let (_, out, _) = run(&["build", "--root", root, "--help"]);
    assert!(out.starts_with(expected_build), "{out}");
    // and --lang wins over the site
    let (_, out, _) = run(&["build", "--root", root, "--lang", "zh", "--help"]);
    assert!(out.starts_with("生成网站，写入输出文件夹\n"), "{out}");
}

#[test]
fn the_readme_shows_the_help_as_it_is() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for args in [vec!["--help"], vec!["--lang", "en", "--help"]] {
        let (_, out, _) = run(&args);
        let shown = format!("$ zhanting {}\n{out}```", args.join(" "));
        assert!(readme.contains(&shown), "README.md does not show:\n{shown}");
    }
    for c in COMMANDS {
        for lang in [&[][..], &["--lang", "en"][..]] {
            let mut args = vec![c, "--help"];
            args.extend_from_slice(lang);
            let (_, out, _) = run(&args);
            let shown = format!("$ zhanting {}\n{out}", args.join(" "));
            assert!(readme.contains(&shown), "README.md does not show:\n{shown}");
        }
    }
}

#[test]
fn usage_errors_say_what_is_wrong_and_exit_with_2() {
    let cases: [(&[&str], &str); 6] = [
        (
            &["build", "--no-such-flag"],
            "错误：不认识的参数 '--no-such-flag'\n\n\
             用法：zhanting build [选项]\n\n\
             想了解更多，请运行 'zhanting build --help'。\n",
        ),
        (
            &["build", "--no-such-flag", "--lang", "en"],
            "error: unexpected argument '--no-such-flag' found\n\n\
             Usage: zhanting build [OPTIONS]\n\n\
             For more information, try 'zhanting build --help'.\n",
        ),
        (
            &["biuld"],
            "错误：没有 'biuld' 这个命令\n\n  \
             提示：是不是想写 'build'？\n\n\
             用法：zhanting [选项] <命令>\n\n\
             想了解更多，请运行 'zhanting --help'。\n",
        ),
        (
            &["serve", "--port", "八〇"],
            "错误：'--port <端口>' 不能是 '八〇'\n\n\
             想了解更多，请运行 'zhanting serve --help'。\n",
        ),
        (
            &["build", "--lang", "fr"],
            "错误：'--lang <语言>' 不能是 'fr'；可以写：zh, en\n\n\
             想了解更多，请运行 'zhanting build --help'。\n",
        ),
        (
            &["import"],
            "错误：缺少必须写的参数：<文件>...\n\n\
             用法：zhanting import [选项] <文件>...\n\n\
             想了解更多，请运行 'zhanting import --help'。\n",
        ),
    ];
    for (args, expected) in cases {
        let (code, out, err) = run(args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert_eq!(err, expected, "{args:?}");
        assert_eq!(out, "", "{args:?}");
    }
    // no command: the help, on stderr, with status 2
    let (code, _, err) = run(&[]);
    assert_eq!(code, 2);
    assert!(err.starts_with("展厅：把讲话"), "{err}");
    assert_eq!(run(&["--version"]).0, 0);
}

#[test]
fn init_and_new_speak_chinese_and_english_on_request() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("展厅");
    let d = dir.display();
    let (code, out, err) = run(&["init", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out,
        format!(
            "已在 {d} 新建网站\n  \
             修改 {d}/site.yaml 和 {d}/content/ 中的文件，然后运行：\n  \
             zhanting serve --root {d}    （在浏览器中预览）\n  \
             zhanting build --root {d}    （生成网站）\n"
        )
    );
    let (code, _, err) = run(&["init", dir.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        format!("错误：{d} 不是空文件夹；请换一个新的文件夹名\n")
    );
    let (code, _, err) = run(&["init", dir.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        format!("error: {d} is not empty; choose a new folder name\n")
    );

    let en = t.path().join("site-en");
    let (code, out, _) = run(&["--lang", "en", "init", en.to_str().unwrap()]);
    assert_eq!(code, 0);
    let e = en.display();
    assert_eq!(
        out,
        format!(
            "created a new site in {e}\n  \
             edit {e}/site.yaml and the files in {e}/content/, then run:\n  \
             zhanting serve --root {e}    (preview in a browser)\n  \
             zhanting build --root {e}    (build the site)\n"
        )
    );

    let root = dir.to_str().unwrap();
    let page = dir.join("content/speeches/在全镇春季工作会议上的讲话.md");
    let (code, out, _) = run(&[
        "new",
        "speech",
        "在全镇春季工作会议上的讲话",
        "--root",
        root,
    ]);
    assert_eq!(code, 0);
    assert_eq!(out, format!("已新建 {}\n", page.display()));
    let (code, _, err) = run(&[
        "new",
        "speech",
        "在全镇春季工作会议上的讲话",
        "--root",
        root,
    ]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        format!(
            "错误：{} 已经存在；请换一个标题，或直接修改那个文件\n",
            page.display()
        )
    );
    let (code, out, _) = run(&["new", "case", "积分制管理", "--root", root, "--lang", "en"]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        format!(
            "created {}\n",
            dir.join("content/cases/积分制管理.md").display()
        )
    );
}

#[test]
fn import_summary_in_both_languages() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("site");
    assert_eq!(run(&["init", dir.to_str().unwrap()]).0, 0);
    let root = dir.to_str().unwrap();
    let txt = t.path().join("讲话.txt");
    std::fs::write(
        &txt,
        "在全县组织工作会议上的讲话\n\n同志们：\n\n今天开会。\n",
    )
    .unwrap();
    let (code, out, err) = run(&["import", txt.to_str().unwrap(), "--root", root]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.ends_with("\n已导入 1 个文件，生成 1 个页面；请核对标有“请核对”的项目，然后运行 `zhanting check`\n"),
        "{out}"
    );
    let (code, out, _) = run(&[
        "import",
        txt.to_str().unwrap(),
        "--root",
        root,
        "--lang",
        "en",
    ]);
    assert_eq!(code, 0);
    assert!(
        out.ends_with("\nimported 0 file(s) into 0 page(s), 1 file(s) skipped as already imported; check the fields marked 请核对, then run `zhanting check`\n"),
        "{out}"
    );
    // a file that cannot be imported: its name, then what is wrong with it
    let bad = t.path().join("坏.docx");
    std::fs::write(&bad, "不是压缩包").unwrap();
    let (code, out, err) = run(&["import", bad.to_str().unwrap(), "--root", root]);
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "已导入 0 个文件，生成 0 个页面，1 个文件导入失败；请核对标有“请核对”的项目，然后运行 `zhanting check`\n"
    );
    assert!(
        err.starts_with(&format!(
            "{}: error: 这不是 Word 的 .docx 文件（不是 zip 压缩包）；\
             如果是旧的 .doc 文件，请用 Word 打开，另存为 .docx：",
            bad.display()
        )),
        "{err}"
    );
    let (_, _, err) = run(&[
        "import",
        bad.to_str().unwrap(),
        "--root",
        root,
        "--lang",
        "en",
    ]);
    assert!(
        err.starts_with(&format!(
            "{}: error: this is not a Word .docx file (it is not a zip package); \
             if it is an old .doc file, open it in Word and save it as .docx: ",
            bad.display()
        )),
        "{err}"
    );

    let missing = t.path().join("没有.txt");
    let (code, _, err) = run(&["import", missing.to_str().unwrap(), "--root", root]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        format!("错误：{}：没有这个文件或文件夹\n", missing.display())
    );
}

#[test]
fn deploy_summary_and_errors_in_both_languages() {
    let (t, root) = site("full");
    build(&root, &[]);
    let www = t.path().join("www");
    let n = files(&root.join("output")).len();
    let (r, w) = (root.join("output"), www.display());
    let (code, out, err) = run(&[
        "deploy",
        "--root",
        root.to_str().unwrap(),
        "--to",
        www.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let r = r.display();
    // the output's files, less the marker only the output folder holds
    assert_eq!(
        out,
        format!(
            "已把 {r} 发布到 {w}：写入 {} 个文件，删除 0 个，0 个未变\n",
            n - 1
        )
    );
    let (code, out, _) = run(&[
        "deploy",
        "--root",
        root.to_str().unwrap(),
        "--to",
        www.to_str().unwrap(),
        "--lang",
        "en",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        format!(
            "published {r} into {w}: 0 written, 0 deleted, {} unchanged\n",
            n - 1
        )
    );

    // an operating-system error: what failed, then the system's words
    // after plain Chinese ones
    #[cfg(target_os = "linux")]
    {
        let file = t.path().join("文件");
        std::fs::write(&file, "x").unwrap();
        let to = file.join("www");
        let (code, _, err) = run(&[
            "deploy",
            "--root",
            root.to_str().unwrap(),
            "--to",
            to.to_str().unwrap(),
        ]);
        assert_eq!(code, 1);
        assert_eq!(
            err,
            format!(
                "错误：无法创建 {}：路径中有一项不是文件夹（Not a directory (os error 20)）\n",
                to.display()
            )
        );
        let (_, _, err) = run(&[
            "deploy",
            "--root",
            root.to_str().unwrap(),
            "--to",
            to.to_str().unwrap(),
            "--lang",
            "en",
        ]);
        assert_eq!(
            err,
            format!(
                "error: cannot create {}: Not a directory (os error 20)\n",
                to.display()
            )
        );
    }
}
