//! Envelopes: `AdsrEnvelope`.
//!
//! | Port / parameter | Kind | Range, default | Doc |
//! |---|---|---|---|
//! | `trigger` | input | >= 0.5 is high | rising edge: attack from the current level |
//! | `gate` | input | >= 0.5 is high | held high to sustain; rising edge also starts the attack |
//! | `out` | output | [0, 1] | the envelope |
//! | `attack` | float | 0.001–10 s, 0.01 | time to rise from 0 to 1 |
//! | `decay` | float | 0.001–10 s, 0.1 | time to fall from 1 to `sustain` |
//! | `sustain` | float | 0–1, 0.7 | level held while the gate is high |
//! | `release` | float | 0.001–10 s, 0.3 | time to fall from the current level to 0 |
//!
//! Segments are linear. The attack rises at `1 / attack` per second from wherever the level
//! is, so a retrigger from 0.5 reaches 1 in `attack / 2`. When the attack ends with the gate
//! low (a trigger without a gate) the envelope goes straight to release, which makes a
//! trigger alone an attack-release envelope. A falling gate releases from the current level
//! at any stage, reaching 0 in `release` seconds. The edge is detected on the sample it
//! happens, and that sample already moves one step.
//!
//! Every lane (`voices`) has its own envelope; parameters are shared. Within a stage a lane's
//! level is a closed form of the samples since the stage began, so the per-sample work is the
//! same few operations for every lane, run across all lanes of a frame at once (they
//! vectorise); the lanes where an edge or a stage's end falls on the frame are then settled
//! one by one. A single lane runs as runs of that closed form between events. The trigger and
//! gate ports are shared: a mono clock or gate into a poly envelope is read as it is, one
//! value per frame for every lane, rather than copied into every lane first.

use super::descriptor::{
    ParamDescriptor, ParamKind, ParamValue, PortDescriptor, PortKind, ShapeUse,
};
use super::lane_vec::LaneVec;
use super::module::{Module, ProcessIo};
use super::registry::{Layout, ModuleType};
use super::reshape::{keep_lanes, same_type};

/// Parameter indices, in the descriptor's order.
const ATTACK: usize = 0;
const DECAY: usize = 1;
const SUSTAIN: usize = 2;
const RELEASE: usize = 3;
/// Index of the `trigger` input.
const TRIGGER: usize = 0;
/// Index of the `gate` input.
const GATE: usize = 1;

/// Samples a single lane computes at once between events.
const CHUNK: usize = 8;

/// Levels this close to a segment's end count as having reached it (absorbs rounding).
const EPSILON: f32 = 1e-6;

#[derive(Clone, Copy, PartialEq)]
enum Stage {
    Idle,
    Attack,
    Decay,
    Sustain,
    Release,
}

/// Every lane's state, struct of arrays, over any storage. In each stage the level is a
/// closed form, `origin + slope * elapsed`, with `elapsed` the samples since the stage began
/// (an exact count in f32), so a lane's value never depends on how the stream was cut into
/// blocks and the per-sample work is the same few operations for every lane, which
/// vectorise.
struct Lanes<F, S> {
    stage: S,
    origin: F,
    slope: F,
    elapsed: F,
    /// The stage ends on the first sample where `sign * level >= limit` (never for the
    /// stationary stages: `limit` is infinite).
    sign: F,
    limit: F,
    /// Whether the trigger and gate were high on the last sample (1 or 0).
    trigger_high: F,
    gate_high: F,
}

/// The lanes as the module keeps them.
type OwnedLanes = Lanes<LaneVec<f32>, LaneVec<Stage>>;

/// The lanes as slices, taken once per call: the envelope runs on these, since taking a
/// `LaneVec`'s slice costs a check every time.
type LaneView<'a> = Lanes<&'a mut [f32], &'a mut [Stage]>;

/// The shared parameters, times in samples.
#[derive(Clone, Copy)]
struct Times {
    attack: f32,
    decay: f32,
    sustain: f32,
    release: f32,
}

impl OwnedLanes {
    fn new(voices: usize) -> Self {
        let lane = |value: f32| LaneVec::new(voices, value);
        Lanes {
            stage: LaneVec::new(voices, Stage::Idle),
            origin: lane(0.0),
            slope: lane(0.0),
            elapsed: lane(0.0),
            sign: lane(1.0),
            limit: lane(f32::INFINITY),
            trigger_high: lane(0.0),
            gate_high: lane(0.0),
        }
    }

    /// Every field as a slice.
    fn view(&mut self) -> LaneView<'_> {
        Lanes {
            stage: &mut self.stage,
            origin: &mut self.origin,
            slope: &mut self.slope,
            elapsed: &mut self.elapsed,
            sign: &mut self.sign,
            limit: &mut self.limit,
            trigger_high: &mut self.trigger_high,
            gate_high: &mut self.gate_high,
        }
    }
}

