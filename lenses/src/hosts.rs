//! The Hosts lens: `/etc/hosts` (man 5 hosts), one numbered node per address line.
//!
//! Tree: `/N/ipaddr`, `/N/canonical`, `/N/alias` (any number), and an optional
//! `/N/#comment` for a comment at the end of the line. Full-line comments are `#comment`
//! nodes; blank lines (and lines holding just `#`) leave no visible node.

use crate::util::rx;
use crate::util::{self, Built};
use aug_core::lens::{Lens, LensError, concat, label, seq, store, subtree, union};
use std::sync::OnceLock;

/// Builds the lens (uncached).
fn build() -> Built {
    // An address or a host name: anything up to a blank or a comment.
    let field = rx("[^# \n\t]+")?;
    let ipaddr = subtree(concat(vec![label("ipaddr"), store(field.clone())])?);
    let canonical = subtree(concat(vec![label("canonical"), store(field.clone())])?);
    let alias = subtree(concat(vec![
        label("alias"),
        util::del_ws(" ")?,
        store(field),
    ])?);
    let line = subtree(concat(vec![
        seq("host"),
        util::indent()?,
        ipaddr,
        util::del_ws("\t")?,
        canonical,
        alias.star()?,
        util::comment_or_eol()?,
    ])?)
    .named("Hosts.record");
    Ok(union(vec![util::empty()?, util::comment()?, line])?
        .star()?
        .named("Hosts.lns"))
}

/// The Hosts lens, built once.
pub fn lens() -> Result<Lens, LensError> {
    static LENS: OnceLock<Built> = OnceLock::new();
    LENS.get_or_init(build).clone()
}
