//! Fuzz target `tokenizer`: see [`aug_rs_fuzz::tokenizer`] for what it checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| aug_rs_fuzz::tokenizer(data));
