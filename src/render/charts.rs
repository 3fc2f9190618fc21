//! 数据概览 (`/overview/`) and the region tree's pages: the figures, worked
//! out from the site model ([`Overview::of`]), and bar charts drawn at
//! build time as inline SVG ([`bar_chart`]): no script, no outside library,
//! colours from the theme's CSS variables (`--chart-bar`, `--chart-text`,
//! through the classes `chart-bar`, `chart-label`, `chart-value`). Every
//! chart has an accessible name (`role="img"`, `aria-labelledby` on its
//! `<title>`) and the template puts a table of the same rows beside it.

use super::views::term_link;
use crate::load::config::Kind;
use crate::model::region::RegionTree;
use crate::model::site::Site;
use crate::urls::encode_path;
use serde::Serialize;
use std::fmt::Write;

/// One bar: a label, its value and where it leads (encoded, from the
/// site root; empty for none).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Row {
    pub label: String,
    pub value: u64,
    pub url: String,
}

/// One chart: its id (for the SVG's `<title>`), heading and rows.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Chart {
    pub id: &'static str,
    pub title: &'static str,
    /// What the values count (`篇`, `人`).
    pub unit: &'static str,
    pub rows: Vec<Row>,
}

/// A brand in the 党员人数 table.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct BrandRow {
    pub brand: String,
    pub branch: String,
    pub url: String,
    pub members: Option<u32>,
}

/// Everything `/overview/` shows, and the home page's headline figures.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Overview {
    /// Pages that are not plain pages (讲话, 案例, 品牌 …).
    pub pages: usize,
    /// Pages of each kind: speeches, cases, brands.
    pub speeches: usize,
    pub cases: usize,
    pub brands: usize,
    /// Distinct regions at the top level of the tree.
    pub top_regions: usize,
    /// Pages per year (oldest first), per 领域, per top-level region
    /// (most first), speeches per speaker (the ten with most).
    pub charts: Vec<Chart>,
    /// Every brand with its 党员人数, most first.
    pub brand_rows: Vec<BrandRow>,
    /// The sum of the brands' 党员人数, and how many brands give none.
    pub members_total: u64,
    pub members_missing: usize,
}

/// Speakers shown on the chart.
pub const TOP_SPEAKERS: usize = 10;

impl Overview {
    pub fn of(site: &Site) -> Overview {
        let counted = |k: Kind| site.pages.iter().filter(|p| p.kind == k).count();
        let is_content = |i: &usize| site.pages[*i].kind != Kind::Page;
        let terms = |name: &str| site.taxonomies.iter().find(|t| t.name == name);
        // a taxonomy's terms as rows: pages that are not plain pages
        let rows_of = |name: &'static str| -> Vec<Row> {
            terms(name)
                .map(|t| {
                    t.terms
                        .iter()
                        .map(|term| Row {
                            url: term_link(name, term.name.as_str()).url,
                            label: term.name.clone(),
                            value: term.pages.iter().filter(|i| is_content(i)).count() as u64,
                        })
                        .filter(|r| r.value > 0)
                        .collect()
                })
                .unwrap_or_default()
        };
        let mut years = rows_of("years");
        years.sort_by(|a, b| a.label.cmp(&b.label));
        let mut sectors = rows_of("sectors");
        most_first(&mut sectors);
        let mut speakers: Vec<Row> = terms("speakers")
            .map(|t| {
                t.terms
                    .iter()
                    .map(|term| Row {
                        url: term_link("speakers", term.name.as_str()).url,
                        label: term.name.clone(),
                        value: term
                            .pages
                            .iter()
                            .filter(|&&i| site.pages[i].kind == Kind::Speech)
                            .count() as u64,
                    })
                    .filter(|r| r.value > 0)
                    .collect()
            })
            .unwrap_or_default();
        most_first(&mut speakers);
        speakers.truncate(TOP_SPEAKERS);
        let regions = sub_regions(&site.regions, 0);
        let mut brand_rows: Vec<BrandRow> = site
            .pages
            .iter()
            .filter(|p| p.kind == Kind::Brand)
            .map(|p| BrandRow {
                brand: p.meta.brand.clone().unwrap_or_else(|| p.meta.title.clone()),
                branch: p.meta.branch.clone().unwrap_or_default(),
                url: p.url.clone(),
                members: p.meta.members,
            })
            .collect();
        brand_rows.sort_by(|a, b| {
            b.members
                .cmp(&a.members)
                .then_with(|| a.brand.cmp(&b.brand))
                .then_with(|| a.url.cmp(&b.url))
        });
        Overview {
            pages: site.pages.iter().filter(|p| p.kind != Kind::Page).count(),
            speeches: counted(Kind::Speech),
            cases: counted(Kind::Case),
            brands: counted(Kind::Brand),
            top_regions: site.regions.nodes.first().map_or(0, |n| n.children.len()),
            members_total: brand_rows
                .iter()
                .filter_map(|b| b.members)
                .map(u64::from)
                .sum(),
            members_missing: brand_rows.iter().filter(|b| b.members.is_none()).count(),
            brand_rows,
            charts: vec![
                Chart {
                    id: "chart-years",
                    title: "各年份资料数量",
                    unit: "篇",
                    rows: years,
                },
                Chart {
                    id: "chart-sectors",
                    title: "各领域资料数量",
                    unit: "篇",
                    rows: sectors,
                },
                Chart {
                    id: "chart-regions",
                    title: "各地区资料数量",
                    unit: "篇",
                    rows: regions,
                },
                Chart {
                    id: "chart-speakers",
                    title: "讲话篇数最多的讲话人（前十位）",
                    unit: "篇",
                    rows: speakers,
                },
            ],
        }
    }
}

