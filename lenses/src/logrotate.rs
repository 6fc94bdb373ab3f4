//! The Logrotate lens: `/etc/logrotate.conf` and `/etc/logrotate.d/*` (man 8 logrotate).
//!
//! Tree: global directives and `rule` nodes, one per `files… { … }` block, holding `file`
//! nodes and the directives of the block. Quirks kept from Augeas: a negated keyword
//! shares the label of its positive form (`notifempty` → `ifempty = "notifempty"`,
//! `nocompress` → `compress = "nocompress"`), the schedule words become
//! `schedule = "weekly"`, `create`/`su` get `mode`/`owner`/`group` children, option lists
//! (`compressoptions`, `tabooext`) become children labelled by each item, and script
//! blocks (`postrotate` … `endscript`) keep their raw lines as the value.

use crate::util::rx;
use crate::util::{self, Built};
use aug_core::lens::{Lens, LensError, concat, key, label, lit, square, store, subtree, union};
use aug_core::rx::Regex;
use std::sync::OnceLock;

/// A signed integer.
const NUM: &str = "[-+]?[0-9]+";
/// A directive argument: no blanks, commas, `#`, `=` or braces.
const WORD: &str = "[^,#= \n\t{}]+";

fn sep_spc() -> Built {
    util::del_ws(" ")
}

/// `[ label kw . store re ]`: a keyword whose value is the text matched (e.g. `weekly`
/// under `schedule`, `nocompress` under `compress`).
fn select(kw: &str, re: &str) -> Built {
    Ok(subtree(concat(vec![label(kw), store(rx(re)?)])?))
}

/// `kw value` (or `kw=value`): `[ key kw . sep . store re ]`.
fn with_value(kw: &str, re: &str) -> Built {
    with_value_rx(kw, rx(re)?)
}

fn with_value_rx(kw: &str, re: Regex) -> Built {
    Ok(subtree(concat(vec![
        key(lit(kw)),
        util::del_re("[ \t]*=[ \t]*|[ \t]+", " ")?,
        store(re),
    ])?))
}

/// A bare keyword: `[ key kw ]`.
fn flag(kw: &str) -> Lens {
    subtree(key(lit(kw)))
}

/// ` item`: a child labelled by the item.
fn list_item() -> Built {
    Ok(subtree(concat(vec![
        sep_spc()?,
        key(rx("[^/+,# \n\t{}]+")?),
    ])?))
}

/// ` mode owner group` of `create`, or ` owner group` of `su`: each part optional from
/// the end.
fn owner_group() -> Result<Lens, LensError> {
    let part = |name: &str, re: &str| -> Built {
        concat(vec![
            sep_spc()?,
            subtree(concat(vec![label(name), store(rx(re)?)])?),
        ])
    };
    concat(vec![part("owner", WORD)?, part("group", WORD)?.opt()])
}

fn create() -> Built {
    let mode = concat(vec![
        sep_spc()?,
        subtree(concat(vec![label("mode"), store(rx(NUM)?)])?),
    ])?;
    Ok(subtree(concat(vec![
        key(lit("create")),
        concat(vec![mode, owner_group()?.opt()])?.opt(),
    ])?))
}

fn su() -> Built {
    Ok(subtree(concat(vec![key(lit("su")), owner_group()?.opt()])?))
}

fn tabooext() -> Built {
    Ok(subtree(concat(vec![
        key(lit("tabooext")),
        concat(vec![sep_spc()?, store(rx("\\+")?)])?.opt(),
        list_item()?.plus()?,
    ])?))
}

/// Every directive that fits on one line.
fn directive() -> Built {
    let size = format!("{NUM}[kMG]?");
    let yes_no = |kw: &str| select(kw, &format!("(no)?{kw}"));
    union(vec![
        select("schedule", "hourly|daily|weekly|monthly|yearly")?,
        with_value("rotate", NUM)?,
        create()?,
        flag("nocreate"),
        su()?,
        with_value("include", WORD)?,
        yes_no("missingok")?,
        yes_no("compress")?,
        yes_no("delaycompress")?,
        select("ifempty", "(not)?ifempty")?,
        yes_no("sharedscripts")?,
        with_value("size", &size)?,
        tabooext()?,
        with_value("olddir", WORD)?,
        flag("noolddir"),
        with_value("mail", WORD)?,
        flag("mailfirst"),
        flag("maillast"),
        flag("nomail"),
        with_value("errors", WORD)?,
        with_value("extension", WORD)?,
        yes_no("dateext")?,
        with_value("dateformat", WORD)?,
        flag("dateyesterday"),
        with_value("compresscmd", WORD)?,
        with_value("uncompresscmd", WORD)?,
        with_value("compressext", WORD)?,
        subtree(concat(vec![
            key(lit("compressoptions")),
            list_item()?.plus()?,
        ])?),
        yes_no("copy")?,
        yes_no("copytruncate")?,
        with_value("maxage", NUM)?,
        with_value("minsize", &size)?,
        with_value("maxsize", &size)?,
        yes_no("shred")?,
        with_value("shredcycles", NUM)?,
        with_value("start", NUM)?,
    ])
}

/// `postrotate` … `endscript` (and `prerotate`, `firstaction`, `lastaction`): the lines in
/// between, without the last newline, are the value; no value when there are none.
fn script() -> Built {
    let line = util::line_except("endscript")?;
    let lines = line.concat(&lit("\n").concat(&line).star());
    Ok(subtree(concat(vec![
        key(rx("(pre|post)rotate|(first|last)action")?),
        util::eol()?,
        concat(vec![store(lines), util::del_str("\n")])?.opt(),
        util::del_re("[ \t]*endscript", "\tendscript")?,
    ])?))
}

/// A file name, optionally quoted (with the same quote on both sides).
fn file_name() -> Built {
    let quote = || util::del_re("[\"']?", "\"");
    let name = store(rx("/[^\"',#= \n\t{}]+")?);
    Ok(subtree(concat(vec![
        label("file"),
        square(quote()?, name, quote()?)?,
    ])?))
}

/// `files… { directives }`.
fn rule() -> Built {
    let files = concat(vec![
        file_name()?,
        concat(vec![util::del_re("[ \t\n]+", " ")?, file_name()?])?.star()?,
    ])?;
    let item = concat(vec![
        util::del_re("[ \t]*", "\t")?,
        union(vec![directive()?, script()?])?,
        util::eol()?,
    ])?;
    let comment = util::comment()?;
    let first = union(vec![item.clone(), comment.clone()])?;
    let rest = union(vec![util::empty()?, item, comment])?.star()?;
    let body = concat(vec![
        util::del_re("[ \t\n]*\\{([ \t\n]*\n)?", "\n{\n")?,
        concat(vec![first, rest])?.opt(),
        util::del_re("[ \t]*\\}", "}")?,
    ])?;
    Ok(subtree(concat(vec![
        label("rule"),
        util::indent()?,
        files,
        body,
        util::eol()?,
    ])?)
    .named("Logrotate.rule"))
}

fn build() -> Built {
    Ok(union(vec![
        util::comment()?,
        util::empty()?,
        concat(vec![directive()?, util::eol()?])?,
        rule()?,
    ])?
    .star()?
    .named("Logrotate.lns"))
}

/// The Logrotate lens, built once.
pub fn lens() -> Result<Lens, LensError> {
    static LENS: OnceLock<Built> = OnceLock::new();
    LENS.get_or_init(build).clone()
}
