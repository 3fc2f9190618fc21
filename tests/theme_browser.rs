//! The default theme in real headless Chromium: layout at phone and desktop
//! widths, accessibility (axe-core), the 字号 and 适老化 switches, print,
//! JavaScript off, keyboard use and page weight.
//!
//! Set ZHANTING_SCREENSHOTS=DIR to also save screenshots of the pages
//! (NAME-WIDTH-N.png, in 1200 px tall pieces) for looking at the design.

mod common;
use common::browser::*;
use common::*;
use headless_chrome::protocol::cdp::{Emulation, Page};
use headless_chrome::{Browser, Tab};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Pages of the fixture site, as (name, path under the site root).
const PAGES: &[(&str, &str)] = &[
    ("home", "index.html"),
    ("list", "speeches/index.html"),
    ("list-page-2", "speeches/page/2/index.html"),
    ("brands", "brands/index.html"),
    ("speech", "speeches/liangwei/index.html"),
    ("case", "cases/qingshi/index.html"),
    ("wide", "cases/wide/index.html"),
    ("brand", "brands/hongfan/index.html"),
    ("page", "about/index.html"),
    ("terms", "regions/index.html"),
    (
        "term",
        "tags/%E5%9F%BA%E5%B1%82%E6%B2%BB%E7%90%86/index.html",
    ),
    ("search", "search/index.html"),
    ("404", "404.html"),
];

/// Content that tries to break the layout: an unbroken URL, a wide table,
/// a long code line and a long Latin word.
const WIDE_CASE: &str = "---
title: 一篇内容特别宽的案例：检验长网址、宽表格和长代码行不会撑破页面
date: 2020-02-02
region: 陕西省北山市南塬县
sector: 农村
organization: 某某县某某镇某某村党支部委员会联合工作组临时办公室
tags: [基层治理]
---
原文地址：https://www.example.gov.cn/dangjian/jiceng/2020/02/02/a-very-long-path-without-any-break-opportunities-at-all-0123456789abcdef.html

Pneumonoultramicroscopicsilicovolcanoconiosisandotherverylongwordswithoutspaces

| 序号 | 单位名称 | 党员人数 | 支部书记 | 联系电话 | 成立时间 | 所属领域 | 品牌名称 | 主要做法 | 取得成效 | 备注说明 | 联系人 |
|---|---|---|---|---|---|---|---|---|---|---|---|
| 1 | 某某县某某镇某某村党支部委员会 | 37 | 张某某 | 0913-1234567 | 2012年3月 | 农村 | 红色引擎 | 四议两公开 | 群众满意 | 无 | 李某某 |

```
zhanting build --root /srv/dangjian/site --output /srv/dangjian/output --base-url /dangjian/ --drafts --very-long-option-name
```
";

/// Builds the fixture site (plus the wide page) under /dangjian/ and serves it.
fn served_site() -> (tempfile::TempDir, PathBuf, StaticServer) {
    let (t, root) = site("full");
    std::fs::write(root.join("content/cases/wide.md"), WIDE_CASE).expect("write wide case");
    build(&root, &["--base-url", "/dangjian/"]);
    let out = root.join("output");
    let server = StaticServer::start(&out, "/dangjian/");
    (t, out, server)
}

/// The pages that exist in this build (search only when the theme has it).
fn pages(out: &Path) -> Vec<(&'static str, &'static str)> {
    PAGES
        .iter()
        .copied()
        .filter(|(_, p)| {
            out.join(
                percent_encoding::percent_decode_str(p)
                    .decode_utf8_lossy()
                    .as_ref(),
            )
            .is_file()
        })
        .collect()
}

fn open(tab: &Arc<Tab>, url: &str) {
    tab.navigate_to(url)
        .expect("navigate")
        .wait_until_navigated()
        .expect("loaded");
    wait_for(tab, "document.readyState === 'complete'", 10);
}

fn tab_of(browser: &Browser) -> Arc<Tab> {
    let tab = browser.new_tab().expect("tab");
    tab.set_default_timeout(std::time::Duration::from_secs(20));
    tab
}

