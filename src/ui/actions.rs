//! What keys do to the app: the key map's actions applied to the state.

use super::app::{App, Focus, NoticeKind, Prompt};
use super::input::InputKind;
use super::keys::{action, Action, Mode};
use super::recording::stamped_path;
use crossterm::event::{KeyCode, KeyEvent};
use std::time::Instant;

impl App {
    /// Where keys go now.
    pub fn mode(&self) -> Mode {
        if self.prompt.is_some() {
            Mode::Prompt
        } else if self.help.is_some() {
            Mode::Help
        } else if self.input.is_some() {
            Mode::Input
        } else if self.completion.is_some() {
            Mode::Completion
        } else if self.error_pick.is_some() {
            Mode::Errors
        } else if self.focus == Focus::Inspector {
            Mode::Inspector
        } else {
            Mode::Editor
        }
    }

    /// Handles one key press.
    pub fn key(&mut self, key: KeyEvent, now: Instant) {
        match self.mode() {
            Mode::Input => self.input_key(key, now),
            Mode::Completion => self.completion_key(key, now),
            mode => {
                let action = action(key, mode);
                self.apply(action, now);
            }
        }
    }

    /// Inserts pasted text into the editor (ignored while an overlay is open).
    pub fn paste(&mut self, text: &str, now: Instant) {
        self.completion = None;
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
            Action::MuteNode | Action::SoloNode => match self.selected() {
                Some(name) => {
                    let text = if action == Action::MuteNode {
                        let muted = self.sound.toggle_node_mute(&name);
                        format!("{} {name}", if muted { "muted" } else { "unmuted" })
                    } else if self.sound.toggle_solo(&name) {
                        format!("solo {name}: every node outside its chain is muted")
                    } else {
                        format!("solo {name} ended")
                    };
                    self.notify(NoticeKind::Info, text, Some(now));
                }
                None => {
                    let text = "put the cursor on a node to mute or solo it".to_string();
                    self.notify(NoticeKind::Info, text, Some(now));
                }
            },
            Action::Panic => {
                self.sound.panic();
                let text = "panic: silenced and every node reset".to_string();
                self.notify(NoticeKind::Info, text, Some(now));
            }
            Action::ToggleLinkPlaying => {
                let text = match self.sound.toggle_link_playing() {
                    Some(true) => "link: starting the session's transport",
                    Some(false) => "link: stopping the session's transport",
                    None => "start / stop is Link's: the transport runs unless a --link session stops it",
                };
                self.notify(NoticeKind::Info, text.into(), Some(now));
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
            Action::Copy => {
                let selected = self.editor.selected_text();
                self.clipboard_is_line = selected.is_empty();
                let text = match selected {
                    text if !text.is_empty() => text,
                    _ => format!("{}\n", self.editor.lines()[self.editor.cursor().0]),
                };
                self.keep_copied(text);
            }
            Action::Cut => {
                self.clipboard_is_line = self.editor.selection().is_none();
                let text = self.editor.cut();
                self.edited(now);
                self.keep_copied(text);
            }
            Action::Paste => {
                let text = self.clipboard.clone();
                if self.clipboard_is_line && self.editor.selection().is_none() {
                    // A whole line copied goes in above the cursor's line, as in other editors.
                    let (row, col) = self.editor.cursor();
                    self.editor.set_cursor(row, 0);
                    if self.editor.paste(&text) {
                        self.editor.set_cursor(row + 1, col);
                        self.edited(now);
                    }
                } else if self.editor.paste(&text) {
                    self.edited(now);
                }
            }
            Action::SelectAll => self.editor.select_all(),
            Action::Find => self.open_input(InputKind::Find),
            Action::GoToLine => self.open_input(InputKind::GoToLine),
            Action::FindNext => self.find_again(false, now),
            Action::FindPrevious => self.find_again(true, now),
            Action::ToggleComment => {
                if self.editor.toggle_comment() {
                    self.edited(now);
                }
            }
            Action::Complete => self.open_completion(true),
            Action::NextError => self.jump_to_error(true, now),
            Action::PreviousError => self.jump_to_error(false, now),
            Action::ErrorList => {
                self.error_pick = match self.error_pick {
                    Some(_) => None,
                    None if self.errors().is_empty() => {
                        self.notify(NoticeKind::Ok, "no errors".into(), Some(now));
                        None
                    }
                    None => Some(0),
                }
            }
            Action::ResetClips => self.sound.reset_clips(),
            Action::MidiLearn => self.toggle_learn(now),
            Action::Edit(key) => self.edit_key(key, now),
            Action::Up => self.step(-1),
            Action::Down => self.step(1),
            Action::Select => self.jump_to_pick(now),
            Action::Back => {
                if self.prompt.is_some() {
                    self.answer('c', now);
                } else if self.help.is_some() {
                    self.help = None;
                } else if self.error_pick.is_some() {
                    self.error_pick = None;
                } else if self.learn.is_some() {
                    self.disarm_learn(now);
                } else if self.focus == Focus::Editor {
                    self.editor.clear_selection();
                } else {
                    self.focus = Focus::Editor;
                }
            }
            Action::Answer(letter) => self.answer(letter, now),
            Action::None => {}
        }
    }

