//! Whether an SVG file is safe to publish on the site's own origin.
//!
//! A reader who opens an SVG's address gets it as a document of the site:
//! scripts in it run with the site's rights. So an SVG (`.svg`, or gzipped
//! `.svgz`) is published only when a real XML parse finds nothing active in
//! it; otherwise it is refused, never cleaned, so what is published is what
//! was written.
//!
//! The rules, decided on names after namespace resolution and on attribute
//! values after entity decoding:
//! - elements in the SVG namespace (or in none) must be on an allow-list of
//!   drawing elements (no `script`, `foreignObject`, `iframe` …); elements
//!   in the XHTML namespace are refused; elements of other namespaces
//!   (Inkscape's `sodipodi:namedview`, RDF metadata) are inert and allowed;
//! - attributes named `on…` are refused on every element;
//! - link attributes (`href`, `xlink:href`, `src`) may only point inside the
//!   file (`#id`) or to a relative address; `<image>` may also embed a
//!   raster picture (`data:image/png` …); `<use>` only `#id`;
//! - no attribute value and no `<style>` text may hold a `javascript:`,
//!   `vbscript:` or `data:text/html` address, `url(…)` other than `#id`,
//!   `@import` or `expression(` (compared with whitespace and control
//!   characters removed and in lower case);
//! - `<set>`/`<animate…>` may not write `href` or an `on…` attribute;
//! - entity declarations, `<?xml-stylesheet?>` and ill-formed XML are
//!   refused.

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;
use std::io::Read;
use std::path::Path;

const SVG_NS: &str = "http://www.w3.org/2000/svg";
const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";

/// The most a gzipped `.svgz` may inflate to.
const MAX_INFLATED: u64 = 16 << 20;

/// Drawing elements of SVG 1.1/2 (and Inkscape's flowed text, SVG fonts):
/// nothing here runs code or embeds another document.
const ALLOWED: &[&str] = &[
    "a",
    "altGlyph",
    "altGlyphDef",
    "altGlyphItem",
    "animate",
    "animateColor",
    "animateMotion",
    "animateTransform",
    "circle",
    "clipPath",
    "color-profile",
    "cursor",
    "defs",
    "desc",
    "ellipse",
    "feBlend",
    "feColorMatrix",
    "feComponentTransfer",
    "feComposite",
    "feConvolveMatrix",
    "feDiffuseLighting",
    "feDisplacementMap",
    "feDistantLight",
    "feDropShadow",
    "feFlood",
    "feFuncA",
    "feFuncB",
    "feFuncG",
    "feFuncR",
    "feGaussianBlur",
    "feImage",
    "feMerge",
    "feMergeNode",
    "feMorphology",
    "feOffset",
    "fePointLight",
    "feSpecularLighting",
    "feSpotLight",
    "feTile",
    "feTurbulence",
    "filter",
    "flowDiv",
    "flowPara",
    "flowRegion",
    "flowRoot",
    "flowSpan",
    "font",
    "font-face",
    "font-face-format",
    "font-face-name",
    "font-face-src",
    "font-face-uri",
    "g",
    "glyph",
    "glyphRef",
    "hatch",
    "hatchpath",
    "hkern",
    "image",
    "line",
    "linearGradient",
    "marker",
    "mask",
    "mesh",
    "meshgradient",
    "meshpatch",
    "meshrow",
    "metadata",
    "missing-glyph",
    "mpath",
    "path",
    "pattern",
    "polygon",
    "polyline",
    "radialGradient",
    "rect",
    "set",
    "solidcolor",
    "stop",
    "style",
    "svg",
    "switch",
    "symbol",
    "text",
    "textPath",
    "title",
    "tref",
    "tspan",
    "use",
    "view",
    "vkern",
];

const ANIMATIONS: &[&str] = &[
    "set",
    "animate",
    "animateColor",
    "animateMotion",
    "animateTransform",
];

/// Why an SVG is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SvgProblem {
    /// An element that can run code or embed a document (`script`, `foreignObject`, an HTML element).
    Element(String),
    /// An `on…` event-handler attribute.
    Handler(String),
    /// A `javascript:`-style address, or an animation that writes one.
    ActiveLink(String),
    /// A reference to a file outside the SVG (`http:`, `url(other.svg)`, `@import`).
    External(String),
    /// Entity declarations or a style sheet processing instruction.
    Declarations,
    /// Not well-formed XML (or an `.svgz` that is not gzip, or too large).
    Unreadable(String),
}

