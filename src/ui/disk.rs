//! The app and the file on disk: saving, changes made by other programs, recovery writes.

use super::app::{App, NoticeKind, Prompt};
use super::files::{read_disk, save_file};
use std::time::Instant;

impl App {
    /// Ctrl-S: saves atomically and commits, unless the file changed on disk since it was
    /// loaded or saved, which asks first.
    pub fn save(&mut self, now: Instant) {
        let disk = read_disk(&self.path);
        if disk != self.disk_text && disk.as_deref() != Some(self.editor.text()) {
            self.theirs = disk;
            self.prompt = Some(Prompt::Overwrite);
            return;
        }
        self.write(now);
    }

    /// Writes the buffer to the file, then commits it; whether it was written.
    pub(crate) fn write(&mut self, now: Instant) -> bool {
        if let Some(reason) = &self.read_only {
            let text = format!("not saved: {reason}");
            self.notify(NoticeKind::Error, text, Some(now));
            return false;
        }
        let text = self.editor.text().to_string();
        if let Err(e) = save_file(&self.path, &text) {
            let text = format!("cannot save {}: {e}", self.name);
            self.notify(NoticeKind::Error, text, None);
            return false;
        }
        self.disk_text = Some(text.clone());
        self.saved_text = text;
        self.theirs = None;
        self.recovery_due = None;
        if let Some(recovery) = &self.recovery {
            recovery.remove();
        }
        let committed = self.commit(now);
        let detail = self
            .notice
            .as_ref()
            .map(|n| n.text.clone())
            .unwrap_or_default();
        let kind = if committed {
            NoticeKind::Ok
        } else {
            NoticeKind::Warning
        };
        self.notify(kind, format!("saved {}; {detail}", self.name), Some(now));
        true
    }

    /// The watcher saw the file change: a clean buffer loads it and commits; a dirty one
    /// asks. Nothing happens when the text on disk is the one last loaded or saved.
    pub fn disk_changed(&mut self, now: Instant) {
        let disk = read_disk(&self.path);
        if disk == self.disk_text {
            return;
        }
        let Some(theirs) = disk else {
            if let Some(before) = self.disk_text.take() {
                self.removed_text = Some(before);
            }
            let text = format!(
                "{} was removed from disk: Ctrl-S writes it again",
                self.name
            );
            self.notify(NoticeKind::Warning, text, Some(now));
            return;
        };
        if theirs == self.editor.text() {
            self.disk_text = Some(theirs.clone());
            self.saved_text = theirs;
            return;
        }
        // A file back after a moment away (a save that removes, then writes) is judged
        // against the text it had, as if it had never gone.
        let unsaved = match (&self.disk_text, &self.removed_text) {
            (None, Some(before)) => self.editor.text() != before,
            _ => self.is_dirty(),
        };
        self.theirs = Some(theirs);
        if unsaved {
            if self.prompt.is_none() {
                self.prompt = Some(Prompt::ExternalChange);
            }
        } else {
            self.reload_theirs(now);
        }
    }

    /// Replaces the buffer with the version on disk the watcher or a save found, and commits
    /// it when valid.
    pub(crate) fn reload_theirs(&mut self, now: Instant) {
        let Some(theirs) = self.theirs.take() else {
            return;
        };
        self.editor.replace(&theirs);
        self.disk_text = Some(theirs.clone());
        self.saved_text = theirs;
        self.recovery_due = None;
        self.edited(now);
        self.auto_commit_at = None;
        let committed = self.parsed.is_ok() && self.commit(now);
        let text = if committed {
            let summary = self
                .notice
                .as_ref()
                .map(|n| n.text.clone())
                .unwrap_or_default();
            format!("reloaded {} from disk; {summary}", self.name)
        } else {
            format!(
                "reloaded {} from disk: it has errors, the last good patch keeps playing",
                self.name
            )
        };
        self.notify(NoticeKind::Info, text, Some(now));
    }

    /// Writes the recovery file when it is due and the buffer has unsaved changes.
    pub(crate) fn write_recovery_if_due(&mut self, now: Instant) {
        let Some(due) = self.recovery_due else {
            return;
        };
        if now < due {
            return;
        }
        self.recovery_due = None;
        if !self.is_dirty() {
            return;
        }
        if let Some(recovery) = &self.recovery {
            if let Err(e) = recovery.write(self.editor.text()) {
                let text = format!("cannot write the recovery file: {e}");
                self.notify(NoticeKind::Warning, text, Some(now));
            }
        }
    }

    /// Another running instance owns this file's recovery files (it is editing the file):
    /// this one refuses to save, so that neither overwrites the other (see
    /// [`super::recovery::Recovery::claim`]; its own recovery files are
    /// [`super::recovery::Recovery::for_instance`]).
    pub fn open_read_only(&mut self, pid: Option<u32>) {
        let who = match pid {
            Some(pid) => format!("another patches-tui (pid {pid})"),
            None => "another patches-tui".into(),
        };
        let reason = format!("{} is open in {who}; this one is read-only", self.name);
        self.notify(NoticeKind::Warning, reason.clone(), None);
        self.read_only = Some(reason);
    }

    /// The file cannot be watched: say that changes made by other programs go unseen.
    pub fn watch_failed(&mut self, reason: &str) {
        let text = format!(
            "cannot watch {} ({reason}): saves by other programs will not be seen",
            self.name
        );
        self.notify(NoticeKind::Warning, text, None);
    }

    /// Writes the recovery file now (after a crash); where it went.
    pub fn write_recovery_now(&self) -> Option<std::path::PathBuf> {
        let recovery = self.recovery.as_ref()?;
        recovery.write(self.editor.text()).ok()?;
        Some(recovery.file.clone())
    }
}
