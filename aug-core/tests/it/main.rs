//! Integration tests of aug-core, one module per feature.

mod rx;
mod tidy;
