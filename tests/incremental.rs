//! Incremental rebuilds: after every edit of a series, the output of a
//! rebuilding [`Session`] must be byte for byte that of a clean build of the
//! same folder, and an edit to one page must re-render only a few files.

mod common;

use common::copy_dir;
use std::path::{Path, PathBuf};
use zhanting::build::{self, BuildOptions, Quiet};
use zhanting::live::changes::{classify, ChangeKind};
use zhanting::live::watch::{Rebuilt, Session};
use zhanting::publish::deploy::{Deployer, MANIFEST};
use zhanting::publish::output::Output;

/// The repository's own sample site in a temp dir.
fn sample_site() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temp dir");
    let root = tmp.path().join("site");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for part in ["content", "static"] {
        copy_dir(&repo.join(part), &root.join(part));
    }
    std::fs::copy(repo.join("site.yaml"), root.join("site.yaml")).expect("copy site.yaml");
    (tmp, root)
}

fn assert_same(got: &Output, want: &Output, step: &str) {
    let names = |o: &Output| o.files.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(got), names(want), "after `{step}`: different files");
    for path in want.files.keys() {
        assert!(
            got.read(path) == want.read(path),
            "after `{step}`: {path} differs from a clean build"
        );
    }
}

/// The files of a deploy folder (zhanting's own bookkeeping left out)
/// must be exactly those of `want`.
fn assert_published(dir: &Path, want: &Output, step: &str) {
    let got: std::collections::BTreeSet<String> = walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.expect("walk the deploy folder"))
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside");
            rel.to_string_lossy().replace('\\', "/")
        })
        .filter(|rel| !rel.starts_with(MANIFEST))
        .collect();
    let names: std::collections::BTreeSet<String> = want.files.keys().cloned().collect();
    let extra: Vec<&String> = got.difference(&names).collect();
    let missing: Vec<&String> = names.difference(&got).collect();
    assert!(
        extra.is_empty() && missing.is_empty(),
        "after `{step}`: the deploy folder holds {extra:?} it should not and lacks {missing:?}"
    );
    for path in want.files.keys() {
        let on_disk = std::fs::read(dir.join(path)).expect("a published file");
        assert!(
            Some(on_disk) == want.read(path),
            "after `{step}`: published {path} differs from a clean build"
        );
    }
}

/// One edit as the watcher reports it: the paths touched, in one batch.
struct Site {
    root: PathBuf,
    session: Session,
    /// Publishes every good build, as `watch --deploy-to` does.
    deploy: Option<(Deployer, PathBuf)>,
}

impl Site {
    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let p = self.root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        p
    }

    fn edit(&self, rel: &str, f: impl Fn(&str) -> String) -> PathBuf {
        let p = self.root.join(rel);
        let text = std::fs::read_to_string(&p).unwrap();
        std::fs::write(&p, f(&text)).unwrap();
        p
    }

    /// Rebuilds after `paths` changed; checks against a clean build and
    /// returns how many files were rendered.
    fn step(&mut self, name: &str, paths: &[PathBuf]) -> usize {
        let kind = paths
            .iter()
            .map(|p| classify(&self.root, &self.root.join("output"), p))
            .fold(ChangeKind::Ignore, ChangeKind::merge);
        let r = self.session.rebuild(kind, paths);
        let clean = build::build(&self.root, &BuildOptions::default(), &Quiet);
        match (r, clean) {
            (
                Rebuilt::Ok {
                    output, rendered, ..
                },
                Ok(clean),
            ) => {
                assert_same(&output, &clean.1, name);
                if let Some((deployer, dir)) = &mut self.deploy {
                    deployer.publish(&output).expect("publish");
                    assert_published(dir, &clean.1, name);
                }
                rendered
            }
            (Rebuilt::Failed(got), Err(want)) => {
                let text = |d: &[zhanting::diag::Diagnostic]| {
                    d.iter().map(|d| d.to_string()).collect::<Vec<_>>()
                };
                assert_eq!(
                    text(&got),
                    text(&want),
                    "after `{name}`: different messages"
                );
                0
            }
            (Rebuilt::Ok { .. }, Err(e)) => panic!(
                "after `{name}`: the rebuild succeeded, a clean build failed: {}",
                e[0]
            ),
            (Rebuilt::Failed(e), Ok(_)) => panic!(
                "after `{name}`: the rebuild failed, a clean build succeeded: {}",
                e[0]
            ),
        }
    }
}

