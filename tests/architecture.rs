//! Every code name ARCHITECTURE.md cites in backticks exists in `src/`.
//!
//! The spans are read from the document (fenced blocks left out), so the
//! test knows no list of expected names and follows the code as it changes.
//! Each span is sorted by these rules, in order:
//!
//! 1. A span holding a space is a command, a sentence or a signature
//!    (`zhanting build`): not a code name.
//! 2. A span with `/` is a path. Under `src/`, `tests/` or `docs/` it must
//!    exist in the repository; any other (`content/`, `themes/NAME/`,
//!    `file://`) is a folder of a site or a URL.
//! 3. A span ending in `.rs` is a source file: a file of that name must
//!    exist under `src/` (`main.rs`).
//! 4. After a trailing call is stripped (`Site::body(i)` → `Site::body`), a
//!    span that is an identifier or a `::` path of identifiers is a code
//!    name. Anything else is not: options (`--deploy-to`), values and file
//!    names of the output or the site (`.NAME.lock`, `404.html`,
//!    `site.yaml`), placeholders (`M::…`, `*View`), settings
//!    (`ZHANTING_TIMINGS=1`), dates, URL schemes.
//! 5. A code name, unless listed in [`NOT_CODE`], must resolve:
//!    - a lone name is a module (`src/…/NAME.rs`, `src/…/NAME/mod.rs` or an
//!      inline `mod NAME`), a definition anywhere in `src/` (`fn`, `struct`,
//!      `enum`, `trait`, `const`, `static`, `type`, `mod`, a field or enum
//!      variant, a `pub use`), or a name reached through a dependency;
//!    - a path that starts at a module of the crate (at the root, else any
//!      module of that name: `docx::Limits`) follows its submodules; the
//!      first segment after them must be defined in that module's file,
//!      each later one (`Type::method`, `Enum::Variant`, a field) in a file
//!      that defines or implements the segment before it;
//!    - a path that starts at a type of the crate (`Site::pages`) is
//!      checked the same way from that type;
//!    - any other path must start at a name reached through a dependency
//!      (`imbl::OrdMap`, `Read::take`, `tokio::sync::watch`) and is not
//!      checked further: the names of a dependency in Cargo.toml, or the
//!      words of a `use` item or a written-out path that starts at one
//!      (`use std::io::Read`, `imbl::OrdMap<…>`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Names that look like code but name something outside Rust, each with
/// its reason. Keep this short: a wrong name should fail, not be listed.
const NOT_CODE: &[(&str, &str)] = &[
    ("Host", "the HTTP request header"),
    ("localhost", "a host name"),
    ("href", "an SVG attribute"),
    ("O_NOFOLLOW", "a flag of the open system call"),
    ("unwrap", "the std method the rules forbid on user input"),
];

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The backticked spans of a Markdown text, outside fenced blocks.
fn spans(md: &str) -> Vec<String> {
    let mut out = vec![];
    let mut fenced = false;
    for line in md.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        let mut parts = line.split('`');
        parts.next();
        while let (Some(span), Some(_)) = (parts.next(), parts.next()) {
            out.push(span.to_string());
        }
    }
    out
}

/// One source file: its module path (`deploy::tree`) and its text without
/// line comments.
struct Source {
    module: Vec<String>,
    path: PathBuf,
    code: String,
}

fn sources() -> Vec<Source> {
    let mut out = vec![];
    let mut stack = vec![repo().join("src")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            if p.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            let rel = p.strip_prefix(repo().join("src")).unwrap();
            let mut module: Vec<String> = rel
                .iter()
                .map(|s| s.to_string_lossy().trim_end_matches(".rs").to_string())
                .collect();
            if matches!(
                module.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                module.pop();
            }
            let text = std::fs::read_to_string(&p).unwrap();
            let code = text
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            out.push(Source {
                module,
                path: p,
                code,
            });
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

fn is_ident(s: &str) -> bool {
    let mut c = s.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.all(|x| x.is_ascii_alphanumeric() || x == '_')
}

/// The words of `code` that follow `word` (`fn NAME`).
fn after<'a>(code: &'a str, word: &str) -> Vec<&'a str> {
    let word = format!("{word} ");
    code.match_indices(&*word)
        .filter(|(i, _)| {
            code[..*i]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_ascii_alphanumeric() && c != '_')
        })
        .map(|(i, w)| {
            let rest = code[i + w.len()..].trim_start();
            let end = rest
                .find(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                .unwrap_or(rest.len());
            &rest[..end]
        })
        .collect()
}

