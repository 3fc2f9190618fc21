//! Text → units → index keys. The browser client (`assets/search.js`)
//! implements exactly the same rules; keep both in step.
//!
//! * Every character is NFKC-normalised and lower-cased, so full-width and
//!   half-width forms are one (`ＱＱ` = `qq`, `２０１３` = `2013`, `，` = `,`).
//! * A maximal run of ASCII letters/digits is one unit (`qq`, `2013`).
//! * Every other alphabetic or numeric character (Chinese characters above
//!   all) is a unit of its own, and so is every punctuation mark and symbol
//!   (`，`, `+`, `《`): a term typed with punctuation inside matches those
//!   characters in that order (`支部+协会` only where `支部+协会` is written,
//!   `1+1` only where `1+1` is).
//! * Everything else (spaces, line breaks, control and format characters,
//!   combining marks) separates units: it advances the position by one
//!   more, so no bigram spans it. Only spaces separate the words of a query.
//! * Keys: each unit (`陈`) and each pair of units at adjacent positions
//!   (`陈 仓`, joined by one space — no unit contains a space).

use crate::text::UNIFIED_IDEOGRAPHS;
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

/// A character (already NFKC-normalised and lower-cased) that is a unit of
/// its own: a letter or number outside ASCII words, a punctuation mark or a
/// symbol. The client's `isUnit` is the same test.
fn is_unit(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(
            c.general_category_group(),
            GeneralCategoryGroup::Punctuation | GeneralCategoryGroup::Symbol
        )
}

/// A unit and its position.
#[cfg(test)]
pub type Unit = (String, u32);

/// Splits `text` into units, positions counting from `start`. Returns the
/// units and the next free position.
#[cfg(test)]
pub fn units(text: &str, start: u32) -> (Vec<Unit>, u32) {
    let mut out = Vec::new();
    let end = scan(text, start, |u, p| out.push((u.to_string(), p)));
    (out, end)
}

/// Calls `emit(unit, position)` for each unit of `text` in order, positions
/// counting from `start`, without allocating per unit. Returns the next free
/// position. [`units`] is this, collected.
pub fn scan(text: &str, start: u32, mut emit: impl FnMut(&str, u32)) -> u32 {
    let mut pos = start;
    let mut word = String::new();
    let mut one = [0u8; 4];
    let flush = |word: &mut String, pos: &mut u32, emit: &mut dyn FnMut(&str, u32)| {
        if !word.is_empty() {
            emit(word, *pos);
            *pos += 1;
            word.clear();
        }
    };
    for raw in text.chars() {
        // Fast paths: ASCII, and the common ideographs, which NFKC and
        // lower-casing leave as they are (the test against the plain rules
        // checks every character of both ranges).
        if raw.is_ascii() {
            if raw.is_ascii_alphanumeric() {
                word.push(raw.to_ascii_lowercase());
            } else {
                flush(&mut word, &mut pos, &mut emit);
                // Printable ASCII other than letters and digits is
                // punctuation or a symbol; space and controls separate.
                if raw.is_ascii_graphic() {
                    emit(raw.encode_utf8(&mut one), pos);
                }
                pos += 1;
            }
            continue;
        }
        if is_plain_ideograph(raw) {
            flush(&mut word, &mut pos, &mut emit);
            emit(raw.encode_utf8(&mut one), pos);
            pos += 1;
            continue;
        }
        let mut buf = [0u8; 4];
        for n in raw.encode_utf8(&mut one).nfkc() {
            for c in n.to_lowercase() {
                if c.is_ascii_alphanumeric() {
                    word.push(c);
                    continue;
                }
                flush(&mut word, &mut pos, &mut emit);
                if is_unit(c) {
                    emit(c.encode_utf8(&mut buf), pos);
                }
                pos += 1;
            }
        }
    }
    flush(&mut word, &mut pos, &mut emit);
    pos
}

/// A character the fast path of [`scan`] takes as a unit of its own: the
/// block CJK Unified Ideographs ([`UNIFIED_IDEOGRAPHS`]), letters with no
/// compatibility mapping and no case, so NFKC and lower-casing leave them
/// as they are. This is a fast-path bound, not a definition of Chinese
/// characters ([`crate::text::is_han`]): what counts as a unit is decided
/// by the plain rules alone, and the other Han characters go the slow way,
/// giving the same units (the compatibility ideographs U+F900–U+FAFF must:
/// NFKC maps them to unified ones). The test against the plain rules checks
/// every character of the BMP.
fn is_plain_ideograph(c: char) -> bool {
    UNIFIED_IDEOGRAPHS.contains(&c)
}

