//! The message catalogue: every content error and warning zhanting reports,
//! in Chinese (the default) and English, with its hint.
//!
//! Stages build a [`Diagnostic`](crate::diag::Diagnostic) from an [`M`]
//! value (`Diagnostic::err(path, line, col, M::NoSuchDay { value })`);
//! the texts live here and nowhere else, so a message is changed or
//! translated in one place. The language is picked when printing: `--lang`,
//! else site.yaml's `language`, else Chinese.

use std::fmt;

/// The language messages are printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// `zh`, `zh-CN`, `zh-Hans` → Chinese; `en`, `en-US` → English.
    pub fn from_code(code: &str) -> Option<Lang> {
        let c = code.trim().to_ascii_lowercase();
        let base = c.split(['-', '_']).next().unwrap_or("");
        match base {
            "zh" | "cn" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

/// One text in both languages.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Msg {
    pub zh: String,
    pub en: String,
}

impl Msg {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Msg {
            zh: zh.into(),
            en: en.into(),
        }
    }
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// A text outside the catalogue (a template engine's own words): the same
/// in both languages.
impl From<String> for Msg {
    fn from(s: String) -> Self {
        Msg {
            zh: s.clone(),
            en: s,
        }
    }
}

impl From<&str> for Msg {
    fn from(s: &str) -> Self {
        Msg::from(s.to_string())
    }
}

/// Chinese.
impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.zh)
    }
}

/// Why a slug is refused (see [`crate::urls::check_slug`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlugProblem {
    ClimbsOut,
    StartsWithDot,
    BadCharacter,
    LooksLikeFile,
}

/// Every kind of finding, with what it needs to be explained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum M<'a> {
    // --- site.yaml ---
    NoSiteYaml {
        root: &'a str,
    },
    CannotRead {
        file: &'a str,
        error: &'a str,
    },
    SiteYamlNotMap,
    KeyNotText,
    ThemeNotFolderName {
        theme: &'a str,
    },
    SiteValueNotText {
        key: &'a str,
    },
    PaginateNotPositive,
    SiteValueNotBool {
        key: &'a str,
    },
    /// `section`: None for a top-level key of site.yaml.
    UnknownKey {
        key: &'a str,
        section: Option<&'a str>,
        nearest: Option<&'a str>,
        known: &'a [&'a str],
    },
    SectionsNotMap,
    BadSectionName {
        name: &'a str,
    },
    SectionNeedsTitleAndKind {
        name: &'a str,
    },
    SectionUnknownKind {
        name: &'a str,
    },
    SectionNoKind {
        name: &'a str,
    },
    ThemeNotFound {
        name: &'a str,
    },
    /// The template engine's own words, which stay in English.
    TemplateError {
        message: &'a str,
    },
    // --- reading files ---
    CannotReadFile {
        error: &'a str,
    },
    CannotWriteScratch {
        error: &'a str,
    },
    NotASection {
        section: &'a str,
    },
    NotUtf8,
    BinaryFile,
    DamagedUtf16,
    // --- front matter ---
    NoFrontMatter,
    FrontMatterNotClosed,
    FrontMatterNotMap,
    NotSingleText {
        key: &'a str,
    },
    MissingField {
        key: &'a str,
        example: &'a str,
    },
    MissingDate,
    DateNotText,
    /// A date not written in any accepted form (`2023年13月`, `去年`).
    MalformedDate {
        value: &'a str,
    },
    /// A date written well whose month has no such day (`2023-02-30`).
    NoSuchDay {
        value: &'a str,
    },
    ListItemNotText {
        key: &'a str,
    },
    NotAList {
        key: &'a str,
    },
    NotBool {
        key: &'a str,
    },
    NotWholeNumber {
        key: &'a str,
    },
    MisspeltField {
        key: &'a str,
        known: &'a str,
    },
    /// A list value written as one piece of text (`党建，支部`), read as
    /// `parts` items; `list` is the whole field written as a list.
    ListWrittenAsText {
        key: &'a str,
        value: &'a str,
        parts: usize,
        list: &'a str,
    },
    // --- YAML syntax ---
    Tab,
    UnclosedQuote,
    MissingColon,
    UnclosedList,
    ColonInValue,
    DuplicateKey {
        key: &'a str,
    },
    BadList,
    BadIndent,
    SpecialStart,
    TooComplex,
    /// Nested deeper than `max` levels.
    TooDeep {
        max: usize,
    },
    OtherYaml {
        parser: &'a str,
    },
    // --- files and addresses ---
    BadSlug {
        slug: &'a str,
        why: SlugProblem,
    },
    PathOutside {
        field: &'a str,
        value: &'a str,
        area: &'a str,
    },
    SymlinkOutside {
        field: &'a str,
        value: &'a str,
    },
    FileMissing {
        field: &'a str,
        file: &'a str,
    },
    ImageIsWebAddress {
        field: &'a str,
    },
    /// A `gallery` item map with a field other than `src` and `caption`
    /// (or a caption that is not text).
    GalleryItemField {
        field: &'a str,
    },
    /// A `gallery` item without a file name.
    GalleryItemNoFile,
    /// A JPEG or PNG image that could not be read to make it smaller.
    ImageUnreadable {
        file: &'a str,
        why: &'a str,
    },
    UnsafeImage {
        field: &'a str,
        file: &'a str,
        problem: &'a crate::load::svg::SvgProblem,
    },
    UnsafeSvg {
        file: &'a str,
        problem: &'a crate::load::svg::SvgProblem,
    },
    ReservedAddress {
        dir: &'a str,
    },
    SameAddress {
        dir: &'a str,
        other: &'a str,
    },
    /// The body is the same as `other`'s, once spacing and the width of
    /// letters and punctuation are set aside.
    SameText {
        other: &'a str,
    },
    SameTitleAndDate {
        other: &'a str,
        title: &'a str,
        date: &'a str,
    },
    /// `zhanting import`: `file` has the same bytes as the original kept
    /// beside `page`.
    AlreadyImported {
        file: &'a str,
        page: &'a str,
    },
    // --- the Markdown body ---
    BrokenPageLink {
        dest: &'a str,
    },
    LinkOutside {
        dest: &'a str,
    },
    BodyImageMissing {
        dest: &'a str,
    },
    LinkedFileMissing {
        dest: &'a str,
    },
    FolderLinkOutside {
        folder: &'a str,
    },
    BundleSymlinkOutside {
        file: &'a str,
    },
    // --- taxonomies ---
    TermSpellings {
        taxonomy: &'a str,
        first: &'a str,
        first_file: &'a str,
        second: &'a str,
    },
    // import safety
    /// A part of a Word file inflates to more than `limit_mib`.
    DocxPartTooLarge {
        entry: &'a str,
        limit_mib: u64,
    },
    /// A Word file inflates to more than `limit_mib` in all.
    DocxTooLargeInTotal {
        entry: &'a str,
        limit_mib: u64,
    },
    /// An image of a Word file is left out (over its own limit, or over the
    /// file's total when `total`).
    DocxImageSkipped {
        entry: &'a str,
        limit_mib: u64,
        total: bool,
    },
    /// The folder the import would write into resolves outside the site.
    ImportOutsideSite {
        folder: &'a str,
        target: &'a str,
    },
}

