//! The key map: which key does what, in each mode of the screen.

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
}

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Plan and hand over the buffer (Ctrl-R, F5).
    Commit,
    /// Save atomically, then commit (Ctrl-S).
    Save,
    /// Toggle auto-commit (F6).
    ToggleAutoCommit,
    /// Editor <-> inspector (Tab).
    ToggleFocus,
    /// Master mute (F12).
    ToggleMute,
    /// Cycles when commits land: at once, on the beat, on the bar.
    CycleQuantize,
    /// Starts or stops a timestamped recording next to the patch.
    ToggleRecording,
    /// Open or close the help (F1).
    Help,
    /// Quit, asking first when there are unsaved changes (Ctrl-Q).
    Quit,
    /// Undo the last edit (Ctrl-Z).
    Undo,
    /// Redo (Ctrl-Y).
    Redo,
    /// Clear the meters' clip marks (F7).
    ResetClips,
    /// An editing or cursor key for the text.
    Edit(KeyEvent),
    /// Previous entry (inspector node, help module).
    Up,
    /// Next entry.
    Down,
    /// Jump to the picked node's definition (inspector Enter).
    Select,
    /// Leave the overlay or the inspector, or cancel a prompt (Esc).
    Back,
    /// A prompt's answer, by its letter.
    Answer(char),
    /// Nothing.
    None,
}

/// The key map shown in the help, as (keys, what they do).
pub const KEY_MAP: &[(&str, &str)] = &[
    (
        "Ctrl-R / F5",
        "commit: plan and play the buffer (never an invalid one)",
    ),
    ("Ctrl-S", "save (atomic), then commit"),
    (
        "F6",
        "auto-commit on/off: valid edits play after 300 ms idle",
    ),
    ("Tab", "focus editor <-> inspector"),
    (
        "Up / Down, Enter",
        "inspector: pick a node, jump to its definition",
    ),
    ("Ctrl-Z / Ctrl-Y", "undo / redo"),
    ("F8", "quantize commits: off, on the beat, on the bar"),
    (
        "F9",
        "record on/off (a timestamped WAV file next to the patch)",
    ),
    ("F12", "master mute on/off (ramped, no click)"),
    ("F7", "clear the meters' clip marks"),
    ("F1", "this help; Up / Down browse the module reference"),
    ("Ctrl-Q", "quit (asks about unsaved changes)"),
];

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
    let global = match (key.code, ctrl) {
        (KeyCode::Char('r'), true) | (KeyCode::F(5), _) => Action::Commit,
        (KeyCode::Char('s'), true) => Action::Save,
        (KeyCode::Char('q'), true) => Action::Quit,
        (KeyCode::F(1), _) => Action::Help,
        (KeyCode::F(6), _) => Action::ToggleAutoCommit,
        (KeyCode::F(7), _) => Action::ResetClips,
        (KeyCode::F(8), _) => Action::CycleQuantize,
        (KeyCode::F(9), _) => Action::ToggleRecording,
        (KeyCode::F(12), _) => Action::ToggleMute,
        _ => Action::None,
    };
    if global != Action::None {
        return global;
    }
    match mode {
        Mode::Help | Mode::Inspector => match key.code {
            KeyCode::Up => Action::Up,
            KeyCode::Down => Action::Down,
            KeyCode::Enter => Action::Select,
            KeyCode::Esc => Action::Back,
            KeyCode::Tab | KeyCode::BackTab if mode == Mode::Inspector => Action::ToggleFocus,
            KeyCode::Char('q') if mode == Mode::Help => Action::Back,
            _ => Action::None,
        },
        _ => match (key.code, ctrl) {
            (KeyCode::Tab | KeyCode::BackTab, _) => Action::ToggleFocus,
            (KeyCode::Char('z'), true) => Action::Undo,
            (KeyCode::Char('y'), true) => Action::Redo,
            (KeyCode::Esc, _) => Action::None,
            _ => Action::Edit(key),
        },
    }
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
        assert_eq!(action(x, Mode::Inspector), Action::None);
    }

    #[test]
    fn a_prompt_takes_letters_only() {
        let s = key(KeyCode::Char('S'), KeyModifiers::SHIFT);
        assert_eq!(action(s, Mode::Prompt), Action::Answer('s'));
        let ctrl_s = key(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert_eq!(action(ctrl_s, Mode::Prompt), Action::None);
    }
}
