//! `DslError`: one problem in a patch file, at a line and column.

use super::one_line::one_line;
use std::fmt;

/// One problem in a patch file, with the 1-based line and column of the offending text.
///
/// Columns count characters (Unicode scalar values), so a tab is one column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DslError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong and what was expected.
    pub message: String,
}

impl DslError {
    /// An error at `line`:`column` (both 1-based). The message is made fit for one line of
    /// a terminal: see [`one_line`](super::one_line::one_line).
    pub fn new(line: usize, column: usize, message: impl Into<String>) -> Self {
        DslError {
            line,
            column,
            message: one_line(&message.into()),
        }
    }

    /// The error as `FILE:LINE:COL: message`, the form editors and compilers use.
    pub fn with_file(&self, file: &str) -> String {
        format!("{file}:{self}")
    }
}

impl fmt::Display for DslError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for DslError {}

/// Sorts errors by position, keeping the order of errors at the same position.
pub(crate) fn sort_by_position(errors: &mut [DslError]) {
    errors.sort_by_key(|e| (e.line, e.column));
}

/// Moves positions past the end of their line, or past the last line (the YAML parser reports
/// some errors there), to the nearest position inside `text`. `text` has `\n` line breaks,
/// possibly as `\r\n`.
pub(crate) fn clamp_to_text(errors: &mut [DslError], text: &str) {
    let lines: Vec<&str> = text.split('\n').collect();
    for e in errors {
        if e.line > lines.len() {
            e.line = lines.len();
            e.column = usize::MAX;
        }
        let line = lines[e.line.max(1) - 1];
        let width = line.strip_suffix('\r').unwrap_or(line).chars().count();
        e.line = e.line.max(1);
        e.column = e.column.clamp(1, width + 1);
    }
}
