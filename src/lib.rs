//! zhanting: a static showcase site generator for Party-building speeches,
//! model cases and "一支部一品牌" branch brand profiles.
//!
//! The build is a chain of stages passing plain values (see ARCHITECTURE.md),
//! one folder each: [`load`] (site.yaml and content/) → [`model`] (the site:
//! order, sections, taxonomies, Markdown) → [`render`] (templates) and
//! [`search`] (the index) → [`publish`] (output folder, deploy). [`build`]
//! runs them in order; [`live`] runs them again after each edit; [`import`]
//! turns Word and text files into content.

// A `Diagnostic` (file, line, column, message) is the error of most
// stages: it is returned, not boxed.
#![allow(clippy::result_large_err)]

pub mod build;
pub mod cli;
pub mod compile;
pub mod diag;
pub mod import;
pub mod live;
pub mod load;
pub mod model;
pub(crate) mod msg;
pub mod publish;
pub(crate) mod render;
pub(crate) mod scaffold;
pub mod search;
pub mod text;
pub(crate) mod urls;
