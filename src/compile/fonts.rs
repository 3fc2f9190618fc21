//! The faces of a booklet, by role: the files and names of `compile.fonts`
//! first, then the faces installed on the computer under the names they
//! go by on Windows, Debian, 统信UOS and 麒麟; a role with none falls back
//! (仿宋 → 楷体 → 宋体), and only a role with no face at all stops the
//! compilation, with the way to name one.

use super::Failure;
use crate::diag::{Diagnostic, M};
use crate::load::printing::{FontChoice, FontRole, PrintConfig};
use crate::msg::Say;
use std::path::Path;
use typst::foundations::Bytes;
use typst::text::Font;

/// The installed faces looked for, by role, best first.
pub fn candidates(role: FontRole) -> &'static [&'static str] {
    match role {
        FontRole::Fangsong => &[
            "仿宋_GB2312",
            "FangSong_GB2312",
            "仿宋",
            "FangSong",
            "方正仿宋_GBK",
            "FZFangSong-Z02",
            "华文仿宋",
            "STFangsong",
        ],
        FontRole::Kai => &[
            "楷体_GB2312",
            "KaiTi_GB2312",
            "楷体",
            "KaiTi",
            "方正楷体_GBK",
            "华文楷体",
            "STKaiti",
            "LXGW WenKai",
            "AR PL UKai CN",
            "AR PL KaitiM GB",
        ],
        FontRole::Song => &[
            "方正小标宋简体",
            "方正小标宋_GBK",
            "FZXiaoBiaoSong-B05S",
            "宋体",
            "SimSun",
            "华文宋体",
            "STSong",
            "Noto Serif CJK SC",
            "Source Han Serif SC",
            "思源宋体",
            "AR PL UMing CN",
            "AR PL SungtiL GB",
        ],
        FontRole::Hei => &[
            "黑体",
            "SimHei",
            "华文黑体",
            "STHeiti",
            "微软雅黑",
            "Microsoft YaHei",
            "Noto Sans CJK SC",
            "Source Han Sans SC",
            "思源黑体",
            "WenQuanYi Zen Hei",
            "WenQuanYi Micro Hei",
            "Droid Sans Fallback",
        ],
    }
}

/// The roles that stand in for `role` when it has no face, in order.
pub fn fallbacks(role: FontRole) -> &'static [FontRole] {
    match role {
        FontRole::Fangsong => &[FontRole::Kai, FontRole::Song, FontRole::Hei],
        FontRole::Kai => &[FontRole::Fangsong, FontRole::Song, FontRole::Hei],
        FontRole::Song => &[FontRole::Hei, FontRole::Kai, FontRole::Fangsong],
        FontRole::Hei => &[FontRole::Song, FontRole::Kai, FontRole::Fangsong],
    }
}

/// One face: its data, and the family name typst knows it by.
#[derive(Clone)]
pub struct Face {
    pub font: Font,
    /// Where it came from, for messages and the benchmark notes.
    pub source: String,
}

impl Face {
    pub fn family(&self) -> &str {
        &self.font.info().family
    }
}

/// A face for every role.
#[derive(Clone)]
pub struct Faces {
    pub fangsong: Face,
    pub song: Face,
    pub hei: Face,
    pub kai: Face,
}

impl Faces {
    pub fn get(&self, role: FontRole) -> &Face {
        match role {
            FontRole::Fangsong => &self.fangsong,
            FontRole::Song => &self.song,
            FontRole::Hei => &self.hei,
            FontRole::Kai => &self.kai,
        }
    }
}

/// Finds a face for every role (see the module's text).
pub fn find(root: &Path, print: &PrintConfig) -> Result<Faces, Failure> {
    let mut db = fontdb::Database::new();
    if print.system_fonts {
        db.load_system_fonts();
    }
    let mut errors = vec![];
    let mut found: [Option<Face>; 4] = Default::default();
    for choice in &print.fonts {
        match named(root, &db, choice) {
            Ok(face) => found[slot(choice.role)] = Some(face),
            Err(d) => errors.push(d),
        }
    }
    if !errors.is_empty() {
        return Err(Failure::At(errors));
    }
    for role in FontRole::ALL {
        if found[slot(role)].is_none() {
            found[slot(role)] = candidates(role).iter().find_map(|n| installed(&db, n));
        }
    }
    let own = found.clone();
    for role in FontRole::ALL {
        if found[slot(role)].is_none() {
            found[slot(role)] = fallbacks(role).iter().find_map(|r| own[slot(*r)].clone());
        }
    }
    let take = |role: FontRole| -> Result<Face, Failure> {
        found[slot(role)].clone().ok_or_else(|| {
            let tried: Vec<FontRole> = std::iter::once(role)
                .chain(fallbacks(role).iter().copied())
                .collect();
            Failure::Other(anyhow::anyhow!(Say::NoFaceForRole {
                role,
                tried: &tried,
            }
            .text()))
        })
    };
    Ok(Faces {
        fangsong: take(FontRole::Fangsong)?,
        song: take(FontRole::Song)?,
        hei: take(FontRole::Hei)?,
        kai: take(FontRole::Kai)?,
    })
}

fn slot(role: FontRole) -> usize {
    role as usize
}

/// The face `compile.fonts` names: a file inside the site folder, else an
/// installed family.
fn named(root: &Path, db: &fontdb::Database, choice: &FontChoice) -> Result<Face, Diagnostic> {
    let at = |m: M| Diagnostic::err(crate::load::config::FILE_NAME, choice.line, choice.col, m);
    let file = root.join(&choice.value);
    let inside = !Path::new(&choice.value).is_absolute()
        && !Path::new(&choice.value)
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir));
    if inside && file.is_file() {
        let data = std::fs::read(&file).map_err(|e| {
            at(M::CannotRead {
                file: &choice.value,
                error: &e.to_string(),
            })
        })?;
        return Font::new(Bytes::new(data), 0)
            .map(|font| Face {
                font,
                source: choice.value.clone(),
            })
            .ok_or_else(|| {
                at(M::FontNotAFont {
                    role: choice.role,
                    value: &choice.value,
                })
            });
    }
    installed(db, &choice.value).ok_or_else(|| {
        at(M::FontNotFound {
            role: choice.role,
            value: &choice.value,
        })
    })
}

/// The regular face of an installed family (any of its names, in any
/// language, case not minded).
fn installed(db: &fontdb::Database, family: &str) -> Option<Face> {
    let want = family.to_lowercase();
    let mut faces: Vec<&fontdb::FaceInfo> = db
        .faces()
        .filter(|f| f.families.iter().any(|(n, _)| n.to_lowercase() == want))
        .collect();
    // the regular face first; then a stable order
    faces.sort_by_key(|f| {
        (
            f.style != fontdb::Style::Normal,
            f.weight.0.abs_diff(400),
            format!("{:?}", f.source),
            f.index,
        )
    });
    let face = faces.first()?;
    let (data, index) = db.with_face_data(face.id, |data, index| (data.to_vec(), index))?;
    let font = Font::new(Bytes::new(data), index)?;
    let source = match &face.source {
        fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => p.display().to_string(),
        fontdb::Source::Binary(_) => family.to_string(),
    };
    Some(Face { font, source })
}