#[test]
fn rebuilds_after_a_series_of_edits_equal_clean_builds() {
    let (_tmp, root) = sample_site();
    let mut s = Site {
        session: Session::new(&root, BuildOptions::default()),
        root: root.clone(),
        deploy: None,
    };
    let all = s.step("first build", &[]);
    assert!(all > 50, "first build rendered {all} files");

    let case = "content/cases/石门村四议两公开.md";
    let p = s.edit(case, |t| {
        format!("{t}\n新增的一段：村民议事会每月召开一次。\n")
    });
    let n = s.step("body edit", std::slice::from_ref(&p));
    // the page itself, and the lists that show its summary: the home page
    // (it is featured), the feed, its section, its four tags, its sector and
    // year, the five levels of its region (省 to 村) and its topic; not the
    // overview, whose figures stay as they were
    assert!(
        n <= 16 && n * 4 < all,
        "a body edit rendered {n} of {all} files"
    );

    let p = s.edit(case, |t| t.replacen("两公开”让村里", "两公开”让全村", 1));
    s.step("title edit", &[p]);
    let p = s.edit(case, |t| {
        t.replacen("date: 2013-11-05", "date: 2019年3月8日", 1)
    });
    s.step("date edit reorders lists", &[p]);
    let p = s.edit(case, |t| {
        t.replacen("tags: [四议两公开,", "tags: [全新标签, 四议两公开,", 1)
    });
    s.step("new tag", &[p]);
    let p = s.edit(case, |t| t.replacen("tags: [全新标签, ", "tags: [", 1));
    s.step("tag removed again", &[p]);

    // the overview, the region tree and the home page's figures follow
    // edits of region, sector, speaker and 党员人数
    let p = s.edit(case, |t| {
        t.replacen("洛源县城关镇石门村", "洛源县城关镇东沟村", 1)
    });
    s.step("region moved to another village", &[p]);
    let p = s.edit(case, |t| t.replacen("洛源县城关镇东沟村", "洛源县", 1));
    s.step("region up to its county", &[p]);
    let p = s.edit(case, |t| t.replacen("sector: 农村", "sector: 机关", 1));
    s.step("sector changed", &[p]);
    let p = s.edit("content/brands/稻香先锋/index.md", |t| {
        t.replacen("members: 46", "members: 52", 1)
    });
    let n = s.step("members changed", &[p]);
    // the page, the lists that show it (its tags, sector, year, the five
    // levels of its region), the home page and the overview
    assert!(
        n <= 20 && n * 4 < all,
        "members edit rendered {n} of {all} files"
    );
    let p = s.edit("content/speeches/luoyuan-2014-jiceng-dangjian.md", |t| {
        t.replacen("speaker: ", "speaker: 新", 1)
    });
    s.step("speaker changed", &[p]);

    // topics: a listed page edited, the topic reordered, a topic added
    // and deleted
    let topic = "content/topics/党建引领乡村振兴.md";
    let p = s.edit(case, |t| format!("{t}\n专题页随之更新。\n"));
    s.step("a page of a topic edited", &[p]);
    let p = s.edit(topic, |t| {
        t.replacen(
            "  - cases/石门村四议两公开.md\n  - brands/稻香先锋\n",
            "  - brands/稻香先锋\n  - cases/石门村四议两公开.md\n",
            1,
        )
    });
    s.step("topic reordered", &[p]);
    let p = s.edit(topic, |t| {
        t.replacen("tags: [乡村振兴]", "tags: [乡村振兴, 基层治理]", 1)
    });
    s.step("topic gains a tag", &[p]);
    let extra = s.write(
        "content/topics/换届.md",
        "---\ntitle: 换届工作\npages: [speeches/在全区村社区两委换届工作动员部署会上的讲话.md]\n---\n\n介绍。\n",
    );
    s.step("new topic", std::slice::from_ref(&extra));
    std::fs::remove_file(&extra).unwrap();
    s.step("topic deleted", &[extra]);

    let new = s.write(
        "content/cases/新建案例.md",
        "---\ntitle: 新建的案例\ndate: 2020-05-01\nregion: 新区\ntags: [基层党建]\n---\n\n正文写到[另一个案例](石门村四议两公开.md)。\n",
    );
    s.step("new page", std::slice::from_ref(&new));
    let moved = root.join("content/cases/石门村.md");
    std::fs::rename(root.join(case), &moved).unwrap();
    s.step(
        "renamed page (the new page links to it)",
        &[root.join(case), moved.clone()],
    );
    // the topic still names the old file: the build fails as a clean one does
    let p = s.edit(topic, |t| {
        t.replacen("cases/石门村四议两公开.md", "cases/石门村.md", 1)
    });
    s.step("topic follows the rename", &[p]);
    std::fs::remove_file(&new).unwrap();
    s.step("deleted page", &[new]);

    let bundle = root.join("content/brands/稻香先锋");
    let renamed = root.join("content/brands/稻香先锋品牌");
    std::fs::rename(&bundle, &renamed).unwrap();
    s.step("renamed bundle folder", &[bundle, renamed.clone()]);
    let pdf = renamed.join("品牌手册.pdf");
    std::fs::write(&pdf, b"%PDF-1.4 a longer attachment than before").unwrap();
    s.step("bundle attachment changed", &[pdf]);
    // a photo of the gallery replaced by a larger one: new sizes, new srcset
    let photo = renamed.join("丰收.png");
    let mut big = vec![];
    image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(2000, 1500, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 60])
    }))
    .write_with_encoder(image::codecs::png::PngEncoder::new(&mut big))
    .unwrap();
    std::fs::write(&photo, &big).unwrap();
    s.step("gallery photo replaced", std::slice::from_ref(&photo));
    let page = s.edit("content/brands/稻香先锋品牌/index.md", |t| {
        t.replacen("  - 丰收.png\n", "", 1)
    });
    s.step("gallery photo left out", &[page]);
    let figure = renamed.join("稻田党课.png");
    std::fs::remove_file(&figure).unwrap();
    s.step("figure photo deleted", std::slice::from_ref(&figure));
    std::fs::write(&figure, &big).unwrap();
    s.step("figure photo back, larger", &[figure]);

    let broken = s.edit("content/speeches/luoyuan-2014-jiceng-dangjian.md", |t| {
        t.replacen("date:", "date: [", 1)
    });
    s.step("broken front matter", std::slice::from_ref(&broken));
    let fixed = s.edit("content/speeches/luoyuan-2014-jiceng-dangjian.md", |t| {
        t.replacen("date: [", "date:", 1)
    });
    s.step("fixed again", &[fixed]);

    let intro = s.edit("content/_index.md", |t| {
        format!("{t}\n首页说明补充一句。\n")
    });
    s.step("home intro", &[intro]);
    let intro = s.write(
        "content/cases/_index.md",
        "---\ntitle: 典型案例\n---\n\n栏目说明。\n",
    );
    s.step("new section intro", &[intro]);
    let stat = s.write("static/files/通知.txt", "通知");
    s.step("static file", &[stat]);
    let tpl = s.write(
        "themes/default/templates/404.html",
        "{% extends \"base.html\" %}{% block main %}<p>页面不见了</p>{% endblock %}",
    );
    s.step("theme override", &[tpl]);
    let cfg = s.edit("site.yaml", |t| {
        t.replacen("paginate: 10", "paginate: 3", 1)
    });
    s.step("site.yaml", &[cfg]);
    let p = s.edit("content/speeches/tiaoxi-2012-jiguan-dangjian.md", |t| {
        format!("{t}\n补充。\n")
    });
    let n = s.step("body edit after site.yaml", &[p]);
    assert!(n <= 15, "rendered {n}");
}