/// Makes the tab's viewport exactly `width` × `height` CSS pixels.
fn set_viewport(tab: &Tab, width: u32, height: u32) {
    tab.call_method(Emulation::SetDeviceMetricsOverride {
        width,
        height,
        device_scale_factor: 1.0,
        mobile: width < 600,
        scale: None,
        screen_width: None,
        screen_height: None,
        position_x: None,
        position_y: None,
        dont_set_visible_size: None,
        screen_orientation: None,
        viewport: None,
        display_feature: None,
        device_posture: None,
    })
    .expect("set device metrics");
}

fn set_width(tab: &Tab, width: u32) {
    set_viewport(tab, width, 900);
}

/// Saves the whole page in 1200 px tall pieces when ZHANTING_SCREENSHOTS is set.
fn screenshot(tab: &Tab, name: &str, width: u32) {
    let Some(dir) = std::env::var_os("ZHANTING_SCREENSHOTS") else {
        return;
    };
    let dir = PathBuf::from(dir);
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    let height = eval(tab, "document.documentElement.scrollHeight")
        .as_f64()
        .unwrap_or(900.0)
        .min(12000.0);
    set_viewport(tab, width, height as u32);
    let mut y = 0.0;
    let mut n = 1;
    while y < height {
        let h = (height - y).min(1200.0);
        let clip = Page::Viewport {
            x: 0.0,
            y,
            width: width as f64,
            height: h,
            scale: 1.0,
        };
        let png = tab
            .capture_screenshot(
                Page::CaptureScreenshotFormatOption::Png,
                None,
                Some(clip),
                true,
            )
            .expect("screenshot");
        std::fs::write(dir.join(format!("{name}-{width}-{n}.png")), png).expect("write screenshot");
        y += h;
        n += 1;
    }
    set_width(tab, width);
}

#[test]
fn pages_fit_phone_and_desktop_widths_without_console_errors() {
    let (_t, out, server) = served_site();
    let pages = pages(&out);
    assert!(pages.len() >= 12, "fixture pages missing: {pages:?}");
    for width in [375u32, 1280] {
        let browser = launch_sized(width, 900);
        let tab = tab_of(&browser);
        set_width(&tab, width);
        let console = watch_console(&tab);
        for (name, path) in &pages {
            open(&tab, &server.url(&format!("/dangjian/{path}")));
            let inner = eval(&tab, "window.innerWidth").as_u64().unwrap_or(0);
            assert_eq!(
                inner, width as u64,
                "{name}: viewport is not {width} px wide"
            );
            let (scroll, client) = (
                eval(&tab, "document.documentElement.scrollWidth")
                    .as_u64()
                    .unwrap_or(u64::MAX),
                eval(&tab, "document.documentElement.clientWidth")
                    .as_u64()
                    .unwrap_or(0),
            );
            let wide = eval(
                &tab,
                "Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className).join(', ')",
            );
            assert!(scroll <= client, "{name} at {width}px scrolls sideways: scrollWidth {scroll} > clientWidth {client}; too wide: {wide}");
            let h1 = eval(&tab, "document.querySelectorAll('h1').length").as_u64();
            assert_eq!(h1, Some(1), "{name}: a page has exactly one h1");
            screenshot(&tab, name, width);
        }
        let errors = console.errors();
        assert!(
            errors.is_empty(),
            "console errors at {width}px: {errors:#?}"
        );
    }
}

