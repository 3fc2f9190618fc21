//! `zhanting compile`: a printed compilation (汇编) of the selected pages.
//!
//! A stage beside the site build, not in it: `site.yaml` and `content/`
//! are read as `build` reads them ([`crate::load`]); the pages the
//! [`Selection`] names are put in print order into a [`Booklet`] (plain
//! data: the cover, each article's title, metadata line and Markdown);
//! then [`pdf`] sets it with typst into a PDF, or [`html`] writes it as one
//! print-ready HTML file. The file appears at the output path whole or not
//! at all (written beside it, then renamed).
//!
//! `build` reaches it only for the booklets `compilations:` in site.yaml
//! names ([`site`]), and sets a PDF again only when what it is made from
//! changed, so the typesetting engine stays out of a site build's time
//! and memory otherwise.

pub mod fonts;
pub mod html;
pub mod markup;
pub mod pdf;
pub mod site;

use crate::diag::Diagnostic;
use crate::load::config::{self, Config, Kind, SectionConfig, PAGES_FOLDER};
use crate::load::content::{Changed, LoadOptions, Page};
use crate::load::sources;
use crate::msg::{Choice, Say};
use crate::urls::term_slug;
use std::path::{Path, PathBuf};

pub use crate::load::printing::{Format, Selection};

/// One `zhanting compile` run.
#[derive(Debug, Clone)]
pub struct Request {
    pub root: PathBuf,
    pub selection: Selection,
    /// The cover's title; by default the section's (or the site's) title
    /// and `汇编`.
    pub title: Option<String>,
    pub format: Format,
    pub output: PathBuf,
}

/// The booklet: plain data, the same for both formats.
#[derive(Debug, Clone)]
pub struct Booklet<'a> {
    pub title: String,
    /// 编印单位: `footer.host`, else the site's title.
    pub host: String,
    /// The cover's date: the month of the newest page (`2023年12月`), so
    /// the same pages give the same booklet.
    pub date: String,
    pub articles: Vec<Article<'a>>,
}

/// One page of the site as the booklet prints it.
#[derive(Debug, Clone)]
pub struct Article<'a> {
    pub page: &'a Page,
    pub title: &'a str,
    /// 讲话人 职务 (or 单位), 地区, date, 文号, separated by full-width spaces.
    pub meta: String,
}

/// What a run made.
#[derive(Debug, Clone, Copy)]
pub struct Compiled {
    pub articles: usize,
    /// Pages of the PDF (0 for HTML, where the browser decides).
    pub pages: usize,
    pub bytes: u64,
}

/// Why nothing was written.
#[derive(Debug)]
pub enum Failure {
    /// Problems at a place in site.yaml or a page, to print as a build does.
    At(Vec<Diagnostic>),
    /// Anything else: a selection that finds nothing, no face for a role,
    /// a file that cannot be written.
    Other(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Other(e)
    }
}

/// Runs `zhanting compile`.
pub fn run(req: &Request) -> Result<Compiled, Failure> {
    let config = config::load(&req.root).map_err(Failure::At)?;
    let sources = sources::open(&req.root, &config).map_err(Failure::At)?;
    let mut diags = vec![];
    let library = sources::load_all(
        (&req.root, &config, &sources),
        LoadOptions {
            drafts: false,
            make_sizes: false,
            joining: None,
        },
        &mut sources::Caches::default(),
        &Changed::Everything,
        &mut diags,
    );
    diags.retain(Diagnostic::is_error);
    if !diags.is_empty() {
        return Err(Failure::At(diags));
    }
    let pages: Vec<&Page> = library.pages.iter().map(|p| &**p).collect();
    let chosen = select(&config, &pages, &req.selection)?;
    let booklet = booklet(&config, chosen, &req.selection, req.title.as_deref());
    let (bytes, pdf_pages) = match req.format {
        Format::Pdf => {
            let faces = fonts::find(&req.root, &config.print)?;
            let made = pdf::make(&req.root, &booklet, &faces)?;
            (made.bytes, made.pages)
        }
        Format::Html => (html::make(&req.root, &booklet)?, 0),
    };
    write_whole(&req.output, &bytes)?;
    Ok(Compiled {
        articles: booklet.articles.len(),
        pages: pdf_pages,
        bytes: bytes.len() as u64,
    })
}

