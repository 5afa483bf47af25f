//! The key map: which key does what, in each mode of the screen. The help and the README's
//! key table are generated from [`BINDINGS`].

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Where keys go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The text editor has the focus.
    Editor,
    /// The inspector has the focus.
    Inspector,
    /// The help overlay is open.
    Help,
    /// A question waits for an answer.
    Prompt,
    /// A one-line input (search, go to line) has the keys.
    Input,
    /// The completion list is open over the editor.
    Completion,
    /// The error list is open.
    Errors,
}

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Plan and hand over the buffer.
    Commit,
    /// Save atomically, then commit.
    Save,
    /// Toggle auto-commit.
    ToggleAutoCommit,
    /// Editor <-> inspector.
    ToggleFocus,
    /// Master mute.
    ToggleMute,
    /// Panic: silence at once (ramped), then reset every node's state.
    Panic,
    /// Mute or unmute the node under the cursor (ramped).
    MuteNode,
    /// Solo the node under the cursor, or end its solo (ramped).
    SoloNode,
    /// Cycles when commits land: at once, on the beat, on the bar.
    CycleQuantize,
    /// Starts or stops a timestamped recording next to the patch.
    ToggleRecording,
    /// Starts or stops the Link session's transport (with `--link`).
    ToggleLinkPlaying,
    /// Open or close the help.
    Help,
    /// Quit, asking first when there are unsaved changes.
    Quit,
    /// Undo the last step.
    Undo,
    /// Redo.
    Redo,
    /// Copy the selection (or the line) to the clipboard.
    Copy,
    /// Cut the selection (or the line) to the clipboard.
    Cut,
    /// Paste the clipboard.
    Paste,
    /// Select the whole text.
    SelectAll,
    /// Open the search input.
    Find,
    /// The next match of the search.
    FindNext,
    /// The previous match of the search.
    FindPrevious,
    /// Open the go-to-line input.
    GoToLine,
    /// Comment or uncomment the line or the selected lines.
    ToggleComment,
    /// Open the completion list.
    Complete,
    /// Move to the next error.
    NextError,
    /// Move to the previous error.
    PreviousError,
    /// Open or close the list of every error.
    ErrorList,
    /// Clear the meters' clip marks.
    ResetClips,
    /// Arm (or disarm) MIDI learn for the parameter under the cursor.
    MidiLearn,
    /// An editing or cursor key for the text.
    Edit(KeyEvent),
    /// Previous entry (inspector node, help module, list entry).
    Up,
    /// Next entry.
    Down,
    /// Jump to the picked entry (inspector node, error).
    Select,
    /// Leave the overlay or the inspector, or cancel a prompt.
    Back,
    /// A prompt's answer, by its letter.
    Answer(char),
    /// Nothing.
    None,
}

/// One key combination.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chord(pub KeyCode, pub KeyModifiers);

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Everywhere but in a prompt.
    Global,
    /// In the editor.
    Editor,
    /// Handled by the editor itself (documented here, no chord of its own).
    Text,
}

/// A line of the key map: the keys as shown, their chords, what they do.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    /// The keys as the help shows them.
    pub keys: &'static str,
    /// The chords that trigger it (empty for keys the editor handles itself).
    pub chords: &'static [Chord],
    /// Where it applies.
    pub scope: Scope,
    /// What it asks for (`Action::None` for keys the editor handles itself).
    pub action: Action,
    /// What it does.
    pub doc: &'static str,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;
const ALT: KeyModifiers = KeyModifiers::ALT;
const SHIFT: KeyModifiers = KeyModifiers::SHIFT;
const CTRL_SHIFT: KeyModifiers = CTRL.union(SHIFT);

const fn global(
    keys: &'static str,
    chords: &'static [Chord],
    action: Action,
    doc: &'static str,
) -> Binding {
    Binding {
        keys,
        chords,
        scope: Scope::Global,
        action,
        doc,
    }
}

const fn editor(
    keys: &'static str,
    chords: &'static [Chord],
    action: Action,
    doc: &'static str,
) -> Binding {
    Binding {
        keys,
        chords,
        scope: Scope::Editor,
        action,
        doc,
    }
}

