//! `zhanting serve` against hostile or broken clients, run as a real
//! process on real sockets: clients that never read, send their request
//! head byte by byte or hold idle connections; running out of file
//! descriptors; a copied file swapped for a link to outside the site; and
//! requests for a host name that is not this machine (DNS rebinding).

mod common;

use common::live::{port_in, request, Response, Running};
use common::{files, site, BIN};
use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// The server's limits (`serve::HEAD_TIMEOUT`, `serve::WRITE_STALL`).
const HEAD_TIMEOUT: Duration = Duration::from_secs(10);
const WRITE_STALL: Duration = Duration::from_secs(30);
/// How long a request of a well-behaved client may take while others
/// misbehave: far above the few milliseconds it needs.
const PROMPTLY: Duration = Duration::from_secs(10);

fn serve(root: &Path) -> (Running, u16) {
    let mut z = Running::start(&["serve", "--root", root.to_str().unwrap(), "--port", "0"]);
    let port = port_in(&z.wait_for("正在预览", 60));
    (z, port)
}

fn get_as(port: u16, method: &str, target: &str, host: &str) -> Response {
    request(
        port,
        &format!("{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"),
        PROMPTLY,
    )
    .unwrap_or_else(|e| panic!("{method} {target} (Host: {host}) not answered: {e}"))
}

/// `GET target` must be answered with 200 within [`PROMPTLY`].
fn answered_promptly(port: u16, target: &str) -> Response {
    let t = Instant::now();
    let r = request(
        port,
        &format!("GET {target} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"),
        PROMPTLY,
    )
    .unwrap_or_else(|e| panic!("GET {target} not answered: {e}"));
    assert_eq!(r.status, 200, "{target}");
    assert!(t.elapsed() < PROMPTLY, "{target} took {:?}", t.elapsed());
    r
}

/// Reads until the server closes the connection; returns the bytes read.
/// Panics when the connection is still open after `within` of silence.
fn read_until_closed(s: &mut TcpStream, within: Duration, what: &str) -> usize {
    s.set_read_timeout(Some(within)).unwrap();
    let mut buf = vec![0; 1 << 20];
    let mut total = 0;
    loop {
        match s.read(&mut buf) {
            Ok(0) => return total,
            Ok(n) => total += n,
            Err(e) if e.kind() == ErrorKind::ConnectionReset => return total,
            Err(e) => panic!("{what}: still open after {within:?} without data ({e})"),
        }
    }
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

const BIG: usize = 16 << 20;

#[test]
fn clients_that_never_read_stall_only_themselves_and_are_closed() {
    let (_t, root) = site("full");
    write(&root.join("static/files/big.bin"), &vec![b'x'; BIG]);
    let (_z, port) = serve(&root);
    let big = answered_promptly(port, "/files/big.bin");
    assert_eq!(big.body.len(), BIG);

    // More clients than the old server had workers, each asking for the
    // large file 50 times in one go and reading nothing.
    let pipelined = "GET /files/big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".repeat(50);
    let started = Instant::now();
    let mut stalled: Vec<TcpStream> = (0..8)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            s.write_all(pipelined.as_bytes()).unwrap();
            s
        })
        .collect();
    // Let the server fill their sockets.
    std::thread::sleep(Duration::from_secs(2));

    for _ in 0..5 {
        assert!(answered_promptly(port, "/")
            .text()
            .contains("/__zhanting/poll"));
    }
    assert_eq!(answered_promptly(port, "/files/big.bin").body.len(), BIG);
    answered_promptly(port, "/__zhanting/poll?since=999999");

    // Once they have made no progress for the stall limit, the server hangs up.
    std::thread::sleep((WRITE_STALL + Duration::from_secs(8)).saturating_sub(started.elapsed()));
    for (i, s) in stalled.iter_mut().enumerate() {
        let got = read_until_closed(s, Duration::from_secs(10), &format!("slow reader {i}"));
        assert!(
            got < 50 * BIG,
            "slow reader {i} was sent everything ({got} bytes): not closed"
        );
    }
    answered_promptly(port, "/");
}

