//! The state of the live-coding screen. Pure state and rules: no terminal here, so tests
//! drive it directly and the views draw it as it is.

use super::cable_diff::CableChanges;
use super::completion::Completion;
use super::editor::{Cursor, Editor};
use super::highlight::Highlighter;
use super::input::Input;
use super::recovery::Recovery;
use super::theme::Theme;
use super::view::layout::keep_visible;
use crate::dsl::{self, DslError, Patch, SpanIndex};
use crate::engine::live::LiveSession;
use crate::engine::{CommitSummary, ModuleGraph};
use crate::modules::Registry;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The patch a missing file starts with: a quiet sine.
pub const STARTER_PATCH: &str = "\
# A new set: edit, then commit with Ctrl-R (Ctrl-S saves and commits).
nodes:
  osc:
    module: SineOscillator
    params:
      frequency: 220.0
  out:
    module: AudioOut
cables:
  - from: osc
    output: out
    to: out
    input: left
    scale: 0.2
  - from: osc
    output: out
    to: out
    input: right
    scale: 0.2
";

/// Idle time after the last edit before auto-commit commits it, once the cursor is off the
/// word being typed.
pub const AUTO_COMMIT_DELAY: Duration = Duration::from_millis(300);
/// Idle time before auto-commit commits while the cursor still ends a word or number being
/// typed (retyping `440` as `330` must not play `3`).
pub const AUTO_COMMIT_TYPING_DELAY: Duration = Duration::from_millis(1500);
/// Interval between recovery writes while there are unsaved changes.
pub const RECOVERY_INTERVAL: Duration = Duration::from_secs(5);
/// How long a transient notice stays.
pub const NOTICE_TIME: Duration = Duration::from_secs(6);

/// Which pane has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The text editor.
    Editor,
    /// The inspector's node list.
    Inspector,
}

/// What the last commit did to a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Badge {
    /// Kept as it was.
    Kept,
    /// Kept, with a parameter change.
    Changed,
    /// Rebuilt in a new shape (`channels`, `length`, `voices`), keeping what makes sense of
    /// its state.
    Reshaped,
    /// A new instance.
    New,
    /// Gone (listed until the next commit).
    Removed,
}

impl Badge {
    /// The badge's word.
    pub fn label(self) -> &'static str {
        match self {
            Badge::Kept => "kept",
            Badge::Changed => "changed",
            Badge::Reshaped => "reshaped",
            Badge::New => "new",
            Badge::Removed => "removed",
        }
    }
}

/// The meter rows as the performer scrolled them: the first row, and the node that was
/// selected then (selecting another node makes the rows follow it again).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeterScroll {
    /// Index of the first node row shown.
    pub first: usize,
    /// The node selected when the rows were scrolled.
    pub selected: Option<String>,
}

/// A question waiting for an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    /// Quit with unsaved changes: save, discard or cancel.
    Quit,
    /// The file changed on disk while the buffer has unsaved changes: reload theirs or keep.
    ExternalChange,
    /// Saving would overwrite a version on disk this buffer has not seen.
    Overwrite,
    /// A recovery file newer than the file exists: restore it or not.
    Restore,
}

impl Prompt {
    /// The question and its answers, as (letter, meaning).
    pub fn text(&self) -> (&'static str, &'static [(char, &'static str)]) {
        match self {
            Prompt::Quit => (
                "There are unsaved changes.",
                &[
                    ('s', "save and quit"),
                    ('d', "discard and quit"),
                    ('c', "cancel"),
                ],
            ),
            Prompt::ExternalChange => (
                "The file changed on disk, and the buffer has unsaved changes.",
                &[('r', "reload theirs"), ('k', "keep the buffer")],
            ),
            Prompt::Overwrite => (
                "The file changed on disk since it was loaded.",
                &[
                    ('o', "overwrite it"),
                    ('r', "reload theirs"),
                    ('c', "cancel"),
                ],
            ),
            Prompt::Restore => (
                "A recovery file newer than the file exists (unsaved work).",
                &[('y', "restore it"), ('n', "discard it")],
            ),
        }
    }
}

/// How a notice looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    /// Good news.
    Ok,
    /// Information.
    Info,
    /// Something to look at.
    Warning,
    /// Something failed.
    Error,
}

/// A message on the status line.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// The message.
    pub text: String,
    /// Its look.
    pub kind: NoticeKind,
    /// When it goes away (never when `None`).
    pub until: Option<Instant>,
}

