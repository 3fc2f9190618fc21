//! Plain text in: detecting the encoding (UTF-8 with or without BOM,
//! UTF-16 with or without BOM, GBK/GB18030) and turning cleaned-up lines into
//! Markdown: indents removed, hard-wrapped lines joined, 一、 → `##`,
//! （一） → `###`, `1.` kept as a numbered paragraph (escaped so Markdown
//! does not renumber it), the salutation kept as its own paragraph.

use super::guess::{clean, is_numbered, is_salutation};
use super::Line;
use encoding_rs::{GB18030, UTF_16BE, UTF_16LE};
use regex::Regex;
use std::sync::LazyLock;

/// Which encoding a text file was in, for the report.
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return (String::from_utf8_lossy(rest).into_owned(), "UTF-8 (BOM)");
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return (
            UTF_16LE.decode_without_bom_handling(rest).0.into_owned(),
            "UTF-16",
        );
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return (
            UTF_16BE.decode_without_bom_handling(rest).0.into_owned(),
            "UTF-16",
        );
    }
    let utf8 = std::str::from_utf8(bytes).ok();
    if let Some(s) = utf8 {
        if !s.contains('\0') {
            return (s.to_string(), "UTF-8");
        }
    }
    // GBK, or UTF-16 without BOM (or UTF-8 with stray NUL bytes): keep the
    // reading that looks most like Chinese text, UTF-8 on a tie
    let candidates = [
        (utf8.unwrap_or_default().to_string(), "UTF-8"),
        (
            GB18030.decode_without_bom_handling(bytes).0.into_owned(),
            "GBK/GB18030",
        ),
        (
            UTF_16LE.decode_without_bom_handling(bytes).0.into_owned(),
            "UTF-16",
        ),
        (
            UTF_16BE.decode_without_bom_handling(bytes).0.into_owned(),
            "UTF-16",
        ),
    ];
    let mut best = 0;
    let mut best_score = f64::MIN;
    for (i, (text, _)) in candidates.iter().enumerate() {
        if i == 0 && utf8.is_none() {
            continue;
        }
        let score = plausibility(text);
        if score > best_score {
            best = i;
            best_score = score;
        }
    }
    let [a, b, c, d] = candidates;
    match best {
        0 => a,
        1 => b,
        2 => c,
        _ => d,
    }
}

/// The Chinese characters GBK has two-byte codes for, U+4E00–U+9FA5 (the
/// unified ideographs of Unicode 1.1), and nearly all a real document holds.
/// A bound of the encoding guess, not a definition of Chinese characters
/// ([`crate::text::is_han`]): a wrong reading (GBK bytes taken as UTF-16,
/// say) scatters characters over the whole BMP, so the narrower the set that
/// scores, the more clearly the right reading wins.
const GBK_IDEOGRAPHS: std::ops::RangeInclusive<u32> = 0x4E00..=0x9FA5;

/// The share of characters usual in Chinese documents: the ideographs GBK
/// encodes, ASCII text, CJK and full-width punctuation.
fn plausibility(text: &str) -> f64 {
    let (mut good, mut all) = (0usize, 0usize);
    for c in text.chars().take(20_000) {
        all += 1;
        let u = c as u32;
        if GBK_IDEOGRAPHS.contains(&u)
            || (0x20..0x7F).contains(&u)
            || matches!(c, '\n' | '\r' | '\t')
            || (0x3000..=0x303F).contains(&u)
            || (0xFF01..=0xFF5E).contains(&u)
            || (0x2010..=0x201F).contains(&u)
        {
            good += 1;
        }
    }
    if all == 0 {
        0.0
    } else {
        good as f64 / all as f64
    }
}

/// Splits decoded text into lines, without line-end characters (`\r\n`,
/// `\n`, or a lone `\r` as old Mac files end lines), and without the
/// characters [`strip_controls`] removes.
pub fn lines(text: &str) -> Vec<Line> {
    let text = strip_controls(text);
    text.split('\n')
        .flat_map(|l| l.strip_suffix('\r').unwrap_or(l).split('\r'))
        .map(Line::plain)
        .collect()
}

