//! Publishing under load: nginx serves the deploy folder while
//! `zhanting watch --deploy-to` publishes a series of edits into it, and
//! readers hammering every page never get a 404, a 5xx or a truncated page.

mod common;

use common::live::{get, Running};
use common::site;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const NGINX: &str = "/usr/sbin/nginx";

struct Nginx {
    child: Child,
    prefix: PathBuf,
    pub port: u16,
}

impl Nginx {
    /// nginx serving `root` at `/`.
    fn start(prefix: &Path, root: &Path) -> Nginx {
        let root = root.display().to_string();
        Nginx::start_with(prefix, &|port| {
            format!("server {{ listen 127.0.0.1:{port}; root {root}; index index.html; charset utf-8; }}")
        })
    }

    /// nginx with the `server` block `server(port)` and the MIME types of
    /// the nginx package.
    fn start_with(prefix: &Path, server: &dyn Fn(u16) -> String) -> Nginx {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let root_user = Command::new("id")
            .arg("-u")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
            .unwrap_or(false);
        let p = prefix.display();
        let conf = format!(
            "{user}worker_processes 2;\npid {p}/nginx.pid;\nerror_log {p}/error.log;\nevents {{ worker_connections 256; }}\n\
             http {{\n  access_log {p}/access.log;\n  client_body_temp_path {p}/body;\n  proxy_temp_path {p}/proxy;\n  fastcgi_temp_path {p}/fastcgi;\n  uwsgi_temp_path {p}/uwsgi;\n  scgi_temp_path {p}/scgi;\n\
             include /etc/nginx/mime.types;\n\
             {server}\n}}\n",
            user = if root_user { "user root;\n" } else { "" },
            server = server(port),
        );
        std::fs::write(prefix.join("nginx.conf"), conf).unwrap();
        let child = Command::new(NGINX)
            .args([
                "-p",
                prefix.to_str().unwrap(),
                "-c",
                prefix.join("nginx.conf").to_str().unwrap(),
                "-g",
                "daemon off;",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start nginx (scripts/test.sh installs it)");
        let n = Nginx {
            child,
            prefix: prefix.to_path_buf(),
            port,
        };
        let end = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < end,
                "nginx did not start: {}",
                std::fs::read_to_string(prefix.join("error.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        n
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // TERM lets the master stop its workers.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let _ = self.child.wait();
        let _ = &self.prefix;
    }
}

#[test]
fn readers_never_see_a_missing_or_partial_page_while_edits_are_published() {
    assert!(
        Path::new(NGINX).exists(),
        "{NGINX} is missing: run scripts/test.sh, which installs nginx"
    );
    let (tmp, root) = site("full");
    let www = tmp.path().join("www");
    let ngx = tmp.path().join("nginx");
    std::fs::create_dir_all(&ngx).unwrap();
    let mut z = Running::start(&[
        "watch",
        "--root",
        root.to_str().unwrap(),
        "--deploy-to",
        www.to_str().unwrap(),
    ]);
    z.wait_for("正在监视", 60);
    let nginx = Nginx::start(&ngx, &www);
    let port = nginx.port;

    // Every file of the first publish exists before and after each edit below.
    let urls: Vec<String> = common::files(&www)
        .into_iter()
        .map(|p| p.to_string_lossy().into_owned())
        .filter(|p| !p.starts_with('.'))
        .map(|p| {
            let enc =
                percent_encoding::utf8_percent_encode(&p, percent_encoding::CONTROLS).to_string();
            format!("/{}", enc.strip_suffix("index.html").unwrap_or(&enc))
        })
        .collect();
    assert!(urls.len() > 30, "{urls:?}");
    assert_eq!(get(port, "/").status, 200);

    let stop = Arc::new(AtomicBool::new(false));
    let bad = Arc::new(Mutex::new(Vec::<String>::new()));
    let readers: Vec<_> = (0..3)
        .map(|k| {
            let (urls, stop, bad) = (urls.clone(), stop.clone(), bad.clone());
            std::thread::spawn(move || {
                let (start, mut n) = (Instant::now(), 0usize);
                // Bounded: a fixed number of requests and a fixed time.
                while !stop.load(Ordering::Relaxed)
                    && n < 200_000
                    && start.elapsed() < Duration::from_secs(120)
                {
                    let u = &urls[(n * 7 + k) % urls.len()];
                    let r = get(port, u);
                    let html = u.ends_with('/') || u.ends_with(".html");
                    if r.status != 200 || (html && !r.text().trim_end().ends_with("</html>")) {
                        bad.lock().unwrap().push(format!(
                            "{u}: {} ({} bytes)",
                            r.status,
                            r.body.len()
                        ));
                    }
                    n += 1;
                }
                n
            })
        })
        .collect();

    let page = root.join("content/speeches/second.md");
    let text = std::fs::read_to_string(&page).unwrap();
    let added = root.join("content/speeches/新增讲话.md");
    for i in 0..12 {
        match i % 4 {
            0 => std::fs::write(&page, text.replace("同志们：", &format!("同志们（第{i}次修改）："))).unwrap(),
            1 => std::fs::write(&page, text.replace("在机关作风建设会上的讲话", &format!("在机关作风建设会上的讲话（{i}）"))).unwrap(),
            2 => std::fs::write(&added, format!("---\ntitle: 新增讲话{i}\ndate: 2015-05-0{}\nspeaker: 钱立新\nregion: 陕西省北山市北湖区\ntags: 作风建设\n---\n同志们：\n\n{}\n", i % 9 + 1, "新的内容。".repeat(200))).unwrap(),
            _ => std::fs::remove_file(&added).unwrap(),
        }
        z.wait_for("发布到", 30);
        std::thread::sleep(Duration::from_millis(150));
    }
    stop.store(true, Ordering::Relaxed);
    let total: usize = readers.into_iter().map(|t| t.join().unwrap()).sum();
    let bad = bad.lock().unwrap();
    assert!(
        bad.is_empty(),
        "{} bad answers out of {total}, e.g. {:?}",
        bad.len(),
        &bad[..bad.len().min(10)]
    );
    assert!(total > 100, "too few requests to mean anything: {total}");
    // nginx serves the last edit.
    let last = get(port, "/speeches/second/").text();
    assert!(
        last.contains("在机关作风建设会上的讲话（9）"),
        "the last edit is live"
    );
    drop(nginx);
}

/// The first ```nginx block of README.md's Chinese quick start.
fn readme_nginx_snippet() -> String {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"))
        .expect("README.md");
    let start = readme.find("## 快速上手").expect("the Chinese quick start");
    let rest = &readme[start..];
    let block = rest.find("```nginx\n").expect("an nginx block") + "```nginx\n".len();
    let end = rest[block..].find("```").expect("the end of the block");
    rest[block..block + end].to_string()
}

#[test]
fn the_readme_nginx_snippet_serves_the_site_under_its_sub_path() {
    assert!(
        Path::new(NGINX).exists(),
        "{NGINX} is missing: run scripts/test.sh, which installs nginx"
    );
    let snippet = readme_nginx_snippet();
    assert!(snippet.contains("/var/www/dangjian/"), "{snippet}");
    let (tmp, root) = site("full");
    let www = tmp.path().join("www");
    let ngx = tmp.path().join("nginx");
    std::fs::create_dir_all(&ngx).unwrap();
    let r = root.to_str().unwrap();
    let (code, _, err) = common::run(&["build", "--root", r, "--base-url", "/dangjian/"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = common::run(&["deploy", "--root", r, "--to", www.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let inside = snippet.replace("/var/www/dangjian/", &format!("{}/", www.display()));
    let nginx = Nginx::start_with(&ngx, &|port| {
        format!("server {{ listen 127.0.0.1:{port};\n{inside}}}")
    });
    let port = nginx.port;
    let home = get(port, "/dangjian/");
    assert_eq!(home.status, 200, "{}", home.headers);
    let home_text = String::from_utf8_lossy(&home.body);
    assert!(home_text.contains("测试展厅"), "{home_text}");
    assert!(
        home.headers
            .to_ascii_lowercase()
            .contains("content-type: text/html; charset=utf-8"),
        "{}",
        home.headers
    );
    for (path, kind) in [
        ("/dangjian/cases/qingshi/", "text/html"),
        ("/dangjian/assets/style.css", "text/css"),
        ("/dangjian/assets/site.js", "javascript"),
        ("/dangjian/feed.xml", "xml"),
        ("/dangjian/assets/feed-style.xml", "xml"),
    ] {
        let r = get(port, path);
        assert_eq!(r.status, 200, "{path}: {}", r.headers);
        assert!(
            r.headers.to_ascii_lowercase().contains(kind),
            "{path}: {}",
            r.headers
        );
    }
    // a page that is not there shows the site's own 404 page
    let missing = get(port, "/dangjian/cases/%E6%B2%A1%E6%9C%89/");
    assert_eq!(missing.status, 404);
    let page404 = std::fs::read(www.join("404.html")).unwrap();
    assert_eq!(missing.body, page404);
}
