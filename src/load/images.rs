//! Photos made fit for the web when the site is built.
//!
//! A JPEG or PNG image a page shows (in its text, as its cover or in its
//! `gallery`) is published in up to two smaller sizes beside the original:
//! the longest side at most [`MAIN_SIDE`] pixels for the page and
//! [`SMALL_SIDE`] for phones, never enlarged. The original is still copied
//! and linked. Each size is made once and kept in the site folder's cache
//! ([`CACHE_DIR`]) under the hash of the original's bytes
//! ([`cache_name`]), so the next build copies it from there without
//! decoding the photo again. The files are the same bytes on every build:
//! fixed JPEG quality, no dates, no metadata.
//!
//! This module only reads the bytes it is given and writes the cache; the
//! load that calls it reads the original through its `ReadSet`. A file
//! that cannot be read as an image is a [`Problem`], which the caller
//! reports as a warning and publishes the file as it is.

use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::PngEncoder;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use sha1::{Digest, Sha1};
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The longest side of the size shown on the page.
pub const MAIN_SIDE: u32 = 1600;
/// The longest side of the size for phones and thumbnails.
pub const SMALL_SIDE: u32 = 640;
/// Where the resized files are kept, relative to the site folder. Neither
/// the content walk nor the watcher looks there.
pub const CACHE_DIR: &str = ".zhanting/cache/images";
/// The JPEG quality of every resized photo (fixed, so builds agree).
const JPEG_QUALITY: u8 = 82;

/// One published size of a picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Size {
    pub width: u32,
    pub height: u32,
    /// Output path relative to the output root, `/`-separated, not encoded.
    pub dest: String,
    /// The cached file it is copied from.
    pub source: PathBuf,
}

/// A JPEG or PNG image a page shows, as published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picture {
    /// The original's output path (not encoded).
    pub original: String,
    /// The original's size in pixels, as it is shown (EXIF rotation applied).
    pub width: u32,
    pub height: u32,
    /// The smaller sizes, smallest first; empty when the original is no
    /// larger than [`SMALL_SIDE`].
    pub sizes: Vec<Size>,
}

impl Picture {
    /// The size to show on the page: the [`MAIN_SIDE`] one, else the
    /// original. `(dest, width, height)`.
    pub fn main(&self) -> (&str, u32, u32) {
        match self.sizes.last() {
            Some(s) if self.width.max(self.height) > MAIN_SIDE => (&s.dest, s.width, s.height),
            _ => (&self.original, self.width, self.height),
        }
    }

    /// The same picture published under the folder `key` (roll-up).
    pub fn moved_under(self, key: &str) -> Picture {
        Picture {
            original: format!("{key}/{}", self.original),
            sizes: self
                .sizes
                .into_iter()
                .map(|s| Size {
                    dest: format!("{key}/{}", s.dest),
                    ..s
                })
                .collect(),
            ..self
        }
    }

    /// The smallest size (for thumbnails). `(dest, width, height)`.
    pub fn small(&self) -> (&str, u32, u32) {
        match self.sizes.first() {
            Some(s) => (&s.dest, s.width, s.height),
            None => (&self.original, self.width, self.height),
        }
    }

    /// Every size a browser may pick (`srcset`), smallest first, as
    /// `(dest, width)`: the resized ones, and the original when it is the
    /// one shown; empty when there is nothing to pick from.
    pub fn srcset(&self) -> Vec<(&str, u32)> {
        let mut out: Vec<(&str, u32)> = self
            .sizes
            .iter()
            .map(|s| (s.dest.as_str(), s.width))
            .collect();
        if !out.is_empty() && self.width.max(self.height) <= MAIN_SIDE {
            out.push((&self.original, self.width));
        }
        out
    }
}

/// Why an image could not be made smaller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem(pub String);

/// True for the files this module resizes: `.jpg`, `.jpeg`, `.png`.
pub fn is_raster(name: &str) -> bool {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    matches!(ext.as_deref(), Some("jpg" | "jpeg" | "png"))
}

/// How many images were decoded to be resized since the program started
/// (a cache hit decodes nothing).
pub fn resize_count() -> usize {
    RESIZES.load(Ordering::Relaxed)
}

static RESIZES: AtomicUsize = AtomicUsize::new(0);

