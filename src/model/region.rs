//! The region tree: a region string such as `江西省赣州市章源县禾塘村` split
//! into its levels (`region::split`), and every page's region put into one
//! tree (`RegionTree`), each node holding the pages at or below it.
//!
//! The split is one rule, with no list of place names but the four
//! 直辖市: read from the left, each part is the shortest run of at least
//! two characters that ends with a suffix of a level below the part before
//! it (`省`, `自治区`, `特别行政区`; `市`, `州`, `自治州`, `地区`, `盟`; `县`,
//! `区`, `旗`, `新区`, `自治县`, a `市` under a 市; `乡`, `镇`, `街道`,
//! `苏木`; `村`, `社区`, `居委会`, `嘎查`), taken one character further
//! while that still ends with such a suffix (`赣州` → `赣州市`), unless the
//! character is the one it ends with (`济南市` | `市中区`). What is left
//! that ends with none is one last part of no known level: a string that
//! does not parse still gives a path, never an error.

use crate::urls::term_slug;
use std::collections::BTreeMap;

/// The level of a part of a region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// 省, 自治区, 直辖市, 特别行政区.
    Province,
    /// 地级市, 自治州, 地区, 盟.
    Prefecture,
    /// 县, 区, 旗, 县级市.
    County,
    /// 乡, 镇, 街道.
    Township,
    /// 村, 社区.
    Village,
    /// A part the rule could not place.
    Other,
}

impl Level {
    /// The level's name as readers see it.
    pub fn title(self) -> &'static str {
        match self {
            Level::Province => "省级",
            Level::Prefecture => "市级",
            Level::County => "县级",
            Level::Township => "乡镇级",
            Level::Village => "村级",
            Level::Other => "其他",
        }
    }
}

/// The 直辖市, the only names the rule knows.
const MUNICIPALITIES: [&str; 4] = ["北京市", "天津市", "上海市", "重庆市"];

/// Suffixes and the level each marks, longer ones first (`社区` before `区`).
const SUFFIXES: &[(&str, Level)] = &[
    ("特别行政区", Level::Province),
    ("自治区", Level::Province),
    ("自治州", Level::Prefecture),
    ("自治县", Level::County),
    ("自治旗", Level::County),
    ("居委会", Level::Village),
    ("村委会", Level::Village),
    ("地区", Level::Prefecture),
    ("新区", Level::County),
    ("街道", Level::Township),
    ("苏木", Level::Township),
    ("社区", Level::Village),
    ("嘎查", Level::Village),
    ("省", Level::Province),
    ("盟", Level::Prefecture),
    ("州", Level::Prefecture),
    ("市", Level::Prefecture),
    ("县", Level::County),
    ("旗", Level::County),
    ("区", Level::County),
    ("乡", Level::Township),
    ("镇", Level::Township),
    ("村", Level::Village),
];

/// One part of a region: its name and level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part<'a> {
    pub name: &'a str,
    pub level: Level,
}

/// The level `s` ends with, for a part that follows one at `above`: the
/// longest suffix of a level below `above`; `市` under a 市 is a 县级市.
fn ends_level(s: &str, above: Option<Level>) -> Option<Level> {
    for &(suffix, level) in SUFFIXES {
        if !s.ends_with(suffix) || s.chars().count() <= suffix.chars().count() {
            continue;
        }
        let level = match (suffix, above) {
            ("市", Some(Level::Prefecture)) => Level::County,
            _ => level,
        };
        if above.is_none_or(|a| level > a) {
            return Some(level);
        }
    }
    None
}

/// Splits a region into its parts, from the top. Never fails: spaces are
/// dropped, and a rest that ends with no suffix is one part of level
/// [`Level::Other`]. An empty string gives no parts.
pub fn split(region: &str) -> Vec<Part<'_>> {
    let mut parts = vec![];
    let mut above: Option<Level> = None;
    for chunk in region.split(|c: char| {
        c.is_whitespace() || matches!(c, '/' | '、' | '，' | ',' | '·' | '>' | '＞')
    }) {
        let mut rest = chunk;
        while !rest.is_empty() {
            let (cut, level) = next_part(rest, above);
            parts.push(Part {
                name: &rest[..cut],
                level,
            });
            if level != Level::Other {
                above = Some(level);
            }
            rest = &rest[cut..];
        }
    }
    parts
}