/// A character that must not reach a page, the feed or the terminal from
/// an imported file: C0 controls other than tab, line feed and carriage
/// return, DEL, C1 controls, and U+FFFE / U+FFFF (not allowed in XML).
/// Lone surrogates cannot occur: every decoder here replaces them.
pub fn is_forbidden(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

/// `s` without [forbidden](is_forbidden) characters; a terminal escape
/// sequence (`ESC [ 31 m`, CSI) goes as a whole.
pub fn strip_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_forbidden) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if !is_forbidden(c) {
            out.push(c);
            continue;
        }
        let csi = match c {
            '\u{1b}' => chars.next_if_eq(&'[').is_some(),
            '\u{9b}' => true,
            _ => false,
        };
        if csi {
            // parameter and intermediate bytes, then one final byte
            while chars
                .next_if(|c| ('\u{20}'..='\u{3f}').contains(c))
                .is_some()
            {}
            chars.next_if(|c| ('\u{40}'..='\u{7e}').contains(c));
        }
    }
    std::borrow::Cow::Owned(out)
}

/// One line of text for a front-matter value or a file name: forbidden
/// characters removed, tabs and line ends turned into spaces.
pub fn one_line(s: &str) -> String {
    strip_controls(s)
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Text for the terminal: control characters (line ends too, unless
/// `keep_newlines`) and the bidirectional overrides that reorder what is
/// shown are written as escapes (`\x1b`, `\u{202e}`), so a file name
/// cannot move the cursor, recolour or hide text.
pub fn for_terminal(s: &str, keep_newlines: bool) -> std::borrow::Cow<'_, str> {
    let bad = |c: char| {
        (c.is_control() && !(keep_newlines && c == '\n'))
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{FFFE}' | '\u{FFFF}')
    };
    if !s.chars().any(bad) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !bad(c) {
            out.push(c);
        } else if (c as u32) < 0x100 {
            out.push_str(&format!("\\x{:02x}", c as u32));
        } else {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        }
    }
    std::borrow::Cow::Owned(out)
}

const END: &[char] = &[
    '。', '；', '：', ':', '！', '？', '!', '?', '”', '」', '』', '）', ')', ';', '…',
];

static CN_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[一二三四五六七八九十]{1,3}、").unwrap_or_else(|e| panic!("{e}"))
});
static CN_SUBHEADING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[（(][一二三四五六七八九十]{1,3}[)）]").unwrap_or_else(|e| panic!("{e}"))
});
static ASCII_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\d{1,3})([.)])").unwrap_or_else(|e| panic!("{e}")));

/// Escapes what Markdown would read as markup inside running text.
pub fn escape_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '*' | '_' | '`' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("&lt;"),
            _ => out.push(c),
        }
    }
    out
}

/// Escapes a paragraph: inline markup, and a start that Markdown would read
/// as a heading, quote, list or rule (`1.` → `1\.`).
pub fn escape_paragraph(s: &str) -> String {
    let e = escape_inline(s);
    if let Some(c) = ASCII_NUMBER.captures(&e) {
        let (n, p) = (&c[1], &c[2]);
        return format!("{n}\\{p}{}", &e[c[0].len()..]);
    }
    if e.starts_with(['#', '>', '-', '+', '=', '|', '~']) {
        return format!("\\{e}");
    }
    e
}

/// The first sentence of a numbered heading line when the line goes on with
/// a paragraph (`一、标题。正文……`), else the whole line when it is short.
fn split_heading(l: &str) -> Option<(String, Option<String>)> {
    let n = l.chars().count();
    if n <= 40 && !l.ends_with(['，', ',', '；', ';']) {
        return Some((l.trim_end_matches(['。', '.']).to_string(), None));
    }
    let cut = l.find('。')?;
    let head = &l[..cut];
    if head.chars().count() > 40 {
        return None;
    }
    let rest = l[cut + '。'.len_utf8()..].trim();
    Some((
        head.to_string(),
        (!rest.is_empty()).then(|| rest.to_string()),
    ))
}