/// The name of a resized file in the cache: the hash of the original's
/// bytes and the longest side.
pub fn cache_name(bytes: &[u8], side: u32, format: ImageFormat) -> String {
    let digest = Sha1::digest(bytes);
    let hex: String = digest[..12].iter().map(|b| format!("{b:02x}")).collect();
    let ext = if format == ImageFormat::Png {
        "png"
    } else {
        "jpg"
    };
    format!("{hex}-{side}.{ext}")
}

/// The sizes of the image `bytes`, published at `original` (an output
/// path): each one taken from the cache under `site`, or made and put there
/// when `make` (else only worked out: `check` writes nothing).
pub fn prepare(site: &Path, bytes: &[u8], original: &str, make: bool) -> Result<Picture, Problem> {
    let format = match image::guess_format(bytes) {
        Ok(f @ (ImageFormat::Jpeg | ImageFormat::Png)) => f,
        Ok(f) => {
            return Err(Problem(format!(
                "内容是 {} 格式，不是 JPEG 或 PNG",
                f.extensions_str().first().unwrap_or(&"?")
            )))
        }
        Err(_) => return Err(Problem("不是能读取的 JPEG 或 PNG 图片".into())),
    };
    let problem = |e: image::ImageError| Problem(e.to_string());
    let mut decoder = ImageReader::with_format(Cursor::new(bytes), format)
        .into_decoder()
        .map_err(problem)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let (w, h) = decoder.dimensions();
    let (width, height) = if turns_sideways(orientation) {
        (h, w)
    } else {
        (w, h)
    };
    if width == 0 || height == 0 {
        return Err(Problem("图片的宽或高为 0".into()));
    }
    let cache = site.join(CACHE_DIR);
    let mut sizes: Vec<Size> = [SMALL_SIDE, MAIN_SIDE]
        .into_iter()
        .filter(|&side| width.max(height) > side)
        .map(|side| {
            let (sw, sh) = scaled(width, height, side);
            Size {
                width: sw,
                height: sh,
                dest: sized_dest(original, side, format),
                source: cache.join(cache_name(bytes, side, format)),
            }
        })
        .collect();
    if !make || sizes.iter().all(|s| s.source.is_file()) {
        return Ok(Picture {
            original: original.to_string(),
            width,
            height,
            sizes,
        });
    }
    RESIZES.fetch_add(1, Ordering::Relaxed);
    let mut img = DynamicImage::from_decoder(decoder).map_err(problem)?;
    img.apply_orientation(orientation);
    std::fs::create_dir_all(&cache).map_err(|e| Problem(e.to_string()))?;
    // Largest first: each smaller size is made from the one above it.
    let mut from = img;
    for s in sizes.iter_mut().rev() {
        // Averages the pixels each new one covers: a clean reduction, and
        // about three times as fast as a general filter on a camera photo.
        from = from.thumbnail_exact(s.width, s.height);
        if !s.source.is_file() {
            write_atomic(&s.source, &encode(&from, format)?)?;
        }
    }
    Ok(Picture {
        original: original.to_string(),
        width,
        height,
        sizes,
    })
}

fn turns_sideways(o: Orientation) -> bool {
    matches!(
        o,
        Orientation::Rotate90
            | Orientation::Rotate270
            | Orientation::Rotate90FlipH
            | Orientation::Rotate270FlipH
    )
}

/// `(width, height)` scaled so the longest side is `side`.
fn scaled(width: u32, height: u32, side: u32) -> (u32, u32) {
    let long = u64::from(width.max(height));
    let scale = |x: u32| ((u64::from(x) * u64::from(side) + long / 2) / long).max(1) as u32;
    (scale(width), scale(height))
}

/// `cases/x/photo.jpg` → `cases/x/photo.1600w.jpg` (`.png` for a PNG).
fn sized_dest(original: &str, side: u32, format: ImageFormat) -> String {
    let (dir, name) = match original.rsplit_once('/') {
        Some((d, n)) => (format!("{d}/"), n),
        None => (String::new(), original),
    };
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let ext = if format == ImageFormat::Png {
        "png"
    } else {
        "jpg"
    };
    format!("{dir}{stem}.{side}w.{ext}")
}

fn encode(img: &DynamicImage, format: ImageFormat) -> Result<Vec<u8>, Problem> {
    let mut out = vec![];
    let res = if format == ImageFormat::Png {
        img.write_with_encoder(PngEncoder::new(&mut out))
    } else {
        img.to_rgb8()
            .write_with_encoder(JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY))
    };
    res.map_err(|e| Problem(e.to_string()))?;
    Ok(out)
}

