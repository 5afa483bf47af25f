//! The text buffer: lines, a cursor, a selection, grouped undo, and the editing keys people
//! know from other editors (CUA). The editor pane draws it; [`Editor::key`] applies keys.

mod history;
mod motion;
pub mod text;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use history::{EditKind, History, Snapshot};
use text::{byte_at, indent_of, is_word};

/// Spaces one indent step takes (YAML forbids tabs for indentation).
pub const INDENT: usize = 2;

/// A position in the buffer: 0-based line and character column.
pub type Cursor = (usize, usize);

/// The patch text being edited.
pub struct Editor {
    lines: Vec<String>,
    cursor: Cursor,
    /// The other end of the selection, when there is one.
    anchor: Option<Cursor>,
    history: History,
    text: String,
    /// Lines a PageUp/PageDown moves (the view's height).
    page: usize,
}

impl Editor {
    /// A buffer holding `text`, cursor at the top.
    pub fn new(text: &str) -> Self {
        Editor {
            lines: split_lines(text),
            cursor: (0, 0),
            anchor: None,
            history: History::default(),
            text: text.to_string(),
            page: 20,
        }
    }

    /// Replaces the whole text as one undo step (a reload or restore: the first undo after
    /// it gives back the text before it), keeping the cursor on the same line where it can.
    pub fn replace(&mut self, text: &str) {
        self.history.before_edit(EditKind::Other, self.snapshot());
        self.lines = split_lines(text);
        self.anchor = None;
        let (row, col) = self.cursor;
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
        &self.lines
    }

    /// Cursor position: 0-based line and character column.
    pub fn cursor(&self) -> Cursor {
        self.cursor
    }

    /// The selection as (start, end), start first; `None` when nothing is selected.
    pub fn selection(&self) -> Option<(Cursor, Cursor)> {
        let anchor = self.anchor?;
        (anchor != self.cursor).then(|| (anchor.min(self.cursor), anchor.max(self.cursor)))
    }

    /// The selected text (empty when nothing is selected).
    pub fn selected_text(&self) -> String {
        let Some((start, end)) = self.selection() else {
            return String::new();
        };
        let mut out = String::new();
        for row in start.0..=end.0 {
            let line = &self.lines[row];
            let from = if row == start.0 { start.1 } else { 0 };
            let to = if row == end.0 {
                end.1
            } else {
                line.chars().count()
            };
            out.push_str(&line[byte_at(line, from)..byte_at(line, to)]);
            if row != end.0 {
                out.push('\n');
            }
        }
        out
    }

    /// Moves the cursor to 0-based `row` and `col`, clamped to the text; clears the selection.
    pub fn set_cursor(&mut self, row: usize, col: usize) {
        self.anchor = None;
        self.move_to(row, col);
    }

    /// Selects from `anchor` to the cursor at `row`, `col` (mouse drags).
    pub fn select_to(&mut self, anchor: Cursor, row: usize, col: usize) {
        self.move_to(row, col);
        self.anchor = Some(anchor);
    }

    /// Drops the selection (Esc), leaving the cursor where it is.
    pub fn clear_selection(&mut self) {
        self.anchor = None;
    }

    /// Selects the whole text (Ctrl-A).
    pub fn select_all(&mut self) {
        let last = self.lines.len() - 1;
        self.anchor = Some((0, 0));
        self.cursor = (last, self.width(last));
    }

    /// Sets the lines PageUp and PageDown move.
    pub fn set_page(&mut self, lines: usize) {
        self.page = lines.max(1);
    }

    /// Applies an editing or movement key; whether the text changed.
    pub fn key(&mut self, key: KeyEvent) -> bool {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let shift = key.modifiers.contains(KeyModifiers::SHIFT);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        match key.code {
            KeyCode::Char(c) if !ctrl && !alt => self.type_char(c),
            KeyCode::Enter => self.newline(),
            KeyCode::Backspace => self.delete(false, ctrl),
            KeyCode::Delete => self.delete(true, ctrl),
            KeyCode::Tab if !ctrl => self.indent(),
            KeyCode::BackTab => self.outdent(),
            _ => {
                if let Some(to) = self.motion(key.code, ctrl, shift) {
                    self.history.close();
                    if shift {
                        self.anchor.get_or_insert(self.cursor);
                    } else {
                        self.anchor = None;
                    }
                    self.cursor = to;
                }
                false
            }
        }
    }

