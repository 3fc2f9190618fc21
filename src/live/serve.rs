//! `zhanting serve`: build, serve over HTTP, rebuild on every edit and
//! reload open pages by themselves.
//!
//! - The site is served from the last good build held in memory
//!   ([`Output`]); a request is answered only with a file of that build,
//!   looked up by its decoded path, so nothing outside the output can ever
//!   be served (`..`, `%2e%2e`, symlinks: there is no file-system lookup by
//!   request path). The same build is also written to `ROOT/output`,
//!   changed files only.
//! - A file the build copies from the site (attachments, images, `static/`)
//!   is read when it is requested, and only while its source is still a
//!   regular file whose real path is inside the site folder
//!   ([`crate::publish::output::open_within`]); a source swapped for a link to
//!   elsewhere after the build answers 404.
//! - Only requests for this machine are answered: the `Host` must be an IP
//!   address, `localhost` (or `*.localhost`) or the machine's own name,
//!   with or without a port. Any other name gets 403, so a web page that
//!   points its own domain at 127.0.0.1 (DNS rebinding) cannot read the
//!   preview.
//! - A hostile or broken client costs only its own connection: each
//!   connection is a task on a small tokio runtime (no worker is held by a
//!   client that stops reading); the request head must arrive within
//!   [`HEAD_TIMEOUT`] (an idle kept-alive connection too), and a response
//!   that makes no progress for [`WRITE_STALL`] closes the connection. At
//!   most [`MAX_CONNECTIONS`] connections are open at once; more wait in the
//!   listen queue. A failed accept (e.g. out of file descriptors) is
//!   reported (once a minute at most), and accepting goes on after a short
//!   pause: the listener never dies.
//! - Each HTML response gets a small script (only in the response, never in
//!   the files written to disk) that long-polls `/__zhanting/poll?since=N`.
//!   The poll answers when the build generation moves past `N` (or after
//!   [`POLL_WAIT`]): the page reloads after a good build, or shows the build
//!   errors as an overlay on the last good page after a failed one; fixing
//!   the file reloads the page and the overlay is gone.
//! - Requests under the site's `base_url` path (e.g. `/dangjian/…`) are
//!   served as well as requests at `/`.
//! - The rebuild loop (watcher → rebuild → publish) runs on the calling
//!   thread; the HTTP side only reads the shared state, and waits for new
//!   generations through a `tokio::sync::watch` channel.

use crate::build::BuildOptions;
use crate::diag::Diagnostic;
use crate::live::changes::ChangeKind;
use crate::live::watch::{Rebuilt, Session, Watcher};
use crate::msg::{Io, Say};
use crate::publish::deploy::Deployer;
use crate::publish::output::{OutFile, Output};
use anyhow::{Context, Result};
use bytes::Bytes;
use http_body_util::{combinators::BoxBody, BodyExt, Empty, Full};
use hyper::body::{Body as _, Frame, Incoming, SizeHint};
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context as TaskContext, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};

/// How long a poll waits for a new build before answering "nothing new".
const POLL_WAIT: Duration = Duration::from_secs(20);
const POLL_PATH: &str = "/__zhanting/poll";
/// Time a client has to send a whole request head (also the longest an
/// idle kept-alive connection stays open).
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
/// A response the client does not read for this long closes the connection.
pub const WRITE_STALL: Duration = Duration::from_secs(30);
/// Connections served at once; further ones wait in the listen queue.
pub const MAX_CONNECTIONS: usize = 256;
/// Connections the system may hold for us before they are accepted.
const LISTEN_QUEUE: u32 = 1024;
/// Pause after a failed accept (out of file descriptors, memory).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(100);
/// Failed accepts are reported at most once in this long.
const ACCEPT_WARN_EVERY: Duration = Duration::from_secs(60);
/// Size of the pieces a copied file is sent in.
const CHUNK: usize = 64 * 1024;