impl LaneView<'_> {
    /// Lane `l`'s level: the closed form at its current count (what it output last).
    #[inline(always)]
    fn level(&self, l: usize) -> f32 {
        self.origin[l] + self.slope[l] * self.elapsed[l]
    }

    /// Starts `stage` on lane `l` from level `from`.
    fn enter(&mut self, l: usize, stage: Stage, from: f32, times: &Times) {
        let (origin, slope, sign, limit) = match stage {
            Stage::Idle => (0.0, 0.0, 1.0, f32::INFINITY),
            Stage::Sustain => (times.sustain, 0.0, 1.0, f32::INFINITY),
            Stage::Attack => (from, 1.0 / times.attack, 1.0, 1.0 - EPSILON),
            Stage::Decay => (
                from,
                -(1.0 - times.sustain) / times.decay,
                -1.0,
                -(times.sustain + EPSILON),
            ),
            Stage::Release => (from, -from / times.release, -1.0, -EPSILON),
        };
        self.stage[l] = stage;
        self.origin[l] = origin;
        self.slope[l] = slope;
        self.sign[l] = sign;
        self.limit[l] = limit;
        self.elapsed[l] = 0.0;
    }

    /// Re-anchors every lane at its current level for changed parameters: moving stages go
    /// on from where they are at the new rate (a release keeps its rate), the sustain level
    /// follows at once.
    fn retime(&mut self, times: &Times) {
        for l in 0..self.stage.len() {
            match self.stage[l] {
                Stage::Attack | Stage::Decay | Stage::Sustain => {
                    let (stage, level) = (self.stage[l], self.level(l));
                    self.enter(l, stage, level, times);
                }
                Stage::Idle | Stage::Release => {}
            }
        }
    }

    /// Lane `l`'s sample given its trigger and gate, when an edge or the end of a stage
    /// falls on it (the fast pass has already counted the sample in `elapsed`).
    fn settle(&mut self, l: usize, trigger: f32, gate: f32, times: &Times) -> f32 {
        self.elapsed[l] -= 1.0;
        let before = self.level(l);
        let (trigger_high, gate_high) = (trigger >= 0.5, gate >= 0.5);
        let triggered = trigger_high && self.trigger_high[l] == 0.0;
        let gate_rose = gate_high && self.gate_high[l] == 0.0;
        let gate_fell = !gate_high && self.gate_high[l] != 0.0;
        self.trigger_high[l] = f32::from(u8::from(trigger_high));
        self.gate_high[l] = f32::from(u8::from(gate_high));
        if triggered || gate_rose {
            self.enter(l, Stage::Attack, before, times);
        } else if gate_fell && self.stage[l] != Stage::Idle {
            self.enter(l, Stage::Release, before, times);
        }
        self.elapsed[l] += 1.0;
        if ended(self.sign[l], self.level(l), self.limit[l]) {
            match self.stage[l] {
                Stage::Attack if gate_high => self.enter(l, Stage::Decay, 1.0, times),
                Stage::Attack => self.enter(l, Stage::Release, 1.0, times),
                Stage::Decay => self.enter(l, Stage::Sustain, times.sustain, times),
                _ => self.enter(l, Stage::Idle, 0.0, times),
            }
        }
        self.level(l)
    }

    /// Every frame of a poly block: `trigger(f)` and `gate(f)` give frame `f` of each input.
    #[inline(always)]
    fn run_poly<T: FrameInput, G: FrameInput>(
        &mut self,
        out: &mut [f32],
        trigger: impl Fn(usize) -> T,
        gate: impl Fn(usize) -> G,
        times: &Times,
    ) {
        let lanes = self.stage.len();
        for (f, out) in out.chunks_exact_mut(lanes).enumerate() {
            self.frame(out, trigger(f), gate(f), times);
        }
    }

    /// One frame of every lane: the closed form for all, then `settle` for the lanes where
    /// an input edge or a stage's end falls on this frame.
    #[inline(always)]
    fn frame<T: FrameInput, G: FrameInput>(
        &mut self,
        out: &mut [f32],
        trigger: T,
        gate: G,
        times: &Times,
    ) {
        let lanes = self.stage.len();
        let (out, trigger, gate) = (&mut out[..lanes], trigger.cut(lanes), gate.cut(lanes));
        let (origin, slope, sign, limit) = (
            &self.origin[..lanes],
            &self.slope[..lanes],
            &self.sign[..lanes],
            &self.limit[..lanes],
        );
        let (trigger_high, gate_high) = (&self.trigger_high[..lanes], &self.gate_high[..lanes]);
        let elapsed = &mut self.elapsed[..lanes];
        let mut events = 0u32;
        for l in 0..lanes {
            let e = elapsed[l] + 1.0;
            let v = origin[l] + slope[l] * e;
            elapsed[l] = e;
            out[l] = v;
            let t = if trigger.lane(l) >= 0.5 { 1.0 } else { 0.0 };
            let g = if gate.lane(l) >= 0.5 { 1.0 } else { 0.0 };
            let reached = u32::from(ended(sign[l], v, limit[l]));
            let edge = u32::from(t != trigger_high[l]) | u32::from(g != gate_high[l]);
            events |= reached | edge;
        }
        if events != 0 {
            for (l, out) in out.iter_mut().enumerate() {
                let (trigger, gate) = (trigger.lane(l), gate.lane(l));
                let t = if trigger >= 0.5 { 1.0 } else { 0.0 };
                let g = if gate >= 0.5 { 1.0 } else { 0.0 };
                let reached = ended(self.sign[l], self.level(l), self.limit[l]);
                if reached || t != self.trigger_high[l] || g != self.gate_high[l] {
                    *out = self.settle(l, trigger, gate, times);
                }
            }
        }
    }
}

