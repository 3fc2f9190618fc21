//! Text helpers every stage may use: decoding a text file, a YAML scalar as
//! a string, and which characters are Chinese (Han) ideographs.
//!
//! A leaf: this module uses nothing else from the crate, so any module can
//! use it without making an import cycle. Messages for its errors live in
//! the catalogue ([`crate::msg`]); [`crate::diag`] turns a
//! [`DecodeError`] into a diagnostic.

use serde_yaml::Value;
use std::ops::RangeInclusive;

// ---------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------

/// Why a file could not be read as text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecodeProblem {
    /// Neither UTF-8 nor UTF-16 with BOM (GBK, most often).
    NotUtf8,
    /// A known binary format, or too many control characters.
    BinaryFile,
    /// UTF-16 with a BOM but broken surrogate pairs.
    DamagedUtf16,
}

/// Why a file could not be read as text, and where (1-based line and
/// column, in characters).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    pub line: usize,
    pub col: usize,
    pub problem: DecodeProblem,
}

impl DecodeError {
    fn at_start(problem: DecodeProblem) -> Self {
        DecodeError {
            line: 1,
            col: 1,
            problem,
        }
    }
}

/// Decodes a text file: UTF-8 (with or without BOM) or UTF-16 with BOM.
/// Anything else is an error at the first bad byte. Line ends become `\n`.
pub fn decode_text(bytes: &[u8]) -> Result<String, DecodeError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return decode_text(rest);
    }
    if looks_binary(bytes) {
        return Err(DecodeError::at_start(DecodeProblem::BinaryFile));
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let le = bytes[0] == 0xFF;
        let units = bytes[2..].chunks_exact(2).map(|c| {
            if le {
                u16::from_le_bytes([c[0], c[1]])
            } else {
                u16::from_be_bytes([c[0], c[1]])
            }
        });
        return char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map(|s| {
                if s.contains('\r') {
                    s.replace("\r\n", "\n").replace('\r', "\n")
                } else {
                    s
                }
            })
            .map_err(|_| DecodeError::at_start(DecodeProblem::DamagedUtf16));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) if s.contains('\0') => Err(DecodeError::at_start(DecodeProblem::BinaryFile)),
        // Windows (\r\n) and old Mac (\r) line ends become \n, so that every
        // line number (ours and the YAML parser's) counts the same lines.
        Ok(s) if s.contains('\r') => Ok(s.replace("\r\n", "\n").replace('\r', "\n")),
        Ok(s) => Ok(s.to_string()),
        Err(e) => {
            if bytes.iter().take(8000).any(|b| *b == 0) {
                return Err(DecodeError::at_start(DecodeProblem::BinaryFile));
            }
            let valid = std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default();
            let (line, col) = line_col(valid, valid.len());
            Err(DecodeError {
                line,
                col,
                problem: DecodeProblem::NotUtf8,
            })
        }
    }
}

/// Files that are certainly not text: a known binary format (images,
/// PDF, Word and Office files, archives), or many control characters.
fn looks_binary(bytes: &[u8]) -> bool {
    const MAGIC: &[&[u8]] = &[
        b"\x89PNG",
        b"\xFF\xD8\xFF",
        b"GIF87a",
        b"GIF89a",
        b"%PDF-",
        b"PK\x03\x04",
        b"\xD0\xCF\x11\xE0",
        b"Rar!",
        b"\x1F\x8B",
        b"7z\xBC\xAF",
        b"RIFF",
    ];
    if MAGIC.iter().any(|m| bytes.starts_with(m)) {
        return true;
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return false; // UTF-16 text has zero bytes
    }
    let head = &bytes[..bytes.len().min(8000)];
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0C))
        .count();
    head.contains(&0) || control * 20 > head.len()
}

/// 1-based line and column (in characters) of a byte offset in `text`.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = before[line_start..].chars().count() + 1;
    (line, col)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

// ---------------------------------------------------------------------------
// YAML values
// ---------------------------------------------------------------------------