fn m(zh: impl Into<String>, en: impl Into<String>) -> Msg {
    Msg::new(zh, en)
}

const DATE_HINT_ZH: &str = "日期请写成 2013-09-25 或 2013年9月25日";
const DATE_HINT_EN: &str = "write the date as 2013-09-25 or 2013年9月25日";
const DATE_FORMS_ZH: &str = "日期可写成 2013-09-25、2013年9月25日、2013.9.25、2013/9/25 或 二〇一三年九月二十五日；只知道年月写 2013年9月 或 2013-09，只知道年写 2013年";
const DATE_FORMS_EN: &str = "write the date as 2013-09-25, 2013年9月25日, 2013.9.25, 2013/9/25 or 二〇一三年九月二十五日; a month alone as 2013年9月 or 2013-09, a year alone as 2013年";

/// What is wrong with a refused SVG, as the middle of a sentence.
fn svg_problem(p: &crate::load::svg::SvgProblem) -> Msg {
    use crate::load::svg::SvgProblem::*;
    match p {
        Element(e) => Msg::new(
            format!("含有可以运行代码的 <{e}> 元素"),
            format!("contains a <{e}> element, which can run code"),
        ),
        Handler(a) => Msg::new(
            format!("含有事件代码 `{a}`"),
            format!("contains the event handler `{a}`"),
        ),
        ActiveLink(v) => Msg::new(
            format!("含有会运行脚本的链接 `{v}`"),
            format!("contains a link that runs a script: `{v}`"),
        ),
        External(v) => Msg::new(
            format!("引用了图片以外的文件或网址 `{v}`"),
            format!("refers to a file or address outside the image: `{v}`"),
        ),
        Declarations => Msg::new(
            "含有实体声明或样式表指令",
            "contains entity declarations or a style-sheet instruction",
        ),
        Unreadable(why) => Msg::new(
            format!("不是完整的 SVG 文件（{why}）"),
            format!("is not a well-formed SVG file ({why})"),
        ),
    }
}