impl LaneView<'_> {
    /// A block of a single lane: runs of the closed form between events, each run one
    /// tight loop (the same values `frame` gives, since `elapsed + n` is exact).
    fn run_mono(&mut self, out: &mut [f32], trigger: &[f32], gate: &[f32], times: &Times) {
        let frames = out.len();
        let mut f = 0;
        while f < frames {
            let (origin, slope, start) = (self.origin[0], self.slope[0], self.elapsed[0]);
            let (sign, limit) = (self.sign[0], self.limit[0]);
            let (trigger_high, gate_high) = (self.trigger_high[0] != 0.0, self.gate_high[0] != 0.0);
            let mut end = f;
            // Whole chunks while nothing happens in them (a branch-free loop that
            // vectorises), then sample by sample up to the event.
            while end + CHUNK <= frames {
                // Fixed-size views, so that the chunk's loop has no bounds checks.
                let chunk = |input: &[f32]| -> [f32; CHUNK] {
                    input[end..end + CHUNK].try_into().expect("a whole chunk")
                };
                let (triggers, gates) = (chunk(trigger), chunk(gate));
                let mut values = [0.0; CHUNK];
                let mut events = 0u32;
                for (k, value) in values.iter_mut().enumerate() {
                    let v = origin + slope * (start + (end - f + k + 1) as i32 as f32);
                    *value = v;
                    let edge = u32::from((triggers[k] >= 0.5) != trigger_high)
                        | u32::from((gates[k] >= 0.5) != gate_high);
                    events |= edge | u32::from(ended(sign, v, limit));
                }
                if events != 0 {
                    break;
                }
                out[end..end + CHUNK].copy_from_slice(&values);
                end += CHUNK;
            }
            while end < frames {
                let v = origin + slope * (start + (end - f + 1) as i32 as f32);
                let edge = (trigger[end] >= 0.5) != trigger_high || (gate[end] >= 0.5) != gate_high;
                if edge || ended(sign, v, limit) {
                    break;
                }
                out[end] = v;
                end += 1;
            }
            if end > f {
                self.elapsed[0] = start + (end - f) as i32 as f32;
            }
            if end < frames {
                self.elapsed[0] += 1.0;
                out[end] = self.settle(0, trigger[end], gate[end], times);
                end += 1;
            }
            f = end;
        }
    }
}

/// Whether a level has reached its stage's end.
#[inline(always)]
fn ended(sign: f32, level: f32, limit: f32) -> bool {
    sign * level >= limit
}

struct Adsr {
    lanes: OwnedLanes,
    attack: f32,
    decay: f32,
    sustain: f32,
    release: f32,
    sample_rate: f32,
}

impl Adsr {
    fn times(&self) -> Times {
        Times {
            attack: self.attack,
            decay: self.decay,
            sustain: self.sustain,
            release: self.release,
        }
    }
}

