//! Fuzz target `lens_put`: see [`aug_rs_fuzz::lens_put`] for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| aug_rs_fuzz::lens_put(data));