/// A page's attachment resolved into `static/` is read while the page
/// loads, so it is a dependency of the page: when it grows the page shows
/// the new size, and when it goes the rebuild fails as a clean build does.
#[test]
fn a_static_attachment_is_a_dependency_of_its_page() {
    let (_tmp, root) = sample_site();
    let mut s = Site {
        session: Session::new(&root, BuildOptions::default()),
        root: root.clone(),
        deploy: None,
    };
    let pdf = root.join("static/files/手册.pdf");
    std::fs::create_dir_all(pdf.parent().unwrap()).unwrap();
    std::fs::write(&pdf, vec![b'x'; 2 * 1024]).unwrap();
    let page = s.write(
        "content/cases/附件案例.md",
        "---\ntitle: 附件案例\ndate: 2020-01-02\nattachments: [/files/手册.pdf]\n---\n\n正文。\n",
    );
    s.step("first build", &[]);
    let shown = |s: &Site, size: &str| {
        let out = s.session.last_good().expect("a good build");
        out.files.keys().any(|p| {
            p.ends_with("index.html")
                && String::from_utf8(out.read(p).unwrap_or_default())
                    .is_ok_and(|t| t.contains("手册.pdf") && t.contains(size))
        })
    };
    assert!(shown(&s, "2 KB"), "the page shows the attachment's size");
    std::fs::write(&pdf, vec![b'x'; 879 * 1024]).unwrap();
    s.step("attachment grew", std::slice::from_ref(&pdf));
    assert!(shown(&s, "879 KB"), "the page shows the new size");
    std::fs::remove_file(&pdf).unwrap();
    assert_eq!(
        s.step("attachment deleted", std::slice::from_ref(&pdf)),
        0,
        "the rebuild fails as a clean build does"
    );
    std::fs::write(&pdf, vec![b'x'; 5 * 1024]).unwrap();
    s.step("attachment back", &[pdf]);
    assert!(shown(&s, "5 KB"));
    let _ = page;
}