/// What the server shows: the last good build and the current error, if any.
#[derive(Clone)]
struct Live {
    generation: u64,
    output: Arc<Output>,
    /// The diagnostics of the last build, when it failed.
    error: Option<Arc<str>>,
}

struct Shared {
    live: watch::Sender<Live>,
    /// Path prefix of `base_url` (`/dangjian/`), or `/`.
    base_path: String,
    /// The site folder, canonical: copied files are served only from inside it.
    root: PathBuf,
    /// This machine's name, lower case, when it has one.
    host_name: Option<String>,
}

impl Shared {
    fn snapshot(&self) -> Live {
        self.live.borrow().clone()
    }

    fn update(&self, output: Option<Arc<Output>>, error: Option<String>) {
        self.live.send_modify(|l| {
            l.generation += 1;
            if let Some(o) = output {
                l.output = o;
            }
            l.error = error.map(Arc::from);
        });
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
    let root =
        std::fs::canonicalize(&opts.root).with_context(|| Io::OpenSite.at(opts.root.display()))?;
    let mut session = Session::new(&opts.root, BuildOptions::default());
    let mut watcher = Watcher::new(&opts.root, &out_dir)?;
    // The output folder is kept up to date too, unless another zhanting
    // is writing it (or it holds other files): then from memory only.
    let opened = crate::publish::output::lock(&out_dir).and_then(|lock| {
        crate::publish::output::recover(&out_dir)?;
        Ok((lock, Deployer::open_output(&out_dir)?))
    });
    let (_lock, mut local) = match opened {
        Ok((lock, d)) => (Some(lock), Some(d)),
        Err(e) => {
            eprintln!(
                "{}",
                Say::MemoryOnly {
                    why: &format!("{e:#}")
                }
                .text()
            );
            (None, None)
        }
    };

    let first = session.rebuild(ChangeKind::Config, &[]);
    let base_path = crate::load::config::load(&opts.root)
        .ok()
        .map(|c| base_path(&c.base_url))
        .unwrap_or_else(|| "/".to_string());
    let (live, _) = watch::channel(Live {
        generation: 0,
        output: Arc::new(Output::default()),
        error: None,
    });
    let shared = Arc::new(Shared {
        live,
        base_path,
        root,
        host_name: own_host_name(),
    });
    apply(&shared, first, local.as_mut());

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("zhanting-http")
        .enable_all()
        .build()
        .with_context(|| Say::HttpStart.text())?;
    let addr = format!("{}:{}", opts.bind, opts.port);
    let listener = runtime.block_on(listen(&addr)).with_context(|| {
        Say::Listen {
            addr: &addr,
            port: opts.port,
        }
        .text()
    })?;
    let shown = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_else(|_| addr.clone());
    println!(
        "{}",
        Say::Serving {
            root: &opts.root.display().to_string(),
            address: &format!("http://{shown}/"),
        }
        .text()
    );
    runtime.spawn(accept_loop(listener, shared.clone()));

    while let Some(batch) = watcher.next_batch() {
        let r = session.rebuild(batch.kind, &batch.paths);
        apply(&shared, r, local.as_mut());
    }
    Ok(())
}

/// Listens on the first address `addr` resolves to that can be bound, with
/// a listen queue long enough for the connections waiting on
/// [`MAX_CONNECTIONS`].
async fn listen(addr: &str) -> io::Result<TcpListener> {
    let mut last = None;
    for a in tokio::net::lookup_host(addr).await? {
        let bound = (|| {
            let socket = if a.is_ipv4() {
                tokio::net::TcpSocket::new_v4()?
            } else {
                tokio::net::TcpSocket::new_v6()?
            };
            #[cfg(unix)]
            socket.set_reuseaddr(true)?;
            socket.bind(a)?;
            socket.listen(LISTEN_QUEUE)
        })();
        match bound {
            Ok(l) => return Ok(l),
            Err(e) => last = Some(e),
        }
    }
    Err(last.unwrap_or_else(|| {
        io::Error::new(io::ErrorKind::AddrNotAvailable, "the name has no address")
    }))
}

/// Accepts connections for as long as the process lives. Errors never end
/// it: connection-level ones are skipped, others (out of file descriptors)
/// are reported at most once a minute and retried after a pause.
async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let mut warned: Option<std::time::Instant> = None;
    loop {
        let Ok(slot) = slots.clone().acquire_owned().await else {
            return; // the semaphore is never closed
        };
        match listener.accept().await {
            Ok((stream, _)) => {
                let shared = shared.clone();
                tokio::spawn(async move {
                    connection(stream, shared).await;
                    drop(slot);
                });
            }
            Err(e) if is_per_connection(&e) => {}
            Err(e) => {
                if warned.is_none_or(|at| at.elapsed() >= ACCEPT_WARN_EVERY) {
                    eprintln!(
                        "{}",
                        Say::AcceptFailed {
                            why: &e.to_string()
                        }
                        .text()
                    );
                    warned = Some(std::time::Instant::now());
                }
                tokio::time::sleep(ACCEPT_BACKOFF).await;
            }
        }
    }
}