/// The pages `sel` names, in print order: by section in site order (the
/// plain pages of `pages/` only when asked for by name), then by date,
/// oldest first, then by source path.
pub fn select<'a>(
    config: &Config,
    pages: &[&'a Page],
    sel: &Selection,
) -> Result<Vec<&'a Page>, Failure> {
    let section = match &sel.section {
        Some(s) => Some(find_section(config, s)?),
        None => None,
    };
    let year = match &sel.year {
        Some(y) => Some(parse_year(y)?),
        None => None,
    };
    let region = sel.region.as_deref().map(region_slugs);
    let in_region = |p: &Page| {
        region.as_ref().is_none_or(|want| {
            p.meta
                .region
                .as_deref()
                .is_some_and(|r| holds_run(&region_slugs(r), want))
        })
    };
    let sector = sel.sector.as_deref().map(term_slug);
    let in_sector = |p: &Page| {
        sector
            .as_ref()
            .is_none_or(|want| p.meta.sector.as_deref().map(term_slug).as_ref() == Some(want))
    };
    let tag = sel.tag.as_deref().map(term_slug);
    let tagged = |p: &Page| {
        tag.as_ref()
            .is_none_or(|want| p.meta.tags.iter().any(|t| &term_slug(t) == want))
    };
    if let Some(value) = &sel.region {
        known_or_say(pages, Choice::Region, value, in_region, |p| {
            p.meta.region.iter().cloned().collect()
        })?;
    }
    if let Some(value) = &sel.sector {
        known_or_say(pages, Choice::Sector, value, in_sector, |p| {
            p.meta.sector.iter().cloned().collect()
        })?;
    }
    if let Some(value) = &sel.tag {
        known_or_say(pages, Choice::Tag, value, tagged, |p| p.meta.tags.clone())?;
    }
    let order = |p: &Page| config.sections.iter().position(|s| s.name == p.section);
    let mut chosen: Vec<&Page> = pages
        .iter()
        .copied()
        .filter(|p| match &section {
            Some(s) => p.section == *s,
            None => p.kind != Kind::Page,
        })
        .filter(|p| year.is_none_or(|y| p.meta.date.is_some_and(|d| d.year == y)))
        .filter(|p| in_region(p) && in_sector(p) && tagged(p))
        .collect();
    if chosen.is_empty() {
        return Err(Failure::Other(anyhow::anyhow!(Say::NothingSelected {
            selection: &sel.describe()
        }
        .text())));
    }
    chosen.sort_by(|a, b| {
        (order(a), a.meta.date.map(|d| d.first_day()), &a.source).cmp(&(
            order(b),
            b.meta.date.map(|d| d.first_day()),
            &b.source,
        ))
    });
    Ok(chosen)
}

/// The section named by folder or title.
fn section_config<'c>(config: &'c Config, name: &str) -> Option<&'c SectionConfig> {
    let name = name.trim();
    config
        .sections
        .iter()
        .find(|s| s.name == name || s.title == name)
}

/// The folder of the section named by folder or title (`pages` too), or
/// an error naming the sections there are.
fn find_section(config: &Config, name: &str) -> Result<String, Failure> {
    if name.trim() == PAGES_FOLDER {
        return Ok(PAGES_FOLDER.to_string());
    }
    section_config(config, name)
        .map(|s| s.name.clone())
        .ok_or_else(|| {
            let known: Vec<String> = config
                .sections
                .iter()
                .map(|s| format!("{}（{}）", s.name, s.title))
                .collect();
            Failure::Other(anyhow::anyhow!(Say::UnknownChoice {
                what: Choice::Section,
                value: name.trim(),
                known: &known.join("、"),
            }
            .text()))
        })
}

