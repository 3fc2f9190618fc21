//! Site search in real headless Chromium, on the built `search` fixture:
//! the JavaScript API, the search page (typing, filters, more results, URL
//! state), at /, under a sub-path and from file://.

mod common;
use common::browser::*;
use common::*;
use headless_chrome::Tab;
use serde_json::Value;
use std::path::Path;

fn search(tab: &Tab, q: &str, opts: &str) -> Value {
    let js = format!(
        "window.zhanting.search({}, {opts}).then(r => JSON.stringify(r))",
        Value::from(q)
    );
    let s = eval(tab, &js);
    serde_json::from_str(s.as_str().unwrap_or_else(|| panic!("search {q}: {s}"))).expect("json")
}

fn titles(r: &Value) -> Vec<String> {
    r["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|x| x["title"].as_str().unwrap_or("").to_string())
        .collect()
}

/// Console errors, leaving out theme assets this fixture does not need.
fn own_errors(c: &Console) -> Vec<String> {
    c.errors()
        .into_iter()
        .filter(|e| {
            !["style.css", "site.js", "favicon.svg"]
                .iter()
                .any(|a| e.contains(a))
        })
        .collect()
}

fn open(tab: &Tab, url: &str) {
    tab.navigate_to(url)
        .expect("navigate")
        .wait_until_navigated()
        .expect("loaded");
}

fn built(base: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let (t, root) = site("search");
    build(&root, &["--base-url", base]);
    (t, root)
}

#[test]
fn search_api_finds_exact_runs_ranks_and_filters() {
    let (_t, root) = built("/dangjian/");
    let out = root.join("output");
    let server = StaticServer::start(&out, "/dangjian/");
    let browser = launch();
    let tab = browser.new_tab().expect("tab");
    let console = watch_console(&tab);
    open(&tab, &server.url("/dangjian/search/index.html"));
    wait_for(
        &tab,
        "window.zhanting && typeof window.zhanting.search === 'function'",
        10,
    );

    // names and rare terms; title and metadata ahead of body
    let r = search(&tab, "陈仓区", "{}");
    assert_eq!(r["total"], 2, "{r}");
    assert_eq!(
        titles(&r),
        ["在陈仓区党建工作会议上的讲话", "在年度总结会上的讲话"]
    );
    let r = search(&tab, "文建明工作法", "{}");
    assert_eq!(
        titles(&r),
        ["文建明工作法的实践与启示", "在年度总结会上的讲话"]
    );
    let r = search(&tab, "格里坪", "{}");
    assert_eq!(titles(&r), ["文建明工作法的实践与启示"]);
    // the byline: the writer's name and post
    for q in ["龚晓岚", "区委组织部副部长"] {
        assert_eq!(
            titles(&search(&tab, q, "{}")),
            ["文建明工作法的实践与启示"],
            "{q}"
        );
    }
    // characters that occur only scattered do not match
    assert_eq!(search(&tab, "陈仓", "{}")["total"], 2);
    assert_eq!(search(&tab, "仓区", "{}")["total"], 2);
    assert_eq!(search(&tab, "陈家仓库", "{}")["total"], 0);
    // absent terms: no near-misses
    for q in ["不存在的词语", "陈仓县", "格里坪镇长", "zzqq"] {
        assert_eq!(search(&tab, q, "{}")["total"], 0, "{q}");
    }
    // mixed scripts, full-width = half-width
    for q in ["QQ群", "ＱＱ群", "qq群", "2013年", "２０１３年", "5130人"] {
        assert_eq!(
            titles(&search(&tab, q, "{}")),
            ["在陈仓区党建工作会议上的讲话"],
            "{q}"
        );
    }
    // single character
    assert_eq!(
        titles(&search(&tab, "坪", "{}")),
        ["文建明工作法的实践与启示"]
    );
    // punctuation inside a term is matched as typed, in that order;
    // only spaces separate words
    let r = search(&tab, "支部+协会", "{}");
    assert_eq!(titles(&r), ["在校地共建推进会上的讲话"], "{r}");
    let r = search(&tab, "1+1", "{}");
    assert_eq!(titles(&r), ["在校地共建推进会上的讲话"], "{r}");
    let snip = r["results"][0]["snippet"].as_str().unwrap_or_default();
    assert!(snip.contains("<mark>1+1</mark>"), "{snip}");
    assert_eq!(search(&tab, "支部，协会", "{}")["total"], 0);
    // both words apart: two pages
    assert_eq!(search(&tab, "支部 协会", "{}")["total"], 2);
    // spaces: AND
    assert_eq!(
        titles(&search(&tab, "陈仓区 文建明", "{}")),
        ["在年度总结会上的讲话"]
    );
    assert_eq!(search(&tab, "陈仓区 格里坪", "{}")["total"], 0);
    // filters with a query, and without one (browse, newest first)
    let r = search(&tab, "支部", "{kind: 'case'}");
    assert_eq!(r["total"], 12, "{r}");
    let r = search(&tab, "", "{region: '四川省攀枝花市仁和区'}");
    assert_eq!(
        titles(&r),
        ["红旗支部“先锋岗”品牌", "文建明工作法的实践与启示"]
    );
    assert_eq!(search(&tab, "", "{year: '2021', limit: 5}")["total"], 12);
    assert_eq!(
        search(&tab, "", "{year: 2021, sector: '社区', kind: 'case'}")["total"],
        12
    );
    assert_eq!(search(&tab, "网格", "{kind: 'speech'}")["total"], 0);
    // limit and offset
    let a = search(&tab, "网格", "{limit: 10}");
    assert_eq!(a["results"].as_array().unwrap().len(), 10);
    let b = search(&tab, "网格", "{limit: 10, offset: 10}");
    assert_eq!(b["results"].as_array().unwrap().len(), 2);
    // result fields and the escaped snippet
    let r = search(&tab, "格里坪", "{}");
    let hit = &r["results"][0];
    assert_eq!(hit["kind"], "case");
    assert_eq!(hit["date"], "2016-05-20");
    assert_eq!(hit["region"], "四川省攀枝花市仁和区");
    let snip = hit["snippet"].as_str().unwrap();
    assert!(snip.contains("<mark>格里坪</mark>"), "{snip}");
    assert!(snip.contains("a&lt;b &amp; c&gt;d"), "{snip}");
    assert!(!snip.contains("<b"), "{snip}");
    let r = search(&tab, "ＱＱ群", "{}");
    assert!(
        r["results"][0]["snippet"]
            .as_str()
            .unwrap()
            .contains("<mark>ＱＱ群</mark>"),
        "{r}"
    );
    // urls are relative to the page and lead to it
    let url = hit["url"].as_str().unwrap();
    assert_eq!(url, "../cases/wenjianming/index.html");
    assert!(
        own_errors(&console).is_empty(),
        "{:?}",
        own_errors(&console)
    );
}

#[test]
fn search_page_under_sub_path() {
    let (_t, root) = built("/dangjian/");
    let out = root.join("output");
    let server = StaticServer::start(&out, "/dangjian/");
    let browser = launch();
    let tab = browser.new_tab().expect("tab");
    let console = watch_console(&tab);

    // the header search box on any page leads here with ?q=
    open(&tab, &server.url("/dangjian/cases/scatter/index.html"));
    eval(&tab, "document.getElementById('site-q').value = '格里坪'; document.querySelector('form.site-search').submit(); 1");
    wait_for(
        &tab,
        "document.querySelectorAll('#search-results li.search-result').length === 1",
        10,
    );
    let href = eval(
        &tab,
        "document.querySelector('#search-results li.search-result a.search-title').href",
    );
    assert_eq!(
        href,
        Value::from(server.url("/dangjian/cases/wenjianming/index.html"))
    );
    let mark = eval(&tab, "document.querySelector('#search-results li.search-result p.search-snippet mark').textContent");
    assert_eq!(mark, "格里坪");
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('.search-form input[name=q]').value"
        ),
        "格里坪"
    );
    let meta = eval(
        &tab,
        "document.querySelector('#search-results li.search-result p.search-meta').textContent",
    );
    assert!(
        meta.as_str()
            .is_some_and(|m| m.starts_with("典型案例 · ") && m.contains("2016年5月20日")),
        "kind and date in Chinese form: {meta}"
    );

    // typing a query; the URL keeps it; more results
    eval(&tab, "document.getElementById('search-q').value = '网格'; document.querySelector('form.search-form').requestSubmit(); 1");
    wait_for(
        &tab,
        "document.querySelectorAll('#search-results li.search-result').length === 10",
        10,
    );
    assert!(eval(&tab, "location.search")
        .as_str()
        .unwrap()
        .contains("q=%E7%BD%91%E6%A0%BC"));
    assert!(
        eval(&tab, "document.getElementById('search-status').textContent")
            .as_str()
            .unwrap()
            .contains("12")
    );
    assert_eq!(
        eval(&tab, "document.querySelector('button.search-more').hidden"),
        false
    );
    eval(
        &tab,
        "document.querySelector('button.search-more').click(); 1",
    );
    wait_for(
        &tab,
        "document.querySelectorAll('#search-results li.search-result').length === 12",
        10,
    );
    assert_eq!(
        eval(&tab, "document.querySelector('button.search-more').hidden"),
        true
    );

    // filters come from the index and combine with the query
    let opts = eval(&tab, "Array.from(document.querySelector('.search-filters select[name=region]').options).map(o => o.value).join('|')");
    assert_eq!(
        opts,
        "|四川省攀枝花市仁和区|甘肃省兰州市城关区|陕西省宝鸡市渭滨区|陕西省宝鸡市陈仓区"
    );
    let years = eval(&tab, "Array.from(document.querySelector('select[name=year]').options).map(o => o.value).join('|')");
    assert_eq!(years, "|2021|2020|2019|2018|2016|2013");
    eval(&tab, "document.getElementById('search-q').value = '支部'; const s = document.querySelector('select[name=kind]'); s.value = 'speech'; s.dispatchEvent(new Event('change')); 1");
    wait_for(
        &tab,
        "document.getElementById('search-status').dataset.total === '3'",
        10,
    );
    assert!(eval(&tab, "location.search")
        .as_str()
        .unwrap()
        .contains("kind=speech"));

    // a bookmarked search with filters and no query (browse)
    open(&tab, &server.url("/dangjian/search/index.html?q=&kind=&region=%E5%9B%9B%E5%B7%9D%E7%9C%81%E6%94%80%E6%9E%9D%E8%8A%B1%E5%B8%82%E4%BB%81%E5%92%8C%E5%8C%BA&sector=&year="));
    wait_for(
        &tab,
        "document.querySelectorAll('#search-results li.search-result').length === 2",
        10,
    );
    assert_eq!(
        eval(&tab, "document.querySelector('select[name=region]').value"),
        "四川省攀枝花市仁和区"
    );
    // no results
    open(
        &tab,
        &server.url("/dangjian/search/index.html?q=%E4%B8%8D%E5%AD%98%E5%9C%A8%E7%9A%84%E8%AF%8D"),
    );
    wait_for(
        &tab,
        "document.getElementById('search-status').dataset.total === '0'",
        10,
    );
    assert_eq!(
        eval(
            &tab,
            "document.querySelectorAll('#search-results li').length"
        ),
        0
    );
    assert!(
        eval(&tab, "document.getElementById('search-status').textContent")
            .as_str()
            .unwrap()
            .contains("没有找到")
    );
    assert!(
        own_errors(&console).is_empty(),
        "{:?}",
        own_errors(&console)
    );
}

