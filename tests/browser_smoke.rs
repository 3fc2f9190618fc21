//! The browser harness itself works: a built site opens in headless
//! Chromium over HTTP under a sub-path and from disk.

mod common;
use common::browser::*;
use common::*;

#[test]
fn built_site_opens_over_http_and_from_disk() {
    let (_t, root) = site("full");
    build(&root, &["--base-url", "/dangjian/"]);
    let out = root.join("output");
    let server = StaticServer::start(&out, "/dangjian/");
    let browser = launch();
    let tab = browser.new_tab().expect("tab");
    tab.navigate_to(&server.url("/dangjian/"))
        .expect("navigate")
        .wait_until_navigated()
        .expect("loaded");
    let title = eval(&tab, "document.title");
    assert!(
        title.as_str().unwrap_or("").contains("测试展厅"),
        "title: {title}"
    );
    tab.navigate_to(&file_url(&out.join("cases/qingshi/index.html")))
        .expect("navigate")
        .wait_until_navigated()
        .expect("loaded");
    let h1 = eval(&tab, "document.querySelector('h1').textContent");
    assert!(h1.as_str().unwrap_or("").contains("青石村"), "h1: {h1}");
}

#[test]
fn the_feed_opens_as_a_readable_page_in_a_browser() {
    let (_t, root) = site("full");
    build(&root, &["--base-url", "/dangjian/"]);
    let out = root.join("output");
    let server = StaticServer::start(&out, "/dangjian/");
    let browser = launch();
    let tab = browser.new_tab().expect("tab");
    tab.navigate_to(&server.url("/dangjian/feed.xml"))
        .expect("navigate")
        .wait_until_navigated()
        .expect("loaded");
    wait_for(&tab, "document.querySelector('#feed h1') !== null", 10);
    let page: serde_json::Value = serde_json::from_str(
        eval(
            &tab,
            "JSON.stringify({ h1: document.querySelector('#feed h1').textContent, \
             title: document.title, \
             note: document.querySelector('.feed-note').textContent, \
             links: [...document.querySelectorAll('.feed-item h2 a')].map(a => a.href) })",
        )
        .as_str()
        .expect("a JSON string"),
    )
    .expect("JSON");
    assert_eq!(page["h1"], "测试展厅", "{page}");
    assert_eq!(page["title"], "测试展厅 — 订阅源", "{page}");
    assert!(
        page["note"]
            .as_str()
            .unwrap_or("")
            .starts_with("这是本站的订阅源。"),
        "{page}"
    );
    let links: Vec<&str> = page["links"]
        .as_array()
        .expect("links")
        .iter()
        .filter_map(|l| l.as_str())
        .collect();
    let feed = read(&out.join("feed.xml"));
    assert_eq!(links.len(), feed.matches("<entry>").count(), "{links:?}");
    assert!(!links.is_empty());
    // every entry link opens its page on this server
    for link in links {
        let path = link
            .strip_prefix(&server.url("/dangjian/"))
            .unwrap_or_else(|| panic!("{link} is not on the site"));
        let file = out.join(
            percent_encoding::percent_decode_str(path)
                .decode_utf8_lossy()
                .as_ref(),
        );
        assert!(file.join("index.html").is_file(), "{link}");
    }
}
