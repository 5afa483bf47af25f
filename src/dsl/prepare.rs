//! Rewrites patch text before YAML parsing, keeping every line and column where it was.
//!
//! Two things: a lone carriage return becomes a newline (YAML counts it as a line break, the
//! editor does not), and an unquoted `-` meant as a step rest is replaced by a placeholder
//! character so that it parses as a string. YAML reads `- -` as a nested list and rejects
//! `[C4, -, _]` outright; with the placeholder both read as the string `-`. Every scalar and
//! message is mapped back with [`restore`], so text that already parsed reads the same.

use std::borrow::Cow;

/// Stands in for a rest `-` during parsing (a private-use character, one column wide).
const PLACEHOLDER: char = '\u{E000}';

/// Patch text ready for the YAML parser.
pub(crate) struct Prepared<'a> {
    /// The text to parse.
    pub text: Cow<'a, str>,
    /// Whether placeholders were inserted, so scalars need [`restore`].
    pub substituted: bool,
}

/// Prepares `text` for parsing (see the module docs).
pub(crate) fn prepare(text: &str) -> Prepared<'_> {
    let bytes = text.as_bytes();
    let may_substitute = !text.contains(PLACEHOLDER);
    let mut edits: Vec<(usize, &str)> = Vec::new();
    let mut line_start = 0;
    let mut prev_significant = b'\n';
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => {
                edits.push((i, "\n"));
                line_start = i + 1;
            }
            b'\n' => line_start = i + 1,
            b'-' if may_substitute && is_rest(bytes, i, line_start, prev_significant) => {
                edits.push((i, "\u{E000}"));
            }
            _ => {}
        }
        if !is_space(b) {
            prev_significant = b;
        }
    }
    if edits.is_empty() {
        return Prepared {
            text: Cow::Borrowed(text),
            substituted: false,
        };
    }
    let substituted = edits.iter().any(|(_, with)| *with != "\n");
    let mut out = String::with_capacity(text.len() + 2 * edits.len());
    let mut copied = 0;
    for (at, with) in edits {
        out.push_str(&text[copied..at]);
        out.push_str(with);
        copied = at + 1;
    }
    out.push_str(&text[copied..]);
    Prepared {
        text: Cow::Owned(out),
        substituted,
    }
}

/// `text` with placeholders turned back into `-`.
pub(crate) fn restore(text: &str) -> Cow<'_, str> {
    if text.contains(PLACEHOLDER) {
        Cow::Owned(text.replace(PLACEHOLDER, "-"))
    } else {
        Cow::Borrowed(text)
    }
}

/// [`restore`] for a scalar's text: `text` itself when it holds no placeholder.
pub(crate) fn restored(text: Cow<'_, str>) -> Cow<'_, str> {
    match restore(&text) {
        Cow::Owned(restored) => Cow::Owned(restored),
        Cow::Borrowed(_) => text,
    }
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t')
}

/// Whether the `-` at `at` is a lone rest in a flow list (`[C4, -, _]`) or the value of a
/// block list entry (`- -`).
fn is_rest(bytes: &[u8], at: usize, line_start: usize, prev_significant: u8) -> bool {
    let after = &bytes[at + 1..];
    let next = after.iter().position(|&b| !is_space(b)).map(|i| after[i]);
    if matches!(prev_significant, b'[' | b',') && matches!(next, Some(b',' | b']')) {
        return true;
    }
    let blanks = after.iter().take_while(|&&b| is_blank(b)).count();
    let ends_line = match after.get(blanks) {
        None | Some(b'\n' | b'\r') => true,
        Some(b'#') => blanks > 0,
        Some(_) => false,
    };
    ends_line && is_entry_prefix(&bytes[line_start..at])
}

/// Whether `prefix` is indentation followed by one or more `- ` entry indicators.
fn is_entry_prefix(prefix: &[u8]) -> bool {
    let mut rest = prefix;
    while let Some((&first, tail)) = rest.split_first() {
        if !is_blank(first) {
            break;
        }
        rest = tail;
    }
    let mut entries = 0;
    while let Some((&b'-', tail)) = rest.split_first() {
        let blanks = tail.iter().take_while(|&&b| is_blank(b)).count();
        if blanks == 0 {
            return false;
        }
        rest = &tail[blanks..];
        entries += 1;
    }
    entries > 0 && rest.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prepared(text: &str) -> String {
        restore(&prepare(text).text).into_owned()
    }

    #[test]
    fn marks_only_lone_rests() {
        let p = prepare("a: [C4, -, _]\nb:\n  - -\n  - - x\n  - -1\n  - '-'\n");
        assert!(p.substituted);
        let marked: Vec<usize> = p
            .text
            .char_indices()
            .filter(|(_, c)| *c == PLACEHOLDER)
            .map(|(i, _)| i)
            .collect();
        assert_eq!(marked.len(), 2);
        assert_eq!(prepared("x: a, -, b\n"), "x: a, -, b\n");
    }

    #[test]
    fn lone_carriage_returns_become_newlines() {
        let p = prepare("a: 1\rb: 2\r\n");
        assert_eq!(p.text, "a: 1\nb: 2\r\n");
        assert!(!p.substituted);
    }

    #[test]
    fn text_with_the_placeholder_is_left_alone() {
        let text = "a: [\u{E000}, -]";
        assert_eq!(prepare(text).text, text);
    }
}