fn parse_year(y: &str) -> Result<u16, Failure> {
    crate::load::printing::year_number(y)
        .ok_or_else(|| Failure::Other(anyhow::anyhow!(Say::NotAYear { value: y }.text())))
}

/// A region as the slugs of its parts (`陕西省 宝鸡市` and `陕西省宝鸡市`
/// are the same).
fn region_slugs(region: &str) -> Vec<String> {
    crate::model::region::split(region)
        .iter()
        .map(|p| term_slug(p.name))
        .collect()
}

/// Whether `want` occurs in `parts` as a run: the page's region is the
/// one asked for or below it.
fn holds_run(parts: &[String], want: &[String]) -> bool {
    !want.is_empty() && parts.windows(want.len()).any(|w| w == want)
}

/// An error naming what the site has when no page has the value asked for.
fn known_or_say(
    pages: &[&Page],
    what: Choice,
    value: &str,
    has: impl Fn(&Page) -> bool,
    values: impl Fn(&Page) -> Vec<String>,
) -> Result<(), Failure> {
    if pages.iter().any(|p| has(p)) {
        return Ok(());
    }
    let mut known: Vec<String> = pages.iter().flat_map(|p| values(p)).collect();
    known.sort();
    known.dedup();
    let shown = if known.is_empty() {
        "（无）".to_string()
    } else if known.len() > 12 {
        format!("{} 等 {} 个", known[..12].join("、"), known.len())
    } else {
        known.join("、")
    };
    Err(Failure::Other(anyhow::anyhow!(Say::UnknownChoice {
        what,
        value,
        known: &shown,
    }
    .text())))
}

/// The booklet of the chosen pages, in their order.
pub fn booklet<'a>(
    config: &Config,
    chosen: Vec<&'a Page>,
    selection: &Selection,
    title: Option<&str>,
) -> Booklet<'a> {
    let title = title.map(str::to_string).unwrap_or_else(|| {
        let base = selection
            .section
            .as_deref()
            .and_then(|s| section_config(config, s))
            .map_or(config.title.as_str(), |s| s.title.as_str());
        format!("{base}汇编")
    });
    let newest = chosen
        .iter()
        .filter_map(|p| p.meta.date)
        .max_by_key(|d| d.first_day());
    Booklet {
        title,
        host: config
            .footer
            .host
            .clone()
            .unwrap_or_else(|| config.title.clone()),
        date: newest.map_or_else(String::new, |d| match d.month {
            0 => format!("{}年", d.year),
            m => format!("{}年{m}月", d.year),
        }),
        articles: chosen
            .into_iter()
            .map(|page| Article {
                page,
                title: &page.meta.title,
                meta: meta_line(page),
            })
            .collect(),
    }
}

/// 讲话人 and 职务 (a speech) or 单位, then 地区, date and 文号.
fn meta_line(page: &Page) -> String {
    let m = &page.meta;
    let mut parts: Vec<String> = vec![];
    let who = match page.kind {
        Kind::Speech => [m.speaker.as_deref(), m.speaker_title.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" "),
        _ => m.organization.clone().unwrap_or_default(),
    };
    parts.extend([who].into_iter().filter(|s| !s.is_empty()));
    parts.extend(m.region.clone());
    parts.extend(m.date.map(|d| d.cn()));
    parts.extend(m.doc_number.clone());
    parts.join("　")
}

/// Writes `bytes` to `path` whole: into a file beside it, then renamed
/// over it, so a failed run leaves what was there.
fn write_whole(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use crate::msg::Io;
    use anyhow::Context;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).with_context(|| Io::Create.at(dir.display()))?;
    let name = path
        .file_name()
        .map_or_else(|| "zhanting".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = std::fs::write(&tmp, bytes)
        .with_context(|| Io::Write.at(tmp.display()))
        .and_then(|()| std::fs::rename(&tmp, path).with_context(|| Io::Write.at(path.display())));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}
