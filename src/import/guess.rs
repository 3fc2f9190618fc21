//! Guessing front matter from the way real documents are laid out: a title
//! of one or two lines (maybe with a "——在…上的讲话" subtitle), the speaker
//! and 职务, the date in its many written forms, the 文号, the region, and
//! web-page debris at the top that is dropped.
//!
//! Every guesser works on plain lines (already decoded, one per paragraph)
//! and is a pure function, so each is unit-tested with made-up lines.

use crate::load::date::Date;
use crate::text::{hanzi_digit, hanzi_number, is_han};
use regex::Regex;
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;

/// A date found in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FoundDate {
    Full(Date),
    /// Year and month only, e.g. `（2010年2月 日）` with the day left blank.
    Month(u16, u8),
}

/// Where the page date came from, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DateSource {
    /// A date line in brackets under the title: the day of the speech.
    Bracketed,
    /// A line holding only a date (e.g. under a signature).
    Line,
    /// A `发布时间` line of a web page.
    Published,
}

/// What the header of a document says.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Guess {
    pub title: Option<String>,
    /// Title lines that differ from a compilation's article title; kept in the body.
    pub own_title: Option<String>,
    pub date: Option<(FoundDate, DateSource)>,
    pub speaker: Option<String>,
    pub speaker_title: Option<String>,
    /// The byline under the title (`职务 姓名`, `姓名`, `作者：…`,
    /// `撰稿：…`): a case's or brand's `author` and `author_title`.
    pub author: Option<String>,
    pub author_title: Option<String>,
    /// The index of a `作者：…`/`撰稿：…` line in the header (not part of
    /// the body): a speech keeps it in its body, as it names the writer,
    /// not the speaker.
    pub credit: Option<usize>,
    pub occasion: Option<String>,
    pub doc_number: Option<String>,
    pub region: Option<String>,
    /// A case's 单位 and 领域, a brand's 支部 and 品牌名称, when the text says.
    pub organization: Option<String>,
    pub sector: Option<&'static str>,
    pub branch: Option<String>,
    pub brand: Option<String>,
    /// Index of the first body line.
    pub body_start: usize,
    /// Header lines (before `body_start`) that stay in the body anyway.
    pub keep: Vec<usize>,
}

fn re(s: &str) -> Regex {
    Regex::new(s).unwrap_or_else(|e| panic!("bad built-in pattern {s}: {e}"))
}

static DATE_ARABIC: LazyLock<Regex> =
    LazyLock::new(|| re(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(?:(\d{1,2})\s*)?日?"));
static DATE_DASHED: LazyLock<Regex> =
    LazyLock::new(|| re(r"(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})"));
static DATE_HANZI: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"([〇零○Ｏ一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月(?:([一二三四五六七八九十]{1,3})日)?",
    )
});
static DOC_NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    re(r"[\p{Han}]{1,10}[〔\[［【(（]\s*(?:19|20)\d{2}\s*[〕\]］】)）]\s*第?\d{1,5}号")
});
static SUBTITLE_OCCASION: LazyLock<Regex> =
    LazyLock::new(|| re(r"在(.{2,60}?)上的(?:讲话|发言|报告|党课|致辞|主持词|总结讲话|动员讲话)"));
static NAME_IN_TITLE: LazyLock<Regex> = LazyLock::new(|| re(r"([\p{Han}]{2,3})同志在"));
static POST_BEFORE_ZAI: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^([\p{Han}]{2,12}?(?:书记|常委|部长|主任|局长|县长|区长|市长|主席|校长|经理|董事长|处长|科长|镇长|乡长))在",
    )
});
static POST_NAME: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"((?:[\p{Han}]{1,12}?、)*[\p{Han}]{0,12}?(?:副?书记|常委|部长|主任|局长|县长|区长|市长|主席|校长|经理|董事长|处长|科长|镇长|乡长|委员))\s*([\p{Han}]{2,3})同志",
    )
});
static POST_LINE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^((?:[\p{Han}]{1,14}、)*[\p{Han}]{0,14}(?:副?书记|常委|部长|主任|局长|县长|区长|市长|主席|校长|院长|所长|站长|会长|社长|组长|队长|经理|董事长|处长|科长|镇长|乡长|委员|干事))\s+([\p{Han}]{2,4}?)(?:同志)?$",
    )
});
static CREDIT: LazyLock<Regex> =
    LazyLock::new(|| re(r"^[（(]?\s*(?:作者|撰稿人?|撰文|执笔人?)\s*[:：]\s*(.+?)\s*[)）]?$"));
static LEADING_VERB: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:现将|现把|特将|将|把|由|请|对|经|是|为|同意)"));
static ORG_REGION: LazyLock<Regex> =
    LazyLock::new(|| re(r"中共([\p{Han}]{2,6}?(?:省|市|县|区|州|旗))委"));
static ARTICLE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^第([一二三四五六七八九十百零〇]{1,4}|\d{1,3})篇\s*[:：、.．]?\s*(.*)$"));

/// Words that end like a place name but are not one.
const NOT_PLACES: &[&str] = &[
    "全区",
    "全市",
    "全县",
    "全省",
    "本区",
    "本市",
    "本县",
    "我区",
    "我市",
    "我县",
    "我省",
    "城区",
    "社区",
    "辖区",
    "片区",
    "园区",
    "景区",
    "市区",
    "小区",
    "山区",
    "新区",
    "老区",
    "地区",
    "示范区",
    "开发区",
    "城市",
    "都市",
    "超市",
    "街区",
    "校区",
    "各区",
    "各县",
    "各市",
    "两区",
    "郊区",
    "矿区",
    "该区",
    "该县",
    "该市",
    "省市",
    "县市",
    "市县",
    "区县",
    "其他市",
    "西区",
    "东区",
    "南区",
    "北区",
    "戒区",
    "误区",
    "盲区",
    "灾区",
    "营区",
];

