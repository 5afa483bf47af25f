//! Rhythm sequencers: `EuclideanSequencer` and `DrumSequencer`.
//!
//! `EuclideanSequencer` spreads `pulses` hits as evenly as possible over `steps` steps
//! (Bjorklund's Euclidean rhythms, computed with the equivalent Bresenham rule: step `i`
//! hits when `(i * pulses) mod steps < pulses`), shifted later by `rotation` steps. E(3, 8)
//! is `x..x..x.`. Each rising `clock` plays the next step; `reset` makes the next clock play
//! step 0.
//!
//! `DrumSequencer` (shape `channels` = rows) plays one text row per output, so that a beat is
//! a line to edit live: `x` is a hit, `X` an accented hit, `.` or `-` a rest; spaces and `|`
//! are ignored (write `"x... x... | x... x..."`). Rows may differ in length (polymeter):
//! each wraps on its own. Each rising `clock` plays the next step of every row: `trigger/n`
//! pulses for one sample on a hit and `accent/n` holds 1 for an accented step, 0 otherwise,
//! until the next clock.

use super::descriptor::{
    ParamDescriptor, ParamKind, ParamValue, PortDescriptor, PortKind, ShapeUse,
};
use super::kit::{int, port, whole, Edges};
use super::module::{Module, ProcessIo};
use super::registry::{Layout, ModuleType};
use super::reshape::{keep_lanes, same_type};

/// Index of the `clock` input (both sequencers).
const CLOCK: usize = 0;
/// Index of the `reset` input (both sequencers).
const RESET: usize = 1;

/// `EuclideanSequencer`'s parameter indices, in its descriptor's order.
mod euclidean {
    /// Index of the `steps` parameter.
    pub const STEPS: usize = 0;
    /// Index of the `pulses` parameter.
    pub const PULSES: usize = 1;
    /// Index of the `rotation` parameter.
    pub const ROTATION: usize = 2;
}

/// `DrumSequencer`'s parameter and output indices, in its descriptor's order.
mod drum_sequencer {
    /// Index of the `rows` parameter.
    pub const ROWS: usize = 0;

    /// Index of row `row`'s `trigger` output.
    pub fn trigger_output(row: usize) -> usize {
        2 * row
    }

    /// Index of row `row`'s `accent` output.
    pub fn accent_output(row: usize) -> usize {
        2 * row + 1
    }
}

/// Whether step `step` of E(`pulses`, `steps`) rotated by `rotation` is a hit.
pub fn euclidean_hit(step: u64, steps: u64, pulses: u64, rotation: u64) -> bool {
    let steps = steps.max(1);
    let i = (step + steps - rotation % steps) % steps;
    (i * pulses.min(steps)) % steps < pulses.min(steps)
}

struct Euclidean {
    steps: u64,
    pulses: u64,
    rotation: u64,
    clock: Edges,
    reset: Edges,
    /// Step playing now per lane; `None` before the first clock and after a reset.
    position: Vec<Option<u64>>,
    gate: Vec<bool>,
}

impl Module for Euclidean {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        let v = whole(value).max(0) as u64;
        match index {
            euclidean::STEPS => self.steps = v.max(1),
            euclidean::PULSES => self.pulses = v,
            euclidean::ROTATION => self.rotation = v,
            _ => {}
        }
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        self.clock.keep(&old.clock);
        self.reset.keep(&old.reset);
        keep_lanes(&mut self.position, &old.position);
        keep_lanes(&mut self.gate, &old.gate);
        for p in self.position.iter_mut().flatten() {
            *p %= self.steps;
        }
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes();
        let (clock, reset) = (io.input(CLOCK), io.input(RESET));
        let [trigger, gate] = io.outputs::<2>();
        for i in 0..trigger.len() {
            let l = i % lanes;
            if self.reset.rises(l, reset[i]) {
                self.position[l] = None;
            }
            let mut hit = false;
            if self.clock.rises(l, clock[i]) {
                let next = self.position[l].map_or(0, |p| (p + 1) % self.steps);
                self.position[l] = Some(next);
                hit = euclidean_hit(next, self.steps, self.pulses, self.rotation);
                self.gate[l] = hit;
            }
            trigger[i] = if hit { 1.0 } else { 0.0 };
            gate[i] = if self.gate[l] { 1.0 } else { 0.0 };
        }
    }
}

