//! 数据概览 (`/overview/`) and the region tree, on real builds: the numbers
//! are worked out here from the content files themselves (their front
//! matter read as YAML) and compared with the tables of the HTML.

mod common;

use common::{build, empty_site, html, read, run, select};
use std::collections::BTreeMap;
use std::path::Path;

/// The front matter of every speech, case and brand under `content/`.
fn front_matters(root: &Path) -> Vec<(String, serde_yaml::Mapping)> {
    let mut out = vec![];
    for section in ["speeches", "cases", "brands"] {
        for e in walkdir::WalkDir::new(root.join("content").join(section)) {
            let e = e.expect("walk");
            let p = e.path();
            if p.extension().is_none_or(|x| x != "md") || p.file_name().unwrap() == "_index.md" {
                continue;
            }
            let text = read(p);
            let yaml = text
                .strip_prefix("---\n")
                .and_then(|t| t.split_once("\n---"))
                .map(|(y, _)| y)
                .unwrap_or_else(|| panic!("no front matter in {}", p.display()));
            let map: serde_yaml::Mapping = serde_yaml::from_str(yaml).expect("yaml");
            if map.get("draft").and_then(|d| d.as_bool()) == Some(true) {
                continue;
            }
            out.push((section.to_string(), map));
        }
    }
    out
}