/// Injects axe-core from disk and returns the serious and critical violations.
fn axe(tab: &Tab) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser/node_modules/axe-core/axe.min.js");
    let src = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (scripts/test.sh installs axe-core)",
            path.display()
        )
    });
    eval(tab, &format!("{src};0"));
    let v = eval(
        tab,
        "axe.run(document, { resultTypes: ['violations'] }).then(r => r.violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.slice(0, 4).map(n => n.target.join(' ')).join(' | ')))",
    );
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn axe_finds_no_serious_or_critical_violations() {
    let (_t, out, server) = served_site();
    let browser = launch();
    let tab = tab_of(&browser);
    let mut report = vec![];
    let mut checked = vec![];
    for (name, path) in pages(&out) {
        open(&tab, &server.url(&format!("/dangjian/{path}")));
        for v in axe(&tab) {
            report.push(format!("{name}: {v}"));
        }
        checked.push(name);
    }
    // The same pages read in 适老化 mode at a phone width.
    set_width(&tab, 375);
    eval(&tab, "localStorage.setItem('zhanting-elder', '1'); localStorage.setItem('zhanting-font-size', 'l'); 0");
    for (name, path) in [
        ("home", "index.html"),
        ("case", "cases/qingshi/index.html"),
        ("brand", "brands/hongfan/index.html"),
    ] {
        open(&tab, &server.url(&format!("/dangjian/{path}")));
        assert_eq!(
            eval(&tab, "document.documentElement.classList.contains('elder')"),
            Value::Bool(true)
        );
        for v in axe(&tab) {
            report.push(format!("{name} (适老化): {v}"));
        }
    }
    assert!(checked.len() >= 12, "pages checked: {checked:?}");
    assert!(
        report.is_empty(),
        "axe-core violations:\n{}",
        report.join("\n")
    );
}

fn root_font_px(tab: &Tab) -> f64 {
    eval(
        tab,
        "parseFloat(getComputedStyle(document.documentElement).fontSize)",
    )
    .as_f64()
    .unwrap_or(0.0)
}

fn click(tab: &Tab, selector: &str) {
    tab.find_element(selector)
        .unwrap_or_else(|e| panic!("{selector}: {e}"))
        .click()
        .unwrap_or_else(|e| panic!("click {selector}: {e}"));
}

/// Records `<html>`'s classes at the moment `<body>` appears, before
/// anything can be painted.
const FIRST_PAINT_PROBE: &str = "new MutationObserver(function (m, o) {
    if (document.body) { window.__classesAtBody = document.documentElement.className; o.disconnect(); }
}).observe(document, { childList: true, subtree: true });";

#[test]
fn font_size_and_elder_mode_are_remembered_and_applied_before_first_paint() {
    let (_t, _out, server) = served_site();
    let browser = launch();
    let tab = tab_of(&browser);
    let console = watch_console(&tab);
    tab.call_method(Page::AddScriptToEvaluateOnNewDocument {
        source: FIRST_PAINT_PROBE.into(),
        world_name: None,
        include_command_line_api: None,
        run_immediately: None,
    })
    .expect("probe");
    let case = server.url("/dangjian/cases/qingshi/index.html");
    open(&tab, &case);
    let normal = root_font_px(&tab);
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('[data-fs=m]').getAttribute('aria-pressed')"
        ),
        Value::from("true")
    );

    click(&tab, "[data-fs=l]");
    let large = root_font_px(&tab);
    assert!(large > normal, "大 makes text larger: {large} vs {normal}");
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('[data-fs=l]').getAttribute('aria-pressed')"
        ),
        Value::from("true")
    );

    tab.reload(false, None)
        .expect("reload")
        .wait_until_navigated()
        .expect("reloaded");
    wait_for(&tab, "document.readyState === 'complete'", 10);
    assert_eq!(root_font_px(&tab), large, "大 is kept after a reload");
    let at_body = eval(&tab, "window.__classesAtBody")
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        at_body.split(' ').any(|c| c == "fs-l"),
        "size class set before <body> is parsed (no flash), was {at_body:?}"
    );

    // Another page of the site, then 小.
    open(&tab, &server.url("/dangjian/speeches/index.html"));
    assert_eq!(root_font_px(&tab), large, "大 applies on every page");
    click(&tab, "[data-fs=s]");
    assert!(root_font_px(&tab) < normal, "小 makes text smaller");
    click(&tab, "[data-fs=m]");
    assert_eq!(root_font_px(&tab), normal);

    // 适老化: larger text, line spacing at least 1.5, bigger click targets; remembered.
    open(&tab, &case);
    click(&tab, "[data-elder]");
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('[data-elder]').getAttribute('aria-pressed')"
        ),
        Value::from("true")
    );
    tab.reload(false, None)
        .expect("reload")
        .wait_until_navigated()
        .expect("reloaded");
    wait_for(&tab, "document.readyState === 'complete'", 10);
    assert_eq!(
        eval(&tab, "document.documentElement.classList.contains('elder')"),
        Value::Bool(true),
        "适老化 kept after reload"
    );
    assert!(
        eval(&tab, "window.__classesAtBody")
            .as_str()
            .unwrap_or("")
            .contains("elder"),
        "适老化 applied before first paint"
    );
    assert!(root_font_px(&tab) > normal, "适老化 enlarges text");
    let spacing = eval(
        &tab,
        "(function(){ const s = getComputedStyle(document.querySelector('.content p')); return parseFloat(s.lineHeight) / parseFloat(s.fontSize); })()",
    );
    assert!(
        spacing.as_f64().unwrap_or(0.0) >= 1.5,
        "line spacing {spacing}"
    );
    let smallest = eval(
        &tab,
        "Math.min(...Array.from(document.querySelectorAll('.site-nav a, .prefs button, .site-search button')).map(e => e.getBoundingClientRect().height))",
    );
    assert!(
        smallest.as_f64().unwrap_or(0.0) >= 44.0,
        "click targets at least 44 px high in 适老化, smallest {smallest}"
    );
    click(&tab, "[data-elder]");
    assert_eq!(
        eval(&tab, "document.documentElement.classList.contains('elder')"),
        Value::Bool(false)
    );
    assert!(
        console.errors().is_empty(),
        "console errors: {:#?}",
        console.errors()
    );
}