/// Random series of edits (fixed seeds), each applied to a running
/// [`Session`] as the watcher reports it and compared with a clean build.
#[test]
fn random_edits_rebuild_as_clean_builds() {
    for seed in [1, 2, 3, 4, 5, 6] {
        random_edits(seed, 24);
    }
}

const TAGS: [&str; 5] = ["基层党建", "乡村振兴", "新标签", "党员教育", "社区治理"];
const SECTIONS: [&str; 4] = ["speeches", "cases", "brands", "pages"];

/// Every Markdown page of the site (not the intros), sorted.
fn md_pages(root: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = walkdir::WalkDir::new(root.join("content"))
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .filter(|p| p.file_name().is_some_and(|n| n != "_index.md"))
        .collect();
    out.sort();
    out
}

/// Replaces the front-matter line starting with `key:` (or adds it).
fn set_field(text: &str, key: &str, value: Option<&str>) -> String {
    let Some(rest) = text.strip_prefix("---\n") else {
        return text.to_string();
    };
    let Some(end) = rest.find("\n---") else {
        return text.to_string();
    };
    let (yaml, body) = rest.split_at(end);
    // A field written over several lines (highlights) is left alone.
    let mut lines: Vec<String> = yaml
        .lines()
        .filter(|l| !l.starts_with(&format!("{key}:")))
        .map(str::to_string)
        .collect();
    if let Some(v) = value {
        lines.push(format!("{key}: {v}"));
    }
    format!("---\n{}{body}", lines.join("\n"))
}

