//! Roll-up: a city site over two county sites (`sources:` in site.yaml),
//! built, searched in headless Chromium through `zhanting serve`, and kept
//! up to date by `watch --deploy-to` when a county edits its own folder.

mod common;

use common::browser::{eval, launch, wait_for, watch_console};
use common::live::{port_in, Running};
use common::*;
use std::path::{Path, PathBuf};

fn write(path: &Path, text: &str) {
    if let Some(d) = path.parent() {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

/// A site made by `zhanting init` in `dir` with no sample pages, and
/// `site.yaml` given the lines `yaml`.
fn site_at(dir: &Path, yaml: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let made = empty_site(tmp.path());
    copy_dir(&made, dir);
    std::fs::remove_dir_all(dir.join("content/pages")).unwrap();
    let base = read(&dir.join("site.yaml"));
    // The sample's menu links the sections and pages this site may not have.
    let kept: String = base
        .lines()
        .take_while(|l| !l.starts_with("menu:"))
        .map(|l| format!("{l}\n"))
        .collect();
    write(&dir.join("site.yaml"), &format!("{kept}{yaml}"));
}

/// `tmp/市` over `tmp/章源县` (region in its own site.yaml) and `tmp/禾塘县`
/// (region given by the city's entry), each with pages of its own.
fn city(tmp: &Path) -> PathBuf {
    let (zy, ht, city) = (tmp.join("章源县"), tmp.join("禾塘县"), tmp.join("市"));
    site_at(&zy, "region: 江西省赣州市章源县\n");
    site_at(&ht, "");
    site_at(
        &city,
        "sources:\n  - { key: zhangyuan, name: 章源县, path: ../章源县 }\n  - { key: hetang, name: 禾塘县, path: ../禾塘县, region: 江西省赣州市禾塘县 }\n",
    );
    write(
        &zy.join("content/cases/石门村.md"),
        "---\ntitle: 石门村村民议事会\ndate: 2023-05-01\nsector: 农村\n---\n石门村每月开一次村民议事会，大事小事摆到桌面上。\n\n另见[县里的动员会](../speeches/动员会.md)。\n",
    );
    write(
        &zy.join("content/speeches/动员会.md"),
        "---\ntitle: 在全县议事会推进会上的讲话\ndate: 2023-03-02\nspeaker: 林学文\nregion: 江西省赣州市章源县城关镇\n---\n同志们：议事会要开到群众心坎上。\n",
    );
    write(
        &ht.join("content/cases/禾塘社区.md"),
        "---\ntitle: 禾塘社区楼栋议事会\ndate: 2022-11-20\nsector: 城市社区\n---\n社区把议事会开进楼栋，居民的事居民商量。\n",
    );
    let photo = ht.join("content/brands/红色驿站");
    write(
        &photo.join("index.md"),
        "---\ntitle: 红色驿站\ndate: 2023-07-01\nbranch: 禾塘社区党支部\n---\n驿站里常年有党员值守议事。\n\n![驿站议事](议事.jpg)\n",
    );
    std::fs::write(photo.join("议事.jpg"), jpeg(2000, 1500)).unwrap();
    write(
        &city.join("content/cases/市直机关.md"),
        "---\ntitle: 市直机关党员议事会\ndate: 2024-01-08\nregion: 江西省赣州市\nsector: 机关\n---\n机关党员议事会每季度听取一次基层意见。\n",
    );
    write(
        &city.join("content/topics/议事.md"),
        "---\ntitle: 议事协商\npages:\n  - zhangyuan/cases/石门村.md\n  - cases/市直机关.md\n  - hetang/brands/红色驿站\n---\n各地的议事做法。\n",
    );
    city
}

fn hrefs(doc: &scraper::Html, css: &str) -> Vec<String> {
    select(doc, css)
        .iter()
        .filter_map(|e| e.value().attr("href").map(str::to_string))
        .collect()
}

#[test]
fn a_city_shows_its_counties_pages_under_their_keys_and_each_county_still_builds_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let city = city(tmp.path());
    build(&city, &[]);
    let out = city.join("output");

    // Each source's pages under its key, the city's own at the root.
    for p in [
        "zhangyuan/cases/石门村/index.html",
        "zhangyuan/speeches/动员会/index.html",
        "hetang/cases/禾塘社区/index.html",
        "cases/市直机关/index.html",
    ] {
        assert!(out.join(p).is_file(), "{p} missing");
    }
    // The city's list of cases holds all three, each source's named.
    let cases = html(&out.join("cases/index.html"));
    let mut links = hrefs(&cases, ".item-title a");
    links.sort();
    assert_eq!(
        links,
        [
            "../cases/%E5%B8%82%E7%9B%B4%E6%9C%BA%E5%85%B3/index.html",
            "../hetang/cases/%E7%A6%BE%E5%A1%98%E7%A4%BE%E5%8C%BA/index.html",
            "../zhangyuan/cases/%E7%9F%B3%E9%97%A8%E6%9D%91/index.html",
        ]
    );
    let mut named: Vec<String> = select(&cases, ".item-source")
        .iter()
        .map(|e| e.text().collect())
        .collect();
    named.sort();
    assert_eq!(named, ["禾塘县", "章源县"]);
    // A link between two pages of a county leads to the county's page here.
    let shimen = html(&out.join("zhangyuan/cases/石门村/index.html"));
    assert!(
        hrefs(&shimen, "article a")
            .iter()
            .any(|h| h == "../../../zhangyuan/speeches/%E5%8A%A8%E5%91%98%E4%BC%9A/index.html"),
        "{:?}",
        hrefs(&shimen, "article a")
    );
    // A county's photo is published under its key in the sizes a page
    // shows, made into the city's cache: nothing is written in the county's folder.
    let brand = html(&out.join("hetang/brands/红色驿站/index.html"));
    let srcset: Vec<String> = select(&brand, "article img")
        .iter()
        .filter_map(|i| i.value().attr("srcset").map(str::to_string))
        .collect();
    assert_eq!(
        srcset,
        ["%E8%AE%AE%E4%BA%8B.640w.jpg 640w, %E8%AE%AE%E4%BA%8B.1600w.jpg 1600w"]
    );
    for f in ["议事.jpg", "议事.640w.jpg", "议事.1600w.jpg"] {
        assert!(out.join("hetang/brands/红色驿站").join(f).is_file(), "{f}");
    }
    assert!(!tmp.path().join("禾塘县/.zhanting").exists());
    assert!(city.join(".zhanting/cache/images").is_dir());
    // Regions: the county's default, the entry's, and one written on the page.
    for r in [
        "regions/江西省/赣州市/章源县/index.html",
        "regions/江西省/赣州市/章源县/城关镇/index.html",
        "regions/江西省/赣州市/禾塘县/index.html",
    ] {
        assert!(out.join(r).is_file(), "{r} missing");
    }
    let hetang = html(&out.join("regions/江西省/赣州市/禾塘县/index.html"));
    assert_eq!(hrefs(&hetang, ".item-title a").len(), 2);
    // A topic of the city lists a county's pages by key and path.
    let topic = html(&out.join("topics/议事/index.html"));
    let listed: Vec<String> = hrefs(&topic, ".item-title a, .brand-name a")
        .into_iter()
        .filter(|h| h.contains("index.html"))
        .collect();
    assert_eq!(listed.len(), 3, "{listed:?}");
    assert!(
        listed.iter().any(|h| h.contains("zhangyuan/cases/")),
        "{listed:?}"
    );
    assert!(
        listed.iter().any(|h| h.contains("hetang/brands/")),
        "{listed:?}"
    );
    // Every link of every page leads to a file of the output (the
    // overview's table of brands among them, whose addresses hold Chinese).
    let mut broken = vec![];
    for f in files(&out) {
        if f.extension().is_some_and(|e| e == "html") && f != Path::new("404.html") {
            let doc = html(&out.join(&f));
            for a in hrefs(&doc, "a[href]") {
                if let Some(target) = resolve_link(&out, &f, &a) {
                    if !target.exists() {
                        broken.push(format!("{}: {a}", f.display()));
                    }
                }
            }
        }
    }
    assert!(broken.is_empty(), "{broken:#?}");
    // Taxonomies and the overview count every page.
    assert!(out.join("sectors/农村/index.html").is_file());
    assert!(out.join("speakers/林学文/index.html").is_file());
    // The search page offers the sources; the index knows each page's.
    let search = html(&out.join("search/index.html"));
    let options: Vec<(String, String)> = select(&search, "select[name=source] option")
        .iter()
        .map(|o| {
            (
                o.value().attr("value").unwrap_or("").to_string(),
                o.text().collect(),
            )
        })
        .collect();
    assert_eq!(
        options,
        [
            ("".to_string(), "全部来源".to_string()),
            ("zhangyuan".to_string(), "章源县".to_string()),
            ("hetang".to_string(), "禾塘县".to_string()),
        ]
    );
    let meta = read(&out.join("search/meta.js"));
    assert!(
        meta.contains(r#""sources":["hetang","zhangyuan"]"#),
        "{meta}"
    );

    // Each county builds its own site from the same folder, as before.
    let zy = tmp.path().join("章源县");
    build(&zy, &[]);
    assert!(zy.join("output/cases/石门村/index.html").is_file());
    assert!(!zy.join("output/zhangyuan").exists());
    let own_meta = read(&zy.join("output/search/meta.js"));
    assert!(!own_meta.contains("sources"), "{own_meta}");
    let own_search = html(&zy.join("output/search/index.html"));
    assert!(select(&own_search, "select[name=source]").is_empty());
}

/// Every file of `dir` with its bytes (bookkeeping files left out).
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files(dir)
        .into_iter()
        .filter(|p| !p.starts_with(".zhanting") && !p.starts_with(".zhanting-deploy"))
        .map(|p| {
            let b = std::fs::read(dir.join(&p)).unwrap();
            (p.to_string_lossy().into_owned(), b)
        })
        .collect()
}

/// What `zhanting build --root ROOT` prints when it fails, as it must.
fn failed_build(root: &str) -> String {
    let (code, _out, err) = run(&["build", "--root", root]);
    assert_eq!(code, 1, "{err}");
    err
}

#[test]
fn conflicts_are_errors_at_their_line_and_the_output_stays() {
    let tmp = tempfile::tempdir().unwrap();
    let city = city(tmp.path());
    build(&city, &[]);
    let before = snapshot(&city.join("output"));
    let yaml = read(&city.join("site.yaml"));
    let r = city.to_str().unwrap();

    let line_of = |needle: &str| yaml.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let (zy_line, hetang_line) = (line_of("key: zhangyuan"), line_of("key: hetang"));
    let next = yaml.lines().count() + 1;

    // A key twice.
    write(
        &city.join("site.yaml"),
        &format!("{yaml}  - {{ key: zhangyuan, path: ../莲花县 }}\n"),
    );
    let err = failed_build(r);
    let lines: Vec<&str> = err.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(
        lines,
        [format!(
            "site.yaml:{next}:3: error: 来源的 key `zhangyuan` 写了两次（第 {zy_line} 行已有）"
        )]
    );

    // A folder that is not there, a folder that is no site, the city
    // itself, a county that lists the city in turn.
    std::fs::create_dir_all(tmp.path().join("空文件夹")).unwrap();
    let county = tmp.path().join("禾塘县/site.yaml");
    let county_yaml = read(&county);
    write(
        &county,
        &format!("{county_yaml}sources:\n  - {{ key: city, path: ../市 }}\n"),
    );
    write(
        &city.join("site.yaml"),
        &format!("{yaml}  - {{ key: lianhua, path: ../莲花县 }}\n  - {{ key: empty, path: ../空文件夹 }}\n  - {{ key: self, path: . }}\n"),
    );
    let err = failed_build(r);
    let lines: Vec<&str> = err.lines().filter(|l| l.contains(": error: ")).collect();
    assert_eq!(
        lines,
        [
            format!("site.yaml:{hetang_line}:3: error: 来源 `hetang` 又把本网站列为它的来源，汇总绕成了一个圈"),
            format!("site.yaml:{next}:3: error: 来源 `lianhua` 的文件夹 ../莲花县 不存在"),
            format!("site.yaml:{}:3: error: 来源 `empty` 的文件夹 ../空文件夹 里没有 site.yaml，不是一个网站", next + 1),
            format!("site.yaml:{}:3: error: 来源 `self` 指向的就是本网站自己", next + 2),
        ]
    );
    assert!(err.contains("保持原样"), "{err}");
    assert!(
        snapshot(&city.join("output")) == before,
        "a failed build changed the output"
    );

    // A key that is a folder the city already uses.
    write(&county, &county_yaml);
    write(
        &city.join("site.yaml"),
        &yaml.replace("key: hetang", "key: cases"),
    );
    let err = failed_build(r);
    assert!(
        err.contains(&format!(
            "site.yaml:{hetang_line}:3: error: 来源的 key `cases` 与本网站已用的网址 /cases/ 相同"
        )),
        "{err}"
    );
    // A county's own mistake is shown at its file, from the city's folder.
    write(&city.join("site.yaml"), &yaml);
    write(
        &tmp.path().join("章源县/content/cases/坏页.md"),
        "---\ntitle: [没有闭合\n---\n正文\n",
    );
    let err = failed_build(r);
    assert!(
        err.lines()
            .any(|l| l.starts_with("../章源县/content/cases/坏页.md:2:") && l.contains("error")),
        "{err}"
    );
    assert!(
        snapshot(&city.join("output")) == before,
        "a failed build changed the output"
    );
}

#[test]
fn the_city_is_searched_by_source_in_a_browser() {
    let tmp = tempfile::tempdir().unwrap();
    let city = city(tmp.path());
    let mut z = Running::start(&["serve", "--root", city.to_str().unwrap(), "--port", "0"]);
    let port = port_in(&z.wait_for("正在预览", 60));
    let browser = launch();
    let tab = browser.new_tab().expect("tab");
    let console = watch_console(&tab);
    let page = |query: &str| {
        tab.navigate_to(&format!(
            "http://127.0.0.1:{port}/search/index.html?{query}"
        ))
        .expect("navigate")
        .wait_until_navigated()
        .expect("loaded");
        wait_for(
            &tab,
            "document.getElementById('search-status').hasAttribute('data-total')",
            20,
        );
        let urls = eval(
            &tab,
            "JSON.stringify([...document.querySelectorAll('#search-results li.search-result a')].map(a => decodeURIComponent(new URL(a.href).pathname)).sort())",
        );
        serde_json::from_str::<Vec<String>>(urls.as_str().unwrap()).unwrap()
    };
    // One search over the city and both counties.
    assert_eq!(
        page("q=议事会"),
        [
            "/cases/市直机关/index.html",
            "/hetang/cases/禾塘社区/index.html",
            "/zhangyuan/cases/石门村/index.html",
            "/zhangyuan/speeches/动员会/index.html",
        ]
    );
    // `&source=KEY` keeps one county's pages, and the select shows it.
    assert_eq!(
        page("q=议事会&source=zhangyuan"),
        [
            "/zhangyuan/cases/石门村/index.html",
            "/zhangyuan/speeches/动员会/index.html",
        ]
    );
    assert_eq!(
        eval(&tab, "document.querySelector('select[name=source]').value"),
        "zhangyuan"
    );
    // The same through the API, with the other filters.
    let r = eval(
        &tab,
        "window.zhanting.search('议事会', { source: 'hetang', kind: 'case' }).then(r => JSON.stringify([r.total, r.results.map(x => x.title + '|' + x.source)]))",
    );
    assert_eq!(r.as_str().unwrap(), r#"[1,["禾塘社区楼栋议事会|hetang"]]"#);
    let r = eval(
        &tab,
        "window.zhanting.search('议事会', { source: 'zhangyuan', kind: 'case' }).then(r => r.total)",
    );
    assert_eq!(r, 1);
    assert!(console.errors().is_empty(), "{:?}", console.errors());
    drop(z);
}

#[test]
fn an_edit_in_a_county_folder_is_published_to_the_citys_deploy_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let city = city(tmp.path());
    let www = tmp.path().join("www");
    let mut z = Running::start(&[
        "watch",
        "--root",
        city.to_str().unwrap(),
        "--deploy-to",
        www.to_str().unwrap(),
    ]);
    z.wait_for("正在监视", 60);
    let zy = tmp.path().join("章源县/content/cases");
    let page = zy.join("石门村.md");
    let text = read(&page);
    write(&page, &text.replace("石门村村民议事会", "石门村村民议事日"));
    let line = z.wait_for("发布到", 30);
    assert!(!line.contains("，0 个文件有变化"), "{line}");
    let shown = read(&www.join("zhangyuan/cases/石门村/index.html"));
    assert!(
        shown.contains("石门村村民议事日"),
        "the edit was not published"
    );
    assert!(read(&www.join("cases/index.html")).contains("石门村村民议事日"));
    // A new page in the other county, then one deleted.
    write(
        &tmp.path().join("禾塘县/content/cases/新村.md"),
        "---\ntitle: 新村议事长廊\ndate: 2024-02-02\n---\n长廊里议事。\n",
    );
    z.wait_for("发布到", 30);
    assert!(www.join("hetang/cases/新村/index.html").is_file());
    std::fs::remove_file(zy.join("石门村.md")).unwrap();
    z.wait_for("发布到", 30);
    assert!(!www.join("zhangyuan/cases/石门村").exists());
    drop(z);

    // What was published is what a clean build makes.
    let clean = tmp.path().join("clean");
    build(&city, &["--output", clean.to_str().unwrap()]);
    let names = |v: &[(String, Vec<u8>)]| v.iter().map(|x| x.0.clone()).collect::<Vec<_>>();
    let (got, want) = (snapshot(&www), snapshot(&clean));
    assert_eq!(names(&got), names(&want));
    for ((p, a), (_, b)) in got.iter().zip(&want) {
        assert!(a == b, "{p} differs from a clean build");
    }
}
