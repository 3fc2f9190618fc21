//! Real headless Chromium for browser tests (search, theme, live reload),
//! and a static HTTP server that serves a built site under a URL prefix,
//! as nginx or IIS would.
//!
//! Chromium is `/usr/bin/chromium` (installed by `scripts/test.sh`), or the
//! path in `ZHANTING_CHROMIUM`.
#![allow(dead_code)]

use headless_chrome::{Browser, LaunchOptions, Tab};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub fn chromium_path() -> PathBuf {
    std::env::var_os("ZHANTING_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

/// Starts a fresh headless Chromium with an empty profile and no network
/// chatter (the machine has no internet).
pub fn launch() -> Browser {
    launch_sized(1280, 900)
}

pub fn launch_sized(width: u32, height: u32) -> Browser {
    let path = chromium_path();
    assert!(
        path.exists(),
        "Chromium not found at {} (run scripts/test.sh, which installs it)",
        path.display()
    );
    let args: Vec<&OsStr> = [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--allow-file-access-from-files",
    ]
    .iter()
    .map(OsStr::new)
    .collect();
    let opts = LaunchOptions::default_builder()
        .path(Some(path))
        .headless(true)
        .sandbox(false)
        .window_size(Some((width, height)))
        .idle_browser_timeout(Duration::from_secs(300))
        .args(args)
        .build()
        .expect("launch options");
    Browser::new(opts).expect("start Chromium")
}

/// Console errors and uncaught exceptions seen on a tab since `watch_console`.
#[derive(Clone, Default)]
pub struct Console(pub Arc<Mutex<Vec<String>>>);

impl Console {
    pub fn errors(&self) -> Vec<String> {
        self.0.lock().map(|v| v.clone()).unwrap_or_default()
    }
}

/// Records console errors, uncaught exceptions and failed loads of `tab`.
pub fn watch_console(tab: &Arc<Tab>) -> Console {
    use headless_chrome::protocol::cdp::types::Event;
    let console = Console::default();
    let sink = console.0.clone();
    tab.enable_log().expect("enable log");
    tab.enable_runtime().expect("enable runtime");
    tab.add_event_listener(Arc::new(move |event: &Event| {
        let msg = match event {
            Event::RuntimeExceptionThrown(e) => {
                Some(format!("exception: {:?}", e.params.exception_details.text))
            }
            Event::RuntimeConsoleAPICalled(e) if format!("{:?}", e.params.Type) == "Error" => {
                Some(format!(
                    "console.error: {:?}",
                    e.params
                        .args
                        .iter()
                        .map(|a| a.value.clone())
                        .collect::<Vec<_>>()
                ))
            }
            Event::LogEntryAdded(e) if format!("{:?}", e.params.entry.level) == "Error" => Some(
                format!("log: {} {:?}", e.params.entry.text, e.params.entry.url),
            ),
            _ => None,
        };
        if let Some(m) = msg {
            if let Ok(mut v) = sink.lock() {
                v.push(m);
            }
        }
    }))
    .expect("listen to console");
    console
}

/// Evaluates `js` in the page (awaiting a returned promise) and returns its
/// JSON value.
pub fn eval(tab: &Tab, js: &str) -> serde_json::Value {
    let r = tab
        .evaluate(js, true)
        .unwrap_or_else(|e| panic!("evaluate {js}: {e}"));
    r.value.unwrap_or(serde_json::Value::Null)
}

/// Waits until `js` evaluates to a truthy value, or panics after `secs`.
pub fn wait_for(tab: &Tab, js: &str, secs: u64) -> serde_json::Value {
    let end = Instant::now() + Duration::from_secs(secs);
    loop {
        let v = tab
            .evaluate(js, true)
            .ok()
            .and_then(|r| r.value)
            .unwrap_or(serde_json::Value::Null);
        let truthy = !matches!(&v, serde_json::Value::Null | serde_json::Value::Bool(false))
            && v != 0
            && v != "";
        if truthy {
            return v;
        }
        if Instant::now() > end {
            panic!("timed out waiting for `{js}`");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `file:///…` URL of a file on disk, percent-encoded.
pub fn file_url(path: &Path) -> String {
    let abs = std::fs::canonicalize(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let enc: String = abs
        .to_string_lossy()
        .split('/')
        .map(|s| {
            percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
        })
        .collect::<Vec<_>>()
        .join("/");
    format!("file://{enc}")
}

/// A static file server on 127.0.0.1 serving `dir` under `prefix` (`/` or
/// `/dangjian/`), with the content types a stock web server sends (no
/// charset for .js/.json, as IIS and nginx defaults do). Stops when dropped.
pub struct StaticServer {
    pub port: u16,
    server: Arc<tiny_http::Server>,
    thread: Option<std::thread::JoinHandle<()>>,
    /// Every (path, bytes sent) served, for transfer-size checks.
    pub log: Arc<Mutex<Vec<(String, usize)>>>,
}

impl StaticServer {
    pub fn start(dir: &Path, prefix: &str) -> StaticServer {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind 127.0.0.1"));
        let port = server.server_addr().to_ip().expect("ip address").port();
        let (dir, prefix) = (dir.to_path_buf(), prefix.to_string());
        let log: Arc<Mutex<Vec<(String, usize)>>> = Arc::default();
        let (srv, log2) = (server.clone(), log.clone());
        let thread = std::thread::spawn(move || {
            for req in srv.incoming_requests() {
                let url = req
                    .url()
                    .split(['?', '#'])
                    .next()
                    .unwrap_or("/")
                    .to_string();
                let decoded = percent_encoding::percent_decode_str(&url)
                    .decode_utf8_lossy()
                    .into_owned();
                let file = decoded
                    .strip_prefix(prefix.as_str())
                    .filter(|rest| !rest.split('/').any(|s| s == ".."))
                    .map(|rest| {
                        let p = dir.join(rest);
                        if p.is_dir() {
                            p.join("index.html")
                        } else {
                            p
                        }
                    });
                let resp = match file.and_then(|p| std::fs::read(&p).ok().map(|b| (p, b))) {
                    Some((p, body)) => {
                        let ct = content_type(&p);
                        if let Ok(mut l) = log2.lock() {
                            l.push((url.clone(), body.len()));
                        }
                        tiny_http::Response::from_data(body).with_header(
                            tiny_http::Header::from_bytes("Content-Type", ct).expect("header"),
                        )
                    }
                    None => {
                        tiny_http::Response::from_data(b"not found".to_vec()).with_status_code(404)
                    }
                };
                let _ = req.respond(resp);
            }
        });
        StaticServer {
            port,
            server,
            thread: Some(thread),
            log,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{}", self.port, path)
    }

    /// Total bytes served since the last `reset_log`.
    pub fn bytes_served(&self) -> usize {
        self.log
            .lock()
            .map(|l| l.iter().map(|(_, n)| n).sum())
            .unwrap_or(0)
    }

    pub fn reset_log(&self) {
        if let Ok(mut l) = self.log.lock() {
            l.clear();
        }
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn content_type(p: &Path) -> &'static str {
    match p.extension().and_then(OsStr::to_str).unwrap_or("") {
        "html" => "text/html",
        "css" => "text/css",
        "js" => "application/javascript",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "xml" => "application/xml",
        _ => "application/octet-stream",
    }
}
