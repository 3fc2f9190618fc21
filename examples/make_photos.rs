//! Camera-like photos for `bench/photos.py`: `N` JPEGs of 4000×3000 with
//! gradients, shapes and sensor-like noise, so each one is a few MB as a
//! camera's are. Deterministic: the same `N` gives the same files.
//!
//!     cargo run --release --example make_photos -- DIR N

use image::codecs::jpeg::JpegEncoder;
use rayon::prelude::*;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(dir), Some(n)) = (args.get(1), args.get(2).and_then(|n| n.parse::<u32>().ok()))
    else {
        eprintln!("usage: make_photos DIR N");
        std::process::exit(2);
    };
    if let Err(e) = std::fs::create_dir_all(dir) {
        eprintln!("cannot create {dir}: {e}");
        std::process::exit(1);
    }
    let failed = (0..n).into_par_iter().filter_map(|i| {
        let path = format!("{dir}/photo-{i:03}.jpg");
        std::fs::write(&path, photo(i))
            .err()
            .map(|e| format!("{path}: {e}"))
    });
    let failed: Vec<String> = failed.collect();
    for f in &failed {
        eprintln!("{f}");
    }
    std::process::exit(i32::from(!failed.is_empty()));
}

fn photo(seed: u32) -> Vec<u8> {
    let (w, h) = (4000u32, 3000u32);
    let mut state = u64::from(seed) * 0x9E37_79B9_7F4A_7C15 + 1;
    let mut noise = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % 41) as i32 - 20
    };
    let hue = (seed * 37 % 200) as i32;
    let (cx, cy, r) = (
        (seed * 811 % w) as i64,
        (seed * 557 % h) as i64,
        300 + i64::from(seed * 131 % 700),
    );
    let mut px = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            let (dx, dy) = (i64::from(x) - cx, i64::from(y) - cy);
            let inside = dx * dx + dy * dy < r * r;
            let base = if inside {
                [220, 60 + hue / 2, 40]
            } else if y > h * 3 / 5 {
                [60 + hue / 3, 120 + (x as i32 % 300) / 6, 50]
            } else {
                [120 + (y as i32 / 40), 170 + hue / 4, 230 - (y as i32 / 30)]
            };
            for c in base {
                px.push((c + noise()).clamp(0, 255) as u8);
            }
        }
    }
    let mut out = vec![];
    let img = image::RgbImage::from_raw(w, h, px).expect("buffer size");
    img.write_with_encoder(JpegEncoder::new_with_quality(&mut out, 92))
        .expect("encode");
    out
}
