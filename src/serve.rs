//! `zhanting serve`: build, serve over HTTP, rebuild on every edit and
//! reload open pages by themselves.
//!
//! - The site is served from the last good build held in memory
//!   ([`Output`]); a request is answered only with a file of that build,
//!   looked up by its decoded path, so nothing outside the output can ever
//!   be served (`..`, `%2e%2e`, symlinks: there is no file system lookup).
//!   The same build is also written to `ROOT/output`, changed files only.
//! - Each HTML response gets a small script (only in the response, never in
//!   the files written to disk) that long-polls `/__zhanting/poll?since=N`.
//!   The poll answers when the build generation moves past `N`: the page
//!   reloads after a good build, or shows the build errors as an overlay on
//!   the last good page after a failed one; fixing the file reloads the page
//!   and the overlay is gone.
//! - Requests under the site's `base_url` path (e.g. `/dangjian/…`) are
//!   served as well as requests at `/`.

use crate::build::BuildOptions;
use crate::changes::ChangeKind;
use crate::deploy::Deployer;
use crate::diag::Diagnostic;
use crate::output::Output;
use crate::watch::{Rebuilt, Session, Watcher};
use anyhow::Result;
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

/// How long a poll waits for a new build before answering "nothing new".
const POLL_WAIT: Duration = Duration::from_secs(20);
const POLL_PATH: &str = "/__zhanting/poll";

/// What the server shows: the last good build and the current error, if any.
struct Live {
    generation: u64,
    output: Arc<Output>,
    /// The diagnostics of the last build, when it failed.
    error: Option<String>,
}

struct Shared {
    live: Mutex<Live>,
    changed: Condvar,
    /// Path prefix of `base_url` (`/dangjian/`), or `/`.
    base_path: String,
}

impl Shared {
    fn snapshot(&self) -> (u64, Arc<Output>, Option<String>) {
        let l = self.live.lock().unwrap_or_else(|e| e.into_inner());
        (l.generation, l.output.clone(), l.error.clone())
    }

    fn update(&self, output: Option<Arc<Output>>, error: Option<String>) {
        let mut l = self.live.lock().unwrap_or_else(|e| e.into_inner());
        l.generation += 1;
        if let Some(o) = output {
            l.output = o;
        }
        l.error = error;
        self.changed.notify_all();
    }
}

pub struct ServeOptions {
    pub root: PathBuf,
    pub bind: String,
    pub port: u16,
}

/// Runs the server until the process ends. Returns an error when it cannot
/// start (port taken, site folder missing).
pub fn run(opts: &ServeOptions) -> Result<()> {
    let out_dir = opts.root.join("output");
    let mut session = Session::new(&opts.root, BuildOptions::default());
    let mut watcher = Watcher::new(&opts.root, &out_dir)?;
    // The output folder is kept up to date too, unless another zhanting
    // is writing it (or it holds other files): then from memory only.
    let lock = crate::output::try_lock(&out_dir).ok().flatten();
    let mut local = match &lock {
        Some(_) => crate::output::recover(&out_dir)
            .and_then(|_| Deployer::open_output(&out_dir))
            .ok(),
        None => None,
    };
    if local.is_none() {
        eprintln!(
            "note: {} is in use or holds other files; serving from memory only",
            out_dir.display()
        );
    }

    let first = session.rebuild(ChangeKind::Config, &[]);
    let base_path = crate::config::load(&opts.root)
        .ok()
        .map(|c| base_path(&c.base_url))
        .unwrap_or_else(|| "/".to_string());
    let shared = Arc::new(Shared {
        live: Mutex::new(Live {
            generation: 0,
            output: Arc::new(Output::default()),
            error: None,
        }),
        changed: Condvar::new(),
        base_path,
    });
    apply(&shared, first, local.as_mut());

    let addr = format!("{}:{}", opts.bind, opts.port);
    let server = tiny_http::Server::http(&addr).map_err(|e| {
        anyhow::anyhow!(
            "cannot listen on {addr}: {e} (is another server using port {}? try --port)",
            opts.port
        )
    })?;
    let server = Arc::new(server);
    let shown = match server.server_addr() {
        tiny_http::ListenAddr::IP(a) => a.to_string(),
        #[allow(unreachable_patterns)]
        _ => addr.clone(),
    };
    println!(
        "serving {} at http://{shown}/ (Ctrl-C to stop)",
        opts.root.display()
    );

    for _ in 0..4 {
        let server = server.clone();
        let shared = shared.clone();
        std::thread::spawn(move || {
            while let Ok(req) = server.recv() {
                if req.url().starts_with(POLL_PATH) {
                    let shared = shared.clone();
                    std::thread::spawn(move || answer_poll(&shared, req));
                } else {
                    answer(&shared, req);
                }
            }
        });
    }

    while let Some(batch) = watcher.next_batch() {
        let r = session.rebuild(batch.kind, &batch.paths);
        apply(&shared, r, local.as_mut());
    }
    Ok(())
}

