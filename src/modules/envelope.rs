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
//! Every lane (`voices`) has its own envelope; parameters are shared. A block is processed
//! lane by lane as runs: between two input edges each stage runs as one tight loop, so the
//! stage is looked at once per run, not once per sample.

use super::descriptor::{
    ParamDescriptor, ParamKind, ParamValue, PortDescriptor, PortKind, ShapeUse,
};
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

/// Levels this close to a segment's end count as having reached it (absorbs rounding).
const EPSILON: f64 = 1e-9;

#[derive(Clone, Copy, PartialEq)]
enum Stage {
    Idle,
    Attack,
    Decay,
    Sustain,
    Release,
}

/// One lane's state.
#[derive(Clone, Copy)]
struct Lane {
    stage: Stage,
    level: f64,
    /// Level change per sample in the release, fixed when it starts.
    release_step: f64,
    trigger_high: bool,
    gate_high: bool,
}

/// The shared parameters as per-sample steps.
#[derive(Clone, Copy)]
struct Steps {
    attack: f64,
    decay: f64,
    sustain: f64,
    /// Release time in samples.
    release: f64,
}

impl Lane {
    fn start_release(&mut self, steps: &Steps) {
        self.stage = Stage::Release;
        self.release_step = self.level / steps.release;
    }

    /// Advances one sample given this sample's trigger and gate (the sample of an edge).
    fn step(&mut self, trigger: f32, gate: f32, steps: &Steps) -> f32 {
        let trigger_high = trigger >= 0.5;
        let gate_high = gate >= 0.5;
        let triggered = trigger_high && !self.trigger_high;
        let gate_rose = gate_high && !self.gate_high;
        let gate_fell = !gate_high && self.gate_high;
        self.trigger_high = trigger_high;
        self.gate_high = gate_high;
        if triggered || gate_rose {
            self.stage = Stage::Attack;
        } else if gate_fell && self.stage != Stage::Idle {
            self.start_release(steps);
        }
        let mut one = [0.0];
        self.hold(&mut one, 1, steps);
        one[0]
    }

    /// Runs the envelope with its inputs unchanged over every `stride`-th float of `out`.
    fn hold(&mut self, out: &mut [f32], stride: usize, steps: &Steps) {
        let mut samples = out.iter_mut().step_by(stride);
        loop {
            match self.stage {
                Stage::Idle | Stage::Sustain => {
                    if self.stage == Stage::Sustain {
                        self.level = steps.sustain;
                    }
                    let level = self.level as f32;
                    samples.for_each(|o| *o = level);
                    return;
                }
                Stage::Attack => {
                    for o in samples.by_ref() {
                        self.level += steps.attack;
                        if self.level >= 1.0 - EPSILON {
                            self.level = 1.0;
                            *o = 1.0;
                            if self.gate_high {
                                self.stage = Stage::Decay;
                            } else {
                                self.start_release(steps);
                            }
                            break;
                        }
                        *o = self.level as f32;
                    }
                    if self.stage == Stage::Attack {
                        return;
                    }
                }
                Stage::Decay => {
                    for o in samples.by_ref() {
                        self.level -= steps.decay;
                        if self.level <= steps.sustain + EPSILON {
                            self.level = steps.sustain;
                            self.stage = Stage::Sustain;
                            *o = self.level as f32;
                            break;
                        }
                        *o = self.level as f32;
                    }
                    if self.stage == Stage::Decay {
                        return;
                    }
                }
                Stage::Release => {
                    for o in samples.by_ref() {
                        self.level -= self.release_step;
                        if self.level <= EPSILON {
                            self.level = 0.0;
                            self.stage = Stage::Idle;
                            *o = 0.0;
                            break;
                        }
                        *o = self.level as f32;
                    }
                    if self.stage == Stage::Release {
                        return;
                    }
                }
            }
        }
    }

    /// Whether `trigger` and `gate` leave both inputs where they were (no edge of any kind).
    fn unchanged(&self, trigger: f32, gate: f32) -> bool {
        (trigger >= 0.5) == self.trigger_high && (gate >= 0.5) == self.gate_high
    }
}

struct Adsr {
    lanes: Box<[Lane]>,
    /// Scratch for the edge scan: each lane's trigger and gate state as 0 or 1, and the first
    /// frame of the block where either input leaves it.
    trigger_flags: Box<[f32]>,
    gate_flags: Box<[f32]>,
    first_edge: Box<[f32]>,
    /// Attack, decay and release in samples; sustain as a level.
    attack: f64,
    decay: f64,
    sustain: f64,
    release: f64,
    sample_rate: f64,
}

