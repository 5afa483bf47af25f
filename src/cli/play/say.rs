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

/// Prints `text` as it is on stdout and flushes; false when stdout is closed (a pipe whose
/// reader has gone), so the caller can stop.
pub fn print(text: impl Display) -> bool {
    let mut out = std::io::stdout().lock();
    write!(out, "{text}").is_ok() && out.flush().is_ok()
}