/// Unigram and adjacent-bigram keys with their positions (a bigram sits at
/// the position of its first unit).
#[cfg(test)]
pub fn keys(units: &[Unit]) -> Vec<(String, u32)> {
    let mut out = Vec::with_capacity(units.len() * 2);
    let mut pairs = KeyMaker::default();
    for (u, p) in units {
        pairs.feed(u, *p, |k, q| {
            let mut s = String::new();
            k.push_to(&mut s);
            out.push((s, q))
        });
    }
    out
}

/// An index key as [`KeyMaker`] hands it out. A key of one character, or
/// of two one-character units, is a number (its characters' code points),
/// so that counting a page's keys hashes a number and makes no string; any
/// other key (one with a run of ASCII letters or digits) is its text. The
/// two never name the same key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key<'a> {
    Code(u64),
    Text(&'a str),
}

/// Marks a [`Key::Code`] of two characters (each code point takes 21 bits).
const PAIR: u64 = 1 << 63;

impl Key<'_> {
    /// Appends the key's text (`陈`, `陈 仓`, `qq 群`).
    pub fn push_to(&self, out: &mut String) {
        self.with_text(|t| out.push_str(t));
    }

    /// Calls `f` with the key's text, made on the stack for a number.
    pub fn with_text<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        // Two characters of at most four bytes and the space between.
        let mut buf = [0u8; 9];
        match *self {
            Key::Code(c) if c & PAIR != 0 => {
                let a = ch(c >> 21).encode_utf8(&mut buf).len();
                buf[a] = b' ';
                let b = ch(c).encode_utf8(&mut buf[a + 1..]).len();
                f(std::str::from_utf8(&buf[..a + 1 + b]).unwrap_or_default())
            }
            Key::Code(c) => f(ch(c).encode_utf8(&mut buf)),
            Key::Text(t) => f(t),
        }
    }

    /// [`fnv1a`] of the key's text, a number's made without a string.
    pub fn fnv1a(&self) -> u32 {
        let mut buf = [0u8; 4];
        match *self {
            Key::Code(c) if c & PAIR != 0 => {
                let h = fnv1a_more(FNV_START, ch(c >> 21).encode_utf8(&mut buf).as_bytes());
                let h = fnv1a_more(h, b" ");
                fnv1a_more(h, ch(c).encode_utf8(&mut buf).as_bytes())
            }
            Key::Code(c) => fnv1a_more(FNV_START, ch(c).encode_utf8(&mut buf).as_bytes()),
            Key::Text(t) => fnv1a(t),
        }
    }
}

impl std::fmt::Display for Key<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.with_text(|t| f.write_str(t))
    }
}

/// The character in the low 21 bits of a [`Key::Code`].
fn ch(c: u64) -> char {
    char::from_u32((c & 0x1F_FFFF) as u32).unwrap_or('\u{FFFD}')
}

/// The code point of a unit of one character.
fn one_char(unit: &str) -> Option<u64> {
    let mut cs = unit.chars();
    match (cs.next(), cs.next()) {
        (Some(c), None) => Some(u64::from(u32::from(c))),
        _ => None,
    }
}

/// The keys of units fed one by one in position order, as [`keys`] lists
/// them, without allocating per key.
#[derive(Default)]
pub struct KeyMaker {
    /// The unit before, when it is not one character (`prev_code`).
    prev: String,
    prev_code: Option<u64>,
    prev_at: Option<u32>,
    pair: String,
}

