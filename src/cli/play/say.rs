//! Printing one line at once (the output is often a pipe), without panicking when whoever
//! reads it has gone.

use std::fmt::Display;
use std::io::Write;

/// Prints `line` on stdout and flushes.
pub fn say(line: impl Display) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

/// Prints `line` on stderr and flushes.
pub fn warn(line: impl Display) {
    let mut out = std::io::stderr().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}