/// The byte length and level of the first part of `rest`.
fn next_part(rest: &str, above: Option<Level>) -> (usize, Level) {
    if above.is_none() {
        if let Some(m) = MUNICIPALITIES.iter().find(|m| rest.starts_with(**m)) {
            return (m.len(), Level::Province);
        }
    }
    let ends: Vec<usize> = rest.char_indices().map(|(i, c)| i + c.len_utf8()).collect();
    // at least two characters
    for (k, &end) in ends.iter().enumerate().skip(1) {
        if let Some(level) = ends_level(&rest[..end], above) {
            // one character further while that still ends a part (赣州 →
            // 赣州市), but not by the same character (济南市|市中区)
            let (mut end, mut level) = (end, level);
            for &further in &ends[k + 1..] {
                let same = rest[..end].chars().next_back() == rest[end..further].chars().next();
                match ends_level(&rest[..further], above) {
                    Some(l) if !same => {
                        end = further;
                        level = l;
                    }
                    _ => break,
                }
            }
            return (end, level);
        }
    }
    (rest.len(), Level::Other)
}

/// The folder of the tree's root, the regions index.
const ROOT: &str = "regions/";

/// One node of the region tree.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RegionNode {
    /// The part as first written (by page order); empty for the root.
    pub name: String,
    pub level: Option<Level>,
    /// Output folder relative to the output root, not encoded
    /// (`regions/陕西省/宝鸡市/`; `regions/` for the root).
    pub dir: String,
    /// Index of the parent node (`None` for the root).
    pub parent: Option<usize>,
    /// The children: most pages first, then by folder.
    pub children: Vec<usize>,
    /// Every page (index into `Site::pages`) at or below this node, in
    /// site order (newest first).
    pub pages: Vec<usize>,
}

/// Every page's region as one tree. `nodes[0]` is the root; nodes are
/// sorted by folder, so a parent comes before its children.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct RegionTree {
    pub nodes: Vec<RegionNode>,
}

impl RegionTree {
    /// The tree of `regions`: each region name with its pages (indices in
    /// site order, so ascending indices are newest first).
    pub fn build<'a>(regions: impl IntoIterator<Item = (&'a str, &'a [usize])>) -> RegionTree {
        // output folder → (name, level, pages); a folder sorts before
        // every folder below it, since it is their prefix
        let mut found: BTreeMap<String, (String, Option<Level>, Vec<usize>)> = BTreeMap::new();
        found.insert(ROOT.to_string(), (String::new(), None, vec![]));
        for (region, pages) in regions {
            let mut dir = String::from(ROOT);
            if let Some(n) = found.get_mut(ROOT) {
                n.2.extend(pages);
            }
            for part in split(region) {
                dir.push_str(&term_slug(part.name));
                dir.push('/');
                found
                    .entry(dir.clone())
                    .or_insert_with(|| (part.name.to_string(), Some(part.level), vec![]))
                    .2
                    .extend(pages);
            }
        }
        let at: BTreeMap<&str, usize> = found
            .keys()
            .enumerate()
            .map(|(i, k)| (k.as_str(), i))
            .collect();
        let parent_of = |dir: &str| -> Option<usize> {
            let inner = dir.strip_suffix('/')?;
            let up = &inner[..inner.rfind('/')? + 1];
            at.get(up).copied()
        };
        let mut nodes: Vec<RegionNode> = found
            .iter()
            .map(|(dir, (name, level, pages))| {
                let mut pages = pages.clone();
                pages.sort_unstable();
                pages.dedup();
                RegionNode {
                    name: name.clone(),
                    level: *level,
                    parent: parent_of(dir),
                    dir: dir.clone(),
                    children: vec![],
                    pages,
                }
            })
            .collect();
        for i in 1..nodes.len() {
            if let Some(p) = nodes[i].parent {
                nodes[p].children.push(i);
            }
        }
        let counts: Vec<usize> = nodes.iter().map(|n| n.pages.len()).collect();
        for n in &mut nodes {
            n.children
                .sort_by(|&a, &b| counts[b].cmp(&counts[a]).then(a.cmp(&b)));
        }
        RegionTree { nodes }
    }

    /// The node at output folder `dir`.
    pub fn find(&self, dir: &str) -> Option<usize> {
        self.nodes
            .binary_search_by(|n| n.dir.as_str().cmp(dir))
            .ok()
    }

    /// The nodes from the top down to `i` (the root left out).
    pub fn path_to(&self, i: usize) -> Vec<usize> {
        let mut path = vec![];
        let mut at = Some(i);
        while let Some(k) = at.filter(|&k| k != 0) {
            path.push(k);
            at = self.nodes[k].parent;
        }
        path.reverse();
        path
    }
}

