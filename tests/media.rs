//! Photos, figures, galleries, video and audio, built as a user builds
//! them: a page folder with real JPEG and PNG files; the HTML and the
//! published files are inspected.

mod common;
use common::*;
use std::path::{Path, PathBuf};

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(w, h, |x, _| image::Rgba([200, 20, 20, (x % 256) as u8]));
    let mut out = vec![];
    image::DynamicImage::ImageRgba8(img)
        .write_with_encoder(image::codecs::png::PngEncoder::new(&mut out))
        .expect("encode png");
    out
}

/// A site with one case bundle `content/cases/村/` holding `index.md`
/// (`text`) and `files`.
fn bundle(text: &str, files: &[(&str, Vec<u8>)]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("site");
    let dir = root.join("content/cases/村");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(root.join("site.yaml"), "title: 测试\n").expect("site.yaml");
    std::fs::write(dir.join("index.md"), text).expect("index.md");
    for (name, bytes) in files {
        std::fs::write(dir.join(name), bytes).expect("file");
    }
    (tmp, root)
}

fn page_html(root: &Path) -> String {
    read(&root.join("output/cases/村/index.html"))
}

/// The one line of `html` that contains `needle`.
fn line_with<'h>(html: &'h str, needle: &str) -> &'h str {
    let lines: Vec<&str> = html.lines().filter(|l| l.contains(needle)).collect();
    assert_eq!(
        lines.len(),
        1,
        "{needle} on {} lines:\n{lines:#?}",
        lines.len()
    );
    lines[0]
}

fn build_args(root: &Path) -> (i32, String, String) {
    run(&["build", "--root", root.to_str().expect("utf-8")])
}

#[test]
fn body_photos_are_figures_in_smaller_sizes_linking_the_original() {
    let text = "---\ntitle: 村里的事\ndate: 2024-05-01\n---\n正文。\n\n![村民议事会现场](议事会.jpg)\n\n会场如图![会场](小图.png)所示。\n\n![](议事会.jpg)\n";
    let (_t, root) = bundle(
        text,
        &[
            ("议事会.jpg", jpeg(4000, 3000)),
            ("小图.png", png(300, 200)),
        ],
    );
    build(&root, &[]);
    let html = page_html(&root);
    assert_eq!(
        line_with(&html, "<figure>"),
        "<figure><a href=\"%E8%AE%AE%E4%BA%8B%E4%BC%9A.jpg\"><img src=\"%E8%AE%AE%E4%BA%8B%E4%BC%9A.1600w.jpg\" srcset=\"%E8%AE%AE%E4%BA%8B%E4%BC%9A.640w.jpg 640w, %E8%AE%AE%E4%BA%8B%E4%BC%9A.1600w.jpg 1600w\" sizes=\"(max-width: 800px) 100vw, 760px\" width=\"1600\" height=\"1200\" alt=\"村民议事会现场\" loading=\"lazy\" decoding=\"async\"></a><figcaption>村民议事会现场</figcaption></figure>"
    );
    // a small image in text: not enlarged, not made smaller, its size set
    assert_eq!(
        line_with(&html, "<p>会场如图"),
        "<p>会场如图<img src=\"%E5%B0%8F%E5%9B%BE.png\" width=\"300\" height=\"200\" alt=\"会场\" loading=\"lazy\" decoding=\"async\">所示。</p>"
    );
    // no alt text: an image in its paragraph, in its sizes
    assert_eq!(
        line_with(&html, "alt=\"\""),
        "<p><img src=\"%E8%AE%AE%E4%BA%8B%E4%BC%9A.1600w.jpg\" srcset=\"%E8%AE%AE%E4%BA%8B%E4%BC%9A.640w.jpg 640w, %E8%AE%AE%E4%BA%8B%E4%BC%9A.1600w.jpg 1600w\" sizes=\"(max-width: 800px) 100vw, 760px\" width=\"1600\" height=\"1200\" alt=\"\" loading=\"lazy\" decoding=\"async\"></p>"
    );
    let out = root.join("output/cases/村");
    let main = image::open(out.join("议事会.1600w.jpg")).expect("main size");
    assert_eq!((main.width(), main.height()), (1600, 1200));
    let small = image::open(out.join("议事会.640w.jpg")).expect("small size");
    assert_eq!((small.width(), small.height()), (640, 480));
    assert_eq!(
        std::fs::read(out.join("议事会.jpg")).expect("original"),
        jpeg(4000, 3000)
    );
    assert!(!out.join("小图.640w.png").exists());
}

