//! Diagnostics: content errors and warnings located at `path:line:col`.
//!
//! Every stage that reads user files reports problems as [`Diagnostic`]s and
//! keeps going, so one run shows every mistake at once. They are printed in
//! one place (`cli`), in the compiler convention editors jump to.

use std::fmt;
use std::path::{Path, PathBuf};

pub use crate::msg::{Lang, Msg, M};
use crate::text::DecodeProblem;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One finding about a user file. `line` and `col` are 1-based and refer to
/// the original file (front matter offset included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub path: PathBuf,
    pub line: usize,
    pub col: usize,
    pub severity: Severity,
    /// What is wrong, in Chinese and English (see [`crate::msg`]).
    pub message: Msg,
    /// How to fix it, in plain words. Printed on its own line.
    pub hint: Option<Msg>,
}

impl Diagnostic {
    /// An error from the message catalogue: text and hint in both languages.
    pub fn err(path: impl Into<PathBuf>, line: usize, col: usize, m: M) -> Self {
        let (message, hint) = m.texts();
        Diagnostic {
            hint,
            ..Diagnostic::error(path, line, col, message)
        }
    }

    /// A warning from the message catalogue.
    pub fn warn(path: impl Into<PathBuf>, line: usize, col: usize, m: M) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::err(path, line, col, m)
        }
    }

    /// An error whose text is not in the catalogue (the same in every language).
    pub fn error(
        path: impl Into<PathBuf>,
        line: usize,
        col: usize,
        message: impl Into<Msg>,
    ) -> Self {
        Diagnostic {
            path: path.into(),
            line: line.max(1),
            col: col.max(1),
            severity: Severity::Error,
            message: message.into(),
            hint: None,
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The diagnostic as printed in `lang`: `path:line:col: error: …` and,
    /// on the next line, the hint. `error`/`warning` stay in English in
    /// both languages, as editors look for them.
    pub fn in_lang(&self, lang: Lang) -> InLang<'_> {
        InLang(self, lang)
    }
}

/// A [`Diagnostic`] shown in one language.
pub struct InLang<'a>(&'a Diagnostic, Lang);

impl fmt::Display for InLang<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (d, lang) = (self.0, self.1);
        let sev = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {}: {}",
            display_path(&d.path),
            d.line,
            d.col,
            sev,
            d.message.get(lang)
        )?;
        if let Some(hint) = &d.hint {
            let label = match lang {
                Lang::Zh => "提示：",
                Lang::En => "hint: ",
            };
            write!(f, "\n  {label}{}", hint.get(lang))?;
        }
        Ok(())
    }
}

/// In the language of the run (`msg::lang`: Chinese unless `cli` chose English).
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.in_lang(crate::msg::lang()).fmt(f)
    }
}

/// Paths are shown with forward slashes on every platform, as editors and
/// the tests expect.
pub fn display_path(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

/// A growing list of diagnostics, sorted for output so runs are deterministic.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }
    /// Sorted by file, then position, then severity and text.
    pub fn sorted(mut self) -> Vec<Diagnostic> {
        self.0.sort_by(|a, b| {
            (&a.path, a.line, a.col, a.severity, &a.message)
                .cmp(&(&b.path, b.line, b.col, b.severity, &b.message))
        });
        self.0.dedup();
        self.0
    }
}

/// A file that could not be read as text ([`crate::text::decode_text`]),
/// told with the catalogue's message and hint.
impl crate::text::DecodeError {
    /// `M::NotUtf8`, `M::BinaryFile` or `M::DamagedUtf16`.
    pub fn message(&self) -> M<'static> {
        match self.problem {
            DecodeProblem::NotUtf8 => M::NotUtf8,
            DecodeProblem::BinaryFile => M::BinaryFile,
            DecodeProblem::DamagedUtf16 => M::DamagedUtf16,
        }
    }

    /// The error, with its hint, located in `path`.
    pub fn diagnostic(&self, path: &Path) -> Diagnostic {
        Diagnostic::err(path, self.line, self.col, self.message())
    }
}

/// In English (for logs); users see [`crate::text::DecodeError::diagnostic`].
impl fmt::Display for crate::text::DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message().texts().0.en)
    }
}

/// The known name closest to `word`, if it is close enough to be a likely
/// misspelling (used for site.yaml keys and front matter fields).
pub fn nearest<'a>(word: &str, known: &[&'a str]) -> Option<&'a str> {
    let w = word.to_lowercase();
    known
        .iter()
        .map(|k| (strsim::damerau_levenshtein(&w, k), *k))
        .filter(|(d, k)| *d <= if k.chars().count() <= 5 { 1 } else { 2 })
        .min_by_key(|(d, k)| (*d, *k))
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_finds_misspellings_only() {
        let known = ["title", "speaker", "summary", "date", "tags"];
        assert_eq!(nearest("tittle", &known), Some("title"));
        assert_eq!(nearest("speakr", &known), Some("speaker"));
        assert_eq!(nearest("Title", &known), Some("title"));
        assert_eq!(nearest("colour", &known), None);
        assert_eq!(nearest("x", &known), None);
    }

    #[test]
    fn display_is_compiler_style() {
        let d = Diagnostic::err(
            "content/a.md",
            3,
            7,
            M::NoSuchDay {
                value: "2013-02-30",
            },
        );
        assert_eq!(d.in_lang(Lang::En).to_string(), "content/a.md:3:7: error: the day `2013-02-30` does not exist\n  hint: that month has no such day: check the month and the day");
        assert_eq!(d.to_string(), "content/a.md:3:7: error: 日期 `2013-02-30` 不存在\n  提示：这个月没有这一天，请核对月和日");
    }
}
