//! The handle's errors in typed form: [`Error`] keeps Augeas's code, minor message and
//! details (what the C and Python front doors report) and says what failed as an
//! [`ErrorKind`]: a path expression with its position, or the files a save could not
//! write. [`FileError`] is what Augeas records under `/augeas/files/<file>/error`, read
//! back by [`crate::Augeas::file_errors`].

use crate::error::ErrorCode;
use crate::path::PathError;
use crate::tree::{NodeId, Tree};
use std::fmt;

/// An error of the handle.
///
/// [`Error::code`] is Augeas's error code (what `aug_error` returns), [`Error::minor`] and
/// [`Error::details`] its minor message and details; [`Error::kind`] says what failed, with
/// positions, and [`std::error::Error::source`] leads to the underlying error.
///
/// ```
/// # let dir = tempfile::tempdir().unwrap();
/// use aug_core::{Augeas, ErrorCode, ErrorKind, Flags};
/// let aug = Augeas::builder().root(dir.path()).flags(Flags::NO_STDINC).open();
/// let e = aug.matches("/files/etc/hosts/*[ipaddr = ]").unwrap_err();
/// assert_eq!(e.code(), ErrorCode::PathX);
/// let ErrorKind::Path(p) = e.kind() else { panic!("not a path error") };
/// assert_eq!(&p.expr[p.pos..], "]"); // where the expression went wrong
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Error {
    /// Augeas's error code.
    pub code: ErrorCode,
    /// A more specific message, e.g. `type error`.
    pub minor: Option<String>,
    /// Details, e.g. the path expression or the file concerned.
    pub details: Option<String>,
    /// What failed, typed.
    pub kind: ErrorKind,
}

/// What failed (see [`Error::kind`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A path expression is wrong (syntax, types, a regexp) or failed to evaluate; the
    /// error holds the expression and the byte position.
    Path(PathError),
    /// A save could not write (or delete) these files; the rest were saved.
    Save(Vec<FileError>),
    /// A path to set, clear or touch matched nothing, and the node it names cannot be
    /// created (only plain `NAME` steps and `seq::` can be): Augeas's `EPATHX` without
    /// a minor message.
    CannotCreate,
    /// Anything else: the code, minor message and details say it all.
    Other,
}

impl Error {
    /// An error with a code, minor message and details.
    pub fn new(code: ErrorCode, minor: Option<String>, details: Option<String>) -> Error {
        Error {
            code,
            minor,
            details,
            kind: ErrorKind::Other,
        }
    }

    /// The same error, saying what failed.
    pub fn with_kind(mut self, kind: ErrorKind) -> Error {
        self.kind = kind;
        self
    }

    /// Augeas's error code (what `aug_error` returns).
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// What failed.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// The path error, when a path expression failed.
    pub fn path_error(&self) -> Option<&PathError> {
        match &self.kind {
            ErrorKind::Path(p) => Some(p),
            _ => None,
        }
    }

    /// Augeas's message for the code (what `aug_error_message` returns).
    pub fn message(&self) -> &'static str {
        self.code.message()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code.message())?;
        for part in [&self.minor, &self.details].into_iter().flatten() {
            write!(f, ": {part}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Path(p) => Some(p),
            ErrorKind::Save(files) => files.first().map(|f| f as _),
            ErrorKind::CannotCreate | ErrorKind::Other => None,
        }
    }
}

/// Why a file failed to load or save, as Augeas records it under
/// `/augeas/files/<file>/error` (see [`crate::Augeas::file_errors`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {kind}{}", message.as_ref().map(|m| format!(": {m}")).unwrap_or_default())]
#[non_exhaustive]
pub struct FileError {
    /// The file, as under `/files` (e.g. `/etc/hosts`).
    pub file: String,
    /// What went wrong.
    pub kind: FileErrorKind,
    /// The message, e.g. `Iterated lens matched less than it should`.
    pub message: Option<String>,
    /// Where in the file the parse stopped: the line (1-based), when known.
    pub line: Option<usize>,
    /// The character in that line (1-based), when known.
    pub char: Option<usize>,
    /// The byte offset in the file, when known.
    pub pos: Option<usize>,
    /// The tree node a save could not write, e.g. `/files/etc/hosts/1`.
    pub path: Option<String>,
    /// The lens that failed, e.g. `/usr/share/augeas/lenses/dist/hosts.aug:23.12-.55:`.
    pub lens: Option<String>,
}