#[test]
fn slow_request_heads_and_idle_connections_block_no_one_and_are_closed() {
    let (_t, root) = site("full");
    let (_z, port) = serve(&root);
    let started = Instant::now();
    let mut idle: Vec<TcpStream> = (0..100)
        .map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap())
        .collect();
    let mut partial: Vec<TcpStream> = (0..20)
        .map(|_| {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            s.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Wait: ")
                .unwrap();
            s
        })
        .collect();
    // One more sends its head a byte at a time, forever if let.
    let mut dripping = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let mut drip = dripping.try_clone().unwrap();
    let dripper = std::thread::spawn(move || {
        let t = Instant::now();
        for b in b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "
            .iter()
            .chain(std::iter::repeat(&b'a'))
        {
            if drip.write_all(&[*b]).is_err() || t.elapsed() > Duration::from_secs(60) {
                break;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        t.elapsed()
    });

    for _ in 0..10 {
        answered_promptly(port, "/");
    }

    let limit = HEAD_TIMEOUT + Duration::from_secs(15);
    let left = || {
        limit
            .saturating_sub(started.elapsed())
            .max(Duration::from_millis(1))
    };
    for (i, s) in partial.iter_mut().enumerate() {
        read_until_closed(s, left(), &format!("partial head {i}"));
    }
    for (i, s) in idle.iter_mut().enumerate() {
        read_until_closed(s, left(), &format!("idle connection {i}"));
    }
    read_until_closed(&mut dripping, left(), "byte-by-byte head");
    let dripped = dripper.join().unwrap();
    assert!(
        dripped < limit,
        "the byte-by-byte client could write for {dripped:?}"
    );
    assert!(started.elapsed() >= HEAD_TIMEOUT - Duration::from_secs(1));
    answered_promptly(port, "/");
}

#[cfg(target_os = "linux")]
#[test]
fn running_out_of_file_descriptors_leaves_the_listener_alive() {
    let (_t, root) = site("full");
    let mut cmd = Command::new("bash");
    cmd.args([
        "-c",
        "ulimit -n 128 && exec \"$0\" serve --root \"$1\" --port 0",
        BIN,
        root.to_str().unwrap(),
    ]);
    let mut z = Running::start_command(cmd);
    let port = port_in(&z.wait_for("正在预览", 60));
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", z.id())).unwrap();
    let nofile = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .unwrap();
    assert_eq!(
        nofile.split_whitespace().nth(3),
        Some("128"),
        "the limit is in force: {nofile}"
    );

    // More connections than the server has descriptors.
    let held: Vec<TcpStream> = (0..300)
        .map(|i| {
            TcpStream::connect(("127.0.0.1", port))
                .unwrap_or_else(|e| panic!("connection {i}: {e}: the listener is gone"))
        })
        .collect();
    z.wait_for("无法接受连接", 30);
    drop(held);

    let r = request(
        port,
        "GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n",
        Duration::from_secs(30),
    )
    .expect("the listener still answers");
    assert_eq!(r.status, 200);
    answered_promptly(port, "/");
    let log = z.collect(Duration::from_secs(1)).to_vec();
    assert!(
        !log.iter().any(|l| l.contains("panicked")),
        "the server panicked:\n{}",
        log.join("\n")
    );
    let warnings = log.iter().filter(|l| l.contains("无法接受连接")).count();
    assert_eq!(
        warnings,
        1,
        "accept failures are reported once a minute at most:\n{}",
        log.join("\n")
    );
}

#[cfg(unix)]
#[test]
fn a_copied_file_swapped_for_a_link_outside_is_never_served() {
    let (t, root) = site("full");
    write(
        &root.join("content/cases/附件页.md"),
        "---\ntitle: 附件测试\ndate: 2020-01-01\nattachments: [公开材料.txt]\n---\n正文\n"
            .as_bytes(),
    );
    let attachment = root.join("content/cases/公开材料.txt");
    write(&attachment, b"PUBLIC-ATTACHMENT");
    let secret = t.path().join("secret.txt");
    write(&secret, b"SECRET-OUTSIDE-THE-SITE");
    let (mut z, port) = serve(&root);

    let out = root.join("output");
    let rel = files(&out)
        .into_iter()
        .find(|p| std::fs::read(out.join(p)).is_ok_and(|b| b == b"PUBLIC-ATTACHMENT"))
        .expect("the attachment is in the output")
        .to_string_lossy()
        .into_owned();
    let url = format!(
        "/{}",
        percent_encoding::utf8_percent_encode(&rel, percent_encoding::CONTROLS)
    );
    let r = answered_promptly(port, &url);
    assert_eq!(r.body, b"PUBLIC-ATTACHMENT");

    std::fs::remove_file(&attachment).unwrap();
    std::os::unix::fs::symlink(&secret, &attachment).unwrap();
    z.wait_for("构建失败", 30);
    for method in ["GET", "HEAD"] {
        let r = get_as(port, method, &url, "127.0.0.1");
        assert_eq!(r.status, 404, "{method} {url}");
        assert!(
            !r.text().contains("SECRET"),
            "{method} {url} leaked the link's target"
        );
    }
    // The output folder still holds the last good build's file.
    assert_eq!(std::fs::read(out.join(&rel)).unwrap(), b"PUBLIC-ATTACHMENT");

    // A folder above it swapped for a link to outside: the same.
    std::fs::remove_file(&attachment).unwrap();
    std::fs::write(&attachment, "PUBLIC-ATTACHMENT").unwrap();
    z.wait_for("已构建", 30);
    assert_eq!(answered_promptly(port, &url).body, b"PUBLIC-ATTACHMENT");
    let outside = t.path().join("outside-cases");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(outside.join("公开材料.txt"), "SECRET-OUTSIDE-THE-SITE").unwrap();
    std::fs::rename(root.join("content/cases"), t.path().join("moved-cases")).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("content/cases")).unwrap();
    let r = get_as(port, "GET", &url, "127.0.0.1");
    assert!(
        !r.text().contains("SECRET"),
        "{url} leaked through a linked folder"
    );
    assert_eq!(r.status, 404);
}