fn short_heading(l: &str) -> bool {
    let n = l.chars().count();
    (4..=24).contains(&n)
        && !l.ends_with([
            '。', '；', '：', ':', '！', '？', '!', '?', ';', '…', '，', ',', '、',
        ])
        && !is_numbered(l)
}

/// Turns body lines into Markdown blocks separated by blank lines.
pub fn to_markdown(lines: &[Line]) -> String {
    let plain: Vec<&str> = lines.iter().map(|l| clean(&l.text)).collect();
    let has_h2 = lines
        .iter()
        .any(|l| l.block.is_none() && CN_HEADING.is_match(clean(&l.text)));
    let mut blocks: Vec<String> = vec![];
    let mut para = String::new();
    let mut para_open_wrapped = false;
    let flush = |para: &mut String, blocks: &mut Vec<String>| {
        if !para.is_empty() {
            blocks.push(escape_paragraph(para));
            para.clear();
        }
    };
    for (i, line) in lines.iter().enumerate() {
        let l = plain[i];
        if let Some(b) = &line.block {
            flush(&mut para, &mut blocks);
            para_open_wrapped = false;
            blocks.push(b.clone());
            continue;
        }
        if l.is_empty() {
            flush(&mut para, &mut blocks);
            para_open_wrapped = false;
            continue;
        }
        let starts_structure = is_numbered(l) || is_salutation(l);
        if para_open_wrapped && !starts_structure {
            // a hard-wrapped line goes on
            para.push_str(l);
            para_open_wrapped = !l.ends_with(END) && l.chars().count() >= 20;
            continue;
        }
        flush(&mut para, &mut blocks);
        if CN_HEADING.is_match(l) || CN_SUBHEADING.is_match(l) {
            let level = if CN_HEADING.is_match(l) { "##" } else { "###" };
            if let Some((head, rest)) = split_heading(l) {
                blocks.push(format!("{level} {}", escape_inline(&head)));
                if let Some(rest) = rest {
                    para.push_str(&rest);
                    para_open_wrapped = !rest.ends_with(END) && rest.chars().count() >= 20;
                }
                continue;
            }
        }
        let next = plain.get(i + 1).copied().unwrap_or("");
        if short_heading(l) && !starts_structure && next.chars().count() > 40 {
            blocks.push(format!(
                "{} {}",
                if has_h2 { "###" } else { "##" },
                escape_inline(l)
            ));
            para_open_wrapped = false;
            continue;
        }
        para.push_str(l);
        para_open_wrapped = !starts_structure_end(l) && l.chars().count() >= 20;
    }
    flush(&mut para, &mut blocks);
    let mut out = blocks.join("\n\n");
    out.push('\n');
    out
}