/// The output folder of the node of `region` (`regions/陕西省/宝鸡市/`).
pub fn region_dir(region: &str) -> String {
    let mut dir = String::from("regions/");
    for part in split(region) {
        dir.push_str(&term_slug(part.name));
        dir.push('/');
    }
    dir
}

#[cfg(test)]
mod tests {
    use super::*;
    use Level::*;

    fn parts(s: &str) -> Vec<(&str, Level)> {
        split(s).into_iter().map(|p| (p.name, p.level)).collect()
    }

    #[test]
    fn real_forms_split_into_their_levels() {
        let table: &[(&str, &[(&str, Level)])] = &[
            (
                "江西省赣州市章源县禾塘村",
                &[
                    ("江西省", Province),
                    ("赣州市", Prefecture),
                    ("章源县", County),
                    ("禾塘村", Village),
                ],
            ),
            (
                "陕西省宝鸡市陈仓区千河镇东街社区",
                &[
                    ("陕西省", Province),
                    ("宝鸡市", Prefecture),
                    ("陈仓区", County),
                    ("千河镇", Township),
                    ("东街社区", Village),
                ],
            ),
            // 直辖市: a district straight under the city
            (
                "北京市朝阳区望京街道",
                &[
                    ("北京市", Province),
                    ("朝阳区", County),
                    ("望京街道", Township),
                ],
            ),
            (
                "上海市浦东新区",
                &[("上海市", Province), ("浦东新区", County)],
            ),
            ("北京市通州区", &[("北京市", Province), ("通州区", County)]),
            ("重庆市", &[("重庆市", Province)]),
            // 自治区, 盟, 旗, 苏木, 嘎查
            (
                "内蒙古自治区锡林郭勒盟正蓝旗上都苏木",
                &[
                    ("内蒙古自治区", Province),
                    ("锡林郭勒盟", Prefecture),
                    ("正蓝旗", County),
                    ("上都苏木", Township),
                ],
            ),
            (
                "广西壮族自治区百色市乐业县",
                &[
                    ("广西壮族自治区", Province),
                    ("百色市", Prefecture),
                    ("乐业县", County),
                ],
            ),
            // 自治州, 县级市 (a 市 under a 市 or 州)
            (
                "吉林省延边朝鲜族自治州延吉市",
                &[
                    ("吉林省", Province),
                    ("延边朝鲜族自治州", Prefecture),
                    ("延吉市", County),
                ],
            ),
            (
                "江苏省苏州市昆山市玉山镇",
                &[
                    ("江苏省", Province),
                    ("苏州市", Prefecture),
                    ("昆山市", County),
                    ("玉山镇", Township),
                ],
            ),
            // 地区, a district whose name starts with 市
            (
                "新疆维吾尔自治区阿克苏地区库车市",
                &[
                    ("新疆维吾尔自治区", Province),
                    ("阿克苏地区", Prefecture),
                    ("库车市", County),
                ],
            ),
            (
                "山东省济南市市中区",
                &[
                    ("山东省", Province),
                    ("济南市", Prefecture),
                    ("市中区", County),
                ],
            ),
            ("香港特别行政区", &[("香港特别行政区", Province)]),
            // given only as a county, or from the township down
            ("章源县", &[("章源县", County)]),
            (
                "章源县禾塘乡新市村",
                &[
                    ("章源县", County),
                    ("禾塘乡", Township),
                    ("新市村", Village),
                ],
            ),
            // spaces (half- or full-width) and separators are dropped
            (
                "陕西省 宝鸡市　陈仓区",
                &[
                    ("陕西省", Province),
                    ("宝鸡市", Prefecture),
                    ("陈仓区", County),
                ],
            ),
            (
                "陕西省/宝鸡市",
                &[("陕西省", Province), ("宝鸡市", Prefecture)],
            ),
            // what does not parse is kept as one last part
            ("某地", &[("某地", Other)]),
            ("江西省某某", &[("江西省", Province), ("某某", Other)]),
            (
                "江西省赣州市章源县禾塘村三组",
                &[
                    ("江西省", Province),
                    ("赣州市", Prefecture),
                    ("章源县", County),
                    ("禾塘村", Village),
                    ("三组", Other),
                ],
            ),
            ("省", &[("省", Other)]),
            ("", &[]),
            ("   ", &[]),
        ];
        for (input, want) in table {
            assert_eq!(parts(input), *want, "{input}");
        }
    }

