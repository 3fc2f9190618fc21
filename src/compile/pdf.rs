//! The booklet as a PDF, set by typst (used as a library).
//!
//! The whole booklet is one typst document written here ([`document`]):
//! the page and text rules after GB/T 9704, the cover, `outline` for the
//! 目录 (typst resolves the page numbers), then each article from a new
//! page with its title as a level-1 heading (so it is in the 目录 and the
//! PDF's bookmarks). typst sees only that document, the four faces and the
//! pictures ([`Booklet`] → [`World`]); it reads nothing else from the disk
//! and fetches nothing.

use super::fonts::Faces;
use super::markup::{self, lit, quoted, Families, Pictures};
use super::{Booklet, Failure};
use crate::msg::Say;
use std::fmt::Write;
use std::path::Path;
use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt};
use typst_layout::PagedDocument;

/// A PDF and its number of pages.
pub struct Made {
    pub bytes: Vec<u8>,
    pub pages: usize,
}

/// Sets `booklet` with `faces`.
pub fn make(root: &Path, booklet: &Booklet<'_>, faces: &Faces) -> Result<Made, Failure> {
    let prepared = prepare(root, booklet, faces)?;
    let key = prepared.key(faces);
    prepared.set_with_key(faces, &key)
}

/// What typst is given for a booklet: the document and its pictures, the
/// faces aside. The same `Prepared` with the same faces gives the same PDF.
pub struct Prepared {
    text: String,
    pictures: Pictures,
}

/// The booklet as a typst document, its pictures read; no typesetting yet.
pub fn prepare(root: &Path, booklet: &Booklet<'_>, faces: &Faces) -> Result<Prepared, Failure> {
    let mut pictures = Pictures::default();
    let text = document(root, booklet, faces, &mut pictures)?;
    Ok(Prepared { text, pictures })
}

impl Prepared {
    /// A name for everything the PDF is made from: this document, its
    /// pictures, the faces and the version of zhanting. The PDF carries it
    /// (as a keyword, `zhanting:` and 40 hex digits), so a PDF made
    /// before can be told to be the same without making it again.
    pub fn key(&self, faces: &Faces) -> String {
        use sha1::{Digest, Sha1};
        let mut h = Sha1::new();
        let mut part = |bytes: &[u8]| {
            h.update((bytes.len() as u64).to_le_bytes());
            h.update(bytes);
        };
        part(env!("CARGO_PKG_VERSION").as_bytes());
        part(self.text.as_bytes());
        for picture in self.pictures.all() {
            part(&picture.bytes);
        }
        for role in crate::load::printing::FontRole::ALL {
            let font = &faces.get(role).font;
            part(font.data());
            part(&font.index().to_le_bytes());
        }
        let digest = h.finalize();
        let mut key = String::from(KEY_MARK);
        for b in digest {
            let _ = write!(key, "{b:02x}");
        }
        key
    }

    /// Sets the document; the PDF carries `key` (see [`Prepared::key`]).
    pub fn set_with_key(self, faces: &Faces, key: &str) -> Result<Made, Failure> {
        let text = format!("#set document(keywords: ({},))\n{}", quoted(key), self.text);
        Prepared { text, ..self }.set(faces)
    }

    fn set(self, faces: &Faces) -> Result<Made, Failure> {
        let world = World::new(self.text, faces, self.pictures);
        let warned = typst::compile::<PagedDocument>(&world);
        let doc = warned
            .output
            .map_err(|errors| typeset_failed(&world, &errors))?;
        let options = typst_pdf::PdfOptions {
            creator: typst::foundations::Smart::Custom(Some("zhanting".into())),
            ..Default::default()
        };
        let bytes = typst_pdf::pdf(&doc, &options);
        let pages = doc.pages().len();
        drop(doc);
        // typst keeps what it worked out in a cache of the process (for a
        // next compilation of the same document); a booklet is set once,
        // so free it: in `serve` and `build` it would stay for the run
        comemo::evict(0);
        let bytes = bytes.map_err(|errors| typeset_failed(&world, &errors))?;
        Ok(Made { bytes, pages })
    }
}

/// How a key made by [`Prepared::key`] starts.
pub const KEY_MARK: &str = "zhanting:";

/// Whether `pdf` was made from what `key` names (it carries the key).
pub fn carries(pdf: &[u8], key: &str) -> bool {
    let key = key.as_bytes();
    pdf.windows(key.len()).any(|w| w == key)
}

/// typst's errors (a defect here, not in the pages: their text is never
/// code), with the line of the generated document they point at.
fn typeset_failed(world: &World, errors: &[typst::diag::SourceDiagnostic]) -> Failure {
    use typst::WorldExt;
    let text: Vec<String> = errors
        .iter()
        .map(|e| {
            let line = world
                .range(e.span)
                .and_then(|r| world.main.lines().byte_to_line_column(r.start))
                .map_or(String::new(), |(l, _)| format!("（第 {} 行）", l + 1));
            format!("{}{line}", e.message)
        })
        .collect();
    Failure::Other(anyhow::anyhow!(Say::TypesettingFailed {
        error: &text.join("；")
    }
    .text()))
}