impl Adsr {
    /// Finds, for every lane at once (lanes innermost, branch-free, so it vectorises), the
    /// first frame where its trigger or gate leaves the state it is in.
    fn scan_edges(&mut self, trigger: &[f32], gate: &[f32], frames: usize) {
        let lanes = self.lanes.len();
        if let ([lane], [first]) = (&*self.lanes, &mut *self.first_edge) {
            // One lane: a search that stops at the first edge.
            let edge = trigger
                .iter()
                .zip(gate)
                .position(|(&t, &g)| !lane.unchanged(t, g));
            *first = edge.unwrap_or(frames) as f32;
            return;
        }
        let flag = |high: bool| if high { 1.0 } else { 0.0 };
        for (l, lane) in self.lanes.iter().enumerate() {
            self.trigger_flags[l] = flag(lane.trigger_high);
            self.gate_flags[l] = flag(lane.gate_high);
        }
        let (trigger_flags, gate_flags) = (&self.trigger_flags[..lanes], &self.gate_flags[..lanes]);
        let first = &mut self.first_edge[..lanes];
        first.fill(frames as f32);
        let rows = trigger.chunks_exact(lanes).zip(gate.chunks_exact(lanes));
        for (f, (t, g)) in rows.enumerate() {
            let (t, g, at) = (&t[..lanes], &g[..lanes], f as f32);
            for l in 0..lanes {
                let t_high = if t[l] >= 0.5 { 1.0 } else { 0.0 };
                let g_high = if g[l] >= 0.5 { 1.0 } else { 0.0 };
                let moved = t_high != trigger_flags[l] || g_high != gate_flags[l];
                first[l] = if moved && at < first[l] { at } else { first[l] };
            }
        }
    }

    fn steps(&self) -> Steps {
        Steps {
            attack: 1.0 / self.attack,
            decay: (1.0 - self.sustain) / self.decay,
            sustain: self.sustain,
            release: self.release,
        }
    }
}

impl Module for Adsr {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        let Some(v) = value.as_f64() else { return };
        match index {
            ATTACK => self.attack = v * self.sample_rate,
            DECAY => self.decay = v * self.sample_rate,
            SUSTAIN => self.sustain = v,
            RELEASE => self.release = v * self.sample_rate,
            _ => {}
        }
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        keep_lanes(&mut self.lanes, &old.lanes);
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes();
        let frames = io.frames();
        let trigger = io.input(TRIGGER);
        let gate = io.input(GATE);
        let out = io.output(0);
        let steps = self.steps();
        self.scan_edges(trigger, gate, frames);
        for (l, lane) in self.lanes.iter_mut().enumerate() {
            // Until its first edge a lane just holds its stage.
            let mut f = self.first_edge[l] as usize;
            if f > 0 {
                lane.hold(&mut out[l..f * lanes], lanes, &steps);
            }
            while f < frames {
                let mut edge = f;
                while edge < frames
                    && lane.unchanged(trigger[edge * lanes + l], gate[edge * lanes + l])
                {
                    edge += 1;
                }
                if edge > f {
                    lane.hold(&mut out[f * lanes + l..edge * lanes], lanes, &steps);
                }
                if edge < frames {
                    let i = edge * lanes + l;
                    out[i] = lane.step(trigger[i], gate[i], &steps);
                }
                f = edge + 1;
            }
        }
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
                    .kind(PortKind::Gate),
                PortDescriptor::new(
                    "gate",
                    "Held high to sustain; rising edge starts the attack",
                )
                .kind(PortKind::Gate),
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
            let sr = f64::from(sample_rate);
            let idle = Lane {
                stage: Stage::Idle,
                level: 0.0,
                release_step: 0.0,
                trigger_high: false,
                gate_high: false,
            };
            let lane = || vec![0.0; shape.voices].into_boxed_slice();
            Box::new(Adsr {
                lanes: vec![idle; shape.voices].into_boxed_slice(),
                trigger_flags: lane(),
                gate_flags: lane(),
                first_edge: lane(),
                attack: 0.01 * sr,
                decay: 0.1 * sr,
                sustain: 0.7,
                release: 0.3 * sr,
                sample_rate: sr,
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
