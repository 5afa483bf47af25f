//! Undo and redo by whole steps: a run of typing (a word with the spaces and punctuation
//! after it), a run of deletions, or one other edit (a paste, an indent, a replace).

/// The text and cursor before an edit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The lines.
    pub lines: Vec<String>,
    /// The cursor: 0-based line and character column.
    pub cursor: (usize, usize),
}

/// What an edit was, to decide whether it joins the step before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditKind {
    /// A letter, digit or `_` typed.
    Word,
    /// Any other character typed (joins the word before it).
    Punctuation,
    /// Backspace or Delete of one character.
    Delete,
    /// Anything else: always a step of its own.
    Other,
}

/// Undo and redo stacks of snapshots, with the grouping rule.
#[derive(Debug, Default)]
pub struct History {
    undo: Vec<Snapshot>,
    redo: Vec<Snapshot>,
    /// The kind of the last edit and the cursor it left, while a step may still grow.
    open: Option<(EditKind, (usize, usize))>,
}

/// Undo steps kept.
const STEPS: usize = 500;

impl History {
    /// Records the state `before` an edit of `kind` starting at the cursor in `before`,
    /// unless the edit continues the open step.
    pub fn before_edit(&mut self, kind: EditKind, snapshot: Snapshot) {
        let joins = match (self.open, kind) {
            (Some((last, at)), kind) if at == snapshot.cursor => matches!(
                (last, kind),
                (EditKind::Word, EditKind::Word)
                    | (
                        EditKind::Word | EditKind::Punctuation,
                        EditKind::Punctuation
                    )
                    | (EditKind::Delete, EditKind::Delete)
            ),
            _ => false,
        };
        if !joins {
            self.undo.push(snapshot);
            if self.undo.len() > STEPS {
                self.undo.remove(0);
            }
        }
        self.redo.clear();
        self.open = None;
        if kind != EditKind::Other {
            self.open = Some((kind, (0, 0)));
        }
    }

    /// After an edit: the cursor it left (a grouped step grows only from there).
    pub fn after_edit(&mut self, cursor: (usize, usize)) {
        if let Some((_, at)) = &mut self.open {
            *at = cursor;
        }
    }

    /// Closes the open step (the cursor moved, or anything else happened between edits).
    pub fn close(&mut self) {
        self.open = None;
    }

    /// The state to go back to, given the `current` one (kept for redo).
    pub fn undo(&mut self, current: Snapshot) -> Option<Snapshot> {
        self.open = None;
        let previous = self.undo.pop()?;
        self.redo.push(current);
        Some(previous)
    }

    /// The state to go forward to, given the `current` one (kept for undo).
    pub fn redo(&mut self, current: Snapshot) -> Option<Snapshot> {
        self.open = None;
        let next = self.redo.pop()?;
        self.undo.push(current);
        Some(next)
    }
}