impl M<'_> {
    /// The message and its hint, in both languages.
    pub fn texts(&self) -> (Msg, Option<Msg>) {
        use M::*;
        let (message, hint): (Msg, Option<Msg>) = match *self {
            NoSiteYaml { root } => (
                m(format!("{root} 中没有 site.yaml"), format!("no site.yaml in {root}")),
                Some(m(
                    "请在网站文件夹里运行命令，或用 --root 文件夹 指明网站在哪里，或用 `zhanting init 文件夹` 新建一个网站",
                    "run the command inside a site folder, pass --root DIR, or create a site with `zhanting init DIR`",
                )),
            ),
            CannotRead { file, error } => (m(format!("无法读取 {file}：{error}"), format!("cannot read {file}: {error}")), None),
            SiteYamlNotMap => (
                m("site.yaml 应由一行行 `名称: 值` 组成", "site.yaml must be a list of `key: value` lines"),
                Some(m("第一行可以写 `title: 基层党建展示平台`", "start with a line such as `title: 基层党建展示平台`")),
            ),
            KeyNotText => (m("site.yaml 中有一个名称不是文字", "a key in site.yaml is not text"), None),
            ThemeNotFolderName { theme } => (
                m(format!("主题 `{theme}` 不是 themes/ 下的文件夹名"), format!("theme `{theme}` is not a folder name under themes/")),
                Some(m("写 themes/ 下某个文件夹的名字，例如 `theme: default`", "write the name of a folder under themes/, e.g. `theme: default`")),
            ),
            SiteValueNotText { key } => (
                m(format!("`{key}` 应是一段文字"), format!("`{key}` must be text")),
                Some(m(format!("写在一行里：`{key}: …`"), format!("write it on one line: `{key}: …`"))),
            ),
            PaginateNotPositive => (
                m("`paginate` 应是大于 0 的整数", "`paginate` must be a whole number greater than 0"),
                Some(m("例如 `paginate: 20` 表示每个列表页显示 20 篇", "for example `paginate: 20` shows 20 pages per list page")),
            ),
            SiteValueNotBool { key } | NotBool { key } => (
                m(format!("`{key}` 只能是 true 或 false"), format!("`{key}` must be true or false")),
                Some(m(format!("写成 `{key}: true` 或 `{key}: false`"), format!("write `{key}: true` or `{key}: false`"))),
            ),
            UnknownKey { key, section, nearest, known } => {
                let list = known.join(", ");
                let message = match section {
                    None => m(format!("site.yaml 中没有 `{key}` 这一项"), format!("unknown key `{key}` in site.yaml")),
                    Some(s) => m(format!("栏目 `{s}` 中没有 `{key}` 这一项"), format!("unknown key `{key}` in section `{s}`")),
                };
                let hint = match nearest {
                    Some(k) => m(format!("是不是想写 `{k}`？可用的有：{list}"), format!("did you mean `{k}`? Known keys: {list}")),
                    None => m(format!("可用的有：{list}"), format!("known keys: {list}")),
                };
                (message, Some(hint))
            }
            SectionsNotMap => (
                m("`sections` 应列出各栏目的文件夹名", "`sections` must be a map of folder names"),
                Some(m(
                    "例如：\n    sections:\n      cases: { title: 典型案例, kind: case }",
                    "for example:\n    sections:\n      cases: { title: 典型案例, kind: case }",
                )),
            ),
            BadSectionName { name } => (
                m(format!("`{name}` 不能用作栏目文件夹名"), format!("`{name}` cannot be a section folder name")),
                Some(m("栏目名是 content/ 下的一个文件夹名，不含 / 或 .，也不能是 pages", "a section is one folder under content/: no / or ., and not `pages`")),
            ),
            SectionNeedsTitleAndKind { name } => (
                m(format!("栏目 `{name}` 需要标题和类型"), format!("section `{name}` needs a title and a kind")),
                Some(m(format!("写成 `{name}: {{ title: 典型案例, kind: case }}`"), format!("write `{name}: {{ title: 典型案例, kind: case }}`"))),
            ),
            SectionUnknownKind { name } => (
                m(format!("栏目 `{name}` 的类型不认识"), format!("section `{name}` has an unknown kind")),
                Some(m("类型只能是 speech（讲话）、case（案例）或 brand（品牌）", "kind must be one of: speech, case, brand")),
            ),
            SectionNoKind { name } => (
                m(format!("栏目 `{name}` 没有写类型"), format!("section `{name}` has no kind")),
                Some(m("加上 `kind: speech`、`kind: case` 或 `kind: brand`", "add `kind: speech`, `kind: case` or `kind: brand`")),
            ),
            ThemeNotFound { name } => (
                m(format!("找不到主题 `{name}`：没有 themes/{name} 文件夹"), format!("theme `{name}` not found: there is no folder themes/{name}")),
                Some(m("建好这个文件夹，或删去 `theme:` 这一行以使用内置主题", "create the folder, or remove the `theme:` line to use the built-in theme")),
            ),
            TemplateError { message } => (m(format!("模板错误：{message}"), format!("template error: {message}")), None),
            CannotReadFile { error } => (m(format!("无法读取这个文件：{error}"), format!("cannot read the file: {error}")), None),
            CannotWriteScratch { error } => (
                m(format!("无法在这个文件夹里写入建搜索索引用的临时文件：{error}"), format!("cannot write the search index's temporary files in this folder: {error}")),
                Some(m("检查磁盘是否已满、这个文件夹能否写入，然后重新生成", "check that the disk is not full and the folder is writable, then build again")),
            ),
            NotASection { section } => (
                m(format!("`content/{section}` 不是栏目，这个文件不会发布"), format!("`content/{section}` is not a section, so this file is left out")),
                Some(m(
                    format!("把文件移到 content/speeches、content/cases、content/brands 或 content/pages，或在 site.yaml 的 `sections:` 下加上 `{section}`"),
                    format!("move the file into content/speeches, content/cases, content/brands or content/pages, or add `{section}` under `sections:` in site.yaml"),
                )),
            ),
            NotUtf8 => (
                m(
                    "这个文件不是以 UTF-8 编码保存的，可能是旧版 Windows 程序保存的 GBK 编码",
                    "the file is not saved as UTF-8 text; it is probably GBK, as saved by older Windows programs",
                ),
                Some(m(
                    "用文本编辑器打开这个文件（记事本：另存为，编码选 UTF-8），保存为 UTF-8",
                    "open the file in a text editor (Notepad: 另存为, encoding UTF-8) and save it as UTF-8",
                )),
            ),
            BinaryFile => (
                m("这不是文本文件（里面有二进制数据）", "this is not a text file (it contains binary data)"),
                Some(m(
                    "content/ 里的 .md 文件应是纯文本；Word 文档请另存为文本，或放在附件里（attachments）",
                    "a .md file in content/ must be plain text; save Word documents as text, or list them under `attachments`",
                )),
            ),
            DamagedUtf16 => (
                m("这个 UTF-16 文本文件已损坏", "the file is damaged UTF-16 text"),
                Some(m("用文本编辑器打开，另存为 UTF-8", "open it in a text editor and save it as UTF-8")),
            ),
            NoFrontMatter => (
                m("文件开头没有页面信息（front matter）", "the file does not start with front matter"),
                Some(m(
                    "把页面信息写在文件最开头，上下各一行三个短横线：\n    ---\n    title: 标题\n    date: 2024-01-15\n    ---",
                    "put the page's details at the very top, between two lines of three dashes:\n    ---\n    title: 标题\n    date: 2024-01-15\n    ---",
                )),
            ),
            FrontMatterNotClosed => (
                m("页面信息（front matter）没有结束", "the front matter is not closed"),
                Some(m("在页面信息最后一行之后加一行三个短横线 `---`", "add a line of three dashes `---` after the last front matter line")),
            ),
            FrontMatterNotMap => (
                m("页面信息应由一行行 `名称: 值` 组成", "front matter must be `key: value` lines"),
                Some(m(
                    "例如一行写 `title: 标题`，下一行写 `date: 2024-01-15`",
                    "for example `title: 标题` on one line and `date: 2024-01-15` on the next",
                )),
            ),
            NotSingleText { key } => (
                m(format!("`{key}` 应是一段文字，不能是列表或多项"), format!("`{key}` must be a single piece of text, not a list or a map")),
                Some(m(format!("写在一行里：`{key}: …`"), format!("write it on one line: `{key}: …`"))),
            ),
            MissingField { key, example } => (
                m(format!("页面信息中缺少 `{key}`"), format!("the front matter has no `{key}`")),
                Some(m(format!("加一行，例如 `{example}`"), format!("add a line such as `{example}`"))),
            ),
            MissingDate => (
                m("页面信息中缺少 `date`", "the front matter has no `date`"),
                Some(m("加一行，例如 `date: 2013-09-25`（或 `date: 2013年9月25日`）", "add a line such as `date: 2013-09-25` (or `date: 2013年9月25日`)")),
            ),
            DateNotText => (m("`date` 应是一个日期", "`date` must be a date"), Some(m(DATE_HINT_ZH, DATE_HINT_EN))),
            MalformedDate { value } => (
                m(format!("日期 `{value}` 写法不对"), format!("`{value}` is not written as a date")),
                Some(m(DATE_FORMS_ZH, DATE_FORMS_EN)),
            ),
            NoSuchDay { value } => (
                m(format!("日期 `{value}` 不存在"), format!("the day `{value}` does not exist")),
                Some(m("这个月没有这一天，请核对月和日", "that month has no such day: check the month and the day")),
            ),
            ListItemNotText { key } => (
                m(format!("`{key}` 的每一项都应是文字"), format!("every item of `{key}` must be a piece of text")),
                Some(m(format!("写成 `{key}: [第一项, 第二项]`"), format!("write `{key}: [第一项, 第二项]`"))),
            ),
            NotAList { key } => (
                m(format!("`{key}` 应是一个列表"), format!("`{key}` must be a list")),
                Some(m(
                    format!("写成 `{key}: [第一项, 第二项]`，或每行一个 `- 项`"),
                    format!("write `{key}: [第一项, 第二项]` or one `- 项` per line"),
                )),
            ),
            NotWholeNumber { key } => (
                m(format!("`{key}` 应是一个整数"), format!("`{key}` must be a whole number")),
                Some(m(format!("只写数字，例如 `{key}: 36`"), format!("write digits only, for example `{key}: 36`"))),
            ),
            MisspeltField { key, known } => (
                m(format!("不认识的字段 `{key}`，是不是 `{known}`？"), format!("unknown field `{key}`, did you mean `{known}`?")),
                Some(m(
                    format!("改名为 `{known}`；照现在这样写，它只作为 extra.{key} 交给模板"),
                    format!("rename it to `{known}`; as written it is only passed to templates as extra.{key}"),
                )),
            ),
            ListWrittenAsText { key, value, parts, list } => (
                m(
                    format!("`{key}` 的“{value}”是用标点隔开的一段文字，读作 {parts} 项"),
                    format!("`{value}` in `{key}` is one piece of text with separators, read as {parts} items"),
                ),
                Some(m(
                    format!("写成 {list}，用英文逗号分隔"),
                    format!("write {list}, with ASCII commas between the items"),
                )),
            ),
            Tab => (
                m("页面信息中不能有制表符（Tab）", "a tab character is not allowed in front matter"),
                Some(m("YAML 只能用空格缩进：把 Tab 换成空格", "YAML indents with spaces only: replace the tab with spaces")),
            ),
            UnclosedQuote => (
                m("这里的引号只有开头，没有结尾", "this quote is opened but never closed"),
                Some(m("在同一行的末尾补上同样的引号", "close the value with the same quote mark it starts with, on the same line")),
            ),
            MissingColon => (
                m("这一行不是 `名称: 值` 的格式", "this line is not of the form `key: value`"),
                Some(m("在名称后加英文冒号和一个空格，例如 `date: 2013-09-25`", "add a colon and a space after the name, e.g. `date: 2013-09-25`")),
            ),
            UnclosedList => (
                m("这个方括号 [ ] 列表没有结束", "this list in [ ] is not closed"),
                Some(m("用 ] 结束列表，例如 `tags: [党建, 乡村振兴]`", "end the list with ], e.g. `tags: [党建, 乡村振兴]`")),
            ),
            ColonInValue => (
                m("值里有“: ”（冒号加空格），YAML 会把它当成新的名称", "a value contains `: `, which YAML reads as a new key"),
                Some(m("把整个值放在英文双引号 \"…\" 里", "put the whole value in \"double quotes\"")),
            ),
            DuplicateKey { key } => (
                m(format!("`{key}` 写了两次"), format!("`{key}` is written twice")),
                Some(m("两行只保留一行", "keep only one of the two lines")),
            ),
            BadList => (
                m("列表的写法不对", "a list is not written correctly"),
                Some(m(
                    "写成 `tags: [党建, 乡村振兴]`，或每行一个 `- 项`，前面缩进两个空格",
                    "write `tags: [党建, 乡村振兴]`, or one `- item` per line indented by two spaces",
                )),
            ),
            BadIndent => (
                m("这一行的缩进与上面的行对不齐", "this line is not indented like the lines above it"),
                Some(m(
                    "`名称: 值` 行顶格写；列表的每一项 `- 项` 用同样多的空格缩进",
                    "start `key: value` lines at the left edge, and indent every `- item` of a list by the same number of spaces",
                )),
            ),
            SpecialStart => (
                m("这个值以 YAML 的特殊字符开头（如 @ ` % * & !）", "this value starts with a character YAML reserves (such as @ ` % * & !)"),
                Some(m("把整个值放在英文双引号 \"…\" 里", "put the whole value in \"double quotes\"")),
            ),
            TooDeep { max } => (
                m(format!("列表或大括号一层套一层，超过了 {max} 层"), format!("lists or braces are nested more than {max} levels deep")),
                Some(m("每个值直接写出来，列表写成 [甲, 乙]，不要一层套一层", "write each value plainly and lists as [a, b], without nesting them inside each other")),
            ),
            TooComplex => (
                m("页面信息里的引用（& 和 *）重复或嵌套过多", "the front matter repeats or nests references (& and *) too much"),
                Some(m("不要用 & 和 *，每个值直接写出来", "do not use & and *: write each value out")),
            ),
            OtherYaml { parser } => (
                m(format!("YAML 格式有误（{parser}）"), format!("invalid YAML: {parser}")),
                Some(m("对照 README.md 中页面信息一节的例子检查这一行", "compare the line with the examples in README.md (front matter section)")),
            ),
            BadSlug { slug, why } => {
                let (zh, en) = match why {
                    SlugProblem::ClimbsOut => ("会跳出所在的文件夹", "would climb out of its folder"),
                    SlugProblem::StartsWithDot => ("不能以点开头", "cannot start with a dot"),
                    SlugProblem::BadCharacter => (
                        "含有空格或网址中不能用的字符（? # % : \" < > | *）",
                        "contains a space or a character that is not allowed in a web address (? # % : \" < > | *)",
                    ),
                    SlugProblem::LooksLikeFile => (
                        "像一个文件名（以 .html、.txt 这样的扩展名结尾），会与网站的文件冲突",
                        "looks like a file name (it ends in an extension such as .html or .txt) and would clash with the site's files",
                    ),
                };
                (
                    m(format!("网址名 slug `{slug}` {zh}"), format!("slug `{slug}` {en}")),
                    Some(m(
                        "slug 是网址中的一段：字母、数字、汉字和短横线，不含 / 或 ..",
                        "a slug is one URL segment: letters, digits, Chinese characters and dashes, without / or ..",
                    )),
                )
            }
            PathOutside { field, value, area } => (
                m(format!("`{field}: {value}` 指向网站的 {area} 文件夹以外"), format!("`{field}: {value}` points outside the site's {area} folder")),
                Some(m(
                    "写页面旁边的文件（如 `photo.jpg`），或用 `/files/x.pdf` 表示 static/ 中的文件",
                    "give a path next to the page (e.g. `photo.jpg`), or `/files/x.pdf` for a file in static/",
                )),
            ),
            SymlinkOutside { field, value } => (
                m(format!("`{field}: {value}` 是指向网站以外文件的链接"), format!("`{field}: {value}` is a link to a file outside the site")),
                Some(m("把文件复制到网站文件夹里，不要用快捷链接", "copy the file into the site folder instead of linking to it")),
            ),
            FileMissing { field, file } => (
                m(format!("`{field}`：文件 {file} 不存在"), format!("`{field}`: the file {file} does not exist")),
                Some(m("检查文件名的写法，并把文件放在页面旁边", "check the spelling of the file name, and put the file next to the page")),
            ),
            GalleryItemField { field } => (
                m(format!("`gallery` 的一项里有 `{field}`：每张照片只能写 `src`（文件）和 `caption`（图注，文字）"), format!("a `gallery` item has `{field}`: each photo takes only `src` (the file) and `caption` (text)")),
                Some(m(
                    "写成 `- photo.jpg` 或 `- { src: photo.jpg, caption: 图注 }`",
                    "write `- photo.jpg` or `- { src: photo.jpg, caption: a caption }`",
                )),
            ),
            GalleryItemNoFile => (
                m("`gallery` 的一项没有写照片文件", "a `gallery` item names no photo file"),
                Some(m(
                    "写成 `- photo.jpg` 或 `- { src: photo.jpg, caption: 图注 }`",
                    "write `- photo.jpg` or `- { src: photo.jpg, caption: a caption }`",
                )),
            ),
            ImageUnreadable { file, why } => (
                m(format!("图片 {file} 读不出来（{why}），按原样发布，没有缩小"), format!("the image {file} could not be read ({why}); it is published as it is, not made smaller")),
                Some(m(
                    "用看图软件打开它，另存为 JPG 或 PNG 后替换原文件",
                    "open it in an image viewer and save it again as JPG or PNG in its place",
                )),
            ),
            ImageIsWebAddress { field } => (
                m(format!("`{field}` 应是网站里的文件，不能是网址"), format!("`{field}` must be a file in the site, not a web address")),
                Some(m("内网读者打不开外部图片：把图片保存在页面旁边", "readers on the intranet cannot load outside images: save the image next to the page")),
            ),
            UnsafeImage { field, file, problem } => {
                let why = svg_problem(problem);
                (
                    m(format!("`{field}`：SVG 图片 {file} {}，不能使用", why.zh), format!("`{field}`: the SVG image {file} {}, so it cannot be used", why.en)),
                    Some(m("请改用 PNG 或 JPG 图片，或用绘图软件重新导出不含脚本的 SVG", "use a PNG or JPG image instead, or export the SVG again without scripts")),
                )
            }
            UnsafeSvg { file, problem } => {
                let why = svg_problem(problem);
                (
                    m(format!("SVG 图片 {file} {}，不能发布", why.zh), format!("the SVG image {file} {}, so it cannot be published", why.en)),
                    Some(m("请改用 PNG 或 JPG 图片，或用绘图软件重新导出不含脚本的 SVG", "use a PNG or JPG image instead, or export the SVG again without scripts")),
                )
            }
            ReservedAddress { dir } => (
                m(format!("这个页面的网址 /{dir} 已被网站自身占用"), format!("the page's address /{dir} is already used by the site itself")),
                Some(m("给页面另起一个 slug，例如 `slug: about-us`", "give the page another slug, e.g. `slug: about-us`")),
            ),
            SameAddress { dir, other } => (
                m(format!("这个页面与 {other} 的网址相同，都是 /{dir}"), format!("this page has the same address /{dir} as {other}")),
                Some(m(
                    "在其中一个的页面信息里另写一个 `slug:`，或给文件改名",
                    "give one of them another `slug:` in its front matter, or rename the file",
                )),
            ),
            SameText { other } => (
                m(format!("这个页面的正文与 {other} 相同"), format!("this page has the same text as {other}")),
                Some(m(
                    "若是同一篇粘贴了两次，删去其中一个；若是两篇，核对正文是否贴错",
                    "if the same article was pasted twice, delete one of them; if they are two articles, check that the right text was pasted",
                )),
            ),
            SameTitleAndDate { other, title, date } => (
                m(
                    format!("这个页面与 {other} 的标题和日期相同：“{title}”，{date}"),
                    format!("this page has the same title and date as {other}: `{title}`, {date}"),
                ),
                Some(m(
                    "若是同一篇，删去其中一个；否则改一下其中一个的标题",
                    "if it is the same article, delete one of them; otherwise change one of the titles",
                )),
            ),
            AlreadyImported { file, page } => (
                m(format!("{file} 已经导入过：{page}，这次跳过"), format!("{file} was already imported: {page}; skipped")),
                Some(m(
                    "原文件与那个页面旁保存的原件相同；确需再导入一份，加上 --force",
                    "it is the same file as the original kept beside that page; to import it again anyway, add --force",
                )),
            ),
            BrokenPageLink { dest } => (
                m(format!("链接 `{dest}` 找不到对应的页面"), format!("the link to `{dest}` leads to no page")),
                Some(m(
                    "检查文件名；链接到其他页面时，路径相对于本文件，例如 `../cases/石门村.md`",
                    "check the file name; links to other pages are written relative to this file, e.g. `../cases/石门村.md`",
                )),
            ),
            LinkOutside { dest } => (
                m(format!("链接 `{dest}` 指向网站以外"), format!("the link `{dest}` points outside the site")),
                Some(m("只链接网站里的文件和页面；路径中不要用 ../ 跳出 content/", "link only to files and pages in the site; do not climb out of content/ with ../")),
            ),
            BodyImageMissing { dest } => (
                m(format!("图片 `{dest}` 不存在"), format!("the image `{dest}` does not exist")),
                Some(m(
                    "检查文件名的写法；图片要放在页面旁边，并把页面改为文件夹形式（NAME/index.md，图片放在同一文件夹）",
                    "check the spelling of the file name; images go next to the page in a page folder (NAME/index.md with the image beside it)",
                )),
            ),
            LinkedFileMissing { dest } => (
                m(format!("链接的文件 `{dest}` 不在网站里"), format!("the linked file `{dest}` is not part of the site")),
                Some(m(
                    "把文件放在页面旁边并把页面改为文件夹形式（NAME/index.md），或列入 `attachments:`",
                    "put the file next to the page in a page folder (NAME/index.md), or list it under `attachments:`",
                )),
            ),
            FolderLinkOutside { folder } => (
                m(format!("{folder} 是指向网站文件夹以外的链接，不会发布"), format!("{folder} is a link leading outside the site folder, so it is not published")),
                Some(m("把要发布的文件或文件夹移到网站文件夹里，不要用快捷方式或链接", "move what is to be published into the site folder instead of linking to it")),
            ),
            BundleSymlinkOutside { file } => (
                m(format!("{file} 是指向网站以外文件的链接，不会发布"), format!("{file} is a link to a file outside the site, so it is not published")),
                Some(m("把文件复制到网站文件夹里，不要用快捷链接", "copy the file into the site folder instead of linking to it")),
            ),
            TermSpellings { taxonomy, first, first_file, second } => {
                let (zh, en) = match taxonomy {
                    "tags" => ("标签", "tag"),
                    "regions" => ("地区", "region"),
                    "sectors" => ("领域", "sector"),
                    "speakers" => ("讲话人", "speaker"),
                    other => (other, other),
                };
                (
                    m(
                        format!("{zh}“{second}”与 {first_file} 中的“{first}”只差全角/半角、大小写或空格"),
                        format!("{en} `{second}` differs from `{first}` in {first_file} only by width, case or spacing"),
                    ),
                    Some(m(
                        format!("两处写法统一为“{first}”，否则读者会看到两种写法"),
                        format!("write it the same way, `{first}`, in both files, or readers see two spellings"),
                    )),
                )
            }
            // import safety
            DocxPartTooLarge { entry, limit_mib } => (
                m(
                    format!("Word 文件中的 {entry} 解压后超过 {limit_mib} MiB，可能是恶意构造的压缩包，已拒绝导入，没有写入任何文件"),
                    format!("{entry} inside the Word file inflates to more than {limit_mib} MiB, which a real document never does; the file was refused and nothing was written"),
                ),
                Some(m(
                    "用 Word 打开这个文件检查内容，另存为新的 .docx 后再导入；来历不明的文件不要导入",
                    "open the file in Word to check it, save it as a new .docx and import that; do not import files of unknown origin",
                )),
            ),
            DocxTooLargeInTotal { entry, limit_mib } => (
                m(
                    format!("Word 文件解压后的内容合计超过 {limit_mib} MiB（读到 {entry} 时），可能是恶意构造的压缩包，已拒绝导入，没有写入任何文件"),
                    format!("the Word file inflates to more than {limit_mib} MiB in all (at {entry}); the file was refused and nothing was written"),
                ),
                Some(m(
                    "用 Word 打开这个文件检查内容，压缩其中的图片（图片格式 → 压缩图片）并另存为新的 .docx 后再导入",
                    "open the file in Word, compress its pictures (Picture Format → Compress Pictures), save it as a new .docx and import that",
                )),
            ),
            DocxImageSkipped { entry, limit_mib, total } => (
                if total {
                    m(
                        format!("图片 {entry} 未导入：Word 文件解压后的内容合计超过 {limit_mib} MiB；正文已照常导入"),
                        format!("the image {entry} was left out: the Word file inflates to more than {limit_mib} MiB in all; the text was imported"),
                    )
                } else {
                    m(
                        format!("图片 {entry} 未导入：解压后超过 {limit_mib} MiB；正文已照常导入"),
                        format!("the image {entry} was left out: it inflates to more than {limit_mib} MiB; the text was imported"),
                    )
                },
                Some(m(
                    "在 Word 里压缩图片（图片格式 → 压缩图片）后重新导入，或把图片另存为较小的文件，放在页面旁边并在正文中引用",
                    "compress the pictures in Word (Picture Format → Compress Pictures) and import again, or save the picture as a smaller file next to the page and link it from the text",
                )),
            ),
            ImportOutsideSite { folder, target } => (
                m(
                    format!("{folder} 实际指向网站文件夹以外的 {target}，导入不会写到那里，没有写入任何文件"),
                    format!("{folder} leads outside the site folder, to {target}; the import does not write there, and nothing was written"),
                ),
                Some(m(
                    format!("删除 {folder} 这个链接（快捷方式），在原处新建一个普通文件夹，再重新导入"),
                    format!("remove the link {folder} and make an ordinary folder of that name in its place, then import again"),
                )),
            ),
        };
        (message, hint)
    }
}

