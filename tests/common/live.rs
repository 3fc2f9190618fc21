//! Helpers for the tests of long-running commands (`serve`, `watch`): a
//! child process killed on drop whose output lines arrive on a channel, and
//! a minimal raw HTTP/1.0 client (raw, so that `..` reaches the server as
//! written).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

pub struct Running {
    child: Child,
    lines: Receiver<String>,
    pub log: Vec<String>,
}

impl Running {
    /// Starts `zhanting ARGS`; stdout and stderr lines both arrive in `next_line`.
    pub fn start(args: &[&str]) -> Running {
        let mut cmd = Command::new(super::BIN);
        cmd.args(args);
        Running::start_command(cmd)
    }

    /// Starts a prepared command (e.g. zhanting run through a shell that
    /// lowers a limit first).
    pub fn start_command(mut cmd: Command) -> Running {
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start zhanting");
        let (tx, rx) = channel();
        let out = child.stdout.take().expect("stdout");
        let err = child.stderr.take().expect("stderr");
        let tx2 = tx.clone();
        std::thread::spawn(move || {
            for l in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(l);
            }
        });
        std::thread::spawn(move || {
            for l in BufReader::new(err).lines().map_while(Result::ok) {
                let _ = tx2.send(l);
            }
        });
        Running {
            child,
            lines: rx,
            log: vec![],
        }
    }

    /// Waits for a line containing `needle`; returns it. Panics with the
    /// whole log after `secs`.
    pub fn wait_for(&mut self, needle: &str, secs: u64) -> String {
        let end = Instant::now() + Duration::from_secs(secs);
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(l) => {
                    self.log.push(l.clone());
                    if l.contains(needle) {
                        return l;
                    }
                }
                Err(_) => panic!(
                    "no line with `{needle}` within {secs} s; output so far:\n{}",
                    self.log.join("\n")
                ),
            }
        }
    }
}

impl Running {
    /// Collects the lines printed within `wait` from now into `log`;
    /// returns the whole log.
    pub fn collect(&mut self, wait: Duration) -> &[String] {
        let end = Instant::now() + wait;
        while let Ok(l) = self
            .lines
            .recv_timeout(end.saturating_duration_since(Instant::now()))
        {
            self.log.push(l);
        }
        &self.log
    }

    /// The process id, for looking at its open files.
    pub fn id(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The port in a line like `正在预览 …：在浏览器中打开 http://127.0.0.1:PORT/…`.
pub fn port_in(line: &str) -> u16 {
    let at = line.find("127.0.0.1:").expect("address in line") + "127.0.0.1:".len();
    line[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect::<String>()
        .parse()
        .expect("port")
}

pub struct Response {
    pub status: u16,
    pub headers: String,
    pub body: Vec<u8>,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    }
}

/// `GET target` on 127.0.0.1:port, sent exactly as given.
pub fn get(port: u16, target: &str) -> Response {
    request(
        port,
        &format!("GET {target} HTTP/1.0\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
        Duration::from_secs(30),
    )
    .unwrap_or_else(|e| panic!("GET {target}: {e}"))
}

/// Sends `head` (a whole raw request) to 127.0.0.1:port and reads the
/// response until the server closes the connection; fails when that takes
/// longer than `within` between two reads.
pub fn request(port: u16, head: &str, within: Duration) -> std::io::Result<Response> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(within))?;
    s.write_all(head.as_bytes())?;
    let mut raw = vec![];
    s.read_to_end(&mut raw)?;
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let headers = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = headers
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    Ok(Response {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    })
}