/// `Some(problem)` when the SVG at `path` may not be published; `None` for
/// files that are no SVG (by extension) and for safe SVGs. A file that
/// cannot be read is left to the caller's own read to report.
pub fn check_file(path: &Path) -> Option<SvgProblem> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    if ext != "svg" && ext != "svgz" {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    if ext == "svgz" || bytes.starts_with(&[0x1f, 0x8b]) {
        let mut inflated = vec![];
        let read = flate2::read::GzDecoder::new(&bytes[..])
            .take(MAX_INFLATED + 1)
            .read_to_end(&mut inflated);
        return match read {
            Err(e) => Some(SvgProblem::Unreadable(format!("gzip: {e}"))),
            Ok(_) if inflated.len() as u64 > MAX_INFLATED => Some(SvgProblem::Unreadable(format!(
                "gzip: more than {} MiB",
                MAX_INFLATED >> 20
            ))),
            Ok(_) => check(&inflated).err(),
        };
    }
    check(&bytes).err()
}

/// Checks an SVG document's bytes (see the module rules).
pub fn check(bytes: &[u8]) -> Result<(), SvgProblem> {
    let text = decode(bytes)?;
    let mut reader = NsReader::from_str(&text);
    let mut style_depth: Option<usize> = None;
    let mut style_text = String::new();
    let mut depth = 0usize;
    loop {
        let (ns, event) = reader
            .read_resolved_event()
            .map_err(|e| SvgProblem::Unreadable(e.to_string()))?;
        let ns = owned_ns(ns)?;
        match event {
            Event::Start(e) => {
                start_allowed(&reader, ns.as_deref(), &e)?;
                depth += 1;
                if raw(&e.local_name()) == "style" && style_depth.is_none() {
                    style_depth = Some(depth);
                }
            }
            Event::Empty(e) => start_allowed(&reader, ns.as_deref(), &e)?,
            Event::End(_) => {
                if style_depth == Some(depth) {
                    style_depth = None;
                    style_allowed(&style_text)?;
                    style_text.clear();
                }
                depth = depth.saturating_sub(1);
            }
            Event::Text(t) if style_depth.is_some() => {
                style_text.push_str(raw(&t));
            }
            Event::CData(t) if style_depth.is_some() => {
                style_text.push_str(raw(&t));
            }
            Event::GeneralRef(r) => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    Ok(None) => match raw(&r) {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "quot" => '"',
                        "apos" => '\'',
                        _ => return Err(SvgProblem::Declarations),
                    },
                    Err(e) => return Err(SvgProblem::Unreadable(e.to_string())),
                };
                if style_depth.is_some() {
                    style_text.push(c);
                }
            }
            Event::DocType(d) => {
                let d = raw(&d).to_string().to_ascii_lowercase();
                if d.contains('[') || d.contains("<!entity") {
                    return Err(SvgProblem::Declarations);
                }
            }
            Event::PI(pi) => {
                let target = String::from_utf8_lossy(pi.target().as_ref()).to_ascii_lowercase();
                if target == "xml-stylesheet" {
                    return Err(SvgProblem::Declarations);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if depth != 0 {
        return Err(SvgProblem::Unreadable("unclosed element".into()));
    }
    Ok(())
}

/// The text of a name or of content (quick-xml types offer more than one `AsRef`).
fn raw<T: AsRef<str>>(t: &T) -> &str {
    t.as_ref()
}

/// An opening (or empty) element of namespace `ns`: its name, then each
/// of its attributes.
fn start_allowed(
    reader: &NsReader<&[u8]>,
    ns: Option<&str>,
    e: &quick_xml::events::BytesStart<'_>,
) -> Result<(), SvgProblem> {
    let local = raw(&e.local_name()).to_string();
    element_allowed(ns, &local)?;
    for attr in e.attributes() {
        let attr = attr.map_err(|e| SvgProblem::Unreadable(e.to_string()))?;
        let key = raw(&attr.key);
        if key == "xmlns" || key.starts_with("xmlns:") {
            continue;
        }
        let (_, attr_local) = reader.resolver().resolve_attribute(attr.key);
        let name = raw(&attr_local).to_string();
        let value = attr
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .map_err(|e| SvgProblem::Unreadable(e.to_string()))?;
        attribute_allowed(&local, &name, &value)?;
    }
    Ok(())
}

/// The document as text: UTF-16 with a byte-order mark, or the encoding
/// named in the XML declaration, else UTF-8.
fn decode(bytes: &[u8]) -> Result<String, SvgProblem> {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, bad) = enc.decode_without_bom_handling(&bytes[bom..]);
        return if bad {
            Err(SvgProblem::Unreadable(format!("not valid {}", enc.name())))
        } else {
            Ok(text.into_owned())
        };
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).to_ascii_lowercase();
    let declared = head
        .strip_prefix("<?xml")
        .and_then(|d| d.split("?>").next())
        .and_then(|d| d.split_once("encoding"))
        .and_then(|(_, rest)| {
            let rest = rest.trim_start().strip_prefix('=')?.trim_start();
            let quote = rest.chars().next()?;
            rest[1..].split(quote).next().map(str::to_string)
        });
    let enc = match declared {
        None => encoding_rs::UTF_8,
        Some(label) => encoding_rs::Encoding::for_label(label.trim().as_bytes())
            .ok_or_else(|| SvgProblem::Unreadable(format!("unknown encoding {label}")))?,
    };
    let (text, _, bad) = enc.decode(bytes);
    if bad {
        return Err(SvgProblem::Unreadable(format!("not valid {}", enc.name())));
    }
    Ok(text.into_owned())
}

