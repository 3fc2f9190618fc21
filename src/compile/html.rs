//! The booklet as one print-ready HTML file (`--format html`): for staff
//! who print from a browser or paste into Word. The same cover, 目录 and
//! articles as the PDF; A4 pages and page breaks by CSS (`@page`,
//! `break-before`), the faces by their common names. Pictures are carried
//! inside the file (`data:` addresses), so it opens anywhere on its own;
//! no script, and no raw HTML of the pages (their text is kept).

use super::{Booklet, Failure};
use crate::diag::Diagnostic;
use crate::load::content::Page;
use pulldown_cmark::{Event, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};
use std::path::Path;

const STYLE: &str = r#"
@page { size: A4; margin: 37mm 26mm 35mm 28mm;
  @bottom-center { content: "— " counter(page) " —"; font: 14pt "宋体", SimSun, "AR PL UMing CN", serif; } }
@page front { @bottom-center { content: none; } }
html { font: 16pt/28.9pt "仿宋_GB2312", "仿宋", FangSong, STFangsong, "楷体", KaiTi, "AR PL UKai CN", serif; color: #000; }
body { margin: 0 auto; max-width: 156mm; }
.cover, .toc { page: front; break-after: page; }
.cover { text-align: center; padding-top: 50mm; min-height: 200mm; display: flex; flex-direction: column; }
.cover h1 { font: 30pt/1.4 "方正小标宋简体", "宋体", SimSun, "AR PL UMing CN", serif; margin: 0; }
.cover .host { margin-top: auto; font-family: "楷体_GB2312", "楷体", KaiTi, "AR PL UKai CN", serif; }
.toc h2 { text-align: center; font: 22pt/1.4 "黑体", SimHei, "WenQuanYi Zen Hei", sans-serif; }
.toc ol { list-style: none; padding: 0; font-size: 14pt; }
.toc a { color: inherit; text-decoration: none; }
article { break-before: page; }
article > h1 { text-align: center; font: 22pt/1.4 "方正小标宋简体", "宋体", SimSun, "AR PL UMing CN", serif; margin: 0 0 6pt; }
.meta { text-align: center; text-indent: 0; font-family: "楷体_GB2312", "楷体", KaiTi, "AR PL UKai CN", serif; margin: 0 0 1.2em; }
p { text-indent: 2em; margin: 0; text-align: justify; }
h2, h3, h4, h5, h6 { font-size: 16pt; font-weight: normal; margin: 0; text-indent: 2em; }
h2 { font-family: "黑体", SimHei, "WenQuanYi Zen Hei", sans-serif; }
h3, h4, h5, h6 { font-family: "楷体_GB2312", "楷体", KaiTi, "AR PL UKai CN", serif; }
strong { font-family: "黑体", SimHei, "WenQuanYi Zen Hei", sans-serif; font-weight: normal; }
em { font-family: "楷体_GB2312", "楷体", KaiTi, "AR PL UKai CN", serif; font-style: normal; }
figure { margin: 0.5em 0; text-align: center; break-inside: avoid; }
figure img, p img { max-width: 100%; }
figcaption { font-family: "楷体_GB2312", "楷体", KaiTi, "AR PL UKai CN", serif; font-size: 14pt; }
table { border-collapse: collapse; font-size: 12pt; line-height: 1.5; margin: 0.5em auto; }
td, th { border: 0.5pt solid #000; padding: 3pt 5pt; }
th p, td p, li p, blockquote p { text-indent: 0; }
"#;

/// The HTML file of `booklet`.
pub fn make(root: &Path, booklet: &Booklet<'_>) -> Result<Vec<u8>, Failure> {
    let mut s = String::new();
    s.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<title>");
    push_text(&mut s, &booklet.title);
    s.push_str("</title>\n<style>");
    s.push_str(STYLE);
    s.push_str("</style>\n</head>\n<body>\n<section class=\"cover\">\n<h1>");
    push_text(&mut s, &booklet.title);
    s.push_str("</h1>\n<p class=\"host\">");
    push_text(&mut s, &booklet.host);
    s.push_str("<br>");
    push_text(&mut s, &booklet.date);
    s.push_str("</p>\n</section>\n<nav class=\"toc\">\n<h2>目　录</h2>\n<ol>\n");
    for (i, a) in booklet.articles.iter().enumerate() {
        s.push_str(&format!("<li><a href=\"#a{}\">", i + 1));
        push_text(&mut s, a.title);
        s.push_str("</a></li>\n");
    }
    s.push_str("</ol>\n</nav>\n");
    for (i, a) in booklet.articles.iter().enumerate() {
        s.push_str(&format!("<article id=\"a{}\">\n<h1>", i + 1));
        push_text(&mut s, a.title);
        s.push_str("</h1>\n");
        if !a.meta.is_empty() {
            s.push_str("<p class=\"meta\">");
            push_text(&mut s, &a.meta);
            s.push_str("</p>\n");
        }
        body(root, a.page, &mut s).map_err(|d| Failure::At(vec![d]))?;
        s.push_str("</article>\n");
    }
    s.push_str("</body>\n</html>\n");
    Ok(s.into_bytes())
}

fn push_text(s: &mut String, t: &str) {
    // writing into a String cannot fail
    let _ = escape_html(&mut *s, t);
}

/// A page's body: its Markdown as HTML, without raw HTML or links, its
/// pictures inside the file.
fn body(root: &Path, page: &Page, out: &mut String) -> Result<(), Diagnostic> {
    let mut events: Vec<Event<'_>> = vec![];
    // a video or audio file: its alt text collected, then a note in its place
    let mut media: Option<String> = None;
    let mut alt = String::new();
    for (event, range) in crate::model::markdown::parse(&page.body) {
        match event {
            Event::Html(_) | Event::InlineHtml(_) => {}
            Event::Start(Tag::Link { .. }) | Event::End(TagEnd::Link) => {}
            Event::Start(Tag::Image { dest_url, .. })
                if super::markup::media_note("", &dest_url).is_some() =>
            {
                media = Some(dest_url.to_string());
                alt.clear();
            }
            Event::Text(t) if media.is_some() => alt.push_str(&t),
            Event::End(TagEnd::Image) if media.is_some() => {
                let dest = media.take().unwrap_or_default();
                let note = super::markup::media_note(&alt, &dest).unwrap_or_default();
                events.push(Event::Text(note.into()));
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let src = data_url(root, page, &dest_url, range.start)?;
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url: src.into(),
                    title,
                    id,
                }));
            }
            e => events.push(e),
        }
    }
    pulldown_cmark::html::push_html(out, events.into_iter());
    Ok(())
}

/// A picture of the site folder as a `data:` address; a picture on the
/// web keeps its address (the browser may show it, the print may not).
fn data_url(root: &Path, page: &Page, dest: &str, at: usize) -> Result<String, Diagnostic> {
    use base64::Engine;
    if super::markup::on_the_web(dest) {
        let mut s = String::new();
        let _ = escape_href(&mut s, dest);
        return Ok(s);
    }
    let picture = super::markup::read_picture(root, page, dest, at)?;
    let mime = mime_guess::from_path(&picture.file).first_or_octet_stream();
    Ok(format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(&picture.bytes)
    ))
}