/// Trims spaces of every width.
pub fn clean(s: &str) -> &str {
    s.trim_matches(|c: char| {
        c.is_whitespace() || c == '\u{3000}' || c == '\u{a0}' || c == '\u{feff}'
    })
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// Web-page leftovers: "您当前所在的位置: 首页>…", 发布时间, 来源, 浏览次数, print/close links.
pub fn is_debris(line: &str) -> bool {
    let l = clean(line);
    const MARKS: &[&str] = &[
        "当前所在的位置",
        "当前位置",
        "您的位置",
        "所在位置",
        "浏览次数",
        "点击数",
        "阅读次数",
        "打印本页",
        "关闭窗口",
        "【打印】",
        "【关闭】",
        "字号：",
        "字号:",
        "【字体",
    ];
    MARKS.iter().any(|m| l.contains(m))
        || l.starts_with("首页>")
        || l.starts_with("首页 >")
        || l.starts_with("发布时间")
        || l.starts_with("发布日期")
        || ((l.starts_with("来源：") || l.starts_with("来源:")) && chars(l) < 60)
}

/// The first date written anywhere in `s`, in any of the usual forms.
pub fn find_date(s: &str) -> Option<FoundDate> {
    let s: String = s.nfkc().collect();
    let mut best: Option<(usize, FoundDate)> = None;
    let mut consider = |pos: usize, d: Option<FoundDate>| {
        if let Some(d) = d {
            if best.is_none_or(|(p, _)| pos < p) {
                best = Some((pos, d));
            }
        }
    };
    let num = |m: Option<regex::Match>| m.and_then(|m| m.as_str().parse::<u32>().ok());
    for c in DATE_ARABIC.captures_iter(&s) {
        let (y, m, d) = (num(c.get(1)), num(c.get(2)), num(c.get(3)));
        consider(c.get(0).map_or(0, |m| m.start()), full_or_month(y, m, d));
    }
    for c in DATE_DASHED.captures_iter(&s) {
        let (y, m, d) = (num(c.get(1)), num(c.get(2)), num(c.get(3)));
        consider(
            c.get(0).map_or(0, |m| m.start()),
            full_or_month(y, m, d).filter(|f| matches!(f, FoundDate::Full(_))),
        );
    }
    for c in DATE_HANZI.captures_iter(&s) {
        let y = c.get(1).and_then(|m| {
            m.as_str()
                .chars()
                .map(hanzi_digit)
                .try_fold(0, |acc, d| Some(acc * 10 + d?))
        });
        let m = c.get(2).and_then(|m| hanzi_number(m.as_str()));
        let d = c.get(3).and_then(|m| hanzi_number(m.as_str()));
        consider(c.get(0).map_or(0, |m| m.start()), full_or_month(y, m, d));
    }
    best.map(|(_, d)| d)
}

fn full_or_month(y: Option<u32>, m: Option<u32>, d: Option<u32>) -> Option<FoundDate> {
    let (y, m) = (y?, m?);
    match d {
        Some(d) => Date::new(y, m, d).map(FoundDate::Full),
        None => Date::new(y, m, 1).map(|_| FoundDate::Month(y as u16, m as u8)),
    }
}

/// A line that holds only a date, maybe in brackets: `（2013年9月25日）`,
/// `(2010年2月 日)`, `2013-09-25`. Returns the date and whether it was bracketed.
pub fn date_line(line: &str) -> Option<(FoundDate, bool)> {
    let l: String = clean(line).nfkc().collect();
    let bracketed = l.starts_with('(') && l.ends_with(')');
    let inner = l.trim_start_matches('(').trim_end_matches(')').trim();
    let d = find_date(inner)?;
    let rest: String = inner
        .chars()
        .filter(|c| {
            !(c.is_ascii_digit()
                || c.is_whitespace()
                || "年月日-/.〇零○一二三四五六七八九十".contains(*c))
        })
        .collect();
    rest.is_empty().then_some((d, bracketed))
}

/// A `发布时间:2013-09-27 17:37` line.
pub fn published_date(line: &str) -> Option<FoundDate> {
    let l = clean(line);
    if l.starts_with("发布时间") || l.starts_with("发布日期") || l.starts_with("时间") {
        find_date(l)
    } else {
        None
    }
}

/// `渭组通[2013]144号` style numbers, in the bracket form zhanting prints (〔〕).
pub fn doc_number(line: &str) -> Option<String> {
    let m = DOC_NUMBER.find(line)?;
    let s: String = m.as_str().nfkc().filter(|c| !c.is_whitespace()).collect();
    let s = s
        .replace(['[', '［', '【', '(', '（'], "〔")
        .replace([']', '］', '】', ')', '）'], "〕")
        .replace("〕第", "〕");
    Some(s)
}

/// The occasion in "——在…上的讲话" or "在…上的讲话".
pub fn occasion(line: &str) -> Option<String> {
    let c = SUBTITLE_OCCASION.captures(line)?;
    let o = c.get(1)?.as_str().trim();
    let o = o.rsplit("同志在").next().unwrap_or(o);
    (!o.is_empty()).then(|| o.to_string())
}

/// `市委常委、组织部长 王爱民同志` anywhere in a sentence → (职务, name).
pub fn post_and_name(text: &str) -> Option<(String, String)> {
    let c = POST_NAME.captures(text)?;
    let post = c.get(1)?.as_str();
    let post = LEADING_VERB.replace(post, "").to_string();
    (chars(&post) >= 2).then(|| {
        (
            post,
            c.get(2).map(|m| m.as_str().to_string()).unwrap_or_default(),
        )
    })
}

/// A line that is only `职务 姓名`, e.g. `中共某县委常委、组织部长 张某某`.
pub fn post_line(line: &str) -> Option<(String, String)> {
    let l = clean(line).replace('\u{3000}', " ");
    let c = POST_LINE.captures(&l)?;
    Some((
        c.get(1)?.as_str().to_string(),
        c.get(2)?.as_str().to_string(),
    ))
}

/// A credit line naming the writer: `作者：张某某`, `（作者：县委组织部
/// 部长 张某某）`, `撰稿：张某某，县委组织部干事` → (职务, 姓名); the 职务 is
/// `None` when not written, and a writer that is not a person's name (`作者：
/// 县委组织部`) is the name as written.
pub fn credit_line(line: &str) -> Option<(Option<String>, String)> {
    let l = clean(line).replace('\u{3000}', " ");
    let c = CREDIT.captures(&l)?;
    let v = clean(c.get(1)?.as_str());
    if let Some((post, name)) = post_line(v) {
        return Some((Some(post), name));
    }
    if let Some(n) = name_line(v) {
        return Some((None, n));
    }
    // `姓名，职务` or `姓名 职务`
    if let Some((name, post)) = v.split_once([',', '，', ' ']) {
        if let Some(n) = name_line(name) {
            let post = clean(post);
            return Some(((!post.is_empty()).then(|| post.to_string()), n));
        }
    }
    (chars(v) <= 30 && !v.contains(END_PUNCT)).then(|| (None, v.to_string()))
}

/// A line holding just a person's name (2–4 characters, maybe spaced out: `王 某 某`).
pub fn name_line(line: &str) -> Option<String> {
    let n: String = clean(line)
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .collect();
    let n = n.strip_suffix("同志").unwrap_or(&n).to_string();
    let count = chars(&n);
    ((2..=4).contains(&count) && n.chars().all(is_han) && !["同志们", "各位"].contains(&n.as_str()))
        .then_some(n)
}

/// The speaker named in a title: `王某某同志在…上的讲话` → 王某某.
pub fn name_in_title(title: &str) -> Option<String> {
    NAME_IN_TITLE
        .captures(title)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().trim_start_matches(['《', '于']).to_string())
        .filter(|n| chars(n) >= 2)
}

