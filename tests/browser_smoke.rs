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