/// A meter's peak-hold tick.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hold {
    /// The held peak (linear).
    pub level: f32,
    /// When it was reached.
    pub at: Instant,
}

/// Start-up choices.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Commit every valid edit after `AUTO_COMMIT_DELAY` of idle time.
    pub auto_commit: bool,
}

/// Everything the screen shows and the rules that change it.
pub struct App {
    pub(crate) path: PathBuf,
    pub(crate) name: String,
    pub(crate) registry: Registry,
    pub(crate) theme: Theme,
    pub(crate) editor: Editor,
    pub(crate) highlighter: Highlighter,
    pub(crate) parsed: Result<Patch, Vec<DslError>>,
    /// While the buffer does not validate: its last parse that got that far (a valid buffer's
    /// graph and positions are in `parsed`). See [`App::outline`].
    pub(crate) outline: Option<(ModuleGraph, SpanIndex)>,
    pub(crate) running: Option<Patch>,
    pub(crate) running_text: Option<String>,
    pub(crate) summary: Option<CommitSummary>,
    /// What the last commit did to the cables.
    pub(crate) cable_changes: CableChanges,
    pub(crate) removed: Vec<(String, String)>,
    pub(crate) disk_text: Option<String>,
    /// The text that needs no saving while there is no file on disk and never was: the
    /// starter patch. See [`App::is_dirty`].
    pub(crate) saved_text: String,
    /// While the file is gone after having been on disk: the text it had.
    pub(crate) removed_text: Option<String>,
    /// Why saves are refused (another instance edits the file), if they are.
    pub(crate) read_only: Option<String>,
    pub(crate) theirs: Option<String>,
    pub(crate) sound: LiveSession,
    pub(crate) recovery: Option<Recovery>,
    pub(crate) recovered: Option<String>,
    pub(crate) recovery_due: Option<Instant>,
    pub(crate) focus: Focus,
    pub(crate) pick: usize,
    pub(crate) help: Option<usize>,
    pub(crate) prompt: Option<Prompt>,
    pub(crate) notice: Option<Notice>,
    pub(crate) auto_commit: bool,
    pub(crate) auto_commit_at: Option<Instant>,
    pub(crate) holds: HashMap<String, Hold>,
    pub(crate) master_holds: [Option<Hold>; 2],
    pub(crate) meter_signature: u64,
    /// MIDI messages the screen has shown (a new one redraws).
    pub(crate) midi_seen: u64,
    pub(crate) top: usize,
    pub(crate) left: usize,
    /// Lines of text the editor shows (set by [`App::fit_editor`]).
    pub(crate) view_height: usize,
    /// Lines the help or inspector details are scrolled by.
    pub(crate) detail_scroll: usize,
    /// What Ctrl-C or Ctrl-X took last (Ctrl-V pastes it).
    pub(crate) clipboard: String,
    /// Whether the clipboard holds a whole line (copied or cut without a selection).
    pub(crate) clipboard_is_line: bool,
    /// Text copied since the loop last looked: it goes to the system clipboard (OSC 52).
    pub(crate) system_clipboard: Option<String>,
    /// The open search or go-to-line input.
    pub(crate) input: Option<Input>,
    /// The last text searched for.
    pub(crate) last_search: String,
    /// The open completion list.
    pub(crate) completion: Option<Completion>,
    /// The error list, open, with its picked entry.
    pub(crate) error_pick: Option<usize>,
    /// Where the cursor was after the last edit (auto-commit waits while it stays on the
    /// word there).
    pub(crate) last_edit: Option<Cursor>,
    /// Where a mouse drag started.
    pub(crate) drag_from: Option<Cursor>,
    /// Where the performer scrolled the meter rows, while the same node stays selected.
    pub(crate) meter_scroll: Option<MeterScroll>,
    /// A MIDI learn waiting for a controller.
    pub(crate) learn: Option<super::learn::Armed>,
    pub(crate) quit: bool,
}