/// Accept errors that concern one connection only (the client gave up).
fn is_per_connection(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::Interrupted
            | io::ErrorKind::WouldBlock
    )
}

/// Serves one connection (HTTP/1.1 with keep-alive and pipelining) until
/// the client closes it, stalls, or breaks the protocol.
async fn connection(stream: TcpStream, shared: Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    let io = hyper_util::rt::TokioIo::new(Stalling::new(stream, WRITE_STALL));
    let service = hyper::service::service_fn(move |req| {
        let shared = shared.clone();
        async move { Ok::<_, Infallible>(respond(&shared, req).await) }
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(HEAD_TIMEOUT)
        .keep_alive(true)
        .serve_connection(io, service);
    // Errors here are the client's (gone, too slow, malformed): nothing to report.
    let _ = conn.await;
}

/// A stream whose writes fail with `TimedOut` once the peer has accepted no
/// bytes for `limit` (it stopped reading); reads pass through unchanged.
struct Stalling<T> {
    inner: T,
    limit: Duration,
    /// Armed when a write first finds the socket full; cleared on progress.
    deadline: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl<T> Stalling<T> {
    fn new(inner: T, limit: Duration) -> Self {
        Stalling {
            inner,
            limit,
            deadline: None,
        }
    }

    /// The write is pending: pending still, or an error once stalled too long.
    fn stalled<R>(&mut self, cx: &mut TaskContext<'_>) -> Poll<io::Result<R>> {
        let limit = self.limit;
        let deadline = self
            .deadline
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        ready!(deadline.as_mut().poll(cx));
        Poll::Ready(Err(io::Error::new(
            io::ErrorKind::TimedOut,
            "the client stopped reading",
        )))
    }

    fn progress<R>(
        &mut self,
        cx: &mut TaskContext<'_>,
        p: Poll<io::Result<R>>,
    ) -> Poll<io::Result<R>> {
        match p {
            Poll::Pending => self.stalled(cx),
            done => {
                self.deadline = None;
                done
            }
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Stalling<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Stalling<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let p = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.progress(cx, p)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let p = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.progress(cx, p)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let p = Pin::new(&mut this.inner).poll_flush(cx);
        this.progress(cx, p)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let p = Pin::new(&mut this.inner).poll_shutdown(cx);
        this.progress(cx, p)
    }
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
                    eprintln!(
                        "{}",
                        Say::OutputNotUpdated {
                            why: &format!("{e:#}")
                        }
                        .text()
                    );
                }
            }
            shared.update(Some(output), None);
            println!(
                "{}",
                Say::ServeBuilt {
                    pages,
                    rendered,
                    ms: elapsed.as_millis()
                }
                .text()
            );
        }
        Rebuilt::Failed(diags) => {
            let text = diagnostics_text(&diags);
            eprint!("{text}");
            eprintln!("{}", Say::ServeFailed.text());
            shared.update(None, Some(text));
        }
    }
}

