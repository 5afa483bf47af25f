//! Sequencers: `StepSequencer` and `ClockSequencer`.
//!
//! `StepSequencer` (shape `length`)
//!
//! | Port / parameter | Kind | Range, default | Doc |
//! |---|---|---|---|
//! | `clock` | input | >= 0.5 is high | each rising edge plays the next step |
//! | `start` | input | >= 0.5 is high | rising edge: clock edges advance again |
//! | `stop` | input | >= 0.5 is high | rising edge: gate low, clock edges are ignored |
//! | `reset` | input | >= 0.5 is high | rising edge: the next clock edge plays step 0 |
//! | `pitch` | output | V/oct | pitch of the last note (held through rests) |
//! | `trigger` | output | 0 or 1 | one-sample pulse when a note starts |
//! | `gate` | output | 0 or 1 | high from a note through its ties, low on rests |
//! | `steps` | array | up to `length` strings, [] | notes (`C4`, `F#3`, `Bb2`), `-` rest, `_` tie |
//!
//! Every lane (`voices`) of a `StepSequencer` runs on its own inputs over the shared steps;
//! every lane of a `ClockSequencer` carries the same pulses.
//!
//! Before the first clock edge nothing plays (gate 0, pitch 0). The sequencer starts running;
//! `stop` and `start` pause and resume it without moving the position. When `stop`, `start`,
//! `reset` and `clock` rise on the same sample they act in that order, so a reset together
//! with a clock plays step 0 at once. A tie continues whatever the previous step did (a tie
//! after a rest is a rest). Changing `steps` keeps the position and takes effect at the next
//! clock edge (a position past the new end wraps); an empty list silences the gate at once.
//! A new `length` or `voices` (a reshape) keeps each surviving lane's position modulo the new
//! number of steps, so the pattern runs on from the step after.
//!
//! `ClockSequencer`
//!
//! | Port / parameter | Kind | Range, default | Doc |
//! |---|---|---|---|
//! | `bar` | output | 0 or 1 | one-sample pulse at each bar |
//! | `beat` | output | 0 or 1 | one-sample pulse at each beat |
//! | `quaver` | output | 0 or 1 | one-sample pulse at each beat / `quavers_per_beat` |
//! | `semiquaver` | output | 0 or 1 | one-sample pulse at each half quaver |
//! | `bpm` | float | 1–300 BPM, 120 | beats per minute |
//! | `beats_per_bar` | int | 1–16, 4 | beats in a bar |
//! | `quavers_per_beat` | int | 1–4, 2 | quavers in a beat |
//!
//! A clock whose patch leaves `bpm` out follows the engine's transport: its tempo (120 BPM
//! unless the patch's `transport:` says otherwise, and each tempo change from the frame it
//! lands on) and its position (a clock made mid-set starts on the transport's grid, counted
//! from beat 0). With `bpm` written it runs at that tempo on its own.
//!
//! All four pulse on sample 0. One accumulator counts semiquavers within the bar (in f64), so
//! the pulses stay locked; each lands on the first sample at or after its exact time (within
//! a thousandth of a sample, so rounding never makes a pulse late). Changing
//! `quavers_per_beat` keeps the position within the beat; changing `beats_per_bar` keeps it
//! within the bar when it still fits, else wraps.
//! A new `voices` keeps the position.

use super::descriptor::{
    ParamDescriptor, ParamKind, ParamValue, PortDescriptor, PortKind, ShapeUse,
};
use super::kit::Edge;
use super::module::{Module, ProcessIo};
use super::notes::{check_step, parse_note};
use super::registry::{Layout, ModuleType};
use super::reshape::{keep_lanes, same_type};

/// `StepSequencer`'s parameter and input indices, in its descriptor's order.
mod step_sequencer {
    /// Index of the `steps` parameter.
    pub const STEPS: usize = 0;
    /// Index of the `clock` input.
    pub const CLOCK: usize = 0;
    /// Index of the `start` input.
    pub const START: usize = 1;
    /// Index of the `stop` input.
    pub const STOP: usize = 2;
    /// Index of the `reset` input.
    pub const RESET: usize = 3;
}

/// `ClockSequencer`'s parameter indices, in its descriptor's order.
mod clock_sequencer {
    /// Index of the `bpm` parameter.
    pub const BPM: usize = 0;
    /// Index of the `beats_per_bar` parameter.
    pub const BEATS_PER_BAR: usize = 1;
    /// Index of the `quavers_per_beat` parameter.
    pub const QUAVERS_PER_BEAT: usize = 2;
}