impl App {
    /// Opens `path`, whose text on disk is `disk` (`None`: no such file, the starter patch
    /// is used and written on the first save), playing on `sound`. A valid text is committed
    /// at once; an invalid one shows its errors and stays silent. A recovery file newer than
    /// the file is offered.
    pub fn open(
        path: &Path,
        disk: Option<String>,
        sound: LiveSession,
        theme: Theme,
        recovery: Option<Recovery>,
        options: Options,
        now: Instant,
    ) -> Self {
        let text = disk.clone().unwrap_or_else(|| STARTER_PATCH.to_string());
        let mut app = App {
            name: path.file_name().map_or_else(
                || path.display().to_string(),
                |n| n.to_string_lossy().into(),
            ),
            path: path.to_path_buf(),
            registry: Registry::standard(),
            highlighter: Highlighter::new(&theme),
            theme,
            editor: Editor::new(&text),
            parsed: Err(Vec::new()),
            outline: None,
            running: None,
            running_text: None,
            summary: None,
            cable_changes: CableChanges::default(),
            removed: Vec::new(),
            saved_text: text,
            removed_text: None,
            read_only: None,
            disk_text: disk,
            theirs: None,
            sound,
            recovery,
            recovered: None,
            recovery_due: None,
            focus: Focus::Editor,
            pick: 0,
            help: None,
            prompt: None,
            notice: None,
            auto_commit: options.auto_commit,
            auto_commit_at: None,
            holds: HashMap::new(),
            master_holds: [None; 2],
            meter_signature: 0,
            midi_seen: 0,
            top: 0,
            left: 0,
            view_height: 20,
            detail_scroll: 0,
            clipboard: String::new(),
            clipboard_is_line: false,
            system_clipboard: None,
            input: None,
            last_search: String::new(),
            completion: None,
            error_pick: None,
            drag_from: None,
            meter_scroll: None,
            last_edit: None,
            learn: None,
            quit: false,
        };
        app.reparse();
        if app.disk_text.is_none() {
            app.notify(
                NoticeKind::Info,
                format!(
                    "{} does not exist: a starter patch, written on the first save (Ctrl-S)",
                    app.name
                ),
                None,
            );
        }
        match &app.parsed {
            Ok(_) => {
                app.commit(now);
            }
            Err(errors) => {
                let text = format!(
                    "{} has {} error(s): silent until the first valid commit",
                    app.name,
                    errors.len()
                );
                app.notify(NoticeKind::Error, text, None);
            }
        }
        if let Some(warning) = app.sound.warning().map(str::to_string) {
            app.notify(NoticeKind::Warning, warning, None);
        }
        if let Some(text) = app.recovery.as_ref().and_then(Recovery::offer) {
            app.recovered = Some(text);
            app.prompt = Some(Prompt::Restore);
        }
        app
    }