/// The post in a title: `区委书记在…上的讲话` → 区委书记.
pub fn post_in_title(title: &str) -> Option<String> {
    POST_BEFORE_ZAI
        .captures(title)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().to_string())
}

fn is_place(p: &str) -> bool {
    chars(p) >= 2
        && !NOT_PLACES.iter().any(|n| p.ends_with(n))
        && !p.contains(['和', '与', '及', '的', '在'])
        && !p.contains("中央")
        && !p.starts_with(['全', '本', '我', '各', '该', '是', '到', '了', '对', '从'])
}

/// Three-character place names (`某某县`) standing after a break or a
/// small word, so that a name is not cut out of the middle of a phrase.
fn places(text: &str) -> Vec<(String, usize)> {
    const BOUNDARY: &str = "的在是到和与及对了从为据把将由向我你他全";
    let cs: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = vec![];
    for k in 2..cs.len() {
        if !matches!(cs[k].1, '县' | '区' | '市') {
            continue;
        }
        if !is_han(cs[k - 1].1) || !is_han(cs[k - 2].1) {
            continue;
        }
        if k >= 3 && is_han(cs[k - 3].1) && !BOUNDARY.contains(cs[k - 3].1) {
            continue;
        }
        if cs
            .get(k + 1)
            .is_some_and(|(_, c)| "委级域划长直属内外".contains(*c))
        {
            continue;
        }
        let end = cs.get(k + 1).map_or(text.len(), |(i, _)| *i);
        let p = &text[cs[k - 2].0..end];
        if is_place(p) {
            out.push((p.to_string(), cs[k - 2].0));
        }
    }
    out
}

/// The region a text names: the party committee in a signature
/// (`中共某某市委组织部` → 某某市), a place in the title, or a place the text
/// keeps naming.
pub fn region(title: &str, header: &[&str], body: &str) -> Option<String> {
    for l in header.iter().copied().chain([body]) {
        for c in ORG_REGION.captures_iter(l) {
            if let Some(p) = c.get(1).map(|m| m.as_str()).filter(|p| is_place(p)) {
                return Some(p.to_string());
            }
        }
    }
    if let Some((p, _)) = places(title).into_iter().next() {
        return Some(p);
    }
    let mut counts: Vec<(String, usize, usize)> = vec![];
    for (p, at) in places(body) {
        match counts.iter_mut().find(|(n, _, _)| *n == p) {
            Some(c) => c.1 += 1,
            None => counts.push((p, 1, at)),
        }
    }
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.2.cmp(&b.2)));
    counts.into_iter().find(|c| c.1 >= 2).map(|c| c.0)
}