/// The kinds of [`FileError`], named as Augeas names them in the tree.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FileErrorKind {
    /// `parse_failed`: the text does not match the lens.
    ParseFailed,
    /// `put_failed`: the tree cannot be written with the lens.
    PutFailed,
    /// `parse_skel_failed`: the original text could not be read again while saving.
    ParseSkelFailed,
    /// `read_failed`: the file could not be read.
    ReadFailed,
    /// `multiple_nodes`: several nodes describe the file (aug-rs refuses to save it).
    MultipleNodes,
    /// Another kind, e.g. `mk_augtemp`, `rename_augtemp`, `unlink_orig` (writing the
    /// file failed at that step).
    Other(String),
}

impl FileErrorKind {
    /// The kind's name, as in the tree.
    pub fn as_str(&self) -> &str {
        match self {
            FileErrorKind::ParseFailed => "parse_failed",
            FileErrorKind::PutFailed => "put_failed",
            FileErrorKind::ParseSkelFailed => "parse_skel_failed",
            FileErrorKind::ReadFailed => "read_failed",
            FileErrorKind::MultipleNodes => "multiple_nodes",
            FileErrorKind::Other(s) => s,
        }
    }

    fn from_name(name: &str) -> FileErrorKind {
        match name {
            "parse_failed" => FileErrorKind::ParseFailed,
            "put_failed" => FileErrorKind::PutFailed,
            "parse_skel_failed" => FileErrorKind::ParseSkelFailed,
            "read_failed" => FileErrorKind::ReadFailed,
            "multiple_nodes" => FileErrorKind::MultipleNodes,
            other => FileErrorKind::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for FileErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FileError {
    /// Reads the `error` node `error` of file `file`'s metadata.
    pub(crate) fn from_tree(tree: &Tree, file: &str, error: NodeId) -> FileError {
        let field = |name: &str| {
            tree.child(error, name)
                .and_then(|n| tree.value(n))
                .map(str::to_owned)
        };
        let number = |name: &str| field(name).and_then(|v| v.parse().ok());
        FileError {
            file: file.to_owned(),
            kind: FileErrorKind::from_name(tree.value(error).unwrap_or("error")),
            message: field("message"),
            line: number("line"),
            char: number("char"),
            pos: number("pos"),
            path: field("path"),
            lens: field("lens"),
        }
    }
}

impl crate::Augeas {
    /// Why each file that failed to load or save did, as recorded under
    /// `/augeas/files/<file>/error`, in tree order. Loading never fails as a whole (like
    /// `aug_load`): a file that does not parse is left out of `/files` and listed here.
    ///
    /// ```
    /// # let dir = tempfile::tempdir().unwrap();
    /// # std::fs::create_dir_all(dir.path().join("etc")).unwrap();
    /// std::fs::write(dir.path().join("etc/hosts"), "127.0.0.1\n")?; // no host name
    /// use aug_core::{Augeas, FileErrorKind, Flags};
    /// let aug = Augeas::builder()
    ///     .root(dir.path())
    ///     .flags(Flags::NO_STDINC)
    ///     .modules(aug_lenses::builtin_modules())
    ///     .open();
    /// let errors = aug.file_errors();
    /// assert_eq!(errors[0].file, "/etc/hosts");
    /// assert_eq!(errors[0].kind, FileErrorKind::ParseFailed);
    /// assert_eq!((errors[0].line, errors[0].char), (Some(1), Some(9)));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn file_errors(&self) -> Vec<FileError> {
        let Some(files) = self.find_meta(&["files"]) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        // (node, its file path so far)
        let mut stack = vec![(files, String::new())];
        while let Some((n, path)) = stack.pop() {
            let mut kids = Vec::new();
            for &c in self.tree.children(n) {
                let Some(label) = self.tree.label(c) else {
                    continue;
                };
                // A file's error has a value (its kind); a directory called `error`
                // has none.
                if label == "error" && !path.is_empty() && self.tree.value(c).is_some() {
                    out.push(FileError::from_tree(&self.tree, &path, c));
                } else {
                    kids.push((c, format!("{path}/{label}")));
                }
            }
            stack.extend(kids.into_iter().rev());
        }
        out
    }

    /// The error recorded for `file` (e.g. `/etc/hosts`), if any.
    pub(crate) fn file_error(&self, file: &str) -> Option<FileError> {
        let mut labels = vec!["files"];
        labels.extend(file.split('/').filter(|c| !c.is_empty()));
        let error = self
            .find_meta(&labels)
            .and_then(|m| self.tree.child(m, "error"))?;
        Some(FileError::from_tree(&self.tree, file, error))
    }
}