/// One parsed step.
#[derive(Clone, Copy)]
enum Step {
    Note(f32),
    Rest,
    Tie,
}

impl Step {
    /// Parses a step string that `check_step` accepted; anything else is a rest.
    fn parse(text: &str) -> Step {
        match text {
            "_" => Step::Tie,
            _ => parse_note(text).map_or(Step::Rest, Step::Note),
        }
    }
}

/// One lane of a `StepSequencer`: its own position, clock and gate over the shared steps.
#[derive(Default, Clone, Copy)]
struct SequencerLane {
    /// Step playing now; `None` before the first clock edge and after a reset.
    position: Option<usize>,
    running: bool,
    pitch: f32,
    gate: bool,
    clock: Edge,
    start: Edge,
    stop: Edge,
    reset: Edge,
}

struct StepSequencer {
    /// Parsed steps; capacity `length`, allocated at creation.
    steps: Vec<Step>,
    lanes: Box<[SequencerLane]>,
}

impl SequencerLane {
    /// Moves to the next of `steps` and returns whether a note starts.
    fn advance(&mut self, steps: &[Step]) -> bool {
        let len = steps.len();
        if len == 0 {
            return false;
        }
        let next = self.position.map_or(0, |p| (p + 1) % len);
        self.position = Some(next);
        match steps[next] {
            Step::Note(p) => {
                self.pitch = p;
                self.gate = true;
                true
            }
            Step::Rest => {
                self.gate = false;
                false
            }
            Step::Tie => false,
        }
    }
}

impl Module for StepSequencer {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        if let (step_sequencer::STEPS, ParamValue::Array(items)) = (index, value) {
            let capacity = self.steps.capacity();
            self.steps.clear();
            self.steps
                .extend(items.iter().take(capacity).map(|s| Step::parse(s)));
            if self.steps.is_empty() {
                for lane in self.lanes.iter_mut() {
                    lane.gate = false;
                }
            }
        }
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        keep_lanes(&mut self.lanes, &old.lanes);
        let len = self.steps.len();
        for lane in self.lanes.iter_mut() {
            if len == 0 {
                lane.gate = false;
            } else {
                lane.position = lane.position.map(|p| p % len);
            }
        }
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes();
        let (clock, start, stop, reset) = (
            io.input(step_sequencer::CLOCK),
            io.input(step_sequencer::START),
            io.input(step_sequencer::STOP),
            io.input(step_sequencer::RESET),
        );
        let [pitch, trigger, gate] = io.outputs::<3>();
        for (l, lane) in self.lanes.iter_mut().enumerate() {
            for i in (l..clock.len()).step_by(lanes) {
                if lane.stop.rises(stop[i]) {
                    lane.running = false;
                    lane.gate = false;
                }
                if lane.start.rises(start[i]) {
                    lane.running = true;
                }
                if lane.reset.rises(reset[i]) {
                    lane.position = None;
                }
                let clocked = lane.clock.rises(clock[i]) && lane.running;
                let note = clocked && lane.advance(&self.steps);
                pitch[i] = lane.pitch;
                trigger[i] = if note { 1.0 } else { 0.0 };
                gate[i] = if lane.gate { 1.0 } else { 0.0 };
            }
        }
    }

    /// Outputs are the steps' own pitches and gates of 0 or 1; inputs are only compared with
    /// thresholds.
    fn outputs_always_finite(&self) -> bool {
        true
    }
}

/// The `StepSequencer` module type.
pub fn step_sequencer_type() -> ModuleType {
    ModuleType {
        name: "StepSequencer",
        doc: "Plays one step per clock edge: notes, `-` rests and `_` ties.",
        shape_use: ShapeUse {
            channels: false,
            length: true,
        },
        describe: |shape| Layout {
            inputs: vec![
                PortDescriptor::new("clock", "Rising edge plays the next step")
                    .kind(PortKind::Gate),
                PortDescriptor::new("start", "Rising edge resumes after stop").kind(PortKind::Gate),
                PortDescriptor::new("stop", "Rising edge pauses (gate low, clock ignored)")
                    .kind(PortKind::Gate),
                PortDescriptor::new("reset", "Rising edge: the next clock plays step 0")
                    .kind(PortKind::Gate),
            ],
            outputs: vec![
                PortDescriptor::new("pitch", "Pitch of the current note in V/oct (C2 = 0)")
                    .kind(PortKind::Pitch),
                PortDescriptor::new("trigger", "One-sample pulse when a note starts")
                    .kind(PortKind::Gate),
                PortDescriptor::new("gate", "High through a note and its ties")
                    .kind(PortKind::Gate),
            ],
            params: vec![ParamDescriptor {
                name: "steps",
                kind: ParamKind::Array {
                    max_len: shape.length,
                    check: check_step,
                },
                doc: "Steps: notes like C4, F#3, Bb2; `-` rest; `_` tie",
            }],
        },
        create: |shape, _| {
            Box::new(StepSequencer {
                steps: Vec::with_capacity(shape.length),
                lanes: (0..shape.voices)
                    .map(|_| SequencerLane {
                        running: true,
                        ..SequencerLane::default()
                    })
                    .collect(),
            })
        },
    }
}

