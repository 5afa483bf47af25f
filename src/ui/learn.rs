//! MIDI learn on the screen: a key arms it for the parameter under the cursor, the next
//! controller that moves is written into the buffer (one undo step) and committed; Esc
//! disarms. A parameter with a CV input is cabled; a float one without is written as a
//! modulation. The text it writes is in [`super::learn_text`].

use super::app::{App, NoticeKind};
use super::learn_text::{learn_target, write_mapping, LearnTarget};
use crate::engine::live::MidiIn;
use std::time::Instant;

/// A learn waiting for a controller.
#[derive(Debug, Clone, PartialEq)]
pub struct Armed {
    /// The parameter and how it will be mapped.
    pub target: LearnTarget,
    /// Controller messages seen when it was armed: the next one is learned.
    controllers: u64,
}

impl App {
    /// Arms MIDI learn for the parameter under the cursor, or disarms a learn that waits;
    /// the status line says which, or why the line cannot be learned.
    pub(crate) fn toggle_learn(&mut self, now: Instant) {
        if self.learn.is_some() {
            self.disarm_learn(now);
            return;
        }
        let controllers = match self.sound.midi() {
            MidiIn::Open(input) => input.activity().controllers,
            MidiIn::Off => {
                let text = "MIDI learn needs MIDI in: start with --midi-in NAME (`patches-tui midi` lists the ports)";
                self.notify(NoticeKind::Warning, text.into(), Some(now));
                return;
            }
            MidiIn::Failed(reason) => {
                let text = format!("MIDI learn needs MIDI in, which is off: {reason}");
                self.notify(NoticeKind::Warning, text, Some(now));
                return;
            }
        };
        let Ok(patch) = &self.parsed else {
            let text = "MIDI learn: the buffer has errors; fix them first (F8)";
            self.notify(NoticeKind::Warning, text.into(), Some(now));
            return;
        };
        let (row, col) = self.editor.cursor();
        match learn_target(patch, row, col) {
            Ok(target) => {
                let text = format!(
                    "MIDI learn armed for {}.{}: move a controller (Esc cancels)",
                    target.node, target.param
                );
                self.learn = Some(Armed {
                    target,
                    controllers,
                });
                self.notify(NoticeKind::Info, text, None);
            }
            Err(reason) => self.notify(NoticeKind::Warning, reason, Some(now)),
        }
    }

    /// Disarms a waiting learn; whether one waited.
    pub(crate) fn disarm_learn(&mut self, now: Instant) -> bool {
        let Some(armed) = self.learn.take() else {
            return false;
        };
        let text = format!(
            "MIDI learn for {}.{} cancelled",
            armed.target.node, armed.target.param
        );
        self.notify(NoticeKind::Info, text, Some(now));
        true
    }

    /// The learn waiting for a controller, if one is armed.
    pub fn learning(&self) -> Option<&LearnTarget> {
        self.learn.as_ref().map(|a| &a.target)
    }

    /// When a controller moved since the learn was armed: writes its mapping into the buffer
    /// and commits it. Whether the screen changed.
    pub(crate) fn learn_tick(&mut self, now: Instant) -> bool {
        let Some(armed) = &self.learn else {
            return false;
        };
        let Some(activity) = self.sound.midi_activity() else {
            return false;
        };
        let Some((cc, fine)) = activity.moved_controller(armed.controllers) else {
            return false;
        };
        let armed = self.learn.take().expect("armed above");
        let written = match &self.parsed {
            Ok(patch) => {
                let (row, col) = self.editor.cursor();
                write_mapping(self.editor.lines(), patch, &armed.target, (cc, fine), row)
                    .map(|(lines, row, name)| (lines, row, col, name))
            }
            Err(_) => Err("MIDI learn: the buffer has errors now; nothing written".into()),
        };
        let (lines, row, col, name) = match written {
            Ok(written) => written,
            Err(reason) => {
                self.notify(NoticeKind::Warning, reason, Some(now));
                return true;
            }
        };
        self.editor.replace(&(lines.join("\n") + "\n"));
        self.editor.set_cursor(row, col);
        self.edited(now);
        let target = &armed.target;
        let committed = self.parsed.is_ok() && self.commit(now);
        let text = format!(
            "learned CC{}{} ch{} -> {} as node `{name}` ({}: the full throw moves {}){}; Ctrl-Z undoes",
            cc.controller,
            if fine { " (14-bit)" } else { "" },
            cc.channel + 1,
            target.destination(),
            target.how(),
            target.sweep,
            if committed { ", committed" } else { "" }
        );
        self.notify(NoticeKind::Ok, text, Some(now));
        true
    }
}