    /// An editing or movement key: in the editor, or scrolling the overlay that has the keys.
    fn edit_key(&mut self, key: KeyEvent, now: Instant) {
        match self.mode() {
            Mode::Help | Mode::Inspector | Mode::Errors => {
                // The details and the help are shorter than the editor: a quarter of its
                // height at a time keeps the reader's place.
                let lines = (self.view_height / 4).max(3);
                match key.code {
                    KeyCode::PageDown => self.detail_scroll += lines,
                    KeyCode::PageUp => {
                        self.detail_scroll = self.detail_scroll.saturating_sub(lines);
                    }
                    _ => {}
                }
                return;
            }
            _ => {}
        }
        let page = self.view_height.max(1);
        match key.code {
            KeyCode::PageDown => self.top += page,
            KeyCode::PageUp => self.top = self.top.saturating_sub(page),
            _ => {}
        }
        let before = self.editor.cursor();
        if self.editor.key(key) {
            self.edited(now);
            if matches!(key.code, KeyCode::Char(_)) {
                self.open_completion(false);
            }
        } else if self.editor.cursor() != before {
            self.cursor_moved(now);
        }
    }

    /// Copy or cut: kept for Ctrl-V, and sent to the system clipboard (OSC 52) by the loop.
    fn keep_copied(&mut self, text: String) {
        if text.is_empty() {
            return;
        }
        self.clipboard.clone_from(&text);
        self.system_clipboard = Some(text);
    }

    /// F8 / Shift-F8: the cursor goes to the next (or previous) error, wrapping around.
    fn jump_to_error(&mut self, forward: bool, now: Instant) {
        let (row, col) = self.editor.cursor();
        let here = (row + 1, col + 1);
        let errors = self.errors();
        let found = if forward {
            errors
                .iter()
                .find(|e| (e.line, e.column) > here)
                .or(errors.first())
        } else {
            errors
                .iter()
                .rev()
                .find(|e| (e.line, e.column) < here)
                .or(errors.last())
        };
        match found.map(|e| (e.line, e.column)) {
            Some((line, column)) => {
                self.editor.set_cursor(line - 1, column - 1);
                self.cursor_moved(now);
            }
            None => self.notify(NoticeKind::Ok, "no errors".into(), Some(now)),
        }
    }

    /// Focus: editor <-> inspector; the inspector starts on the node under the cursor.
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

    /// Up / Down in the help's module list, the error list or the inspector's node list.
    fn step(&mut self, delta: isize) {
        self.detail_scroll = 0;
        if let Some(module) = self.help {
            let last = self.registry.types().len().saturating_sub(1);
            self.help = Some(module.saturating_add_signed(delta).min(last));
        } else if let Some(pick) = self.error_pick {
            let last = self.errors().len().saturating_sub(1);
            self.error_pick = Some(pick.saturating_add_signed(delta).min(last));
        } else {
            let last = self.node_list().len().saturating_sub(1);
            self.pick = self.pick.saturating_add_signed(delta).min(last);
        }
    }

    /// Enter in the inspector or the error list: the editor cursor goes to the picked node's
    /// definition or to the error.
    fn jump_to_pick(&mut self, now: Instant) {
        if self.help.is_some() {
            return;
        }
        if let Some(pick) = self.error_pick.take() {
            if let Some(e) = self.errors().get(pick) {
                let (line, column) = (e.line, e.column);
                self.editor.set_cursor(line - 1, column - 1);
                self.cursor_moved(now);
            }
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