/// Plain text of a failed build's diagnostics, one per line, with a
/// count, in the language of the run.
pub fn diagnostics_text(diags: &[Diagnostic]) -> String {
    let mut s = String::new();
    for d in diags {
        s.push_str(&d.to_string());
        s.push('\n');
    }
    let errors = diags.iter().filter(|d| d.is_error()).count();
    s.push_str(
        &Say::Totals {
            errors,
            warnings: diags.len() - errors,
        }
        .text()
        .to_string(),
    );
    s.push('\n');
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

type Body = BoxBody<Bytes, io::Error>;

fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into())
        .map_err(|never| match never {})
        .boxed()
}

/// A response with the headers every answer carries.
fn reply(status: StatusCode, content_type: &str, body: Body) -> Response<Body> {
    let mut resp = Response::new(body);
    *resp.status_mut() = status;
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    resp
}

fn plain(status: StatusCode, text: impl Into<String>) -> Response<Body> {
    reply(status, "text/plain; charset=utf-8", full(text.into()))
}

/// Answers one request. Never fails: every problem is a status code.
async fn respond(shared: &Shared, req: Request<Incoming>) -> Response<Body> {
    if let Some(host) = refused_host(&req, shared.host_name.as_deref()) {
        return plain(StatusCode::FORBIDDEN, forbidden_text(&host));
    }
    let head = req.method() == Method::HEAD;
    if !head && req.method() != Method::GET {
        let mut resp = plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed");
        resp.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return resp;
    }
    let resp = if req.uri().path() == POLL_PATH {
        answer_poll(shared, req.uri().query().unwrap_or("")).await
    } else {
        let target = req.uri().path_and_query().map_or("/", |p| p.as_str());
        answer(shared, target).await
    };
    if head {
        without_body(resp)
    } else {
        resp
    }
}

/// The same response with its length but no body (for HEAD).
fn without_body(resp: Response<Body>) -> Response<Body> {
    let (mut parts, body) = resp.into_parts();
    if let Some(len) = body.size_hint().exact() {
        parts.headers.insert(header::CONTENT_LENGTH, len.into());
    }
    Response::from_parts(parts, Empty::new().map_err(|never| match never {}).boxed())
}

/// The long poll: answers when the generation is no longer `since`, or
/// after [`POLL_WAIT`] with the same one.
async fn answer_poll(shared: &Shared, query: &str) -> Response<Body> {
    let since: Option<u64> = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("since="))
        .and_then(|v| v.parse().ok());
    let mut rx = shared.live.subscribe();
    let _ = tokio::time::timeout(POLL_WAIT, async {
        rx.wait_for(|l| Some(l.generation) != since).await.is_ok()
    })
    .await;
    let live = shared.snapshot();
    let body = serde_json::json!({ "generation": live.generation, "error": live.error.as_deref() })
        .to_string();
    reply(
        StatusCode::OK,
        "application/json; charset=utf-8",
        full(body),
    )
}

/// A file of the build, the site's 404 page, a redirect or an error.
async fn answer(shared: &Shared, target: &str) -> Response<Body> {
    let live = shared.snapshot();
    let key = match route(&live.output, &shared.base_path, target) {
        Route::File(k) => Some(k),
        Route::Redirect(to) => {
            let mut resp = reply(
                StatusCode::MOVED_PERMANENTLY,
                "text/plain; charset=utf-8",
                full(""),
            );
            match HeaderValue::from_str(&to) {
                Ok(v) => {
                    resp.headers_mut().insert(header::LOCATION, v);
                }
                Err(_) => return plain(StatusCode::BAD_REQUEST, "bad request"),
            }
            return resp;
        }
        Route::BadRequest => return plain(StatusCode::BAD_REQUEST, "bad request"),
        Route::NotFound => None,
    };
    if let Some(k) = key {
        if let Some(resp) = file_response(shared, &live, &k, StatusCode::OK).await {
            return resp;
        }
    }
    if let Some(resp) = file_response(shared, &live, "404.html", StatusCode::NOT_FOUND).await {
        return resp;
    }
    let page = b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>404</title></head><body><p>404</p></body></html>".to_vec();
    reply(
        StatusCode::NOT_FOUND,
        "text/html; charset=utf-8",
        full(inject(page, live.generation, live.error.as_deref())),
    )
}

