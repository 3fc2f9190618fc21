//! Stage 2, model: the loaded pages ordered and connected into a
//! [`site::Site`] (sections, taxonomies, neighbours, rendered Markdown,
//! URLs). Later stages only read it.

pub mod markdown;
pub(crate) mod site;
pub(crate) mod urls;
