//! Integration tests of libaugeas.so.0: C programs built against `include/augeas.h` and
//! run on it (under valgrind), and Debian's own tools and bindings, linked against
//! Augeas, run on it through `LD_LIBRARY_PATH` and compared with the real library.

#![allow(clippy::unwrap_used)]

mod augparse;
mod augtool;
mod bindings;
mod capi;
mod support;
