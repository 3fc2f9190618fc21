//! `zhanting init` (a new site from the bundled sample) and `zhanting new`
//! (a new content file with its front matter).

use crate::msg::{Io, Say};
use anyhow::{bail, Context, Result};
use include_dir::{include_dir, Dir};
use std::path::Path;

/// The sample site of this repository: `site.yaml`, `content/`, `static/`.
static SAMPLE_CONTENT: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/content");
static SAMPLE_STATIC: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/static");
const SAMPLE_CONFIG: &str = include_str!("../site.yaml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum NewKind {
    Speech,
    Case,
    Brand,
}

impl NewKind {
    /// The content kind this stands for.
    pub fn kind(self) -> crate::load::config::Kind {
        match self {
            NewKind::Speech => crate::load::config::Kind::Speech,
            NewKind::Case => crate::load::config::Kind::Case,
            NewKind::Brand => crate::load::config::Kind::Brand,
        }
    }
}

/// Creates a site in `dir`, which must be empty or not exist.
pub fn init(dir: &Path) -> Result<String> {
    if dir.exists()
        && std::fs::read_dir(dir)
            .with_context(|| Io::Read.at(dir.display()))?
            .next()
            .is_some()
    {
        bail!(Say::NotEmpty {
            dir: &dir.display().to_string()
        }
        .text());
    }
    std::fs::create_dir_all(dir).with_context(|| Io::Create.at(dir.display()))?;
    std::fs::write(dir.join("site.yaml"), SAMPLE_CONFIG)
        .with_context(|| Io::Write.at(dir.join("site.yaml").display()))?;
    extract(&SAMPLE_CONTENT, &dir.join("content"))?;
    extract(&SAMPLE_STATIC, &dir.join("static"))?;
    std::fs::write(dir.join(".gitignore"), "/output\n")?;
    Ok(Say::SiteCreated {
        dir: &dir.display().to_string(),
    }
    .text()
    .to_string())
}

fn extract(src: &Dir<'static>, dest: &Path) -> Result<()> {
    std::fs::create_dir_all(dest).with_context(|| Io::Create.at(dest.display()))?;
    for f in src.files() {
        let p = dest.join(f.path().file_name().unwrap_or_default());
        std::fs::write(&p, f.contents()).with_context(|| Io::Write.at(p.display()))?;
    }
    for d in src.dirs() {
        extract(d, &dest.join(d.path().file_name().unwrap_or_default()))?;
    }
    Ok(())
}