/// The namespace of an element or attribute; `None` for the SVG namespace
/// or no namespace (both are drawn as SVG).
fn owned_ns(ns: ResolveResult<'_>) -> Result<Option<String>, SvgProblem> {
    match ns {
        ResolveResult::Unbound => Ok(None),
        ResolveResult::Bound(n) if raw(&n) == SVG_NS => Ok(None),
        ResolveResult::Bound(n) => Ok(Some(raw(&n).to_string())),
        ResolveResult::Unknown(p) => Err(SvgProblem::Unreadable(format!(
            "undeclared namespace prefix {p}"
        ))),
    }
}

fn element_allowed(ns: Option<&str>, local: &str) -> Result<(), SvgProblem> {
    match ns {
        None if ALLOWED.contains(&local) => Ok(()),
        None => Err(SvgProblem::Element(local.to_string())),
        Some(XHTML_NS) => Err(SvgProblem::Element(local.to_string())),
        // Inkscape, Sodipodi, RDF, Dublin Core …: not drawn, never run.
        Some(_) => Ok(()),
    }
}

/// Lower case, without whitespace and control characters: how a browser
/// reads the scheme of an address.
fn compact(value: &str) -> String {
    value
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control() && *c != '\u{feff}')
        .flat_map(char::to_lowercase)
        .collect()
}

/// A value's `url(…)` references must stay inside the file.
fn urls_inside(c: &str) -> Result<(), SvgProblem> {
    let mut rest = c;
    while let Some(i) = rest.find("url(") {
        rest = &rest[i + 4..];
        let target = rest.trim_start_matches(['"', '\'']);
        if !target.starts_with('#') {
            let shown: String = target.chars().take(60).collect();
            return Err(SvgProblem::External(shown));
        }
    }
    Ok(())
}

fn no_active_text(original: &str, c: &str) -> Result<(), SvgProblem> {
    for bad in ["javascript:", "vbscript:", "data:text/html", "expression("] {
        if c.contains(bad) {
            return Err(SvgProblem::ActiveLink(
                original.trim().chars().take(60).collect(),
            ));
        }
    }
    Ok(())
}

