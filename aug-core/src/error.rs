//! Error codes shared by every layer (Augeas's `aug_errcode_t`) and source positions.

use std::fmt;

/// A position in some input: byte offset plus 1-based line and column.
/// Displays as `line:col`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// Byte offset from the start of the input (0-based).
    pub offset: usize,
    /// Line number, 1-based.
    pub line: usize,
    /// Column (in bytes), 1-based.
    pub col: usize,
}

impl Span {
    /// Computes the line and column of byte `offset` in `text`.
    pub fn at(text: &[u8], offset: usize) -> Span {
        let offset = offset.min(text.len());
        let before = text.get(..offset).unwrap_or_default();
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        Span {
            offset,
            line,
            col: offset - line_start + 1,
        }
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// Augeas's error codes, with the same numbers as `aug_errcode_t`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// No error.
    NoError = 0,
    /// Out of memory.
    NoMem = 1,
    /// Internal error.
    Internal = 2,
    /// Invalid path expression.
    PathX = 3,
    /// No match for a path expression.
    NoMatch = 4,
    /// Too many matches for a path expression.
    MMatch = 5,
    /// Syntax error in a lens definition.
    Syntax = 6,
    /// Lens not found.
    NoLens = 7,
    /// Multiple transforms for one file.
    MXfm = 8,
    /// Node has no span info.
    NoSpan = 9,
    /// Cannot move a node into its descendant.
    MvDesc = 10,
    /// Failed to execute a command.
    CmdRun = 11,
    /// Invalid argument in a function call.
    BadArg = 12,
    /// Invalid label.
    Label = 13,
    /// Cannot copy a node into its descendant.
    CpDesc = 14,
    /// Cannot access a file.
    FileAccess = 15,
}

impl ErrorCode {
    /// The message Augeas's `aug_error_message` gives for this code.
    pub fn message(self) -> &'static str {
        match self {
            ErrorCode::NoError => "No error",
            ErrorCode::NoMem => "Cannot allocate memory",
            ErrorCode::Internal => "Internal error (please file a bug)",
            ErrorCode::PathX => "Invalid path expression",
            ErrorCode::NoMatch => "No match for path expression",
            ErrorCode::MMatch => "Too many matches for path expression",
            ErrorCode::Syntax => "Syntax error in lens definition",
            ErrorCode::NoLens => "Lens not found",
            ErrorCode::MXfm => "Multiple transforms",
            ErrorCode::NoSpan => "Node has no span info",
            ErrorCode::MvDesc => "Cannot move node into its descendant",
            ErrorCode::CmdRun => "Failed to execute command",
            ErrorCode::BadArg => "Invalid argument in function call",
            ErrorCode::Label => "Invalid label",
            ErrorCode::CpDesc => "Cannot copy node into its descendant",
            ErrorCode::FileAccess => "Cannot access file",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

/// Messages longer than this are cut: a failing get or typecheck prints its whole lens,
/// which for the stock modules can be megabytes.
pub(crate) const MAX_MESSAGE: usize = 2000;

/// `msg`, cut after [`MAX_MESSAGE`] bytes with a note of how much was left out.
pub(crate) fn clip(msg: &str) -> String {
    if msg.len() <= MAX_MESSAGE {
        return msg.to_owned();
    }
    let mut end = MAX_MESSAGE;
    while !msg.is_char_boundary(end) {
        end -= 1;
    }
    format!(
        "{}… ({} more bytes)",
        msg.get(..end).unwrap_or_default(),
        msg.len() - end
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn span_lines_and_columns() {
        let t = b"ab\ncd\n";
        assert_eq!(Span::at(t, 0).to_string(), "1:1");
        assert_eq!(Span::at(t, 4).to_string(), "2:2");
        assert_eq!(Span::at(t, 99).to_string(), "3:1");
    }
}