/// Strings, numbers and booleans as text (YAML users rarely quote).
pub fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Chinese characters
// ---------------------------------------------------------------------------

/// The block CJK Unified Ideographs, U+4E00–U+9FFF: the common Chinese
/// characters (every character of GB2312 and nearly all of everyday text).
/// Part of [`is_han`]; named on its own for the places that want exactly
/// this block (the search index, whose bytes depend on it).
pub const UNIFIED_IDEOGRAPHS: RangeInclusive<char> = '\u{4E00}'..='\u{9FFF}';

/// A Han (Chinese) ideograph: the one definition of "a Chinese character"
/// in zhanting.
///
/// * U+4E00–U+9FFF, CJK Unified Ideographs ([`UNIFIED_IDEOGRAPHS`]);
/// * U+3400–U+4DBF, Extension A (rare characters, many in personal and
///   place names);
/// * U+F900–U+FAFF, CJK Compatibility Ideographs;
/// * U+20000–U+3FFFF, the Supplementary and Tertiary Ideographic Planes:
///   Extensions B to I (U+20000–U+323AF as of Unicode 15.1) and the
///   compatibility supplement; the whole two planes, which Unicode sets
///   aside for ideographs, so later extensions count too.
///
/// Not included: radicals and strokes (U+2E80–U+2FDF, U+31C0–U+31EF),
/// `〇`/`々` and other ideographic signs of U+3000–U+303F, which are
/// symbols or punctuation rather than characters of a word.
pub fn is_han(c: char) -> bool {
    matches!(
        c,
        '\u{4E00}'..='\u{9FFF}'
            | '\u{3400}'..='\u{4DBF}'
            | '\u{F900}'..='\u{FAFF}'
            | '\u{20000}'..='\u{3FFFF}'
    )
}

/// Fewer characters than this (spacing left out) are too little text for
/// two pages to be called the same ([`text_fingerprint`]).
pub const MIN_SAME_TEXT_CHARS: usize = 20;

/// `s` as compared for sameness: full-width letters, digits and
/// punctuation (U+FF01–FF5E) made half-width, the ideographic space a
/// space, and every whitespace character left out, so a text pasted twice
/// with different spacing or punctuation width folds to the same string.
pub fn fold_for_sameness(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        })
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// A hash of `s` folded by [`fold_for_sameness`], the same in every run;
/// `None` when fewer than [`MIN_SAME_TEXT_CHARS`] characters are left.
pub fn text_fingerprint(s: &str) -> Option<u64> {
    use std::hash::{Hash, Hasher};
    let folded = fold_for_sameness(s);
    if folded.chars().count() < MIN_SAME_TEXT_CHARS {
        return None;
    }
    // SipHash with fixed keys: stable from run to run
    #[allow(deprecated)]
    let mut h = std::hash::SipHasher::new();
    folded.hash(&mut h);
    Some(h.finish())
}

/// A Chinese numeral digit as official documents write years: `〇`
/// (also `零`, `○`, `Ｏ`) to `九`.
pub fn hanzi_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' | '○' | 'Ｏ' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// A month or day in Chinese numerals, 1 to 99: `九`, `十`, `十二`, `二十`,
/// `二十五`, `廿五`, `卅一`.
pub fn hanzi_number(s: &str) -> Option<u32> {
    let cs: Vec<char> = s.chars().collect();
    let tens = |c: char| match c {
        '廿' => Some(20),
        '卅' => Some(30),
        _ => None,
    };
    let n = match cs.as_slice() {
        ['十'] => 10,
        ['十', b] => 10 + hanzi_digit(*b)?,
        [t] if tens(*t).is_some() => tens(*t)?,
        [t, b] if tens(*t).is_some() => tens(*t)? + hanzi_digit(*b)?,
        [a, '十'] => hanzi_digit(*a)? * 10,
        [a, '十', b] => hanzi_digit(*a)? * 10 + hanzi_digit(*b)?,
        [a] => hanzi_digit(*a)?,
        _ => return None,
    };
    (n > 0).then_some(n)
}