/// Writes `content/SECTION/TITLE.md` with the front matter of its kind.
/// `kind` is a kind (`speech`, `case`, `brand`: the first section of that
/// kind) or a section of site.yaml, by folder name or title (`news`, `工作动态`).
pub fn new_page(root: &Path, kind: &str, title: &str, lang: crate::msg::Lang) -> Result<String> {
    let config = crate::load::config::load(root).map_err(|d| {
        anyhow::anyhow!(d
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n"))
    })?;
    let topic = matches!(kind.trim(), "topic" | "专题")
        && !config.sections.iter().any(|s| s.name == kind.trim());
    let (folder, front) = if topic {
        (crate::load::topic::TOPICS_FOLDER, None)
    } else {
        let (section, kind) = section_for(&config, kind, lang)?;
        (section.name.as_str(), Some(kind))
    };
    let title = title.trim();
    if title.is_empty() {
        bail!(Say::EmptyTitle.text());
    }
    let slug = crate::urls::slug_from_file_name(title);
    let dir = root.join(crate::load::content::CONTENT_DIR).join(folder);
    let path = dir.join(format!("{slug}.md"));
    if path.exists() {
        bail!(Say::PageExists {
            path: &path.display().to_string()
        }
        .text());
    }
    std::fs::create_dir_all(&dir).with_context(|| Io::Create.at(dir.display()))?;
    let text = match front {
        Some(kind) => front_matter(kind, title, &today()),
        None => topic_front_matter(title),
    };
    std::fs::write(&path, text).with_context(|| Io::Write.at(path.display()))?;
    Ok(Say::PageCreated {
        path: &path.display().to_string(),
    }
    .text()
    .to_string())
}

fn yaml_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn front_matter(kind: NewKind, title: &str, date: &str) -> String {
    let specific = match kind {
        NewKind::Speech => "speaker: \"\"         # 讲话人\nspeaker_title: \"\"   # 职务\noccasion: \"\"        # 会议名称\nplace: \"\"           # 地点\ndoc_number: \"\"      # 文号，如 渭组通[2013]144号\n",
        NewKind::Case => "organization: \"\"    # 单位\nsector: \"\"          # 领域：农村、社区、机关、国有企业、非公企业、社会组织、学校、医院\nauthor: \"\"          # 作者署名，显示在标题下，没有可不填\nauthor_title: \"\"    # 作者职务，如 县委常委、组织部长\n",
        NewKind::Brand => "branch: \"\"          # 支部名称\nbrand: \"\"           # 品牌名称\nslogan: \"\"          # 口号\nsector: \"\"          # 领域\nsecretary: \"\"       # 支部书记\nmembers:            # 党员人数\nlogo:               # 标志图片，放在本文件旁边\nhighlights: []      # 亮点\nauthor: \"\"          # 作者署名，显示在标题下，没有可不填\nauthor_title: \"\"    # 作者职务\n",
    };
    let body = match kind {
        NewKind::Speech => "同志们：\n\n（正文）\n",
        _ => "（正文）\n",
    };
    format!(
        "---\ntitle: {}\ndate: {date}\nregion: \"\"          # 地区，如 陕西省渭南市白水县\ntags: []\n{specific}---\n\n{body}",
        yaml_quote(title)
    )
}

/// A new topic: its fields, each with what to write, and room for its
/// introduction.
fn topic_front_matter(title: &str) -> String {
    format!(
        "---\ntitle: {}\nsummary: \"\"         # 一句话简介，显示在专题列表中\ncover:              # 封面图片，放在本文件旁边，或写 /images/封面.jpg（static/ 下）\npages: []           # 按顺序列出页面，如\n#  - cases/石门村四议两公开.md\n#  - brands/稻香先锋\ntags: []            # 再加上带这些标签的页面（新的在前）\n---\n\n（专题介绍）\n",
        yaml_quote(title)
    )
}

/// `zhanting new KIND` named neither a kind nor a section: a usage error
/// (exit status 2), with the message to show.
#[derive(Debug)]
pub struct UnknownKind(pub String);

impl std::fmt::Display for UnknownKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UnknownKind {}

/// The section a page of `kind` goes to, and the kind of its front matter.
fn section_for<'c>(
    config: &'c crate::load::config::Config,
    kind: &str,
    lang: crate::msg::Lang,
) -> Result<(&'c crate::load::config::SectionConfig, NewKind)> {
    use crate::load::config::Kind;
    let wanted = kind.trim();
    let section = match Kind::parse(wanted) {
        Some(k) => config.sections.iter().find(|s| s.kind == k),
        None => config
            .sections
            .iter()
            .find(|s| s.name == wanted || s.title == wanted),
    };
    let kind = section.and_then(|s| match s.kind {
        Kind::Speech => Some((s, NewKind::Speech)),
        Kind::Case => Some((s, NewKind::Case)),
        Kind::Brand => Some((s, NewKind::Brand)),
        Kind::Page => None,
    });
    let Some(found) = kind else {
        let sections: Vec<String> = config
            .sections
            .iter()
            .map(|s| format!("{}（{}）", s.name, s.title))
            .collect();
        return Err(UnknownKind(
            crate::msg::Say::NoSuchSection {
                kind: wanted,
                sections: &sections.join("、"),
            }
            .text()
            .get(lang)
            .to_string(),
        )
        .into());
    };
    Ok(found)
}

/// Today's date in China Standard Time (UTC+8), as `2024-01-15`.
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
        + 8 * 3600;
    let (y, m, d) = civil_from_days((secs / 86400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn new_topic_parses() {
        let text = topic_front_matter("乡村\"振兴\"");
        let mut d = vec![];
        let t = crate::load::topic::parse(&text, Path::new("content/topics/x.md"), &mut d).unwrap();
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(t.title, "乡村\"振兴\"");
        assert!(t.pages.is_empty() && t.tags.is_empty() && t.cover_at.is_none());
    }

    #[test]
    fn new_front_matter_parses() {
        for kind in [NewKind::Speech, NewKind::Case, NewKind::Brand] {
            let text = front_matter(kind, "在\"全区\"会议上的讲话", "2024-01-15");
            let s = crate::load::frontmatter::split(&text, Path::new("a.md")).unwrap();
            let raw = crate::load::frontmatter::parse_raw(s.yaml, s.yaml_line, Path::new("a.md"))
                .unwrap();
            let mut d = vec![];
            let (fm, ok) = crate::load::frontmatter::resolve(
                raw,
                s.yaml,
                s.yaml_line,
                Path::new("a.md"),
                &mut d,
            );
            assert!(ok);
            assert_eq!(fm.title, "在\"全区\"会议上的讲话");
            assert!(d.is_empty(), "{d:?}");
        }
    }
}
