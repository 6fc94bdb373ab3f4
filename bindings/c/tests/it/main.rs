//! Integration tests of libaugeas.so.0 (C programs and Debian tools run on it).