/// Most first, then by label.
fn most_first(rows: &mut [Row]) {
    rows.sort_by(|a, b| b.value.cmp(&a.value).then_with(|| a.label.cmp(&b.label)));
}

/// The children of node `k` as rows (in the tree's order: most pages first).
pub fn sub_regions(tree: &RegionTree, k: usize) -> Vec<Row> {
    let Some(node) = tree.nodes.get(k) else {
        return vec![];
    };
    node.children
        .iter()
        .map(|&c| Row {
            label: tree.nodes[c].name.clone(),
            value: tree.nodes[c].pages.len() as u64,
            url: encode_path(&format!("{}index.html", tree.nodes[c].dir)),
        })
        .collect()
}

/// Width of the chart's drawing, in SVG units; the bars scale with it.
const WIDTH: u32 = 400;
/// Room for the labels on the left, and for the value on the right.
const LABEL: u32 = 112;
const VALUE: u32 = 44;
const ROW: u32 = 26;
const BAR: u32 = 16;
/// Characters of a label shown in the drawing (the table has the whole).
const LABEL_CHARS: usize = 7;

/// Escapes text for XML.
fn esc(s: &str) -> String {
    super::theme::xml(s)
}

/// A horizontal bar chart of `rows` as inline SVG: `<title>` names it
/// (`id`-title), each bar is named by its own `<title>` (label and value),
/// with a label on the left (shortened to `LABEL_CHARS` characters) and the value
/// on the right. Scales with the width of its box (`viewBox`, no fixed size).
/// The drawing is an image (`role="img"`): it holds no link, since a
/// control inside an image is hidden from screen readers; the table beside
/// it links each row to its page.
pub fn bar_chart(id: &str, title: &str, unit: &str, rows: &[Row]) -> String {
    let max = rows.iter().map(|r| r.value).max().unwrap_or(0).max(1);
    let height = ROW * rows.len().max(1) as u32 + 4;
    let span = WIDTH - LABEL - VALUE;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" aria-labelledby="{id}-title" preserveAspectRatio="xMinYMin meet"><title id="{id}-title">{}</title>"#,
        esc(title)
    );
    if rows.is_empty() {
        let _ = write!(
            s,
            r#"<text class="chart-label" x="0" y="18">暂无数据</text>"#
        );
    }
    for (k, r) in rows.iter().enumerate() {
        let y = ROW * k as u32 + 4;
        let w = ((r.value as f64 / max as f64) * span as f64)
            .round()
            .max(1.0) as u32;
        let label: String = if r.label.chars().count() > LABEL_CHARS {
            r.label.chars().take(LABEL_CHARS - 1).chain(['…']).collect()
        } else {
            r.label.clone()
        };
        let ty = y + BAR / 2 + 5;
        let bar = format!(
            r#"<text class="chart-label" x="{}" y="{ty}" text-anchor="end">{}</text><rect class="chart-bar" x="{LABEL}" y="{y}" width="{w}" height="{BAR}" rx="2"/><text class="chart-value" x="{}" y="{ty}">{}</text>"#,
            LABEL - 6,
            esc(&label),
            LABEL + w + 5,
            r.value
        );
        let name = format!("{}：{} {unit}", r.label, r.value);
        let _ = write!(s, "<g><title>{}</title>{bar}</g>", esc(&name));
    }
    s.push_str("</svg>");
    s
}

/// Height of a column chart's drawing, and room for the labels below.
const COLUMNS_HEIGHT: u32 = 180;
const COLUMNS_FOOT: u32 = 22;
const COLUMNS_HEAD: u32 = 18;

