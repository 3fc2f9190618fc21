//! Live reload in a real browser: a page opened from `zhanting serve`
//! reloads by itself after an edit, shows a broken edit's error over the last
//! good page, and clears it once the file is fixed.

mod common;
use common::browser::*;
use common::live::{port_in, Running};
use common::site;

#[test]
fn open_page_reloads_and_shows_then_clears_the_error_overlay() {
    let (_t, root) = site("full");
    let mut z = Running::start(&["serve", "--root", root.to_str().unwrap(), "--port", "0"]);
    let port = port_in(&z.wait_for("正在预览", 60));
    let browser = launch();
    let tab = browser.new_tab().expect("tab");
    let console = watch_console(&tab);
    tab.navigate_to(&format!("http://127.0.0.1:{port}/speeches/second/"))
        .expect("navigate")
        .wait_until_navigated()
        .expect("loaded");
    wait_for(
        &tab,
        "document.body.textContent.includes('机关作风建设关系到群众对党的信任')",
        10,
    );
    // A marker that only survives as long as the page is not reloaded.
    eval(&tab, "window.__kept = 1; true");

    let page = root.join("content/speeches/second.md");
    let good = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        good.replace("关系到群众对党的信任", "关系到群众对党的信任和拥护"),
    )
    .unwrap();
    wait_for(&tab, "document.body && document.body.textContent.includes('群众对党的信任和拥护') && window.__kept === undefined", 20);

    eval(&tab, "window.__kept = 2; true");
    std::fs::write(&page, good.replace("date: 2015-03-02", "date: 2015-02-30")).unwrap();
    let overlay = wait_for(
        &tab,
        "(document.getElementById('zhanting-error') || {}).textContent",
        20,
    );
    let text = overlay.as_str().unwrap_or("");
    // All in Chinese: the heading, the message and its hint, the count.
    assert!(
        text.starts_with("构建失败 —— 改好文件再保存，页面会自动刷新\n\ncontent/"),
        "overlay: {text}"
    );
    assert!(
        text.contains(
            "\ncontent/speeches/second.md:3:7: error: 日期 `2015-02-30` 不存在\n  \
             提示：这个月没有这一天，请核对月和日\n"
        ),
        "overlay: {text}"
    );
    // (the four warnings of the fixture come with the error)
    assert!(
        text.ends_with("\n共 1 个错误，4 个警告\n"),
        "overlay: {text}"
    );
    assert!(!text.contains("error(s)"), "overlay: {text}");
    assert_eq!(
        eval(&tab, "window.__kept"),
        serde_json::json!(2),
        "the last good page stays, not reloaded"
    );
    assert!(eval(
        &tab,
        "document.body.textContent.includes('群众对党的信任和拥护')"
    )
    .as_bool()
    .unwrap_or(false));

    std::fs::write(
        &page,
        good.replace("关系到群众对党的信任", "关系到群众对党的信赖"),
    )
    .unwrap();
    wait_for(&tab, "document.body && document.body.textContent.includes('群众对党的信赖') && !document.getElementById('zhanting-error')", 20);
    z.wait_for("已构建", 10);
    let errors: Vec<String> = console
        .errors()
        .into_iter()
        .filter(|e| e.starts_with("exception"))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
}
