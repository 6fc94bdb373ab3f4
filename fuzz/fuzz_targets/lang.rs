//! Fuzz target `lang`: see [`aug_rs_fuzz::lang`] for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| aug_rs_fuzz::lang(data));