fn random_edits(seed: u64, steps: usize) {
    let (tmp, root) = sample_site();
    let mut rng = fastrand::Rng::with_seed(seed);
    let www = tmp.path().join("www");
    let deployer = Deployer::open(&www).expect("a deploy folder");
    let mut s = Site {
        session: Session::new(&root, BuildOptions::default()),
        root: root.clone(),
        deploy: Some((deployer, www)),
    };
    s.step(&format!("seed {seed}: first build"), &[]);
    let mut broken: Option<(PathBuf, String)> = None;
    let mut log = vec![];
    for step in 0..steps {
        let mut paths: Vec<PathBuf> = vec![];
        if let Some((p, text)) = broken.take() {
            if rng.bool() {
                if p.exists() {
                    std::fs::write(&p, text).unwrap();
                    paths.push(p);
                    log.push("fix front matter".to_string());
                }
            } else {
                broken = Some((p, text));
            }
        }
        for _ in 0..rng.usize(1..=2) {
            let pages = md_pages(&root);
            let pick = pages[rng.usize(..pages.len())].clone();
            let text = std::fs::read_to_string(&pick).unwrap();
            let n = rng.u32(..1000);
            let what = rng.usize(..16);
            log.push(format!("{what} on {}", pick.display()));
            match what {
                0 => {
                    // body edit, maybe with a link to another page
                    let other = &pages[rng.usize(..pages.len())];
                    let link = if rng.bool() && other.parent() == pick.parent() {
                        format!("[相关]({})", other.file_name().unwrap().to_string_lossy())
                    } else {
                        String::new()
                    };
                    std::fs::write(&pick, format!("{text}\n补充段落{n}。{link}\n")).unwrap();
                    paths.push(pick);
                }
                1 => {
                    let t = set_field(&text, "title", Some(&format!("随机标题{n}")));
                    std::fs::write(&pick, t).unwrap();
                    paths.push(pick);
                }
                2 => {
                    let date = format!(
                        "{}-{:02}-{:02}",
                        rng.u32(2010..2025),
                        rng.u32(1..13),
                        rng.u32(1..29)
                    );
                    std::fs::write(&pick, set_field(&text, "date", Some(&date))).unwrap();
                    paths.push(pick);
                }
                3 => {
                    let tags: Vec<&str> = TAGS.iter().copied().filter(|_| rng.bool()).collect();
                    let v = format!("[{}]", tags.join(", "));
                    std::fs::write(&pick, set_field(&text, "tags", Some(&v))).unwrap();
                    paths.push(pick);
                }
                4 => {
                    let v = rng.bool().then_some("true");
                    std::fs::write(&pick, set_field(&text, "featured", v)).unwrap();
                    paths.push(pick);
                }
                5 => {
                    // a region anywhere in the tree, from 省 down to 村, or none
                    const REGIONS: [&str; 6] = [
                        "陕西省渭南市洛源县城关镇石门村",
                        "陕西省渭南市洛源县城关镇东沟村",
                        "陕西省渭南市洛源县",
                        "江西省赣州市章源县禾塘镇禾塘村",
                        "北京市朝阳区",
                        "随机地区",
                    ];
                    let v = rng
                        .bool()
                        .then(|| format!("{}{}", REGIONS[n as usize % 6], n % 2));
                    let v = v.map(|r| r.trim_end_matches('0').to_string());
                    std::fs::write(&pick, set_field(&text, "region", v.as_deref())).unwrap();
                    paths.push(pick);
                }
                6 => {
                    // rename: a bundle by its folder, else the file
                    let (from, to) = if pick.file_name().is_some_and(|n| n == "index.md") {
                        let dir = pick.parent().unwrap().to_path_buf();
                        let to = dir.with_file_name(format!("改名{n}"));
                        (dir, to)
                    } else {
                        (pick.clone(), pick.with_file_name(format!("改名{n}.md")))
                    };
                    if !to.exists() {
                        std::fs::rename(&from, &to).unwrap();
                        paths.extend([from, to]);
                    }
                }
                7 | 8 => {
                    let section = SECTIONS[rng.usize(..SECTIONS.len())];
                    let mut fm = format!(
                        "---\ntitle: 新页面{n}\ndate: {}-03-0{}\n",
                        rng.u32(2010..2025),
                        rng.u32(1..10)
                    );
                    if rng.bool() {
                        fm.push_str(&format!("tags: [{}]\n", TAGS[rng.usize(..TAGS.len())]));
                    }
                    if rng.bool() {
                        fm.push_str("featured: true\n");
                    }
                    if rng.u8(..3) == 0 {
                        let a = ["a", "b"][rng.usize(..2)];
                        fm.push_str(&format!("attachments: [/files/{a}.pdf]\n"));
                    }
                    let p = root.join(format!("content/{section}/新页面{n}.md"));
                    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                    std::fs::write(&p, format!("{fm}---\n\n新页面的正文{n}。\n")).unwrap();
                    paths.push(p);
                }
                9 => {
                    if pages.len() > 8 {
                        if pick.file_name().is_some_and(|n| n == "index.md") {
                            let dir = pick.parent().unwrap().to_path_buf();
                            std::fs::remove_dir_all(&dir).unwrap();
                            paths.push(dir);
                        } else {
                            std::fs::remove_file(&pick).unwrap();
                            paths.push(pick);
                        }
                    }
                }
                10 => {
                    // a static file referenced by new pages: written or removed
                    let a = ["a", "b"][rng.usize(..2)];
                    let p = root.join(format!("static/files/{a}.pdf"));
                    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                    if rng.u8(..3) == 0 {
                        let _ = std::fs::remove_file(&p);
                    } else {
                        std::fs::write(&p, vec![b'%'; rng.usize(1..3000) * 1024]).unwrap();
                    }
                    paths.push(p);
                }
                11 => {
                    // a bundle asset: the brand's attachment, wherever the bundle is
                    let bundle = pages
                        .iter()
                        .find(|p| p.file_name().is_some_and(|n| n == "index.md"));
                    if let Some(b) = bundle {
                        let p = b.with_file_name("品牌手册.pdf");
                        if rng.u8(..4) == 0 {
                            let _ = std::fs::remove_file(&p);
                        } else {
                            std::fs::write(&p, vec![b'%'; rng.usize(1..2000) * 1024]).unwrap();
                        }
                        paths.push(p);
                    }
                }
                12 => {
                    let p = root.join("themes/default/templates/404.html");
                    if rng.bool() {
                        s.write(
                            "themes/default/templates/404.html",
                            &format!("{{% extends \"base.html\" %}}{{% block main %}}<p>不见了{n}</p>{{% endblock %}}"),
                        );
                    } else {
                        let _ = std::fs::remove_file(&p);
                    }
                    paths.push(p);
                }
                13 => {
                    let per = rng.usize(1..6);
                    let p = s.edit("site.yaml", |t| {
                        t.lines()
                            .map(|l| {
                                if l.starts_with("paginate:") {
                                    format!("paginate: {per}")
                                } else {
                                    l.to_string()
                                }
                            })
                            .collect::<Vec<_>>()
                            .join("\n")
                    });
                    paths.push(p);
                }
                14 => {
                    if broken.is_none() {
                        std::fs::write(&pick, text.replacen("title:", "title: [", 1)).unwrap();
                        broken = Some((pick.clone(), text));
                        paths.push(pick);
                    }
                }
                _ => {
                    let rel = ["content/_index.md", "content/cases/_index.md"][rng.usize(..2)];
                    s.write(rel, &format!("---\ntitle: 说明{n}\n---\n\n说明文字{n}。\n"));
                    paths.push(root.join(rel));
                }
            }
        }
        paths.sort();
        paths.dedup();
        s.step(&format!("seed {seed}, step {step}: {log:?}"), &paths);
        log.clear();
    }
}

/// A very large site is built without holding every rendered body (each is
/// rendered again where needed); the files must be the same.
#[test]
fn a_build_that_renders_bodies_again_equals_one_that_holds_them() {
    let (_tmp, root) = sample_site();
    let held = build::build(&root, &BuildOptions::default(), &Quiet)
        .expect("build")
        .1;
    let again = BuildOptions {
        hold_bodies_below: Some(0),
        ..BuildOptions::default()
    };
    let (built, lean) = build::build(&root, &again, &Quiet).expect("build");
    assert_same(&lean, &held, "build without holding bodies");
    assert_eq!(built.files, held.len());
    // the sample site links pages to pages: those links are resolved again
    let linked = held
        .files
        .keys()
        .filter(|p| p.ends_with("index.html"))
        .filter(|p| {
            String::from_utf8(held.read(p).unwrap_or_default())
                .is_ok_and(|t| t.contains("<a href=\"../../cases/"))
        })
        .count();
    assert!(linked > 0, "no page-to-page link in the sample site");
}