    #[test]
    fn odd_strings_never_panic_and_keep_every_character() {
        for s in [
            "市",
            "市市市市",
            "村村",
            "省省省",
            "a/b//c",
            "𠀀𠀀县",
            "区区区区区",
            "自治区",
            "江西省\u{0}赣州市",
            "ＱＱ市",
        ] {
            let joined: String = split(s).iter().map(|p| p.name).collect();
            let kept: String = s
                .chars()
                .filter(|c| !c.is_whitespace() && !matches!(c, '/'))
                .collect();
            assert_eq!(joined, kept, "{s}");
        }
    }

    #[test]
    fn the_tree_counts_every_page_at_or_below_each_node() {
        let a = [0usize, 3];
        let b = [1usize];
        let c = [2usize];
        let tree = RegionTree::build([
            ("江西省赣州市章源县禾塘村", &a[..]),
            ("江西省赣州市章源县", &b[..]),
            ("陕西省宝鸡市", &c[..]),
        ]);
        let dirs: Vec<(&str, usize)> = tree
            .nodes
            .iter()
            .map(|n| (n.dir.as_str(), n.pages.len()))
            .collect();
        assert_eq!(
            dirs,
            [
                ("regions/", 4),
                ("regions/江西省/", 3),
                ("regions/江西省/赣州市/", 3),
                ("regions/江西省/赣州市/章源县/", 3),
                ("regions/江西省/赣州市/章源县/禾塘村/", 2),
                ("regions/陕西省/", 1),
                ("regions/陕西省/宝鸡市/", 1),
            ]
        );
        assert_eq!(tree.nodes[0].children, [1, 5]);
        // folders that sort differently from their parts still find their node
        let odd = RegionTree::build([("a-b", &a[..]), ("a省x县", &b[..])]);
        for (k, n) in odd.nodes.iter().enumerate() {
            assert_eq!(odd.find(&n.dir), Some(k), "{}", n.dir);
        }
        assert_eq!(tree.nodes[3].pages, [0, 1, 3]);
        let village = tree.find("regions/江西省/赣州市/章源县/禾塘村/").unwrap();
        let names: Vec<&str> = tree
            .path_to(village)
            .iter()
            .map(|&k| tree.nodes[k].name.as_str())
            .collect();
        assert_eq!(names, ["江西省", "赣州市", "章源县", "禾塘村"]);
        assert_eq!(
            region_dir("江西省赣州市章源县禾塘村"),
            "regions/江西省/赣州市/章源县/禾塘村/"
        );
    }
}
