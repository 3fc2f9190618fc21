//! The views templates get: borrowed, serialisable slices of the site model
//! (as Zola's `SerializingPage`), never the model itself, so a template's
//! context is exactly what docs/templates.md lists.

use crate::load::content::Page;
use crate::load::date::Date;
use crate::model::markdown::Rendered;
use crate::model::nav::NavLink;
use crate::model::site::{Section, Site, Taxonomy, Term};
use crate::urls::encode_path;
use serde::Serialize;
use serde_json::Value;
use std::borrow::Cow;

/// Reading speed for Chinese text, characters a minute.
pub(super) const READING_SPEED: usize = 400;

#[derive(Serialize)]
pub(super) struct SiteView<'a> {
    pub(super) title: &'a str,
    pub(super) description: &'a str,
    pub(super) language: &'a str,
    pub(super) base_url: &'a str,
    pub(super) sections: Vec<SectionView<'a>>,
    pub(super) taxonomies: Vec<TaxonomyView<'a>>,
    pub(super) page_count: usize,
    /// The header emblem's URL (relative to the root, encoded), or null for
    /// the built-in one.
    pub(super) logo: Option<String>,
    pub(super) region: Option<&'a str>,
    pub(super) menu: &'a [NavLink],
    pub(super) footer: FooterView<'a>,
    pub(super) plain_pages: &'a [NavLink],
    /// The source sites whose pages join this one (roll-up), as listed.
    pub(super) sources: Vec<SourceView<'a>>,
}

/// A source site (roll-up): its key, the first folder of its pages'
/// addresses and the value of the search page's `source` filter, and its name.
#[derive(Serialize)]
pub(super) struct SourceView<'a> {
    pub(super) key: &'a str,
    pub(super) name: &'a str,
}

#[derive(Serialize)]
pub(super) struct FooterView<'a> {
    pub(super) host: Option<&'a str>,
    pub(super) undertaker: Option<&'a str>,
    pub(super) contact: Option<&'a str>,
    pub(super) record: Option<&'a str>,
    pub(super) links: &'a [NavLink],
}

#[derive(Serialize)]
pub(super) struct SectionView<'a> {
    pub(super) name: &'a str,
    pub(super) title: &'a str,
    pub(super) kind: &'a str,
    pub(super) url: String,
    pub(super) count: usize,
    pub(super) intro: &'a str,
}

#[derive(Serialize)]
pub(super) struct TaxonomyView<'a> {
    pub(super) name: &'a str,
    pub(super) title: &'a str,
    pub(super) singular: &'a str,
    pub(super) url: String,
    pub(super) count: usize,
}

#[derive(Serialize, Clone)]
pub(super) struct TermLink<'a> {
    pub(super) name: Cow<'a, str>,
    pub(super) url: String,
}

#[derive(Serialize)]
pub(super) struct TermView<'a> {
    pub(super) name: &'a str,
    pub(super) url: String,
    pub(super) count: usize,
}

#[derive(Serialize)]
pub(super) struct DateView {
    pub(super) iso: String,
    pub(super) cn: String,
    pub(super) year: Option<u16>,
    pub(super) precision: &'static str,
}

impl DateView {
    /// A page's date as written; empty strings, no year and precision
    /// `none` for a draft without a date.
    pub(super) fn of(d: Option<Date>) -> DateView {
        match d {
            Some(d) => DateView {
                iso: d.iso(),
                cn: d.cn(),
                year: Some(d.year),
                precision: d.precision().name(),
            },
            None => DateView {
                iso: String::new(),
                cn: String::new(),
                year: None,
                precision: "none",
            },
        }
    }
}