const fn text(keys: &'static str, doc: &'static str) -> Binding {
    Binding {
        keys,
        chords: &[],
        scope: Scope::Text,
        action: Action::None,
        doc,
    }
}

/// Every key, in the order the help lists them.
pub const BINDINGS: &[Binding] = &[
    global(
        "Ctrl-R / F5",
        &[Chord(KeyCode::Char('r'), CTRL), Chord(KeyCode::F(5), NONE)],
        Action::Commit,
        "commit: plan and play the buffer (never an invalid one)",
    ),
    global(
        "Ctrl-S",
        &[Chord(KeyCode::Char('s'), CTRL)],
        Action::Save,
        "save (atomic), then commit",
    ),
    global(
        "F6",
        &[Chord(KeyCode::F(6), NONE)],
        Action::ToggleAutoCommit,
        "auto-commit on/off: a valid edit plays once the cursor leaves the word typed, or after 1.5 s",
    ),
    global(
        "F12",
        &[Chord(KeyCode::F(12), NONE)],
        Action::ToggleMute,
        "master mute on/off (ramped, no click)",
    ),
    global(
        "Ctrl-P",
        &[Chord(KeyCode::Char('p'), CTRL)],
        Action::Panic,
        "panic: silence within 5 ms (ramped), reset every node's state, ramp back up",
    ),
    global(
        "Alt-M",
        &[Chord(KeyCode::Char('m'), ALT)],
        Action::MuteNode,
        "mute / unmute the node under the cursor (ramped; it keeps running)",
    ),
    global(
        "Alt-S",
        &[Chord(KeyCode::Char('s'), ALT)],
        Action::SoloNode,
        "solo the node under the cursor and its chain / end the solo (ramped)",
    ),
    global(
        "F4",
        &[Chord(KeyCode::F(4), NONE)],
        Action::CycleQuantize,
        "quantize commits: off, on the beat, on the bar",
    ),
    global(
        "F9",
        &[Chord(KeyCode::F(9), NONE)],
        Action::ToggleRecording,
        "record on/off (a timestamped WAV file next to the patch)",
    ),
    global(
        "Ctrl-T",
        &[Chord(KeyCode::Char('t'), CTRL)],
        Action::ToggleLinkPlaying,
        "start / stop the transport of the Link session, for every player in it (with --link)",
    ),
    global(
        "F7",
        &[Chord(KeyCode::F(7), NONE)],
        Action::ResetClips,
        "clear the meters' clip marks",
    ),
    global(
        "F1",
        &[Chord(KeyCode::F(1), NONE)],
        Action::Help,
        "this help; Up / Down browse the module reference, PageUp / PageDown scroll",
    ),
    global(
        "Ctrl-Q",
        &[Chord(KeyCode::Char('q'), CTRL)],
        Action::Quit,
        "quit (asks about unsaved changes)",
    ),
    global(
        "F2",
        &[Chord(KeyCode::F(2), NONE)],
        Action::ToggleFocus,
        "focus editor <-> inspector (Up / Down pick a node, Enter jumps to it, Esc returns)",
    ),
    editor(
        "Ctrl-Z",
        &[Chord(KeyCode::Char('z'), CTRL)],
        Action::Undo,
        "undo (a word, a deletion run or one edit at a time)",
    ),
    editor(
        "Ctrl-Y / Ctrl-Shift-Z",
        &[
            Chord(KeyCode::Char('y'), CTRL),
            Chord(KeyCode::Char('Z'), CTRL_SHIFT),
            Chord(KeyCode::Char('z'), CTRL_SHIFT),
        ],
        Action::Redo,
        "redo",
    ),
    editor(
        "Ctrl-C / Ctrl-X",
        &[],
        Action::None,
        "copy / cut the selection (the line without one), also to the system clipboard",
    ),
    editor(
        "Ctrl-V",
        &[Chord(KeyCode::Char('v'), CTRL)],
        Action::Paste,
        "paste (the terminal's paste works too)",
    ),
    editor(
        "Ctrl-A",
        &[Chord(KeyCode::Char('a'), CTRL)],
        Action::SelectAll,
        "select all",
    ),
    editor(
        "Ctrl-F",
        &[Chord(KeyCode::Char('f'), CTRL)],
        Action::Find,
        "search (Enter / Down next, Up previous, Esc closes)",
    ),
    editor(
        "F3 / Shift-F3",
        &[Chord(KeyCode::F(3), NONE)],
        Action::FindNext,
        "next / previous match of the last search",
    ),
    editor(
        "Ctrl-G",
        &[Chord(KeyCode::Char('g'), CTRL)],
        Action::GoToLine,
        "go to line",
    ),
    editor(
        "Ctrl-/",
        &[
            Chord(KeyCode::Char('/'), CTRL),
            Chord(KeyCode::Char('7'), CTRL),
        ],
        Action::ToggleComment,
        "comment / uncomment the line or the selected lines",
    ),
    editor(
        "Ctrl-Space",
        &[Chord(KeyCode::Char(' '), CTRL)],
        Action::Complete,
        "complete: modules, ports, params, values, node names; Enter / Tab accept",
    ),
    editor(
        "F8 / Shift-F8",
        &[Chord(KeyCode::F(8), NONE)],
        Action::NextError,
        "next / previous error",
    ),
    editor(
        "Ctrl-E",
        &[Chord(KeyCode::Char('e'), CTRL)],
        Action::ErrorList,
        "list of every error (Enter jumps to one)",
    ),
    editor(
        "Ctrl-L",
        &[Chord(KeyCode::Char('l'), CTRL)],
        Action::MidiLearn,
        "MIDI learn: on a parameter line, the next controller moved is mapped onto it (cable or modulation; Esc cancels)",
    ),
    text(
        "Tab / Shift-Tab",
        "indent / outdent by two spaces (every selected line); never a tab character",
    ),
    text("Enter", "new line, indented one step deeper after `key:`"),
    text(
        "Shift + movement",
        "select (Esc drops it; mouse: click places the cursor, drag selects, wheel scrolls)",
    ),
    text(
        "Home / End",
        "start of the text on the line (again: column 1) / end of the line",
    ),
    text("Ctrl-Home / Ctrl-End", "start / end of the file"),
    text("PageUp / PageDown", "a screen up / down"),
    text("Ctrl-Left / Ctrl-Right", "previous / next word"),
    text("Ctrl-Backspace / Ctrl-Delete", "delete a word"),
];

