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
use std::sync::{Arc, OnceLock};

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
    ("overview", "overview/index.html"),
    ("region", "regions/%E9%99%95%E8%A5%BF%E7%9C%81/index.html"),
    ("topics", "topics/index.html"),
    (
        "topic",
        "topics/%E5%9F%BA%E5%B1%82%E6%B2%BB%E7%90%86/index.html",
    ),
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

/// The built fixture site and the server that serves it under /dangjian/.
struct Served {
    out: PathBuf,
    server: StaticServer,
}

/// Builds the fixture site (plus the wide page, and a site title as long as
/// a county's real one) once for all tests of this file, under Cargo's
/// per-target temporary folder, and serves it. The tests only read it.
fn served_site() -> &'static Served {
    static SITE: OnceLock<Served> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("theme_browser");
        if dir.exists() {
            std::fs::remove_dir_all(&dir).expect("remove the last run's site");
        }
        let root = dir.join("site");
        copy_dir(&fixture("full"), &root);
        std::fs::write(root.join("content/cases/wide.md"), WIDE_CASE).expect("write wide case");
        let yaml = std::fs::read_to_string(root.join("site.yaml")).expect("read site.yaml");
        assert!(
            yaml.contains("title: 测试展厅\n"),
            "fixture title changed: {yaml}"
        );
        let yaml = yaml.replace(
            "title: 测试展厅\n",
            "title: 中共南塬县委组织部党建工作展厅\n",
        );
        std::fs::write(root.join("site.yaml"), yaml).expect("write site.yaml");
        build(&root, &["--base-url", "/dangjian/"]);
        let out = root.join("output");
        let server = StaticServer::start(&out, "/dangjian/");
        Served { out, server }
    })
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
    let Served { out, server } = served_site();
    let pages = pages(out);
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
    axe_run(
        tab,
        // The fixture's raw-HTML <img> without alt is the author's (it is
        // there to test the sanitizer), not the theme's.
        "{ exclude: [['.content img:not([alt])']] }, { resultTypes: ['violations'] }",
        "v.impact === 'serious' || v.impact === 'critical'",
    )
}

/// Text under 7:1 contrast (4.5:1 for large text), WCAG AAA, which the
/// 适老化 mode meets.
fn axe_enhanced_contrast(tab: &Tab) -> Vec<String> {
    axe_run(
        tab,
        "document, { runOnly: ['color-contrast-enhanced'] }",
        "true",
    )
}