#[test]
fn resized_photos_are_cached_by_content_and_the_same_every_build() {
    let text = "---\ntitle: 村里的事\ndate: 2024-05-01\ncover: 封面.png\n---\n![合影](合影.jpg)\n";
    let (_t, root) = bundle(
        text,
        &[("合影.jpg", jpeg(2400, 1800)), ("封面.png", png(1800, 900))],
    );
    build(&root, &[]);
    let cache = root.join(".zhanting/cache/images");
    let mut cached: Vec<(PathBuf, std::time::SystemTime, Vec<u8>)> = std::fs::read_dir(&cache)
        .expect("cache folder")
        .map(|e| {
            let p = e.expect("entry").path();
            let m = std::fs::metadata(&p)
                .and_then(|m| m.modified())
                .expect("mtime");
            let b = std::fs::read(&p).expect("read");
            (p, m, b)
        })
        .collect();
    cached.sort();
    let names: Vec<String> = cached
        .iter()
        .map(|(p, ..)| {
            let n = p.file_name().unwrap().to_string_lossy().into_owned();
            n.split_once('-').map(|(_, side)| side.to_string()).unwrap()
        })
        .collect();
    let mut sides = names.clone();
    sides.sort();
    assert_eq!(sides, ["1600.jpg", "1600.png", "640.jpg", "640.png"]);
    let first = std::fs::read(root.join("output/cases/村/合影.1600w.jpg")).expect("resized");
    let page = page_html(&root);
    let cover = line_with(&page, "article-cover");
    assert_eq!(cover, "<figure class=\"article-cover\"><img src=\"%E5%B0%81%E9%9D%A2.1600w.png\" srcset=\"%E5%B0%81%E9%9D%A2.640w.png 640w, %E5%B0%81%E9%9D%A2.1600w.png 1600w\" sizes=\"(max-width: 800px) 100vw, 760px\" width=\"1600\" height=\"800\" alt=\"\" loading=\"lazy\" decoding=\"async\"></figure>");

    // A second build takes every size from the cache: no cached file is
    // written again.
    std::thread::sleep(std::time::Duration::from_millis(20));
    build(&root, &[]);
    for (p, mtime, bytes) in &cached {
        let m = std::fs::metadata(p)
            .and_then(|m| m.modified())
            .expect("mtime");
        assert_eq!(&m, mtime, "{} written again", p.display());
        assert_eq!(&std::fs::read(p).expect("read"), bytes);
    }
    // `check` writes nothing, not even the cache.
    std::fs::remove_dir_all(&cache).expect("rm cache");
    let (code, _, err) = run(&["check", "--root", root.to_str().expect("utf-8")]);
    assert_eq!(code, 0, "{err}");
    assert!(!cache.exists(), "check made the cache");
    // Without the cache the same bytes are made again.
    build(&root, &[]);
    assert_eq!(
        std::fs::read(root.join("output/cases/村/合影.1600w.jpg")).expect("resized"),
        first
    );
    // The cache is not content: nothing of it is published or walked.
    assert!(!files(&root.join("output"))
        .iter()
        .any(|p| p.to_string_lossy().contains("cache")));
}

#[test]
fn a_gallery_is_a_list_of_linked_thumbnails_with_captions() {
    let text = "---\ntitle: 村里的事\ndate: 2024-05-01\ngallery:\n  - 一.jpg\n  - { src: 二.png, caption: 支部书记走访 & 座谈 }\n  - src: 三.jpg\n    caption: 党员志愿服务\n---\n正文。\n";
    let (_t, root) = bundle(
        text,
        &[
            ("一.jpg", jpeg(2000, 1500)),
            ("二.png", png(900, 600)),
            ("三.jpg", jpeg(400, 300)),
        ],
    );
    build(&root, &[]);
    let html = page_html(&root);
    let start = html.find("<section class=\"gallery\"").expect("gallery");
    let end = start + html[start..].find("</section>").expect("end") + "</section>".len();
    assert_eq!(
        &html[start..end],
        "<section class=\"gallery\" aria-labelledby=\"gallery-title\">\n\
<h2 id=\"gallery-title\">图集<span class=\"gallery-count\">（3 张）</span></h2>\n\
<ul class=\"gallery-list\">\n\
<li><figure><a class=\"gallery-link\" href=\"%E4%B8%80.jpg\" data-large=\"%E4%B8%80.1600w.jpg\"><img src=\"%E4%B8%80.640w.jpg\" srcset=\"%E4%B8%80.640w.jpg 640w, %E4%B8%80.1600w.jpg 1600w\" sizes=\"(max-width: 600px) 50vw, 240px\" width=\"640\" height=\"480\" alt=\"图集第 1 张\" loading=\"lazy\" decoding=\"async\"></a></figure></li>\n\
<li><figure><a class=\"gallery-link\" href=\"%E4%BA%8C.png\" data-large=\"%E4%BA%8C.png\"><img src=\"%E4%BA%8C.640w.png\" srcset=\"%E4%BA%8C.640w.png 640w, %E4%BA%8C.png 900w\" sizes=\"(max-width: 600px) 50vw, 240px\" width=\"640\" height=\"427\" alt=\"支部书记走访 &amp; 座谈\" loading=\"lazy\" decoding=\"async\"></a><figcaption>支部书记走访 &amp; 座谈</figcaption></figure></li>\n\
<li><figure><a class=\"gallery-link\" href=\"%E4%B8%89.jpg\" data-large=\"%E4%B8%89.jpg\"><img src=\"%E4%B8%89.jpg\" width=\"400\" height=\"300\" alt=\"党员志愿服务\" loading=\"lazy\" decoding=\"async\"></a><figcaption>党员志愿服务</figcaption></figure></li>\n\
</ul>\n\
</section>"
    );
    // the larger view is the theme's own script, no other
    assert!(read(&root.join("output/assets/site.js")).contains("gallery-link"));
    assert!(!html.contains("://"), "an outside address in {html}");
}