#[test]
fn only_requests_for_this_machine_are_answered() {
    let (_t, root) = site("full");
    let (_z, port) = serve(&root);
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        format!("127.0.0.1.evil.example:{port}"),
    ] {
        for target in ["/", "/__zhanting/poll?since=0", "/no/such/page/"] {
            let r = get_as(port, "GET", target, &host);
            assert_eq!(r.status, 403, "Host: {host} {target}");
            assert_eq!(
                r.header("content-type").as_deref(),
                Some("text/plain; charset=utf-8")
            );
            assert_eq!(
                r.text(),
                format!(
                    "403：不接受主机名 {host} 的请求（预览只回答 localhost、IP 地址和本机名）\n\
                     403 Forbidden: requests for host {host} are not answered (the preview answers only localhost, IP addresses and this computer's name)\n"
                )
            );
        }
    }
    let mut ok = vec![
        "127.0.0.1".to_string(),
        format!("127.0.0.1:{port}"),
        format!("localhost:{port}"),
        format!("preview.localhost:{port}"),
        format!("[::1]:{port}"),
    ];
    #[cfg(target_os = "linux")]
    {
        let name = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap();
        ok.push(format!("{}:{port}", name.trim()));
    }
    for host in &ok {
        let r = get_as(port, "GET", "/", host);
        assert_eq!(r.status, 200, "Host: {host}");
        assert!(r.text().contains("/__zhanting/poll"), "Host: {host}");
    }

    // The rest of the protocol is as before.
    let home = get_as(port, "GET", "/", "localhost");
    let head = get_as(port, "HEAD", "/", "localhost");
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty(), "HEAD has no body");
    assert_eq!(
        head.header("content-length"),
        Some(home.body.len().to_string())
    );
    for h in [&home, &head] {
        assert_eq!(h.header("cache-control").as_deref(), Some("no-store"));
        assert_eq!(
            h.header("x-content-type-options").as_deref(),
            Some("nosniff")
        );
    }
    let post = get_as(port, "POST", "/", "localhost");
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow").as_deref(), Some("GET, HEAD"));
    assert_eq!(get_as(port, "GET", "/%FF", "localhost").status, 400);
}
