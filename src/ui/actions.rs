//! What keys do to the app: the key map's actions applied to the state.

use super::app::{App, Focus, NoticeKind, Prompt};
use super::keys::{action, Action, Mode};
use super::recording::stamped_path;
use crossterm::event::KeyEvent;
use std::time::Instant;

impl App {
    /// Where keys go now.
    pub fn mode(&self) -> Mode {
        if self.prompt.is_some() {
            Mode::Prompt
        } else if self.help.is_some() {
            Mode::Help
        } else if self.focus == Focus::Inspector {
            Mode::Inspector
        } else {
            Mode::Editor
        }
    }

    /// Handles one key press.
    pub fn key(&mut self, key: KeyEvent, now: Instant) {
        let action = action(key, self.mode());
        self.apply(action, now);
    }

    /// Inserts pasted text into the editor (ignored while an overlay is open).
    pub fn paste(&mut self, text: &str, now: Instant) {
        if self.mode() == Mode::Editor && self.editor.paste(text) {
            self.edited(now);
        }
    }

    /// Carries out `action`.
    pub fn apply(&mut self, action: Action, now: Instant) {
        match action {
            Action::Commit => {
                self.commit(now);
            }
            Action::Save => self.save(now),
            Action::ToggleAutoCommit => {
                self.auto_commit = !self.auto_commit;
                self.auto_commit_at = None;
                let state = if self.auto_commit { "on" } else { "off" };
                self.notify(NoticeKind::Info, format!("auto-commit {state}"), Some(now));
            }
            Action::ToggleFocus => self.toggle_focus(),
            Action::ToggleRecording => match self.sound.stop_recording() {
                Some(Ok((path, seconds))) => {
                    let text = format!("recorded {} ({seconds:.1} s)", path.display());
                    self.notify(NoticeKind::Ok, text, Some(now));
                }
                Some(Err(reason)) => self.notify(NoticeKind::Error, reason, None),
                None => {
                    let path = stamped_path(&self.path, std::time::SystemTime::now());
                    match self.sound.start_recording(&path) {
                        Ok(()) => {
                            let text = format!("recording to {}", path.display());
                            self.notify(NoticeKind::Info, text, Some(now));
                        }
                        Err(reason) => self.notify(NoticeKind::Error, reason, None),
                    }
                }
            },
            Action::CycleQuantize => {
                let next = self.sound.quantize().next();
                self.sound.set_quantize(next);
                self.notify(NoticeKind::Info, format!("quantize {next}"), Some(now));
            }
            Action::ToggleMute => {
                let state = if self.sound.toggle_mute() {
                    "muted"
                } else {
                    "unmuted"
                };
                self.notify(NoticeKind::Info, state.into(), Some(now));
            }
            Action::Help => {
                self.help = match self.help {
                    Some(_) => None,
                    None => Some(0),
                }
            }
            Action::Quit => {
                if self.is_dirty() {
                    self.prompt = Some(Prompt::Quit);
                } else {
                    self.quit = true;
                }
            }
            Action::Undo => {
                if self.editor.undo() {
                    self.edited(now);
                }
            }
            Action::Redo => {
                if self.editor.redo() {
                    self.edited(now);
                }
            }
            Action::ResetClips => self.sound.reset_clips(),
            Action::Edit(key) => {
                if self.editor.key(key) {
                    self.edited(now);
                }
            }
            Action::Up => self.step(-1),
            Action::Down => self.step(1),
            Action::Select => self.jump_to_pick(),
            Action::Back => {
                if self.prompt.is_some() {
                    self.answer('c', now);
                } else if self.help.is_some() {
                    self.help = None;
                } else {
                    self.focus = Focus::Editor;
                }
            }
            Action::Answer(letter) => self.answer(letter, now),
            Action::None => {}
        }
    }

    /// Tab: editor <-> inspector; the inspector starts on the node under the cursor.
    fn toggle_focus(&mut self) {
        match self.focus {
            Focus::Editor => {
                let selected = self.selected();
                self.focus = Focus::Inspector;
                self.pick = selected
                    .and_then(|name| self.node_list().iter().position(|(n, _)| *n == name))
                    .unwrap_or(0);
            }
            Focus::Inspector => self.focus = Focus::Editor,
        }
    }

    /// Up / Down in the help's module list or the inspector's node list.
    fn step(&mut self, delta: isize) {
        if let Some(module) = self.help {
            let last = self.registry.types().len().saturating_sub(1);
            self.help = Some(module.saturating_add_signed(delta).min(last));
        } else {
            let last = self.node_list().len().saturating_sub(1);
            self.pick = self.pick.saturating_add_signed(delta).min(last);
        }
    }

    /// Enter in the inspector: the editor cursor goes to the picked node's definition.
    fn jump_to_pick(&mut self) {
        if self.help.is_some() {
            return;
        }
        let Some(name) = self.selected() else {
            return;
        };
        let line = self.outline().and_then(|(graph, spans)| {
            let node = graph.nodes.iter().position(|n| n.name == name)?;
            Some(spans.node_line(node))
        });
        if let Some(line) = line {
            let indent = self.editor.lines()
                [line.saturating_sub(1).min(self.editor.lines().len() - 1)]
            .chars()
            .take_while(|c| *c == ' ')
            .count();
            self.editor.set_cursor(line.saturating_sub(1), indent);
            self.focus = Focus::Editor;
        }
    }

    /// A prompt's answer; unknown letters are ignored.
    fn answer(&mut self, letter: char, now: Instant) {
        let Some(prompt) = self.prompt.clone() else {
            return;
        };
        let valid = prompt.text().1.iter().any(|(l, _)| *l == letter);
        if !valid {
            return;
        }
        self.prompt = None;
        match (prompt, letter) {
            (Prompt::Quit, 's') => self.quit = self.write(now),
            (Prompt::Quit, 'd') => {
                if let Some(recovery) = &self.recovery {
                    recovery.remove();
                }
                self.quit = true;
            }
            (Prompt::ExternalChange | Prompt::Overwrite, 'r') => self.reload_theirs(now),
            (Prompt::ExternalChange, 'k') => {
                self.disk_text = self.theirs.take();
                self.notify(
                    NoticeKind::Warning,
                    "kept the buffer: Ctrl-S will replace the version on disk".into(),
                    Some(now),
                );
            }
            (Prompt::Overwrite, 'o') => {
                self.write(now);
            }
            (Prompt::Overwrite, _) => self.theirs = None,
            (Prompt::Restore, 'y') => {
                if let Some(text) = self.recovered.take() {
                    self.editor.replace(&text);
                    self.edited(now);
                    self.notify(
                        NoticeKind::Info,
                        "restored the unsaved buffer: commit to hear it, save to keep it".into(),
                        Some(now),
                    );
                }
            }
            (Prompt::Restore, _) => {
                self.recovered = None;
                if let Some(recovery) = &self.recovery {
                    recovery.remove();
                }
            }
            _ => {}
        }
        if self.prompt.is_none() && self.theirs.is_some() {
            self.prompt = Some(Prompt::ExternalChange);
        }
    }
}