/// `第一篇:标题` markers of a compilation → (line index, article title).
pub fn article_markers(lines: &[String]) -> Vec<(usize, String)> {
    let found: Vec<(usize, String)> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| {
            let c = ARTICLE.captures(clean(l))?;
            let t = c.get(2)?.as_str();
            let t = strip_draft_note(t);
            (chars(&t) <= 60).then_some((i, t))
        })
        .collect();
    if found.len() >= 2 {
        found
    } else {
        vec![]
    }
}

fn strip_draft_note(t: &str) -> String {
    let mut t = clean(t).to_string();
    for note in [
        "(定稿)",
        "（定稿）",
        "(修改稿)",
        "（修改稿）",
        "(初稿)",
        "（初稿）",
        "(讨论稿)",
        "（讨论稿）",
        "(送审稿)",
        "（送审稿）",
    ] {
        t = t.replace(note, "");
    }
    clean(&t).to_string()
}

const END_PUNCT: &[char] = &[
    '。', '；', '：', ':', '，', ',', ';', '！', '？', '!', '?', '、',
];

/// A salutation such as `同志们：`.
pub fn is_salutation(line: &str) -> bool {
    let l = clean(line);
    chars(l) <= 12
        && (l.starts_with("同志们") || l.starts_with("各位"))
        && l.ends_with([':', '：', '!', '！', ',', '，'])
}

/// `一、…`, `（一）…`, `1.…`: the start of a numbered part.
pub fn is_numbered(line: &str) -> bool {
    static NUM: LazyLock<Regex> = LazyLock::new(|| {
        re(
            r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[（(][一二三四五六七八九十]{1,3}[)）]|\d{1,2}[.．、)）]|第[一二三四五六七八九十]{1,3}[，,、]|[一二三四五六七八九十]是)",
        )
    });
    NUM.is_match(clean(line))
}

/// A line that could be (part of) a title: short, not a sentence.
fn title_like(line: &str) -> bool {
    let l = clean(line);
    let n = chars(l);
    (2..=45).contains(&n)
        && !l.ends_with(END_PUNCT)
        && !is_salutation(l)
        && !is_numbered(l)
        && date_line(l).is_none()
}

fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .collect::<String>()
        .nfkc()
        .collect()
}

/// Joins title lines: a long first line was wrapped and continues without a
/// space; short lines are parts of a two-line title and get one.
fn join_title(parts: &[String]) -> String {
    let mut out = String::new();
    for p in parts {
        let p = collapse_spaces(clean(p));
        if !out.is_empty() && chars(&out) < 16 {
            out.push(' ');
        }
        out.push_str(&p);
    }
    out
}