#[derive(Serialize)]
pub(super) struct SummaryView<'a> {
    pub(super) title: &'a str,
    pub(super) kind: &'a str,
    pub(super) kind_title: &'a str,
    pub(super) section: &'a str,
    pub(super) slug: &'a str,
    pub(super) url: &'a str,
    pub(super) date: DateView,
    pub(super) summary: &'a str,
    pub(super) region: Option<TermLink<'a>>,
    pub(super) sector: Option<TermLink<'a>>,
    pub(super) speaker: Option<TermLink<'a>>,
    pub(super) year: Option<TermLink<'a>>,
    /// The source site the page comes from (roll-up).
    pub(super) source: Option<SourceView<'a>>,
    /// In lists the first `LIST_TAGS`; on the page itself all of them.
    pub(super) tags: Vec<TermLink<'a>>,
    /// How many tags the page has.
    pub(super) tag_count: usize,
    pub(super) featured: bool,
    pub(super) cover: Option<&'a str>,
    /// The cover as shown, with its published sizes.
    pub(super) cover_image: Option<PhotoView<'a>>,
    pub(super) speaker_title: Option<&'a str>,
    pub(super) occasion: Option<&'a str>,
    pub(super) organization: Option<&'a str>,
    /// A case's or brand's byline: the writer's name and post.
    pub(super) author: Option<&'a str>,
    pub(super) author_title: Option<&'a str>,
    pub(super) branch: Option<&'a str>,
    pub(super) brand: Option<&'a str>,
    pub(super) slogan: Option<&'a str>,
    pub(super) logo: Option<&'a str>,
}

/// An image as published: the original (`url`), the size shown on the
/// page (`src`), a small one for thumbnails (`thumb`) and every size for
/// `srcset` (empty when the original is small enough to be shown as it is;
/// widths and heights 0 when the file could not be read as an image).
#[derive(Serialize)]
pub(super) struct PhotoView<'a> {
    pub(super) url: &'a str,
    pub(super) src: String,
    pub(super) width: u32,
    pub(super) height: u32,
    pub(super) thumb: String,
    pub(super) thumb_width: u32,
    pub(super) thumb_height: u32,
    pub(super) sizes: Vec<SizeView>,
    pub(super) caption: Option<&'a str>,
}

#[derive(Serialize)]
pub(super) struct SizeView {
    pub(super) url: String,
    pub(super) width: u32,
}

/// The image of page `p` published at `url` (encoded, from the site root).
pub(super) fn photo_view<'a>(p: &'a Page, url: &'a str, caption: Option<&'a str>) -> PhotoView<'a> {
    let Some(pic) = p.pictures.get(url) else {
        return PhotoView {
            url,
            src: url.to_string(),
            width: 0,
            height: 0,
            thumb: url.to_string(),
            thumb_width: 0,
            thumb_height: 0,
            sizes: vec![],
            caption,
        };
    };
    let (main, width, height) = pic.main();
    let (small, thumb_width, thumb_height) = pic.small();
    PhotoView {
        url,
        src: encode_path(main),
        width,
        height,
        thumb: encode_path(small),
        thumb_width,
        thumb_height,
        sizes: pic
            .srcset()
            .into_iter()
            .map(|(dest, width)| SizeView {
                url: encode_path(dest),
                width,
            })
            .collect(),
        caption,
    }
}

#[derive(Serialize)]
pub(super) struct AttachmentView<'a> {
    pub(super) name: &'a str,
    pub(super) url: &'a str,
    pub(super) size: String,
    pub(super) ext: String,
}

#[derive(Serialize)]
pub(super) struct NeighbourView<'a> {
    pub(super) title: &'a str,
    pub(super) url: &'a str,
}

#[derive(Serialize)]
pub(super) struct PageView<'a> {
    #[serde(flatten)]
    pub(super) summary: SummaryView<'a>,
    pub(super) content: &'a str,
    pub(super) toc: &'a [crate::model::markdown::Heading],
    pub(super) reading_minutes: usize,
    pub(super) char_count: usize,
    pub(super) place: Option<&'a str>,
    pub(super) doc_number: Option<&'a str>,
    pub(super) secretary: Option<&'a str>,
    pub(super) members: Option<u32>,
    pub(super) highlights: &'a [String],
    pub(super) attachments: Vec<AttachmentView<'a>>,
    /// The 图集 (`gallery`).
    pub(super) gallery: Vec<PhotoView<'a>>,
    pub(super) newer: Option<NeighbourView<'a>>,
    pub(super) older: Option<NeighbourView<'a>>,
    pub(super) extra: &'a std::collections::BTreeMap<String, Value>,
}

#[derive(Serialize)]
pub(super) struct Crumb<'a> {
    pub(super) title: &'a str,
    pub(super) url: String,
}