/// Chords with a meaning of their own that the table lists under a shared line.
const EXTRA: &[(Chord, Action)] = &[
    (Chord(KeyCode::Char('c'), CTRL), Action::Copy),
    (Chord(KeyCode::Char('x'), CTRL), Action::Cut),
    (Chord(KeyCode::F(3), SHIFT), Action::FindPrevious),
    (Chord(KeyCode::F(15), NONE), Action::FindPrevious),
    (Chord(KeyCode::F(8), SHIFT), Action::PreviousError),
    (Chord(KeyCode::F(20), NONE), Action::PreviousError),
];

impl Chord {
    fn matches(&self, key: &KeyEvent) -> bool {
        let relevant = KeyModifiers::CONTROL | KeyModifiers::SHIFT | KeyModifiers::ALT;
        let mods = key.modifiers & relevant;
        let plain_char = matches!(key.code, KeyCode::Char(_)) && !mods.contains(CTRL);
        self.0 == key.code && (self.1 == mods || (plain_char && self.1 == NONE))
    }
}

/// The bound action of `key` in `scope`.
fn bound(key: &KeyEvent, scope: Scope) -> Action {
    BINDINGS
        .iter()
        .filter(|b| b.scope == scope)
        .find(|b| b.chords.iter().any(|c| c.matches(key)))
        .map(|b| b.action)
        .or_else(|| {
            (scope == Scope::Editor)
                .then(|| EXTRA.iter().find(|(c, _)| c.matches(key)).map(|(_, a)| *a))
                .flatten()
        })
        .unwrap_or(Action::None)
}