fn field(m: &serde_yaml::Mapping, key: &str) -> Option<String> {
    match m.get(key)? {
        serde_yaml::Value::String(s) => Some(s.clone()),
        serde_yaml::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The rows of a table: (first cell, last cell) of each body row.
fn rows(doc: &scraper::Html, css: &str) -> Vec<(String, String)> {
    select(doc, &format!("{css} tbody tr"))
        .iter()
        .map(|tr| {
            let cells: Vec<String> = tr
                .select(&scraper::Selector::parse("th, td").unwrap())
                .map(|c| c.text().collect::<String>().trim().to_string())
                .collect();
            (cells[0].clone(), cells[cells.len() - 1].clone())
        })
        .collect()
}

fn counted(values: impl IntoIterator<Item = String>) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for v in values {
        *m.entry(v).or_insert(0) += 1;
    }
    m
}

/// Most first, then by name, as strings.
fn most_first(m: BTreeMap<String, usize>) -> Vec<(String, String)> {
    let mut v: Vec<(String, usize)> = m.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v.into_iter().map(|(k, n)| (k, n.to_string())).collect()
}

/// The sample site of `zhanting init`, built; the folder lives as long as
/// the returned guard.
fn built_sample() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    let (code, out, err) = run(&["init", root.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    build(&root, &[]);
    (tmp, root)
}

#[test]
fn the_sample_sites_overview_shows_the_real_counts() {
    let (_tmp, root) = built_sample();
    let out = root.join("output");
    let fms = front_matters(&root);
    assert!(fms.len() >= 10, "the sample has its pages");
    let doc = html(&out.join("overview/index.html"));

    // per year: the first four digits of `date`, oldest first
    let years: BTreeMap<String, usize> = counted(
        fms.iter()
            .filter_map(|(_, m)| field(m, "date"))
            .map(|d| d[..4].to_string()),
    );
    let want: Vec<(String, String)> = years.into_iter().map(|(y, n)| (y, n.to_string())).collect();
    assert_eq!(rows(&doc, "#chart-years"), want);

    // per 领域, most first
    let sectors = counted(fms.iter().filter_map(|(_, m)| field(m, "sector")));
    assert_eq!(rows(&doc, "#chart-sectors"), most_first(sectors));

    // per province: the region up to its 省
    let provinces = counted(fms.iter().filter_map(|(_, m)| {
        let r = field(m, "region")?;
        let end = r.find('省').expect("the sample's regions name a 省") + '省'.len_utf8();
        Some(r[..end].to_string())
    }));
    let want_regions = most_first(provinces);
    assert_eq!(rows(&doc, "#chart-regions"), want_regions);

    // speeches per speaker
    let speakers = counted(
        fms.iter()
            .filter(|(s, _)| s == "speeches")
            .filter_map(|(_, m)| field(m, "speaker")),
    );
    assert_eq!(rows(&doc, "#chart-speakers"), most_first(speakers));

    // brands and the sum of their 党员人数
    let members: u64 = fms
        .iter()
        .filter(|(s, _)| s == "brands")
        .filter_map(|(_, m)| field(m, "members"))
        .map(|n| n.parse::<u64>().unwrap())
        .sum();
    assert_eq!(members, 237, "the sample's four brands");
    assert_eq!(
        common::text_of(&doc, "#brands-members .members-total"),
        members.to_string()
    );
    let brands = fms.iter().filter(|(s, _)| s == "brands").count();
    assert_eq!(rows(&doc, "#brands-members").len(), brands);

    // the headline figures
    let figures: Vec<String> = select(&doc, ".figures strong")
        .iter()
        .map(|s| s.text().collect())
        .collect();
    let of = |s: &str| fms.iter().filter(|(x, _)| x == s).count().to_string();
    assert_eq!(
        figures,
        [
            fms.len().to_string(),
            of("speeches"),
            of("cases"),
            of("brands"),
            members.to_string()
        ]
    );

    // each chart: an SVG named by its own <title>, with one bar per row,
    // holding no control (an image); each row of its table links to the
    // list of its pages
    for id in [
        "chart-years",
        "chart-sectors",
        "chart-regions",
        "chart-speakers",
    ] {
        let svg = select(&doc, &format!("#{id} svg"));
        assert_eq!(svg.len(), 1, "{id}");
        let svg = svg[0].value();
        assert_eq!(svg.attr("role"), Some("img"));
        assert_eq!(
            svg.attr("aria-labelledby"),
            Some(format!("{id}-title").as_str())
        );
        let title = common::text_of(&doc, &format!("#{id}-title"));
        assert_eq!(title, common::text_of(&doc, &format!("#{id}-h")));
        let bars = select(&doc, &format!("#{id} svg rect.chart-bar")).len();
        assert_eq!(bars, rows(&doc, &format!("#{id}")).len(), "{id}");
        assert!(select(&doc, &format!("#{id} svg a")).is_empty(), "{id}");
        let links = select(&doc, &format!("#{id} table a"));
        assert_eq!(links.len(), bars, "{id}");
        for a in links {
            let href = a.value().attr("href").unwrap();
            let target = common::resolve_link(&out, &out.join("overview/index.html"), href);
            assert!(
                target.is_some_and(|t| t.is_file()),
                "{id}: {href} leads nowhere"
            );
        }
    }
    // a region's row leads to its page in the tree
    let first = &want_regions[0].0;
    let href = select(&doc, "#chart-regions table a")[0]
        .value()
        .attr("href")
        .unwrap();
    assert_eq!(
        percent_encoding::percent_decode_str(href)
            .decode_utf8()
            .unwrap(),
        format!("../regions/{first}/index.html")
    );

    // the home page shows the headline figures and links to the overview
    let home = html(&out.join("index.html"));
    let link = select(&home, ".overview-link a");
    assert_eq!(link[0].value().attr("href"), Some("overview/index.html"));
    assert_eq!(
        link[0].text().collect::<String>(),
        format!(
            "数据概览：共 {} 篇资料，按年份、领域、地区和讲话人统计 ›",
            fms.len()
        )
    );
    assert_eq!(
        common::text_of(&home, ".stat-members strong"),
        members.to_string()
    );
}

#[test]
fn the_sample_region_tree_drills_from_province_to_village() {
    let (_tmp, root) = built_sample();
    let out = root.join("output");
    let fms = front_matters(&root);
    let under = |prefix: &str| {
        fms.iter()
            .filter(|(_, m)| field(m, "region").is_some_and(|r| r.starts_with(prefix)))
            .count()
    };
    let levels = ["江西省", "赣州市", "章源县", "禾塘镇", "禾塘村"];
    let mut dir = String::from("regions/");
    let mut prefix = String::new();
    for (k, level) in levels.iter().enumerate() {
        dir.push_str(level);
        dir.push('/');
        prefix.push_str(level);
        let doc = html(&out.join(&dir).join("index.html"));
        assert_eq!(common::text_of(&doc, ".page-head h1"), *level);
        // every page at or below, and the count says so
        let items = select(&doc, ".list-panel li.item").len();
        let n = under(&prefix);
        assert!(n >= 1, "{prefix}");
        assert!(
            common::text_of(&doc, ".page-count").starts_with(&format!("本级及下级共 {n} 篇")),
            "{dir}"
        );
        assert_eq!(items, n, "{dir}");
        // the breadcrumb goes up through every level above
        let crumbs: Vec<String> = select(&doc, ".breadcrumb li")
            .iter()
            .map(|li| {
                li.text()
                    .collect::<String>()
                    .replace('>', "")
                    .trim()
                    .to_string()
            })
            .collect();
        let mut want = vec!["首页".to_string(), "地区".to_string()];
        want.extend(levels[..=k].iter().map(|s| s.to_string()));
        assert_eq!(crumbs, want, "{dir}");
        // the next level down is among the sub-regions, with its count
        if let Some(next) = levels.get(k + 1) {
            let subs = rows(&doc, ".region-children");
            let want = under(&format!("{prefix}{next}")).to_string();
            assert!(subs.contains(&(next.to_string(), want)), "{dir}: {subs:?}");
        } else {
            assert!(select(&doc, ".region-children").is_empty());
        }
    }
    // the index is the tree, and a page's region chip leads into it
    let index = html(&out.join("regions/index.html"));
    let top: Vec<String> = select(&index, ".region-tree > ul > li > a")
        .iter()
        .map(|a| a.text().collect())
        .collect();
    assert!(top.contains(&"江西省".to_string()) && top.contains(&"陕西省".to_string()));
    assert!(select(&index, ".region-tree a")
        .iter()
        .any(|a| a.text().collect::<String>() == "禾塘村"));
    let brand = read(&out.join("brands/稻香先锋/index.html"));
    assert!(brand.contains(
        "../../regions/%E6%B1%9F%E8%A5%BF%E7%9C%81/%E8%B5%A3%E5%B7%9E%E5%B8%82/%E7%AB%A0%E6%BA%90%E5%8E%BF/%E7%A6%BE%E5%A1%98%E9%95%87/%E7%A6%BE%E5%A1%98%E6%9D%91/index.html"
    ));
    // no flat page of the whole string is left
    assert!(!out.join("regions/江西省赣州市章源县禾塘镇禾塘村").exists());
}

fn write_page(root: &Path, rel: &str, front: &str) {
    let p = root.join("content").join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, format!("---\n{front}\n---\n\n正文。\n")).unwrap();
}

#[test]
fn regions_of_every_form_find_their_place_and_speakers_are_the_top_ten() {
    let tmp = tempfile::tempdir().unwrap();
    let root = empty_site(tmp.path());
    let regions = [
        ("a", "北京市朝阳区望京街道"),
        ("b", "上海市浦东新区"),
        ("c", "内蒙古自治区锡林郭勒盟正蓝旗"),
        ("d", "吉林省延边朝鲜族自治州延吉市"),
        ("e", "江苏省苏州市昆山市"),
        ("f", "章源县"),
        ("g", "某地"),
        ("h", "北京市朝阳区"),
    ];
    for (i, (slug, region)) in regions.iter().enumerate() {
        write_page(
            &root,
            &format!("cases/{slug}.md"),
            &format!(
                "title: 案例{slug}\ndate: 2020-01-{:02}\nregion: {region}",
                i + 1
            ),
        );
    }
    // twelve speakers: 讲话人01 has 12 speeches … 讲话人12 has 1
    for s in 1..=12u32 {
        for k in 0..(13 - s) {
            write_page(
                &root,
                &format!("speeches/s{s:02}-{k:02}.md"),
                &format!("title: 讲话{s:02}-{k:02}\ndate: 2019-02-01\nspeaker: 讲话人{s:02}"),
            );
        }
    }
    build(&root, &[]);
    let out = root.join("output");
    for (dir, count) in [
        ("regions/北京市", 2),
        ("regions/北京市/朝阳区", 2),
        ("regions/北京市/朝阳区/望京街道", 1),
        ("regions/上海市/浦东新区", 1),
        ("regions/内蒙古自治区/锡林郭勒盟/正蓝旗", 1),
        ("regions/吉林省/延边朝鲜族自治州/延吉市", 1),
        ("regions/江苏省/苏州市/昆山市", 1),
        ("regions/章源县", 1),
        ("regions/某地", 1),
    ] {
        let doc = html(&out.join(dir).join("index.html"));
        assert!(
            common::text_of(&doc, ".page-count").starts_with(&format!("本级及下级共 {count} 篇")),
            "{dir}"
        );
    }
    let level =
        |dir: &str| common::text_of(&html(&out.join(dir).join("index.html")), ".page-kicker");
    assert_eq!(level("regions/北京市"), "地区 · 省级");
    assert_eq!(level("regions/江苏省/苏州市/昆山市"), "地区 · 县级");
    assert_eq!(level("regions/北京市/朝阳区/望京街道"), "地区 · 乡镇级");
    assert_eq!(level("regions/某地"), "地区 · 其他");

    let doc = html(&out.join("overview/index.html"));
    let want: Vec<(String, String)> = (1..=10u32)
        .map(|s| (format!("讲话人{s:02}"), (13 - s).to_string()))
        .collect();
    assert_eq!(rows(&doc, "#chart-speakers"), want);
    // the top level: 北京市 (2) first, then the others by name
    let top = rows(&doc, "#chart-regions");
    assert_eq!(top[0], ("北京市".to_string(), "2".to_string()));
    assert_eq!(top.len(), 7);
    // no brands: an empty table says so, and the total is 0
    assert_eq!(
        common::text_of(&doc, "#brands-members .empty"),
        "暂无支部品牌。"
    );
}