/// Runs axe-core with `args` (context and options) and returns the
/// violations where `filter` (on `v`) holds.
fn axe_run(tab: &Tab, args: &str, filter: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/browser/node_modules/axe-core/axe.min.js");
    let src = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (scripts/test.sh installs axe-core)",
            path.display()
        )
    });
    if eval(tab, "typeof window.axe") != "object" {
        eval(tab, &format!("{src};0"));
    }
    let v = eval(
        tab,
        &format!("axe.run({args}).then(r => JSON.stringify(r.violations
            .filter(v => {filter})
            .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' at ' + v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' ' + (n.any[0] ? n.any[0].message : '')).join(' | '))))"),
    );
    // Objects do not come back from the page: the list comes as JSON.
    let v: Value = serde_json::from_str(v.as_str().unwrap_or("null"))
        .unwrap_or_else(|e| panic!("axe-core did not run: {v} ({e})"));
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
    let Served { out, server } = served_site();
    let browser = launch();
    let tab = tab_of(&browser);
    let mut report = vec![];
    let mut checked = vec![];
    for (name, path) in pages(out) {
        open(&tab, &server.url(&format!("/dangjian/{path}")));
        for v in axe(&tab) {
            report.push(format!("{name}: {v}"));
        }
        checked.push(name);
    }
    // The same pages read in 适老化 mode at a phone width, with large
    // text; and in 适老化 every text at 7:1 (at the mode's smallest size).
    set_width(&tab, 375);
    eval(&tab, "localStorage.setItem('zhanting-elder', '1'); localStorage.setItem('zhanting-font-size', 'l'); 0");
    for (name, path) in pages(out) {
        open(&tab, &server.url(&format!("/dangjian/{path}")));
        assert_eq!(
            eval(&tab, "document.documentElement.classList.contains('elder')"),
            Value::Bool(true)
        );
        for v in axe(&tab) {
            report.push(format!("{name} (适老化): {v}"));
        }
        set_classes(&tab, "m", true);
        for v in axe_enhanced_contrast(&tab) {
            report.push(format!("{name} (适老化, 7:1): {v}"));
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
    let Served { server, .. } = served_site();
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
    let Served { out, .. } = served_site();
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
    let Served { server, .. } = served_site();
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
    let Served { server, .. } = served_site();
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
    // The article, not the list still unloading: wait for its URL and heading.
    wait_for(
        &tab,
        "location.pathname !== '/dangjian/cases/index.html' && document.readyState === 'complete' && document.querySelector('h1') !== null",
        20,
    );
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
    let Served { server, .. } = served_site();
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
    // A server of its own: the shared one's log sees the other tests' requests.
    let server = StaticServer::start(&served_site().out, "/dangjian/");
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

/// The reading modes of the 字号 and 适老化 switches, as (name, 字号, 适老化).
const MODES: &[(&str, &str, bool)] = &[
    ("normal", "m", false),
    ("large", "l", false),
    ("elder", "m", true),
    ("elder+large", "l", true),
];

/// Stores a reading mode as the switches do; the next page loaded applies it.
fn set_mode(tab: &Tab, fs: &str, elder: bool) {
    eval(
        tab,
        &format!(
            "localStorage.setItem('zhanting-font-size', '{fs}'); {}; 0",
            if elder {
                "localStorage.setItem('zhanting-elder', '1')"
            } else {
                "localStorage.removeItem('zhanting-elder')"
            }
        ),
    );
}

/// JSON of `js` (which returns JSON.stringify(…)) parsed.
fn eval_json(tab: &Tab, js: &str) -> Value {
    let v = eval(tab, js);
    serde_json::from_str(v.as_str().unwrap_or("null")).unwrap_or(Value::Null)
}

fn eval_f64(tab: &Tab, js: &str) -> f64 {
    eval(tab, js).as_f64().unwrap_or(f64::NAN)
}

/// Header controls (search box and button, 字号 and 适老化 buttons, 菜单,
/// nav links) that are on screen, as [label, height in px].
const HEADER_CONTROLS: &str = "JSON.stringify(Array.from(document.querySelectorAll('.site-search input, .site-search button, .prefs button, .menu-btn, .site-nav a')).filter(e => e.getClientRects().length > 0).map(e => [e.tagName + ' ' + (e.textContent.trim() || e.placeholder), e.getBoundingClientRect().height]))";

/// Puts `<html>` in a reading mode as site.js does, without reloading.
fn set_classes(tab: &Tab, fs: &str, elder: bool) {
    eval(
        tab,
        &format!(
            "(function () {{ const h = document.documentElement; h.classList.remove('fs-s', 'fs-l', 'elder'); if ('{fs}' !== 'm') h.classList.add('fs-{fs}'); if ({elder}) h.classList.add('elder'); return h.offsetWidth; }})()"
        ),
    );
}

/// Measures the page in each reading mode in turn (switching the classes
/// site.js sets, which is much faster than reloading): sideways scrolling,
/// the header's search button, body text size and spacing, header controls.
const MEASURE_MODES: &str = "JSON.stringify([['normal', '', false], ['large', 'fs-l', false], ['elder', '', true], ['elder+large', 'fs-l', true]].map(function (m) {
    const h = document.documentElement;
    h.classList.remove('fs-s', 'fs-l', 'elder');
    if (m[1]) h.classList.add(m[1]);
    if (m[2]) h.classList.add('elder');
    const visible = e => e.getClientRects().length > 0;
    const b = document.querySelector('.site-search button'), r = b.getBoundingClientRect();
    return {
        mode: m[0],
        scroll: h.scrollWidth,
        inner: window.innerWidth,
        wide: Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className).join(', '),
        skip_link_off_screen: document.querySelector('.skip-link').getBoundingClientRect().bottom <= 0,
        search_button_whole: r.width > 0 && r.left >= 0 && r.right <= window.innerWidth && b.scrollWidth <= b.clientWidth,
        text: ['body', '.content p', '.item-summary', '.intro-body p'].map(s => document.querySelector(s)).filter(Boolean).map(e => { const s = getComputedStyle(e); return [e.tagName + '.' + e.className, parseFloat(s.fontSize), parseFloat(s.lineHeight) / parseFloat(s.fontSize)]; }),
        controls: Array.from(document.querySelectorAll('.site-search input, .site-search button, .prefs button, .menu-btn, .site-nav a')).filter(visible).map(e => [e.tagName + ' ' + (e.textContent.trim() || e.placeholder), e.getBoundingClientRect().height])
    };
}))";