/// Publishes a rebuild to the browser (and the output folder) and reports
/// it on the terminal.
fn apply(shared: &Shared, r: Rebuilt, local: Option<&mut Deployer>) {
    match r {
        Rebuilt::Ok {
            output,
            pages,
            rendered,
            warnings,
            elapsed,
        } => {
            for w in &warnings {
                eprintln!("{w}");
            }
            if let Some(d) = local {
                if let Err(e) = d.publish(&output) {
                    eprintln!("warning: could not update the output folder: {e:#}");
                }
            }
            shared.update(Some(output), None);
            println!(
                "built {pages} pages ({rendered} rendered) in {} ms",
                elapsed.as_millis()
            );
        }
        Rebuilt::Failed(diags) => {
            let text = diagnostics_text(&diags);
            eprint!("{text}");
            eprintln!(
                "build failed: still serving the last good build; fix the file and save again"
            );
            shared.update(None, Some(text));
        }
    }
}

/// Plain text of a failed build's diagnostics, one per line, with a count.
pub fn diagnostics_text(diags: &[Diagnostic]) -> String {
    let mut s = String::new();
    for d in diags {
        s.push_str(&d.to_string());
        s.push('\n');
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    s.push_str(&format!(
        "{errors} error(s), {} warning(s)\n",
        diags.len() - errors
    ));
    s
}

fn base_path(base_url: &str) -> String {
    // `base_url` is a path (`/dangjian/`) or a full URL (`http://host/x/`).
    let path = match base_url.find("://") {
        Some(i) => base_url[i + 3..]
            .find('/')
            .map(|j| &base_url[i + 3 + j..])
            .unwrap_or("/"),
        None => base_url,
    };
    let trimmed = path.trim_matches('/');
    if trimmed.is_empty() {
        "/".into()
    } else {
        format!("/{trimmed}/")
    }
}

fn answer_poll(shared: &Shared, req: tiny_http::Request) {
    let since: Option<u64> = req
        .url()
        .split_once("since=")
        .and_then(|(_, v)| v.split('&').next())
        .and_then(|v| v.parse().ok());
    let guard = shared.live.lock().unwrap_or_else(|e| e.into_inner());
    let (guard, _) = shared
        .changed
        .wait_timeout_while(guard, POLL_WAIT, |l| Some(l.generation) == since)
        .unwrap_or_else(|e| e.into_inner());
    let body =
        serde_json::json!({ "generation": guard.generation, "error": guard.error }).to_string();
    drop(guard);
    let _ = req.respond(with_headers(
        tiny_http::Response::from_string(body),
        "application/json; charset=utf-8",
    ));
}

fn with_headers<R: std::io::Read>(
    resp: tiny_http::Response<R>,
    content_type: &str,
) -> tiny_http::Response<R> {
    let mut resp = resp;
    for (k, v) in [
        ("Content-Type", content_type),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
    ] {
        if let Ok(h) = tiny_http::Header::from_bytes(k.as_bytes(), v.as_bytes()) {
            resp = resp.with_header(h);
        }
    }
    resp
}

/// What a request path resolves to.
#[derive(Debug, PartialEq, Eq)]
pub enum Route {
    /// A file of the build.
    File(String),
    /// A folder requested without its trailing slash: redirect there.
    Redirect(String),
    NotFound,
    /// A path that tries to climb out or is not valid UTF-8.
    BadRequest,
}

/// Resolves a raw request target (`/讲话/%E5%8F%91/?q=1`) against the build.
/// Pure, so that the safety rules are unit-tested.
pub fn route(output: &Output, base_path: &str, target: &str) -> Route {
    let raw = target.split(['?', '#']).next().unwrap_or("");
    let Ok(decoded) = percent_encoding::percent_decode_str(raw).decode_utf8() else {
        return Route::BadRequest;
    };
    if decoded.contains('\\') || decoded.contains('\0') {
        return Route::BadRequest;
    }
    let mut rel: &str = decoded.strip_prefix('/').unwrap_or(&decoded);
    if base_path != "/" {
        let prefix = base_path.trim_start_matches('/');
        if let Some(rest) = rel.strip_prefix(prefix) {
            rel = rest;
        } else if rel == prefix.trim_end_matches('/') {
            return Route::Redirect(base_path.to_string());
        }
    }
    if Path::new(rel)
        .components()
        .any(|c| !matches!(c, Component::Normal(_)))
        || rel.split('/').any(|s| s == "." || s == "..")
    {
        return Route::BadRequest;
    }
    let key = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if output.files.contains_key(&key) {
        return Route::File(key);
    }
    if !rel.is_empty()
        && !rel.ends_with('/')
        && output.files.contains_key(&format!("{rel}/index.html"))
    {
        return Route::Redirect(format!("{raw}/"));
    }
    Route::NotFound
}

fn answer(shared: &Shared, req: tiny_http::Request) {
    let (generation, output, error) = shared.snapshot();
    let method_ok = matches!(
        req.method(),
        tiny_http::Method::Get | tiny_http::Method::Head
    );
    if !method_ok {
        let _ = req.respond(with_headers(
            tiny_http::Response::from_string("method not allowed").with_status_code(405),
            "text/plain; charset=utf-8",
        ));
        return;
    }
    let (status, key) = match route(&output, &shared.base_path, req.url()) {
        Route::File(k) => (200, Some(k)),
        Route::Redirect(to) => {
            let mut resp = tiny_http::Response::empty(301);
            if let Ok(h) = tiny_http::Header::from_bytes(&b"Location"[..], to.as_bytes()) {
                resp = resp.with_header(h);
            }
            let _ = req.respond(resp);
            return;
        }
        Route::BadRequest => {
            let _ = req.respond(with_headers(
                tiny_http::Response::from_string("bad request").with_status_code(400),
                "text/plain; charset=utf-8",
            ));
            return;
        }
        Route::NotFound => (
            404,
            output
                .files
                .contains_key("404.html")
                .then(|| "404.html".to_string()),
        ),
    };
    let (body, ctype) = match key.as_deref().and_then(|k| output.read(k).map(|b| (b, content_type(k)))) {
        Some(found) => found,
        None => (b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404</title></head><body><p>404</p></body></html>".to_vec(), content_type("x.html")),
    };
    let body = if ctype.starts_with("text/html") {
        inject(body, generation, error.as_deref())
    } else {
        body
    };
    let _ = req.respond(with_headers(
        tiny_http::Response::from_data(body).with_status_code(status),
        &ctype,
    ));
}

/// Content-Type for a path, with `charset=utf-8` for text.
pub fn content_type(path: &str) -> String {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let text = mime.type_() == mime_guess::mime::TEXT
        || matches!(
            mime.subtype().as_str(),
            "javascript" | "json" | "xml" | "svg"
        )
        || mime.essence_str() == "image/svg+xml";
    if text {
        format!("{}; charset=utf-8", mime.essence_str())
    } else {
        mime.essence_str().to_string()
    }
}

/// Adds the live-reload script before `</body>` (or at the end).
fn inject(mut html: Vec<u8>, generation: u64, error: Option<&str>) -> Vec<u8> {
    let error_json = serde_json::to_string(&error)
        .unwrap_or_else(|_| "null".into())
        .replace("</", "<\\/");
    let script = format!(
        "<script id=\"zhanting-live\">{}</script>",
        LIVE_JS
            .replace("__GEN__", &generation.to_string())
            .replace("__ERROR__", &error_json)
    );
    let at = find_last(&html, b"</body>").unwrap_or(html.len());
    html.splice(at..at, script.into_bytes());
    html
}

fn find_last(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// The live-reload client: long-polls for the next build; reloads after a
/// good one, shows an overlay with the errors after a failed one.
const LIVE_JS: &str = r#"(function(){
var gen=__GEN__;
function overlay(text){
  var o=document.getElementById('zhanting-error');
  if(!text){if(o)o.remove();return;}
  if(!o){o=document.createElement('div');o.id='zhanting-error';
    o.setAttribute('role','alert');
    o.style.cssText='position:fixed;left:0;right:0;bottom:0;max-height:60%;overflow:auto;z-index:2147483647;background:#fff4f4;color:#7a0000;border-top:4px solid #c00;padding:12px 16px;font:14px/1.5 monospace;white-space:pre-wrap;box-shadow:0 -2px 12px rgba(0,0,0,.3)';
    document.body.appendChild(o);}
  o.textContent='\u6784\u5efa\u5931\u8d25 (build failed) \u2014 \u4fee\u6539\u540e\u4fdd\u5b58\u5373\u53ef\u81ea\u52a8\u5237\u65b0\n\n'+text;
}
function poll(){
  fetch('/__zhanting/poll?since='+gen,{cache:'no-store'}).then(function(r){return r.json();}).then(function(s){
    if(s.generation!==gen){
      if(s.error){gen=s.generation;overlay(s.error);}
      else{location.reload();return;}
    }
    poll();
  }).catch(function(){setTimeout(poll,1000);});
}
if(__ERROR__)overlay(__ERROR__);
poll();
})();"#;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::OutFile;

    fn site() -> Output {
        let mut o = Output::default();
        for p in [
            "index.html",
            "404.html",
            "speeches/讲话稿/index.html",
            "files/通知 2024.pdf",
            "css/site.css",
        ] {
            o.insert(p.into(), OutFile::Bytes(p.as_bytes().into()));
        }
        o
    }

    #[test]
    fn routes_files_folders_and_encoded_names() {
        let o = site();
        assert_eq!(route(&o, "/", "/"), Route::File("index.html".into()));
        assert_eq!(route(&o, "/", "/?q=1"), Route::File("index.html".into()));
        assert_eq!(
            route(&o, "/", "/speeches/%E8%AE%B2%E8%AF%9D%E7%A8%BF/"),
            Route::File("speeches/讲话稿/index.html".into())
        );
        assert_eq!(
            route(&o, "/", "/speeches/讲话稿/index.html"),
            Route::File("speeches/讲话稿/index.html".into())
        );
        assert_eq!(
            route(&o, "/", "/speeches/%E8%AE%B2%E8%AF%9D%E7%A8%BF"),
            Route::Redirect("/speeches/%E8%AE%B2%E8%AF%9D%E7%A8%BF/".into())
        );
        assert_eq!(
            route(&o, "/", "/files/%E9%80%9A%E7%9F%A5%202024.pdf"),
            Route::File("files/通知 2024.pdf".into())
        );
        assert_eq!(route(&o, "/", "/nope/"), Route::NotFound);
        assert_eq!(route(&o, "/", "/%FF"), Route::BadRequest);
    }

    #[test]
    fn serves_under_the_base_path_too() {
        let o = site();
        assert_eq!(
            route(&o, "/dangjian/", "/dangjian/css/site.css"),
            Route::File("css/site.css".into())
        );
        assert_eq!(
            route(&o, "/dangjian/", "/dangjian/"),
            Route::File("index.html".into())
        );
        assert_eq!(
            route(&o, "/dangjian/", "/dangjian"),
            Route::Redirect("/dangjian/".into())
        );
        assert_eq!(
            route(&o, "/dangjian/", "/css/site.css"),
            Route::File("css/site.css".into())
        );
        assert_eq!(base_path("/dangjian/"), "/dangjian/");
        assert_eq!(base_path("http://intra.example/dangjian"), "/dangjian/");
        assert_eq!(base_path("/"), "/");
    }

    #[test]
    fn never_climbs_out() {
        let o = site();
        for t in [
            "/../etc/passwd",
            "/css/../../x",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/..%5c..%5cwindows",
            "/a/./b",
            "//etc/passwd",
            "/x%00.html",
        ] {
            assert!(
                matches!(route(&o, "/", t), Route::BadRequest | Route::NotFound),
                "{t}"
            );
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(
            content_type("speeches/讲话/index.html"),
            "text/html; charset=utf-8"
        );
        assert_eq!(content_type("feed.xml"), "text/xml; charset=utf-8");
        assert_eq!(content_type("css/site.css"), "text/css; charset=utf-8");
        assert_eq!(
            content_type("search/index.json"),
            "application/json; charset=utf-8"
        );
        assert_eq!(content_type("js/site.js"), "text/javascript; charset=utf-8");
        assert_eq!(content_type("files/通知.pdf"), "application/pdf");
        assert_eq!(content_type("img/照片.JPG"), "image/jpeg");
    }

    #[test]
    fn injects_only_into_the_response() {
        let html = b"<html><body><p>x</p></body></html>".to_vec();
        let out = String::from_utf8(inject(html, 7, Some("a.md:1:2: error: </script>"))).unwrap();
        assert!(out.contains("var gen=7;"));
        assert!(out.ends_with("</script></body></html>"));
        assert!(
            !out.contains("error: </script>"),
            "error text cannot close the script early"
        );
    }
}