#[test]
fn switches_work_without_storage_on_file_urls() {
    let (_t, out, _server) = served_site();
    let browser = launch();
    let tab = tab_of(&browser);
    let console = watch_console(&tab);
    // As on browsers that refuse storage to file:// pages.
    tab.call_method(Page::AddScriptToEvaluateOnNewDocument {
        source: "Object.defineProperty(window, 'localStorage', { get: function () { throw new DOMException('denied', 'SecurityError'); } });".into(),
        world_name: None,
        include_command_line_api: None,
        run_immediately: None,
    })
    .expect("block storage");
    open(&tab, &file_url(&out.join("cases/qingshi/index.html")));
    assert_eq!(
        eval(&tab, "document.documentElement.classList.contains('js')"),
        Value::Bool(true),
        "site.js ran"
    );
    let normal = root_font_px(&tab);
    click(&tab, "[data-fs=l]");
    assert!(root_font_px(&tab) > normal, "大 still works for this page");
    click(&tab, "[data-elder]");
    assert_eq!(
        eval(&tab, "document.documentElement.classList.contains('elder')"),
        Value::Bool(true)
    );
    assert!(
        console.errors().is_empty(),
        "console errors: {:#?}",
        console.errors()
    );
}

#[test]
fn print_hides_navigation_and_shows_the_page_address() {
    let (_t, _out, server) = served_site();
    let browser = launch();
    let tab = tab_of(&browser);
    let url = server.url("/dangjian/speeches/liangwei/index.html");
    open(&tab, &url);
    assert_eq!(
        eval(
            &tab,
            "getComputedStyle(document.querySelector('.print-url')).display"
        ),
        Value::from("none")
    );
    tab.call_method(Emulation::SetEmulatedMedia {
        media: Some("print".into()),
        features: None,
    })
    .expect("print media");
    for sel in [
        ".site-nav",
        ".site-header",
        ".breadcrumb",
        ".site-footer",
        ".neighbours",
        ".btn-print",
    ] {
        assert_eq!(
            eval(
                &tab,
                &format!("getComputedStyle(document.querySelector('{sel}')).display")
            ),
            Value::from("none"),
            "{sel} printed"
        );
    }
    assert_ne!(
        eval(
            &tab,
            "getComputedStyle(document.querySelector('.content')).display"
        ),
        Value::from("none")
    );
    assert_eq!(
        eval(
            &tab,
            "getComputedStyle(document.querySelector('.print-url')).display"
        ),
        Value::from("block")
    );
    let printed = eval(&tab, "document.querySelector('.print-url').textContent");
    assert!(
        printed.as_str().unwrap_or("").contains(&url),
        "printed address {printed} is the page's URL {url}"
    );
    // The whole text is printed: nothing in the article is cut off or hidden.
    let hidden = eval(&tab, "Array.from(document.querySelectorAll('.content *')).filter(e => getComputedStyle(e).display === 'none').length");
    assert_eq!(hidden, Value::from(0));
    let pdf = tab.print_to_pdf(None).expect("print to PDF");
    assert!(pdf.starts_with(b"%PDF"), "prints");
}

