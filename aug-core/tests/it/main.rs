//! Integration tests of aug-core, one module per feature.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod handle;
mod path;
mod lang;
mod rx;
mod tidy;