fn check_from(tab: &Tab, page_url: &str, expect_prefix: &str) {
    open(tab, page_url);
    wait_for(
        tab,
        "document.querySelectorAll('#search-results li.search-result').length === 2",
        10,
    );
    let first = eval(
        tab,
        "document.querySelector('#search-results li.search-result a').textContent",
    );
    assert_eq!(first, "在陈仓区党建工作会议上的讲话");
    let href = eval(
        tab,
        "document.querySelector('#search-results li.search-result a').href",
    );
    assert!(href.as_str().unwrap().starts_with(expect_prefix), "{href}");
    eval(
        tab,
        "document.querySelector('#search-results li.search-result a').click(); 1",
    );
    wait_for(tab, "document.querySelector('h1') && document.querySelector('h1').textContent.includes('陈仓区党建')", 10);
}

#[test]
fn search_page_at_root_and_from_disk() {
    let (_t, root) = built("/");
    let out = root.join("output");
    let server = StaticServer::start(&out, "/");
    let browser = launch();
    let tab = browser.new_tab().expect("tab");
    let console = watch_console(&tab);
    check_from(
        &tab,
        &server.url("/search/index.html?q=%E9%99%88%E4%BB%93%E5%8C%BA"),
        &server.url("/speeches/"),
    );
    let file = file_url(&out.join("search/index.html"));
    check_from(
        &tab,
        &format!("{file}?q=%E9%99%88%E4%BB%93%E5%8C%BA"),
        "file://",
    );
    assert!(
        own_errors(&console).is_empty(),
        "{:?}",
        own_errors(&console)
    );
    // every index file is UTF-8 JavaScript loaded with a charset
    let page = read(&out.join("search/index.html"));
    assert!(page.contains(r#"<script src="../assets/search.js" charset="utf-8"></script>"#));
    assert!(Path::new(&out.join("search/meta.js")).exists());
}

/// 40 cases hold both pairs of 基层党建 (基层 and 党建); only the 20 with an
/// even number hold the phrase, and so does the sample's page about the site. The index keeps no positions: the candidates
/// are checked against their own text while results are wanted, the total
/// is "at most" until every candidate is checked, and no page without the
/// phrase is ever shown.
#[test]
fn candidates_are_checked_against_their_text_page_by_page() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = empty_site(tmp.path());
    let cases = root.join("content/cases");
    std::fs::create_dir_all(&cases).unwrap();
    for i in 0..40 {
        let body = if i % 2 == 0 {
            format!("第{i}号：抓好基层党建，基层组织有力。")
        } else {
            format!("第{i}号：基层党组织健全，党建工作扎实。")
        };
        std::fs::write(
            cases.join(format!("c{i:02}.md")),
            format!(
                "---\ntitle: 案例{i:02}\ndate: 2022-03-{:02}\n---\n{body}\n",
                1 + i % 28
            ),
        )
        .unwrap();
    }
    build(&root, &[]);
    let out = root.join("output");
    let server = StaticServer::start(&out, "/");
    let browser = launch();
    let tab = browser.new_tab().expect("tab");
    let console = watch_console(&tab);
    open(&tab, &server.url("/search/index.html"));
    wait_for(
        &tab,
        "window.zhanting && typeof window.zhanting.search === 'function'",
        10,
    );
    let even = |r: &Value| {
        titles(r).iter().all(|t| {
            let n: u32 = t.trim_start_matches("案例").parse().unwrap_or(0);
            n.is_multiple_of(2)
        })
    };
    let first = search(&tab, "基层党建", "{limit: 10}");
    assert_eq!(first["results"].as_array().unwrap().len(), 10, "{first}");
    assert!(even(&first), "{first}");
    // not every candidate checked: the most there can be
    assert_eq!(first["exact"], false, "{first}");
    let total = first["total"].as_u64().unwrap();
    assert!((21..=41).contains(&total), "{first}");
    let second = search(&tab, "基层党建", "{limit: 10, offset: 10}");
    assert_eq!(second["results"].as_array().unwrap().len(), 10, "{second}");
    assert!(even(&second), "{second}");
    let mut seen: Vec<String> = titles(&first);
    seen.extend(titles(&second));
    let third = search(&tab, "基层党建", "{limit: 10, offset: 20}");
    assert!(even(&third), "{third}");
    seen.extend(titles(&third));
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 21, "{seen:?}");
    assert!(seen.contains(&"关于本平台".to_string()), "{seen:?}");
    // nothing after the 21st: now every candidate is checked
    assert_eq!(third["results"].as_array().unwrap().len(), 1, "{third}");
    assert_eq!(third["total"], 21, "{third}");
    assert_eq!(third["exact"], true, "{third}");
    // the pairs alone are exact at once
    let r = search(&tab, "党建", "{kind: 'case', limit: 5}");
    assert_eq!(
        (r["total"].as_u64(), r["exact"].as_bool()),
        (Some(40), Some(true))
    );
    // the search page says "about" while it cannot know yet
    open(
        &tab,
        &server.url("/search/index.html?q=%E5%9F%BA%E5%B1%82%E5%85%9A%E5%BB%BA"),
    );
    wait_for(
        &tab,
        "document.querySelectorAll('#search-results li.search-result').length === 10",
        10,
    );
    let status = eval(&tab, "document.getElementById('search-status').textContent");
    assert_eq!(
        status,
        Value::from(format!("共找到约 {total} 条结果（“基层党建”）"))
    );
    assert!(
        own_errors(&console).is_empty(),
        "{:?}",
        own_errors(&console)
    );
}