fn collapse_spaces(s: &str) -> String {
    let mut out = String::new();
    for w in s
        .split(|c: char| c.is_whitespace() || c == '\u{3000}')
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// Reads the header of one document (or one article of a compilation, whose
/// marker gives `title_hint`) and guesses its front matter.
pub fn analyze(lines: &[String], title_hint: Option<&str>) -> Guess {
    let Header {
        mut guess,
        title_parts,
        subtitle,
        published,
    } = read_header(lines, title_hint);
    let g = &mut guess;
    (g.title, g.own_title) = titles(title_hint, &title_parts);
    let title = g.title.clone().unwrap_or_default();
    from_title(g, &title, subtitle.as_deref());
    let head: Vec<&str> = lines.iter().take(60).map(|l| clean(l)).collect();
    from_head(g, &head);
    from_dates(g, lines, &head, published);
    from_body(g, &title, lines, &head);
    guess
}

/// The header lines of a document, read by [`read_header`].
struct Header {
    /// The 文号, date, speaker and 职务 found there, and `body_start`.
    guess: Guess,
    /// The lines of the title, in order (at most three).
    title_parts: Vec<String>,
    /// A `——在…上的讲话` line under the title.
    subtitle: Option<String>,
    /// The date of a web page's `发布时间` line.
    published: Option<FoundDate>,
}

/// Reads the lines before the body (within the first 25): web-page debris,
/// 文号, date lines, a `——` subtitle, 职务 and speaker lines under the
/// title, and the title lines themselves; stops at the first line that is
/// none of these.
fn read_header(lines: &[String], title_hint: Option<&str>) -> Header {
    let mut g = Guess::default();
    let mut title_parts: Vec<String> = vec![];
    let mut subtitle: Option<String> = None;
    let mut published: Option<FoundDate> = None;
    let mut end = lines.len().min(25);
    for (i, line) in lines.iter().enumerate().take(25) {
        let l = clean(line);
        if l.is_empty() {
            continue;
        }
        if is_debris(l) {
            if let Some(d) = published_date(l) {
                published = Some(d);
            }
            continue;
        }
        if let Some(n) = doc_number(l).filter(|_| chars(l) <= 30) {
            g.doc_number.get_or_insert(n);
            continue;
        }
        if let Some(found) = date_line(l) {
            offer_date(&mut g.date, found);
            continue;
        }
        if l.starts_with(['—', '-', '─']) && chars(l) <= 60 {
            subtitle = Some(l.trim_start_matches(['—', '-', '─', ' ']).to_string());
            continue;
        }
        if !title_parts.is_empty() || title_hint.is_some() {
            if let Some((post, name)) = credit_line(l) {
                // an explicit credit outranks a `职务 姓名` line
                if g.credit.is_none() {
                    g.author = Some(name);
                    g.author_title = post;
                    g.credit = Some(i);
                }
                continue;
            }
            if let Some((post, name)) = post_line(l) {
                byline(&mut g, Some(post), name);
                continue;
            }
            if let Some(n) = name_line(l).filter(|_| g.speaker.is_none()) {
                byline(&mut g, None, n);
                continue;
            }
        }
        if !title_like(l) || subtitle.is_some() {
            end = i;
            break;
        }
        if !title_parts.is_empty() && norm(l) == norm(&join_title(&title_parts)) {
            // the same title again (web pages repeat it)
            continue;
        }
        if title_parts.len() >= 3
            || g.date.is_some()
            || g.speaker.is_some()
            || g.doc_number.is_some() && !title_parts.is_empty()
        {
            end = i;
            break;
        }
        title_parts.push(l.to_string());
    }
    g.body_start = end;
    Header {
        guess: g,
        title_parts,
        subtitle,
        published,
    }
}

/// A `职务 姓名` or `姓名` line under the title: the speaker of a speech,
/// the byline of a case or brand (unless a credit line gave one).
fn byline(g: &mut Guess, post: Option<String>, name: String) {
    if g.author.is_none() {
        g.author = Some(name.clone());
        g.author_title = post.clone();
    }
    if let Some(post) = post {
        g.speaker_title.get_or_insert(post);
    }
    g.speaker.get_or_insert(name);
}

/// Keeps the date of a date line (`bracketed` or not) when it comes from a
/// stronger source than the one `date` holds.
fn offer_date(date: &mut Option<(FoundDate, DateSource)>, (d, bracketed): (FoundDate, bool)) {
    let src = if bracketed {
        DateSource::Bracketed
    } else {
        DateSource::Line
    };
    if date.is_none_or(|(_, s)| src < s) {
        *date = Some((d, src));
    }
}

/// The page title and, when a compilation's marker gives the title, the
/// document's own title lines where they say something else (kept in the
/// body).
fn titles(title_hint: Option<&str>, title_parts: &[String]) -> (Option<String>, Option<String>) {
    let own = (!title_parts.is_empty()).then(|| join_title(title_parts));
    match (title_hint, own) {
        (Some(h), Some(o)) => {
            let own_title = (norm(h) != norm(&o)).then_some(o);
            (Some(h.to_string()), own_title)
        }
        (Some(h), None) => (Some(h.to_string()), None),
        (None, Some(o)) => (Some(o), None),
        (None, None) => (None, None),
    }
}

/// What the title and subtitle say: the occasion, and the speaker and post
/// where the header lines did not give them.
fn from_title(g: &mut Guess, title: &str, subtitle: Option<&str>) {
    g.occasion = subtitle.and_then(occasion).or_else(|| occasion(title));
    if let Some(n) = name_in_title(title) {
        g.speaker.get_or_insert(n);
    }
    if let Some(p) = post_in_title(title) {
        g.speaker_title.get_or_insert(p);
    }
}

/// What the first lines (`head`) say: a `职务 姓名` pair for the speaker,
/// and a 文号 the header lines did not give.
fn from_head(g: &mut Guess, head: &[&str]) {
    let head_text = head.join("\n");
    if let (Some((post, name)), true) = (post_and_name(&head_text), g.speaker_title.is_none()) {
        if g.speaker.as_deref().is_none_or(|s| s == name) {
            g.speaker_title = Some(post);
            g.speaker.get_or_insert(name);
        }
    }
    if g.doc_number.is_none() {
        g.doc_number = head
            .iter()
            .take(30)
            .filter(|l| chars(l) <= 30)
            .find_map(|l| doc_number(l));
    }
}

/// The date, unless the header gave one in brackets: a date line after the
/// header or among the last 8 lines (under a signature) where it is
/// stronger, else the web page's `发布时间`.
fn from_dates(g: &mut Guess, lines: &[String], head: &[&str], published: Option<FoundDate>) {
    if g.date.is_none_or(|(_, s)| s != DateSource::Bracketed) {
        let tail: Vec<&str> = lines.iter().rev().take(8).map(|l| clean(l)).collect();
        for l in head.iter().skip(g.body_start).chain(tail.iter()) {
            if let Some(found) = date_line(l) {
                offer_date(&mut g.date, found);
            }
        }
    }
    if g.date.is_none() {
        g.date = published.map(|d| (d, DateSource::Published));
    }
}

/// What the whole text says: region, and a case's 单位 and 领域 or a
/// brand's 支部 and 品牌名称.
fn from_body(g: &mut Guess, title: &str, lines: &[String], head: &[&str]) {
    let body: String = lines
        .iter()
        .map(|l| clean(l))
        .collect::<Vec<_>>()
        .join("\n");
    let header: Vec<&str> = head
        .iter()
        .take(g.body_start)
        .copied()
        .chain(g.speaker_title.as_deref())
        .collect();
    g.region = region(title, &header, &body);
    g.organization = organization(title);
    g.sector = sector(title, &body);
    let head_text: String = header
        .iter()
        .copied()
        .chain([title])
        .collect::<Vec<_>>()
        .join("\n");
    g.branch = branch(&head_text).or_else(|| branch(&body.chars().take(600).collect::<String>()));
    g.brand = brand(title).or_else(|| brand(&body.chars().take(600).collect::<String>()));
}

static ORG_IN_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^([\p{Han}]{2,20}?(?:村|社区|区|县|市|镇|乡|街道|公司|集团|党支部|党总支|支部|党委|学校|中学|小学|大学|医院|局|委员会|组织部))(?:在|以|把|坚持|推行|探索|创新|着力|实施|聚焦|打造|：|:|——)",
    )
});
static BRANCH: LazyLock<Regex> =
    LazyLock::new(|| re(r"((?:中共)?[\p{Han}]{2,24}?(?:党支部|党总支|支部委员会))"));