/// What the command line says about a run as a whole.
#[derive(Debug, Clone, PartialEq)]
pub enum Say<'a> {
    Totals {
        errors: usize,
        warnings: usize,
    },
    BuildFailed {
        output: &'a str,
    },
    Built {
        pages: usize,
        files: usize,
        seconds: f64,
        output: &'a str,
        warnings: usize,
    },
    Checked {
        pages: usize,
        warnings: usize,
    },
}

impl Say<'_> {
    pub fn text(&self) -> Msg {
        match *self {
            Say::Totals { errors, warnings } => m(
                format!("共 {errors} 个错误，{warnings} 个警告"),
                format!("{errors} error(s), {warnings} warning(s)"),
            ),
            Say::BuildFailed { output } => m(
                format!("构建失败：没有写入任何文件，{output} 保持原样"),
                format!("build failed: nothing was written; {output} is unchanged"),
            ),
            Say::Built {
                pages,
                files,
                seconds,
                output,
                warnings,
            } => {
                let (wz, we) = if warnings > 0 {
                    (
                        format!("，{warnings} 个警告"),
                        format!(", {warnings} warning(s)"),
                    )
                } else {
                    (String::new(), String::new())
                };
                m(
                    format!("已生成 {pages} 个页面（{files} 个文件），用时 {seconds:.2} 秒，输出到 {output}{wz}"),
                    format!("built {pages} pages ({files} files) in {seconds:.2} s into {output}{we}"),
                )
            }
            Say::Checked { pages, warnings } => {
                let (wz, we) = if warnings > 0 {
                    (
                        format!("，{warnings} 个警告"),
                        format!(", {warnings} warning(s)"),
                    )
                } else {
                    (String::new(), String::new())
                };
                m(
                    format!("检查了 {pages} 个页面：没有错误{wz}"),
                    format!("checked {pages} pages: no errors{we}"),
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_codes() {
        assert_eq!(Lang::from_code("zh-CN"), Some(Lang::Zh));
        assert_eq!(Lang::from_code("zh_Hans"), Some(Lang::Zh));
        assert_eq!(Lang::from_code("EN-us"), Some(Lang::En));
        assert_eq!(Lang::from_code("fr"), None);
    }

    #[test]
    fn every_message_has_both_languages_and_chinese_is_chinese() {
        let known = ["title", "date"];
        let all = [
            M::NoSiteYaml { root: "x" },
            M::UnknownKey {
                key: "k",
                section: None,
                nearest: Some("title"),
                known: &known,
            },
            M::UnknownKey {
                key: "k",
                section: Some("cases"),
                nearest: None,
                known: &known,
            },
            M::NoSuchDay {
                value: "2013-02-30",
            },
            M::MalformedDate { value: "去年" },
            M::Tab,
            M::UnclosedQuote,
            M::MissingColon,
            M::BadSlug {
                slug: "../x",
                why: SlugProblem::ClimbsOut,
            },
            M::TermSpellings {
                taxonomy: "regions",
                first: "陈仓区",
                first_file: "a.md",
                second: "陈仓区 ",
            },
            M::ListWrittenAsText {
                key: "tags",
                value: "党建，支部",
                parts: 2,
                list: "tags: [党建, 支部]",
            },
            M::SameText {
                other: "content/cases/a.md",
            },
            M::SameTitleAndDate {
                other: "content/cases/a.md",
                title: "标题",
                date: "2020-01-01",
            },
            M::AlreadyImported {
                file: "a.docx",
                page: "content/speeches/a/index.md",
            },
        ];
        for m in all {
            let (msg, hint) = m.texts();
            let hint = hint.expect("hint");
            for t in [&msg.zh, &hint.zh] {
                assert!(t.chars().any(crate::text::is_han), "{t}");
            }
            assert_ne!(msg.zh, msg.en);
            assert!(msg.en.is_ascii() || msg.en.contains('`'), "{}", msg.en);
        }
    }
}