#[test]
fn a_missing_or_miswritten_gallery_photo_is_an_error_where_it_is_written() {
    let text = "---\ntitle: 村里的事\ndate: 2024-05-01\ngallery:\n  - 有.jpg\n  - { src: 没有.jpg, caption: 图注 }\n  - { file: 有.jpg }\n---\n正文。\n";
    let (_t, root) = bundle(text, &[("有.jpg", jpeg(100, 80))]);
    let (code, _out, err) = build_args(&root);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("content/cases/村/index.md:6:12: error: `gallery`：文件 content/cases/村/没有.jpg 不存在\n  提示：检查文件名的写法，并把文件放在页面旁边\n"),
        "{err}"
    );
    assert!(
        err.contains("content/cases/村/index.md:4:1: error: `gallery` 的一项里有 `file`：每张照片只能写 `src`（文件）和 `caption`（图注，文字）\n"),
        "{err}"
    );
}

#[test]
fn a_corrupt_photo_is_a_warning_and_published_as_it_is() {
    let text = "---\ntitle: 村里的事\ndate: 2024-05-01\n---\n正文。\n\n![坏照片](坏.jpg)\n";
    let (_t, root) = bundle(
        text,
        &[("坏.jpg", b"\xff\xd8\xff\xe0 not really a photo".to_vec())],
    );
    let (code, _out, err) = build_args(&root);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(
            "content/cases/村/index.md:7:1: warning: 图片 content/cases/村/坏.jpg 读不出来（"
        ),
        "{err}"
    );
    assert!(err.contains("），按原样发布，没有缩小\n"), "{err}");
    assert_eq!(
        line_with(&page_html(&root), "<figure>"),
        "<figure><img src=\"%E5%9D%8F.jpg\" alt=\"坏照片\"><figcaption>坏照片</figcaption></figure>"
    );
    assert_eq!(
        std::fs::read(root.join("output/cases/村/坏.jpg")).expect("copied"),
        b"\xff\xd8\xff\xe0 not really a photo"
    );
}

#[test]
fn video_and_audio_play_beside_the_page() {
    let text = "---\ntitle: 村里的事\ndate: 2024-05-01\n---\n![宣传片](宣传片.mp4)\n\n![党课录音](录音.mp3)\n";
    let (_t, root) = bundle(
        text,
        &[
            ("宣传片.mp4", b"video".to_vec()),
            ("录音.mp3", b"audio".to_vec()),
        ],
    );
    build(&root, &[]);
    let html = page_html(&root);
    assert_eq!(
        line_with(&html, "<video"),
        "<figure><video controls preload=\"metadata\" src=\"%E5%AE%A3%E4%BC%A0%E7%89%87.mp4\"><a href=\"%E5%AE%A3%E4%BC%A0%E7%89%87.mp4\">下载视频：宣传片</a></video><figcaption>宣传片</figcaption></figure>"
    );
    assert_eq!(
        line_with(&html, "<audio"),
        "<figure><audio controls preload=\"metadata\" src=\"%E5%BD%95%E9%9F%B3.mp3\"><a href=\"%E5%BD%95%E9%9F%B3.mp3\">下载音频：党课录音</a></audio><figcaption>党课录音</figcaption></figure>"
    );
    let out = root.join("output/cases/村");
    assert_eq!(
        std::fs::read(out.join("宣传片.mp4")).expect("video"),
        b"video"
    );
    assert_eq!(
        std::fs::read(out.join("录音.mp3")).expect("audio"),
        b"audio"
    );
}
