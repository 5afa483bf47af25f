//! The text buffer: a `ratatui-textarea` used for editing only (keys, cursor, undo and redo);
//! the editor pane draws the lines itself, with the highlighter's colours and the gutter.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui_textarea::{CursorMove, TextArea};

/// Spaces a Tab-free YAML indent step takes.
const INDENT: u8 = 2;
/// Undo steps kept.
const HISTORY: usize = 1000;

/// The patch text being edited.
pub struct Editor {
    area: TextArea<'static>,
    text: String,
}

impl Editor {
    /// A buffer holding `text`, cursor at the top.
    pub fn new(text: &str) -> Self {
        let mut area = TextArea::new(split_lines(text));
        area.set_tab_length(INDENT);
        area.set_max_histories(HISTORY);
        Editor {
            area,
            text: text.to_string(),
        }
    }

    /// Replaces the whole text (undoable), keeping the cursor on the same line where it can.
    pub fn replace(&mut self, text: &str) {
        let (row, col) = self.cursor();
        self.area.select_all();
        self.area.cut();
        self.area
            .insert_str(text.strip_suffix('\n').unwrap_or(text));
        self.set_cursor(row, col);
        self.text = text.to_string();
    }

    /// The text: as given to [`Editor::new`] or [`Editor::replace`] until the next edit, then
    /// the lines joined by `\n`, with a final newline.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The lines, without line breaks.
    pub fn lines(&self) -> &[String] {
        self.area.lines()
    }

    /// Cursor position: 0-based line and character column.
    pub fn cursor(&self) -> (usize, usize) {
        let c = self.area.cursor();
        (c.0, c.1)
    }

    /// Moves the cursor to 0-based `row` and `col`, clamped to the text.
    pub fn set_cursor(&mut self, row: usize, col: usize) {
        let last = self.lines().len().saturating_sub(1);
        let row = row.min(last);
        let width = self.lines()[row].chars().count();
        self.area.move_cursor(CursorMove::Jump(
            u16::try_from(row).unwrap_or(u16::MAX),
            u16::try_from(col.min(width)).unwrap_or(u16::MAX),
        ));
    }

    /// Applies an editing or movement key; whether the text changed. Enter keeps the current
    /// line's indentation, as YAML wants.
    pub fn key(&mut self, key: KeyEvent) -> bool {
        let changed = if key.code == KeyCode::Enter && key.modifiers == KeyModifiers::NONE {
            let (row, _) = self.cursor();
            let indent: String = self.lines()[row]
                .chars()
                .take_while(|c| *c == ' ')
                .collect();
            self.area.insert_str(format!("\n{indent}"))
        } else {
            self.area.input(key)
        };
        self.refresh(changed)
    }

    /// Inserts pasted text at the cursor; whether the text changed.
    pub fn paste(&mut self, text: &str) -> bool {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let changed = self.area.insert_str(text);
        self.refresh(changed)
    }

    /// Undoes the last edit; whether the text changed.
    pub fn undo(&mut self) -> bool {
        let changed = self.area.undo();
        self.refresh(changed)
    }

    /// Redoes the last undone edit; whether the text changed.
    pub fn redo(&mut self) -> bool {
        let changed = self.area.redo();
        self.refresh(changed)
    }

    fn refresh(&mut self, changed: bool) -> bool {
        if changed {
            self.text = self.area.lines().join("\n");
            self.text.push('\n');
        }
        changed
    }
}

/// `text` as lines without breaks (one empty line for empty text).
fn split_lines(text: &str) -> Vec<String> {
    let text = text.strip_suffix('\n').unwrap_or(text);
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l).to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn enter_keeps_the_indentation_and_undo_reverts() {
        let mut editor = Editor::new("nodes:\n  osc:\n");
        editor.set_cursor(1, 6);
        assert!(editor.key(key(KeyCode::Enter)));
        assert!(editor.key(key(KeyCode::Char('x'))));
        assert_eq!(editor.text(), "nodes:\n  osc:\n  x\n");
        assert!(editor.undo());
        assert!(editor.undo());
        assert_eq!(editor.text(), "nodes:\n  osc:\n");
        assert!(editor.redo());
        assert_eq!(editor.lines()[2], "  ");
    }

    #[test]
    fn replace_keeps_the_cursor_line() {
        let mut editor = Editor::new("a\nb\nc\n");
        editor.set_cursor(2, 0);
        editor.replace("x\ny\nz\nw\n");
        assert_eq!(editor.text(), "x\ny\nz\nw\n");
        assert_eq!(editor.cursor(), (2, 0));
    }
}
