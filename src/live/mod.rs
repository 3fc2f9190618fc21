//! Rebuilding while staff edit: [`changes`] tells what a changed path means,
//! [`watch`] rebuilds after a batch of changes keeping the last good build,
//! and [`serve`] previews that build over HTTP with live reload.

pub mod changes;
pub(crate) mod serve;
pub mod watch;