#[test]
fn lists_and_pages_work_with_javascript_off() {
    let (_t, _out, server) = served_site();
    let browser = launch();
    let tab = tab_of(&browser);
    tab.call_method(Emulation::SetScriptExecutionDisabled { value: true })
        .expect("disable JS");
    open(&tab, &server.url("/dangjian/cases/index.html"));
    let items = tab
        .find_elements(".items .item-title a")
        .expect("list items");
    assert!(!items.is_empty(), "the list shows its pages");
    // A real mouse click at the link (Element::click would run JavaScript).
    let at = items[0].get_midpoint().expect("link position");
    tab.click_point(at).expect("click first item");
    tab.wait_until_navigated().expect("navigated");
    let h1 = tab
        .find_element("h1")
        .expect("h1")
        .get_inner_text()
        .expect("text");
    assert!(!h1.is_empty());
    let content = tab
        .find_element(".content")
        .expect("content")
        .get_inner_text()
        .expect("text");
    assert!(content.chars().count() > 5, "article text shown: {content}");
    // Controls that need JavaScript are not shown.
    let prefs = tab.find_element(".prefs").expect("prefs");
    let display = prefs
        .call_js_fn(
            "function () { return getComputedStyle(this).display; }",
            vec![],
            false,
        )
        .expect("style")
        .value;
    assert_eq!(
        display,
        Some(Value::from("none")),
        "字号 buttons hidden without JavaScript"
    );
    let nav = tab.find_elements(".site-nav a").expect("nav");
    assert!(nav.len() >= 4);
}

#[test]
fn keyboard_reaches_skip_link_and_focus_is_visible() {
    let (_t, _out, server) = served_site();
    let browser = launch();
    let tab = tab_of(&browser);
    open(&tab, &server.url("/dangjian/cases/qingshi/index.html"));
    tab.press_key("Tab").expect("tab");
    assert_eq!(
        eval(&tab, "document.activeElement.className"),
        Value::from("skip-link")
    );
    let top = eval(&tab, "document.activeElement.getBoundingClientRect().top")
        .as_f64()
        .unwrap_or(-1.0);
    assert!(top >= 0.0, "focused skip link is on screen");
    tab.press_key("Enter").expect("enter");
    wait_for(
        &tab,
        "document.activeElement && document.activeElement.id === 'main'",
        5,
    );
    // Tab on: every focused control shows an outline.
    for _ in 0..6 {
        tab.press_key("Tab").expect("tab");
        let outline = eval(&tab, "(function(){ const s = getComputedStyle(document.activeElement); return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2; })()");
        let which = eval(&tab, "document.activeElement.outerHTML.slice(0, 80)");
        assert_eq!(outline, Value::Bool(true), "no visible focus on {which}");
    }
}

