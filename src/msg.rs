//! The message catalogue: every content error and warning zhanting reports,
//! in Chinese (the default) and English, with its hint.
//!
//! Stages build a [`Diagnostic`](crate::diag::Diagnostic) from an [`M`]
//! value (`Diagnostic::err(path, line, col, M::NoSuchDay { value })`);
//! the texts live here and nowhere else, so a message is changed or
//! translated in one place. The language is picked when printing: `--lang`,
//! else site.yaml's `language`, else Chinese.

use crate::load::printing::FontRole;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};

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

/// In the language of the run ([`lang`]: Chinese unless `cli` chose
/// English), so an error context made anywhere prints in that language.
impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.get(lang()))
    }
}

/// The language of this run's messages; Chinese until [`set_lang`].
static ENGLISH: AtomicBool = AtomicBool::new(false);

/// Sets the language every [`Msg`] is shown in from now on: `cli::run`
/// does, once, before it prints anything.
pub fn set_lang(lang: Lang) {
    ENGLISH.store(lang == Lang::En, Ordering::Relaxed);
}

/// The language of this run (see [`set_lang`]).
pub fn lang() -> Lang {
    if ENGLISH.load(Ordering::Relaxed) {
        Lang::En
    } else {
        Lang::Zh
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
    /// A key of a nested map of site.yaml (`footer`, a `menu` entry).
    UnknownSubKey {
        parent: &'a str,
        key: &'a str,
        nearest: Option<&'a str>,
        known: &'a [&'a str],
    },
    /// `menu` or `footer.links` is not a list.
    LinksNotList {
        key: &'a str,
    },
    LinkNeedsTitleAndUrl {
        key: &'a str,
    },
    FooterNotMap,
    /// `sources:` is not a list.
    SourcesNotList,
    SourceNeedsKeyAndPath,
    BadSourceKey {
        key: &'a str,
    },
    SourceKeyTwice {
        key: &'a str,
        first_line: usize,
    },
    SourceMissing {
        key: &'a str,
        path: &'a str,
    },
    SourceNotSite {
        key: &'a str,
        path: &'a str,
    },
    /// Two sources name one folder.
    SourceFolderTwice {
        key: &'a str,
        first: &'a str,
    },
    /// The source's folder is this site's own.
    SourceIsThisSite {
        key: &'a str,
    },
    /// The source lists this site among its own sources.
    SourceLoop {
        key: &'a str,
    },
    /// The source has sources of its own.
    SourceRollsUp {
        key: &'a str,
    },
    /// A source's key is a folder the site already uses.
    SourceKeyTaken {
        key: &'a str,
    },
    /// A key of site.yaml that must hold `name: value` lines does not.
    NotMap {
        key: &'a str,
    },
    /// `compile.fonts`: the value is neither a font file nor an installed face.
    FontNotFound {
        role: FontRole,
        value: &'a str,
    },
    /// `compile.fonts`: the file is there but is not a font.
    FontNotAFont {
        role: FontRole,
        value: &'a str,
    },
    /// `compilations:` is not a list.
    CompilationsNotList,
    /// A `compilations` entry without `title` or `file`.
    CompilationNeedsTitleAndFile,
    /// A `compilations` entry's `file` is not a `.pdf`/`.html` path inside the output.
    CompilationFileBad {
        file: &'a str,
    },
    /// A `compilations` entry's `file` is one the site itself makes.
    CompilationFileClash {
        file: &'a str,
    },
    /// Two `compilations` entries write the same file.
    CompilationFileTwice {
        file: &'a str,
    },
    /// A `compilations` entry's `year` is not a year.
    CompilationYear {
        year: &'a str,
    },
    /// A `compilations` entry cannot be made (its selection finds nothing,
    /// no face for a role …): `error` says why.
    CompilationFailed {
        title: &'a str,
        error: &'a str,
    },
    /// `zhanting compile`: a picture a selected page shows cannot be read.
    PictureUnreadable {
        src: &'a str,
        error: &'a str,
    },
    /// `logo:` names no file under static/.
    LogoMissing {
        logo: &'a str,
    },
    /// `logo:` climbs out of the site or names a folder.
    LogoOutside {
        logo: &'a str,
    },
    /// A `menu` or `footer.links` entry names a page that is not there.
    LinkLeadsNowhere {
        url: &'a str,
    },
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
    /// `author` or `author_title` (a case's or brand's byline) on a speech,
    /// which names its speaker with `instead`.
    BylineOnSpeech {
        key: &'a str,
        instead: &'a str,
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
    /// `base_url` is a path only, so the sitemap and feed hold no host.
    BaseUrlWithoutHost {
        base_url: &'a str,
    },
    // --- the Markdown body ---
    /// A topic's `pages` entry that names no page of the site.
    TopicPageMissing {
        entry: &'a str,
        nearest: Option<&'a str>,
    },
    /// A topic's `pages` entry that names a source site's page that is not
    /// there (the source removed or renamed it).
    TopicSourcePageMissing {
        entry: &'a str,
        source: &'a str,
    },
    /// A field a topic's front matter does not have.
    UnknownTopicField {
        key: &'a str,
        known: &'a str,
        all: &'a str,
    },
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
    /// The sanitiser removed the element `element` written in raw HTML.
    HtmlElementRemoved {
        element: &'a str,
    },
    /// The sanitiser removed (or cut down) an attribute of a kept element.
    HtmlAttributeRemoved {
        element: &'a str,
        attribute: &'a str,
        value: &'a str,
    },
    /// A link or image to a `javascript:`-style address, made harmless.
    UnsafeUrlRemoved {
        dest: &'a str,
    },
    /// A page longer than [`crate::model::site::LONG_PAGE_CHARS`].
    PageTooLong {
        chars: usize,
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
    /// An old Word file (.doc) that is not in the Word 97–2003 format.
    DocNotWord97,
    /// A .wps file that is not in the Word 97–2003 format: an old Kingsoft WPS file.
    WpsOldFormat,
    /// An OLE file without a Word document in it.
    DocNoWordStream,
    /// A Word file with an open password.
    DocEncrypted,
    /// A Word 6.0 / 95 file.
    DocWord95,
    /// A Word file whose `part` cannot be read.
    DocDamaged {
        part: &'a str,
    },
    /// LibreOffice could not convert a Word file (`detail` as it said).
    SofficeFailed {
        detail: &'a str,
    },
    /// LibreOffice did not finish converting a Word file within `secs`.
    SofficeTimedOut {
        secs: u64,
    },
    /// After a failed conversion: the built-in reader's text only.
    DocTextOnly,
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

/// What to write instead of a removed raw-HTML element.
fn removed_element_hint(element: &str) -> Msg {
    match element {
        "video" | "audio" | "source" | "track" => m(
            "视频、音频请写成 `![说明](宣传片.mp4)`，文件放在页面旁边",
            "write video and audio as `![caption](film.mp4)`, with the file next to the page",
        ),
        "font" | "basefont" | "big" | "blink" | "marquee" => m(
            "字体、颜色、字号不随网页保留；要强调请用 **粗体**，标题请用 # 开头的行",
            "fonts, colours and sizes are not kept; use **bold** for emphasis and lines starting with # for headings",
        ),
        "script" | "noscript" | "iframe" | "frame" | "frameset" | "object" | "embed" | "applet" | "style"
        | "link" | "meta" | "base" | "form" | "input" | "button" | "select" | "textarea" => m(
            "为了安全，页面里不能嵌入脚本、样式表、表单或其他网页（连同其中的内容一起删除）；如确有需要，由管理员在 site.yaml 中设 `unsafe_html: true`",
            "for safety, pages cannot embed scripts, style sheets, forms or other web pages (their content is removed too); if really needed, the administrator can set `unsafe_html: true` in site.yaml",
        ),
        _ => m(
            "这个标签已删除，其中的文字保留；请改用 Markdown 写法（粗体、标题、列表、表格、图片）",
            "the tag was removed and its text kept; use Markdown instead (bold, headings, lists, tables, images)",
        ),
    }
}

/// What to write instead of a removed raw-HTML attribute.
fn removed_attribute_hint(attribute: &str) -> Msg {
    match attribute {
        "style" | "align" => m(
            "样式（颜色、字号、字体、缩进）不保留，只保留对齐；居中或右对齐（如落款）请写 `<div align=\"right\">`，空一行写正文，再空一行写 `</div>`",
            "styles (colour, size, font, indent) are not kept, only alignment; for centred or right-aligned text (a signature) write `<div align=\"right\">`, a blank line, the text, a blank line, `</div>`",
        ),
        "href" | "src" => m(
            "链接只能指向网页（https://…）、邮箱（mailto:…）或网站里的文件和页面",
            "link only to web pages (https://…), e-mail (mailto:…) or files and pages of the site",
        ),
        a if a.starts_with("on") => m(
            "为了安全，页面里不能带脚本（on… 属性）；删去这个属性即可",
            "for safety, pages cannot carry scripts (on… attributes); delete the attribute",
        ),
        _ => m(
            "这个属性不受支持，已删除；删去它即可，不影响文字",
            "this attribute is not supported and was removed; delete it, the text is not affected",
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
            UnknownSubKey { parent, key, nearest, known } => {
                let list = known.join(", ");
                let hint = match nearest {
                    Some(k) => m(format!("是不是想写 `{k}`？可用的有：{list}"), format!("did you mean `{k}`? Known keys: {list}")),
                    None => m(format!("可用的有：{list}"), format!("known keys: {list}")),
                };
                (m(format!("`{parent}` 中没有 `{key}` 这一项"), format!("unknown key `{key}` in `{parent}`")), Some(hint))
            }
            LinksNotList { key } => (
                m(format!("`{key}` 应是一串链接，每项一行"), format!("`{key}` must be a list of links, one per line")),
                Some(m(
                    format!("例如：\n    {key}:\n      - {{ title: 首页, url: / }}\n      - {{ title: 关于本平台, url: pages/about }}"),
                    format!("for example:\n    {key}:\n      - {{ title: 首页, url: / }}\n      - {{ title: 关于本平台, url: pages/about }}"),
                )),
            ),
            LinkNeedsTitleAndUrl { key } => (
                m(format!("`{key}` 的每一项都要写 title（显示的文字）和 url（链接到哪里）"), format!("every entry of `{key}` needs a title (the words shown) and a url (where it leads)")),
                Some(m("例如 - { title: 关于本平台, url: pages/about }", "e.g. - { title: 关于本平台, url: pages/about }")),
            ),
            CompilationsNotList => (
                m("`compilations` 应是一串汇编，每项一行", "`compilations` must be a list of compilations, one per line"),
                Some(m(
                    "例如：\n    compilations:\n      - { title: 2023年典型案例汇编, section: cases, year: 2023, file: downloads/2023年典型案例汇编.pdf }",
                    "for example:\n    compilations:\n      - { title: 2023年典型案例汇编, section: cases, year: 2023, file: downloads/2023年典型案例汇编.pdf }",
                )),
            ),
            CompilationNeedsTitleAndFile => (
                m("`compilations` 的每一项都要写 title（封面标题）和 file（放在网站的哪里）", "every entry of `compilations` needs a title (for the cover) and a file (where on the site it goes)"),
                Some(m(
                    "例如 - { title: 2023年典型案例汇编, section: cases, year: 2023, file: downloads/2023年典型案例汇编.pdf }",
                    "e.g. - { title: 2023年典型案例汇编, section: cases, year: 2023, file: downloads/2023年典型案例汇编.pdf }",
                )),
            ),
            CompilationFileBad { file } => (
                m(format!("汇编的文件名 `{file}` 不能用"), format!("the compilation file `{file}` cannot be used")),
                Some(m(
                    "写网站里的一个位置，以 .pdf 或 .html 结尾，不含 ..、\\ 或以 . 开头的部分，例如 `downloads/2023年典型案例汇编.pdf`",
                    "name a place on the site ending in .pdf or .html, without .., \\ or parts starting with a dot, e.g. `downloads/2023年典型案例汇编.pdf`",
                )),
            ),
            CompilationFileClash { file } => (
                m(format!("汇编的文件 `{file}` 和网站自己的页面或文件同名"), format!("the compilation file `{file}` has the name of a page or file of the site itself")),
                Some(m(
                    "给汇编一个单独的文件夹，例如 `downloads/2023年典型案例汇编.pdf`",
                    "give compilations a folder of their own, e.g. `downloads/2023年典型案例汇编.pdf`",
                )),
            ),
            CompilationFileTwice { file } => (
                m(format!("两项汇编都写到 `{file}`"), format!("two compilations are written to `{file}`")),
                Some(m("给每项汇编一个自己的文件名", "give every compilation a file name of its own")),
            ),
            CompilationYear { year } => (
                m(format!("`{year}` 不是年份"), format!("`{year}` is not a year")),
                Some(m("写四位数的年份，例如 `year: 2023`", "write a four-digit year, e.g. `year: 2023`")),
            ),
            CompilationFailed { title, error } => (
                m(format!("汇编《{title}》做不成：{error}"), format!("the compilation `{title}` cannot be made: {error}")),
                Some(m(
                    "改 site.yaml 中 compilations 的这一项；可先用 `zhanting compile --section … --year …` 试出选法",
                    "change this entry of compilations in site.yaml; `zhanting compile --section … --year …` helps to try a selection first",
                )),
            ),
            NotMap { key } => (
                m(format!("`{key}` 应写成几行 `名称: 值`"), format!("`{key}` must be a map of `key: value` lines")),
                Some(m(
                    "例如：\n    compile:\n      fonts: { fangsong: fonts/仿宋_GB2312.ttf, song: 宋体 }",
                    "for example:\n    compile:\n      fonts: { fangsong: fonts/仿宋_GB2312.ttf, song: 宋体 }",
                )),
            ),
            FontNotFound { role, value } => (
                m(
                    format!("找不到{}字体 `{value}`：网站文件夹里没有这个文件，电脑上也没有装这个名字的字体", role.name_zh()),
                    format!("no {} face `{value}`: there is no such file in the site folder and no installed face of that name", role.name_en()),
                ),
                Some(m(
                    "写字体文件相对网站文件夹的路径（如 fonts/仿宋_GB2312.ttf，可从 Windows 电脑的 C:\\Windows\\Fonts 复制），或电脑上已装字体的名字（如 仿宋、FangSong）",
                    "write the path of a font file relative to the site folder (fonts/仿宋_GB2312.ttf, which can be copied from C:\\Windows\\Fonts on a Windows PC) or the name of an installed face (仿宋, FangSong)",
                )),
            ),
            FontNotAFont { role, value } => (
                m(
                    format!("{}字体文件 `{value}` 不是能用的字体", role.name_zh()),
                    format!("the {} font file `{value}` is not a usable font", role.name_en()),
                ),
                Some(m(
                    "请用 .ttf、.otf 或 .ttc 字体文件；文件可能不完整，重新复制一次",
                    "use a .ttf, .otf or .ttc font file; the file may be incomplete, copy it again",
                )),
            ),
            PictureUnreadable { src, error } => (
                m(format!("汇编无法使用图片 `{src}`：{error}"), format!("the compilation cannot use the picture `{src}`: {error}")),
                Some(m(
                    "汇编只能放网站文件夹里的 JPEG、PNG、GIF 或 SVG 图片：检查文件名是否写对、文件是否完整",
                    "a compilation can only hold JPEG, PNG, GIF or SVG pictures inside the site folder: check the file name and that the file is whole",
                )),
            ),
            SourcesNotList => (
                m("`sources` 应是一串来源网站，每项一行", "`sources` must be a list of source sites, one per line"),
                Some(m(
                    "例如：\n    sources:\n      - { key: zhangyuan, name: 章源县, path: ../章源县 }",
                    "for example:\n    sources:\n      - { key: zhangyuan, name: 章源县, path: ../章源县 }",
                )),
            ),
            SourceNeedsKeyAndPath => (
                m("`sources` 的每一项都要写 key（网址里的名字）和 path（那个网站的文件夹）", "every entry of `sources` needs a key (its name in addresses) and a path (that site's folder)"),
                Some(m("例如 - { key: zhangyuan, name: 章源县, path: ../章源县 }", "e.g. - { key: zhangyuan, name: 章源县, path: ../章源县 }")),
            ),
            BadSourceKey { key } => (
                m(format!("来源的 key `{key}` 不能用作网址里的一层文件夹"), format!("the source key `{key}` cannot be one folder of an address")),
                Some(m("key 里不要有 / \\ . ? # % 和空格，例如 key: zhangyuan", "leave / \\ . ? # % and spaces out of the key, e.g. key: zhangyuan")),
            ),
            SourceKeyTwice { key, first_line } => (
                m(format!("来源的 key `{key}` 写了两次（第 {first_line} 行已有）"), format!("the source key `{key}` is given twice (already on line {first_line})")),
                Some(m("每个来源网站用一个不同的 key，它是这个来源的页面网址的第一层", "give each source its own key: it is the first folder of its pages' addresses")),
            ),
            SourceMissing { key, path } => (
                m(format!("来源 `{key}` 的文件夹 {path} 不存在"), format!("the folder {path} of the source `{key}` does not exist")),
                Some(m("path 写的是相对于本网站文件夹的路径；检查文件夹名，或共享盘是否已连上", "path is relative to this site's folder; check the folder's name, or that the shared drive is connected")),
            ),
            SourceNotSite { key, path } => (
                m(format!("来源 `{key}` 的文件夹 {path} 里没有 site.yaml，不是一个网站"), format!("the folder {path} of the source `{key}` holds no site.yaml: it is not a site")),
                Some(m("path 要指向那个网站的文件夹本身（放 site.yaml 和 content 的那一层）", "point path at that site's own folder (the one holding site.yaml and content)")),
            ),
            SourceFolderTwice { key, first } => (
                m(format!("来源 `{key}` 与来源 `{first}` 是同一个文件夹"), format!("the source `{key}` is the same folder as the source `{first}`")),
                Some(m("每个来源网站只列一次；删掉其中一项", "list each source site once: remove one of the entries")),
            ),
            SourceIsThisSite { key } => (
                m(format!("来源 `{key}` 指向的就是本网站自己"), format!("the source `{key}` is this site itself")),
                Some(m("删掉这一项：本网站自己的页面本来就在里面", "remove this entry: this site's own pages are in it anyway")),
            ),
            SourceLoop { key } => (
                m(format!("来源 `{key}` 又把本网站列为它的来源，汇总绕成了一个圈"), format!("the source `{key}` lists this site among its own sources: the roll-up goes round in a circle")),
                Some(m("只在上级（市）网站的 site.yaml 里写 sources，下级（县）网站不写", "write sources only in the upper (city) site's site.yaml, not in the county's")),
            ),
            SourceRollsUp { key } => (
                m(format!("来源 `{key}` 自己也汇总了别的网站（它的 site.yaml 有 sources），暂不支持多级汇总"), format!("the source `{key}` rolls up other sites itself (its site.yaml has sources): rolling up more than one level is not supported")),
                Some(m("把那些网站直接列在本网站的 sources 里", "list those sites directly under this site's sources")),
            ),
            SourceKeyTaken { key } => (
                m(format!("来源的 key `{key}` 与本网站已用的网址 /{key}/ 相同"), format!("the source key `{key}` is an address the site already uses, /{key}/")),
                Some(m("换一个 key，例如县名的拼音：key: zhangyuan", "choose another key, e.g. the county's name in pinyin: key: zhangyuan")),
            ),
            FooterNotMap => (
                m("`footer` 应写成几行 `名称: 值`", "`footer` must be a map of `key: value` lines"),
                Some(m(
                    "例如：\n    footer:\n      host: 中共某某县委组织部\n      record: 某ICP备00000000号",
                    "for example:\n    footer:\n      host: 中共某某县委组织部\n      record: 某ICP备00000000号",
                )),
            ),
            LogoMissing { logo } => (
                m(format!("标志图片 `{logo}` 不存在"), format!("the logo image `{logo}` does not exist")),
                Some(m(
                    "把图片放进网站的 static/ 文件夹，写成 `logo: static/党徽.svg`；不写 logo 就用内置的标志",
                    "put the image in the site's static/ folder and write `logo: static/党徽.svg`; without `logo` the built-in emblem is shown",
                )),
            ),
            LogoOutside { logo } => (
                m(format!("标志图片 `{logo}` 不在网站的 static/ 文件夹里"), format!("the logo image `{logo}` is not in the site's static/ folder")),
                Some(m("把图片放进 static/ 文件夹，写成 `logo: static/党徽.svg`", "put the image in static/ and write `logo: static/党徽.svg`")),
            ),
            LinkLeadsNowhere { url } => (
                m(format!("链接 `{url}` 找不到对应的页面"), format!("the link `{url}` leads to no page")),
                Some(m(
                    "写 content/ 下页面的路径（不带 .md），如 pages/about 或 cases/石门村；或栏目名，如 cases；或以 / 开头的网址，如 /search/；或完整网址 https://…",
                    "write the path of a page under content/ without .md (pages/about, cases/石门村), a section name (cases), a site address starting with / (/search/), or a full address https://…",
                )),
            ),
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
            BylineOnSpeech { key, instead } => (
                m(
                    format!("讲话页不显示 `{key}`（案例、品牌的署名）；讲话人写在 `{instead}`"),
                    format!("a speech does not show `{key}` (the byline of a case or brand); a speech names its speaker with `{instead}`"),
                ),
                Some(m(
                    format!("如果这是讲话人，把 `{key}` 改名为 `{instead}`；照现在这样写，它只交给模板，页面上不显示"),
                    format!("if this is the speaker, rename `{key}` to `{instead}`; as written it only reaches the templates and is not shown on the page"),
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
                    "原文件与那个页面所附的原件相同；确需再导入一份，加上 --force",
                    "it is the same file as the original attached to that page; to import it again anyway, add --force",
                )),
            ),
            TopicSourcePageMissing { entry, source } => (
                m(format!("专题列出的页面 `{entry}` 在来源 `{source}` 中已不存在，专题里先不列它"), format!("the topic lists `{entry}`, which the source `{source}` no longer has: the topic leaves it out")),
                Some(m(
                    "那边删除或改名了这一页；从专题中删去这一行，或改成它的新路径",
                    "the source removed or renamed the page: take the line out of the topic, or write its new path",
                )),
            ),
            TopicPageMissing { entry, nearest } => (
                m(format!("专题列出的页面 `{entry}` 不存在"), format!("the topic lists `{entry}`, which is no page of the site")),
                Some(match nearest {
                    Some(n) => m(
                        format!("是不是 `{n}`？写 content/ 下的文件路径，如 `cases/石门村.md`"),
                        format!("did you mean `{n}`? Write the path of the file under content/, e.g. `cases/石门村.md`"),
                    ),
                    None => m(
                        "写 content/ 下的文件路径，如 `cases/石门村.md`；页面是草稿时，它不会生成，也不能列入专题",
                        "write the path of the file under content/, e.g. `cases/石门村.md`; a draft is not built and cannot be listed",
                    ),
                }),
            ),
            UnknownTopicField { key, known, all } => (
                m(format!("专题没有 `{key}` 这个字段，是不是 `{known}`？"), format!("a topic has no field `{key}`, did you mean `{known}`?")),
                Some(m(format!("专题可用的字段有：{all}；这一行不起作用"), format!("a topic's fields are: {all}; this line has no effect"))),
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
            BaseUrlWithoutHost { base_url } => (
                m(
                    format!("base_url 只写了路径 `{base_url}`，没有网站地址：站点地图（sitemap.xml）和订阅源（feed.xml）里的链接不是完整网址"),
                    format!("base_url is only the path `{base_url}`, with no host: the links in sitemap.xml and feed.xml are not full addresses"),
                ),
                Some(m(
                    format!("发布前写上读者访问网站用的完整网址，例如 `base_url: http://10.1.2.3{base_url}`；本机预览和从文件夹直接打开不受影响"),
                    format!("before publishing, write the full address readers use, e.g. `base_url: http://10.1.2.3{base_url}`; previews and opening the folder from disk work either way"),
                )),
            ),
            HtmlElementRemoved { element } => (
                m(
                    format!("网页标签 <{element}> 不能用，已从页面中删除"),
                    format!("the HTML tag <{element}> is not allowed and was removed from the page"),
                ),
                Some(removed_element_hint(element)),
            ),
            HtmlAttributeRemoved { element, attribute, value } => (
                m(
                    format!("<{element}> 的 {attribute}=\"{value}\" 不能用，已删除"),
                    format!("{attribute}=\"{value}\" on <{element}> is not allowed and was removed"),
                ),
                Some(removed_attribute_hint(attribute)),
            ),
            UnsafeUrlRemoved { dest } => (
                m(format!("链接地址 `{dest}` 不安全，已改为无效链接"), format!("the address `{dest}` is unsafe and was made a dead link")),
                Some(m(
                    "链接只能指向网页（https://…）、邮箱（mailto:…）或网站里的文件和页面",
                    "link only to web pages (https://…), e-mail (mailto:…) or files and pages of the site",
                )),
            ),
            PageTooLong { chars } => (
                m(
                    format!("这个页面很长（约 {chars} 字），手机和老电脑打开会很慢"),
                    format!("this page is very long (about {chars} characters) and opens slowly on phones and old computers"),
                ),
                Some(m(
                    "把它拆成几篇（例如汇编中的每篇文章各成一页），或把全文作为附件（attachments）提供下载",
                    "split it into several pages (one per article of a compilation), or offer the full text as an attachment",
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
            DocNotWord97 => (
                m(
                    "这个 .doc 文件不是 Word 97–2003 格式（可能是改了扩展名的网页、RTF 或其他文件），读不出正文，没有写入任何文件",
                    "this .doc file is not in the Word 97-2003 format (it may be a web page, RTF or other file renamed); its text cannot be read and nothing was written",
                ),
                Some(m(
                    "用 Word 或 WPS 打开这个文件，另存为 .docx（Word 文档）再导入；或安装 LibreOffice 后重新导入",
                    "open the file in Word or WPS, save it as .docx (Word Document) and import that; or install LibreOffice and import again",
                )),
            ),
            WpsOldFormat => (
                m(
                    "这个 .wps 文件是早期金山 WPS 的格式，不是 Word 格式，读不出正文，没有写入任何文件",
                    "this .wps file is in the format of early Kingsoft WPS, not a Word format; its text cannot be read and nothing was written",
                ),
                Some(m(
                    "用 WPS Office 打开这个文件，另存为 .docx（Word 文档）再导入",
                    "open the file in WPS Office, save it as .docx (Word Document) and import that",
                )),
            ),
            DocNoWordStream => (
                m(
                    "这个文件里没有 Word 文档（可能是改了扩展名的 Excel、PowerPoint 或其他 Office 文件），没有写入任何文件",
                    "there is no Word document in this file (it may be an Excel, PowerPoint or other Office file renamed); nothing was written",
                ),
                Some(m(
                    "用 Word 或 WPS 打开这个文件，另存为 .docx（Word 文档）再导入",
                    "open the file in Word or WPS, save it as .docx (Word Document) and import that",
                )),
            ),
            DocEncrypted => (
                m(
                    "这个 Word 文件设置了打开密码，读不出正文，没有写入任何文件",
                    "this Word file is protected by a password, so its text cannot be read; nothing was written",
                ),
                Some(m(
                    "用 Word 或 WPS 输入密码打开，取消密码（文件 → 信息 → 保护文档），另存为 .docx 再导入",
                    "open it in Word or WPS with its password, remove the password (File → Info → Protect Document), save it as .docx and import that",
                )),
            ),
            DocWord95 => (
                m(
                    "这是 Word 6.0/95 或更早版本的文件，内置读取只支持 Word 97–2003 格式，没有写入任何文件",
                    "this is a Word 6.0/95 or older file; the built-in reader knows only the Word 97-2003 format, and nothing was written",
                ),
                Some(m(
                    "用 Word 或 WPS 打开这个文件，另存为 .docx（Word 文档）再导入；或安装 LibreOffice 后重新导入",
                    "open the file in Word or WPS, save it as .docx (Word Document) and import that; or install LibreOffice and import again",
                )),
            ),
            DocDamaged { part } => (
                m(
                    format!("Word 文件已损坏，读不出正文（{part} 部分不完整或有误），没有写入任何文件"),
                    format!("the Word file is damaged and its text cannot be read (its {part} part is incomplete or wrong); nothing was written"),
                ),
                Some(m(
                    "用 Word 或 WPS 打开这个文件，看能否修复，另存为 .docx（Word 文档）再导入",
                    "open the file in Word or WPS to see whether it can be repaired, save it as .docx (Word Document) and import that",
                )),
            ),
            SofficeFailed { detail } => (
                m(
                    format!("用 LibreOffice 转换失败（{detail}）"),
                    format!("LibreOffice could not convert the file ({detail})"),
                ),
                Some(m(
                    "用 LibreOffice、Word 或 WPS 打开这个文件，看能否正常打开，另存为 .docx（Word 文档）再导入",
                    "open the file in LibreOffice, Word or WPS to see whether it opens, save it as .docx (Word Document) and import that",
                )),
            ),
            SofficeTimedOut { secs } => (
                m(
                    format!("LibreOffice 转换超过 {secs} 秒没有完成，已停止"),
                    format!("LibreOffice did not finish converting the file within {secs} seconds and was stopped"),
                ),
                Some(m(
                    "关闭所有 LibreOffice 窗口后重新导入（加 --force），或用环境变量 ZHANTING_SOFFICE_TIMEOUT 设更长的秒数；也可用 Word 或 WPS 另存为 .docx 再导入",
                    "close every LibreOffice window and import again (with --force), or allow more seconds with the environment variable ZHANTING_SOFFICE_TIMEOUT; or save the file as .docx in Word or WPS and import that",
                )),
            ),
            DocTextOnly => (
                m(
                    "已改用内置读取：只导入了文字，粗体、标题和表格格式未保留，图片未导入",
                    "the built-in reader was used instead: only the text was imported, without bold, headings, tables or pictures",
                ),
                Some(m(
                    "核对页面的正文；需要保留格式时，用 Word 或 WPS 把文件另存为 .docx，再加 --force 重新导入",
                    "check the page's text; to keep the formatting, save the file as .docx in Word or WPS and import that with --force",
                )),
            ),
        };
        (message, hint)
    }
}

/// What the command line says: summaries, status lines, and the errors of
/// its commands (the contexts of the `anyhow` errors that reach the user).
/// Written with `Say::….text()`; a [`Msg`] shows in the language of the run
/// ([`lang`]), so an error made deep in a stage prints in the language
/// `cli` chose.
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
    /// `zhanting new KIND`: no section of that kind or name.
    NoSuchSection {
        kind: &'a str,
        sections: &'a str,
    },
    /// The progress bar's label while pages are rendered.
    Rendering,
    /// The progress bar's label while files are imported.
    Importing,
    /// A command failed; `error` is the whole chain of causes.
    Failed {
        error: &'a str,
    },
    /// `zhanting compile`: what was made.
    Compiled {
        articles: usize,
        pages: usize,
        output: &'a str,
        bytes: u64,
        seconds: f64,
    },
    /// `zhanting compile`: no page matches the selection.
    NothingSelected {
        selection: &'a str,
    },
    /// `zhanting compile --region/--sector/--section/--tag`: no page has it.
    UnknownChoice {
        what: Choice,
        value: &'a str,
        known: &'a str,
    },
    /// `zhanting compile --year`: not a year.
    NotAYear {
        value: &'a str,
    },
    /// `zhanting compile`: a role has no face, even after falling back.
    NoFaceForRole {
        role: FontRole,
        tried: &'a [FontRole],
    },
    /// `zhanting compile`: the typesetting engine failed (a defect).
    TypesettingFailed {
        error: &'a str,
    },
    /// `zhanting compile`: site.yaml or the pages have errors.
    CompileStopped,
    /// An operating-system error: in Chinese, plain words for the common
    /// kinds before the system's own `text`.
    System {
        kind: std::io::ErrorKind,
        text: &'a str,
    },
    OutputInsideSite {
        output: &'a str,
    },
    NotOutputFolder {
        folder: &'a str,
    },
    OutsideOutput {
        path: &'a str,
    },
    NotFolderName {
        path: &'a str,
    },
    OutputBusy {
        folder: &'a str,
    },
    DeployIsFile {
        folder: &'a str,
    },
    DeployBusy {
        folder: &'a str,
    },
    DeployForeign {
        folder: &'a str,
        example: &'a str,
    },
    NothingPublishedAsWas {
        folder: &'a str,
    },
    OutsideDeploy {
        path: &'a str,
    },
    /// (Where folders are not opened by descriptor.)
    #[cfg_attr(unix, allow(dead_code))]
    NotAFolder {
        path: &'a str,
    },
    SymbolicLink {
        path: &'a str,
    },
    FileWhereFolder {
        path: &'a str,
    },
    FolderWhereFile {
        path: &'a str,
    },
    Missing {
        path: &'a str,
    },
    /// `deploy` after a failed build.
    NothingPublished {
        folder: &'a str,
    },
    Published {
        output: &'a str,
        to: &'a str,
        written: usize,
        deleted: usize,
        unchanged: usize,
    },
    Watching {
        root: &'a str,
    },
    WatchPublished {
        pages: usize,
        to: &'a str,
        rendered: usize,
        changed: usize,
        rebuilt_ms: u128,
        total_ms: u128,
    },
    WatchFailed {
        to: &'a str,
    },
    WatchStart,
    HttpStart,
    Listen {
        addr: &'a str,
        port: u16,
    },
    MemoryOnly {
        why: &'a str,
    },
    Serving {
        root: &'a str,
        address: &'a str,
    },
    AcceptFailed {
        why: &'a str,
    },
    OutputNotUpdated {
        why: &'a str,
    },
    ServeBuilt {
        pages: usize,
        rendered: usize,
        ms: u128,
    },
    ServeFailed,
    /// The first line of the error overlay `serve` shows in the browser.
    OverlayHeading,
    SiteCreated {
        dir: &'a str,
    },
    NotEmpty {
        dir: &'a str,
    },
    PageCreated {
        path: &'a str,
    },
    NoSectionOfKind {
        kind: &'a str,
    },
    EmptyTitle,
    PageExists {
        path: &'a str,
    },
    Imported {
        files: usize,
        pages: usize,
        skipped: usize,
        failed: usize,
    },
    ImportFolderUnreadable {
        folder: &'a str,
        why: &'a str,
    },
    NoSuchInput {
        path: &'a str,
    },
    NotImportable {
        path: &'a str,
    },
    NothingToImport {
        inputs: &'a str,
    },
    NoFreeName {
        name: &'a str,
        folder: &'a str,
    },
    /// A file the import was about to make exists already.
    NewFileExists {
        path: &'a str,
    },
    NotDocx,
    DocxPartUnreadable {
        part: &'a str,
    },
    DocxNoDocument,
    DocxNotUtf8,
    DocxDamaged,
    DocxCutShort,
    /// The lock file of a deploy folder is a symbolic link (where folders
    /// are not opened by descriptor).
    #[cfg_attr(unix, allow(dead_code))]
    LockIsLink,
}

/// What a failed file or folder operation was doing: `Io::Read.at(path)`
/// is the context of the error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Io {
    Read,
    Write,
    WriteIn,
    Create,
    CreateNew,
    Open,
    OpenSite,
    ReadSite,
    Remove,
    Lock,
    MoveAside,
    MoveSiteTo,
    MovePageTo,
    Restore,
    Watch,
}

impl Io {
    /// The text of this failure at `path` (`Io::Read.at(path.display())`).
    pub fn at(self, path: impl fmt::Display) -> Msg {
        self.texts(&path.to_string())
    }

    fn texts(self, p: &str) -> Msg {
        match self {
            Io::Read => m(format!("无法读取 {p}"), format!("cannot read {p}")),
            Io::Write => m(format!("无法写入 {p}"), format!("cannot write {p}")),
            Io::WriteIn => m(
                format!("无法在 {p} 中写入文件"),
                format!("cannot write in {p}"),
            ),
            Io::Create => m(format!("无法创建 {p}"), format!("cannot create {p}")),
            Io::CreateNew => m(
                format!("无法新建 {p}（可能已有同名文件，它保持原样）"),
                format!("cannot create {p} (a file of that name may already exist; it is left untouched)"),
            ),
            Io::Open => m(format!("无法打开 {p}"), format!("cannot open {p}")),
            Io::OpenSite => m(
                format!("无法打开网站文件夹 {p}"),
                format!("cannot open the site folder {p}"),
            ),
            Io::ReadSite => m(
                format!("无法读取网站文件夹 {p}"),
                format!("cannot read the site folder {p}"),
            ),
            Io::Remove => m(format!("无法删除 {p}"), format!("cannot remove {p}")),
            Io::Lock => m(format!("无法锁定 {p}"), format!("cannot lock {p}")),
            Io::MoveAside => m(
                format!("无法把 {p} 移到一旁"),
                format!("cannot move {p} aside"),
            ),
            Io::MoveSiteTo => m(
                format!("无法把新生成的网站放到 {p}"),
                format!("cannot move the new site to {p}"),
            ),
            Io::MovePageTo => m(
                format!("无法把新页面放到 {p}"),
                format!("cannot move the new page to {p}"),
            ),
            Io::Restore => m(format!("无法恢复 {p}"), format!("cannot restore {p}")),
            Io::Watch => m(
                format!("无法监视 {p} 中的改动"),
                format!("cannot watch {p}"),
            ),
        }
    }
}

/// `，N 个警告` / `, N warning(s)`, or nothing when there are none.
fn warnings_tail(warnings: usize) -> (String, String) {
    if warnings > 0 {
        (
            format!("，{warnings} 个警告"),
            format!(", {warnings} warning(s)"),
        )
    } else {
        (String::new(), String::new())
    }
}

/// One cause of an error chain as shown: an operating-system error in
/// plain words (in Chinese) before the system's own, anything else as it
/// displays (a [`Msg`] in the language of the run).
pub fn cause_text(cause: &(dyn std::error::Error + 'static)) -> String {
    match cause.downcast_ref::<std::io::Error>() {
        Some(io) => Say::System {
            kind: io.kind(),
            text: &io.to_string(),
        }
        .text()
        .get(lang())
        .to_string(),
        None => cause.to_string(),
    }
}

/// What stands between the causes of an error chain: `：` or `: `.
pub fn cause_separator(lang: Lang) -> &'static str {
    match lang {
        Lang::Zh => "：",
        Lang::En => ": ",
    }
}

/// Plain Chinese words for the common operating-system failures.
fn system_text(kind: std::io::ErrorKind) -> Option<&'static str> {
    use std::io::ErrorKind as K;
    Some(match kind {
        K::NotFound => "文件或文件夹不存在",
        K::PermissionDenied => "没有权限",
        K::AlreadyExists => "已经存在",
        K::StorageFull => "磁盘已满",
        K::ReadOnlyFilesystem => "磁盘是只读的",
        K::NotADirectory => "路径中有一项不是文件夹",
        K::IsADirectory => "这是一个文件夹",
        K::DirectoryNotEmpty => "文件夹不是空的",
        K::AddrInUse => "端口已被占用",
        K::AddrNotAvailable => "本机没有这个地址",
        K::FileTooLarge => "文件太大",
        K::InvalidFilename => "文件名不合适",
        _ => return None,
    })
}

/// What a `zhanting compile` filter names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    Section,
    Tag,
    Region,
    Sector,
}

impl Choice {
    /// Its name in Chinese and in English.
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Choice::Section => ("栏目", "section"),
            Choice::Tag => ("标签", "tag"),
            Choice::Region => ("地区", "region"),
            Choice::Sector => ("领域", "sector"),
        }
    }
}

impl Say<'_> {
    /// The text in both languages.
    pub fn text(&self) -> Msg {
        match *self {
            Say::Totals { errors, warnings } => m(
                format!("共 {errors} 个错误，{warnings} 个警告"),
                format!("{errors} error(s), {warnings} warning(s)"),
            ),
            Say::NoSuchSection { kind, sections } => m(
                format!("没有 `{kind}` 这一类：请写 speech（讲话）、case（案例）、brand（品牌）、topic（专题），或 site.yaml 中的栏目：{sections}"),
                format!("there is no `{kind}`: write speech, case, brand, topic, or a section of site.yaml: {sections}"),
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
                let (wz, we) = warnings_tail(warnings);
                m(
                    format!("已生成 {pages} 个页面（{files} 个文件），用时 {seconds:.2} 秒，输出到 {output}{wz}"),
                    format!("built {pages} pages ({files} files) in {seconds:.2} s into {output}{we}"),
                )
            }
            Say::Checked { pages, warnings } => {
                let (wz, we) = warnings_tail(warnings);
                m(
                    format!("检查了 {pages} 个页面：没有错误{wz}"),
                    format!("checked {pages} pages: no errors{we}"),
                )
            }
            Say::Compiled {
                articles,
                pages,
                output,
                bytes,
                seconds,
            } => {
                let size = crate::text::human_size(bytes);
                // an HTML booklet has no pages of its own: the browser sets them
                let (zh, en) = match pages {
                    0 => (String::new(), String::new()),
                    n => (format!("共 {n} 页，"), format!("{n} pages, ")),
                };
                m(
                    format!("已生成汇编 {output}：{articles} 篇，{zh}{size}，用时 {seconds:.1} 秒"),
                    format!("compiled {output}: {articles} articles, {en}{size}, in {seconds:.1} s"),
                )
            }
            Say::NothingSelected { selection } => m(
                format!("没有符合条件的页面（{selection}）：没有生成汇编；请放宽条件，或用 `zhanting check` 看看页面的栏目、地区、领域和日期"),
                format!("no page matches ({selection}): nothing was compiled; loosen the selection, or see the pages' sections, regions, sectors and dates with `zhanting check`"),
            ),
            Say::UnknownChoice { what, value, known } => {
                let (zh, en) = what.names();
                m(
                    format!("没有{zh}为「{value}」的页面；网站中有：{known}"),
                    format!("no page has the {en} `{value}`; the site has: {known}"),
                )
            }
            Say::NotAYear { value } => m(
                format!("--year 应是四位数的年份，例如 2023，而不是「{value}」"),
                format!("--year must be a four-digit year such as 2023, not `{value}`"),
            ),
            Say::NoFaceForRole { role, tried } => {
                let key = role.key();
                let zh: Vec<&str> = tried.iter().map(|r| r.name_zh()).collect();
                let en: Vec<&str> = tried.iter().map(|r| r.name_en()).collect();
                m(
                    format!("找不到{}字体（也找不到可以代替的：{}）。请在 site.yaml 中指明字体文件，例如：\n    compile:\n      fonts: {{ {key}: fonts/字体文件.ttf }}\n字体文件放在网站文件夹里（如从 Windows 电脑的 C:\\Windows\\Fonts 复制有授权的字体），或写电脑上已装字体的名字", role.name_zh(), zh.join("、")),
                    format!("no {} face (nor one to stand in: {}). Name a font file in site.yaml, for example:\n    compile:\n      fonts: {{ {key}: fonts/face.ttf }}\nwith the file inside the site folder (a licensed face copied from C:\\Windows\\Fonts on a Windows PC), or the name of an installed face", role.name_en(), en.join(", ")),
                )
            }
            Say::TypesettingFailed { error } => m(
                format!("排版出错：{error}"),
                format!("typesetting failed: {error}"),
            ),
            Say::CompileStopped => m(
                "网站有错误，没有生成汇编；请按上面的提示改正",
                "the site has errors; nothing was compiled; correct them as shown above",
            ),
            Say::Rendering => m("生成页面", "rendering"),
            Say::Importing => m("导入", "importing"),
            Say::Failed { error } => m(format!("错误：{error}"), format!("error: {error}")),
            Say::System { kind, text } => match system_text(kind) {
                Some(plain) => m(format!("{plain}（{text}）"), text),
                None => m(text, text),
            },
            Say::OutputInsideSite { output } => m(
                format!("输出文件夹 {output} 不能是网站文件夹本身，也不能放在 content/ 或 static/ 里面"),
                format!("the output folder {output} cannot be the site folder or inside content/ or static/"),
            ),
            Say::NotOutputFolder { folder } => m(
                format!("{folder} 已经存在，而且不是 zhanting 生成的输出文件夹，不会替换它（请用 --output 换一个文件夹，或先把它清空）"),
                format!("{folder} already exists and is not a zhanting output folder; refusing to replace it (choose another --output, or empty the folder first)"),
            ),
            Say::OutsideOutput { path } => m(
                format!("拒绝写入 `{path}`：它会落到输出文件夹以外"),
                format!("refusing to write `{path}`: it would land outside the output folder"),
            ),
            Say::NotFolderName { path } => m(
                format!("{path} 不是一个文件夹名"),
                format!("{path} is not a folder name"),
            ),
            Say::OutputBusy { folder } => m(
                format!("另一个 zhanting（build、serve 或 watch）正在写入 {folder}；请等它结束（或先停止它）再试"),
                format!("{folder} is being written by another zhanting (build, serve or watch) right now; wait until it has finished (or stop it), then try again"),
            ),
            Say::DeployIsFile { folder } => m(
                format!("{folder} 是一个文件，不是文件夹；请选择一个文件夹来发布"),
                format!("{folder} is a file, not a folder; choose a folder to publish into"),
            ),
            Say::DeployBusy { folder } => m(
                format!("另一个 zhanting（deploy 或 watch）正在向 {folder} 发布；请等它结束（或先停止它）再发布"),
                format!("another zhanting (deploy or watch) is publishing into {folder} right now; wait until it has finished (or stop it), then publish again"),
            ),
            Say::DeployForeign { folder, example } => m(
                format!("{folder} 里已有不是 zhanting 发布的文件（例如 `{example}`），不会向它发布。请选一个空文件夹，或先把这些文件移走"),
                format!("{folder} already holds files that zhanting did not publish (for example `{example}`); refusing to publish into it. Choose an empty folder, or move those files away first"),
            ),
            Say::NothingPublishedAsWas { folder } => m(
                format!("没有发布任何文件，{folder} 保持原样"),
                format!("nothing was published; {folder} is as it was"),
            ),
            Say::OutsideDeploy { path } => m(
                format!("拒绝发布 `{path}`：它会落到发布文件夹以外"),
                format!("refusing to publish `{path}`: it would land outside the deploy folder"),
            ),
            Say::NotAFolder { path } => m(
                format!("无法打开 {path}：它不是文件夹"),
                format!("cannot open {path}: not a folder"),
            ),
            Say::SymbolicLink { path } => m(
                format!("{path} 是一个符号链接；zhanting 从不通过链接写入或删除。请删除这个链接（它指向的文件夹不受影响），再重新发布"),
                format!("{path} is a symbolic link; zhanting never writes or deletes through links. Remove the link (the folder it points to stays as it is), then publish again"),
            ),
            Say::FileWhereFolder { path } => m(
                format!("{path} 是一个文件，但网站在这里需要一个文件夹；请把它移走，再重新发布"),
                format!("{path} is a file, but the site needs a folder there; move it away, then publish again"),
            ),
            Say::FolderWhereFile { path } => m(
                format!("{path} 是一个文件夹，但网站在这里有一个文件；请把它移走，再重新发布"),
                format!("{path} is a folder, but the site has a file there; move it away, then publish again"),
            ),
            Say::Missing { path } => m(format!("{path} 不存在"), format!("{path} does not exist")),
            Say::NothingPublished { folder } => m(
                format!("没有发布任何文件，{folder} 保持原样"),
                format!("nothing was published; {folder} is unchanged"),
            ),
            Say::Published {
                output,
                to,
                written,
                deleted,
                unchanged,
            } => m(
                format!("已把 {output} 发布到 {to}：写入 {written} 个文件，删除 {deleted} 个，{unchanged} 个未变"),
                format!("published {output} into {to}: {written} written, {deleted} deleted, {unchanged} unchanged"),
            ),
            Say::Watching { root } => m(
                format!("正在监视 {root} 中的改动（按 Ctrl-C 停止）"),
                format!("watching {root} for changes (Ctrl-C to stop)"),
            ),
            Say::WatchPublished {
                pages,
                to,
                rendered,
                changed,
                rebuilt_ms,
                total_ms,
            } => m(
                format!("已把 {pages} 个页面发布到 {to}（生成 {rendered} 个页面，{changed} 个文件有变化；构建用时 {rebuilt_ms} 毫秒），共用时 {total_ms} 毫秒"),
                format!("published {pages} pages into {to} ({rendered} rendered, {changed} files changed; rebuilt in {rebuilt_ms} ms) in {total_ms} ms"),
            ),
            Say::WatchFailed { to } => m(
                format!("构建失败：没有发布任何文件，{to} 保持原样"),
                format!("build failed: nothing was published; {to} is unchanged"),
            ),
            Say::WatchStart => m(
                "无法监视网站文件夹中的改动",
                "cannot watch the site folder for changes",
            ),
            Say::HttpStart => m("无法启动预览服务器", "cannot start the HTTP server"),
            Say::Listen { addr, port } => m(
                format!("无法在 {addr} 上监听（是否有别的程序在用端口 {port}？可以用 --port 换一个端口）"),
                format!("cannot listen on {addr} (is another server using port {port}? try --port)"),
            ),
            Say::MemoryOnly { why } => m(
                format!("注意：{why}；预览只在内存中进行，不更新输出文件夹"),
                format!("note: {why}; serving from memory only"),
            ),
            Say::Serving { root, address } => m(
                format!("正在预览 {root}：在浏览器中打开 {address}（按 Ctrl-C 停止）"),
                format!("serving {root} at {address} (Ctrl-C to stop)"),
            ),
            Say::AcceptFailed { why } => m(
                format!("警告：无法接受连接：{why}（打开的文件或连接太多？）；仍在监听，稍后重试"),
                format!("warning: cannot accept a connection: {why} (too many open files or connections?); still listening, retrying"),
            ),
            Say::OutputNotUpdated { why } => m(
                format!("警告：无法更新输出文件夹：{why}"),
                format!("warning: could not update the output folder: {why}"),
            ),
            Say::ServeBuilt {
                pages,
                rendered,
                ms,
            } => m(
                format!("已构建 {pages} 个页面（生成 {rendered} 个），用时 {ms} 毫秒"),
                format!("built {pages} pages ({rendered} rendered) in {ms} ms"),
            ),
            Say::ServeFailed => m(
                "构建失败：浏览器中仍是上一次成功的结果；改好文件再保存即可",
                "build failed: still serving the last good build; fix the file and save again",
            ),
            Say::OverlayHeading => m(
                "构建失败 —— 改好文件再保存，页面会自动刷新",
                "build failed — fix the file and save it; the page reloads by itself",
            ),
            Say::SiteCreated { dir } => m(
                format!("已在 {dir} 新建网站\n  修改 {dir}/site.yaml 和 {dir}/content/ 中的文件，然后运行：\n  zhanting serve --root {dir}    （在浏览器中预览）\n  zhanting build --root {dir}    （生成网站）"),
                format!("created a new site in {dir}\n  edit {dir}/site.yaml and the files in {dir}/content/, then run:\n  zhanting serve --root {dir}    (preview in a browser)\n  zhanting build --root {dir}    (build the site)"),
            ),
            Say::NotEmpty { dir } => m(
                format!("{dir} 不是空文件夹；请换一个新的文件夹名"),
                format!("{dir} is not empty; choose a new folder name"),
            ),
            Say::PageCreated { path } => m(format!("已新建 {path}"), format!("created {path}")),
            Say::NoSectionOfKind { kind } => m(
                format!("site.yaml 中没有类型（kind）为 {kind} 的栏目"),
                format!("site.yaml has no section of kind {kind}"),
            ),
            Say::EmptyTitle => m("标题是空的", "the title is empty"),
            Say::PageExists { path } => m(
                format!("{path} 已经存在；请换一个标题，或直接修改那个文件"),
                format!("{path} already exists; choose another title or edit that file"),
            ),
            Say::Imported {
                files,
                pages,
                skipped,
                failed,
            } => {
                let (mut zh, mut en) = (
                    format!("已导入 {files} 个文件，生成 {pages} 个页面"),
                    format!("imported {files} file(s) into {pages} page(s)"),
                );
                if skipped > 0 {
                    zh.push_str(&format!("，跳过 {skipped} 个已导入过的文件"));
                    en.push_str(&format!(", {skipped} file(s) skipped as already imported"));
                }
                if failed > 0 {
                    zh.push_str(&format!("，{failed} 个文件导入失败"));
                    en.push_str(&format!(", {failed} file(s) failed"));
                }
                zh.push_str("；请核对标有“请核对”的项目，然后运行 `zhanting check`");
                en.push_str("; check the fields marked 请核对, then run `zhanting check`");
                m(zh, en)
            }
            Say::ImportFolderUnreadable { folder, why } => m(
                format!("无法读取文件夹 {folder}：{why}"),
                format!("cannot read the folder {folder}: {why}"),
            ),
            Say::NoSuchInput { path } => m(
                format!("{path}：没有这个文件或文件夹"),
                format!("{path}: no such file or folder"),
            ),
            Say::NotImportable { path } => m(
                format!("{path}：只能导入 .txt、.docx、.doc 和 .wps 文件（其他格式请用 Word 或 WPS 打开，另存为 .docx）"),
                format!("{path}: only .txt, .docx, .doc and .wps files can be imported (other formats: open them in Word or WPS and save as .docx)"),
            ),
            Say::NothingToImport { inputs } => m(
                format!("在 {inputs} 中没有找到 .txt、.docx、.doc 或 .wps 文件"),
                format!("no .txt, .docx, .doc or .wps files found in {inputs}"),
            ),
            Say::NoFreeName { name, folder } => m(
                format!("在 {folder} 中找不到空闲的名字给 {name}"),
                format!("no free name for {name} in {folder}"),
            ),
            Say::NewFileExists { path } => m(format!("{path} 已经存在"), format!("{path} exists")),
            Say::NotDocx => m(
                "这不是 Word 的 .docx 文件（不是 zip 压缩包）；如果是旧的 .doc 文件，请用 Word 打开，另存为 .docx",
                "this is not a Word .docx file (it is not a zip package); if it is an old .doc file, open it in Word and save it as .docx",
            ),
            Say::DocxPartUnreadable { part } => m(
                format!("无法读取 Word 文件中的 {part}"),
                format!("cannot read {part} inside the Word file"),
            ),
            Say::DocxNoDocument => m(
                "这个 .docx 文件里没有正文（word/document.xml）；请用 Word 打开，再保存一次",
                "this .docx has no word/document.xml; open it in Word and save it again",
            ),
            Say::DocxNotUtf8 => m(
                "word/document.xml 不是 UTF-8 编码；请用 Word 打开，再保存一次",
                "word/document.xml is not UTF-8",
            ),
            Say::DocxDamaged => m(
                "word/document.xml 已损坏；请用 Word 打开，再保存一次",
                "word/document.xml is damaged; open the file in Word and save it again",
            ),
            Say::DocxCutShort => m(
                "word/document.xml 不完整（被截断了）；请用 Word 打开，再保存一次",
                "word/document.xml is cut short; open the file in Word and save it again",
            ),
            Say::LockIsLink => m(
                "锁文件是一个链接",
                "the lock file is a link",
            ),
        }
    }
}