impl Module for Adsr {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        let Some(v) = value.as_f64() else { return };
        let v = v as f32;
        match index {
            ATTACK => self.attack = v * self.sample_rate,
            DECAY => self.decay = v * self.sample_rate,
            SUSTAIN => self.sustain = v,
            RELEASE => self.release = v * self.sample_rate,
            _ => return,
        }
        let times = self.times();
        self.lanes.view().retime(&times);
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        let (new, old) = (&mut self.lanes, &old.lanes);
        keep_lanes(&mut new.stage, &old.stage);
        keep_lanes(&mut new.origin, &old.origin);
        keep_lanes(&mut new.slope, &old.slope);
        keep_lanes(&mut new.elapsed, &old.elapsed);
        keep_lanes(&mut new.sign, &old.sign);
        keep_lanes(&mut new.limit, &old.limit);
        keep_lanes(&mut new.trigger_high, &old.trigger_high);
        keep_lanes(&mut new.gate_high, &old.gate_high);
        let times = self.times();
        self.lanes.view().retime(&times);
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes();
        let trigger = io.input(TRIGGER);
        let gate = io.input(GATE);
        // A mono trigger or gate on these shared ports comes as it is, one value per frame.
        let shared = (io.input_lanes(TRIGGER) == 1, io.input_lanes(GATE) == 1);
        let out = io.output(0);
        let times = self.times();
        if lanes == 1 {
            return self.lanes.view().run_mono(out, trigger, gate, &times);
        }
        let mut l = self.lanes.view();
        match shared {
            (false, false) => {
                l.run_poly(out, per_lane(trigger, lanes), per_lane(gate, lanes), &times)
            }
            (true, false) => l.run_poly(out, one_lane(trigger), per_lane(gate, lanes), &times),
            (false, true) => l.run_poly(out, per_lane(trigger, lanes), one_lane(gate), &times),
            (true, true) => l.run_poly(out, one_lane(trigger), one_lane(gate), &times),
        }
    }

    /// Levels are set by the stages, between 0 and 1 (a NaN trigger or gate reads low).
    fn outputs_always_finite(&self) -> bool {
        true
    }
}

/// Frame `f` of an input of `lanes` lanes.
fn per_lane<'a>(input: &'a [f32], lanes: usize) -> impl Fn(usize) -> &'a [f32] {
    move |f| &input[f * lanes..(f + 1) * lanes]
}

/// Frame `f` of a mono input read by every lane.
fn one_lane(input: &[f32]) -> impl Fn(usize) -> f32 + '_ {
    move |f| input[f]
}

/// One frame of an input: each lane's own value, or one value for every lane (a mono
/// source on a shared port).
trait FrameInput: Copy {
    /// The input cut to `lanes` lanes (so that indexing it needs no bounds check).
    fn cut(self, lanes: usize) -> Self;
    /// Lane `l`'s value.
    fn lane(self, l: usize) -> f32;
}

impl FrameInput for &[f32] {
    #[inline(always)]
    fn cut(self, lanes: usize) -> Self {
        &self[..lanes]
    }

    #[inline(always)]
    fn lane(self, l: usize) -> f32 {
        self[l]
    }
}

impl FrameInput for f32 {
    #[inline(always)]
    fn cut(self, _lanes: usize) -> Self {
        self
    }

    #[inline(always)]
    fn lane(self, _l: usize) -> f32 {
        self
    }
}

fn seconds(name: &'static str, default: f64, doc: &'static str) -> ParamDescriptor {
    ParamDescriptor {
        name,
        kind: ParamKind::Float {
            min: 0.001,
            max: 10.0,
            default,
            unit: "s",
        },
        doc,
    }
}

/// The `AdsrEnvelope` module type.
pub fn adsr_type() -> ModuleType {
    ModuleType {
        name: "AdsrEnvelope",
        doc: "Linear attack-decay-sustain-release envelope in [0, 1].",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![
                PortDescriptor::new("trigger", "Rising edge restarts the attack")
                    .kind(PortKind::Gate)
                    .shared(),
                PortDescriptor::new(
                    "gate",
                    "Held high to sustain; rising edge starts the attack",
                )
                .kind(PortKind::Gate)
                .shared(),
            ],
            outputs: vec![PortDescriptor::new("out", "The envelope, in [0, 1]").kind(PortKind::Cv)],
            params: vec![
                seconds("attack", 0.01, "Time to rise from 0 to 1"),
                seconds("decay", 0.1, "Time to fall from 1 to sustain"),
                ParamDescriptor {
                    name: "sustain",
                    kind: ParamKind::Float {
                        min: 0.0,
                        max: 1.0,
                        default: 0.7,
                        unit: "",
                    },
                    doc: "Level held while the gate is high",
                },
                seconds("release", 0.3, "Time to fall from the current level to 0"),
            ],
        },
        create: |shape, sample_rate| {
            Box::new(Adsr {
                lanes: Lanes::new(shape.voices),
                attack: 0.01 * sample_rate,
                decay: 0.1 * sample_rate,
                sustain: 0.7,
                release: 0.3 * sample_rate,
                sample_rate,
            })
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::named_indices::{assert_inputs, assert_params};

    #[test]
    fn named_indices_match_the_descriptor() {
        let module = adsr_type();
        let params = [
            (ATTACK, "attack"),
            (DECAY, "decay"),
            (SUSTAIN, "sustain"),
            (RELEASE, "release"),
        ];
        assert_params(&module, &params);
        assert_inputs(&module, &[(TRIGGER, "trigger"), (GATE, "gate")]);
    }
}