/// The typst document of the booklet.
pub fn document(
    root: &Path,
    booklet: &Booklet<'_>,
    faces: &Faces,
    pictures: &mut Pictures,
) -> Result<String, Failure> {
    let fang = quoted(faces.fangsong.family());
    let song = quoted(faces.song.family());
    let hei = quoted(faces.hei.family());
    let kai = quoted(faces.kai.family());
    let families = Families {
        hei: faces.hei.family().to_string(),
        kai: faces.kai.family().to_string(),
    };
    let mut d = String::new();
    // GB/T 9704: A4, text block 156 × 225 mm (top 37, bottom 35, left 28,
    // right 26), 仿宋 三号 (16 pt), 22 lines of 28 characters.
    let _ = write!(
        d,
        r#"#set document(title: {title}, author: {host})
#set page(paper: "a4", margin: (top: 37mm, bottom: 35mm, left: 28mm, right: 26mm), footer: none)
#set text(font: ({fang}, {song}, {hei}), size: 16pt, tracking: -0.22pt, lang: "zh", region: "cn", top-edge: 0.86em, bottom-edge: -0.14em)
#set par(justify: true, leading: 13pt, spacing: 13pt, first-line-indent: (amount: 2em, all: true))
#show strong: it => text(font: {hei}, weight: "regular", it.body)
#show emph: it => text(font: {kai}, style: "normal", it.body)
#show heading: set text(weight: "regular")
#show heading.where(level: 1): it => {{
  set par(first-line-indent: 0em, justify: false)
  align(center, text(font: {song}, size: 22pt, it.body))
  v(6pt)
}}
#show figure: set par(first-line-indent: 0em)
#show figure.caption: set text(font: {kai}, size: 14pt)
#show list: set par(first-line-indent: 0em)
#show enum: set par(first-line-indent: 0em)
#show quote: set par(first-line-indent: 0em)
#show raw: set text(font: ({fang}, {hei}), size: 12pt)
#show table: set par(first-line-indent: 0em, justify: false)
#show table: set text(size: 12pt)
#set table(stroke: 0.5pt, inset: 5pt)
#set footnote.entry(separator: line(length: 30%, stroke: 0.5pt))
#show footnote.entry: set text(size: 12pt)
#show footnote.entry: set par(first-line-indent: 0em)
"#,
        title = quoted(&booklet.title),
        host = quoted(&booklet.host),
    );
    // the cover: no page number
    let _ = write!(
        d,
        r#"#page[
  #set par(first-line-indent: 0em, justify: false)
  #v(50mm)
  #align(center, text(font: {song}, size: 30pt)[{title}])
  #v(1fr)
  #align(center, text(font: {kai}, size: 16pt)[{host}#linebreak(){date}])
  #v(15mm)
]
"#,
        title = lit(&booklet.title),
        host = lit(&booklet.host),
        date = lit(&booklet.date),
    );
    // 目录: no page number; entries at the page where each article starts
    let _ = write!(
        d,
        r#"#[
  #set par(first-line-indent: 0em, justify: false, leading: 10pt, spacing: 12pt)
  #set text(size: 14pt)
  #show outline.entry: it => link(it.element.location(), it.indented(none, it.body() + box(width: 1fr, it.fill) + it.page()))
  #outline(title: align(center, text(font: {hei}, size: 22pt)[#"目　录"]), depth: 1, indent: 0pt)
]
"#
    );
    // the articles: page numbers `— 7 —`, outer side, from 1
    let _ = write!(
        d,
        r#"#set page(numbering: "1", footer: context {{
  let n = counter(page).get().first()
  let mark = text(font: {song}, size: 14pt)[— #n —]
  if calc.odd(n) {{ align(right, pad(right: 1em, mark)) }} else {{ align(left, pad(left: 1em, mark)) }}
}})
#counter(page).update(1)
"#
    );
    for article in &booklet.articles {
        let body = markup::body(root, article.page, &families, pictures)
            .map_err(|d| Failure::At(vec![d]))?;
        let _ = write!(
            d,
            "#pagebreak(weak: true)\n#heading(level: 1)[{}]\n",
            lit(article.title)
        );
        if !article.meta.is_empty() {
            let _ = writeln!(
                d,
                "#block(below: 1.2em, align(center, par(first-line-indent: 0em, justify: false, text(font: {kai})[{}])))",
                lit(&article.meta)
            );
        }
        d.push_str(&body);
        d.push('\n');
    }
    Ok(d)
}

/// What typst may read: the document, the faces, the pictures.
pub struct World {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: Source,
    pictures: Pictures,
}

impl World {
    fn new(text: String, faces: &Faces, pictures: Pictures) -> World {
        let mut fonts: Vec<Font> = vec![];
        for role in crate::load::printing::FontRole::ALL {
            let font = &faces.get(role).font;
            if !fonts.iter().any(|f| f == font) {
                fonts.push(font.clone());
            }
        }
        let book = FontBook::from_fonts(&fonts);
        let main_path = VirtualPath::new("/booklet.typ").expect("a fixed, valid path");
        World {
            library: LazyHash::new(Library::default()),
            book: LazyHash::new(book),
            fonts,
            main: Source::new(
                RootedPath::new(VirtualRoot::Project, main_path).intern(),
                text,
            ),
            pictures,
        }
    }
}

impl typst::World for World {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        let vpath = id.get().vpath().get_with_slash();
        let picture = self
            .pictures
            .get(vpath)
            .ok_or_else(|| FileError::NotFound(vpath.into()))?;
        Ok(Bytes::new(picture.bytes.clone()))
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.get(index).cloned()
    }

    /// No date: the booklet does not depend on the day it is made.
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}