/// The words of the command line's help pages that are not about one
/// command: headings and the built-in flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HelpWord {
    /// Before the usage line.
    Usage,
    Commands,
    Arguments,
    Options,
    /// `[选项]` in a usage line.
    OptionsTag,
    /// `<命令>` in a usage line.
    CommandTag,
    HelpFlag,
    VersionFlag,
}

impl HelpWord {
    /// The word in `lang` (a `'static` text, as clap keeps it).
    pub fn get(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            HelpWord::Usage => ("用法：", "Usage: "),
            HelpWord::Commands => ("命令", "Commands"),
            HelpWord::Arguments => ("参数", "Arguments"),
            HelpWord::Options => ("选项", "Options"),
            HelpWord::OptionsTag => ("[选项]", "[OPTIONS]"),
            HelpWord::CommandTag => ("<命令>", "<COMMAND>"),
            HelpWord::HelpFlag => ("显示这段帮助", "Print help"),
            HelpWord::VersionFlag => ("显示版本号", "Print version"),
        };
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// The help of every command (`""`: the program itself) and of each of its
/// arguments (`""`: the command's own line), in Chinese and English:
/// `(command, argument, Chinese, English)`. `cli` sets each on the clap
/// command; a test checks that no argument is left without one.
pub const HELP: &[(&str, &str, &str, &str)] = &[
    (
        "",
        "",
        "展厅：把讲话、典型案例、支部品牌等 Markdown 文件夹生成可以搜索的静态展示网站",
        "展厅: turns folders of Markdown speeches, model cases and branch brand profiles into a searchable static showcase site",
    ),
    (
        "",
        "lang",
        "提示信息的语言：zh（中文，默认）或 en（英文）；不写时按 site.yaml 的 language",
        "Language of messages: zh (Chinese, the default) or en (English); without it, site.yaml's `language`",
    ),
    (
        "init",
        "",
        "新建一个网站：site.yaml 和示例内容，可以直接生成",
        "Create a new site with site.yaml and sample content, ready to build",
    ),
    (
        "init",
        "dir",
        "要新建的文件夹（必须是空的或还不存在）",
        "Folder to create (must be empty or not exist)",
    ),
    (
        "build",
        "",
        "生成网站，写入输出文件夹",
        "Build the site into the output folder",
    ),
    (
        "build",
        "root",
        "网站文件夹（放 site.yaml 的文件夹），默认是当前文件夹",
        "Site folder (holding site.yaml); the current folder if not given",
    ),
    (
        "build",
        "output",
        "输出文件夹，默认是网站文件夹中的 output",
        "Output folder; ROOT/output if not given",
    ),
    (
        "build",
        "drafts",
        "把标为 `draft: true` 的草稿也生成出来",
        "Include pages marked `draft: true`",
    ),
    (
        "build",
        "base_url",
        "网站放在服务器上的地址，如 /dangjian/（代替 site.yaml 中的 base_url）",
        "Where the site is served, e.g. /dangjian/ (overrides site.yaml)",
    ),
    (
        "check",
        "",
        "检查所有文件有没有错误，不写入任何文件",
        "Check every file for mistakes without writing anything",
    ),
    (
        "check",
        "root",
        "网站文件夹（放 site.yaml 的文件夹），默认是当前文件夹",
        "Site folder (holding site.yaml); the current folder if not given",
    ),
    (
        "serve",
        "",
        "生成网站并在 http://127.0.0.1:1111/ 预览；每次修改后自动重新生成并刷新浏览器",
        "Build, serve on http://127.0.0.1:1111/, rebuild and reload the browser on every edit",
    ),
    (
        "serve",
        "root",
        "网站文件夹（放 site.yaml 的文件夹），默认是当前文件夹",
        "Site folder (holding site.yaml); the current folder if not given",
    ),
    (
        "serve",
        "bind",
        "监听的地址，默认 127.0.0.1（只有本机能访问）",
        "Address to listen on; 127.0.0.1 (this computer only) if not given",
    ),
    (
        "serve",
        "port",
        "监听的端口，默认 1111（0 表示任选一个空闲端口）",
        "Port to listen on; 1111 if not given (0: any free port)",
    ),
    (
        "watch",
        "",
        "每次修改后重新生成，并把每次成功的结果整体发布到一个文件夹",
        "Rebuild on every edit and publish each good build atomically into a folder",
    ),
    (
        "watch",
        "root",
        "网站文件夹（放 site.yaml 的文件夹），默认是当前文件夹",
        "Site folder (holding site.yaml); the current folder if not given",
    ),
    (
        "watch",
        "deploy_to",
        "网页服务器提供的文件夹，如 /var/www/dangjian",
        "Folder a web server serves, e.g. /var/www/dangjian",
    ),
    (
        "deploy",
        "",
        "把已生成的网站（网站文件夹中的 output）整体发布到网页服务器的文件夹",
        "Publish the current build (ROOT/output) atomically into a folder a web server serves",
    ),
    (
        "deploy",
        "root",
        "网站文件夹（放 site.yaml 的文件夹），默认是当前文件夹",
        "Site folder (holding site.yaml); the current folder if not given",
    ),
    (
        "deploy",
        "to",
        "网页服务器提供的文件夹，如 /var/www/dangjian",
        "Folder a web server serves, e.g. /var/www/dangjian",
    ),
    (
        "new",
        "",
        "新建一篇内容，带好要填写的前置信息",
        "Create a new content file with its front matter",
    ),
    (
        "new",
        "kind",
        "内容类型：speech（讲话）、case（典型案例）、brand（支部品牌）、topic（专题），或 site.yaml 中的栏目（文件夹名或标题）",
        "speech, case, brand or topic, or a section of site.yaml (its folder name or title)",
    ),
    ("new", "title", "新页面的标题", "Title of the new page"),
    (
        "new",
        "root",
        "网站文件夹（放 site.yaml 的文件夹），默认是当前文件夹",
        "Site folder (holding site.yaml); the current folder if not given",
    ),
    (
        "compile",
        "",
        "把选出的页面编成一本可以印刷的汇编（PDF 或 HTML）：封面、带页码的目录、每篇另起一页",
        "Compile the selected pages into a print-ready booklet (PDF or HTML): cover, table of contents with page numbers, each page starting on a new page",
    ),
    (
        "compile",
        "root",
        "网站文件夹（放 site.yaml 的文件夹），默认是当前文件夹",
        "Site folder (holding site.yaml); the current folder if not given",
    ),
    (
        "compile",
        "section",
        "只收这个栏目的页面（文件夹名或标题，如 cases 或 典型案例）",
        "Only pages of this section (its folder name or title, e.g. cases)",
    ),
    (
        "compile",
        "tag",
        "只收带这个标签的页面",
        "Only pages with this tag",
    ),
    (
        "compile",
        "region",
        "只收这个地区及其下各级的页面（如 宝鸡市 也收 陕西省宝鸡市陈仓区）",
        "Only pages of this region and the regions below it (a city also takes its counties, towns and villages)",
    ),
    (
        "compile",
        "sector",
        "只收这个领域的页面（如 农村）",
        "Only pages of this sector, as the pages write it in `sector`",
    ),
    (
        "compile",
        "year",
        "只收这一年的页面（如 2023）",
        "Only pages dated in this year (e.g. 2023)",
    ),
    (
        "compile",
        "booklet_title",
        "封面上的标题，默认是“栏目名（或网站名）汇编”",
        "Title on the cover; by default the section's (or the site's) title and the word for compilation",
    ),
    (
        "compile",
        "format",
        "文件格式：pdf（默认）或 html（一个可在浏览器里打印的网页文件）",
        "pdf (the default) or html (one web page file to print from a browser)",
    ),
    (
        "compile",
        "file",
        "汇编保存到哪个文件，如 2023年典型案例汇编.pdf",
        "File to write the booklet to, e.g. cases-2023.pdf",
    ),
    (
        "import",
        "",
        "把 Word（.docx、.doc）、WPS（.wps）和文本（.txt）文件转成页面，并推测标题、日期等信息",
        "Convert Word (.docx, .doc), WPS (.wps) and text (.txt) files into pages, guessing their front matter",
    ),
    (
        "import",
        "files",
        "要导入的文件或文件夹（文件夹中的 .txt、.docx、.doc 和 .wps 都会导入）",
        "Files or folders (searched for .txt, .docx, .doc and .wps)",
    ),
    (
        "import",
        "kind",
        "内容类型：speech（讲话）、case（典型案例）或 brand（支部品牌）；不写时按正文推测",
        "speech, case or brand; guessed from the text if not given",
    ),
    (
        "import",
        "force",
        "网站中已有同一个文件（和某页面所附的原件字节相同）时也照样导入",
        "Import a file even when the site already holds it (the same bytes as an original a page attaches)",
    ),
    (
        "import",
        "root",
        "网站文件夹（放 site.yaml 的文件夹），默认是当前文件夹",
        "Site folder (holding site.yaml); the current folder if not given",
    ),
];

/// The Chinese names of the values arguments take, shown in the help
/// (`--root <网站文件夹>`); in English, clap's own (`--root <ROOT>`).
pub const VALUE_NAMES: &[(&str, &str)] = &[
    ("lang", "语言"),
    ("dir", "文件夹"),
    ("root", "网站文件夹"),
    ("output", "文件夹"),
    ("base_url", "地址"),
    ("bind", "地址"),
    ("port", "端口"),
    ("deploy_to", "文件夹"),
    ("to", "文件夹"),
    ("kind", "类型"),
    ("title", "标题"),
    ("files", "文件"),
    ("file", "文件"),
    ("section", "栏目"),
    ("tag", "标签"),
    ("region", "地区"),
    ("sector", "领域"),
    ("year", "年份"),
    ("booklet_title", "标题"),
    ("format", "格式"),
];

/// What is wrong with a command line, in the words of [`Wrong::text`];
/// `cli` reads clap's error and names one of these.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wrong<'a> {
    UnknownArgument {
        arg: &'a str,
    },
    UnknownCommand {
        name: &'a str,
    },
    /// A value not among `valid` (empty: any value of the right form).
    BadValue {
        arg: &'a str,
        value: &'a str,
        valid: &'a str,
    },
    MissingValue {
        arg: &'a str,
    },
    TooManyValues {
        arg: &'a str,
        value: &'a str,
    },
    ValueCount {
        arg: &'a str,
    },
    Conflict {
        arg: &'a str,
        other: &'a str,
    },
    Repeated {
        arg: &'a str,
    },
    MissingArguments {
        args: &'a str,
    },
    MissingCommand {
        name: &'a str,
    },
    NeedsEquals {
        arg: &'a str,
    },
    NotUtf8,
    /// Anything else, in clap's own words.
    Other {
        text: &'a str,
    },
    DidYouMean {
        what: &'a str,
    },
    /// `error:` before the first line.
    Error,
    Usage {
        usage: &'a str,
    },
    MoreHelp {
        command: &'a str,
    },
}

