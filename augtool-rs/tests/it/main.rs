//! Integration tests of augtool-rs: the scripts under `tests/data/scripts` run on temp
//! copies of `testroot/` (snapshots of output and changed files, and a byte-for-byte
//! comparison with C augtool when it is installed), command-line modes, saving under
//! faults, and the interactive shell through tmux.

#![allow(clippy::unwrap_used)]

mod cli;
mod differential;
mod editfuzz;
mod faults;
mod frontdoors;
mod loadpath;
mod pathfuzz;
mod repl;
mod support;
