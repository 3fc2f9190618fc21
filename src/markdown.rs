//! Markdown → HTML with pulldown-cmark, tuned for Chinese text.
//! (API contract; implementation in progress.)

/// Options that come from site.yaml.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Let raw HTML through untouched (`unsafe_html: true`).
    pub unsafe_html: bool,
}

/// A heading, for the table of contents.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    pub level: u8,
    pub id: String,
    pub title: String,
}

/// A link or image destination found in the Markdown, with its position in
/// the Markdown text given to [`render`] (1-based line and column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRef {
    pub dest: String,
    pub line: usize,
    pub col: usize,
    pub is_image: bool,
}

/// The result of rendering one Markdown body.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<Heading>,
    /// Plain text of the body (paragraphs separated by "\n"), for search.
    pub text: String,
    /// About 120 characters from the start of the text, skipping a
    /// salutation (同志们：) or recipients line.
    pub summary: String,
    /// Chinese characters plus Latin words and numbers.
    pub char_count: usize,
    pub links: Vec<LinkRef>,
}

/// Renders `src`. `resolve_link` maps a relative link destination ending in
/// `.md` (possibly with `#fragment`) to the href of that page; returning
/// `None` leaves the link as written (the caller reports it from `links`).
pub fn render(src: &str, opts: Options, resolve_link: &dyn Fn(&str) -> Option<String>) -> Rendered {
    let _ = (opts, resolve_link);
    Rendered {
        html: src.to_string(),
        text: src.to_string(),
        ..Default::default()
    }
}
