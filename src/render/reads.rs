//! What a render reads, recorded as it reads. The code that fills a
//! template's context sees the site model only through a [`Tracker`]: each
//! of its methods returns part of the model and records the coordinate read
//! ([`Dep`]) with the hash of its value. [`Lookup::value`] gives the value
//! of a coordinate on any site, so the next render can tell, without
//! rendering, whether a file would come out the same.

use super::charts::Overview;
use super::views::{
    download_view, page_view, section_view, taxonomy_view, DownloadView, SectionView, TaxonomyView,
};
use super::{Renderer, FEED_ENTRIES};
use crate::load::content::Page;
use crate::model::region::{RegionNode, RegionTree};
use crate::model::site::{Site, Taxonomy, Term};
use crate::model::topics::SiteTopic;
use rustc_hash::FxHashMap as HashMap;
use serde_json::Value;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// A list of pages a window is taken from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum List {
    /// A section's pages, by the section's index (sections are `site.yaml`'s).
    Section(usize),
    /// A taxonomy term's pages: the taxonomy's index and the term's slug.
    Term(usize, String),
    /// The pages at or below a node of the region tree, by its folder.
    Region(String),
}

/// A coordinate of the site model that a render read. Its value on a
/// site ([`Lookup::value`]) is a hash of exactly what the reader was
/// given there, so a file whose reads all have the same values on the new
/// site would be rendered to the same bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dep {
    /// The `site` value every template sees (sections with their counts
    /// and intros, taxonomies with their counts, the page count).
    Site,
    /// The home page intro.
    HomeIntro,
    /// A page, by its source path (`at`: its index when read, tried
    /// first): its rev, which names every field of the page and its body.
    Page { source: PathBuf, at: usize },
    /// A page's newer and older neighbours in its section: their revs.
    Neighbours { source: PathBuf, at: usize },
    /// `take` items of `list` from position `skip`: the list's length and
    /// the rev of the page at each position of the window.
    Window {
        list: List,
        skip: usize,
        take: usize,
    },
    /// A section's own view (its page count and intro).
    Section(usize),
    /// A taxonomy's own view (its term count).
    Taxonomy(usize),
    /// Every term of a taxonomy: name, slug and page count of each.
    Terms(usize),
    /// One term, by slug: its name and page count.
    Term(usize, String),
    /// The featured pages: their revs, in order.
    Featured,
    /// The feed's entries: the revs of the first pages that are not plain pages.
    FeedEntries,
    /// The site's shape ([`Site::shape`]): every output path and page date.
    Shape,
    /// A node of the region tree, by folder: its name, level and page
    /// count, the nodes above it and its children with their counts.
    RegionNode(String),
    /// The whole region tree: every node's folder, name, level and count.
    RegionTree,
    /// The figures of 数据概览 ([`Overview`]).
    Overview,
    /// A topic, by its source path: its fields, introduction and the rev
    /// of each of its pages, in order.
    Topic(PathBuf),
    /// Every topic as lists show it: folder, title, summary, cover, count.
    Topics,
    /// The booklets of `compilations:` a list page offers, by the page's
    /// folder (`""`: the home page): title, file, format and size of each.
    Downloads(String),
}

/// What one output file was rendered from: each coordinate read and the
/// hash of its value then.
pub type ReadLog = Box<[(Dep, u64)]>;

/// A hash of `v` for read values (fixed, so the same value always gives
/// the same hash within and across renders).
pub(super) fn fx<T: Hash + ?Sized>(v: &T) -> u64 {
    let mut h = rustc_hash::FxHasher::default();
    v.hash(&mut h);
    h.finish()
}

/// The value of every [`Dep`] on one site.
pub struct Lookup<'a> {
    site: &'a Site,
    /// Hash of the `site` value all templates see.
    site_hash: u64,
    /// Index of each page by source path, made when first needed.
    index: OnceLock<HashMap<&'a std::ffi::OsStr, usize>>,
    /// The overview's figures and their hash, made when first needed.
    overview: OnceLock<(Overview, u64)>,
}

impl<'a> Lookup<'a> {
    pub(super) fn new(site: &'a Site, site_value: &Value) -> Self {
        Lookup {
            site,
            site_hash: fx(&site_value.to_string()),
            index: OnceLock::new(),
            overview: OnceLock::new(),
        }
    }

