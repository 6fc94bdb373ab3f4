//! Integration tests of the lenses against the C Augeas oracle in `testroot-expected/`.

#![allow(clippy::unwrap_used)]

mod bad;
mod common;
mod edits;
mod engines;
mod forward;
mod handle;
mod layout;
mod oracle;
mod putget;
mod recursive;
mod threads;