fn starts_structure_end(l: &str) -> bool {
    l.ends_with(END)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(s: &str) -> String {
        to_markdown(&lines(s))
    }

    #[test]
    fn control_characters_are_removed_and_escaped() {
        assert_eq!(
            strip_controls("\u{1b}[31m红色\u{1b}[0m\u{7}标题\0\u{7f}\u{85}\u{9b}2J\u{ffff}"),
            "红色标题"
        );
        assert_eq!(strip_controls("一\t二\r\n三"), "一\t二\r\n三");
        assert_eq!(strip_controls("\u{1b}x"), "x");
        assert_eq!(one_line("一\t二\r\n三\u{1b}[1m"), "一 二  三");
        assert_eq!(
            for_terminal("a\u{1b}[2Jb\n\u{202e}c", false),
            "a\\x1b[2Jb\\x0a\\u{202e}c"
        );
        assert_eq!(for_terminal("a\nb", true), "a\nb");
        let l: Vec<String> = lines("一\r二\r\n三\n\u{7}四")
            .into_iter()
            .map(|l| l.text)
            .collect();
        assert_eq!(l, ["一", "二", "三", "四"]);
    }

    #[test]
    fn utf8_with_stray_nul_bytes_stays_utf8() {
        let s = "标题\0第一段：党建工作\n正文内容\0";
        assert_eq!(decode(s.as_bytes()), (s.to_string(), "UTF-8"));
        // UTF-16 without BOM of ASCII text is valid UTF-8 with NULs, and stays UTF-16
        let le: Vec<u8> = "abc def\n"
            .encode_utf16()
            .flat_map(|u| u.to_le_bytes())
            .collect();
        assert_eq!(decode(&le), ("abc def\n".to_string(), "UTF-16"));
    }

    #[test]
    fn decodes_every_encoding() {
        let s = "第一行：党建\n第二行";
        assert_eq!(decode(s.as_bytes()), (s.to_string(), "UTF-8"));
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(s.as_bytes());
        assert_eq!(decode(&bom).0, s);
        let (gbk, _, _) = GB18030.encode(s);
        assert_eq!(decode(&gbk), (s.to_string(), "GBK/GB18030"));
        let le: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect();
        assert_eq!(decode(&le), (s.to_string(), "UTF-16"));
        let mut le_bom = vec![0xFF, 0xFE];
        le_bom.extend_from_slice(&le);
        assert_eq!(decode(&le_bom).0, s);
        let be: Vec<u8> = s.encode_utf16().flat_map(|u| u.to_be_bytes()).collect();
        assert_eq!(decode(&be).0, s);
    }

    #[test]
    fn headings_numbers_and_indents() {
        let out = md("同志们：\n\u{3000}\u{3000}今天我们在这里开会，讨论一件事情。\n一、统一思想认识\n（一）抓好学习\n1.要加强领导。具体做法如下。\n2、要落实责任。");
        assert_eq!(out, "同志们：\n\n今天我们在这里开会，讨论一件事情。\n\n## 一、统一思想认识\n\n### （一）抓好学习\n\n1\\.要加强领导。具体做法如下。\n\n2、要落实责任。\n");
    }

    #[test]
    fn joins_hard_wrapped_lines() {
        let out = md("这是一段很长很长的文字，它在排版时被硬换行了，所以下一行\n还是同一段的内容。\n这是新的一段。");
        assert_eq!(out, "这是一段很长很长的文字，它在排版时被硬换行了，所以下一行还是同一段的内容。\n\n这是新的一段。\n");
    }

    #[test]
    fn long_numbered_line_splits_into_heading_and_paragraph() {
        let out = md(
            "二、存在的问题。当前的问题主要有以下几个方面，需要认真对待，逐项加以解决落实到位。",
        );
        assert_eq!(out, "## 二、存在的问题\n\n当前的问题主要有以下几个方面，需要认真对待，逐项加以解决落实到位。\n");
    }

    #[test]
    fn short_line_before_a_paragraph_is_a_subheading_and_markup_is_escaped() {
        let quoted = md("打造“红色引擎”\n我们把支部建在产业链上，效果很好，群众满意度不断提高，各项工作都走在全县前列，受到上级充分肯定。");
        assert!(quoted.starts_with("## 打造“红色引擎”\n\n"), "{quoted}");
        let out = md("创新服务方式\n我们把*支部*建在产业链上，<b>效果</b>很好，群众满意度不断提高，各项工作都走在前列。\n- 不是列表");
        assert!(
            out.starts_with("## 创新服务方式\n\n我们把\\*支部\\*建在产业链上，&lt;b>效果&lt;/b>"),
            "{out}"
        );
        assert!(out.ends_with("\\- 不是列表\n"), "{out}");
    }
}