/// The `EuclideanSequencer` module type.
pub fn euclidean_type() -> ModuleType {
    ModuleType {
        name: "EuclideanSequencer",
        doc: "Euclidean rhythm: pulses hits spread evenly over steps, rotated; one step per clock.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![
                port("clock", PortKind::Gate, "Rising edge plays the next step"),
                port(
                    "reset",
                    PortKind::Gate,
                    "Rising edge: the next clock plays step 0",
                ),
            ],
            outputs: vec![
                port("trigger", PortKind::Gate, "One-sample pulse on a hit"),
                port(
                    "gate",
                    PortKind::Gate,
                    "High from a hit until the next clock",
                ),
            ],
            params: vec![
                int("steps", (1, 64, 16), "Steps in the pattern"),
                int("pulses", (0, 64, 4), "Hits in the pattern (at most steps)"),
                int("rotation", (0, 63, 0), "Steps the pattern is shifted later"),
            ],
        },
        create: |shape, _| {
            let n = shape.voices;
            Box::new(Euclidean {
                steps: 16,
                pulses: 4,
                rotation: 0,
                clock: Edges::new(n),
                reset: Edges::new(n),
                position: vec![None; n],
                gate: vec![false; n],
            })
        },
    }
}

/// Longest row of a `DrumSequencer`, in steps.
pub const MAX_STEPS: usize = 64;

#[derive(Clone, Copy, PartialEq)]
enum Hit {
    Rest,
    Strike,
    Accent,
}

/// The steps of a row string, skipping spaces and `|`.
fn row_steps(text: &str) -> impl Iterator<Item = Option<Hit>> + '_ {
    text.chars()
        .filter(|c| *c != ' ' && *c != '|')
        .map(|c| match c {
            'x' => Some(Hit::Strike),
            'X' => Some(Hit::Accent),
            '.' | '-' => Some(Hit::Rest),
            _ => None,
        })
}

/// Checks one row: 1..64 steps of `x`, `X`, `.` or `-` (spaces and `|` ignored).
fn check_row(text: &str) -> Result<(), String> {
    let mut count = 0;
    for step in row_steps(text) {
        if step.is_none() {
            return Err(format!(
                "`{text}` is not a drum row: expected x (hit), X (accent), . or - (rest)"
            ));
        }
        count += 1;
    }
    if count == 0 || count > MAX_STEPS {
        return Err(format!(
            "`{text}` has {count} steps: a drum row has 1 to {MAX_STEPS}"
        ));
    }
    Ok(())
}

struct DrumSequencer {
    /// Row `r` step `s` at `r * MAX_STEPS + s`.
    steps: Vec<Hit>,
    lengths: Vec<usize>,
    clock: Edges,
    reset: Edges,
    /// Step playing now per row and lane (`row * lanes + lane`); `None` before the first
    /// clock and after a reset.
    position: Vec<Option<usize>>,
    /// Accent per row and lane (`row * lanes + lane`).
    accent: Vec<bool>,
}