fn attribute_allowed(element: &str, name: &str, value: &str) -> Result<(), SvgProblem> {
    if name.len() > 2 && name[..2].eq_ignore_ascii_case("on") {
        return Err(SvgProblem::Handler(name.to_string()));
    }
    let c = compact(value);
    no_active_text(value, &c)?;
    urls_inside(&c)?;
    if ANIMATIONS.contains(&element) && name == "attributeName" {
        let target = c.rsplit(':').next().unwrap_or("");
        if target == "href" || target.starts_with("on") {
            return Err(SvgProblem::ActiveLink(value.trim().to_string()));
        }
    }
    if matches!(name, "href" | "src") && !c.is_empty() && !c.starts_with('#') {
        let is_raster = ["png", "jpeg", "jpg", "gif", "webp", "bmp"]
            .iter()
            .any(|t| c.starts_with(&format!("data:image/{t}")));
        let has_scheme = c
            .split_once(':')
            .is_some_and(|(s, _)| !s.is_empty() && !s.contains(['/', '?', '#']));
        let allowed = match element {
            "use" => false,
            "image" | "feImage" => is_raster || (!has_scheme && !c.starts_with("//")),
            _ => !has_scheme && !c.starts_with("//"),
        };
        if !allowed {
            let shown: String = value.trim().chars().take(60).collect();
            return Err(if c.starts_with("data:") || c.contains("script:") {
                SvgProblem::ActiveLink(shown)
            } else {
                SvgProblem::External(shown)
            });
        }
    }
    Ok(())
}

