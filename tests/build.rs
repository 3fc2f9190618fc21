//! `zhanting build`, `check`, `init` and `new` run as a user runs them, on
//! fixture sites in temp dirs; the HTML they write is parsed and inspected.

mod common;
use common::*;
use std::path::Path;

fn page_text(out: &Path, rel: &str) -> String {
    let doc = html(&out.join(rel));
    text_of(&doc, "body")
}

#[test]
fn renders_every_front_matter_field() {
    let (_t, root) = site("full");
    build(&root, &[]);
    let out = root.join("output");

    let speech = page_text(&out, "speeches/liangwei/index.html");
    for want in [
        "在全镇两委班子建设推进会上的讲话",
        "赵明远",
        "县委常委、组织部长",
        "全镇两委班子建设推进会",
        "南塬县会议中心",
        "南组通〔2013〕144号",
        "2013年9月25日",
        "陕西省北山市南塬县",
        "基层党建",
        "三会一课",
    ] {
        assert!(speech.contains(want), "speech page lacks {want}");
    }
    let full_width = page_text(&out, "speeches/third/index.html");
    assert!(full_width.contains("南组发〔2018〕7号"));

    let case = page_text(&out, "cases/qingshi/index.html");
    for want in [
        "青石村党支部",
        "农村",
        "陕西省北山市南塬县",
        "2016年5月20日",
    ] {
        assert!(case.contains(want), "case page lacks {want}");
    }

    let brand_doc = html(&out.join("brands/hongfan/index.html"));
    let brand = text_of(&brand_doc, "body");
    for want in [
        "红帆领航",
        "电亮万家 党旗飘扬",
        "南塬县供电公司党支部",
        "孙红",
        "38",
        "党员服务队常年走村入户",
        "抢修响应时间缩短一半",
        "建成红色阵地三处",
        "手册.pdf",
        "2 KB",
    ] {
        assert!(brand.contains(want), "brand page lacks {want}");
    }
    let logo = select(&brand_doc, "img")
        .into_iter()
        .find(|i| i.value().attr("src") == Some("logo.png"))
        .expect("logo img");
    assert!(
        logo.value().attr("alt").unwrap_or("").contains("红帆领航"),
        "logo alt names the brand"
    );
    assert!(out.join("brands/hongfan/logo.png").is_file());
    assert!(out.join("brands/hongfan/photos/cover.png").is_file());
    assert_eq!(
        std::fs::read(out.join("brands/hongfan/手册.pdf"))
            .unwrap()
            .len(),
        2048
    );

    let about = page_text(&out, "about/index.html");
    assert!(about.contains("本平台展示基层党建工作成果"));
}

#[test]
fn lists_taxonomies_feed_sitemap_and_404() {
    let (_t, root) = site("full");
    build(&root, &[]);
    let out = root.join("output");
    // paginate: 2, three published speeches, newest first
    let first = html(&out.join("speeches/index.html"));
    let titles: Vec<String> = select(&first, "main a")
        .iter()
        .map(|a| a.text().collect::<String>())
        .collect();
    let pos = |t: &str| titles.iter().position(|x| x.contains(t));
    assert!(
        pos("在全县组织工作会议上的讲话").is_some() && pos("在机关作风建设会上的讲话").is_some()
    );
    assert!(
        pos("在全县组织工作会议上的讲话") < pos("在机关作风建设会上的讲话"),
        "newest first: {titles:?}"
    );
    assert!(
        pos("在全镇两委班子建设推进会上的讲话").is_none(),
        "third speech is on page 2"
    );
    assert!(
        page_text(&out, "speeches/page/2/index.html").contains("在全镇两委班子建设推进会上的讲话")
    );

    for term_page in [
        "tags/基层党建/index.html",
        "tags/基层治理/index.html",
        "regions/陕西省/北山市/南塬县/index.html",
        "sectors/农村/index.html",
        "years/2013/index.html",
        "speakers/赵明远/index.html",
    ] {
        assert!(out.join(term_page).is_file(), "{term_page} missing");
    }
    // the tag 基层党建 has two speeches (one written as a comma string)
    let tag = page_text(&out, "tags/基层党建/index.html");
    assert!(
        tag.contains("在机关作风建设会上的讲话")
            && tag.contains("在全镇两委班子建设推进会上的讲话")
    );
    for list in [
        "tags/index.html",
        "regions/index.html",
        "sectors/index.html",
        "years/index.html",
        "speakers/index.html",
    ] {
        assert!(out.join(list).is_file(), "{list} missing");
    }
    assert!(page_text(&out, "speakers/index.html").contains("赵明远"));

    let feed = read(&out.join("feed.xml"));
    assert!(
        feed.starts_with("<?xml") && feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\"")
    );
    assert_eq!(
        feed.matches("<entry>").count(),
        6,
        "6 published non-plain pages"
    );
    let sitemap = read(&out.join("sitemap.xml"));
    assert!(
        sitemap.contains("<loc>/cases/%E7%A4%BE%E5%8C%BA%E7%BD%91%E6%A0%BC/</loc>"),
        "{sitemap}"
    );
    assert!(out.join("404.html").is_file());
    let home = page_text(&out, "index.html");
    assert!(home.contains("测试展厅") && home.contains("欢迎来到测试展厅"));
}

#[test]
fn chinese_lines_join_without_spaces_and_latin_keeps_them() {
    let (_t, root) = site("full");
    build(&root, &[]);
    let doc = html(&root.join("output/speeches/liangwei/index.html"));
    let body = text_of(&doc, "main");
    assert!(
        body.contains("主要任务是总结经验、查找不足，部署下一阶段工作。"),
        "{body}"
    );
    assert!(
        body.contains("Latin words stay\nseparate here.")
            || body.contains("Latin words stay separate here.")
    );
    // heading anchors work for Chinese headings
    assert!(select(&doc, "h2[id]").iter().any(|h| h
        .value()
        .attr("id")
        .unwrap()
        .contains("充分认识班子建设的重要性")));
    // tables and footnotes
    assert!(!select(&doc, "main table").is_empty());
    assert!(body.contains("脚注内容"));
}

