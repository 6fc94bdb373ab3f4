//! Fuzz target `path_eval`: see [`aug_rs_fuzz::path_eval`] for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| aug_rs_fuzz::path_eval(data));
