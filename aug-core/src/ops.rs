//! Tree operations.
/// x
#[derive(Debug)]
pub struct OpError;