static BRAND: LazyLock<Regex> =
    LazyLock::new(|| re(r#"[“"「]([^”"」\n]{2,12})[”"」]\s*(?:党建)?(?:服务)?品牌"#));

/// The unit a case is about when the title starts with it
/// (`青石村以“四议两公开”…` → 青石村).
pub fn organization(title: &str) -> Option<String> {
    let c = ORG_IN_TITLE.captures(title.trim())?;
    let org = c.get(1)?.as_str();
    (!NOT_PLACES.contains(&org)).then(|| org.to_string())
}

/// A brand's branch: the first `…党支部` the title or header names.
pub fn branch(text: &str) -> Option<String> {
    BRANCH
        .captures_iter(text)
        .filter_map(|c| c.get(1))
        .map(|m| m.as_str())
        .find(|b| !b.starts_with("基层") && !b.starts_with("各"))
        .map(str::to_string)
}

/// A brand's name: the quoted words before 品牌 (`打造“红帆领航”品牌`).
pub fn brand(text: &str) -> Option<String> {
    BRAND
        .captures(text)
        .and_then(|c| c.get(1))
        .map(|m| m.as_str().trim().to_string())
}

/// The 领域 the text is clearly about, by its words (title words count ten
/// times); `None` when no field stands out.
pub fn sector(title: &str, body: &str) -> Option<&'static str> {
    const WORDS: &[(&str, &[&str])] = &[
        (
            "农村",
            &["农村", "村党支部", "村民", "农民", "村级", "乡村", "村集体"],
        ),
        ("社区", &["社区", "街道", "居民", "网格"]),
        ("机关", &["机关"]),
        ("国有企业", &["国有企业", "国企", "国资"]),
        ("非公企业", &["非公", "民营企业", "私营企业"]),
        ("社会组织", &["社会组织", "行业协会"]),
        ("学校", &["学校", "高校", "中学", "小学", "教师", "师生"]),
        ("医院", &["医院", "医务", "卫生院", "医护"]),
    ];
    let mut scores: Vec<(usize, &'static str)> = WORDS
        .iter()
        .map(|(name, words)| {
            (
                words
                    .iter()
                    .map(|w| title.matches(w).count() * 10 + body.matches(w).count())
                    .sum(),
                *name,
            )
        })
        .collect();
    scores.sort_by_key(|s| std::cmp::Reverse(s.0));
    let (best, second) = (scores[0], scores[1]);
    (best.0 >= 5 && best.0 >= 2 * second.0).then_some(best.1)
}

/// The kind a text reads as: 讲话 → speech, 品牌 → brand, 案例/经验/做法 → case.
pub fn kind(title: &str, lines: &[String]) -> (crate::load::config::Kind, &'static str) {
    use crate::load::config::Kind;
    let head: String = lines
        .iter()
        .take(8)
        .map(|l| clean(l))
        .collect::<Vec<_>>()
        .join("\n");
    for (word, kind) in [
        ("讲话", Kind::Speech),
        ("致辞", Kind::Speech),
        ("党课", Kind::Speech),
        ("品牌", Kind::Brand),
        ("案例", Kind::Case),
        ("经验", Kind::Case),
        ("做法", Kind::Case),
    ] {
        if title.contains(word) {
            return (kind, word);
        }
    }
    if lines.iter().take(12).any(|l| is_salutation(l)) {
        return (Kind::Speech, "同志们");
    }
    for (word, kind) in [
        ("讲话", Kind::Speech),
        ("品牌", Kind::Brand),
        ("案例", Kind::Case),
        ("经验", Kind::Case),
        ("做法", Kind::Case),
    ] {
        if head.contains(word) {
            return (kind, word);
        }
    }
    (Kind::Case, "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: u32, m: u32, day: u32) -> FoundDate {
        FoundDate::Full(Date::new(y, m, day).unwrap())
    }
    fn lines(s: &str) -> Vec<String> {
        s.lines().map(String::from).collect()
    }

    #[test]
    fn date_forms() {
        assert_eq!(find_date("于2021年3月8日召开"), Some(d(2021, 3, 8)));
        assert_eq!(find_date("2021-03-08"), Some(d(2021, 3, 8)));
        assert_eq!(find_date("2021.3.8"), Some(d(2021, 3, 8)));
        assert_eq!(find_date("２０２１年３月８日"), Some(d(2021, 3, 8)));
        assert_eq!(find_date("二〇二一年三月十八日"), Some(d(2021, 3, 18)));
        assert_eq!(find_date("二○一九年十二月二十一日"), Some(d(2019, 12, 21)));
        assert_eq!(find_date("2021年3月"), Some(FoundDate::Month(2021, 3)));
        assert_eq!(find_date("3月8日"), None);
        assert_eq!(find_date("2021年13月8日"), None);
        assert_eq!(date_line("（2021年3月8日）"), Some((d(2021, 3, 8), true)));
        assert_eq!(
            date_line("(2019年6月 日)"),
            Some((FoundDate::Month(2019, 6), true))
        );
        assert_eq!(date_line("  2021年3月8日   "), Some((d(2021, 3, 8), false)));
        assert_eq!(date_line("2021年3月8日上午召开会议"), None);
        assert_eq!(
            published_date("  发布时间：2020-05-06 09:12  "),
            Some(d(2020, 5, 6))
        );
    }

    #[test]
    fn title_and_subtitle() {
        let g = analyze(&lines("\n勇于担当  真抓实干\n奋力谱写乡村振兴新篇章\n——在某某镇村干部培训会上的讲话\n\n同志们：\n今天我们开会。"), None);
        assert_eq!(
            g.title.as_deref(),
            Some("勇于担当 真抓实干 奋力谱写乡村振兴新篇章")
        );
        assert_eq!(g.occasion.as_deref(), Some("某某镇村干部培训会"));
        assert_eq!(g.body_start, 5);
        let g = analyze(
            &lines("在全县组织工作会议上的讲话\n李某某\n（2018年4月 日）\n同志们："),
            None,
        );
        assert_eq!(g.title.as_deref(), Some("在全县组织工作会议上的讲话"));
        assert_eq!(g.occasion.as_deref(), Some("全县组织工作会议"));
        assert_eq!(g.speaker.as_deref(), Some("李某某"));
        assert_eq!(
            g.date,
            Some((FoundDate::Month(2018, 4), DateSource::Bracketed))
        );
        assert_eq!(g.body_start, 3);
        // a long title wrapped onto a second line joins without a space
        let g = analyze(&lines("关于进一步做好新时代社区党组织建设工\n作的若干思考\n随着城市发展，社区工作日益重要。"), None);
        assert_eq!(
            g.title.as_deref(),
            Some("关于进一步做好新时代社区党组织建设工作的若干思考")
        );
    }

    #[test]
    fn speaker_and_post() {
        assert_eq!(
            post_and_name("现将县委常委、宣传部长张某同志在会上的讲话印发给你们"),
            Some(("县委常委、宣传部长".into(), "张某".into()))
        );
        assert_eq!(post_and_name("会议由副县长主持"), None);
        assert_eq!(
            post_line("中共某某县委副书记、县长 赵某某"),
            Some(("中共某某县委副书记、县长".into(), "赵某某".into()))
        );
        assert_eq!(post_line("我们要认真落实"), None);
        assert_eq!(name_line("刘  某  某"), Some("刘某某".into()));
        assert_eq!(name_line("同志们："), None);
        // rare characters of names (Extension A and B) are Han characters too
        assert_eq!(name_line("王 㛃"), Some("王㛃".into()));
        assert_eq!(name_line("李𪚥同志"), Some("李𪚥".into()));
        assert_eq!(
            name_in_title("关于印发《孙某某同志在全镇党建会上的讲话》的通知"),
            Some("孙某某".into())
        );
        assert_eq!(
            post_in_title("镇党委书记在全镇党建会上的讲话"),
            Some("镇党委书记".into())
        );
    }

    #[test]
    fn bylines_under_the_title() {
        // `职务 姓名` under a compilation article's title
        let g = analyze(
            &lines("在创新中推进某某工作实现新突破\n中共某某县委常委、组织部长、统战部长 张某某\n近年来，我们坚持创新。"),
            Some("在创新中推进某某工作实现新突破"),
        );
        assert_eq!(g.author.as_deref(), Some("张某某"));
        assert_eq!(
            g.author_title.as_deref(),
            Some("中共某某县委常委、组织部长、统战部长")
        );
        assert_eq!((g.body_start, g.credit), (2, None));
        // a full-width space, a four-character name
        let g = analyze(
            &lines("某某社区的网格党建\n县委组织部副部长　欧阳某某\n某某社区把党建引向网格。"),
            None,
        );
        assert_eq!(g.title.as_deref(), Some("某某社区的网格党建"));
        assert_eq!(g.author.as_deref(), Some("欧阳某某"));
        assert_eq!(g.author_title.as_deref(), Some("县委组织部副部长"));
        assert_eq!(g.body_start, 2);
        // the name alone, spaced out
        let g = analyze(&lines("某某村的做法\n李 某 某\n某某村以党建促发展。"), None);
        assert_eq!(
            (g.author.as_deref(), g.author_title.as_deref()),
            (Some("李某某"), None)
        );
        assert_eq!(g.body_start, 2);
        // a credit line in brackets
        let g = analyze(
            &lines("某某街道的经验\n（作者：县委组织部部长 张某某）\n某某街道以党建引领治理。"),
            None,
        );
        assert_eq!(g.author.as_deref(), Some("张某某"));
        assert_eq!(g.author_title.as_deref(), Some("县委组织部部长"));
        assert_eq!((g.body_start, g.credit), (2, Some(1)));
        // a speech: the `职务 姓名` line is its speaker, a 撰稿 line its writer
        let g = analyze(
            &lines("在全县组织工作会议上的讲话\n县委书记　李某某\n撰稿：王某\n（2018年4月 日）\n同志们："),
            None,
        );
        assert_eq!(g.speaker.as_deref(), Some("李某某"));
        assert_eq!(g.speaker_title.as_deref(), Some("县委书记"));
        assert_eq!(
            (g.author.as_deref(), g.author_title.as_deref()),
            (Some("王某"), None)
        );
        assert_eq!((g.body_start, g.credit), (4, Some(2)));
    }

    #[test]
    fn credit_lines() {
        let c = |post: Option<&str>, name: &str| Some((post.map(String::from), name.to_string()));
        assert_eq!(credit_line("作者：张某某"), c(None, "张某某"));
        assert_eq!(credit_line("（作者：张某某）"), c(None, "张某某"));
        assert_eq!(credit_line("(作者: 张某某)"), c(None, "张某某"));
        assert_eq!(credit_line("撰稿：王 某"), c(None, "王某"));
        assert_eq!(credit_line("执笔人：赵某"), c(None, "赵某"));
        assert_eq!(
            credit_line("作者：县委组织部部长　张某某"),
            c(Some("县委组织部部长"), "张某某")
        );
        assert_eq!(
            credit_line("作者：张某某，某县委组织部干事"),
            c(Some("某县委组织部干事"), "张某某")
        );
        assert_eq!(
            credit_line("作者：某某县委组织部"),
            c(None, "某某县委组织部")
        );
        assert_eq!(credit_line("作者简介见文末"), None);
        assert_eq!(
            credit_line("作者：本文作者认为，我们要把基层党建工作抓实抓细。"),
            None
        );
        assert_eq!(
            post_line("某某市委书记 欧阳某某"),
            Some(("某某市委书记".into(), "欧阳某某".into()))
        );
        assert_eq!(
            post_line("乡党委副书记 张某同志"),
            Some(("乡党委副书记".into(), "张某".into()))
        );
    }

    #[test]
    fn doc_numbers() {
        assert_eq!(
            doc_number("某组发[2019]12号"),
            Some("某组发〔2019〕12号".into())
        );
        assert_eq!(
            doc_number("某办字〔2020〕第7号"),
            Some("某办字〔2020〕7号".into())
        );
        assert_eq!(
            doc_number("某组通（2018）３号"),
            Some("某组通〔2018〕3号".into())
        );
        assert_eq!(doc_number("2019年共发文12号"), None);
    }

    #[test]
    fn case_and_brand_fields() {
        assert_eq!(
            organization("青石村以“四议两公开”推进村务决策"),
            Some("青石村".into())
        );
        assert_eq!(
            organization("陈仓区在创新机制中推进基层党建工作出成效"),
            Some("陈仓区".into())
        );
        assert_eq!(organization("全区在创新中推进工作"), None);
        assert_eq!(organization("在创新中加强和改进基层党建工作"), None);
        assert_eq!(
            brand("禾塘村党支部打造“稻香先锋”党建品牌"),
            Some("稻香先锋".into())
        );
        assert_eq!(brand("没有品牌的文字"), None);
        assert_eq!(
            branch("中共禾塘村支部委员会\n禾塘村党支部打造品牌"),
            Some("中共禾塘村支部委员会".into())
        );
        assert_eq!(
            sector(
                "青石村四议两公开",
                "村民代表会议。村级事务。农民增收。农村发展。乡村振兴。"
            ),
            Some("农村")
        );
        assert_eq!(
            sector(
                "加强城市基层党建",
                "社区党组织。居民服务。街道社区。网格员。机关党建。"
            ),
            Some("社区")
        );
        assert_eq!(sector("一点思考", "农村和社区，机关和学校。"), None);
    }

    #[test]
    fn regions() {
        assert_eq!(
            region("", &["中共安平县委组织部"], ""),
            Some("安平县".into())
        );
        assert_eq!(
            region("清河区推进网格党建的做法", &[], ""),
            Some("清河区".into())
        );
        assert_eq!(
            region(
                "全区党建工作会议上的讲话",
                &[],
                "全区各社区要抓好。全区上下要努力。"
            ),
            None
        );
        assert_eq!(
            region(
                "会议讲话",
                &[],
                "青峰县是山区。在青峰县的党员很多。我们要把城市建设好。"
            ),
            Some("青峰县".into())
        );
        assert_eq!(
            region("㐀川县的做法", &[], ""),
            Some("㐀川县".into()),
            "a place name with a rare character"
        );
    }

    #[test]
    fn debris() {
        assert!(is_debris("您当前所在的位置：首页 > 工作动态 > 正文"));
        assert!(is_debris("当前位置: 首页>新闻"));
        assert!(is_debris("  发布时间：2020-05-06  "));
        assert!(is_debris("来源：某某县委组织部  浏览次数：35"));
        assert!(!is_debris("来源于群众、服务群众是我们的根本。"));
        let g = analyze(&lines("您当前所在的位置: 首页>动态\n\n某某街道的党建做法\n发布时间：2020-05-06 10:00\n某某街道以党建引领基层治理，取得成效。"), None);
        assert_eq!(g.title.as_deref(), Some("某某街道的党建做法"));
        assert_eq!(g.date, Some((d(2020, 5, 6), DateSource::Published)));
    }

    #[test]
    fn compilations_and_kinds() {
        let l = lines("第一篇：甲村的做法\n正文。\n第二篇:乙社区的经验(定稿)\n正文。");
        assert_eq!(
            article_markers(&l),
            vec![(0, "甲村的做法".into()), (2, "乙社区的经验".into())]
        );
        assert!(article_markers(&lines("第一篇：只有一篇\n正文。")).is_empty());
        use crate::load::config::Kind;
        assert_eq!(kind("在全镇大会上的讲话", &[]).0, Kind::Speech);
        assert_eq!(kind("某村“红色先锋”党建品牌", &[]).0, Kind::Brand);
        assert_eq!(kind("某社区治理的经验", &[]).0, Kind::Case);
        assert_eq!(
            kind("会议材料", &lines("会议材料\n同志们：")).0,
            Kind::Speech
        );
    }
}
