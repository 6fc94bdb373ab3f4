//! Integration tests of aug-core, one module per feature.

mod handle;
mod rx;
mod tidy;