/// Whether `code` defines `name`: an item, or a field or variant (a line
/// that starts with the name and goes on with `:`, `,`, `(`, `{`, `=` or
/// ends), or re-exports it with `pub use`.
fn defines(code: &str, name: &str) -> bool {
    const ITEMS: &[&str] = &[
        "fn",
        "struct",
        "enum",
        "trait",
        "const",
        "static",
        "type",
        "mod",
        "union",
        "macro_rules!",
    ];
    if ITEMS.iter().any(|k| after(code, k).contains(&name)) {
        return true;
    }
    let member = code.lines().any(|l| {
        let l = l.trim_start();
        let l = l
            .strip_prefix("pub(crate) ")
            .or_else(|| l.strip_prefix("pub "))
            .unwrap_or(l);
        l.strip_prefix(name).is_some_and(|rest| {
            let rest = rest.trim_start();
            rest.is_empty() || rest.starts_with([':', ',', '(', '{', '='])
        })
    });
    member || reexports(code, name)
}

/// Whether a `pub use` item of `code` brings in `name`.
fn reexports(code: &str, name: &str) -> bool {
    use_items(code, "pub use ").any(|item| words(item).any(|w| w == name))
}

/// The text of each `use` item (after `key`, up to its `;`).
fn use_items<'a>(code: &'a str, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    code.match_indices(key).map(move |(i, _)| {
        let item = &code[i + key.len()..];
        &item[..item.find(';').unwrap_or(item.len())]
    })
}

fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
}

/// Every name `code` reaches through a dependency: the words of a `use`
/// item that starts at one (`use std::io::Read`), and of a path written
/// out from one (`imbl::OrdMap<…>`).
fn external_names(code: &str, deps: &BTreeSet<String>, out: &mut BTreeSet<String>) {
    for item in use_items(code, "use ") {
        if words(item).next().is_some_and(|d| deps.contains(d)) {
            out.extend(words(item).map(String::from));
        }
    }
    for dep in deps {
        let start = format!("{dep}::");
        for (i, _) in code.match_indices(&start) {
            let before = code[..i].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            let path = &code[i..];
            let end = path
                .find(|c: char| !c.is_ascii_alphanumeric() && c != '_' && c != ':')
                .unwrap_or(path.len());
            out.extend(words(&path[..end]).map(String::from));
        }
    }
}

struct Crate {
    sources: Vec<Source>,
    deps: BTreeSet<String>,
    /// Names reached through dependencies ([`external_names`]).
    external: BTreeSet<String>,
}

impl Crate {
    fn load() -> Crate {
        let toml = std::fs::read_to_string(repo().join("Cargo.toml")).unwrap();
        let mut deps: BTreeSet<String> = ["std", "core", "alloc"].map(String::from).into();
        let mut in_deps = false;
        for line in toml.lines() {
            let l = line.trim();
            if l.starts_with('[') {
                in_deps = l.ends_with("dependencies]");
            } else if in_deps {
                if let Some((name, _)) = l.split_once('=') {
                    deps.insert(name.trim().replace('-', "_"));
                }
            }
        }
        let sources = sources();
        let mut external = BTreeSet::new();
        for s in &sources {
            external_names(&s.code, &deps, &mut external);
        }
        Crate {
            sources,
            deps,
            external,
        }
    }

    /// The files of the modules named `name`: at the root first, else
    /// anywhere below it.
    fn modules_named(&self, name: &str) -> Vec<&Source> {
        let root: Vec<&Source> = self.sources.iter().filter(|s| s.module == [name]).collect();
        if !root.is_empty() {
            return root;
        }
        self.sources
            .iter()
            .filter(|s| s.module.last().is_some_and(|m| m == name))
            .collect()
    }

    /// The file of module `parent::name`, or the parent's own file when the
    /// module is written inline there.
    fn submodule<'a>(&'a self, parent: &'a Source, name: &str) -> Option<&'a Source> {
        let mut path = parent.module.clone();
        path.push(name.to_string());
        self.sources
            .iter()
            .find(|s| s.module == path)
            .or_else(|| after(&parent.code, "mod").contains(&name).then_some(parent))
    }

    fn is_module(&self, name: &str) -> bool {
        !self.modules_named(name).is_empty()
            || self
                .sources
                .iter()
                .any(|s| after(&s.code, "mod").contains(&name))
    }

    fn defined_anywhere(&self, name: &str) -> bool {
        self.sources.iter().any(|s| defines(&s.code, name))
    }

    fn external(&self, name: &str) -> bool {
        self.deps.contains(name) || self.external.contains(name)
    }

    /// The files that define or implement the type `name`.
    fn files_of_type(&self, name: &str) -> Vec<&Source> {
        self.sources
            .iter()
            .filter(|s| {
                ["struct", "enum", "trait", "type"]
                    .iter()
                    .any(|k| after(&s.code, k).contains(&name))
                    || s.code.lines().any(|l| {
                        let l = l.trim_start();
                        l.starts_with("impl")
                            && l.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                                .any(|w| w == name)
                    })
            })
            .collect()
    }

    /// `rest` from the item `first` on, each segment a member of the type
    /// before it.
    fn members_resolve(&self, first: &str, rest: &[&str]) -> bool {
        let mut ty = first;
        for seg in rest {
            if !self.files_of_type(ty).iter().any(|s| defines(&s.code, seg)) {
                return false;
            }
            ty = seg;
        }
        true
    }