/// The action `key` asks for in `mode`.
pub fn action(key: KeyEvent, mode: Mode) -> Action {
    if key.kind == KeyEventKind::Release {
        return Action::None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if mode == Mode::Prompt {
        return match key.code {
            KeyCode::Esc => Action::Back,
            KeyCode::Char(c) if !ctrl => Action::Answer(c.to_ascii_lowercase()),
            _ => Action::None,
        };
    }
    let global = bound(&key, Scope::Global);
    if global != Action::None {
        return global;
    }
    match mode {
        Mode::Help | Mode::Inspector | Mode::Errors => match key.code {
            KeyCode::Up => Action::Up,
            KeyCode::Down => Action::Down,
            KeyCode::Enter => Action::Select,
            KeyCode::Esc => Action::Back,
            KeyCode::Char('q') if mode == Mode::Help => Action::Back,
            KeyCode::Char('e') if ctrl && mode == Mode::Errors => Action::Back,
            _ => Action::Edit(key),
        },
        _ => match bound(&key, Scope::Editor) {
            Action::None if key.code == KeyCode::Esc => Action::Back,
            Action::None => Action::Edit(key),
            action => action,
        },
    }
}

/// The key map as a Markdown table (the README's key section).
pub fn markdown() -> String {
    let mut out = String::from("| Keys | What they do |\n| --- | --- |\n");
    for binding in BINDINGS {
        out.push_str(&format!("| {} | {} |\n", binding.keys, binding.doc));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn commit_has_two_keys_and_typing_goes_to_the_editor() {
        let ctrl_r = key(KeyCode::Char('r'), KeyModifiers::CONTROL);
        assert_eq!(action(ctrl_r, Mode::Editor), Action::Commit);
        assert_eq!(
            action(key(KeyCode::F(5), KeyModifiers::NONE), Mode::Inspector),
            Action::Commit
        );
        let x = key(KeyCode::Char('x'), KeyModifiers::NONE);
        assert_eq!(action(x, Mode::Editor), Action::Edit(x));
        let shifted = key(KeyCode::Char('X'), KeyModifiers::SHIFT);
        assert_eq!(action(shifted, Mode::Editor), Action::Edit(shifted));
    }

    #[test]
    fn tab_is_an_editing_key_and_f2_moves_the_focus() {
        let tab = key(KeyCode::Tab, KeyModifiers::NONE);
        assert_eq!(action(tab, Mode::Editor), Action::Edit(tab));
        let f2 = key(KeyCode::F(2), KeyModifiers::NONE);
        assert_eq!(action(f2, Mode::Editor), Action::ToggleFocus);
        assert_eq!(action(f2, Mode::Inspector), Action::ToggleFocus);
    }

    #[test]
    fn cua_keys_map_to_their_actions() {
        let cases = [
            (KeyCode::Char('c'), CTRL, Action::Copy),
            (KeyCode::Char('x'), CTRL, Action::Cut),
            (KeyCode::Char('v'), CTRL, Action::Paste),
            (KeyCode::Char('a'), CTRL, Action::SelectAll),
            (KeyCode::Char('z'), CTRL, Action::Undo),
            (KeyCode::Char('Z'), CTRL_SHIFT, Action::Redo),
            (KeyCode::Char('7'), CTRL, Action::ToggleComment),
            (KeyCode::Char(' '), CTRL, Action::Complete),
            (KeyCode::F(3), SHIFT, Action::FindPrevious),
        ];
        for (code, mods, expected) in cases {
            assert_eq!(action(key(code, mods), Mode::Editor), expected, "{code:?}");
        }
    }

    #[test]
    fn a_prompt_takes_letters_only() {
        let s = key(KeyCode::Char('S'), KeyModifiers::SHIFT);
        assert_eq!(action(s, Mode::Prompt), Action::Answer('s'));
        let ctrl_s = key(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert_eq!(action(ctrl_s, Mode::Prompt), Action::None);
    }
}