#[test]
fn every_page_fits_320_375_and_1280_px_in_every_mode_and_elder_mode_meets_the_norm() {
    let Served { out, server } = served_site();
    let pages = pages(out);
    assert!(pages.len() >= 13, "fixture pages missing: {pages:?}");
    let browser = launch_sized(1280, 900);
    let tab = tab_of(&browser);
    let mut failures = vec![];
    let mut checked = 0;
    for (name, path) in &pages {
        set_width(&tab, 1280);
        open(&tab, &server.url(&format!("/dangjian/{path}")));
        for width in [320u32, 375, 1280] {
            set_width(&tab, width);
            for m in eval_json(&tab, MEASURE_MODES)
                .as_array()
                .into_iter()
                .flatten()
            {
                checked += 1;
                let mode = m["mode"].as_str().unwrap_or("");
                let at = format!("{name} at {width}px, {mode}");
                let (scroll, inner) = (
                    m["scroll"].as_f64().unwrap_or(f64::MAX),
                    m["inner"].as_f64().unwrap_or(0.0),
                );
                if scroll > inner || inner != width as f64 {
                    failures.push(format!(
                        "{at}: scrolls sideways, scrollWidth {scroll} > innerWidth {inner}: {}",
                        m["wide"]
                    ));
                }
                if m["skip_link_off_screen"] != Value::Bool(true) {
                    failures.push(format!("{at}: the skip link shows before it has focus"));
                }
                if m["search_button_whole"] != Value::Bool(true) {
                    failures.push(format!("{at}: the search button is cut off"));
                }
                if !mode.starts_with("elder") {
                    continue;
                }
                for t in m["text"].as_array().into_iter().flatten() {
                    let (px, ratio) = (t[1].as_f64().unwrap_or(0.0), t[2].as_f64().unwrap_or(0.0));
                    if px < 24.0 || ratio < 1.5 {
                        failures.push(format!(
                            "{at}: body text {} is {px}px with line spacing {ratio:.2} (want >= 24px, >= 1.5)",
                            t[0]
                        ));
                    }
                }
                for c in m["controls"].as_array().into_iter().flatten() {
                    if c[1].as_f64().unwrap_or(0.0) < 59.5 {
                        failures.push(format!("{at}: header control {} is {}px tall", c[0], c[1]));
                    }
                }
            }
        }
    }
    assert_eq!(
        checked,
        pages.len() * 12,
        "every page in 3 widths and 4 modes"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // The modes as the switches set them (stored, applied on load) give
    // the same page as the classes set directly.
    set_width(&tab, 320);
    open(&tab, &server.url("/dangjian/index.html"));
    set_mode(&tab, "l", true);
    open(&tab, &server.url("/dangjian/cases/wide/index.html"));
    assert_eq!(
        eval(&tab, "document.documentElement.className"),
        Value::from("js search-ok fs-l elder")
    );
    assert!(eval_f64(&tab, "document.documentElement.scrollWidth") <= 320.0);
    assert_eq!(
        eval(&tab, "(function () { const b = document.querySelector('.site-search button'); const r = b.getBoundingClientRect(); return r.width > 0 && r.left >= 0 && r.right <= window.innerWidth; })()"),
        Value::Bool(true),
        "320px, 适老化 and 大: the search button is whole"
    );
}

/// Opens the 菜单 on a phone with a real mouse click (no JavaScript needed).
fn click_menu(tab: &Tab) {
    let label = tab.find_element(".menu-btn").expect("菜单");
    let at = label.get_midpoint().expect("菜单 position");
    tab.click_point(at).expect("click 菜单");
}

fn shown(tab: &Tab, selector: &str) -> bool {
    eval(
        tab,
        &format!("(function () {{ const e = document.querySelector('{selector}'); return !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden'; }})()"),
    ) == Value::Bool(true)
}

#[test]
fn the_header_is_compact_on_phones_with_a_menu_that_works_by_keyboard_and_without_javascript() {
    let Served { server, .. } = served_site();
    let browser = launch_sized(375, 800);
    let tab = tab_of(&browser);
    let home = server.url("/dangjian/index.html");
    // Desktop: no 菜单, the nav and the switches are always there.
    set_width(&tab, 1280);
    open(&tab, &home);
    assert!(!shown(&tab, ".menu-btn"), "no 菜单 on a desktop");
    assert!(shown(&tab, ".site-nav") && shown(&tab, ".prefs"));

    // A 375 px phone: two rows (name and 菜单, then search) in every mode.
    // In 适老化 that is at most 200 px (it was about 680): two 60 px rows,
    // the 14-character site name on up to three lines beside 菜单, and the
    // margins; more than two thirds of a 667 px tall phone screen is left
    // to the page itself. Without 适老化, 140 px (two 44 px rows).
    set_viewport(&tab, 375, 667);
    for (mode, fs, elder) in MODES {
        open(&tab, &home);
        set_mode(&tab, fs, *elder);
        open(&tab, &home);
        let height = eval_f64(
            &tab,
            "document.querySelector('.site-header').getBoundingClientRect().height",
        );
        let bound = if *elder { 200.0 } else { 140.0 };
        assert!(
            height <= bound,
            "{mode}: the header is {height}px tall on a 375px phone, over {bound}px"
        );
        assert!(shown(&tab, ".menu-btn") && shown(&tab, ".site-search button"));
        assert!(
            !shown(&tab, ".site-nav"),
            "{mode}: the nav waits behind 菜单"
        );
        assert!(
            !shown(&tab, ".prefs"),
            "{mode}: the switches wait behind 菜单"
        );
        click_menu(&tab);
        assert!(shown(&tab, ".site-nav"), "{mode}: 菜单 opens the nav");
        assert!(shown(&tab, ".prefs"), "{mode}: 菜单 opens the switches");
        if *elder {
            for c in eval_json(&tab, HEADER_CONTROLS)
                .as_array()
                .into_iter()
                .flatten()
            {
                assert!(
                    c[1].as_f64().unwrap_or(0.0) >= 59.5,
                    "{mode}: header control {} is {}px tall",
                    c[0],
                    c[1]
                );
            }
        }
        click_menu(&tab);
        assert!(!shown(&tab, ".site-nav"), "{mode}: 菜单 closes again");
    }

    // By keyboard, in 适老化: every header control is reached in order, with
    // a visible focus (on 菜单's label while its checkbox has focus), and
    // Space opens the menu.
    open(&tab, &home);
    let mut seen = vec![];
    for _ in 0..30 {
        tab.press_key("Tab").expect("tab");
        let which = eval(&tab, "(function () { const e = document.activeElement; return e.id || e.textContent.trim() || e.className || e.tagName; })()")
            .as_str()
            .unwrap_or("")
            .to_string();
        if eval(
            &tab,
            "!!document.activeElement.closest('.site-header') || document.activeElement.className === 'skip-link'",
        ) != Value::Bool(true)
        {
            break;
        }
        let shows = if which == "menu-toggle" {
            tab.press_key(" ").expect("space");
            assert!(shown(&tab, ".site-nav"), "Space on 菜单 opens the nav");
            "document.querySelector('.menu-btn')"
        } else {
            "document.activeElement"
        };
        let outline = eval(&tab, &format!("(function () {{ const e = {shows}; const s = getComputedStyle(e); const r = e.getBoundingClientRect(); return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 && r.width > 0 && r.height > 0; }})()"));
        assert_eq!(outline, Value::Bool(true), "no visible focus on {which}");
        seen.push(which);
    }
    for want in [
        "跳到正文",
        "menu-toggle",
        "site-q",
        "搜索",
        "字号大",
        "适老化",
        "首页",
    ] {
        assert!(
            seen.iter().any(|s| s == want || s.contains(want)),
            "Tab does not reach {want}: {seen:?}"
        );
    }

    // Without JavaScript the menu still opens (the switches need script and stay hidden).
    let tab = tab_of(&browser);
    set_viewport(&tab, 375, 667);
    tab.call_method(Emulation::SetScriptExecutionDisabled { value: true })
        .expect("disable JS");
    open(&tab, &home);
    assert!(!shown(&tab, ".site-nav"));
    click_menu(&tab);
    assert!(shown(&tab, ".site-nav"), "菜单 opens without JavaScript");
    assert!(!shown(&tab, ".prefs"));
}

/// Contrast ratio (WCAG) of each element matching `selector`, from its
/// computed colour over its backgrounds composited up to the page, as
/// [text, ratio].
fn contrasts(tab: &Tab, selector: &str) -> Vec<(String, f64)> {
    let js = format!(
        "(function () {{
            const rgba = c => {{ const m = c.match(/[\\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; }};
            const over = (top, under) => [0, 1, 2].map(i => top[i] * top[3] + under[i] * (1 - top[3])).concat([1]);
            const lum = c => {{ const f = c.slice(0, 3).map(v => {{ v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }}); return 0.2126 * f[0] + 0.7152 * f[1] + 0.0722 * f[2]; }};
            return JSON.stringify(Array.from(document.querySelectorAll('{selector}')).map(e => {{
                const layers = [];
                for (let a = e; a; a = a.parentElement) {{ const b = rgba(getComputedStyle(a).backgroundColor); if (b[3] > 0) layers.push(b); if (b[3] >= 1) break; }}
                let bg = [255, 255, 255, 1];
                for (let i = layers.length - 1; i >= 0; i--) bg = over(layers[i], bg);
                const fg = over(rgba(getComputedStyle(e).color), bg);
                const [hi, lo] = [lum(fg), lum(bg)].sort((x, y) => y - x);
                return [e.textContent.trim(), (hi + 0.05) / (lo + 0.05)];
            }}));
        }})()"
    );
    eval_json(tab, &js)
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| {
            (
                v[0].as_str().unwrap_or("").to_string(),
                v[1].as_f64().unwrap_or(0.0),
            )
        })
        .collect()
}

