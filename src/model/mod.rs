//! Stage 2, model: the loaded pages ordered and connected into a
//! [`site::Site`] (sections, taxonomies, neighbours, rendered Markdown).
//! Later stages only read it.

pub mod markdown;
pub(crate) mod nav;
pub mod region;
pub(crate) mod site;
pub mod topics;