/// A file size in plain words: `812 B`, `35 KB`, `1.2 MB`.
pub fn human_size(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if bytes == 0 {
        String::new()
    } else if b < KB {
        format!("{bytes} B")
    } else if b < KB * KB {
        format!("{:.0} KB", (b / KB).max(1.0))
    } else {
        format!("{:.1} MB", b / KB / KB)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_bom_and_utf16() {
        assert_eq!(decode_text(b"\xEF\xBB\xBFab").unwrap(), "ab");
        assert_eq!(decode_text(b"a\r\nb").unwrap(), "a\nb");
        assert_eq!(decode_text(b"a\r\rb\r\n").unwrap(), "a\n\nb\n");
        let utf16le: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("中a".encode_utf16().flat_map(|u| u.to_le_bytes()))
            .collect();
        assert_eq!(decode_text(&utf16le).unwrap(), "中a");
    }

    #[test]
    fn gbk_and_binary_are_explained() {
        // "中文" in GBK
        let e = decode_text(b"ab\n\xe4\xb8\xadc\xD6\xD0\xCE\xC4").unwrap_err();
        assert_eq!(e.problem, DecodeProblem::NotUtf8, "{e:?}");
        assert_eq!((e.line, e.col), (2, 3));
        let e = decode_text(&[0x00, 0x9F, 0x92, 0x96]).unwrap_err();
        assert_eq!(e.problem, DecodeProblem::BinaryFile, "{e:?}");
        for magic in [
            &b"\x89PNG\r\n\x1a\nfake"[..],
            b"%PDF-1.4\n",
            b"PK\x03\x04word/document.xml",
            b"\xD0\xCF\x11\xE0\xA1\xB1",
        ] {
            assert_eq!(
                decode_text(magic).unwrap_err().problem,
                DecodeProblem::BinaryFile
            );
        }
        assert_eq!(
            decode_text(b"\x01\x02\x03\x04abc").unwrap_err().problem,
            DecodeProblem::BinaryFile
        );
        assert!(decode_text(b"---\ntitle: a\x0c\n---\n").is_ok());
    }

    #[test]
    fn line_col_counts_chars_not_bytes() {
        let t = "ab\n中文x\nz";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 3), (2, 1));
        assert_eq!(line_col(t, 3 + 6), (2, 3));
        assert_eq!(line_col(t, t.len()), (3, 2));
    }

    #[test]
    fn han_covers_the_extensions_and_nothing_around_them() {
        for c in [
            '中',
            '一',
            '\u{9FFF}',
            '㐀',
            '䶿',
            '豈',
            '𠀀',
            '𪚥',
            '𰀀',
            '\u{323AF}',
        ] {
            assert!(is_han(c), "U+{:04X}", c as u32);
        }
        for c in [
            'a', '，', '。', '〇', '々', '⺀', 'あ', '한', '\u{4DC0}', '\u{FB00}',
        ] {
            assert!(!is_han(c), "U+{:04X}", c as u32);
        }
        assert!(UNIFIED_IDEOGRAPHS.clone().all(is_han));
    }

    #[test]
    fn the_same_text_with_other_spacing_and_width_has_one_fingerprint() {
        let a = "石门村党支部坚持“三会一课”制度，带领群众发展产业：村集体经济收入逐年增加。";
        let b = "  石门村党支部坚持“三会一课”制度, 带领群众\n\n发展产业:村集体经济收入逐年增加。\u{3000}";
        assert_eq!(text_fingerprint(a), text_fingerprint(b));
        assert!(text_fingerprint(a).is_some());
        assert_ne!(
            text_fingerprint(a),
            text_fingerprint(&a.replace("石门", "青石"))
        );
        assert_eq!(fold_for_sameness("ＡＢ１２，　x"), "AB12,x");
        assert_eq!(text_fingerprint("详见附件。"), None);
    }
}