fn style_allowed(css: &str) -> Result<(), SvgProblem> {
    let c = compact(css);
    no_active_text(css, &c)?;
    if c.contains("@import") {
        return Err(SvgProblem::External("@import".into()));
    }
    urls_inside(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(svg: &str) -> SvgProblem {
        match check(svg.as_bytes()) {
            Err(p) => p,
            Ok(()) => panic!("published, but must be refused:\n{svg}"),
        }
    }

    const NS: &str =
        r#"xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink""#;

    #[test]
    fn drawings_as_editors_write_them_are_published() {
        let inkscape = format!(
            r##"<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!-- Created with Inkscape -->
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg {NS} xmlns:sodipodi="http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd"
  xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape"
  xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dc="http://purl.org/dc/elements/1.1/"
  viewBox="0 0 100 100" inkscape:version="1.2" sodipodi:docname="党徽.svg">
  <sodipodi:namedview id="nv" pagecolor="#ffffff"/>
  <metadata><rdf:RDF><dc:title>稻香先锋</dc:title></rdf:RDF></metadata>
  <defs><linearGradient id="g1"><stop offset="0" style="stop-color:#c00"/></linearGradient>
    <filter id="f"><feGaussianBlur stdDeviation="2"/></filter>
    <style>.a {{ fill: url(#g1); }} text {{ font-family: "宋体"; }}</style></defs>
  <circle cx="50" cy="50" r="40" fill="url(#g1)" filter="url( '#f' )" class="a"/>
  <use xlink:href="#c1" href="#c1"/>
  <image href="data:image/png;base64,iVBORw0KGgo=" width="10" height="10"/>
  <image xlink:href="photo.jpg" width="10" height="10"/>
  <a href="../about/"><text x="10" y="90">党建 &amp; 品牌 &#x4E00;</text></a>
  <animate attributeName="opacity" from="0" to="1" dur="1s"/>
</svg>"##
        );
        assert_eq!(check(inkscape.as_bytes()), Ok(()));
        assert_eq!(
            check(b"<svg viewBox=\"0 0 10 10\"><circle cx=\"5\" cy=\"5\" r=\"4\" fill=\"#c00\"/><text>online</text></svg>"),
            Ok(())
        );
    }

    #[test]
    fn scripts_by_any_name_are_refused() {
        assert_eq!(
            refused(&format!("<svg {NS}><script>alert(1)</script></svg>")),
            SvgProblem::Element("script".into())
        );
        // Prefixed: `svg:script` is the same element.
        assert_eq!(
            refused(
                r#"<svg:svg xmlns:svg="http://www.w3.org/2000/svg"><svg:script>alert(1)</svg:script></svg:svg>"#
            ),
            SvgProblem::Element("script".into())
        );
        // Another prefix bound to the SVG namespace inside a foreign root.
        assert_eq!(
            refused(
                r#"<x:y xmlns:x="urn:x"><s:script xmlns:s="http://www.w3.org/2000/svg">alert(1)</s:script></x:y>"#
            ),
            SvgProblem::Element("script".into())
        );
        // HTML inside SVG.
        assert_eq!(
            refused(&format!(
                r#"<svg {NS}><h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(1)</h:script></svg>"#
            )),
            SvgProblem::Element("script".into())
        );
        assert_eq!(
            refused(&format!("<svg {NS}><foreignObject><body xmlns=\"http://www.w3.org/1999/xhtml\"><iframe/></body></foreignObject></svg>")),
            SvgProblem::Element("foreignObject".into())
        );
        assert_eq!(
            refused(&format!("<svg {NS}><iframe src=\"x\"/></svg>")),
            SvgProblem::Element("iframe".into())
        );
        // Uppercase is another element to a browser, and not on the list.
        assert_eq!(
            refused(&format!("<svg {NS}><SCRIPT>alert(1)</SCRIPT></svg>")),
            SvgProblem::Element("SCRIPT".into())
        );
    }

    #[test]
    fn event_handlers_on_any_element_are_refused() {
        for (svg, attr) in [
            (format!("<svg {NS} onload=\"alert(1)\"></svg>"), "onload"),
            (format!("<svg {NS}><rect ONCLICK = 'x'/></svg>"), "ONCLICK"),
            (
                format!("<svg {NS}><g><text onmouseover=\"x()\">a</text></g></svg>"),
                "onmouseover",
            ),
            (
                format!("<svg {NS} xmlns:i=\"urn:i\"><i:x onbegin=\"x()\"/></svg>"),
                "onbegin",
            ),
            (
                format!("<svg {NS}><set attributeName=\"fill\" onend=\"x()\"/></svg>"),
                "onend",
            ),
        ] {
            assert_eq!(refused(&svg), SvgProblem::Handler(attr.into()), "{svg}");
        }
    }

    #[test]
    fn obfuscated_javascript_links_are_refused() {
        for svg in [
            format!("<svg {NS}><a xlink:href=\"javascript:alert(1)\"><text>x</text></a></svg>"),
            // Entity-encoded: &#106; is `j`.
            format!("<svg {NS}><a xlink:href=\"&#106;avascript:alert(1)\"><text>x</text></a></svg>"),
            format!("<svg {NS}><a href=\"&#x6A;&#x61;vascript&#58;alert(1)\"><text>x</text></a></svg>"),
            // Whitespace and control characters inside the scheme.
            format!("<svg {NS}><a href=\"java\nscript:alert(1)\"><text>x</text></a></svg>"),
            format!("<svg {NS}><a href=\" jav&#x09;ascript:alert(1)\"><text>x</text></a></svg>"),
            format!("<svg {NS}><a href=\"JaVaScRiPt:alert(1)\"><text>x</text></a></svg>"),
            format!("<svg {NS}><a href=\"vbscript:msgbox\"><text>x</text></a></svg>"),
            format!("<svg {NS}><a href=\"data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;\"><text>x</text></a></svg>"),
        ] {
            assert!(
                matches!(refused(&svg), SvgProblem::ActiveLink(_)),
                "{svg}"
            );
        }
    }

    #[test]
    fn animations_that_write_links_are_refused() {
        for svg in [
            format!("<svg {NS}><a><set attributeName=\"href\" to=\"#x\"/><text>x</text></a></svg>"),
            format!("<svg {NS}><a><set attributeName=\"xlink:href\" to=\"#x\"/><text>x</text></a></svg>"),
            format!("<svg {NS}><a><animate attributeName=\" href\" values=\"#a;#b\"/><text>x</text></a></svg>"),
            format!("<svg {NS}><a><animate attributeName=\"href\" values=\"&#106;avascript:alert(1)\"/><text>x</text></a></svg>"),
            format!("<svg {NS}><set attributeName=\"onclick\" to=\"x\"/></svg>"),
        ] {
            assert!(
                matches!(refused(&svg), SvgProblem::ActiveLink(_)),
                "{svg}"
            );
        }
    }

    #[test]
    fn data_and_outside_references_are_refused() {
        assert!(matches!(
            refused(&format!(
                "<svg {NS}><use href=\"data:image/svg+xml;base64,PHN2Zz4=\"/></svg>"
            )),
            SvgProblem::ActiveLink(_)
        ));
        assert!(matches!(
            refused(&format!(
                "<svg {NS}><use xlink:href=\"other.svg#x\"/></svg>"
            )),
            SvgProblem::External(_)
        ));
        assert!(matches!(
            refused(&format!(
                "<svg {NS}><image href=\"data:image/svg+xml,&lt;svg onload=x&gt;\"/></svg>"
            )),
            SvgProblem::ActiveLink(_)
        ));
        for svg in [
            format!("<svg {NS}><image href=\"http://example.com/x.png\"/></svg>"),
            format!("<svg {NS}><image href=\"//example.com/x.png\"/></svg>"),
            format!("<svg {NS}><a href=\"https://example.com/\"><text>x</text></a></svg>"),
            format!("<svg {NS}><rect fill=\"url(http://example.com/x.svg#p)\"/></svg>"),
            format!("<svg {NS}><rect style=\"fill: url( 'http://example.com/p' )\"/></svg>"),
            format!("<svg {NS}><style>@import url(http://example.com/a.css);</style></svg>"),
            format!(
                "<svg {NS}><style><![CDATA[ rect {{ fill: url(http://x/y) }} ]]></style></svg>"
            ),
        ] {
            assert!(matches!(refused(&svg), SvgProblem::External(_)), "{svg}");
        }
        assert!(matches!(
            refused(&format!(
                "<svg {NS}><style>a {{ background: url(&#106;avascript:x) }}</style></svg>"
            )),
            SvgProblem::ActiveLink(_)
        ));
    }

    #[test]
    fn declarations_and_broken_files_are_refused() {
        assert_eq!(
            refused("<?xml version=\"1.0\"?><!DOCTYPE svg [<!ENTITY a \"&#106;avascript:\">]><svg xmlns=\"http://www.w3.org/2000/svg\"><a href=\"&a;x\"/></svg>"),
            SvgProblem::Declarations
        );
        assert_eq!(
            refused("<?xml-stylesheet type=\"text/xsl\" href=\"x.xsl\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            SvgProblem::Declarations
        );
        assert!(matches!(
            refused("<svg><g></svg>"),
            SvgProblem::Unreadable(_)
        ));
        assert!(matches!(refused("<svg"), SvgProblem::Unreadable(_)));
        assert!(matches!(
            refused("<svg><a href=\"&bogus;\"/></svg>"),
            SvgProblem::Unreadable(_) | SvgProblem::Declarations
        ));
    }

    #[test]
    fn svgz_files_are_inflated_and_checked() {
        use std::io::Write;
        let tmp = tempfile::tempdir().unwrap();
        let gz = |svg: &str| {
            let mut e = flate2::write::GzEncoder::new(vec![], flate2::Compression::default());
            e.write_all(svg.as_bytes()).unwrap();
            e.finish().unwrap()
        };
        let bad = tmp.path().join("logo.svgz");
        std::fs::write(&bad, gz(&format!("<svg {NS}><script>x</script></svg>"))).unwrap();
        assert_eq!(check_file(&bad), Some(SvgProblem::Element("script".into())));
        let good = tmp.path().join("ok.SVGZ");
        std::fs::write(&good, gz(&format!("<svg {NS}><rect/></svg>"))).unwrap();
        assert_eq!(check_file(&good), None);
        // Gzipped content under the plain extension is read the same way.
        let hidden = tmp.path().join("hidden.svg");
        std::fs::write(&hidden, gz(&format!("<svg {NS} onload=\"x\"/>"))).unwrap();
        assert_eq!(
            check_file(&hidden),
            Some(SvgProblem::Handler("onload".into()))
        );
        let junk = tmp.path().join("junk.svgz");
        std::fs::write(&junk, b"not gzip").unwrap();
        assert!(matches!(check_file(&junk), Some(SvgProblem::Unreadable(_))));
        let png = tmp.path().join("x.png");
        std::fs::write(&png, b"<script>").unwrap();
        assert_eq!(check_file(&png), None);
    }

    #[test]
    fn utf16_files_are_read_as_a_browser_reads_them() {
        let svg = format!("<svg {NS}><script>x</script></svg>");
        let mut bytes = vec![0xff, 0xfe];
        for u in svg.encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(check(&bytes), Err(SvgProblem::Element("script".into())));
    }
}