/// How many lines each element matching `selector` takes, and whether its
/// content (with ::after) fits, as [text, lines, fits].
fn label_lines(tab: &Tab, selector: &str) -> Vec<(String, u64, bool)> {
    let js = format!("JSON.stringify(Array.from(document.querySelectorAll('{selector}')).map(e => {{ const r = document.createRange(); r.selectNodeContents(e); const tops = new Set(Array.from(r.getClientRects()).filter(x => x.width > 0).map(x => Math.round(x.top))); return [e.textContent, tops.size, e.scrollWidth <= e.clientWidth]; }}))");
    eval_json(tab, &js)
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| {
            (
                v[0].as_str().unwrap_or("").to_string(),
                v[1].as_u64().unwrap_or(0),
                v[2] == Value::Bool(true),
            )
        })
        .collect()
}

#[test]
fn more_results_hides_brand_labels_keep_one_line_and_the_end_of_lists_is_readable() {
    let Served { server, .. } = served_site();
    let browser = launch();
    let tab = tab_of(&browser);
    // 更多结果 only while there are more results to show.
    for (q, total) in [("撑破页面", "1"), ("根本不存在的词语", "0")] {
        open(
            &tab,
            &server.url(&format!("/dangjian/search/index.html?q={q}")),
        );
        wait_for(
            &tab,
            "document.getElementById('search-status').dataset.total !== undefined",
            10,
        );
        assert_eq!(
            eval(
                &tab,
                "document.getElementById('search-status').dataset.total"
            ),
            Value::from(total),
            "{q}"
        );
        assert!(
            !shown(&tab, "button.search-more"),
            "更多结果 shown with {total} result(s)"
        );
    }

    // Labels of the brand's panel and the brand cards never break mid-word.
    for (path, sel, least) in [
        ("brands/hongfan/index.html", ".meta-row dt", 5),
        ("brands/index.html", ".brand-facts dt", 1),
    ] {
        open(&tab, &server.url(&format!("/dangjian/{path}")));
        for width in [320u32, 375, 1280] {
            set_width(&tab, width);
            for (mode, fs, elder) in MODES {
                set_classes(&tab, fs, *elder);
                let labels = label_lines(&tab, sel);
                assert!(labels.len() >= least, "{path}: labels {labels:?}");
                for (text, lines, fits) in labels {
                    assert!(
                        lines == 1 && fits,
                        "{path} at {width}px, {mode}: label {text} takes {lines} lines (fits: {fits})"
                    );
                }
            }
        }
    }

    // 没有了 (no previous / next article) and the greyed 上一页 / 下一页 of
    // the pager reach 4.5:1, in 适老化 as well.
    set_width(&tab, 1280);
    let mut ends = vec![];
    for path in [
        "cases/qingshi/index.html",
        "cases/%E7%A4%BE%E5%8C%BA%E7%BD%91%E6%A0%BC/index.html",
        "cases/wide/index.html",
        "speeches/index.html",
        "speeches/page/2/index.html",
    ] {
        open(&tab, &server.url(&format!("/dangjian/{path}")));
        for (mode, fs, elder) in [MODES[0], MODES[2]] {
            set_classes(&tab, fs, elder);
            for (text, ratio) in contrasts(&tab, ".nb-none .nb-t, .pager .is-off") {
                ends.push((format!("{path}, {mode}: {text}"), ratio));
            }
        }
    }
    assert!(
        ends.iter().any(|(t, _)| t.ends_with("没有了"))
            && ends.iter().any(|(t, _)| t.ends_with("上一页")),
        "end-of-list texts not found: {ends:?}"
    );
    for (text, ratio) in ends {
        assert!(ratio >= 4.5, "{text} has contrast {ratio:.2}:1");
    }
}