    /// Re-parses and validates the buffer (one parse per edit) and brings the highlighting up
    /// to date.
    ///
    /// This is [`dsl::load`] in its two halves, so that a buffer that parses but does not
    /// validate keeps its parse for [`App::outline`] without being parsed a second time.
    pub(crate) fn reparse(&mut self) {
        let previous = std::mem::replace(&mut self.parsed, Err(Vec::new()));
        let (parsed, outline) = match dsl::parse(self.editor.text()) {
            Ok((graph, spans)) => match dsl::check(graph, spans, &self.registry) {
                Ok(patch) => (Ok(patch), None),
                Err(invalid) => {
                    let dsl::Invalid {
                        errors,
                        graph,
                        spans,
                    } = *invalid;
                    (Err(errors), Some((graph, spans)))
                }
            },
            Err(errors) => {
                let last = match previous {
                    Ok(patch) => Some((patch.graph, patch.spans)),
                    Err(_) => self.outline.take(),
                };
                (Err(errors), last)
            }
        };
        self.parsed = parsed;
        self.outline = outline;
        self.highlighter.update(self.editor.lines());
    }

    /// The buffer's graph as written and its positions: from its patch when it is valid, else
    /// from its last parse that got that far (`None` before any did).
    pub(crate) fn outline(&self) -> Option<(&ModuleGraph, &SpanIndex)> {
        match &self.parsed {
            Ok(patch) => Some((&patch.graph, &patch.spans)),
            Err(_) => self.outline.as_ref().map(|(graph, spans)| (graph, spans)),
        }
    }

    /// After an edit: re-parse, schedule auto-commit and the recovery write.
    pub(crate) fn edited(&mut self, now: Instant) {
        self.reparse();
        self.last_edit = Some(self.editor.cursor());
        if self.auto_commit {
            self.auto_commit_at = Some(now + self.auto_commit_delay());
        }
        if self.error_pick.is_some() {
            let last = self.errors().len();
            self.error_pick = (last > 0).then(|| self.error_pick.unwrap_or(0).min(last - 1));
        }
        if self.is_dirty() && self.recovery_due.is_none() {
            self.recovery_due = Some(now + RECOVERY_INTERVAL);
        }
    }

    /// After the cursor moved without an edit: a pending auto-commit that waited for the
    /// word being typed goes ahead once the cursor has left it.
    pub(crate) fn cursor_moved(&mut self, now: Instant) {
        if self.auto_commit_at.is_some() {
            self.auto_commit_at = Some(now + self.auto_commit_delay());
        }
    }

    /// How long auto-commit waits: longer while the cursor is on the word or number just
    /// edited (the value may still be half typed), the short delay once it has left it.
    fn auto_commit_delay(&self) -> Duration {
        let (row, col) = self.editor.cursor();
        let Some((edit_row, edit_col)) = self.last_edit else {
            return AUTO_COMMIT_DELAY;
        };
        let line: Vec<char> = self.editor.lines()[row].chars().collect();
        let in_token = |c: &char| c.is_alphanumeric() || matches!(c, '.' | '_' | '-');
        let start = line[..edit_col.min(line.len())]
            .iter()
            .rev()
            .take_while(|c| in_token(c))
            .count();
        let end = line[edit_col.min(line.len())..]
            .iter()
            .take_while(|c| in_token(c))
            .count();
        let token = edit_col - start..=edit_col + end;
        if row == edit_row && start + end > 0 && token.contains(&col) {
            AUTO_COMMIT_TYPING_DELAY
        } else {
            AUTO_COMMIT_DELAY
        }
    }

    /// Commits the buffer: plans it and hands it to the audio thread. An invalid buffer is
    /// refused (the last good patch keeps playing); whether it was committed.
    pub fn commit(&mut self, now: Instant) -> bool {
        self.auto_commit_at = None;
        let patch = match &self.parsed {
            Ok(patch) => patch.clone(),
            Err(errors) => {
                let first = errors.first().map_or(String::new(), |e| {
                    format!(" (line {}: {})", e.line, e.message)
                });
                let text = format!(
                    "not committed: {} error(s){first}; the last good patch keeps playing",
                    errors.len()
                );
                self.notify(NoticeKind::Error, text, Some(now));
                return false;
            }
        };
        let summary = self.sound.commit(&patch);
        let before = self.running.as_ref().map(|p| &p.graph);
        self.cable_changes = CableChanges::between(before, &patch.graph);
        if let Some(previous) = &self.running {
            self.removed = removed_nodes(previous, &patch);
        }
        self.running = Some(patch);
        self.running_text = Some(self.editor.text().to_string());
        match summary {
            Some(summary) => self.adopt(summary, now),
            None => {
                self.notify(
                    NoticeKind::Info,
                    "commit queued: the audio thread has not taken the last plan yet".into(),
                    Some(now),
                );
            }
        }
        true
    }