/// Writes `bytes` to a temporary file beside `path` and renames it into
/// place, so a cache file is whole or absent.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Problem> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let tmp = path.with_extension(format!(
        "tmp{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let res = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = res {
        let _ = std::fs::remove_file(&tmp);
        return Err(Problem(format!(
            "缓存文件 {} 写不进去：{e}",
            path.display()
        )));
    }
    Ok(())
}

/// The images a Markdown body shows, with their byte offsets in `body`.
pub fn body_images(body: &str) -> Vec<(String, usize)> {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    Parser::new_ext(
        body,
        Options::ENABLE_TABLES | Options::ENABLE_FOOTNOTES | Options::ENABLE_STRIKETHROUGH,
    )
    .into_offset_iter()
    .filter_map(|(e, r)| match e {
        Event::Start(Tag::Image { dest_url, .. }) => Some((dest_url.to_string(), r.start)),
        _ => None,
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(w: u32, h: u32) -> Vec<u8> {
        let img = image::RgbImage::from_fn(w, h, |x, y| {
            image::Rgb([(x % 256) as u8, (y % 256) as u8, 90])
        });
        let mut out = vec![];
        DynamicImage::ImageRgb8(img)
            .write_with_encoder(JpegEncoder::new_with_quality(&mut out, 90))
            .unwrap();
        out
    }

    #[test]
    fn sizes_are_scaled_never_enlarged_and_cached() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = jpeg(2000, 1000);
        let before = resize_count();
        let p = prepare(dir.path(), &bytes, "cases/x/photo.jpg", true).unwrap();
        assert_eq!((p.width, p.height), (2000, 1000));
        let got: Vec<_> = p
            .sizes
            .iter()
            .map(|s| (s.width, s.height, s.dest.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (640, 320, "cases/x/photo.640w.jpg"),
                (1600, 800, "cases/x/photo.1600w.jpg")
            ]
        );
        let first = std::fs::read(&p.sizes[1].source).unwrap();
        let decoded = image::load_from_memory(&first).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (1600, 800));
        assert!(resize_count() > before);
        // A second prepare takes both from the cache: a cached file is
        // never made again (here: not overwritten).
        std::fs::write(&p.sizes[1].source, b"cached").unwrap();
        let again = prepare(dir.path(), &bytes, "cases/x/photo.jpg", true).unwrap();
        assert_eq!(again, p);
        assert_eq!(std::fs::read(&p.sizes[1].source).unwrap(), b"cached");
        // The same bytes made again are the same bytes.
        std::fs::remove_dir_all(dir.path().join(CACHE_DIR)).unwrap();
        prepare(dir.path(), &bytes, "cases/x/photo.jpg", true).unwrap();
        assert_eq!(std::fs::read(&p.sizes[1].source).unwrap(), first);

        assert_eq!(p.main(), ("cases/x/photo.1600w.jpg", 1600, 800));
        assert_eq!(p.small(), ("cases/x/photo.640w.jpg", 640, 320));
        assert_eq!(
            p.srcset(),
            [
                ("cases/x/photo.640w.jpg", 640),
                ("cases/x/photo.1600w.jpg", 1600)
            ]
        );
        // between the two sizes: the original is shown, the small size made
        let mid = prepare(dir.path(), &jpeg(1000, 800), "a/m.jpg", true).unwrap();
        assert_eq!(mid.main(), ("a/m.jpg", 1000, 800));
        assert_eq!(mid.srcset(), [("a/m.640w.jpg", 640), ("a/m.jpg", 1000)]);

        let small = prepare(dir.path(), &jpeg(600, 400), "a/s.jpg", true).unwrap();
        assert_eq!(
            (small.width, small.height, small.sizes.len()),
            (600, 400, 0)
        );
        assert_eq!(small.main(), ("a/s.jpg", 600, 400));
        assert!(small.srcset().is_empty());
    }

    #[test]
    fn without_make_the_sizes_are_worked_out_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let p = prepare(dir.path(), &jpeg(2000, 1000), "a/p.jpg", false).unwrap();
        assert_eq!(p.main(), ("a/p.1600w.jpg", 1600, 800));
        assert!(!dir.path().join(".zhanting").exists());
    }

    #[test]
    fn garbage_is_a_problem_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        assert!(prepare(dir.path(), b"not an image", "a.jpg", true).is_err());
        let mut cut = jpeg(800, 600);
        cut.truncate(40);
        assert!(prepare(dir.path(), &cut, "a.jpg", true).is_err());
    }
}