    /// Inserts pasted text at the cursor (over the selection) as one undo step; whether the
    /// text changed.
    pub fn paste(&mut self, text: &str) -> bool {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        if text.is_empty() && self.selection().is_none() {
            return false;
        }
        self.edit(EditKind::Other, |e| {
            e.delete_selection();
            e.insert(&text);
        })
    }

    /// Cuts the selection, or the cursor's line when nothing is selected; the text cut.
    pub fn cut(&mut self) -> String {
        if self.selection().is_none() {
            let row = self.cursor.0;
            self.anchor = Some((row, 0));
            if row + 1 < self.lines.len() {
                self.cursor = (row + 1, 0);
            } else {
                self.cursor = (row, self.width(row));
            }
        }
        let text = self.selected_text();
        self.edit(EditKind::Other, Editor::delete_selection);
        text
    }

    /// Replaces the characters `from..to` of line `row` with `with` (one undo step), leaving
    /// the cursor after it. Completion uses this.
    pub fn replace_range(&mut self, row: usize, from: usize, to: usize, with: &str) -> bool {
        self.edit(EditKind::Other, |e| {
            e.anchor = Some((row, from));
            e.cursor = (row, to);
            e.delete_selection();
            e.insert(with);
        })
    }

    /// Toggles a `# ` comment on the cursor's line or the selected lines (Ctrl-/): all
    /// commented lines are uncommented, else every non-blank line is commented at the
    /// smallest indentation.
    pub fn toggle_comment(&mut self) -> bool {
        let (first, last) = self.selected_rows();
        let rows = first..=last;
        let blank = |l: &String| l.trim().is_empty();
        let commented = self.lines[rows.clone()]
            .iter()
            .filter(|l| !blank(l))
            .all(|l| l.trim_start().starts_with('#'));
        let indent = self.lines[rows.clone()]
            .iter()
            .filter(|l| !blank(l))
            .map(|l| indent_of(l))
            .min()
            .unwrap_or(0);
        self.edit(EditKind::Other, |e| {
            for row in rows {
                let line = &mut e.lines[row];
                if blank(line) {
                    continue;
                }
                let at = indent_of(line);
                if commented {
                    let rest = &line[at + 1..];
                    let rest = rest.strip_prefix(' ').unwrap_or(rest).to_string();
                    line.replace_range(at.., &rest);
                } else {
                    line.insert_str(indent, "# ");
                }
            }
            let width = e.width(e.cursor.0);
            e.cursor.1 = e.cursor.1.min(width);
            e.anchor = e.anchor.map(|(r, c)| (r, c.min(e.width(r))));
        })
    }

    /// Undoes the last step; whether the text changed.
    pub fn undo(&mut self) -> bool {
        match self.history.undo(self.snapshot()) {
            Some(snapshot) => self.restore(snapshot),
            None => false,
        }
    }

    /// Redoes the last undone step; whether the text changed.
    pub fn redo(&mut self) -> bool {
        match self.history.redo(self.snapshot()) {
            Some(snapshot) => self.restore(snapshot),
            None => false,
        }
    }

    /// The next place `needle` occurs (case-insensitive) after the cursor, or before it when
    /// `backwards`, wrapping around; selects it. Whether it was found.
    pub fn find(&mut self, needle: &str, backwards: bool) -> bool {
        let selected = self.selection().map(|(start, _)| start);
        let from = selected.unwrap_or(self.cursor);
        let found = motion::find(&self.lines, from, selected.is_none(), needle, backwards);
        let Some((row, col)) = found else {
            return false;
        };
        self.history.close();
        self.anchor = Some((row, col));
        self.cursor = (row, col + needle.chars().count());
        true
    }

    fn type_char(&mut self, c: char) -> bool {
        let kind = if is_word(c) {
            EditKind::Word
        } else {
            EditKind::Punctuation
        };
        self.edit(kind, |e| {
            e.delete_selection();
            e.insert(c.encode_utf8(&mut [0; 4]));
        })
    }