/// The response for one file of the build, or `None` when it is not there
/// (or is a copied file whose source may no longer be served).
async fn file_response(
    shared: &Shared,
    live: &Live,
    key: &str,
    status: StatusCode,
) -> Option<Response<Body>> {
    let ctype = content_type(key);
    let html = ctype.starts_with("text/html");
    let bytes = match live.output.files.get(key)? {
        OutFile::Bytes(b) => Bytes::from_owner(b.clone()),
        OutFile::Static(b) => Bytes::from_static(b),
        OutFile::Copy(src) => {
            let (src, root) = (src.clone(), shared.root.clone());
            let (file, len) = tokio::task::spawn_blocking(move || {
                crate::publish::output::open_within(&src, &root)
            })
            .await
            .ok()??;
            if !html {
                let body = FileBody {
                    file: tokio::fs::File::from_std(file),
                    left: len,
                    buf: vec![0; CHUNK.min(len as usize)],
                };
                return Some(reply(status, &ctype, body.boxed()));
            }
            let read = tokio::task::spawn_blocking(move || {
                use std::io::Read;
                let mut v = Vec::new();
                file.take(len).read_to_end(&mut v).map(|_| v)
            });
            Bytes::from(read.await.ok()?.ok()?)
        }
    };
    let body = if html {
        Bytes::from(inject(
            bytes.to_vec(),
            live.generation,
            live.error.as_deref(),
        ))
    } else {
        bytes
    };
    Some(reply(status, &ctype, full(body)))
}

/// A copied file sent in pieces as it is read, so that a large attachment
/// is never held whole in memory. Its length is fixed when it is opened.
struct FileBody {
    file: tokio::fs::File,
    left: u64,
    buf: Vec<u8>,
}

impl hyper::body::Body for FileBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut TaskContext<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        let this = self.get_mut();
        if this.left == 0 {
            return Poll::Ready(None);
        }
        let want = this
            .buf
            .len()
            .min(usize::try_from(this.left).unwrap_or(usize::MAX));
        let mut rb = ReadBuf::new(&mut this.buf[..want]);
        ready!(Pin::new(&mut this.file).poll_read(cx, &mut rb))?;
        let n = rb.filled().len();
        if n == 0 {
            return Poll::Ready(Some(Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the file got shorter while it was sent",
            ))));
        }
        this.left -= n as u64;
        Poll::Ready(Some(Ok(Frame::data(Bytes::copy_from_slice(rb.filled())))))
    }

    fn is_end_stream(&self) -> bool {
        self.left == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.left)
    }
}

/// This machine's name in lower case, without a trailing dot.
fn own_host_name() -> Option<String> {
    let name = gethostname::gethostname()
        .to_string_lossy()
        .trim()
        .trim_end_matches('.')
        .to_ascii_lowercase();
    (!name.is_empty()).then_some(name)
}

/// The first `Host` (or request-target authority) this preview does not
/// answer for, if any. A request without a host (HTTP/1.0 tools) is
/// answered: browsers always send one.
fn refused_host<B>(req: &Request<B>, own: Option<&str>) -> Option<String> {
    let authority = req.uri().authority().map(|a| a.as_str().to_string());
    let hosts = req
        .headers()
        .get_all(header::HOST)
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    authority
        .into_iter()
        .chain(hosts)
        .find(|h| !host_allowed(h, own))
}