    /// Records what a commit did (when the audio thread took its plan: at once, or on a later
    /// tick for a queued one).
    pub(crate) fn adopt(&mut self, summary: CommitSummary, now: Instant) {
        let cables = self.cable_changes;
        self.notify(
            NoticeKind::Ok,
            format!("committed: {summary}; {cables}"),
            Some(now),
        );
        self.summary = Some(summary);
        self.sound.reset_clips();
    }

    /// Shows `text` on the status line; a notice given `now` goes away after `NOTICE_TIME`.
    pub(crate) fn notify(&mut self, kind: NoticeKind, text: String, now: Option<Instant>) {
        self.notice = Some(Notice {
            text,
            kind,
            until: now.map(|now| now + NOTICE_TIME),
        });
    }

    /// Whether the buffer holds text the disk does not: it differs from the file's content
    /// as last seen on disk (loaded, saved, or changed by another program). With no file on
    /// disk: always once the file was removed (the buffer is the only copy, so quitting
    /// asks), else when it differs from the starter patch.
    pub fn is_dirty(&self) -> bool {
        match &self.disk_text {
            Some(disk) => self.editor.text() != disk,
            None => self.removed_text.is_some() || self.editor.text() != self.saved_text,
        }
    }

    /// Whether the buffer differs from what was last committed.
    pub fn is_uncommitted(&self) -> bool {
        self.running_text.as_deref() != Some(self.editor.text())
    }

    /// The buffer's text.
    pub fn text(&self) -> &str {
        self.editor.text()
    }

    /// The buffer's errors (empty when it is valid).
    pub fn errors(&self) -> &[DslError] {
        match &self.parsed {
            Ok(_) => &[],
            Err(errors) => errors,
        }
    }

    /// The question waiting for an answer.
    pub fn prompt(&self) -> Option<&Prompt> {
        self.prompt.as_ref()
    }

    /// The status line's message.
    pub fn notice(&self) -> Option<&Notice> {
        self.notice.as_ref()
    }

    /// The last commit's summary.
    pub fn summary(&self) -> Option<&CommitSummary> {
        self.summary.as_ref()
    }

    /// What the last commit did to the cables.
    pub fn cable_changes(&self) -> CableChanges {
        self.cable_changes
    }

    /// The engine's last plan id (0 before the first commit).
    pub fn plan_id(&self) -> u64 {
        self.sound.plan_id()
    }

    /// The running patch.
    pub fn running(&self) -> Option<&Patch> {
        self.running.as_ref()
    }

    /// The live session (its MIDI input, meters and transport).
    pub fn sound_mut(&mut self) -> &mut LiveSession {
        &mut self.sound
    }

    /// Whether the program should end.
    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// Where the recovery file goes, if there is a data directory.
    pub fn recovery(&self) -> Option<&Recovery> {
        self.recovery.as_ref()
    }

    /// Whether auto-commit is on.
    pub fn auto_commit(&self) -> bool {
        self.auto_commit
    }

    /// Which pane has the keys.
    pub fn focus(&self) -> Focus {
        self.focus
    }

    /// Cursor position in the buffer: 0-based line and column.
    pub fn cursor(&self) -> (usize, usize) {
        self.editor.cursor()
    }

    /// Moves the editor cursor (0-based line and column).
    pub fn set_cursor(&mut self, row: usize, col: usize) {
        self.editor.set_cursor(row, col);
    }