    /// Enter: a new line with the indentation of this one, one step deeper after `key:`.
    fn newline(&mut self) -> bool {
        self.edit(EditKind::Other, |e| {
            e.delete_selection();
            let (row, col) = e.cursor;
            let line = &e.lines[row];
            let before = &line[..byte_at(line, col)];
            let mut indent = indent_of(line).min(col);
            let code = before.split(" #").next().unwrap_or(before).trim_end();
            let item = code.trim_start().strip_prefix("- ");
            // `- key: value` opens a mapping whose next key lines up after the dash; a plain
            // `- item` (a compact cable, a step) is followed by the next item.
            if item.is_some_and(|rest| rest.contains(": ") || rest.ends_with(':')) {
                indent += INDENT;
            }
            if code.ends_with(':') && !code.trim_start().starts_with('#') {
                indent += INDENT;
            }
            // Spaces the cursor stood before would push the new line's text further in.
            let after = &line[byte_at(line, col)..];
            let skip = after.chars().take_while(|c| *c == ' ').count();
            e.cursor.1 += skip;
            e.anchor = Some((row, col));
            e.delete_selection();
            e.insert(&format!("\n{}", " ".repeat(indent)));
        })
    }

    /// Backspace or Delete (`forward`): the selection, else one character (a word with
    /// Ctrl); Backspace in leading spaces goes back one indent step.
    fn delete(&mut self, forward: bool, word: bool) -> bool {
        if self.selection().is_none() {
            let to = if word {
                let code = if forward {
                    KeyCode::Right
                } else {
                    KeyCode::Left
                };
                motion::word(&self.lines, self.cursor, code == KeyCode::Right)
            } else if forward {
                motion::right(&self.lines, self.cursor)
            } else {
                let (row, col) = self.cursor;
                let line = &self.lines[row];
                if col > 0 && indent_of(line) >= col {
                    (row, (col - 1) / INDENT * INDENT)
                } else {
                    motion::left(&self.lines, self.cursor)
                }
            };
            if to == self.cursor {
                return false;
            }
            self.anchor = Some(to);
        }
        self.edit(EditKind::Delete, Editor::delete_selection)
    }

    /// Tab: indents the selected lines, or inserts spaces to the next indent step.
    fn indent(&mut self) -> bool {
        if self.selection().is_some() {
            let (first, last) = self.selected_rows();
            return self.edit(EditKind::Other, |e| {
                for row in first..=last {
                    e.lines[row].insert_str(0, &" ".repeat(INDENT));
                }
                e.cursor.1 += INDENT;
                e.anchor = e.anchor.map(|(r, c)| (r, c + INDENT));
            });
        }
        let spaces = INDENT - self.cursor.1 % INDENT;
        self.edit(EditKind::Other, |e| e.insert(&" ".repeat(spaces)))
    }

    /// Shift-Tab: takes up to one indent step off the cursor's or the selected lines.
    fn outdent(&mut self) -> bool {
        let (first, last) = self.selected_rows();
        if (first..=last).all(|r| indent_of(&self.lines[r]) == 0) {
            return false;
        }
        self.edit(EditKind::Other, |e| {
            for row in first..=last {
                let remove = indent_of(&e.lines[row]).min(INDENT);
                e.lines[row].replace_range(..remove, "");
                if e.cursor.0 == row {
                    e.cursor.1 = e.cursor.1.saturating_sub(remove);
                }
                if let Some(anchor) = e.anchor.as_mut().filter(|a| a.0 == row) {
                    anchor.1 = anchor.1.saturating_sub(remove);
                }
            }
        })
    }

    /// The first and last line of the selection (the cursor's line without one; a selection
    /// ending at column 0 leaves that line out).
    fn selected_rows(&self) -> (usize, usize) {
        match self.selection() {
            Some((start, end)) if end.1 == 0 && end.0 > start.0 => (start.0, end.0 - 1),
            Some((start, end)) => (start.0, end.0),
            None => (self.cursor.0, self.cursor.0),
        }
    }