impl KeyMaker {
    /// Emits the pair the unit makes with the one before it (when adjacent),
    /// then the unit itself.
    pub fn feed(&mut self, unit: &str, pos: u32, mut emit: impl FnMut(Key<'_>, u32)) {
        let code = one_char(unit);
        if self.prev_at.is_some_and(|q| q + 1 == pos) {
            match (self.prev_code, code) {
                (Some(a), Some(b)) => emit(Key::Code(PAIR | a << 21 | b), pos - 1),
                (a, _) => {
                    self.pair.clear();
                    match a {
                        Some(a) => Key::Code(a).push_to(&mut self.pair),
                        None => self.pair.push_str(&self.prev),
                    }
                    self.pair.push(' ');
                    self.pair.push_str(unit);
                    emit(Key::Text(&self.pair), pos - 1);
                }
            }
        }
        match code {
            Some(c) => emit(Key::Code(c), pos),
            None => emit(Key::Text(unit), pos),
        }
        if code.is_none() {
            self.prev.clear();
            self.prev.push_str(unit);
        }
        self.prev_code = code;
        self.prev_at = Some(pos);
    }
}

/// 32-bit FNV-1a over the UTF-8 bytes: picks a key's shard and a page's id
/// slot. The client computes the same.
pub fn fnv1a(s: &str) -> u32 {
    fnv1a_more(FNV_START, s.as_bytes())
}

const FNV_START: u32 = 0x811c_9dc5;

/// FNV-1a carried on over more bytes from the hash `h` of those before.
fn fnv1a_more(mut h: u32, bytes: &[u8]) -> u32 {
    for &b in bytes {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(t: &str) -> Vec<String> {
        units(t, 0).0.into_iter().map(|(u, _)| u).collect()
    }

    #[test]
    fn chinese_is_one_unit_per_character_and_latin_runs_are_words() {
        assert_eq!(
            names("陈仓区QQ群5130人"),
            ["陈", "仓", "区", "qq", "群", "5130", "人"]
        );
    }

    #[test]
    fn full_width_equals_half_width() {
        assert_eq!(names("ＱＱ群２０１３年"), names("qq群2013年"));
        assert_eq!(units("甲，乙", 0), units("甲,乙", 0));
    }

    #[test]
    fn punctuation_is_a_unit_and_spaces_break_adjacency() {
        let (u, end) = units("格里，坪", 0);
        assert_eq!(names("格里，坪"), ["格", "里", ",", "坪"]);
        assert_eq!(end, 4);
        let k: Vec<String> = keys(&u).into_iter().map(|(k, _)| k).collect();
        assert_eq!(k, ["格", "格 里", "里", "里 ,", ",", ", 坪", "坪"]);
        assert_eq!(names("1+1"), ["1", "+", "1"]);
        assert_eq!(names("《党章》"), ["《", "党", "章", "》"]);
        // a space, a line break, a zero-width space separate
        let (u, end) = units("格里 坪\n乙\u{200b}丙", 0);
        let at: Vec<u32> = u.iter().map(|(_, p)| *p).collect();
        assert_eq!(at, [0, 1, 3, 5, 7]);
        assert_eq!(end, 8);
        let k: Vec<String> = keys(&u).into_iter().map(|(k, _)| k).collect();
        assert_eq!(k, ["格", "格 里", "里", "坪", "乙", "丙"]);
    }

    /// The rules written plainly, character by character, without the fast
    /// paths of [`scan`].
    fn plain_units(text: &str, start: u32) -> (Vec<Unit>, u32) {
        let mut out = Vec::new();
        let mut pos = start;
        let mut word = String::new();
        for raw in text.chars() {
            for n in raw.to_string().nfkc() {
                for c in n.to_lowercase() {
                    if c.is_ascii_alphanumeric() {
                        word.push(c);
                        continue;
                    }
                    if !word.is_empty() {
                        out.push((std::mem::take(&mut word), pos));
                        pos += 1;
                    }
                    if c.is_alphanumeric()
                        || matches!(
                            c.general_category_group(),
                            GeneralCategoryGroup::Punctuation | GeneralCategoryGroup::Symbol
                        )
                    {
                        out.push((c.to_string(), pos));
                    }
                    pos += 1;
                }
            }
        }
        if !word.is_empty() {
            out.push((word, pos));
            pos += 1;
        }
        (out, pos)
    }

    #[test]
    fn fast_paths_follow_the_plain_rules_for_every_character() {
        let mut text = String::new();
        for c in (0..=0xFFFFu32).filter_map(char::from_u32) {
            text.clear();
            text.push('a');
            text.push(c);
            text.push('Z');
            text.push(c);
            text.push('中');
            assert_eq!(units(&text, 7), plain_units(&text, 7), "U+{:04X}", c as u32);
        }
        let mixed = "ＱＱ群２０１３年，陈仓区Abc-12ﬁ㈱ｶﾞ！\n第二行 x";
        assert_eq!(units(mixed, 0), plain_units(mixed, 0));
    }

    #[test]
    fn keys_of_one_character_units_are_numbers_and_read_back_as_text() {
        let (u, _) = units("陈仓qq群，𠀀a群qq", 0);
        let mut made = Vec::new();
        let mut km = KeyMaker::default();
        for (unit, p) in &u {
            km.feed(unit, *p, |k, _| {
                let mut s = String::new();
                k.push_to(&mut s);
                assert_eq!(k.to_string(), s);
                assert_eq!(k.fnv1a(), fnv1a(&s));
                made.push((matches!(k, Key::Code(_)), s));
            });
        }
        let want = [
            (true, "陈"),
            (true, "陈 仓"),
            (true, "仓"),
            (false, "仓 qq"),
            (false, "qq"),
            (false, "qq 群"),
            (true, "群"),
            (true, "群 ,"),
            (true, ","),
            (true, ", 𠀀"),
            (true, "𠀀"),
            (true, "𠀀 a"),
            (true, "a"),
            (true, "a 群"),
            (true, "群"),
            (false, "群 qq"),
            (false, "qq"),
        ];
        let want: Vec<(bool, String)> = want.iter().map(|(c, s)| (*c, s.to_string())).collect();
        assert_eq!(made, want);
    }

    #[test]
    fn fnv_matches_reference_values() {
        assert_eq!(fnv1a(""), 0x811c_9dc5);
        assert_eq!(fnv1a("a"), 0xe40c_292c);
    }
}