/// True for an IP literal (`127.0.0.1`, `[::1]`), `localhost`,
/// `*.localhost`, or this machine's name (`own`: its full name; its first
/// label and `first.local` are accepted too), each with an optional port.
pub fn host_allowed(host: &str, own: Option<&str>) -> bool {
    let host = host.trim();
    let (name, port) = if let Some(rest) = host.strip_prefix('[') {
        let Some((v6, port)) = rest.split_once(']') else {
            return false;
        };
        if v6.parse::<std::net::Ipv6Addr>().is_err() {
            return false;
        }
        (None, port)
    } else {
        let at = host.find(':').unwrap_or(host.len());
        (Some(&host[..at]), &host[at..])
    };
    let port_ok = port.is_empty()
        || port.strip_prefix(':').is_some_and(|p| {
            !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit())
        });
    if !port_ok {
        return false;
    }
    let Some(name) = name else {
        return true; // an IPv6 literal
    };
    if name.parse::<std::net::Ipv4Addr>().is_ok() {
        return true;
    }
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    if name.is_empty() {
        return false;
    }
    if name == "localhost" || name.ends_with(".localhost") {
        return true;
    }
    own.is_some_and(|own| {
        let short = own.split('.').next().unwrap_or(own);
        name == own || name == short || name == format!("{short}.local")
    })
}

/// The 403 text: which name was refused and what is answered instead.
fn forbidden_text(host: &str) -> String {
    let shown: String = host.chars().filter(|c| !c.is_control()).take(100).collect();
    format!(
        "403：不接受主机名 {shown} 的请求（预览只回答 localhost、IP 地址和本机名）\n\
         403 Forbidden: requests for host {shown} are not answered (the preview answers only localhost, IP addresses and this computer's name)\n"
    )
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
    let json = |v: Option<&str>| {
        serde_json::to_string(&v)
            .unwrap_or_else(|_| "null".into())
            .replace("</", "<\\/")
    };
    let heading = Say::OverlayHeading.text().to_string();
    let script = format!(
        "<script id=\"zhanting-live\">{}</script>",
        LIVE_JS
            .replace("__GEN__", &generation.to_string())
            .replace("__HEADING__", &json(Some(&heading)))
            .replace("__ERROR__", &json(error))
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
  o.textContent=__HEADING__+'\n\n'+text;
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
    use crate::publish::output::OutFile;

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
            assert_eq!(route(&o, "/", t), Route::BadRequest, "{t}");
        }
        // A climbing path that names a file of the build once resolved is
        // refused too, not answered with that file.
        for t in ["/css/../index.html", "/%2e%2e/index.html", "/./index.html"] {
            assert_eq!(route(&o, "/", t), Route::BadRequest, "{t}");
        }
    }

    #[test]
    fn answers_only_for_this_machine() {
        let own = Some("dangwei-pc01.county.gov.cn");
        for ok in [
            "127.0.0.1",
            "127.0.0.1:1111",
            "192.168.1.20:8080",
            "[::1]",
            "[::1]:1111",
            "[fe80::1]:80",
            "localhost",
            "LOCALHOST:1111",
            "localhost.:1111",
            "preview.localhost:1111",
            "dangwei-pc01",
            "DANGWEI-PC01:1111",
            "dangwei-pc01.local:1111",
            "dangwei-pc01.county.gov.cn:1111",
        ] {
            assert!(host_allowed(ok, own), "{ok} should be answered");
        }
        for bad in [
            "evil.example",
            "evil.example:1111",
            "localhost.evil.example",
            "127.0.0.1.evil.example",
            "dangwei-pc01.evil.example",
            "127.1",
            "0x7f000001",
            "[::1",
            "[evil]:1111",
            "::1",
            "localhost:",
            "localhost:abc",
            "localhost:1111:2222",
            "127.0.0.1:123456",
            "",
            ":1111",
        ] {
            assert!(!host_allowed(bad, own), "{bad} should be refused");
        }
        assert!(!host_allowed("dangwei-pc01", None));
        let text = forbidden_text("evil.example\r\nX: y");
        assert!(
            text.starts_with("403：不接受主机名 evil.exampleX: y 的请求"),
            "{text}"
        );
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