impl Module for DrumSequencer {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        if let (drum_sequencer::ROWS, ParamValue::Array(rows)) = (index, value) {
            self.lengths.fill(0);
            for (r, text) in rows.iter().enumerate().take(self.lengths.len()) {
                let mut n = 0;
                for step in row_steps(text).take(MAX_STEPS) {
                    self.steps[r * MAX_STEPS + n] = step.unwrap_or(Hit::Rest);
                    n += 1;
                }
                self.lengths[r] = n;
            }
        }
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        self.clock.keep(&old.clock);
        self.reset.keep(&old.reset);
        let (rows, old_rows) = (self.lengths.len(), old.lengths.len());
        let lanes = self.position.len() / rows.max(1);
        let old_lanes = old.position.len() / old_rows.max(1);
        for r in 0..rows {
            // A new row joins in step with the first row.
            let from = if r < old_rows { r } else { 0 };
            for l in 0..lanes.min(old_lanes) {
                let (at, was) = (r * lanes + l, from * old_lanes + l);
                let len = self.lengths[r];
                self.position[at] = old.position[was].filter(|_| len > 0).map(|p| p % len);
                self.accent[at] = r < old_rows && old.accent[was];
            }
        }
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes();
        let rows = self.lengths.len();
        let (clock, reset) = (io.input(CLOCK), io.input(RESET));
        let frames = io.frames();
        for f in 0..frames {
            for l in 0..lanes {
                let i = f * lanes + l;
                if self.reset.rises(l, reset[i]) {
                    for r in 0..rows {
                        self.position[r * lanes + l] = None;
                    }
                }
                let clocked = self.clock.rises(l, clock[i]);
                for r in 0..rows {
                    let mut hit = Hit::Rest;
                    let len = self.lengths[r];
                    let at = r * lanes + l;
                    if clocked && len > 0 {
                        let p = self.position[at].map_or(0, |p| (p + 1) % len);
                        self.position[at] = Some(p);
                        hit = self.steps[r * MAX_STEPS + p];
                        self.accent[at] = hit == Hit::Accent;
                    }
                    io.output(drum_sequencer::trigger_output(r))[i] =
                        if hit == Hit::Rest { 0.0 } else { 1.0 };
                    io.output(drum_sequencer::accent_output(r))[i] =
                        if self.accent[at] { 1.0 } else { 0.0 };
                }
            }
        }
    }
}

/// Output names of the drum rows, so that ports read `trigger/0`, `accent/0`, ...
fn drum_outputs(rows: usize) -> Vec<PortDescriptor> {
    (0..rows)
        .flat_map(|r| {
            [
                PortDescriptor::indexed("trigger", r, "One-sample pulse on a hit of this row")
                    .kind(PortKind::Gate),
                PortDescriptor::indexed("accent", r, "1 on an accented step (X), else 0")
                    .kind(PortKind::Gate),
            ]
        })
        .collect()
}

/// The `DrumSequencer` module type.
pub fn drum_sequencer_type() -> ModuleType {
    ModuleType {
        name: "DrumSequencer",
        doc: "Text drum patterns: one row string like \"x..x..x.x..x....\" per trigger output.",
        shape_use: ShapeUse {
            channels: true,
            length: false,
        },
        describe: |shape| Layout {
            inputs: vec![
                port(
                    "clock",
                    PortKind::Gate,
                    "Rising edge plays the next step of every row",
                ),
                port(
                    "reset",
                    PortKind::Gate,
                    "Rising edge: the next clock plays step 0",
                ),
            ],
            outputs: drum_outputs(shape.channels),
            params: vec![ParamDescriptor {
                name: "rows",
                kind: ParamKind::Array {
                    max_len: shape.channels,
                    check: check_row,
                },
                doc: "One string per row: x hit, X accent, . or - rest (spaces and | ignored)",
            }],
        },
        create: |shape, _| {
            let (rows, n) = (shape.channels, shape.voices);
            Box::new(DrumSequencer {
                steps: vec![Hit::Rest; rows * MAX_STEPS],
                lengths: vec![0; rows],
                clock: Edges::new(n),
                reset: Edges::new(n),
                position: vec![None; rows * n],
                accent: vec![false; rows * n],
            })
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::named_indices::{assert_inputs, assert_outputs, assert_params};

    #[test]
    fn euclidean_named_indices_match_the_descriptor() {
        use euclidean::{PULSES, ROTATION, STEPS};
        let module = euclidean_type();
        assert_params(
            &module,
            &[(STEPS, "steps"), (PULSES, "pulses"), (ROTATION, "rotation")],
        );
        assert_inputs(&module, &[(CLOCK, "clock"), (RESET, "reset")]);
        assert_outputs(&module, &[(0, "trigger"), (1, "gate")]);
    }

    #[test]
    fn drum_sequencer_named_indices_match_the_descriptor() {
        use drum_sequencer::{accent_output, trigger_output, ROWS};
        let module = drum_sequencer_type();
        assert_params(&module, &[(ROWS, "rows")]);
        assert_inputs(&module, &[(CLOCK, "clock"), (RESET, "reset")]);
        assert_outputs(
            &module,
            &[
                (trigger_output(0), "trigger/0"),
                (accent_output(0), "accent/0"),
                (trigger_output(1), "trigger/1"),
                (accent_output(1), "accent/1"),
            ],
        );
    }
}