/// A pulse due within this fraction of a sample fires on that sample, so that rounding in
/// the accumulator never delays a pulse whose exact time is a whole sample.
const TOLERANCE: f64 = 1e-3;

struct ClockSequencer {
    /// Position in the bar, in semiquavers: in [0, semiquavers per bar).
    position: f64,
    /// Semiquaver the position was in at the previous sample; `None` before sample 0.
    last_index: Option<u64>,
    bpm: f64,
    /// Whether the patch leaves `bpm` out: the clock then follows the transport.
    follows: bool,
    beats_per_bar: u64,
    quavers_per_beat: u64,
    sample_rate: f64,
}

impl ClockSequencer {
    fn semiquavers_per_beat(&self) -> u64 {
        2 * self.quavers_per_beat
    }

    fn semiquavers_per_bar(&self) -> f64 {
        (self.beats_per_bar * self.semiquavers_per_beat()) as f64
    }

    /// Keeps the position inside the bar and the last index consistent with it, so that a
    /// parameter change by itself never fires a pulse.
    fn settle(&mut self) {
        self.position %= self.semiquavers_per_bar();
        if self.last_index.is_some() {
            self.last_index = Some(self.position as u64);
        }
    }
}

/// `position % per_bar`, exactly. A bar of a power of two semiquavers (4/4 and every bar
/// of 2^n beats) needs no `fmod` call: dividing by a power of two, truncating and multiplying
/// back are exact, and so is the subtraction, whose exact result the remainder is.
fn bar_remainder(position: f64, per_bar: f64) -> f64 {
    if (per_bar as u64).is_power_of_two() && per_bar.fract() == 0.0 {
        position - (position / per_bar).trunc() * per_bar
    } else {
        position % per_bar
    }
}

impl Module for ClockSequencer {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        match (index, value) {
            (clock_sequencer::BPM, v) => {
                self.bpm = v.as_f64().unwrap_or(self.bpm);
                self.follows = false;
            }
            (clock_sequencer::BEATS_PER_BAR, ParamValue::Int(n)) => {
                self.beats_per_bar = (*n).max(1) as u64;
                self.settle();
            }
            (clock_sequencer::QUAVERS_PER_BEAT, ParamValue::Int(n)) => {
                let old = self.semiquavers_per_beat() as f64;
                self.quavers_per_beat = (*n).max(1) as u64;
                self.position *= self.semiquavers_per_beat() as f64 / old;
                self.settle();
            }
            _ => {}
        }
    }

    fn param_unset(&mut self, index: usize) {
        if index == clock_sequencer::BPM {
            self.follows = true;
        }
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        self.position = old.position;
        self.last_index = old.last_index;
        self.settle();
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let per_beat = self.semiquavers_per_beat();
        let per_bar = self.semiquavers_per_bar();
        let tempo = io.tempo();
        let bpm = if self.follows { tempo.bpm } else { self.bpm };
        let increment = bpm / 60.0 * per_beat as f64 / self.sample_rate;
        let tolerance = increment * TOLERANCE;

        let lanes = io.lanes();
        let [bar, beat, quaver, semiquaver] = io.outputs::<4>();
        for i in (0..bar.len()).step_by(lanes) {
            if self.follows {
                // The transport's position on this clock's bar grid from beat 0.
                let beat = tempo.beat_at(i / lanes) * per_beat as f64;
                self.position = bar_remainder(beat, per_bar);
                if self.position + tolerance >= per_bar {
                    self.position -= per_bar;
                }
                if self.last_index.is_none() && (self.position + tolerance).fract() >= increment {
                    // Joined between two semiquavers: no pulse until the next one.
                    self.last_index = Some((self.position + tolerance) as u64);
                }
            } else if self.last_index.is_some() {
                self.position += increment;
                if self.position + tolerance >= per_bar {
                    self.position -= per_bar;
                }
            }
            // Saturating cast: a position just below 0 after the wrap is semiquaver 0.
            let index = (self.position + tolerance) as u64;
            let pulse = self.last_index != Some(index);
            self.last_index = Some(index);
            let at = |every: u64| {
                if pulse && index.is_multiple_of(every) {
                    1.0
                } else {
                    0.0
                }
            };
            semiquaver[i] = at(1);
            quaver[i] = at(2);
            beat[i] = at(per_beat);
            bar[i] = if pulse && index == 0 { 1.0 } else { 0.0 };
        }
        if lanes > 1 {
            // Every lane keeps the same time: copy lane 0 across each frame.
            for output in [bar, beat, quaver, semiquaver] {
                for frame in output.chunks_exact_mut(lanes) {
                    let first = frame[0];
                    frame[1..].fill(first);
                }
            }
        }
    }

    /// Outputs are pulses of 0 or 1 from the transport or its own tempo parameter.
    fn outputs_always_finite(&self) -> bool {
        true
    }
}