    /// The overview's figures, and their hash.
    pub(super) fn overview(&self) -> &(Overview, u64) {
        self.overview.get_or_init(|| {
            let o = Overview::of(self.site);
            let h = fx(&o);
            (o, h)
        })
    }

    /// The hash of region node `k` as its page shows it (name, level,
    /// count, the nodes above with their names, the children with theirs).
    fn region_node(&self, k: usize) -> u64 {
        let tree = &self.site.regions;
        let n = &tree.nodes[k];
        let mut h = rustc_hash::FxHasher::default();
        (&n.name, n.level, &n.dir, n.pages.len()).hash(&mut h);
        for &a in &tree.path_to(k) {
            (&tree.nodes[a].name, &tree.nodes[a].dir).hash(&mut h);
        }
        for &c in &n.children {
            let c = &tree.nodes[c];
            (&c.name, &c.dir, c.level, c.pages.len()).hash(&mut h);
        }
        h.finish()
    }

    /// The index of the page from `source`: `at` when it is still there.
    fn find(&self, source: &Path, at: usize) -> Option<usize> {
        let pages = &self.site.pages;
        // (compared as bytes: the same file is always written the same way)
        let source = source.as_os_str();
        if pages
            .get(at)
            .is_some_and(|p| p.source.as_os_str() == source)
        {
            return Some(at);
        }
        self.index
            .get_or_init(|| {
                pages
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p.source.as_os_str(), i))
                    .collect()
            })
            .get(source)
            .copied()
    }

    /// The index of the term `slug` of taxonomy `t` (terms are sorted by slug).
    fn term(&self, t: usize, slug: &str) -> Option<usize> {
        self.site
            .taxonomies
            .get(t)?
            .terms
            .binary_search_by(|x| x.slug.as_str().cmp(slug))
            .ok()
    }

    pub(super) fn list(&self, list: &List) -> Option<&'a [usize]> {
        let s = self.site;
        match list {
            List::Section(i) => s.sections.get(*i).map(|sec| &sec.pages[..]),
            List::Term(t, slug) => self
                .term(*t, slug)
                .map(|k| &s.taxonomies[*t].terms[k].pages[..]),
            List::Region(dir) => s.regions.find(dir).map(|k| &s.regions.nodes[k].pages[..]),
        }
    }

    fn rev(&self, i: Option<usize>) -> u64 {
        i.map_or(u64::MAX, |i| self.site.revs[i])
    }

    /// The pages of the feed: the first `FEED_ENTRIES` that are not plain pages.
    pub(super) fn feed_entries(&self) -> impl Iterator<Item = usize> + 'a {
        let s = self.site;
        (0..s.pages.len())
            .filter(move |&i| {
                s.pages[i].kind != crate::load::config::Kind::Page && s.pages[i].meta.date.is_some()
            })
            .take(FEED_ENTRIES)
    }

    /// The hash of what `dep` names on this site; `None` when it names
    /// nothing here (a page or term that is gone).
    pub fn value(&self, dep: &Dep) -> Option<u64> {
        let s = self.site;
        let revs = |it: &mut dyn Iterator<Item = usize>| {
            let mut h = rustc_hash::FxHasher::default();
            for i in it {
                s.revs[i].hash(&mut h);
            }
            h.finish()
        };
        Some(match dep {
            Dep::Site => self.site_hash,
            Dep::HomeIntro => fx(&s.home_intro),
            Dep::Page { source, at } => s.revs[self.find(source, *at)?],
            Dep::Neighbours { source, at } => {
                let (newer, older) = s.neighbours[self.find(source, *at)?];
                fx(&(self.rev(newer), self.rev(older)))
            }
            Dep::Window { list, skip, take } => {
                let items = self.list(list)?;
                let slots = revs(&mut items.iter().skip(*skip).take(*take).copied());
                fx(&(items.len(), slots))
            }
            Dep::Section(i) => {
                let sec = s.sections.get(*i)?;
                fx(&(sec.pages.len(), &sec.intro))
            }
            Dep::Taxonomy(t) => s.taxonomies.get(*t)?.terms.len() as u64,
            Dep::Terms(t) => {
                let mut h = rustc_hash::FxHasher::default();
                for term in &s.taxonomies.get(*t)?.terms {
                    (&term.name, &term.slug, term.pages.len()).hash(&mut h);
                }
                h.finish()
            }
            Dep::Term(t, slug) => {
                let term = &s.taxonomies[*t].terms[self.term(*t, slug)?];
                fx(&(&term.name, term.pages.len()))
            }
            Dep::Featured => revs(&mut (0..s.pages.len()).filter(|&i| s.pages[i].meta.featured)),
            Dep::FeedEntries => revs(&mut self.feed_entries()),
            Dep::Shape => s.shape,
            Dep::RegionNode(dir) => self.region_node(s.regions.find(dir)?),
            Dep::RegionTree => {
                let mut h = rustc_hash::FxHasher::default();
                for n in &s.regions.nodes {
                    (&n.dir, &n.name, n.level, n.pages.len()).hash(&mut h);
                }
                h.finish()
            }
            Dep::Overview => self.overview().1,
            Dep::Topic(source) => {
                let t = s.topics.iter().find(|t| &t.topic.source == source)?;
                let mut h = rustc_hash::FxHasher::default();
                let x = &t.topic;
                (&x.dir, &x.title, &x.summary, &x.cover, &t.intro).hash(&mut h);
                for &i in &t.pages {
                    s.revs[i].hash(&mut h);
                }
                h.finish()
            }
            Dep::Downloads(place) => {
                let mut h = rustc_hash::FxHasher::default();
                for d in s.downloads.iter().filter(|d| d.places.contains(place)) {
                    d.hash(&mut h);
                }
                h.finish()
            }
            Dep::Topics => {
                let mut h = rustc_hash::FxHasher::default();
                for t in &s.topics {
                    let x = &t.topic;
                    (&x.dir, &x.title, &x.summary, &x.cover, t.pages.len()).hash(&mut h);
                }
                h.finish()
            }
        })
    }

    /// True when every read of `log` has the value it had.
    pub(super) fn still(&self, log: &[(Dep, u64)]) -> bool {
        !log.is_empty() && log.iter().all(|(d, v)| self.value(d) == Some(*v))
    }
}

