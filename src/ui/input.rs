//! The one-line inputs under the editor: search (Ctrl-F) and go to line (Ctrl-G).

use super::app::{App, NoticeKind};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::Instant;

/// What an input asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// Text to search for.
    Find,
    /// A line number to go to.
    GoToLine,
}

/// An open one-line input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// What it asks for.
    pub kind: InputKind,
    /// What was typed.
    pub text: String,
}

impl Input {
    /// The label shown before the typed text.
    pub fn label(&self) -> &'static str {
        match self.kind {
            InputKind::Find => "find (Enter/Down next, Up previous, Esc done): ",
            InputKind::GoToLine => "go to line (Enter goes, Esc cancels): ",
        }
    }
}

impl App {
    /// Opens the input `kind` (a search starts from the last one searched for).
    pub(crate) fn open_input(&mut self, kind: InputKind) {
        self.completion = None;
        let text = match kind {
            InputKind::Find => self.last_search.clone(),
            InputKind::GoToLine => String::new(),
        };
        self.input = Some(Input { kind, text });
    }

    /// A key while an input is open.
    pub(crate) fn input_key(&mut self, key: KeyEvent, now: Instant) {
        let Some(input) = self.input.as_mut() else {
            return;
        };
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let kind = input.kind;
        match key.code {
            KeyCode::Esc => self.input = None,
            KeyCode::Backspace => {
                input.text.pop();
            }
            KeyCode::Char(c) if !ctrl => {
                if kind == InputKind::GoToLine && !c.is_ascii_digit() {
                    return;
                }
                input.text.push(c);
                if kind == InputKind::Find {
                    self.last_search = input.text.clone();
                    self.search(false, true, now);
                }
            }
            KeyCode::Enter | KeyCode::Down | KeyCode::F(3) if kind == InputKind::Find => {
                self.search(false, false, now);
            }
            KeyCode::Up if kind == InputKind::Find => self.search(true, false, now),
            KeyCode::Enter => {
                let line = input.text.parse::<usize>().unwrap_or(1).max(1);
                self.input = None;
                self.editor.set_cursor(line - 1, 0);
                self.cursor_moved(now);
            }
            _ => {}
        }
    }

    /// F3 / Shift-F3: the last search again.
    pub(crate) fn find_again(&mut self, backwards: bool, now: Instant) {
        if self.last_search.is_empty() {
            self.open_input(InputKind::Find);
        } else {
            self.search(backwards, false, now);
        }
    }

    /// Selects the next (or previous) match of the last search; `typing`: the search text
    /// just grew, so a match at the cursor's selection still counts.
    fn search(&mut self, backwards: bool, typing: bool, now: Instant) {
        let needle = self.last_search.clone();
        if typing {
            if let Some((start, _)) = self.editor.selection() {
                self.editor.set_cursor(start.0, start.1);
            }
        }
        if self.editor.find(&needle, backwards) {
            self.cursor_moved(now);
        } else if !needle.is_empty() {
            self.notify(
                NoticeKind::Warning,
                format!("`{needle}` not found"),
                Some(now),
            );
        }
    }
}
