//! 专题 on real builds: the order a topic names its pages in, the pages its
//! tags add, the home page's topics, `new topic`, and a `pages` entry that
//! names no page reported at its line and column.

mod common;

use common::{build, html, read, run, select};
use std::path::Path;

fn init(tmp: &Path) -> std::path::PathBuf {
    let root = tmp.join("site");
    let (code, out, err) = run(&["init", root.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    root
}

/// The titles of the list items of a page, in order.
fn titles(doc: &scraper::Html) -> Vec<String> {
    select(doc, ".list-panel .item-title a")
        .iter()
        .map(|a| a.text().collect())
        .collect()
}

/// (title, date) of every page under `content/` whose tags hold `tag`.
fn tagged(root: &Path, tag: &str) -> Vec<(String, String, String)> {
    let mut out = vec![];
    for e in walkdir::WalkDir::new(root.join("content")) {
        let e = e.unwrap();
        let p = e.path();
        if p.extension().is_none_or(|x| x != "md") || p.starts_with(root.join("content/topics")) {
            continue;
        }
        let text = read(p);
        let Some((yaml, _)) = text
            .strip_prefix("---\n")
            .and_then(|t| t.split_once("\n---"))
        else {
            continue;
        };
        let map: serde_yaml::Mapping = serde_yaml::from_str(yaml).unwrap();
        let tags: Vec<String> = map
            .get("tags")
            .and_then(|t| t.as_sequence())
            .map(|s| {
                s.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default();
        if tags.iter().any(|t| t == tag) {
            let rel = p.strip_prefix(root.join("content")).unwrap();
            out.push((
                map.get("title").unwrap().as_str().unwrap().to_string(),
                map.get("date").unwrap().as_str().unwrap().to_string(),
                rel.to_string_lossy().into_owned(),
            ));
        }
    }
    out
}

#[test]
fn the_sample_topic_collects_its_pages_in_order_then_its_tags() {
    let tmp = tempfile::tempdir().unwrap();
    let root = init(tmp.path());
    build(&root, &[]);
    let out = root.join("output");
    let doc = html(&out.join("topics/党建引领乡村振兴/index.html"));
    let named = [
        "石门村：“四议两公开”让村里的事大家商量着办",
        "禾塘村党支部“稻香先锋”品牌",
        "在全市抓党建促乡村振兴现场推进会上的讲话",
    ];
    // then every other page tagged 乡村振兴, newest first (the sample's
    // dates are all written 2019-06-12 style)
    let mut rest: Vec<(String, String, String)> = tagged(&root, "乡村振兴")
        .into_iter()
        .filter(|(t, _, _)| !named.contains(&t.as_str()))
        .collect();
    rest.sort_by(|a, b| b.1.cmp(&a.1));
    let mut want: Vec<String> = named.iter().map(|s| s.to_string()).collect();
    want.extend(rest.into_iter().map(|(t, _, _)| t));
    assert_eq!(titles(&doc), want);
    assert_eq!(
        common::text_of(&doc, ".page-count"),
        format!("共 {} 篇 · 全部专题", want.len())
    );
    assert!(common::text_of(&doc, ".topic-intro").contains("议事有规矩"));
    // the cover is published beside the topic
    let cover = select(&doc, "img.topic-cover")[0]
        .value()
        .attr("src")
        .unwrap()
        .to_string();
    let file = common::resolve_link(
        &out,
        &out.join("topics/党建引领乡村振兴/index.html"),
        &cover,
    );
    assert!(file.is_some_and(|f| f.is_file()), "{cover}");
    // /topics/ and the home page list it
    for (page, link) in [
        ("topics/index.html", "../topics/%E5%85%9A%E5%BB%BA%E5%BC%95%E9%A2%86%E4%B9%A1%E6%9D%91%E6%8C%AF%E5%85%B4/index.html"),
        ("index.html", "topics/%E5%85%9A%E5%BB%BA%E5%BC%95%E9%A2%86%E4%B9%A1%E6%9D%91%E6%8C%AF%E5%85%B4/index.html"),
    ] {
        let doc = html(&out.join(page));
        let a = select(&doc, ".topic-card-title a");
        assert_eq!(a.len(), 1, "{page}");
        assert_eq!(a[0].value().attr("href"), Some(link), "{page}");
        assert_eq!(a[0].text().collect::<String>(), "党建引领乡村振兴");
        assert_eq!(
            common::text_of(&doc, ".topic-card-count"),
            format!("{} 篇", want.len())
        );
    }
}

#[test]
fn a_topic_entry_that_names_no_page_is_an_error_at_its_place() {
    let tmp = tempfile::tempdir().unwrap();
    let root = init(tmp.path());
    std::fs::write(
        root.join("content/topics/换届.md"),
        "---\ntitle: 换届工作\npages:\n  - cases/石门村四议两公开.md\n  - cases/石门村四议两公开\n  - speeches/在全区村社区两委换届工作动员部署会上的讲话\n  - cases/石们村四议两公开.md\n---\n\n介绍。\n",
    )
    .unwrap();
    let (code, out, err) = run(&["build", "--root", root.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("content/topics/换届.md:7:5: error: 专题列出的页面 `cases/石们村四议两公开.md` 不存在\n  提示：是不是 `cases/石门村四议两公开.md`？写 content/ 下的文件路径，如 `cases/石门村.md`\n"),
        "{err}"
    );
    // the same page named twice (with and without .md) is listed once
    std::fs::write(
        root.join("content/topics/换届.md"),
        "---\ntitle: 换届工作\npages: [speeches/在全区村社区两委换届工作动员部署会上的讲话.md, cases/石门村四议两公开, cases/石门村四议两公开.md]\n---\n",
    )
    .unwrap();
    build(&root, &[]);
    let doc = html(&root.join("output/topics/换届/index.html"));
    assert_eq!(
        titles(&doc),
        [
            "在全区村（社区）“两委”换届工作动员部署会上的讲话",
            "石门村：“四议两公开”让村里的事大家商量着办"
        ]
    );
    // an entry naming nothing like any page: the hint says how to write one
    std::fs::write(
        root.join("content/topics/换届.md"),
        "---\ntitle: 换届工作\npages: [cases/石门村四议两公开.md, 完全不同的名字]\n---\n",
    )
    .unwrap();
    let (code, _, err) = run(&["build", "--root", root.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        err.contains("content/topics/换届.md:3:28: error: 专题列出的页面 `完全不同的名字` 不存在\n  提示：写 content/ 下的文件路径，如 `cases/石门村.md`；页面是草稿时，它不会生成，也不能列入专题\n"),
        "{err}"
    );
}

#[test]
fn new_topic_writes_a_topic_the_site_builds() {
    let tmp = tempfile::tempdir().unwrap();
    let root = init(tmp.path());
    let r = root.to_str().unwrap();
    let (code, out, err) = run(&["new", "topic", "主题教育", "--root", r]);
    assert_eq!(code, 0, "{out}{err}");
    let file = root.join("content/topics/主题教育.md");
    assert!(read(&file).starts_with("---\ntitle: \"主题教育\"\n"));
    // the same name again is refused
    let (code, _, _) = run(&["new", "topic", "主题教育", "--root", r]);
    assert_ne!(code, 0);
    build(&root, &[]);
    let doc = html(&root.join("output/topics/主题教育/index.html"));
    assert_eq!(common::text_of(&doc, ".page-head h1"), "主题教育");
    assert_eq!(common::text_of(&doc, ".empty"), "暂无内容。");
    let topics = html(&root.join("output/topics/index.html"));
    assert_eq!(select(&topics, ".topic-card").len(), 2);
}