/// A column chart of `rows` (for years: time runs left to right) as
/// inline SVG, named as [`bar_chart`]'s. When the columns are
/// too narrow for every label, every second (or third …) is shown,
/// counted back from the last, which is always shown.
pub fn column_chart(id: &str, title: &str, unit: &str, rows: &[Row]) -> String {
    if rows.is_empty() {
        return bar_chart(id, title, unit, rows);
    }
    let max = rows.iter().map(|r| r.value).max().unwrap_or(0).max(1);
    let n = rows.len() as u32;
    let slot = WIDTH / n.max(1);
    let bar = (slot * 2 / 3).clamp(2, 48);
    let span = COLUMNS_HEIGHT - COLUMNS_FOOT - COLUMNS_HEAD;
    // a label takes about 34 units (four digits)
    let every = 34u32.div_ceil(slot.max(1)).max(1) as usize;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart chart-columns" viewBox="0 0 {WIDTH} {COLUMNS_HEIGHT}" role="img" aria-labelledby="{id}-title" preserveAspectRatio="xMinYMin meet"><title id="{id}-title">{}</title><line class="chart-axis" x1="0" x2="{WIDTH}" y1="{}" y2="{}"/>"#,
        esc(title),
        COLUMNS_HEIGHT - COLUMNS_FOOT,
        COLUMNS_HEIGHT - COLUMNS_FOOT
    );
    for (k, r) in rows.iter().enumerate() {
        let h = ((r.value as f64 / max as f64) * span as f64)
            .round()
            .max(1.0) as u32;
        let x = slot * k as u32 + (slot - bar) / 2;
        let mid = slot * k as u32 + slot / 2;
        let y = COLUMNS_HEIGHT - COLUMNS_FOOT - h;
        let label = if (rows.len() - 1 - k).is_multiple_of(every) {
            format!(
                r#"<text class="chart-label" x="{mid}" y="{}" text-anchor="middle">{}</text>"#,
                COLUMNS_HEIGHT - 5,
                esc(&r.label)
            )
        } else {
            String::new()
        };
        let col = format!(
            r#"<rect class="chart-bar" x="{x}" y="{y}" width="{bar}" height="{h}" rx="2"/><text class="chart-value" x="{mid}" y="{}" text-anchor="middle">{}</text>{label}"#,
            y - 4,
            r.value
        );
        let name = format!("{}：{} {unit}", r.label, r.value);
        let _ = write!(s, "<g><title>{}</title>{col}</g>", esc(&name));
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_are_in_proportion_and_named() {
        let rows = [
            Row {
                label: "2019".into(),
                value: 4,
                url: "years/2019/index.html".into(),
            },
            Row {
                label: "中共某某县委组织部机关党支部".into(),
                value: 1,
                url: String::new(),
            },
        ];
        let svg = bar_chart("c", "各年份 <资料>", "篇", &rows);
        assert!(svg.starts_with(
            r#"<svg class="chart" viewBox="0 0 400 56" role="img" aria-labelledby="c-title" preserveAspectRatio="xMinYMin meet"><title id="c-title">各年份 &lt;资料&gt;</title>"#
        ));
        assert!(svg.contains("<g><title>2019：4 篇</title>"));
        assert!(!svg.contains("<a "), "no control inside an image");
        assert!(svg.contains(r#"width="244" height="16""#), "{svg}");
        assert!(svg.contains(r#"width="61" height="16""#), "{svg}");
        assert!(svg.contains(">中共某某县委…</text>"), "{svg}");
        assert!(svg.contains("<g><title>中共某某县委组织部机关党支部：1 篇</title>"));
        let empty = bar_chart("e", "空", "篇", &[]);
        assert!(empty.contains("暂无数据"));
    }

    #[test]
    fn columns_rise_in_proportion_and_thin_their_labels() {
        let rows: Vec<Row> = (2001..=2020)
            .map(|y| Row {
                label: y.to_string(),
                value: if y == 2020 { 10 } else { 5 },
                url: format!("years/{y}/index.html"),
            })
            .collect();
        let svg = column_chart("y", "各年份", "篇", &rows);
        // 20 slots of 20 units, bars of 13; 140 units for the highest
        assert!(
            svg.contains(
                r#"<rect class="chart-bar" x="383" y="18" width="13" height="140" rx="2"/>"#
            ),
            "{svg}"
        );
        assert!(
            svg.contains(r#"<rect class="chart-bar" x="3" y="88" width="13" height="70" rx="2"/>"#),
            "{svg}"
        );
        // every second label, counted back from the last
        assert!(svg.contains(">2002</text>") && svg.contains(">2004</text>"));
        assert!(!svg.contains(">2001</text>") && !svg.contains(">2019</text>"));
        assert!(svg.contains(">2020</text>"));
        assert!(svg.contains("<title>2001：5 篇</title>"));
    }
}
