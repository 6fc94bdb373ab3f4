//! Integration tests of aug-core, one module per feature.

mod path;
mod tidy;