    /// Where a movement key takes the cursor.
    fn motion(&self, code: KeyCode, ctrl: bool, shift: bool) -> Option<Cursor> {
        let (row, col) = self.cursor;
        let last = self.lines.len() - 1;
        Some(match code {
            KeyCode::Left if ctrl => motion::word(&self.lines, self.cursor, false),
            KeyCode::Right if ctrl => motion::word(&self.lines, self.cursor, true),
            KeyCode::Left => match self.selection() {
                Some((start, _)) if !shift => start,
                _ => motion::left(&self.lines, self.cursor),
            },
            KeyCode::Right => match self.selection() {
                Some((_, end)) if !shift => end,
                _ => motion::right(&self.lines, self.cursor),
            },
            KeyCode::Up if row == 0 => (0, 0),
            KeyCode::Up => (row - 1, col.min(self.width(row - 1))),
            KeyCode::Down if row == last => (last, self.width(last)),
            KeyCode::Down => (row + 1, col.min(self.width(row + 1))),
            KeyCode::Home if ctrl => (0, 0),
            KeyCode::End if ctrl => (last, self.width(last)),
            KeyCode::Home => {
                let indent = indent_of(&self.lines[row]);
                (row, if col == indent { 0 } else { indent })
            }
            KeyCode::End => (row, self.width(row)),
            KeyCode::PageUp => {
                let to = row.saturating_sub(self.page);
                (to, col.min(self.width(to)))
            }
            KeyCode::PageDown => {
                let to = (row + self.page).min(last);
                (to, col.min(self.width(to)))
            }
            _ => return None,
        })
    }

    /// Runs `change` as one edit of `kind`; whether the text changed (an unchanged text
    /// leaves no undo step).
    fn edit(&mut self, kind: EditKind, change: impl FnOnce(&mut Editor)) -> bool {
        let before = self.snapshot();
        change(self);
        if self.lines == before.lines {
            return false;
        }
        self.history.before_edit(kind, before);
        self.history.after_edit(self.cursor);
        self.refresh();
        true
    }

    /// Deletes the selected text (no undo step of its own).
    fn delete_selection(&mut self) {
        let Some((start, end)) = self.selection() else {
            self.anchor = None;
            return;
        };
        let tail = {
            let line = &self.lines[end.0];
            line[byte_at(line, end.1)..].to_string()
        };
        let first = &mut self.lines[start.0];
        first.truncate(byte_at(first, start.1));
        first.push_str(&tail);
        self.lines.drain(start.0 + 1..=end.0);
        self.cursor = start;
        self.anchor = None;
    }

    /// Inserts `text` at the cursor (no undo step of its own), leaving the cursor after it.
    fn insert(&mut self, text: &str) {
        let (row, col) = self.cursor;
        let line = &mut self.lines[row];
        let at = byte_at(line, col);
        let tail = line[at..].to_string();
        line.truncate(at);
        let mut parts = text.split('\n');
        let first = parts.next().unwrap_or_default();
        line.push_str(first);
        let mut end = (row, col + first.chars().count());
        for (i, part) in parts.enumerate() {
            self.lines.insert(row + 1 + i, part.to_string());
            end = (row + 1 + i, part.chars().count());
        }
        self.lines[end.0].push_str(&tail);
        self.cursor = end;
    }

    fn snapshot(&self) -> Snapshot {
        Snapshot {
            lines: self.lines.clone(),
            cursor: self.cursor,
        }
    }

    fn restore(&mut self, snapshot: Snapshot) -> bool {
        let changed = snapshot.lines != self.lines;
        self.lines = snapshot.lines;
        self.anchor = None;
        self.move_to(snapshot.cursor.0, snapshot.cursor.1);
        self.refresh();
        changed
    }

    fn move_to(&mut self, row: usize, col: usize) {
        let row = row.min(self.lines.len() - 1);
        self.cursor = (row, col.min(self.width(row)));
    }

    /// Characters on line `row`.
    fn width(&self, row: usize) -> usize {
        self.lines[row].chars().count()
    }

    fn refresh(&mut self) {
        self.text = self.lines.join("\n");
        self.text.push('\n');
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
mod tests;
