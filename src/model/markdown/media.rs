//! Images, video and audio in the HTML of a body.
//!
//! A pass over the rewritten events before they become HTML ([`rewrite`]):
//!
//! - an image alone in its paragraph with alt text becomes a `<figure>`
//!   whose `<figcaption>` is that text (图注), without the `<p>`;
//! - `![宣传片](宣传片.mp4)` becomes a `<video>` player, `.mp3`/`.m4a` an
//!   `<audio>` player, with a download link inside for browsers that play
//!   neither (a figure with the caption when alone with alt text);
//! - an image the page publishes in smaller sizes ([`Img`]) gets `srcset`,
//!   `sizes`, `width`, `height`, lazy loading, and in a figure a link to
//!   the original.
//!
//! Any other image is left to pulldown-cmark, exactly as CommonMark writes it.

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};
use pulldown_cmark_escape::{escape_href, escape_html};

/// How a published image is shown; URLs relative to the page, encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Img {
    /// The size shown on the page.
    pub src: String,
    pub width: u32,
    pub height: u32,
    /// The sizes as `(url, width)`, smallest first; empty when the
    /// original is shown as it is.
    pub sizes: Vec<(String, u32)>,
    /// The original, linked from a figure when it is not the one shown.
    pub original: String,
}

/// The `sizes` attribute: the text column is at most about 760 px wide.
pub const SIZES: &str = "(max-width: 800px) 100vw, 760px";

/// What a file linked as an image plays as.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Media {
    Video,
    Audio,
}

fn media_of(dest: &str) -> Option<Media> {
    let path = dest.split(['#', '?']).next().unwrap_or("");
    let ext = path.rsplit_once('.')?.1.to_ascii_lowercase();
    match ext.as_str() {
        "mp4" | "m4v" | "webm" | "ogv" | "mov" => Some(Media::Video),
        "mp3" | "m4a" | "aac" | "oga" | "ogg" | "opus" | "wav" | "flac" => Some(Media::Audio),
        _ => None,
    }
}

/// Rewrites the images of `events` as the module header says; `picture`
/// tells the sizes of an image by its destination as written.
pub fn rewrite<'a>(
    events: Vec<Event<'a>>,
    picture: &dyn Fn(&str) -> Option<Img>,
) -> Vec<Event<'a>> {
    if !events
        .iter()
        .any(|e| matches!(e, Event::Start(Tag::Image { .. })))
    {
        return events;
    }
    let mut out: Vec<Event<'a>> = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        let Event::Start(Tag::Image {
            dest_url, title, ..
        }) = &events[i]
        else {
            out.push(events[i].clone());
            i += 1;
            continue;
        };
        let end = matching_end(&events, i);
        let alt = alt_text(&events[i + 1..end]);
        let alone = matches!(out.last(), Some(Event::Start(Tag::Paragraph)))
            && matches!(events.get(end + 1), Some(Event::End(TagEnd::Paragraph)));
        let caption = alone && !alt.trim().is_empty();
        let html = match (media_of(dest_url), picture(dest_url)) {
            (Some(m), _) => Some(player(m, dest_url, &alt)),
            (None, Some(img)) => Some(picture_html(&img, &alt, title, caption)),
            (None, None) if caption => Some(plain_img(dest_url, &alt, title)),
            (None, None) => None,
        };
        let Some(html) = html else {
            out.extend(events[i..=end].iter().cloned());
            i = end + 1;
            continue;
        };
        if caption {
            out.pop();
            let mut s = String::from("<figure>");
            s.push_str(&html);
            s.push_str("<figcaption>");
            push_text(&mut s, alt.trim());
            s.push_str("</figcaption></figure>\n");
            out.push(Event::Html(CowStr::from(s)));
            i = end + 2;
        } else {
            out.push(Event::InlineHtml(CowStr::from(html)));
            i = end + 1;
        }
    }
    out
}

/// The index of the `End(Image)` closing the image started at `start`.
fn matching_end(events: &[Event], start: usize) -> usize {
    let mut depth = 0usize;
    for (k, e) in events.iter().enumerate().skip(start) {
        match e {
            Event::Start(Tag::Image { .. }) => depth += 1,
            Event::End(TagEnd::Image) => {
                depth -= 1;
                if depth == 0 {
                    return k;
                }
            }
            _ => {}
        }
    }
    events.len() - 1
}

/// The alt text: the text inside the image, markup dropped.
fn alt_text(events: &[Event]) -> String {
    let mut s = String::new();
    for e in events {
        match e {
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) => s.push_str(t),
            Event::SoftBreak | Event::HardBreak => s.push(' '),
            _ => {}
        }
    }
    s
}

fn push_text(s: &mut String, text: &str) {
    let _ = escape_html(&mut *s, text);
}

fn push_href(s: &mut String, url: &str) {
    let _ = escape_href(&mut *s, url);
}

fn push_alt_title(s: &mut String, alt: &str, title: &str) {
    s.push_str(" alt=\"");
    push_text(s, alt);
    s.push('"');
    if !title.is_empty() {
        s.push_str(" title=\"");
        push_text(s, title);
        s.push('"');
    }
}

/// An image with no sizes known, in a figure.
fn plain_img(dest: &str, alt: &str, title: &str) -> String {
    let mut s = String::from("<img src=\"");
    push_href(&mut s, dest);
    s.push('"');
    push_alt_title(&mut s, alt, title);
    s.push('>');
    s
}

/// A published image: its sizes, and in a figure a link to the original.
fn picture_html(img: &Img, alt: &str, title: &str, linked: bool) -> String {
    let linked = linked && img.original != img.src;
    let mut s = String::new();
    if linked {
        s.push_str("<a href=\"");
        push_href(&mut s, &img.original);
        s.push_str("\">");
    }
    s.push_str("<img src=\"");
    push_href(&mut s, &img.src);
    s.push('"');
    if !img.sizes.is_empty() {
        s.push_str(" srcset=\"");
        for (k, (url, w)) in img.sizes.iter().enumerate() {
            if k > 0 {
                s.push_str(", ");
            }
            push_href(&mut s, url);
            s.push_str(&format!(" {w}w"));
        }
        s.push_str("\" sizes=\"");
        s.push_str(SIZES);
        s.push('"');
    }
    s.push_str(&format!(
        " width=\"{}\" height=\"{}\"",
        img.width, img.height
    ));
    push_alt_title(&mut s, alt, title);
    s.push_str(" loading=\"lazy\" decoding=\"async\">");
    if linked {
        s.push_str("</a>");
    }
    s
}

/// A video or audio player with a download link inside for browsers
/// that cannot play it.
fn player(m: Media, dest: &str, alt: &str) -> String {
    let (tag, what) = match m {
        Media::Video => ("video", "下载视频"),
        Media::Audio => ("audio", "下载音频"),
    };
    let mut s = format!("<{tag} controls preload=\"metadata\" src=\"");
    push_href(&mut s, dest);
    s.push_str("\"><a href=\"");
    push_href(&mut s, dest);
    s.push_str("\">");
    s.push_str(what);
    let alt = alt.trim();
    if !alt.is_empty() {
        s.push('：');
        push_text(&mut s, alt);
    }
    s.push_str(&format!("</a></{tag}>"));
    s
}