/// The site as the code that fills a template context sees it: each
/// method returns part of the site model and records the coordinate it
/// read with the hash of its value ([`Lookup::value`]), so the read set
/// of an output file is exactly what its render looked at. Only the
/// configuration (the same for the whole memo) is read without a record.
pub struct Tracker<'r, 'a> {
    r: &'r Renderer<'a>,
    log: Vec<(Dep, u64)>,
}

impl<'r, 'a> Tracker<'r, 'a> {
    pub(super) fn new(r: &'r Renderer<'a>) -> Self {
        Tracker { r, log: vec![] }
    }

    fn record(&mut self, dep: Dep) {
        if !self.log.iter().any(|(d, _)| *d == dep) {
            let v = self.r.lookup.value(&dep).unwrap_or(u64::MAX);
            self.log.push((dep, v));
        }
    }

    pub(super) fn into_log(self) -> ReadLog {
        self.log.into_boxed_slice()
    }

    /// `site.yaml` (not recorded: the memo is valid for one).
    pub(super) fn config(&self) -> &'a crate::load::config::Config {
        &self.r.site.config
    }

    /// Whether taxonomy `t` is the regions (the names are fixed: not recorded).
    pub(super) fn is_regions(&self, t: usize) -> bool {
        self.r
            .site
            .taxonomies
            .get(t)
            .is_some_and(|x| x.name == "regions")
    }

    /// The section title shown as a page's kind (from the configuration).
    pub(super) fn kind_title(&self, p: &Page) -> &'a str {
        let site: &'a Site = self.r.site;
        site.kind_title(p)
    }

    /// The `site` value.
    pub(super) fn site(&mut self) -> Value {
        self.record(Dep::Site);
        self.r.site_value.clone()
    }

    pub(super) fn home_intro(&mut self) -> &'a str {
        self.record(Dep::HomeIntro);
        &self.r.site.home_intro
    }

    /// Page `i` as its own page shows it, and the page.
    pub(super) fn page(&mut self, i: usize) -> (&'a Page, Value) {
        let s: &'a Site = self.r.site;
        let p = &s.pages[i];
        self.record(Dep::Page {
            source: p.source.clone(),
            at: i,
        });
        self.record(Dep::Neighbours {
            source: p.source.clone(),
            at: i,
        });
        let body = s.body(i);
        let (newer, older) = s.neighbours[i];
        let view = page_view(s, i, &body, newer, older);
        (p, serde_json::to_value(view).unwrap_or(Value::Null))
    }

    /// The length of `list` and the summaries of `take` of its pages from `skip`.
    pub(super) fn window(&mut self, list: List, skip: usize, take: usize) -> (usize, Vec<Value>) {
        let items = self.r.lookup.list(&list).unwrap_or(&[]);
        self.record(Dep::Window { list, skip, take });
        let pages = items
            .iter()
            .skip(skip)
            .take(take)
            .map(|&i| self.r.summary(i).clone())
            .collect();
        (items.len(), pages)
    }

    /// The booklets offered on the list page at folder `place`.
    pub(super) fn downloads(&mut self, place: &str) -> Vec<DownloadView<'a>> {
        self.record(Dep::Downloads(place.to_string()));
        let s: &'a Site = self.r.site;
        s.downloads
            .iter()
            .filter(|d| d.places.iter().any(|p| p == place))
            .map(download_view)
            .collect()
    }

    /// The summaries of the featured pages.
    pub(super) fn featured(&mut self) -> Vec<Value> {
        self.record(Dep::Featured);
        let s = self.r.site;
        (0..s.pages.len())
            .filter(|&i| s.pages[i].meta.featured)
            .map(|i| self.r.summary(i).clone())
            .collect()
    }

    pub(super) fn section(&mut self, i: usize) -> SectionView<'a> {
        self.record(Dep::Section(i));
        let s: &'a Site = self.r.site;
        section_view(&s.sections[i])
    }

    pub(super) fn taxonomy(&mut self, t: usize) -> TaxonomyView<'a> {
        self.record(Dep::Taxonomy(t));
        let s: &'a Site = self.r.site;
        taxonomy_view(&s.taxonomies[t])
    }

    /// Taxonomy `t` with all its terms.
    pub(super) fn terms(&mut self, t: usize) -> &'a Taxonomy {
        self.record(Dep::Terms(t));
        &self.r.site.taxonomies[t]
    }

    /// Term `k` of taxonomy `t` (its name and page count; its pages are
    /// read by [`Tracker::window`]).
    pub(super) fn term(&mut self, t: usize, k: usize) -> (&'a Taxonomy, &'a Term) {
        let s: &'a Site = self.r.site;
        let (tax, term) = (&s.taxonomies[t], &s.taxonomies[t].terms[k]);
        self.record(Dep::Term(t, term.slug.clone()));
        (tax, term)
    }

    /// The feed's pages, each with its summary.
    pub(super) fn feed_entries(&mut self) -> Vec<(&'a Page, &'a str)> {
        self.record(Dep::FeedEntries);
        let s: &'a Site = self.r.site;
        self.r
            .lookup
            .feed_entries()
            .map(|i| {
                let p = &*s.pages[i];
                (
                    p,
                    p.meta.summary.as_deref().unwrap_or(&s.rendered[i].summary),
                )
            })
            .collect()
    }

    /// Node `k` of the region tree (its pages are read by [`Tracker::window`]).
    pub(super) fn region_node(&mut self, k: usize) -> (&'a RegionTree, &'a RegionNode) {
        let tree: &'a RegionTree = &self.r.site.regions;
        self.record(Dep::RegionNode(tree.nodes[k].dir.clone()));
        (tree, &tree.nodes[k])
    }

    /// The whole region tree (names, levels and counts).
    pub(super) fn region_tree(&mut self) -> &'a RegionTree {
        self.record(Dep::RegionTree);
        &self.r.site.regions
    }

    /// Every topic (its pages are not read: only their number).
    pub(super) fn topics(&mut self) -> &'a [SiteTopic] {
        self.record(Dep::Topics);
        &self.r.site.topics
    }

    /// Topic `k` and the summaries of its pages, in order.
    pub(super) fn topic(&mut self, k: usize) -> (&'a SiteTopic, Vec<Value>) {
        let t: &'a SiteTopic = &self.r.site.topics[k];
        self.record(Dep::Topic(t.topic.source.clone()));
        let pages = t.pages.iter().map(|&i| self.r.summary(i).clone()).collect();
        (t, pages)
    }

    /// The figures of 数据概览.
    pub(super) fn overview(&mut self) -> &'r Overview {
        self.record(Dep::Overview);
        &self.r.lookup.overview().0
    }

    /// The pages, for what the site's shape says of them (URL and date).
    pub(super) fn shaped_pages(&mut self) -> &'a [Arc<Page>] {
        self.record(Dep::Shape);
        &self.r.site.pages
    }
}
