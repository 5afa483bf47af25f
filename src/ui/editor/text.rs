//! Characters as the editor sees them: word classes for Ctrl-Left/Right and undo grouping,
//! display cells for tabs and wide (CJK) characters.

use unicode_width::UnicodeWidthChar;

/// Columns between tab stops when a literal tab is drawn.
pub const TAB_WIDTH: usize = 4;

/// Whether `c` belongs to a word (letters, digits, `_`).
pub fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Cells `c` takes when drawn at display column `at`: a tab reaches the next tab stop, a wide
/// character takes two, a control character none.
pub fn cells(c: char, at: usize) -> usize {
    if c == '\t' {
        TAB_WIDTH - at % TAB_WIDTH
    } else {
        c.width().unwrap_or(0)
    }
}

/// The display column of character column `col` of `line`.
pub fn display_column(line: &str, col: usize) -> usize {
    line.chars().take(col).fold(0, |at, c| at + cells(c, at))
}

/// The character column drawn at display column `x` of `line` (the character covering it, or
/// the end of the line).
pub fn char_column(line: &str, x: usize) -> usize {
    let mut at = 0;
    for (i, c) in line.chars().enumerate() {
        let width = cells(c, at);
        if x < at + width.max(1) {
            return i;
        }
        at += width;
    }
    line.chars().count()
}

/// The byte offset of character column `col` of `line` (its length past the end).
pub fn byte_at(line: &str, col: usize) -> usize {
    line.char_indices().nth(col).map_or(line.len(), |(i, _)| i)
}

/// Leading spaces of `line`.
pub fn indent_of(line: &str) -> usize {
    line.chars().take_while(|c| *c == ' ').count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tabs_and_wide_characters_take_their_cells() {
        assert_eq!(display_column("\tx", 1), TAB_WIDTH);
        assert_eq!(display_column("a\tx", 2), TAB_WIDTH);
        assert_eq!(display_column("音符: x", 2), 4);
        assert_eq!(char_column("音符: x", 3), 1);
        assert_eq!(char_column("音符: x", 4), 2);
        assert_eq!(char_column("ab", 9), 2);
    }
}
