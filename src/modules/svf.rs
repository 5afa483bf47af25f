//! `Svf`: the multimode state-variable filter (lowpass, bandpass, highpass, notch at once).
//!
//! Andrew Simper's trapezoidal ("topology-preserving") SVF (Cytomic technical paper
//! "SvfLinearTrapOptimised2", 2013): `g = tan(pi fc / fs)`, `k = 1 / Q`. It is stable for any
//! positive `g` and `k`, so cutoff and resonance may move at audio rate. Q runs from 0.5
//! (resonance 0) to 50 (resonance 1), exponentially. Cutoff is `cutoff * 2^cutoff_cv`,
//! clamped to 10 Hz..0.49 fs. The bandpass output has unit gain at the centre.

use super::descriptor::{ParamValue, PortKind, ShapeUse};
use super::kit::{float, number, port};
use super::module::{Module, ProcessIo};
use super::registry::{Layout, ModuleType};
use super::reshape::{keep_lanes, same_type};
use std::f32::consts::PI;

/// Parameter indices, in the descriptor's order.
const CUTOFF: usize = 0;
const RESONANCE: usize = 1;

const IN: usize = 0;
const CUTOFF_CV: usize = 1;
const RESONANCE_CV: usize = 2;

const MIN_Q: f32 = 0.5;
const MAX_Q: f32 = 50.0;

/// Coefficients `(g, k)` for a cutoff in Hz and a resonance in 0..1.
pub fn svf_coefficients(cutoff_hz: f32, resonance: f32, sample_rate: f32) -> (f32, f32) {
    let hz = cutoff_hz.clamp(10.0, 0.49 * sample_rate);
    let hz = if hz.is_nan() { 1000.0 } else { hz };
    let r = resonance.clamp(0.0, 1.0);
    let r = if r.is_nan() { 0.0 } else { r };
    let q = MIN_Q * (MAX_Q / MIN_Q).powf(r);
    ((PI * hz / sample_rate).tan(), 1.0 / q)
}

/// One lane's state of a trapezoidal SVF.
#[derive(Clone, Copy, Default)]
pub struct SvfState {
    ic1: f32,
    ic2: f32,
}

impl SvfState {
    /// Filters `x` with coefficients `(g, k)`; returns (lowpass, bandpass, highpass).
    #[inline]
    pub fn tick(&mut self, x: f32, g: f32, k: f32) -> (f32, f32, f32) {
        let a1 = 1.0 / (1.0 + g * (g + k));
        let a2 = g * a1;
        let a3 = g * a2;
        let v3 = x - self.ic2;
        let v1 = a1 * self.ic1 + a2 * v3;
        let v2 = self.ic2 + a2 * self.ic1 + a3 * v3;
        self.ic1 = 2.0 * v1 - self.ic1;
        self.ic2 = 2.0 * v2 - self.ic2;
        (v2, v1, x - k * v1 - v2)
    }
}

struct Svf {
    state: Vec<SvfState>,
    cutoff: f32,
    resonance: f32,
    sample_rate: f32,
    cv_connected: bool,
}

impl Module for Svf {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        match index {
            CUTOFF => self.cutoff = number(value),
            RESONANCE => self.resonance = number(value),
            _ => {}
        }
    }

    fn set_connectivity(&mut self, inputs: &[bool], _outputs: &[bool]) {
        self.cv_connected =
            inputs.get(CUTOFF_CV) != Some(&false) || inputs.get(RESONANCE_CV) != Some(&false);
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        keep_lanes(&mut self.state, &old.state);
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes();
        let (input, cutoff_cv, resonance_cv) =
            (io.input(IN), io.input(CUTOFF_CV), io.input(RESONANCE_CV));
        let [lp, bp, hp, notch] = io.outputs::<4>();
        let (g0, k0) = svf_coefficients(self.cutoff, self.resonance, self.sample_rate);
        for i in 0..input.len() {
            let (g, k) = if self.cv_connected {
                svf_coefficients(
                    self.cutoff * cutoff_cv[i].clamp(-20.0, 20.0).exp2(),
                    self.resonance + resonance_cv[i],
                    self.sample_rate,
                )
            } else {
                (g0, k0)
            };
            let x = input[i];
            let (l, b, h) = self.state[i % lanes].tick(x, g, k);
            lp[i] = l;
            bp[i] = b * k;
            hp[i] = h;
            notch[i] = l + h;
        }
    }
}

/// The `Svf` module type.
pub fn svf_type() -> ModuleType {
    ModuleType {
        name: "Svf",
        doc: "Multimode state-variable filter: lowpass, bandpass, highpass and notch (12 dB/oct).",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![
                port("in", PortKind::Audio, "The signal"),
                port(
                    "cutoff_cv",
                    PortKind::Pitch,
                    "Cutoff offset in V/oct (+1 doubles)",
                ),
                port(
                    "resonance_cv",
                    PortKind::Cv,
                    "Added to resonance (sum clamped to 0..1)",
                ),
            ],
            outputs: vec![
                port("lowpass", PortKind::Audio, "Lowpass (12 dB/oct)"),
                port(
                    "bandpass",
                    PortKind::Audio,
                    "Bandpass, unit gain at the centre",
                ),
                port("highpass", PortKind::Audio, "Highpass (12 dB/oct)"),
                port("notch", PortKind::Audio, "Notch (lowpass + highpass)"),
            ],
            params: vec![
                float(
                    "cutoff",
                    (20.0, 20000.0, 1000.0),
                    "Hz",
                    "Cutoff at cutoff_cv = 0",
                ),
                float(
                    "resonance",
                    (0.0, 1.0, 0.0),
                    "",
                    "0 = Q 0.5, 1 = Q 50 (rings for seconds)",
                ),
            ],
        },
        create: |shape, sample_rate| {
            Box::new(Svf {
                state: vec![SvfState::default(); shape.voices],
                cutoff: 1000.0,
                resonance: 0.0,
                sample_rate,
                cv_connected: true,
            })
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::named_indices::{assert_inputs, assert_outputs, assert_params};

    #[test]
    fn named_indices_match_the_descriptor() {
        let module = svf_type();
        assert_params(&module, &[(CUTOFF, "cutoff"), (RESONANCE, "resonance")]);
        let inputs = [
            (IN, "in"),
            (CUTOFF_CV, "cutoff_cv"),
            (RESONANCE_CV, "resonance_cv"),
        ];
        assert_inputs(&module, &inputs);
        let outputs = [
            (0, "lowpass"),
            (1, "bandpass"),
            (2, "highpass"),
            (3, "notch"),
        ];
        assert_outputs(&module, &outputs);
    }
}