impl Wrong<'_> {
    pub fn text(&self) -> Msg {
        match *self {
            Wrong::UnknownArgument { arg } => m(
                format!("不认识的参数 '{arg}'"),
                format!("unexpected argument '{arg}' found"),
            ),
            Wrong::UnknownCommand { name } => m(
                format!("没有 '{name}' 这个命令"),
                format!("unrecognized subcommand '{name}'"),
            ),
            Wrong::BadValue { arg, value, valid } => {
                let (vz, ve) = if valid.is_empty() {
                    (String::new(), String::new())
                } else {
                    (
                        format!("；可以写：{valid}"),
                        format!("\n  [possible values: {valid}]"),
                    )
                };
                m(
                    format!("'{arg}' 不能是 '{value}'{vz}"),
                    format!("invalid value '{value}' for '{arg}'{ve}"),
                )
            }
            Wrong::MissingValue { arg } => m(
                format!("'{arg}' 后面要写一个值"),
                format!("a value is required for '{arg}' but none was supplied"),
            ),
            Wrong::TooManyValues { arg, value } => m(
                format!("'{arg}' 多了一个值 '{value}'"),
                format!("unexpected value '{value}' for '{arg}' found; no more were expected"),
            ),
            Wrong::ValueCount { arg } => m(
                format!("'{arg}' 的值的个数不对"),
                format!("wrong number of values for '{arg}'"),
            ),
            Wrong::Conflict { arg, other } => m(
                format!("'{arg}' 不能和 '{other}' 一起用"),
                format!("the argument '{arg}' cannot be used with '{other}'"),
            ),
            Wrong::Repeated { arg } => m(
                format!("'{arg}' 只能写一次"),
                format!("the argument '{arg}' cannot be used multiple times"),
            ),
            Wrong::MissingArguments { args } => m(
                format!("缺少必须写的参数：{args}"),
                format!("the following required arguments were not provided: {args}"),
            ),
            Wrong::MissingCommand { name } => m(
                format!("'{name}' 后面要写一个命令"),
                format!("'{name}' requires a subcommand but one was not provided"),
            ),
            Wrong::NeedsEquals { arg } => m(
                format!("'{arg}' 和它的值之间要写等号 ="),
                format!("equal sign is needed when assigning values to '{arg}'"),
            ),
            Wrong::NotUtf8 => m(
                "命令行中有不是 UTF-8 编码的文字",
                "invalid UTF-8 was detected in one or more arguments",
            ),
            Wrong::Other { text } => m(format!("命令行有误：{text}"), text.to_string()),
            Wrong::DidYouMean { what } => m(
                format!("  提示：是不是想写 '{what}'？"),
                format!("  tip: a similar one exists: '{what}'"),
            ),
            Wrong::Error => m("错误：", "error: "),
            Wrong::Usage { usage } => m(
                format!("{}{usage}", HelpWord::Usage.get(Lang::Zh)),
                format!("{}{usage}", HelpWord::Usage.get(Lang::En)),
            ),
            Wrong::MoreHelp { command } => m(
                format!("想了解更多，请运行 '{command} --help'。"),
                format!("For more information, try '{command} --help'."),
            ),
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
            M::HtmlElementRemoved { element: "font" },
            M::HtmlElementRemoved { element: "video" },
            M::HtmlElementRemoved { element: "script" },
            M::HtmlElementRemoved { element: "blink" },
            M::HtmlAttributeRemoved {
                element: "p",
                attribute: "style",
                value: "color: red",
            },
            M::HtmlAttributeRemoved {
                element: "img",
                attribute: "onerror",
                value: "x",
            },
            M::UnsafeUrlRemoved {
                dest: "javascript:x",
            },
            M::PageTooLong { chars: 250_000 },
            M::UnknownSubKey {
                parent: "footer",
                key: "hots",
                nearest: Some("host"),
                known: &known,
            },
            M::LinksNotList { key: "menu" },
            M::LinkNeedsTitleAndUrl { key: "menu" },
            M::FooterNotMap,
            M::SourcesNotList,
            M::SourceNeedsKeyAndPath,
            M::BadSourceKey { key: "x/y" },
            M::SourceKeyTwice {
                key: "a",
                first_line: 2,
            },
            M::SourceMissing {
                key: "a",
                path: "../a",
            },
            M::SourceNotSite {
                key: "a",
                path: "../a",
            },
            M::SourceIsThisSite { key: "a" },
            M::SourceFolderTwice {
                key: "a",
                first: "b",
            },
            M::SourceLoop { key: "a" },
            M::SourceRollsUp { key: "a" },
            M::SourceKeyTaken { key: "a" },
            M::TopicSourcePageMissing {
                entry: "a/cases/x.md",
                source: "a",
            },
            M::NotMap { key: "compile" },
            M::CompilationsNotList,
            M::CompilationNeedsTitleAndFile,
            M::CompilationFileBad { file: "../x.pdf" },
            M::CompilationFileTwice { file: "x.pdf" },
            M::CompilationFileClash {
                file: "cases/index.html",
            },
            M::CompilationYear { year: "23" },
            M::CompilationFailed {
                title: "x",
                error: "y",
            },
            M::FontNotFound {
                role: FontRole::Fangsong,
                value: "fonts/x.ttf",
            },
            M::FontNotAFont {
                role: FontRole::Fangsong,
                value: "fonts/x.ttf",
            },
            M::PictureUnreadable {
                src: "a.png",
                error: "x",
            },
            M::LogoMissing { logo: "x.svg" },
            M::LogoOutside { logo: "../x.svg" },
            M::LinkLeadsNowhere { url: "pages/x" },
            M::BaseUrlWithoutHost { base_url: "/" },
            M::DocNotWord97,
            M::WpsOldFormat,
            M::DocNoWordStream,
            M::DocEncrypted,
            M::DocWord95,
            M::DocDamaged { part: "CLX" },
            M::SofficeFailed {
                detail: "exit status 1",
            },
            M::SofficeTimedOut { secs: 120 },
            M::DocTextOnly,
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

    #[test]
    fn every_command_line_text_has_both_languages() {
        use std::io::ErrorKind;
        let p = "site/output";
        let mut io = vec![];
        let all = [
            Say::Totals {
                errors: 1,
                warnings: 2,
            },
            Say::BuildFailed { output: p },
            Say::Built {
                pages: 1,
                files: 2,
                seconds: 0.5,
                output: p,
                warnings: 1,
            },
            Say::Checked {
                pages: 1,
                warnings: 0,
            },
            Say::Compiled {
                articles: 2,
                pages: 9,
                output: p,
                bytes: 123_456,
                seconds: 1.5,
            },
            Say::NothingSelected {
                selection: "cases, 2023",
            },
            Say::UnknownChoice {
                what: Choice::Region,
                value: "x",
                known: "y",
            },
            Say::NotAYear { value: "x" },
            Say::NoFaceForRole {
                role: FontRole::Fangsong,
                tried: &[FontRole::Fangsong, FontRole::Kai],
            },
            Say::TypesettingFailed { error: "x" },
            Say::CompileStopped,
            Say::Rendering,
            Say::Importing,
            Say::Failed { error: "x" },
            Say::System {
                kind: ErrorKind::NotFound,
                text: "No such file or directory (os error 2)",
            },
            Say::OutputInsideSite { output: p },
            Say::NotOutputFolder { folder: p },
            Say::OutsideOutput { path: p },
            Say::NotFolderName { path: p },
            Say::OutputBusy { folder: p },
            Say::DeployIsFile { folder: p },
            Say::DeployBusy { folder: p },
            Say::DeployForeign {
                folder: p,
                example: "a.docx",
            },
            Say::NothingPublishedAsWas { folder: p },
            Say::OutsideDeploy { path: p },
            Say::NotAFolder { path: p },
            Say::SymbolicLink { path: p },
            Say::FileWhereFolder { path: p },
            Say::FolderWhereFile { path: p },
            Say::Missing { path: p },
            Say::NothingPublished { folder: p },
            Say::Published {
                output: p,
                to: p,
                written: 1,
                deleted: 2,
                unchanged: 3,
            },
            Say::Watching { root: p },
            Say::WatchPublished {
                pages: 1,
                to: p,
                rendered: 1,
                changed: 1,
                rebuilt_ms: 1,
                total_ms: 2,
            },
            Say::WatchFailed { to: p },
            Say::WatchStart,
            Say::HttpStart,
            Say::Listen {
                addr: "127.0.0.1:1111",
                port: 1111,
            },
            Say::MemoryOnly { why: "x" },
            Say::Serving {
                root: p,
                address: "http://127.0.0.1:1111/",
            },
            Say::AcceptFailed { why: "x" },
            Say::OutputNotUpdated { why: "x" },
            Say::ServeBuilt {
                pages: 1,
                rendered: 1,
                ms: 1,
            },
            Say::ServeFailed,
            Say::OverlayHeading,
            Say::SiteCreated { dir: p },
            Say::NotEmpty { dir: p },
            Say::PageCreated { path: p },
            Say::NoSectionOfKind { kind: "speech" },
            Say::EmptyTitle,
            Say::PageExists { path: p },
            Say::Imported {
                files: 1,
                pages: 1,
                skipped: 1,
                failed: 1,
            },
            Say::ImportFolderUnreadable {
                folder: p,
                why: "x",
            },
            Say::NoSuchInput { path: p },
            Say::NotImportable { path: p },
            Say::NothingToImport { inputs: p },
            Say::NoFreeName {
                name: "a",
                folder: p,
            },
            Say::NewFileExists { path: p },
            Say::NotDocx,
            Say::DocxPartUnreadable {
                part: "word/styles.xml",
            },
            Say::DocxNoDocument,
            Say::DocxNotUtf8,
            Say::DocxDamaged,
            Say::DocxCutShort,
            Say::LockIsLink,
        ];
        for what in [
            Io::Read,
            Io::Write,
            Io::WriteIn,
            Io::Create,
            Io::CreateNew,
            Io::Open,
            Io::OpenSite,
            Io::ReadSite,
            Io::Remove,
            Io::Lock,
            Io::MoveAside,
            Io::MoveSiteTo,
            Io::MovePageTo,
            Io::Restore,
            Io::Watch,
        ] {
            io.push(what.at(p));
        }
        let wrong = [
            Wrong::UnknownArgument { arg: "--x" },
            Wrong::UnknownCommand { name: "x" },
            Wrong::BadValue {
                arg: "--lang",
                value: "fr",
                valid: "zh, en",
            },
            Wrong::MissingValue { arg: "--x" },
            Wrong::TooManyValues {
                arg: "--x",
                value: "y",
            },
            Wrong::ValueCount { arg: "--x" },
            Wrong::Conflict {
                arg: "--x",
                other: "--y",
            },
            Wrong::Repeated { arg: "--x" },
            Wrong::MissingArguments { args: "<FILES>" },
            Wrong::MissingCommand { name: "zhanting" },
            Wrong::NeedsEquals { arg: "--x" },
            Wrong::NotUtf8,
            Wrong::Other { text: "x" },
            Wrong::DidYouMean { what: "build" },
            Wrong::Error,
            Wrong::Usage { usage: "zhanting" },
            Wrong::MoreHelp {
                command: "zhanting",
            },
        ];
        let texts = all
            .iter()
            .map(Say::text)
            .chain(io)
            .chain(wrong.iter().map(Wrong::text));
        for t in texts {
            assert!(t.zh.chars().any(crate::text::is_han), "{t:?}");
            // (请核对 is the word the import writes into the files)
            let en = t.en.replace("请核对", "");
            assert!(!en.chars().any(crate::text::is_han), "{t:?}");
        }
        for (c, a, zh, en) in HELP {
            assert!(zh.chars().any(crate::text::is_han), "{c} {a}");
            if !c.is_empty() || !a.is_empty() {
                assert!(!en.chars().any(crate::text::is_han), "{c} {a}: {en}");
            }
        }
    }
}