/// The `ClockSequencer` module type.
pub fn clock_sequencer_type() -> ModuleType {
    ModuleType {
        name: "ClockSequencer",
        doc: "Master clock: one-sample pulses on bars, beats, quavers and semiquavers.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![],
            outputs: vec![
                PortDescriptor::new("bar", "Pulse at each bar").kind(PortKind::Gate),
                PortDescriptor::new("beat", "Pulse at each beat").kind(PortKind::Gate),
                PortDescriptor::new("quaver", "Pulse at each quaver (beat / quavers_per_beat)")
                    .kind(PortKind::Gate),
                PortDescriptor::new("semiquaver", "Pulse at each semiquaver (half a quaver)")
                    .kind(PortKind::Gate),
            ],
            params: vec![
                ParamDescriptor {
                    name: "bpm",
                    kind: ParamKind::Float {
                        min: 1.0,
                        max: 300.0,
                        default: 120.0,
                        unit: "BPM",
                    },
                    doc: "Tempo in beats per minute; left out, the clock follows the transport",
                },
                ParamDescriptor {
                    name: "beats_per_bar",
                    kind: ParamKind::Int {
                        min: 1,
                        max: 16,
                        default: 4,
                    },
                    doc: "Beats in a bar",
                },
                ParamDescriptor {
                    name: "quavers_per_beat",
                    kind: ParamKind::Int {
                        min: 1,
                        max: 4,
                        default: 2,
                    },
                    doc: "Quavers in a beat",
                },
            ],
        },
        create: |_, sample_rate| {
            Box::new(ClockSequencer {
                position: 0.0,
                last_index: None,
                bpm: 120.0,
                follows: false,
                beats_per_bar: 4,
                quavers_per_beat: 2,
                sample_rate: f64::from(sample_rate),
            })
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::named_indices::{assert_inputs, assert_outputs, assert_params};

    #[test]
    fn step_sequencer_named_indices_match_the_descriptor() {
        use step_sequencer::{CLOCK, RESET, START, STEPS, STOP};
        let module = step_sequencer_type();
        assert_params(&module, &[(STEPS, "steps")]);
        assert_inputs(
            &module,
            &[
                (CLOCK, "clock"),
                (START, "start"),
                (STOP, "stop"),
                (RESET, "reset"),
            ],
        );
        assert_outputs(&module, &[(0, "pitch"), (1, "trigger"), (2, "gate")]);
    }

    #[test]
    fn clock_sequencer_named_indices_match_the_descriptor() {
        use clock_sequencer::{BEATS_PER_BAR, BPM, QUAVERS_PER_BEAT};
        let module = clock_sequencer_type();
        let params = [
            (BPM, "bpm"),
            (BEATS_PER_BAR, "beats_per_bar"),
            (QUAVERS_PER_BEAT, "quavers_per_beat"),
        ];
        assert_params(&module, &params);
        let outputs = [(0, "bar"), (1, "beat"), (2, "quaver"), (3, "semiquaver")];
        assert_outputs(&module, &outputs);
    }

    #[test]
    fn the_bar_remainder_is_fmod_bit_for_bit() {
        // Positions over a long set (beats times semiquavers, fractions of every size) and
        // negative ones, against `%` for power-of-two and other bar lengths.
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let unit = (x >> 11) as f64 / (1u64 << 53) as f64;
            let position = (unit - 0.01) * 10f64.powi((x % 9) as i32);
            for per_bar in [4.0, 8.0, 16.0, 32.0, 64.0, 12.0, 24.0, 48.0] {
                let (ours, fmod) = (bar_remainder(position, per_bar), position % per_bar);
                assert_eq!(ours.to_bits(), fmod.to_bits(), "{position} % {per_bar}");
            }
        }
    }
}
