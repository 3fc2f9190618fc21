//! Old Word files through LibreOffice: when `soffice` (or `libreoffice`) is
//! installed, a .doc or .wps is converted to .docx with
//! `soffice --headless --convert-to docx --outdir OUT FILE` (the .docx
//! filter named, `docx:MS Word 2007 XML`, so that a web page saved as .doc
//! converts too) and read by
//! [`super::docx`], so bold, headings, lists, tables and pictures come
//! through.
//!
//! The conversion runs in a temporary folder of its own: the file copied
//! in as `source.doc` (so a name with spaces, a leading `-` or a .wps
//! extension cannot change what LibreOffice does), a fresh LibreOffice
//! profile (so a LibreOffice window the user has open does not swallow the
//! request), its output and messages in files. It is stopped after
//! [`timeout`] (a hung LibreOffice, a dialog nobody sees) together with
//! what it started. Any failure is a [`Notice`] the import reports before
//! it reads the file itself ([`super::doc`]).

use super::Notice;
use crate::msg::M;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The environment variable that sets the conversion's time limit in
/// seconds.
pub const TIMEOUT_VAR: &str = "ZHANTING_SOFFICE_TIMEOUT";
/// The time limit when [`TIMEOUT_VAR`] is not set.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// How long a conversion may take: [`TIMEOUT_VAR`] when it is a whole
/// number of seconds, else [`DEFAULT_TIMEOUT`].
pub fn timeout() -> Duration {
    std::env::var(TIMEOUT_VAR)
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .filter(|&s| s > 0)
        .map_or(DEFAULT_TIMEOUT, Duration::from_secs)
}

/// LibreOffice's `soffice` (or `libreoffice`) on `PATH`, else where the
/// LibreOffice installer puts it on Windows and macOS.
pub fn find() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    let exe = std::env::consts::EXE_SUFFIX;
    for dir in std::env::split_paths(&path) {
        for name in ["soffice", "libreoffice"] {
            let p = dir.join(format!("{name}{exe}"));
            if p.is_file() {
                return Some(p);
            }
        }
    }
    installed()
}

#[cfg(windows)]
fn installed() -> Option<PathBuf> {
    ["ProgramFiles", "ProgramFiles(x86)"]
        .iter()
        .filter_map(std::env::var_os)
        .map(|d| PathBuf::from(d).join(r"LibreOffice\program\soffice.exe"))
        .find(|p| p.is_file())
}

#[cfg(target_os = "macos")]
fn installed() -> Option<PathBuf> {
    let p = PathBuf::from("/Applications/LibreOffice.app/Contents/MacOS/soffice");
    p.is_file().then_some(p)
}

#[cfg(not(any(windows, target_os = "macos")))]
fn installed() -> Option<PathBuf> {
    None
}

/// A temporary folder, removed with what it holds when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> std::io::Result<TempDir> {
        let base = std::env::temp_dir();
        let mut n = 0u32;
        loop {
            let p = base.join(format!("zhanting-soffice-{}-{n}", std::process::id()));
            match std::fs::create_dir(&p) {
                Ok(()) => return Ok(TempDir(p)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
                Err(e) => return Err(e),
            }
        }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `dir` as a `file:` URL, for LibreOffice's `-env:UserInstallation`.
fn file_url(dir: &Path) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
    const KEEP: &AsciiSet = &CONTROLS
        .add(b' ')
        .add(b'"')
        .add(b'#')
        .add(b'%')
        .add(b'<')
        .add(b'>')
        .add(b'?')
        .add(b'`')
        .add(b'{')
        .add(b'}');
    let s = dir.to_string_lossy().replace('\\', "/");
    let s = utf8_percent_encode(&s, KEEP).to_string();
    if s.starts_with('/') {
        format!("file://{s}")
    } else {
        format!("file:///{s}")
    }
}

/// Converts the Word file `bytes` to .docx with the LibreOffice at
/// `soffice`, waiting at most `limit`; returns the .docx's bytes.
pub fn to_docx(soffice: &Path, bytes: &[u8], limit: Duration) -> Result<Vec<u8>, Notice> {
    let failed = |detail: String| Notice::new(M::SofficeFailed { detail: &detail });
    let tmp = TempDir::new().map_err(|e| failed(e.to_string()))?;
    let (input, out, profile) = (tmp.0.join("in"), tmp.0.join("out"), tmp.0.join("profile"));
    for d in [&input, &out, &profile] {
        std::fs::create_dir(d).map_err(|e| failed(e.to_string()))?;
    }
    let source = input.join("source.doc");
    std::fs::write(&source, bytes).map_err(|e| failed(e.to_string()))?;
    let log = |name: &str| std::fs::File::create(tmp.0.join(name));
    let (stdout, stderr) = match (log("stdout.txt"), log("stderr.txt")) {
        (Ok(o), Ok(e)) => (o, e),
        (Err(e), _) | (_, Err(e)) => return Err(failed(e.to_string())),
    };
    let mut cmd = Command::new(soffice);
    cmd.arg("--headless")
        .arg("--norestore")
        .arg(format!("-env:UserInstallation={}", file_url(&profile)))
        // the filter named: a web page saved as .doc opens as a web
        // document, which has no .docx export filter of its own
        .args(["--convert-to", "docx:MS Word 2007 XML", "--outdir"])
        .arg(&out)
        .arg(&source)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr);
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd
        .spawn()
        .map_err(|e| failed(format!("{}: {e}", soffice.display())))?;
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if start.elapsed() >= limit => {
                stop(&mut child);
                return Err(Notice::new(M::SofficeTimedOut {
                    secs: limit.as_secs(),
                }));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => {
                stop(&mut child);
                return Err(failed(e.to_string()));
            }
        }
    };
    let said = || {
        let e = std::fs::read(tmp.0.join("stderr.txt")).unwrap_or_default();
        let e = String::from_utf8_lossy(&e);
        let last = e.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
        super::text::one_line(last)
            .chars()
            .take(300)
            .collect::<String>()
    };
    if !status.success() {
        let mut d = match status.code() {
            Some(c) => format!("exit status {c}"),
            None => "stopped by a signal".to_string(),
        };
        let s = said();
        if !s.is_empty() {
            d = format!("{d}: {s}");
        }
        return Err(failed(d));
    }
    match std::fs::read(out.join("source.docx")) {
        Ok(b) => Ok(b),
        Err(_) => {
            let s = said();
            Err(failed(if s.is_empty() {
                "no .docx was written".to_string()
            } else {
                format!("no .docx was written: {s}")
            }))
        }
    }
}

/// Stops the conversion and what it started, and waits for it.
fn stop(child: &mut std::process::Child) {
    #[cfg(unix)]
    kill_group(child);
    let _ = child.kill();
    let _ = child.wait();
}

/// Ends the process group of `child` (its own: see `process_group(0)`).
#[cfg(unix)]
fn kill_group(child: &std::process::Child) {
    if let Some(pid) = i32::try_from(child.id())
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_urls() {
        assert_eq!(
            file_url(Path::new("/tmp/a b/档案#1")),
            "file:///tmp/a%20b/%E6%A1%A3%E6%A1%88%231"
        );
        assert_eq!(file_url(Path::new(r"C:\Temp\p")), "file:///C:/Temp/p");
    }
}
