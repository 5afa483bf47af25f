//! The completion list in the app: opened by Ctrl-Space or after two typed characters,
//! Up/Down pick, Enter/Tab accept, Esc closes, any other key goes on to the editor.

use super::app::App;
use super::complete::{complete, Completions};
use super::keys::{action, Mode};
use crossterm::event::{KeyCode, KeyEvent};
use std::time::Instant;

/// An open completion list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// What can be completed, and where.
    pub completions: Completions,
    /// The highlighted candidate.
    pub pick: usize,
}

impl App {
    /// Opens the completion list for the cursor's place when something applies (`explicit`:
    /// Ctrl-Space, which also says when nothing does).
    pub(crate) fn open_completion(&mut self, explicit: bool) {
        let found = complete(
            self.editor.lines(),
            self.editor.cursor(),
            &self.registry,
            explicit,
        );
        self.completion = found.map(|completions| Completion {
            completions,
            pick: 0,
        });
        if explicit && self.completion.is_none() {
            self.notify(
                super::app::NoticeKind::Info,
                "nothing to complete here".into(),
                Some(Instant::now()),
            );
        }
    }

    /// A key while the completion list is open.
    pub(crate) fn completion_key(&mut self, key: KeyEvent, now: Instant) {
        let Some(open) = self.completion.as_mut() else {
            return;
        };
        let last = open.completions.candidates.len().saturating_sub(1);
        match key.code {
            KeyCode::Up => open.pick = open.pick.saturating_sub(1),
            KeyCode::Down => open.pick = (open.pick + 1).min(last),
            KeyCode::Enter | KeyCode::Tab => self.accept_completion(now),
            KeyCode::Esc => self.completion = None,
            _ => {
                self.completion = None;
                let action = action(key, Mode::Editor);
                self.apply(action, now);
            }
        }
    }

    /// Puts the picked candidate in place of the typed prefix.
    fn accept_completion(&mut self, now: Instant) {
        let Some(open) = self.completion.take() else {
            return;
        };
        let c = &open.completions;
        let Some(candidate) = c.candidates.get(open.pick) else {
            return;
        };
        if self
            .editor
            .replace_range(c.row, c.from, c.to, &candidate.insert)
        {
            self.edited(now);
        }
    }
}
