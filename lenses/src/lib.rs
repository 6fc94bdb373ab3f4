//! The built-in lenses of aug-rs: Hosts, Passwd, Cron and Logrotate, written with
//! aug-core's lens combinators.

#![warn(missing_docs)]
#![forbid(unsafe_code)]

/// The names of the modules this crate provides, as Augeas names them.
pub const MODULES: &[&str] = &["Hosts", "Passwd", "Cron", "Logrotate"];
