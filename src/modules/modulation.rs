//! Modulation utilities: `SampleAndHold`, `Slew` and `DecayEnvelope`.
//!
//! `SampleAndHold` holds `in` at each rising `trigger`; with `in` unconnected it samples its
//! own white noise (a random voltage in [-1, 1)). `Slew` limits how fast its output moves:
//! `rise_ms` and `fall_ms` are the times to move by 1 unit up and down (linear slew, as in
//! a slew limiter). `DecayEnvelope` is an attack-decay envelope for percussion: a rising
//! trigger attacks linearly from the current level to 1 in `attack`, then decays
//! exponentially, reaching -60 dB (0.001) after `decay`.

use super::descriptor::{ParamValue, PortKind, ShapeUse};
use super::kit::{finite, float, number, port, t60_coefficient, Edges, Rng};
use super::module::{Module, ProcessIo};
use super::registry::{Layout, ModuleType};
use super::reshape::{keep_lanes, same_type};

/// `SampleAndHold`'s port indices, in its descriptor's order.
mod sample_and_hold {
    /// Index of the `in` input.
    pub const IN: usize = 0;
    /// Index of the `trigger` input.
    pub const TRIGGER: usize = 1;
}

/// `Slew`'s parameter indices, in its descriptor's order.
mod slew {
    /// Index of the `rise_ms` parameter.
    pub const RISE_MS: usize = 0;
    /// Index of the `fall_ms` parameter.
    pub const FALL_MS: usize = 1;
}

/// `DecayEnvelope`'s parameter indices, in its descriptor's order.
mod decay_envelope {
    /// Index of the `attack` parameter.
    pub const ATTACK: usize = 0;
    /// Index of the `decay` parameter.
    pub const DECAY: usize = 1;
}

struct SampleAndHold {
    held: Vec<f32>,
    trigger: Edges,
    rng: Vec<Rng>,
    input_connected: bool,
}

impl Module for SampleAndHold {
    fn set_param(&mut self, _index: usize, _value: &ParamValue) {}

    fn set_connectivity(&mut self, inputs: &[bool], _outputs: &[bool]) {
        self.input_connected = inputs.get(sample_and_hold::IN) == Some(&true);
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        keep_lanes(&mut self.held, &old.held);
        keep_lanes(&mut self.rng, &old.rng);
        self.trigger.keep(&old.trigger);
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes();
        let (input, trigger) = (
            io.input(sample_and_hold::IN),
            io.input(sample_and_hold::TRIGGER),
        );
        let out = io.output(0);
        for i in 0..out.len() {
            let lane = i % lanes;
            if self.trigger.rises(lane, trigger[i]) {
                self.held[lane] = if self.input_connected {
                    input[i]
                } else {
                    self.rng[lane].bipolar()
                };
            }
            out[i] = self.held[lane];
        }
    }
}

/// The `SampleAndHold` module type.
pub fn sample_and_hold_type() -> ModuleType {
    ModuleType {
        name: "SampleAndHold",
        doc: "Holds `in` at each rising trigger (its own noise when `in` is unconnected).",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![
                port(
                    "in",
                    PortKind::Cv,
                    "The signal to sample (unconnected: white noise)",
                ),
                port("trigger", PortKind::Gate, "Rising edge samples"),
            ],
            outputs: vec![port("out", PortKind::Cv, "The held value")],
            params: vec![],
        },
        create: |shape, _| {
            Box::new(SampleAndHold {
                held: vec![0.0; shape.voices],
                trigger: Edges::new(shape.voices),
                rng: (0..shape.voices)
                    .map(|l| Rng::new(0xA11 + l as u32))
                    .collect(),
                input_connected: true,
            })
        },
    }
}

struct Slew {
    value: Vec<f32>,
    /// Largest step per sample up and down.
    up: f32,
    down: f32,
    sample_rate: f32,
}

impl Slew {
    fn step(&self, ms: f32) -> f32 {
        if ms <= 0.0 {
            f32::INFINITY
        } else {
            1000.0 / (ms * self.sample_rate)
        }
    }
}

