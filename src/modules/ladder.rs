//! `Ladder`: a 4-pole transistor-ladder lowpass (24 dB/octave) with drive.
//!
//! Four trapezoidal one-pole stages in a zero-delay feedback loop, solved in closed form
//! (Zavalishin, "The Art of VA Filter Design", ch. 5), with a tanh saturator on the stage
//! input as in the Stilson/Smith and Huovilainen models. Feedback `k = 4.2 * resonance`: past
//! `k = 4` the loop self-oscillates at the cutoff, and the saturator bounds the oscillation
//! (every stage is a stable lowpass of a signal in [-1, 1]), so it never blows up. `drive`
//! is the input gain into the saturator (0 dB .. +24 dB); the output is scaled back by
//! `1 / drive` so level stays about the same while the tone thickens.

use super::descriptor::{ParamValue, PortKind, ShapeUse};
use super::kit::{db_to_gain, finite, float, number, port};
use super::module::{Module, ProcessIo};
use super::registry::{Layout, ModuleType};
use super::reshape::{keep_lanes, same_type};
use std::f32::consts::PI;

/// Parameter indices, in the descriptor's order.
const CUTOFF: usize = 0;
const RESONANCE: usize = 1;
const DRIVE: usize = 2;

const IN: usize = 0;
const CUTOFF_CV: usize = 1;
const RESONANCE_CV: usize = 2;

/// Feedback at resonance 1 (4 is the self-oscillation threshold).
const MAX_FEEDBACK: f32 = 4.2;

struct Ladder {
    /// Four stage states per lane.
    s: Vec<[f32; 4]>,
    cutoff: f32,
    resonance: f32,
    drive: f32,
    sample_rate: f32,
}

impl Ladder {
    fn g(&self, cutoff: f32) -> f32 {
        let hz = cutoff.clamp(10.0, 0.45 * self.sample_rate);
        let hz = if hz.is_nan() { 1000.0 } else { hz };
        let g = (PI * hz / self.sample_rate).tan();
        g / (1.0 + g)
    }
}

impl Module for Ladder {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        let v = number(value);
        match index {
            CUTOFF => self.cutoff = v,
            RESONANCE => self.resonance = v,
            DRIVE => self.drive = db_to_gain(v),
            _ => {}
        }
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        keep_lanes(&mut self.s, &old.s);
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes();
        let (input, cutoff_cv, resonance_cv) =
            (io.input(IN), io.input(CUTOFF_CV), io.input(RESONANCE_CV));
        let out = io.output(0);
        for i in 0..input.len() {
            let big_g = self.g(self.cutoff * cutoff_cv[i].clamp(-20.0, 20.0).exp2());
            let r = (self.resonance + finite(resonance_cv[i])).clamp(0.0, 1.0);
            let k = MAX_FEEDBACK * r;
            let s = &mut self.s[i % lanes];
            // y4 = G^4 u + S, with S the stages' stored contributions.
            let g2 = big_g * big_g;
            let feedback_sum = big_g * g2 * s[0] + g2 * s[1] + big_g * s[2] + s[3];
            let feedback_sum = feedback_sum * (1.0 - big_g);
            let x = finite(input[i]) * self.drive;
            let u = ((x - k * feedback_sum) / (1.0 + k * g2 * g2)).tanh();
            let mut v = u;
            for state in s.iter_mut() {
                let t = (v - *state) * big_g;
                let y = t + *state;
                *state = y + t;
                v = y;
            }
            out[i] = v / self.drive;
        }
    }
}

/// The `Ladder` module type.
pub fn ladder_type() -> ModuleType {
    ModuleType {
        name: "Ladder",
        doc: "4-pole transistor-ladder lowpass (24 dB/oct) with drive; self-oscillates at full resonance.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![
                port("in", PortKind::Audio, "The signal"),
                port("cutoff_cv", PortKind::Pitch, "Cutoff offset in V/oct (+1 doubles)"),
                port("resonance_cv", PortKind::Cv, "Added to resonance (sum clamped to 0..1)"),
            ],
            outputs: vec![port("out", PortKind::Audio, "The filtered signal")],
            params: vec![
                float("cutoff", (20.0, 20000.0, 1000.0), "Hz", "Cutoff at cutoff_cv = 0"),
                float("resonance", (0.0, 1.0, 0.0), "", "Feedback; above ~0.95 it self-oscillates"),
                float("drive", (0.0, 24.0, 0.0), "dB", "Input gain into the saturator"),
            ],
        },
        create: |shape, sample_rate| {
            Box::new(Ladder {
                s: vec![[0.0; 4]; shape.voices],
                cutoff: 1000.0,
                resonance: 0.0,
                drive: 1.0,
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
        let module = ladder_type();
        let params = [
            (CUTOFF, "cutoff"),
            (RESONANCE, "resonance"),
            (DRIVE, "drive"),
        ];
        assert_params(&module, &params);
        let inputs = [
            (IN, "in"),
            (CUTOFF_CV, "cutoff_cv"),
            (RESONANCE_CV, "resonance_cv"),
        ];
        assert_inputs(&module, &inputs);
    }
}
