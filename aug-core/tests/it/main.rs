//! Integration tests of aug-core, one module per feature.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod atomic;
mod builder;
mod errors;
mod faults;
mod handle;
mod hostile;
mod lang;
mod lenslang;
mod path;
mod rx;
mod tidy;
mod trust;
