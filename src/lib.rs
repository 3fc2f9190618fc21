//! zhanting: a static showcase site generator for Party-building speeches,
//! model cases and "一支部一品牌" branch brand profiles.
//!
//! The build is a chain of stages passing plain data (see ARCHITECTURE.md):
//! `config` → `content` → `markdown` → `site` → `render` → `output`.

// A `Diagnostic` (file, line, column, message) is the error of most
// stages: it is returned, not boxed.
#![allow(clippy::result_large_err)]

pub mod build;
pub mod changes;
pub mod cli;
pub mod config;
pub mod content;
pub mod date;
pub mod deploy;
pub mod diag;
pub mod frontmatter;
pub mod import;
pub mod markdown;
pub mod msg;
pub mod output;
pub mod render;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod site;
pub mod svg;
pub mod text;
pub mod theme;
pub mod urls;
pub mod watch;
pub mod yamlpos;
