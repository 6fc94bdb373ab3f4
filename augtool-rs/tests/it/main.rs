//! Integration tests of augtool-rs.
