//! Where the cursor goes: by character, by word, to the next match of a search.

use super::text::is_word;
use super::Cursor;

/// One character left, to the end of the previous line at a line's start.
pub fn left(lines: &[String], (row, col): Cursor) -> Cursor {
    if col > 0 {
        (row, col - 1)
    } else if row > 0 {
        (row - 1, lines[row - 1].chars().count())
    } else {
        (0, 0)
    }
}

/// One character right, to the start of the next line at a line's end.
pub fn right(lines: &[String], (row, col): Cursor) -> Cursor {
    if col < lines[row].chars().count() {
        (row, col + 1)
    } else if row + 1 < lines.len() {
        (row + 1, 0)
    } else {
        (row, col)
    }
}

/// Ctrl-Right (`forward`): past the next word's end; Ctrl-Left: to the previous word's start.
/// A line break counts as one stop.
pub fn word(lines: &[String], (row, col): Cursor, forward: bool) -> Cursor {
    let chars: Vec<char> = lines[row].chars().collect();
    if forward {
        if col == chars.len() {
            return right(lines, (row, col));
        }
        let mut at = col;
        while at < chars.len() && !is_word(chars[at]) {
            at += 1;
        }
        while at < chars.len() && is_word(chars[at]) {
            at += 1;
        }
        (row, at)
    } else {
        if col == 0 {
            return left(lines, (row, col));
        }
        let mut at = col;
        while at > 0 && !is_word(chars[at - 1]) {
            at -= 1;
        }
        while at > 0 && is_word(chars[at - 1]) {
            at -= 1;
        }
        (row, at)
    }
}

/// The start of the next occurrence of `needle` (case-insensitive) after `from` (or at it,
/// when `inclusive`), or of the previous one before it when `backwards`; wraps around.
pub fn find(
    lines: &[String],
    from: Cursor,
    inclusive: bool,
    needle: &str,
    backwards: bool,
) -> Option<Cursor> {
    if needle.is_empty() {
        return None;
    }
    let needle: Vec<char> = needle.to_lowercase().chars().collect();
    let mut hits = Vec::new();
    for (row, line) in lines.iter().enumerate() {
        let chars: Vec<char> = line.to_lowercase().chars().collect();
        if chars.len() != line.chars().count() {
            // Lower-casing changed the length: fall back to an exact match.
            let exact: Vec<char> = line.chars().collect();
            hits.extend(starts(&exact, &needle).map(|c| (row, c)));
        } else {
            hits.extend(starts(&chars, &needle).map(|c| (row, c)));
        }
    }
    if backwards {
        hits.iter()
            .rev()
            .find(|hit| **hit < from)
            .or(hits.last())
            .copied()
    } else {
        hits.iter()
            .find(|hit| **hit > from || (inclusive && **hit == from))
            .or(hits.first())
            .copied()
    }
}

fn starts<'a>(hay: &'a [char], needle: &'a [char]) -> impl Iterator<Item = usize> + 'a {
    hay.windows(needle.len())
        .enumerate()
        .filter(move |(_, w)| *w == needle)
        .map(|(i, _)| i)
}
