//! Stage 1, load: the site folder read into plain values. `site.yaml`
//! becomes a [`config::Config`], `content/` a [`content::Library`] of pages
//! with resolved front matter and the files each page refers to. Nothing
//! here renders or writes anything.

pub mod config;
pub mod content;
pub(crate) mod date;
pub mod frontmatter;
pub mod furniture;
pub mod images;
pub mod printing;
pub mod sources;
pub(crate) mod svg;
pub mod topic;
pub(crate) mod yamlpos;