    /// Keeps the editor's cursor inside a view of `height` lines and `width` columns.
    pub fn fit_editor(&mut self, height: usize, width: usize) {
        let (row, col) = self.editor.cursor();
        let last = self.editor.lines().len().saturating_sub(1);
        self.view_height = height;
        self.editor.set_page(height);
        self.top = keep_visible(self.top.min(last), row, height);
        let x = super::editor::text::display_column(&self.editor.lines()[row], col);
        self.left = keep_visible(self.left, x, width);
    }

    /// Text copied or cut since the last call, for the system clipboard.
    pub fn take_system_clipboard(&mut self) -> Option<String> {
        self.system_clipboard.take()
    }

    /// What Ctrl-V pastes.
    pub fn clipboard(&self) -> &str {
        &self.clipboard
    }

    /// The editor's selected text (empty when nothing is selected).
    pub fn selected_text(&self) -> String {
        self.editor.selected_text()
    }

    /// The first line the editor shows (0-based).
    pub fn top(&self) -> usize {
        self.top
    }

    /// The completion list's candidates as (label, doc), when it is open.
    pub fn completion_candidates(&self) -> Option<Vec<(String, String)>> {
        let open = self.completion.as_ref()?;
        let list = &open.completions.candidates;
        Some(
            list.iter()
                .map(|c| (c.label.clone(), c.doc.clone()))
                .collect(),
        )
    }

    /// The colours.
    pub fn theme(&self) -> &Theme {
        &self.theme
    }

    /// What the last commit did to `name`.
    pub fn badge(&self, name: &str) -> Option<Badge> {
        if self.removed.iter().any(|(n, _)| n == name) {
            return Some(Badge::Removed);
        }
        let summary = self.summary.as_ref()?;
        let has = |list: &[String]| list.iter().any(|n| n == name);
        if has(&summary.added) {
            Some(Badge::New)
        } else if has(&summary.reshaped) {
            Some(Badge::Reshaped)
        } else if has(&summary.changed) {
            Some(Badge::Changed)
        } else if has(&summary.kept) {
            Some(Badge::Kept)
        } else {
            None
        }
    }

    /// The inspector's list: running nodes then removed ones, as (name, module type).
    pub fn node_list(&self) -> Vec<(&str, &str)> {
        let running = self.running.iter().flat_map(|p| {
            p.valid
                .nodes
                .iter()
                .map(|n| (n.name.as_str(), n.descriptor.name))
        });
        running
            .chain(self.removed.iter().map(|(n, t)| (n.as_str(), t.as_str())))
            .collect()
    }

    /// The selected node: the picked one in the inspector, else the one under the cursor.
    pub fn selected(&self) -> Option<String> {
        match self.focus {
            Focus::Inspector => self.node_list().get(self.pick).map(|(n, _)| n.to_string()),
            Focus::Editor => {
                let row = self.editor.cursor().0;
                let parsed = self.outline().and_then(|(graph, spans)| {
                    let node = spans.node_at_line(row + 1)?;
                    graph.nodes.get(node).map(|n| n.name.clone())
                });
                // While the text does not parse, its last parse may be out of date: the
                // lines themselves say which node the cursor is in.
                parsed.or_else(|| {
                    super::complete::text_nodes(self.editor.lines())
                        .into_iter()
                        .find(|n| n.first <= row && row <= n.last)
                        .map(|n| n.name)
                })
            }
        }
    }

    /// The line numbers (1-based) that have an error.
    pub fn error_lines(&self) -> Vec<usize> {
        let mut lines: Vec<usize> = self.errors().iter().map(|e| e.line).collect();
        lines.dedup();
        lines
    }
}

/// Nodes of `previous` that `next` no longer has, as (name, module type).
fn removed_nodes(previous: &Patch, next: &Patch) -> Vec<(String, String)> {
    previous
        .valid
        .nodes
        .iter()
        .filter(|n| next.valid.node_index(&n.name).is_none())
        .map(|n| (n.name.clone(), n.descriptor.name.to_string()))
        .collect()
}