#[test]
fn an_article_page_weighs_under_60_kb_before_images() {
    let (_t, _out, server) = served_site();
    let browser = launch();
    let tab = tab_of(&browser);
    server.reset_log();
    open(&tab, &server.url("/dangjian/speeches/liangwei/index.html"));
    let log = server.log.lock().expect("log").clone();
    let (mut html, mut css, mut js) = (0, 0, 0);
    for (path, bytes) in &log {
        if path.ends_with(".html") || path.ends_with('/') {
            html += bytes;
        } else if path.ends_with(".css") {
            css += bytes;
        } else if path.ends_with(".js") {
            js += bytes;
        }
    }
    assert!(
        html > 0 && css > 0 && js > 0,
        "page, style and script were loaded: {log:?}"
    );
    let total = html + css + js;
    assert!(
        total < 60 * 1024,
        "article page is {total} bytes (HTML {html}, CSS {css}, JS {js}), over 60 KB"
    );
}

/// The sample site's brand page: a figure with its caption, a 图集 and a
/// video. The gallery's larger view works with the keyboard alone, the
/// video loads, and axe-core finds nothing serious.
#[test]
fn sample_gallery_opens_a_larger_view_by_keyboard_and_the_video_loads() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("site");
    let (code, _, err) = run(&["init", root.to_str().expect("utf-8")]);
    assert_eq!(code, 0, "{err}");
    build(&root, &[]);
    let server = StaticServer::start(&root.join("output"), "/");
    let browser = launch();
    let tab = tab_of(&browser);
    let console = watch_console(&tab);
    open(
        &tab,
        &server.url("/brands/%E7%A8%BB%E9%A6%99%E5%85%88%E9%94%8B/index.html"),
    );
    assert_eq!(
        eval(
            &tab,
            "document.querySelector('.content figure figcaption').textContent"
        ),
        Value::from("稻田党课：党员和群众在田埂上听课（示意图）")
    );
    // Tab to the first thumbnail, Enter: the dialog shows its larger size.
    eval(&tab, "document.querySelector('.gallery h2').setAttribute('tabindex', '-1'); document.querySelector('.gallery h2').focus(); 0");
    tab.press_key("Tab").expect("tab");
    assert_eq!(
        eval(&tab, "document.activeElement.className"),
        Value::from("gallery-link")
    );
    tab.press_key("Enter").expect("enter");
    wait_for(
        &tab,
        "document.querySelector('dialog.lightbox[open]') !== null",
        5,
    );
    assert_eq!(
        eval(&tab, "document.activeElement.getAttribute('aria-label')"),
        Value::from("关闭")
    );
    let shown = || {
        eval(&tab, "decodeURI(document.querySelector('dialog.lightbox img').src.split('/').pop()) + ' | ' + document.querySelector('dialog.lightbox p').textContent")
    };
    assert_eq!(
        shown(),
        Value::from("合作社.png | 富硒稻米合作社的仓库，稻谷统一收购、统一销售　（1/3）")
    );
    tab.press_key("ArrowRight").expect("right");
    assert_eq!(
        shown(),
        Value::from("党员联户.png | 党员联系农户，一户不落　（2/3）")
    );
    tab.press_key("ArrowLeft").expect("left");
    tab.press_key("ArrowLeft").expect("left");
    assert_eq!(shown(), Value::from("丰收.png | （3/3）"));
    wait_for(
        &tab,
        "document.querySelector('dialog.lightbox img').complete && document.querySelector('dialog.lightbox img').naturalWidth > 0",
        5,
    );
    let open_view = axe(&tab);
    assert!(
        open_view.is_empty(),
        "axe-core, larger view open: {open_view:?}"
    );
    tab.press_key("Escape").expect("escape");
    wait_for(
        &tab,
        "document.querySelector('dialog.lightbox[open]') === null",
        5,
    );
    assert_eq!(
        eval(&tab, "document.activeElement.className"),
        Value::from("gallery-link"),
        "the focus goes back to the thumbnail"
    );
    // The video: its metadata loads (a real H.264 file the browser reads).
    wait_for(
        &tab,
        "document.querySelector('video').readyState >= 1 && document.querySelector('video').videoWidth > 0",
        10,
    );
    let page = axe(&tab);
    assert!(page.is_empty(), "axe-core: {page:?}");
    assert!(console.errors().is_empty(), "{:?}", console.errors());
}
