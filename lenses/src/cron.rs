//! The Cron lens: system crontabs (`/etc/crontab`, `/etc/cron.d/*`; man 5 crontab), whose
//! job lines carry a user name.
//!
//! Tree: environment settings `NAME=value` become `NAME = "value"` (the value kept raw,
//! quotes included); each job becomes `entry = "command"` with an optional `prefix`
//! (`-`), then either `time/{minute,hour,dayofmonth,month,dayofweek}` or `schedule` (for
//! `@reboot`, `@daily`, …, stored without the `@`), then `user`.

use crate::util::rx;
use crate::util::{self, Built};
use aug_core::lens::{Lens, LensError, concat, key, label, lit, store, subtree, union};
use aug_core::rx::Regex;
use std::sync::OnceLock;

/// A numeric time field: digits, `*`, steps, lists and ranges.
const NUM: &str = "[0-9*][0-9/,*-]*";

fn leaf(name: &str, re: Regex) -> Built {
    Ok(subtree(concat(vec![label(name), store(re)])?))
}

/// A month or day-of-week field: a number, a three-letter name, or a range of those.
fn name_or_num() -> Result<Regex, LensError> {
    let one = rx(&format!("{NUM}|[A-Za-z][A-Za-z][A-Za-z]"))?;
    Ok(one.concat(&lit("-").concat(&one).opt()))
}

fn time() -> Built {
    let num = rx(NUM)?;
    let sep = || util::del_ws(" ");
    Ok(subtree(concat(vec![
        label("time"),
        leaf("minute", num.clone())?,
        sep()?,
        leaf("hour", num.clone())?,
        sep()?,
        leaf("dayofmonth", num)?,
        sep()?,
        leaf("month", name_or_num()?)?,
        sep()?,
        leaf("dayofweek", name_or_num()?)?,
    ])?))
}

fn schedule() -> Built {
    let names = "reboot|yearly|annually|monthly|weekly|daily|midnight|hourly";
    Ok(subtree(concat(vec![
        label("schedule"),
        util::del_str("@"),
        store(rx(names)?),
    ])?))
}

/// `NAME=value`; a variable may not be called `entry`.
fn variable() -> Built {
    let name_chars = "A-Za-z1-9_-";
    let name = util::word_except(name_chars, "entry")?
        .union(&rx(&format!("[{name_chars}]+\\[[0-9]+\\]"))?);
    Ok(subtree(concat(vec![
        key(name),
        util::del_str("="),
        store(rx("[^\n]*[^ \t\n]")?),
        util::eol()?,
    ])?))
}

fn job() -> Built {
    Ok(subtree(concat(vec![
        label("entry"),
        util::indent()?,
        leaf("prefix", lit("-"))?.opt(),
        union(vec![time()?, schedule()?])?,
        util::del_ws(" ")?,
        leaf("user", util::word()?)?,
        util::del_ws(" ")?,
        store(util::to_eol()?),
        util::eol()?,
    ])?)
    .named("Cron.entry"))
}

fn build() -> Built {
    Ok(
        union(vec![util::empty()?, util::comment()?, variable()?, job()?])?
            .star()?
            .named("Cron.lns"),
    )
}

/// The Cron lens, built once.
pub fn lens() -> Result<Lens, LensError> {
    static LENS: OnceLock<Built> = OnceLock::new();
    LENS.get_or_init(build).clone()
}