#[derive(Serialize)]
pub(super) struct PaginatorView {
    pub(super) current: usize,
    pub(super) total: usize,
    pub(super) items: usize,
    pub(super) prev_url: Option<String>,
    pub(super) next_url: Option<String>,
    pub(super) pages: Vec<PagerLink>,
}

#[derive(Serialize)]
pub(super) struct PagerLink {
    pub(super) number: usize,
    pub(super) url: String,
    pub(super) current: bool,
    /// Stands for a run of pages left out (shown as "…").
    pub(super) gap: bool,
}

/// A booklet of `compilations:` as a list page offers it.
#[derive(Serialize)]
pub(super) struct DownloadView<'a> {
    pub(super) title: &'a str,
    /// Relative to the site root, encoded.
    pub(super) url: String,
    /// `PDF` or `HTML`.
    pub(super) format: &'a str,
    /// `1.2 MB`.
    pub(super) size: String,
}

pub(super) fn download_view(d: &crate::model::site::Download) -> DownloadView<'_> {
    DownloadView {
        title: &d.title,
        url: encode_path(&d.file),
        format: d.format,
        size: crate::text::human_size(d.bytes),
    }
}

/// Pages either side of the current one that a pager links to.
pub(super) const PAGER_SPAN: usize = 2;

/// The entries of a pager on page `current` of `total`: the first and the
/// last page, `PAGER_SPAN` pages either side of the current one, and a gap
/// (`None`) where pages are left out. A list of hundreds of pages thus gets
/// a pager of at most eleven entries, `1 … 4 5 [6] 7 8 … 20`.
pub(super) fn pager_window(current: usize, total: usize) -> Vec<Option<usize>> {
    let low = current.saturating_sub(PAGER_SPAN).max(2);
    let high = (current + PAGER_SPAN).min(total.saturating_sub(1));
    let mut out = vec![Some(1)];
    if low > 2 {
        out.push(None);
    }
    out.extend((low..=high).map(Some));
    if high + 1 < total {
        out.push(None);
    }
    if total > 1 {
        out.push(Some(total));
    }
    out
}

#[derive(Serialize)]
pub(super) struct FeedEntryView<'a> {
    pub(super) title: &'a str,
    pub(super) link: String,
    pub(super) updated: String,
    /// The date as written (`updated` is its first day).
    pub(super) date: DateView,
    /// A speech's speaker, another page's `author`.
    pub(super) author: Option<&'a str>,
    pub(super) category: &'a str,
    pub(super) summary: &'a str,
}

#[derive(Serialize)]
pub(super) struct SitemapUrlView {
    pub(super) loc: String,
    pub(super) lastmod: Option<String>,
}

pub(super) fn site_view(site: &Site) -> SiteView<'_> {
    let c = &site.config;
    SiteView {
        title: &c.title,
        description: &c.description,
        language: &c.language,
        base_url: &c.base_url,
        sections: site.sections.iter().map(section_view).collect(),
        taxonomies: site.taxonomies.iter().map(taxonomy_view).collect(),
        page_count: site.pages.len(),
        logo: c.logo.as_deref().map(encode_path),
        region: c.region.as_deref(),
        menu: &site.menu,
        footer: FooterView {
            host: c.footer.host.as_deref(),
            undertaker: c.footer.undertaker.as_deref(),
            contact: c.footer.contact.as_deref(),
            record: c.footer.record.as_deref(),
            links: &site.footer_links,
        },
        plain_pages: &site.plain_pages,
        sources: c
            .sources
            .iter()
            .map(|s| SourceView {
                key: &s.key,
                name: &s.name,
            })
            .collect(),
    }
}

pub(super) fn section_view(sec: &Section) -> SectionView<'_> {
    SectionView {
        name: &sec.config.name,
        title: &sec.config.title,
        kind: sec.config.kind.name(),
        url: format!("{}/index.html", encode_path(&sec.config.name)),
        count: sec.pages.len(),
        intro: &sec.intro,
    }
}

pub(super) fn taxonomy_view(tax: &Taxonomy) -> TaxonomyView<'_> {
    TaxonomyView {
        name: tax.name,
        title: tax.title,
        singular: tax.title,
        url: format!("{}/index.html", tax.name),
        count: tax.terms.len(),
    }
}