    /// Whether the code name `name` (rule 5) exists.
    fn resolves(&self, name: &str) -> bool {
        let name = name.strip_prefix("crate::").unwrap_or(name);
        let segs: Vec<&str> = name.split("::").collect();
        if segs.len() == 1 {
            return self.is_module(name) || self.defined_anywhere(name) || self.external(name);
        }
        let modules = self.modules_named(segs[0]);
        if !modules.is_empty() {
            return modules.into_iter().any(|start| {
                let mut file = start;
                let mut i = 1;
                while i < segs.len() {
                    match self.submodule(file, segs[i]) {
                        Some(sub) if !std::ptr::eq(sub, file) => {
                            file = sub;
                            i += 1;
                        }
                        _ => break,
                    }
                }
                i == segs.len()
                    || (defines(&file.code, segs[i])
                        && self.members_resolve(segs[i], &segs[i + 1..]))
            });
        }
        // A dependency's own name first: `impl std::fmt::Display` makes
        // `std` look like a type of the crate.
        if self.deps.contains(segs[0]) {
            return true;
        }
        if !self.files_of_type(segs[0]).is_empty() {
            return self.members_resolve(segs[0], &segs[1..]);
        }
        self.external(segs[0])
    }
}

/// Rules 1 to 4: what a span asks to be checked.
enum Span<'a> {
    NotCode,
    RepoPath(&'a str),
    SourceFile(&'a str),
    Code(&'a str),
}

fn sort(span: &str) -> Span<'_> {
    if span.contains(char::is_whitespace) {
        return Span::NotCode;
    }
    if span.contains('/') {
        return if ["src/", "tests/", "docs/"]
            .iter()
            .any(|p| span.starts_with(p))
        {
            Span::RepoPath(span)
        } else {
            Span::NotCode
        };
    }
    if let Some(stem) = span.strip_suffix(".rs") {
        return if is_ident(stem) {
            Span::SourceFile(span)
        } else {
            Span::NotCode
        };
    }
    let name = match span.find('(') {
        Some(i) if span.ends_with(')') => &span[..i],
        _ => span,
    };
    if name.split("::").all(is_ident) {
        Span::Code(name)
    } else {
        Span::NotCode
    }
}

/// The names of `md` that do not exist, each once, in order.
fn missing(md: &str, krate: &Crate) -> Vec<String> {
    let mut out: Vec<String> = vec![];
    for span in spans(md) {
        let ok = match sort(&span) {
            Span::NotCode => true,
            Span::RepoPath(p) => repo().join(p).exists(),
            Span::SourceFile(f) => krate
                .sources
                .iter()
                .any(|s| s.path.file_name().is_some_and(|n| n == f)),
            Span::Code(name) => NOT_CODE.iter().any(|(n, _)| *n == name) || krate.resolves(name),
        };
        if !ok && !out.contains(&span) {
            out.push(span);
        }
    }
    out
}

#[test]
fn every_code_name_in_architecture_md_exists() {
    let md = std::fs::read_to_string(repo().join("ARCHITECTURE.md")).unwrap();
    let krate = Crate::load();
    let gone = missing(&md, &krate);
    assert!(
        gone.is_empty(),
        "ARCHITECTURE.md names {} thing(s) that src/ does not have:\n  {}",
        gone.len(),
        gone.join("\n  ")
    );
}

#[test]
fn the_rules_tell_names_that_exist_from_those_that_do_not() {
    let krate = Crate::load();
    let md = "```\nnot::checked\n```\n\
              `zhanting build` `--deploy-to` `.NAME.lock` `404.html` `site.yaml` \
              `content/` `M::…` `*View` `ZHANTING_TIMINGS=1` `file://` \
              `main.rs` `tests/architecture.rs` `output` `output::Sink` \
              `Site::body(i)` `build::build_into` `imbl::OrdMap` `Arc` \
              `outptu` `output::Snik` `Site::bodyy` `nowhere.rs` `tests/nowhere.rs` \
              `search::SearchIndex::pacth`";
    assert_eq!(
        missing(md, &krate),
        [
            "outptu",
            "output::Snik",
            "Site::bodyy",
            "nowhere.rs",
            "tests/nowhere.rs",
            "search::SearchIndex::pacth",
        ]
    );
}

#[test]
fn every_exception_is_still_needed() {
    let md = std::fs::read_to_string(repo().join("ARCHITECTURE.md")).unwrap();
    let krate = Crate::load();
    let cited = spans(&md);
    for (name, why) in NOT_CODE {
        assert!(
            cited.iter().any(|s| s == name),
            "`{name}` ({why}) is no longer cited: take it off NOT_CODE"
        );
        assert!(
            !krate.resolves(name),
            "`{name}` ({why}) is a code name now: take it off NOT_CODE"
        );
    }
}
