//! Patch bytes to text: a size limit checked before reading, and UTF-8 decoding that locates
//! the first byte that is not UTF-8.

use super::error::DslError;
use std::fmt;
use std::io::Read;
use std::path::Path;

/// The largest patch file accepted (16 MiB): a patch is a few kilobytes, so anything this
/// large is the wrong file, and reading it whole would only stall the editor.
pub const MAX_PATCH_BYTES: u64 = 16 << 20;

/// Why a patch file could not be turned into text.
#[derive(Debug)]
pub enum SourceError {
    /// The file could not be opened or read.
    Io(std::io::Error),
    /// The file is larger than [`MAX_PATCH_BYTES`]: its size, or at least that many bytes.
    TooLarge(u64),
    /// The file is not UTF-8 text: the position of the first offending byte.
    NotUtf8(DslError),
}

impl SourceError {
    /// The error as one line naming `file`: `FILE:LINE:COL: message` when it has a position.
    pub fn with_file(&self, file: &str) -> String {
        match self {
            SourceError::NotUtf8(e) => e.with_file(file),
            _ => format!("{file}: {self}"),
        }
    }
}

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SourceError::Io(e) => write!(f, "cannot read: {e}"),
            SourceError::TooLarge(bytes) => write!(
                f,
                "is {:.1} MiB, larger than the {} MiB a patch may be: is it the right file?",
                *bytes as f64 / f64::from(1 << 20),
                MAX_PATCH_BYTES >> 20
            ),
            SourceError::NotUtf8(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for SourceError {}

/// Reads the patch file at `path`: refused, without reading it, when it is larger than
/// [`MAX_PATCH_BYTES`] (or grows past it while being read).
pub fn read_patch_file(path: &Path) -> Result<String, SourceError> {
    let file = std::fs::File::open(path).map_err(SourceError::Io)?;
    let size = file.metadata().map_err(SourceError::Io)?.len();
    if size > MAX_PATCH_BYTES {
        return Err(SourceError::TooLarge(size));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(MAX_PATCH_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(SourceError::Io)?;
    if bytes.len() as u64 > MAX_PATCH_BYTES {
        return Err(SourceError::TooLarge(bytes.len() as u64));
    }
    String::from_utf8(bytes)
        .map_err(|e| SourceError::NotUtf8(not_utf8(e.as_bytes(), e.utf8_error().valid_up_to())))
}

/// `bytes` as text, or an error at the line and column of the first byte that is not UTF-8.
pub fn decode(bytes: &[u8]) -> Result<&str, DslError> {
    std::str::from_utf8(bytes).map_err(|e| not_utf8(bytes, e.valid_up_to()))
}

/// An error at the byte `at` of `bytes`, everything before which is valid UTF-8.
fn not_utf8(bytes: &[u8], at: usize) -> DslError {
    let before = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
    // Lines as the parser counts them: `\n`, `\r\n` and a lone `\r` each end one.
    let (mut line, mut column) = (1, 1);
    let mut chars = before.chars().peekable();
    while let Some(c) = chars.next() {
        let lone_cr = c == '\r' && chars.peek() != Some(&'\n');
        if c == '\n' || lone_cr {
            (line, column) = (line + 1, 1);
        } else if c != '\r' {
            column += 1;
        }
    }
    DslError::new(
        line,
        column,
        format!(
            "the file is not UTF-8 text (byte 0x{:02X} here): save it as UTF-8",
            bytes[at]
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_bad_byte_is_located_in_characters() {
        let e = decode(b"nodes:\n  \xc3\xa9t\xc3\xa9: \xff\xfe\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 8));
        assert!(e.message.contains("0xFF"), "{}", e.message);
        assert!(decode("nodes: {}\n".as_bytes()).is_ok());
        let e = decode(b"a\r\nb\rcd\xff").unwrap_err();
        assert_eq!(
            (e.line, e.column),
            (3, 3),
            "a lone CR ends a line, as in YAML"
        );
    }
}