#[test]
fn markdown_links_to_pages_and_raw_html_is_sanitised() {
    let (_t, root) = site("full");
    build(&root, &[]);
    let out = root.join("output");
    let doc = html(&out.join("speeches/liangwei/index.html"));
    let link = select(&doc, "main a")
        .into_iter()
        .find(|a| a.text().collect::<String>() == "青石村案例")
        .expect("link");
    assert_eq!(
        link.value().attr("href"),
        Some("../../cases/qingshi/index.html")
    );

    let case = read(&out.join("cases/qingshi/index.html"));
    assert!(!case.contains("alert("), "script or handler survived");
    assert!(!case.to_lowercase().contains("onerror"));
}

#[test]
fn every_internal_link_works_from_disk_and_under_a_sub_path() {
    let (_t, root) = site("full");
    build(&root, &["--base-url", "/dangjian/"]);
    let out = root.join("output");
    let mut checked = 0;
    for rel in files(&out)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "html"))
    {
        let doc = html(&out.join(&rel));
        for el in select(&doc, "[href], [src]") {
            let v = el.value();
            let Some(url) = v.attr("href").or(v.attr("src")) else {
                continue;
            };
            if rel == Path::new("404.html") {
                // shown at any depth: links are absolute under base_url
                if url.starts_with('#') || url.contains("://") {
                    continue;
                }
                let stripped = url
                    .strip_prefix("/dangjian/")
                    .unwrap_or_else(|| panic!("404 link {url} not under base_url"));
                let target =
                    resolve_link(&out, Path::new("index.html"), stripped).expect("resolvable");
                assert!(
                    target.is_file() || target.join("index.html").is_file(),
                    "404.html: {url} → {}",
                    target.display()
                );
                continue;
            }
            assert!(
                !url.starts_with('/'),
                "{}: absolute link {url} breaks under a sub-path and on file://",
                rel.display()
            );
            if let Some(target) = resolve_link(&out, &rel, url) {
                assert!(
                    target.is_file(),
                    "{}: link {url} → {} is not a file",
                    rel.display(),
                    target.display()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 200, "only {checked} links checked");
}

#[test]
fn output_is_byte_identical_for_the_same_input() {
    let (t, root) = site("full");
    let a = t.path().join("a");
    let b = t.path().join("b");
    build(&root, &["--output", a.to_str().unwrap()]);
    build(&root, &["--output", b.to_str().unwrap()]);
    let fa = files(&a);
    assert_eq!(fa, files(&b));
    assert!(fa.len() > 30);
    for f in fa {
        assert!(
            std::fs::read(a.join(&f)).unwrap() == std::fs::read(b.join(&f)).unwrap(),
            "{} differs",
            f.display()
        );
    }
}

#[test]
fn reports_every_mistake_with_file_line_and_column() {
    let (_t, root) = site("bad");
    let (code, stdout, stderr) = run(&["build", "--root", root.to_str().unwrap()]);
    assert_eq!(code, 1, "{stdout}");
    let expected = read(&fixture("bad").join("expected-stderr.txt"));
    let expected = expected.replace("{OUTPUT}", &root.join("output").display().to_string());
    assert_eq!(stderr, expected);
    assert!(
        !root.join("output").exists(),
        "a failed build writes nothing"
    );
    let (code, _, check_err) = run(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(check_err.starts_with(expected.lines().next().unwrap()));

    // the same findings in English, with --lang en before or after the command
    let expected_en = read(&fixture("bad").join("expected-stderr.en.txt"))
        .replace("{OUTPUT}", &root.join("output").display().to_string());
    let (code, _, stderr) = run(&["--lang", "en", "build", "--root", root.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert_eq!(stderr, expected_en);
    let (_, _, stderr) = run(&["build", "--root", root.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(stderr, expected_en);
    // or with `language: en` in site.yaml
    let yaml = read(&root.join("site.yaml"));
    std::fs::write(root.join("site.yaml"), format!("{yaml}\nlanguage: en\n")).unwrap();
    let (_, _, stderr) = run(&["build", "--root", root.to_str().unwrap()]);
    assert_eq!(stderr, expected_en);
    // and --lang wins over site.yaml
    let (_, _, stderr) = run(&["build", "--root", root.to_str().unwrap(), "--lang", "zh"]);
    assert_eq!(stderr, expected);
}

#[test]
fn failed_build_leaves_the_previous_output_untouched() {
    let (t, root) = site("full");
    build(&root, &[]);
    let out = root.join("output");
    let before: Vec<_> = files(&out)
        .into_iter()
        .map(|f| (std::fs::read(out.join(&f)).unwrap(), f))
        .collect();
    std::fs::write(
        root.join("content/cases/qingshi.md"),
        "---\ntitle: 坏了\ndate: 明天\n---\n",
    )
    .unwrap();
    let (code, _, err) = run(&["build", "--root", root.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        err.contains("content/cases/qingshi.md:3:7: error: 日期 `明天` 写法不对"),
        "{err}"
    );
    let after: Vec<_> = files(&out)
        .into_iter()
        .map(|f| (std::fs::read(out.join(&f)).unwrap(), f))
        .collect();
    assert!(before == after, "output changed after a failed build");
    let siblings: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        // The output's lock file stays (it is never written, only locked).
        .filter(|n| n.starts_with('.') && n != ".output.lock")
        .collect();
    assert!(siblings.is_empty(), "left over: {siblings:?}");
    drop(t);
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let (_t, root) = site("full");
    build(&root, &[]);
    assert!(!root.join("output/speeches/草稿讲话/index.html").exists());
    assert!(!read(&root.join("output/sitemap.xml")).contains("%E8%8D%89%E7%A8%BF"));
    build(&root, &["--drafts"]);
    assert!(root.join("output/speeches/草稿讲话/index.html").is_file());
}

fn select_in<'a>(e: &scraper::ElementRef<'a>, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let sel = scraper::Selector::parse(css).expect("selector");
    e.select(&sel).collect()
}

/// The list page of `section` (its first page and the next ones) that
/// links to `href`, parsed.
fn list_page_linking(out: &Path, section: &str, href: &str) -> scraper::Html {
    let dir = out.join(section);
    let mut lists: Vec<_> = files(&dir)
        .into_iter()
        .filter(|f| {
            f.ends_with("index.html") && (f.as_os_str() == "index.html" || f.starts_with("page"))
        })
        .collect();
    lists.sort();
    for f in lists {
        let doc = html(&dir.join(f));
        if select(&doc, "a")
            .iter()
            .any(|a| a.value().attr("href").is_some_and(|h| h.ends_with(href)))
        {
            return doc;
        }
    }
    panic!("no list page of {section} links to {href}");
}

#[test]
fn a_month_or_a_year_alone_is_shown_as_written() {
    let (_t, root) = site("full");
    let speech = |name: &str, title: &str, date: &str, more: &str| {
        std::fs::write(
            root.join("content/speeches").join(name),
            format!("---\ntitle: {title}\ndate: {date}\n{more}---\n\n正文。\n"),
        )
        .unwrap();
    };
    speech(
        "yuefen.md",
        "只知月份的讲话",
        "2013年9月",
        "summary: 九月的讲话\n",
    );
    speech("nianfen.md", "只知年份的讲话", "2012", "");
    speech(
        "shuzi.md",
        "中文数字日期的讲话",
        "二〇一三年九月二十五日",
        "",
    );
    build(&root, &[]);
    let out = root.join("output");

    // the page itself
    let doc = html(&out.join("speeches/yuefen/index.html"));
    let times = select(&doc, "time");
    assert!(!times.is_empty());
    for t in &times {
        assert_eq!(t.value().attr("datetime"), Some("2013-09"));
        assert_eq!(t.text().collect::<String>(), "2013年9月");
    }
    let body = text_of(&doc, "body");
    assert!(
        body.contains("2013年9月") && !body.contains("2013年9月1日"),
        "{body}"
    );
    let doc = html(&out.join("speeches/nianfen/index.html"));
    let t = &select(&doc, "time")[0];
    assert_eq!(t.value().attr("datetime"), Some("2012"));
    assert_eq!(t.text().collect::<String>(), "2012年");
    let doc = html(&out.join("speeches/shuzi/index.html"));
    assert_eq!(
        select(&doc, "time")[0].value().attr("datetime"),
        Some("2013-09-25")
    );

    // the section list: the month page sorts as its 1st, after the 25th
    let doc = list_page_linking(&out, "speeches", "speeches/yuefen/index.html");
    let item = select(&doc, "li")
        .into_iter()
        .find(|li| {
            select_in(li, "a").iter().any(|a| {
                a.value()
                    .attr("href")
                    .is_some_and(|h| h.ends_with("speeches/yuefen/index.html"))
            })
        })
        .expect("the list item");
    let t = select_in(&item, "time");
    assert_eq!(t[0].value().attr("datetime"), Some("2013-09"));
    assert_eq!(t[0].text().collect::<String>(), "2013年9月");
    let all = files(&out.join("speeches"));
    let order = read(&out.join("speeches/index.html"))
        + &all
            .iter()
            .filter(|f| f.starts_with("page"))
            .map(|f| read(&out.join("speeches").join(f)))
            .collect::<String>();
    let (liangwei, shuzi, yuefen, nianfen) = (
        order.find("speeches/liangwei/index.html\"").unwrap(),
        order.find("speeches/shuzi/index.html\"").unwrap(),
        order.find("speeches/yuefen/index.html\"").unwrap(),
        order.find("speeches/nianfen/index.html\"").unwrap(),
    );
    assert!(
        liangwei < yuefen && shuzi < yuefen && yuefen < nianfen,
        "newest first"
    );

    // the feed: a full timestamp for machines, the month for readers
    let feed = read(&out.join("feed.xml"));
    let entry = feed
        .split("<entry>")
        .find(|e| e.contains("只知月份的讲话"))
        .expect("the entry");
    assert!(
        entry.contains("<updated>2013-09-01T00:00:00+08:00</updated>"),
        "{entry}"
    );
    assert!(
        entry.contains("<summary>（2013年9月）九月的讲话</summary>"),
        "{entry}"
    );
    let full = feed
        .split("<entry>")
        .find(|e| e.contains("中文数字日期的讲话"))
        .unwrap();
    assert!(
        full.contains("<updated>2013-09-25T00:00:00+08:00</updated>"),
        "{full}"
    );
    assert!(
        !full.contains("<summary>（"),
        "a full date adds nothing: {full}"
    );

    // the sitemap: W3C date precision
    let sitemap = read(&out.join("sitemap.xml"));
    assert!(
        sitemap.contains("/speeches/yuefen/</loc><lastmod>2013-09</lastmod>"),
        "{sitemap}"
    );
    assert!(
        sitemap.contains("/speeches/nianfen/</loc><lastmod>2012</lastmod>"),
        "{sitemap}"
    );
    assert!(
        sitemap.contains("/speeches/shuzi/</loc><lastmod>2013-09-25</lastmod>"),
        "{sitemap}"
    );

    // the search index: the date field and the metadata text
    let doc_js: String = files(&out.join("search/d"))
        .iter()
        .map(|f| read(&out.join("search/d").join(f)))
        .find(|s| s.contains("只知月份的讲话"))
        .expect("the search document");
    assert!(doc_js.contains(r#""d":"2013-09""#), "{doc_js}");
    assert!(
        doc_js.contains("2013年9月") && !doc_js.contains("2013年9月1日"),
        "{doc_js}"
    );
}

#[test]
fn a_draft_without_a_date_builds_and_is_listed_last() {
    let (_t, root) = site("full");
    std::fs::write(
        root.join("content/speeches/wuriqi.md"),
        "---\ntitle: 尚未定日期的讲话\ndate:  # 请填写\ndraft: true\n---\n\n正文。\n",
    )
    .unwrap();
    build(&root, &[]);
    let out = root.join("output");
    assert!(!out.join("speeches/wuriqi/index.html").exists());
    build(&root, &["--drafts"]);
    let doc = html(&out.join("speeches/wuriqi/index.html"));
    assert!(text_of(&doc, "h1").contains("尚未定日期的讲话"));
    assert!(text_of(&doc, "body").contains("日期未填"));
    assert!(!read(&out.join("speeches/wuriqi/index.html")).contains("<time datetime=\"\""));
    assert!(
        !read(&out.join("feed.xml")).contains("尚未定日期的讲话"),
        "no date, no feed entry"
    );
    assert!(read(&out.join("sitemap.xml")).contains("/speeches/wuriqi/</loc></url>"));
    let mut lists: Vec<_> = files(&out.join("speeches"))
        .into_iter()
        .filter(|f| f.as_os_str() == "index.html" || f.starts_with("page"))
        .collect();
    // `index.html`, then `page/2/index.html` … by number
    lists.sort_by_key(|f| {
        f.components()
            .nth(1)
            .and_then(|c| c.as_os_str().to_str()?.parse::<u32>().ok())
            .unwrap_or(1)
    });
    let last = read(&out.join("speeches").join(lists.last().unwrap()));
    let links: Vec<usize> = [
        "speeches/liangwei/index.html\"",
        "speeches/wuriqi/index.html\"",
    ]
    .iter()
    .filter_map(|h| last.find(h))
    .collect();
    assert!(
        last.contains("speeches/wuriqi/index.html\""),
        "the undated draft is on the last list page"
    );
    assert!(
        links.len() < 2 || links[0] < links[1],
        "after the oldest dated page"
    );
}

#[test]
fn misspelt_fields_warn_but_build() {
    let (_t, root) = site("full");
    let (code, _, err) = run(&["build", "--root", root.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(code, 0);
    assert!(
        err.contains(
            "content/cases/qingshi.md:10:1: warning: unknown field `tittle`, did you mean `title`?"
        ),
        "{err}"
    );
    assert!(
        !err.contains("`color`"),
        "an unknown field unlike any known one is extra, not a warning"
    );
}

#[test]
fn a_byline_shows_under_the_title_in_the_feed_and_in_search() {
    let (_t, root) = site("full");
    let content = root.join("content");
    std::fs::write(
        content.join("cases/shuming.md"),
        "---\ntitle: 网格里的党员先锋\ndate: 2024-06-01\nauthor: 韩某某\nauthor_title: 组织部<副部长> & 党建办主任\n---\n网格党员常年入户。\n",
    )
    .unwrap();
    std::fs::write(
        content.join("brands/xinghuo.md"),
        "---\ntitle: 星火驿站品牌\ndate: 2024-05-01\nauthor: 苗某\n---\n驿站为群众服务。\n",
    )
    .unwrap();
    std::fs::write(
        content.join("speeches/zhuangao.md"),
        "---\ntitle: 在作风建设推进会上的讲话\ndate: 2024-04-01\nspeaker: 钱某\nauthor: 周某\nauthor_title: 办公室主任\n---\n同志们：\n",
    )
    .unwrap();
    let (code, _, err) = run(&["build", "--root", root.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(code, 0, "{err}");
    let out = root.join("output");

    // 职务, a full-width space, the name, escaped, right under the title
    let case = read(&out.join("cases/shuming/index.html"));
    assert!(
        case.contains("<h1 class=\"article-title\">网格里的党员先锋</h1>\n<p class=\"article-byline article-author\">组织部&lt;副部长&gt; &amp; 党建办主任　韩某某</p>\n"),
        "{case}"
    );
    let brand = read(&out.join("brands/xinghuo/index.html"));
    assert!(
        brand.contains("<h1 class=\"article-title\">星火驿站品牌</h1>\n<p class=\"article-byline article-author\">苗某</p>\n"),
        "{brand}"
    );
    assert!(
        !read(&out.join("cases/qingshi/index.html")).contains("article-author"),
        "no byline without an author"
    );

    // a speech names its speaker; `author` there is a warning
    let speech = read(&out.join("speeches/zhuangao/index.html"));
    assert!(!speech.contains("周某") && !speech.contains("办公室主任"));
    for (line, key, instead) in [
        (5, "author", "speaker"),
        (6, "author_title", "speaker_title"),
    ] {
        let want = format!("content/speeches/zhuangao.md:{line}:1: warning: a speech does not show `{key}` (the byline of a case or brand); a speech names its speaker with `{instead}`\n  hint: if this is the speaker, rename `{key}` to `{instead}`; as written it only reaches the templates and is not shown on the page\n");
        assert!(err.contains(&want), "{want}\n{err}");
    }

    // the feed's author: a case's author, a speech's speaker
    let feed = read(&out.join("feed.xml"));
    for (title, author) in [
        ("网格里的党员先锋", "韩某某"),
        ("星火驿站品牌", "苗某"),
        ("在作风建设推进会上的讲话", "钱某"),
    ] {
        let entry = feed
            .split("<entry>")
            .find(|e| e.contains(&format!("<title>{title}</title>")))
            .unwrap_or_else(|| panic!("no feed entry {title}"));
        assert!(
            entry.contains(&format!("<author><name>{author}</name></author>")),
            "{entry}"
        );
    }

    // the search index holds the name and the post with the page's other fields
    let doc = files(&out.join("search/d"))
        .into_iter()
        .map(|f| read(&out.join("search/d").join(f)))
        .find(|d| d.contains("\"t\":\"网格里的党员先锋\""))
        .expect("the case's search document");
    assert!(
        doc.contains("\"韩某某\",\"组织部<副部长> & 党建办主任\""),
        "{doc}"
    );
}

#[test]
fn unknown_site_yaml_key_names_the_nearest_one() {
    let (_t, root) = site("full");
    std::fs::write(root.join("site.yaml"), "title: 测试\nbase_ulr: /x/\n").unwrap();
    let (code, _, err) = run(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.starts_with("site.yaml:2:1: error: site.yaml 中没有 `base_ulr` 这一项\n  提示：是不是想写 `base_url`？"), "{err}");
    let (_, _, err) = run(&["check", "--root", root.to_str().unwrap(), "--lang", "en"]);
    assert!(err.starts_with("site.yaml:2:1: error: unknown key `base_ulr` in site.yaml\n  hint: did you mean `base_url`?"), "{err}");
}

#[test]
fn slug_and_attachment_that_climb_out_are_errors_and_nothing_is_written_outside() {
    let (t, root) = site("full");
    std::fs::write(root.join("content/cases/evil.md"), "---\ntitle: 越界\ndate: 2020-01-01\nslug: ../../../escaped\nattachments: [/../../secret.txt]\n---\n").unwrap();
    let (code, _, err) = run(&["build", "--root", root.to_str().unwrap(), "--lang", "en"]);
    assert_eq!(code, 1);
    assert!(err.contains("content/cases/evil.md:4:1: error: slug `../../../escaped` would climb out of its folder"), "{err}");
    assert!(err.contains("content/cases/evil.md:5:15: error: `attachments: /../../secret.txt` points outside the site's static folder"), "{err}");
    assert!(!t.path().join("escaped").exists());
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_write() {
    let (t, root) = site("full");
    let precious = t.path().join("documents");
    std::fs::create_dir(&precious).unwrap();
    std::fs::write(precious.join("report.docx"), "keep me").unwrap();
    let (code, _, err) = run(&[
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        precious.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("不是 zhanting 生成的输出文件夹"), "{err}");
    assert_eq!(read(&precious.join("report.docx")), "keep me");
}

#[test]
fn init_creates_a_site_that_builds_and_new_adds_pages() {
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("我的展厅");
    let (code, out, err) = run(&["init", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("已在 "), "{out}");
    build(&dir, &[]);
    let out_dir = dir.join("output");
    assert!(out_dir.join("index.html").is_file());
    assert!(files(&out_dir.join("speeches")).len() >= 4);

    for (kind, title) in [
        ("speech", "在全镇春季工作会议上的讲话"),
        ("case", "新村党支部积分制管理"),
        ("brand", "先锋号品牌"),
    ] {
        let (code, out, err) = run(&["new", kind, title, "--root", dir.to_str().unwrap()]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains(".md"));
    }
    assert!(dir
        .join("content/speeches/在全镇春季工作会议上的讲话.md")
        .is_file());
    let (code, _, err) = run(&[
        "new",
        "case",
        "新村党支部积分制管理",
        "--root",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "an existing file is not overwritten");
    assert!(err.contains("已经存在"), "{err}");
    build(&dir, &[]);
    assert!(dir
        .join("output/speeches/在全镇春季工作会议上的讲话/index.html")
        .is_file());
    let (code, _, _) = run(&["init", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "init refuses a non-empty folder");
}

#[test]
fn usage_errors_exit_with_2() {
    assert_eq!(run(&["build", "--no-such-flag"]).0, 2);
    assert_eq!(run(&["new", "poem", "x"]).0, 2);
    assert_eq!(run(&[]).0, 2);
    assert_eq!(run(&["--version"]).0, 0);
}

#[test]
fn missing_site_yaml_says_what_to_do() {
    let t = tempfile::tempdir().unwrap();
    let (code, _, err) = run(&["build", "--root", t.path().to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        err.contains("site.yaml:1:1: error: ") && err.contains("中没有 site.yaml"),
        "{err}"
    );
    assert!(err.contains("zhanting init"));
}

#[test]
fn a_long_list_gets_a_short_pager_whose_links_all_work() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path().join("site");
    let speeches = root.join("content/speeches");
    std::fs::create_dir_all(&speeches).unwrap();
    std::fs::write(root.join("site.yaml"), "title: 分页测试\npaginate: 1\n").unwrap();
    for day in 1..=12 {
        std::fs::write(
            speeches.join(format!("s{day:02}.md")),
            format!("---\ntitle: 第{day}篇讲话\ndate: 2020-01-{day:02}\n---\n\n正文。\n"),
        )
        .unwrap();
    }
    build(&root, &[]);
    let out = root.join("output");
    let rel = "speeches/page/6/index.html";
    let doc = html(&out.join(rel));
    let pager: Vec<String> = select(&doc, "nav.pager > .pager-num, nav.pager > .pager-gap")
        .iter()
        .map(|e| {
            let n: String = e.text().collect::<String>().replace(['第', '页'], "");
            match e.value().attr("class").unwrap_or("") {
                c if c.contains("is-current") => format!("[{n}]"),
                c if c.contains("pager-gap") => "…".into(),
                _ => n,
            }
        })
        .collect();
    assert_eq!(pager.join(" "), "1 … 4 5 [6] 7 8 … 12");
    let links = select(&doc, "nav.pager a");
    assert_eq!(links.len(), 8, "6 numbers, 上一页 and 下一页");
    for a in links {
        let href = a.value().attr("href").unwrap();
        let target = resolve_link(&out, &out.join(rel), href);
        assert!(
            target.as_deref().is_some_and(Path::is_file),
            "{href} from {rel} leads nowhere"
        );
    }
    assert!(
        page_text(&out, rel).contains("第7篇讲话"),
        "newest first: page 6 of 12 holds day 7"
    );
}

#[test]
fn lists_written_the_chinese_way_are_split_with_a_warning() {
    let (_t, root) = site("full");
    let c = root.join("content/cases");
    std::fs::write(
        c.join("lists.md"),
        "---\ntitle: 列表写法\ndate: 2021-03-04\ntags: [党建，支部, 乡村振兴]\nhighlights: [一是建强支部，二是带富群众]\n---\n正文。\n",
    )
    .unwrap();
    std::fs::write(
        c.join("plain.md"),
        "---\ntitle: 顿号写法\ndate: 2021-03-05\ntags: 党建、支部\n---\n另一篇正文。\n",
    )
    .unwrap();
    let r = root.to_str().unwrap();
    let (code, _, err) = run(&["check", "--root", r]);
    assert_eq!(code, 0, "{err}");
    for w in [
        "content/cases/lists.md:4:8: warning: `tags` 的“党建，支部”是用标点隔开的一段文字，读作 2 项\n  提示：写成 tags: [党建, 支部, 乡村振兴]，用英文逗号分隔\n",
        "content/cases/plain.md:4:7: warning: `tags` 的“党建、支部”是用标点隔开的一段文字，读作 2 项\n  提示：写成 tags: [党建, 支部]，用英文逗号分隔\n",
    ] {
        assert!(err.contains(w), "{w}\n{err}");
    }
    let (_, _, en) = run(&["check", "--root", r, "--lang", "en"]);
    assert!(en.contains("content/cases/plain.md:4:7: warning: `党建、支部` in `tags` is one piece of text with separators, read as 2 items\n  hint: write tags: [党建, 支部], with ASCII commas between the items\n"), "{en}");
    assert!(
        !en.contains("highlights"),
        "highlights are sentences, never split: {en}"
    );
    build(&root, &[]);
    // two terms, each with both pages
    for term in ["党建", "支部"] {
        let doc = html(&root.join("output/tags").join(term).join("index.html"));
        let links: Vec<String> = select(&doc, "a")
            .iter()
            .filter_map(|a| a.value().attr("href").map(str::to_string))
            .collect();
        for page in ["lists", "plain"] {
            assert!(links.iter().any(|l| l.contains(page)), "{term}: {links:?}");
        }
    }
}

#[test]
fn check_and_build_warn_about_the_same_page_twice() {
    let (_t, root) = site("full");
    let c = root.join("content/cases");
    let text = "石门村党支部坚持“三会一课”制度，带领群众发展产业，村集体经济收入逐年增加。\n\n支部书记说：我们要把支部建在产业链上。\n";
    std::fs::write(
        c.join("a-first.md"),
        format!("---\ntitle: 石门村的做法\ndate: 2021-05-06\n---\n{text}"),
    )
    .unwrap();
    // pasted again: other spacing, full-width letters and punctuation, other title
    let pasted = text
        .replace('，', ", ")
        .replace("“三会一课”", "“三会一课” ")
        .replace('\n', "\n\n")
        .replace('：', ":");
    std::fs::write(
        c.join("b-copy.md"),
        format!("---\nregion: 白水县\ntitle: 石门村经验\ndate: 2021-05-07\n---\n  {pasted}"),
    )
    .unwrap();
    // same title and date, other text
    std::fs::write(c.join("c-same-title.md"), "---\ntitle: 石门村的做法\ndate: 2021-05-06\n---\n完全不同的另一篇正文，讲的是另一个村的事情，篇幅也够长。\n").unwrap();
    // short texts are not compared
    std::fs::write(
        c.join("d-short.md"),
        "---\ntitle: 短一\ndate: 2021-05-08\n---\n详见附件。\n",
    )
    .unwrap();
    std::fs::write(
        c.join("e-short.md"),
        "---\ntitle: 短二\ndate: 2021-05-08\n---\n详见附件。\n",
    )
    .unwrap();
    let r = root.to_str().unwrap();
    let expected = [
        "content/cases/b-copy.md:3:1: warning: this page has the same text as content/cases/a-first.md\n  hint: if the same article was pasted twice, delete one of them; if they are two articles, check that the right text was pasted\n",
        "content/cases/c-same-title.md:2:1: warning: this page has the same title and date as content/cases/a-first.md: `石门村的做法`, 2021-05-06\n  hint: if it is the same article, delete one of them; otherwise change one of the titles\n",
    ];
    for cmd in ["check", "build"] {
        let (code, _, err) = run(&[cmd, "--root", r, "--lang", "en"]);
        assert_eq!(code, 0, "{err}");
        for w in expected {
            assert!(err.contains(w), "{cmd}: {w}\n{err}");
        }
        assert_eq!(err.matches("same text").count(), 1, "{err}");
        assert_eq!(err.matches("same title").count(), 1, "{err}");
    }
    let (_, _, zh) = run(&["check", "--root", r]);
    assert!(zh.contains("content/cases/c-same-title.md:2:1: warning: 这个页面与 content/cases/a-first.md 的标题和日期相同：“石门村的做法”，2021-05-06\n  提示：若是同一篇，删去其中一个；否则改一下其中一个的标题\n"), "{zh}");
}

/// The text a reader sees in an element: script, style and template
/// contents left out.
fn visible_text(element: scraper::ElementRef) -> String {
    let mut text = String::new();
    for node in element.descendants() {
        let hidden = node.ancestors().any(|a| {
            a.value()
                .as_element()
                .is_some_and(|e| matches!(e.name(), "script" | "style" | "template" | "noscript"))
        });
        if let (false, Some(t)) = (hidden, node.value().as_text()) {
            text.push_str(t);
        }
    }
    text
}

#[test]
fn the_sample_site_shows_no_literal_emphasis_marks() {
    // The bundled sample (repository content/) bolds the lead sentence of
    // a paragraph the way staff do: `**一是……。**正文`.
    let t = tempfile::tempdir().unwrap();
    let dir = t.path().join("site");
    let (code, _, err) = run(&["init", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let brand = read(&dir.join("content/brands/稻香先锋/index.md"));
    assert!(brand.contains("。**"), "the sample writes `。**`");
    build(&dir, &[]);
    let out = dir.join("output");

    let mut pages = 0;
    for rel in files(&out) {
        let path = out.join(&rel);
        match rel.extension().and_then(|e| e.to_str()) {
            Some("html") => {
                pages += 1;
                let doc = html(&path);
                let text = visible_text(doc.root_element());
                assert!(!text.contains("**"), "{}: {text}", rel.display());
                for meta in select(&doc, "meta[content]") {
                    let content = meta.value().attr("content").unwrap_or_default();
                    assert!(!content.contains("**"), "{}: {content}", rel.display());
                }
            }
            Some("xml") => {
                let xml = read(&path);
                assert!(!xml.contains("**"), "{}", rel.display());
            }
            Some("js") if rel.starts_with("search") => {
                // Titles, summaries, body parts and index keys.
                let js = read(&path);
                assert!(!js.contains("**"), "{}", rel.display());
                assert!(!js.contains("\"* *\""), "{}", rel.display());
            }
            _ => {}
        }
    }
    assert!(pages > 10, "{pages} pages");

    let brand = html(&out.join("brands/稻香先锋/index.html"));
    let strong: Vec<String> = select(&brand, "article strong, main strong")
        .iter()
        .map(|e| e.text().collect())
        .collect();
    assert!(
        strong.iter().any(|s| s.ends_with('。')),
        "lead sentences are bold: {strong:?}"
    );
}

#[test]
fn removed_html_is_a_warning_and_alignment_is_kept() {
    let (_t, root) = site("full");
    let c = root.join("content/cases");
    std::fs::write(
        c.join("pasted.md"),
        "---\ntitle: 从网页粘贴的一篇\ndate: 2022-06-01\n---\n\
         第一段，<font color=\"red\">红色的字</font>照常显示。\n\
         \n\
         <iframe src=\"https://example.cn/片\"></iframe>\n\
         \n\
         <p style=\"color: blue; text-indent: 2em\">蓝色缩进的段落。</p>\n\
         \n\
         [点这里](javascript:alert(1))\n\
         \n\
         <div align=\"right\">\n\
         \n\
         中共石门村支部委员会  \n\
         2022年6月1日\n\
         \n\
         </div>\n\
         \n\
         <p style=\"text-align:center;\">居中的一行</p>\n",
    )
    .unwrap();
    let r = root.to_str().unwrap();
    let (code, _, err) = run(&["check", "--root", r]);
    assert_eq!(code, 0, "{err}");
    let pasted: Vec<&str> = err
        .split_inclusive('\n')
        .filter(|l| l.starts_with("content/cases/pasted.md"))
        .collect();
    assert_eq!(
        pasted,
        [
            "content/cases/pasted.md:5:5: warning: 网页标签 <font> 不能用，已从页面中删除\n",
            "content/cases/pasted.md:7:1: warning: 网页标签 <iframe> 不能用，已从页面中删除\n",
            "content/cases/pasted.md:9:1: warning: <p> 的 style=\"color: blue; text-indent: 2em\" 不能用，已删除\n",
            "content/cases/pasted.md:11:1: warning: 链接地址 `javascript:alert(1)` 不安全，已改为无效链接\n",
        ],
        "{err}"
    );
    for hint in [
        "content/cases/pasted.md:5:5: warning: 网页标签 <font> 不能用，已从页面中删除\n  提示：字体、颜色、字号不随网页保留；要强调请用 **粗体**，标题请用 # 开头的行\n",
        "content/cases/pasted.md:7:1: warning: 网页标签 <iframe> 不能用，已从页面中删除\n  提示：为了安全，页面里不能嵌入脚本、样式表、表单或其他网页（连同其中的内容一起删除）；如确有需要，由管理员在 site.yaml 中设 `unsafe_html: true`\n",
        "  提示：样式（颜色、字号、字体、缩进）不保留，只保留对齐；居中或右对齐（如落款）请写 `<div align=\"right\">`，空一行写正文，再空一行写 `</div>`\n",
    ] {
        assert!(err.contains(hint), "{hint}\n{err}");
    }
    let (_, _, en) = run(&["check", "--root", r, "--lang", "en"]);
    assert!(
        en.contains("content/cases/pasted.md:5:5: warning: the HTML tag <font> is not allowed and was removed from the page\n"),
        "{en}"
    );

    build(&root, &[]);
    let page = read(&root.join("output/cases/pasted/index.html"));
    for kept in [
        "<p>第一段，红色的字照常显示。</p>",
        "<p>蓝色缩进的段落。</p>",
        "<div align=\"right\">\n<p>中共石门村支部委员会<br>\n2022年6月1日</p>\n</div>",
        "<p style=\"text-align: center\">居中的一行</p>",
    ] {
        assert!(page.contains(kept), "{kept}\n{page}");
    }
    for gone in ["<font", "<iframe", "color: blue", "javascript:"] {
        assert!(!page.contains(gone), "{gone}");
    }
}

#[test]
fn a_very_long_page_is_a_warning_suggesting_a_split() {
    let (_t, root) = site("full");
    // 30 characters, no punctuation: the count is plain to see
    let para = "全县各级党组织认真贯彻落实上级部署推动基层党建工作取得新成效\n\n";
    let body = para.repeat(6667);
    std::fs::write(
        root.join("content/cases/long.md"),
        format!("---\ndate: 2022-06-01\ntitle: 一篇很长的汇编\n---\n{body}"),
    )
    .unwrap();
    std::fs::write(
        root.join("content/cases/short.md"),
        format!(
            "---\ndate: 2022-06-02\ntitle: 不长\n---\n{}",
            para.repeat(100)
        ),
    )
    .unwrap();
    let (code, _, err) = run(&["check", "--root", root.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(
        "content/cases/long.md:3:1: warning: 这个页面很长（约 200010 字），手机和老电脑打开会很慢\n  提示：把它拆成几篇（例如汇编中的每篇文章各成一页），或把全文作为附件（attachments）提供下载\n"
    ), "{err}");
    assert_eq!(err.matches("这个页面很长").count(), 1, "{err}");
}

#[test]
fn check_warns_when_base_url_names_no_host_and_full_addresses_reach_the_sitemap() {
    let (_t, root) = site("full");
    let r = root.to_str().unwrap();
    let yaml = read(&root.join("site.yaml"));
    assert!(yaml.contains("\nbase_url: /\n"), "{yaml}");
    let (code, _, err) = run(&["check", "--root", r]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(
        "site.yaml:3:11: warning: base_url 只写了路径 `/`，没有网站地址：站点地图（sitemap.xml）和订阅源（feed.xml）里的链接不是完整网址\n  提示：发布前写上读者访问网站用的完整网址，例如 `base_url: http://10.1.2.3/`；本机预览和从文件夹直接打开不受影响\n"
    ), "{err}");

    let yaml = yaml
        .lines()
        .filter(|l| !l.starts_with("base_url:"))
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(
        root.join("site.yaml"),
        format!("{yaml}\nbase_url: http://10.1.2.3/dangjian\n"),
    )
    .unwrap();
    let (code, _, err) = run(&["check", "--root", r]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("base_url"), "{err}");
    build(&root, &[]);
    let out = root.join("output");
    let sitemap = read(&out.join("sitemap.xml"));
    let locs: Vec<&str> = sitemap
        .split("<loc>")
        .skip(1)
        .filter_map(|s| s.split("</loc>").next())
        .collect();
    assert!(locs.len() > 5, "{sitemap}");
    for loc in &locs {
        assert!(loc.starts_with("http://10.1.2.3/dangjian/"), "{loc}");
    }
    assert!(
        locs.contains(&"http://10.1.2.3/dangjian/cases/qingshi/"),
        "{locs:?}"
    );
    let feed = read(&out.join("feed.xml"));
    assert!(feed.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<?xml-stylesheet type=\"text/xsl\" href=\"assets/feed-style.xml\"?>\n"), "{feed}");
    assert!(out.join("assets/feed-style.xml").is_file());
}

/// (text, href) of each link under `css`.
fn links_of(doc: &scraper::Html, css: &str) -> Vec<(String, String)> {
    select(doc, css)
        .iter()
        .map(|a| {
            (
                a.text().collect::<String>(),
                a.value().attr("href").unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn site_furniture_logo_menu_footer_and_default_region() {
    let (_t, root) = site("full");
    std::fs::write(
        root.join("static/党徽.svg"),
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><circle cx=\"5\" cy=\"5\" r=\"4\" fill=\"#c00\"/></svg>",
    )
    .unwrap();
    let yaml = read(&root.join("site.yaml"));
    std::fs::write(
        root.join("site.yaml"),
        format!(
            "{yaml}logo: static/党徽.svg\nregion: 陕西省北山市东川县\nmenu:\n  - {{ title: 首页, url: / }}\n  - {{ title: 经验交流, url: cases }}\n  - {{ title: 关于本平台, url: pages/about }}\n  - {{ title: 搜一搜, url: /search/ }}\nfooter:\n  host: 中共东川县委组织部\n  undertaker: 东川县融媒体中心\n  contact: 0000-1234567\n  record: 陕ICP备00000000号\n  links: [ {{ title: 共产党员网, url: \"https://www.12371.cn/\" }} ]\n"
        ),
    )
    .unwrap();
    build(&root, &[]);
    let out = root.join("output");
    let doc = html(&out.join("cases/qingshi/index.html"));
    assert_eq!(
        links_of(&doc, ".site-nav a"),
        [
            ("首页".to_string(), "../../index.html".to_string()),
            ("经验交流".into(), "../../cases/index.html".into()),
            ("关于本平台".into(), "../../about/index.html".into()),
            ("搜一搜".into(), "../../search/index.html".into()),
        ]
    );
    // the section of this page is marked, not as the current page
    let active: Vec<String> = select(&doc, ".site-nav a.is-active")
        .iter()
        .map(|a| a.text().collect())
        .collect();
    assert_eq!(active, ["经验交流"]);
    assert!(select(&doc, ".site-nav a[aria-current]").is_empty());
    let logo = select(&doc, ".brand img.brand-mark");
    assert_eq!(logo.len(), 1);
    assert_eq!(
        logo[0].value().attr("src"),
        Some("../../%E5%85%9A%E5%BE%BD.svg")
    );
    assert!(out.join("党徽.svg").is_file());
    assert_eq!(
        links_of(&doc, ".site-footer nav[aria-label=本站信息] a"),
        [("关于我们".to_string(), "../../about/index.html".to_string())]
    );
    assert_eq!(
        links_of(&doc, ".site-footer nav[aria-label=相关链接] a"),
        [(
            "共产党员网".to_string(),
            "https://www.12371.cn/".to_string()
        )]
    );
    assert_eq!(
        text_of(&doc, ".footer-org"),
        "主办单位：中共东川县委组织部承办单位：东川县融媒体中心"
    );
    assert_eq!(text_of(&doc, ".footer-contact"), "联系方式：0000-1234567");
    assert_eq!(text_of(&doc, ".footer-record"), "陕ICP备00000000号");
    // the about page is the current page of its menu entry
    let about = html(&out.join("about/index.html"));
    let current: Vec<String> = select(&about, ".site-nav a[aria-current=page]")
        .iter()
        .map(|a| a.text().collect())
        .collect();
    assert_eq!(current, ["关于本平台"]);
    // pages that name no region get the site's; the others keep theirs
    let third = read(&out.join("speeches/third/index.html"));
    assert!(
        third.contains("陕西省北山市东川县"),
        "default region missing"
    );
    let region = out.join("regions/陕西省北山市东川县/index.html");
    assert!(
        region.is_file()
            || out
                .join("regions/陕西省/北山市/东川县/index.html")
                .is_file()
    );
    let qingshi = read(&out.join("cases/qingshi/index.html"));
    assert!(
        !qingshi.contains("东川县</a>"),
        "a page's own region was replaced"
    );
}

#[test]
fn a_menu_link_to_no_page_and_a_missing_logo_are_errors_and_keep_the_last_build() {
    let (_t, root) = site("full");
    build(&root, &[]);
    let out = root.join("output");
    let before = read(&out.join("index.html"));
    let yaml = read(&root.join("site.yaml"));
    std::fs::write(
        root.join("site.yaml"),
        format!(
            "{yaml}menu:\n  - {{ title: 首页, url: / }}\n  - {{ title: 关于, url: pages/abot }}\n"
        ),
    )
    .unwrap();
    let r = root.to_str().unwrap();
    let (code, _, err) = run(&["build", "--root", r]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("site.yaml:8:3: error: 链接 `pages/abot` 找不到对应的页面\n  提示：写 content/ 下页面的路径（不带 .md），如 pages/about 或 cases/石门村；或栏目名，如 cases；或以 / 开头的网址，如 /search/；或完整网址 https://…\n"), "{err}");
    assert_eq!(read(&out.join("index.html")), before);

    std::fs::write(
        root.join("site.yaml"),
        format!("{yaml}logo: static/党徽.png\n"),
    )
    .unwrap();
    let (code, _, err) = run(&["check", "--root", r]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("site.yaml:6:1: error: 标志图片 `static/党徽.png` 不存在\n"),
        "{err}"
    );
    std::fs::write(
        root.join("site.yaml"),
        format!("{yaml}footer:\n  hots: 组织部\n"),
    )
    .unwrap();
    let (code, _, err) = run(&["check", "--root", r, "--lang", "en"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("site.yaml:7:3: error: unknown key `hots` in `footer`\n  hint: did you mean `host`? Known keys: host, undertaker, contact, record, links\n"), "{err}");
}

#[test]
fn new_writes_into_a_custom_section_by_name_or_title() {
    let (_t, root) = site("full");
    let yaml = read(&root.join("site.yaml"));
    std::fs::write(
        root.join("site.yaml"),
        format!("{yaml}sections:\n  speeches: {{ title: 领导讲话, kind: speech }}\n  news: {{ title: 工作动态, kind: case }}\n"),
    )
    .unwrap();
    let r = root.to_str().unwrap();
    let (code, _, err) = run(&["new", "news", "春耕动员", "--root", r]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run(&["new", "工作动态", "秋收总结", "--root", r]);
    assert_eq!(code, 0, "{err}");
    for f in ["春耕动员", "秋收总结"] {
        let text = read(&root.join(format!("content/news/{f}.md")));
        assert!(text.contains(&format!("title: \"{f}\"")), "{text}");
        assert!(text.contains("organization:"), "a case's fields: {text}");
    }
    let (code, _, err) = run(&["new", "notes", "随笔", "--root", r]);
    assert_eq!(code, 2, "a usage error: {err}");
    assert!(err.contains("没有 `notes` 这一类：请写 speech（讲话）、case（案例）、brand（品牌）、topic（专题），或 site.yaml 中的栏目：speeches（领导讲话）、news（工作动态）"), "{err}");
}