/// A speech synthesis of the test's own: the voices listed change when the
/// page calls __addVoice, and what is spoken is recorded.
const SPEECH_STUB: &str = "(function () {
    var voices = [{ lang: 'en-US', name: 'English', localService: true }, { lang: 'zh-CN', name: 'Online', localService: false }];
    var listeners = [];
    window.__spoken = []; window.__cancelled = 0;
    var synth = {
        getVoices: function () { return voices; },
        speak: function (u) { window.__spoken.push(u.lang + ' ' + u.text); },
        cancel: function () { window.__cancelled++; },
        addEventListener: function (type, f) { if (type === 'voiceschanged') listeners.push(f); }
    };
    Object.defineProperty(window, 'speechSynthesis', { configurable: true, get: function () { return synth; } });
    window.SpeechSynthesisUtterance = function (text) { this.text = text; };
    window.__addVoice = function (lang) {
        voices = voices.concat([{ lang: lang, name: 'Local', localService: true }]);
        listeners.forEach(function (f) { f(); });
    };
})();";

#[test]
fn read_aloud_shows_only_with_a_chinese_voice_and_stops() {
    let Served { server, .. } = served_site();
    let browser = launch();
    let speech = server.url("/dangjian/speeches/liangwei/index.html");
    // This Chromium has no voices: no 朗读.
    let tab = tab_of(&browser);
    open(&tab, &speech);
    assert!(
        eval(&tab, "document.querySelectorAll('[data-speak]').length") == 1,
        "the article has a 朗读 button"
    );
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(!shown(&tab, "[data-speak]"), "朗读 shown without a voice");
    assert!(!shown(&tab, "[data-speak-stop]"));

    // Voices that arrive later: an English one and an online Chinese one
    // (useless on an intranet) are not enough; a Chinese one on the computer is.
    let tab = tab_of(&browser);
    let console = watch_console(&tab);
    tab.call_method(Page::AddScriptToEvaluateOnNewDocument {
        source: SPEECH_STUB.into(),
        world_name: None,
        include_command_line_api: None,
        run_immediately: None,
    })
    .expect("speech stub");
    open(&tab, &speech);
    assert!(
        !shown(&tab, "[data-speak]"),
        "朗读 shown with no local Chinese voice"
    );
    eval(&tab, "__addVoice('en-GB'); 0");
    assert!(!shown(&tab, "[data-speak]"));
    eval(&tab, "__addVoice('zh-CN'); 0");
    assert!(
        shown(&tab, "[data-speak]"),
        "朗读 shown once a Chinese voice is there"
    );
    assert!(!shown(&tab, "[data-speak-stop]"));

    click(&tab, "[data-speak]");
    let spoken = eval_json(&tab, "JSON.stringify(window.__spoken)");
    let spoken: Vec<&str> = spoken
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(
        spoken.first().copied(),
        Some("zh-CN 在全镇两委班子建设推进会上的讲话"),
        "the title first: {spoken:?}"
    );
    assert!(
        spoken.len() >= 3,
        "then the text, paragraph by paragraph: {spoken:?}"
    );
    assert!(
        spoken.iter().all(|s| s.chars().count() <= 206),
        "pieces of at most 200 characters: {spoken:?}"
    );
    assert!(shown(&tab, "[data-speak-stop]") && !shown(&tab, "[data-speak]"));
    assert_eq!(
        eval(
            &tab,
            "document.activeElement.hasAttribute('data-speak-stop')"
        ),
        Value::Bool(true),
        "focus moves to 停止朗读"
    );
    click(&tab, "[data-speak-stop]");
    assert!(
        eval_f64(&tab, "window.__cancelled") >= 2.0,
        "停止 stops speaking"
    );
    assert!(shown(&tab, "[data-speak]") && !shown(&tab, "[data-speak-stop]"));
    assert!(console.errors().is_empty(), "{:#?}", console.errors());
}