impl Module for Slew {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        let ms = number(value);
        match index {
            slew::RISE_MS => self.up = self.step(ms),
            slew::FALL_MS => self.down = self.step(ms),
            _ => {}
        }
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        keep_lanes(&mut self.value, &old.value);
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes();
        let input = io.input(0);
        let out = io.output(0);
        for (i, (o, &x)) in out.iter_mut().zip(input).enumerate() {
            let v = &mut self.value[i % lanes];
            let delta = (finite(x) - *v).clamp(-self.down, self.up);
            *v += delta;
            *o = *v;
        }
    }
}

/// The `Slew` module type.
pub fn slew_type() -> ModuleType {
    ModuleType {
        name: "Slew",
        doc: "Slew limiter: the output moves towards `in` at most 1 unit per rise_ms up and per fall_ms down.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![port("in", PortKind::Cv, "The target")],
            outputs: vec![port("out", PortKind::Cv, "The slewed signal")],
            params: vec![
                float("rise_ms", (0.0, 10000.0, 100.0), "ms", "Time to rise by 1; 0 follows at once"),
                float("fall_ms", (0.0, 10000.0, 100.0), "ms", "Time to fall by 1; 0 follows at once"),
            ],
        },
        create: |shape, sample_rate| {
            let mut slew = Slew {
                value: vec![0.0; shape.voices],
                up: 0.0,
                down: 0.0,
                sample_rate,
            };
            slew.up = slew.step(100.0);
            slew.down = slew.step(100.0);
            Box::new(slew)
        },
    }
}

struct DecayEnvelope {
    level: Vec<f32>,
    attacking: Vec<bool>,
    trigger: Edges,
    attack_step: f32,
    decay: f32,
    sample_rate: f32,
}

impl Module for DecayEnvelope {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        let seconds = number(value);
        match index {
            decay_envelope::ATTACK => {
                self.attack_step = 1.0 / (seconds * self.sample_rate).max(1.0)
            }
            decay_envelope::DECAY => self.decay = t60_coefficient(seconds, self.sample_rate),
            _ => {}
        }
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        keep_lanes(&mut self.level, &old.level);
        keep_lanes(&mut self.attacking, &old.attacking);
        self.trigger.keep(&old.trigger);
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes();
        let trigger = io.input(0);
        let out = io.output(0);
        for i in 0..out.len() {
            let lane = i % lanes;
            if self.trigger.rises(lane, trigger[i]) {
                self.attacking[lane] = true;
            }
            let level = &mut self.level[lane];
            if self.attacking[lane] {
                *level += self.attack_step;
                if *level >= 1.0 {
                    *level = 1.0;
                    self.attacking[lane] = false;
                }
            } else {
                *level *= self.decay;
            }
            out[i] = *level;
        }
    }
}

/// The `DecayEnvelope` module type.
pub fn decay_envelope_type() -> ModuleType {
    ModuleType {
        name: "DecayEnvelope",
        doc: "Percussive envelope: linear attack to 1, exponential decay reaching -60 dB after `decay`.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![port("trigger", PortKind::Gate, "Rising edge starts the attack")],
            outputs: vec![port("out", PortKind::Cv, "The envelope, in [0, 1]")],
            params: vec![
                float("attack", (0.0, 10.0, 0.002), "s", "Time to rise from 0 to 1"),
                float("decay", (0.005, 30.0, 0.3), "s", "Time to fall from 1 to 0.001 (-60 dB)"),
            ],
        },
        create: |shape, sample_rate| {
            Box::new(DecayEnvelope {
                level: vec![0.0; shape.voices],
                attacking: vec![false; shape.voices],
                trigger: Edges::new(shape.voices),
                attack_step: 1.0 / (0.002 * sample_rate),
                decay: t60_coefficient(0.3, sample_rate),
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
    fn sample_and_hold_named_indices_match_the_descriptor() {
        use sample_and_hold::{IN, TRIGGER};
        assert_inputs(&sample_and_hold_type(), &[(IN, "in"), (TRIGGER, "trigger")]);
    }

    #[test]
    fn slew_named_indices_match_the_descriptor() {
        use slew::{FALL_MS, RISE_MS};
        assert_params(&slew_type(), &[(RISE_MS, "rise_ms"), (FALL_MS, "fall_ms")]);
    }

    #[test]
    fn decay_envelope_named_indices_match_the_descriptor() {
        use decay_envelope::{ATTACK, DECAY};
        let module = decay_envelope_type();
        assert_params(&module, &[(ATTACK, "attack"), (DECAY, "decay")]);
    }
}