pub(super) fn term_view<'a>(tax: &Taxonomy, term: &'a Term) -> TermView<'a> {
    TermView {
        name: &term.name,
        url: encode_path(&format!("{}index.html", term.dir(tax.name))),
        count: term.pages.len(),
    }
}

pub(super) fn term_link<'a>(taxonomy: &str, name: impl Into<Cow<'a, str>>) -> TermLink<'a> {
    let name = name.into();
    TermLink {
        url: encode_path(&format!(
            "{taxonomy}/{}/index.html",
            crate::urls::term_slug(&name)
        )),
        name,
    }
}

/// A region's link: its node of the region tree (`regions/陕西省/宝鸡市/`).
pub(super) fn region_link(name: &str) -> TermLink<'_> {
    TermLink {
        url: encode_path(&format!(
            "{}index.html",
            crate::model::region::region_dir(name)
        )),
        name: name.into(),
    }
}

/// Tags a list item carries: a page with thousands of tags must not make
/// every list that shows it (one per tag) that large.
pub(super) const LIST_TAGS: usize = 12;

/// Page `i` for lists (`tags` at most `tags`).
pub(super) fn summary_view<'a>(
    site: &'a Site,
    i: usize,
    p: &'a Page,
    tags: usize,
) -> SummaryView<'a> {
    let m = &p.meta;
    SummaryView {
        title: &m.title,
        kind: p.kind.name(),
        kind_title: site.kind_title(p),
        section: &p.section,
        slug: &p.slug,
        url: &p.url,
        source: p.origin.as_deref().map(|o| SourceView {
            key: &o.key,
            name: &o.name,
        }),
        date: DateView::of(m.date),
        summary: m.summary.as_deref().unwrap_or(&site.rendered[i].summary),
        region: m.region.as_deref().map(region_link),
        sector: m.sector.as_deref().map(|r| term_link("sectors", r)),
        speaker: m.speaker.as_deref().map(|r| term_link("speakers", r)),
        year: m.date.map(|d| term_link("years", d.year.to_string())),
        tags: m
            .tags
            .iter()
            .take(tags)
            .map(|t| term_link("tags", t))
            .collect(),
        tag_count: m.tags.len(),
        featured: m.featured,
        cover: p.cover.as_deref(),
        cover_image: p.cover.as_deref().map(|c| photo_view(p, c, None)),
        speaker_title: m.speaker_title.as_deref(),
        occasion: m.occasion.as_deref(),
        organization: m.organization.as_deref(),
        author: m.author.as_deref(),
        author_title: m.author_title.as_deref(),
        branch: m.branch.as_deref(),
        brand: m.brand.as_deref(),
        slogan: m.slogan.as_deref(),
        logo: p.logo.as_deref(),
    }
}

/// Page `i` on its own page, with its body `r` and its section
/// neighbours (indices of the newer and older page).
pub(super) fn page_view<'a>(
    site: &'a Site,
    i: usize,
    r: &'a Rendered,
    newer: Option<usize>,
    older: Option<usize>,
) -> PageView<'a> {
    let p = &site.pages[i];
    let m = &p.meta;
    let neighbour = |n: Option<usize>| {
        n.map(|k| NeighbourView {
            title: &site.pages[k].meta.title,
            url: &site.pages[k].url,
        })
    };
    PageView {
        summary: summary_view(site, i, p, usize::MAX),
        content: &r.html,
        toc: &r.toc,
        reading_minutes: r.char_count.div_ceil(READING_SPEED).max(1),
        char_count: r.char_count,
        place: m.place.as_deref(),
        doc_number: m.doc_number.as_deref(),
        secretary: m.secretary.as_deref(),
        members: m.members,
        highlights: &m.highlights,
        attachments: p
            .attachments
            .iter()
            .map(|a| AttachmentView {
                name: &a.name,
                url: &a.url,
                size: crate::text::human_size(a.bytes),
                ext: a
                    .name
                    .rsplit_once('.')
                    .map(|(_, e)| e.to_uppercase())
                    .unwrap_or_default(),
            })
            .collect(),
        gallery: p
            .gallery
            .iter()
            .map(|g| photo_view(p, &g.url, g.caption.as_deref()))
            .collect(),
        newer: neighbour(newer),
        older: neighbour(older),
        extra: &m.extra,
    }
}