#[test]
fn old_browsers_get_a_note_and_links_on_the_search_page_and_articles_read_without_script() {
    let Served { server, .. } = served_site();
    let browser = launch();
    let search = server.url("/dangjian/search/index.html");
    // A browser that runs the search: no note, from the first paint on.
    let tab = tab_of(&browser);
    tab.call_method(Page::AddScriptToEvaluateOnNewDocument {
        source: FIRST_PAINT_PROBE.into(),
        world_name: None,
        include_command_line_api: None,
        run_immediately: None,
    })
    .expect("probe");
    open(&tab, &search);
    assert!(!shown(&tab, ".search-fallback"));
    assert!(
        eval(&tab, "window.__classesAtBody")
            .as_str()
            .unwrap_or("")
            .contains("search-ok"),
        "note hidden before the first paint"
    );

    // IE mode of 360 / 奇安信: ES5 runs (site.js, so 字号 works), search.js cannot start.
    let tab = tab_of(&browser);
    tab.call_method(Page::AddScriptToEvaluateOnNewDocument {
        source: "window.Promise = undefined; window.URL = undefined; window.URLSearchParams = undefined;".into(),
        world_name: None,
        include_command_line_api: None,
        run_immediately: None,
    })
    .expect("old browser");
    open(&tab, &search);
    assert_eq!(
        eval(&tab, "document.documentElement.classList.contains('js')"),
        Value::Bool(true)
    );
    assert!(
        shown(&tab, ".search-fallback"),
        "old browser: the note is shown"
    );
    let note = eval(&tab, "document.querySelector('.search-fallback').innerText");
    assert!(
        note.as_str()
            .unwrap_or("")
            .contains("这个浏览器用不了站内搜索"),
        "{note}"
    );

    // JavaScript off: the note with links to every section and taxonomy list, which work.
    let tab = tab_of(&browser);
    tab.call_method(Emulation::SetScriptExecutionDisabled { value: true })
        .expect("disable JS");
    open(&tab, &search);
    assert!(
        shown(&tab, ".search-fallback"),
        "no script: the note is shown"
    );
    let links = eval_json(&tab, "JSON.stringify(Array.from(document.querySelectorAll('.search-fallback a')).map(a => a.getAttribute('href') + ' ' + a.textContent))");
    let links: Vec<&str> = links
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    for want in [
        "../speeches/index.html 领导讲话",
        "../cases/index.html 典型案例",
        "../brands/index.html 一支部一品牌",
        "../tags/index.html 标签",
        "../regions/index.html 地区",
    ] {
        assert!(links.contains(&want), "no link {want} in {links:?}");
    }
    let first = tab.find_element(".search-fallback a").expect("link");
    let at = first.get_midpoint().expect("link position");
    tab.click_point(at).expect("click");
    tab.wait_until_navigated().expect("navigated");
    wait_for(
        &tab,
        "location.pathname.endsWith('/speeches/index.html')",
        10,
    );
    assert!(!tab.find_elements(".items .item").expect("items").is_empty());

    // Every kind of article: all of its text is there to read.
    for path in [
        "speeches/liangwei/index.html",
        "cases/qingshi/index.html",
        "brands/hongfan/index.html",
        "about/index.html",
    ] {
        open(&tab, &server.url(&format!("/dangjian/{path}")));
        let (shown_chars, all_chars) = (
            eval_f64(&tab, "document.querySelector('main').innerText.replace(/\\s/g, '').length"),
            eval_f64(&tab, "(function () { const m = document.querySelector('main').cloneNode(true); m.querySelectorAll('.js-only, [hidden], .print-url, script, style').forEach(e => e.remove()); return m.textContent.replace(/\\s/g, '').length; })()"),
        );
        assert!(shown_chars > 20.0, "{path}: {shown_chars} characters shown");
        assert_eq!(
            shown_chars, all_chars,
            "{path}: some text is hidden without JavaScript"
        );
    }
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
