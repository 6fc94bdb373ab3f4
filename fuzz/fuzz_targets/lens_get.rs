//! Fuzz target `lens_get`: see [`aug_rs_fuzz::lens_get`] for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| aug_rs_fuzz::lens_get(data));
