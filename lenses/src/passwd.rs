//! The Passwd lens: `/etc/passwd` (man 5 passwd), including NIS compat lines.
//!
//! A user line `login:pw:uid:gid:gecos:home:shell` becomes a node labelled with the login,
//! with children `password`, `uid`, `gid`, `name`, `home`, `shell` (empty fields are
//! nodes without a value). NIS lines: `+@netgroup…` → `@nis = netgroup`, `+user…` →
//! `@+nisuser = user`, `-user…` → `@-nisuser = user`, a bare `+…` → `@nisdefault`; their
//! non-empty override fields become the same children as for a user line.

use crate::util::rx;
use crate::util::{self, Built};
use aug_core::lens::{Lens, LensError, concat, key, label, lit, store, subtree, union};
use aug_core::rx::Regex;
use std::sync::OnceLock;

/// A login name: letters, digits, `_`, `.`, `-` (not first), optionally ending in `$`.
fn login() -> Result<Regex, LensError> {
    Ok(util::class_with_dot("_A-Za-z0-9")?
        .concat(&util::class_with_dot("_A-Za-z0-9-")?.star())
        .concat(&lit("$").opt()))
}

fn colon() -> Lens {
    util::del_str(":")
}

/// `[ label name . store re ]`.
fn field(name: &str, re: Regex) -> Built {
    Ok(subtree(concat(vec![label(name), store(re)])?))
}

/// `[ label name . (store re)? ]`: the node exists even when the field is empty.
fn field_opt(name: &str, re: Regex) -> Built {
    Ok(subtree(concat(vec![label(name), store(re).opt()])?))
}

/// `[ label name . store re . ":" ]`, with the store optional when `opt` is set (the
/// node then exists even for an empty field).
fn colon_field(name: &str, re: Regex, opt: bool) -> Built {
    let sto = if opt { store(re).opt() } else { store(re) };
    Ok(subtree(concat(vec![label(name), sto, colon()])?))
}

/// The six fields after the login on a user line.
fn user_fields() -> Result<Vec<Lens>, LensError> {
    let text = rx("[^:\r\n]+")?;
    let num = rx("[0-9]+")?;
    Ok(vec![
        colon_field("password", text.clone(), true)?,
        colon_field("uid", num.clone(), false)?,
        colon_field("gid", num, false)?,
        colon_field("name", text.clone(), true)?,
        colon_field("home", text, true)?,
        field_opt("shell", util::to_eol()?)?,
    ])
}

/// `:pw:uid:gid:gecos:home:shell` on a NIS line: each field is optional, and only the
/// non-empty ones become nodes.
fn nis_overrides() -> Built {
    let text = rx("[^:\r\n]+")?;
    let num = rx("[0-9]+")?;
    concat(vec![
        colon(),
        field("password", text.clone())?.opt(),
        colon(),
        field("uid", num.clone())?.opt(),
        colon(),
        field("gid", num)?.opt(),
        colon(),
        field("name", text.clone())?.opt(),
        colon(),
        field("home", text)?.opt(),
        colon(),
        field("shell", util::to_eol()?)?.opt(),
    ])
}

/// `:pw:uid:gid:gecos:home:shell` after a bare `+`: every field is a node, possibly empty
/// (the password, uid and gid are stored even when empty).
fn default_overrides() -> Built {
    let text = rx("[^:\r\n]+")?;
    let digits = rx("[0-9]*")?;
    concat(vec![
        colon(),
        colon_field("password", rx("[^:\r\n]*")?, false)?,
        // uid and gid store the digits even when there are none: the value is "", not
        // NULL, unlike name and home.
        colon_field("uid", digits.clone(), false)?,
        colon_field("gid", digits, false)?,
        colon_field("name", text.clone(), true)?,
        colon_field("home", text, true)?,
        field_opt("shell", util::to_eol()?)?,
    ])
}

/// A NIS line starting with `lead`, labelled `name`, storing the login or netgroup.
fn nis_line(lead: &str, name: &str) -> Built {
    Ok(subtree(concat(vec![
        util::del_str(lead),
        label(name),
        store(login()?),
        nis_overrides()?,
        util::eol()?,
    ])?))
}

fn build() -> Built {
    let mut user = vec![key(login()?), colon()];
    user.extend(user_fields()?);
    user.push(util::eol()?);
    let user = subtree(concat(user)?).named("Passwd.entry");
    let nis_default = subtree(concat(vec![
        util::del_str("+"),
        label("@nisdefault"),
        default_overrides()?.opt(),
        util::eol()?,
    ])?);
    Ok(union(vec![
        util::comment()?,
        util::empty()?,
        user,
        nis_line("+@", "@nis")?,
        nis_default,
        nis_line("+", "@+nisuser")?,
        nis_line("-", "@-nisuser")?,
    ])?
    .star()?
    .named("Passwd.lns"))
}

/// The Passwd lens, built once.
pub fn lens() -> Result<Lens, LensError> {
    static LENS: OnceLock<Built> = OnceLock::new();
    LENS.get_or_init(build).clone()
}
