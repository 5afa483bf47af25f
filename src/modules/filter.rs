//! Filters: `ResonantLowpass`.
//!
//! | Port / parameter | Kind | Range, default | Doc |
//! |---|---|---|---|
//! | `in` | input | audio | the signal |
//! | `cutoff_cv` | input | V/oct | cutoff offset: +1 doubles the cutoff |
//! | `resonance_cv` | input | -1–1 | added to `resonance`, the sum clamped to 0–1 |
//! | `out` | output | audio | the filtered signal |
//! | `cutoff` | float | 20–20000 Hz, 1000 | cutoff at `cutoff_cv` = 0 |
//! | `resonance` | float | 0–1, 0 | 0 is Butterworth (Q 0.707), 1 is Q 10 |
//!
//! A 2-pole state-variable filter in the topology-preserving (trapezoidal) form of Andrew
//! Simper, which stays stable under audio-rate modulation. The effective cutoff is clamped to
//! 20 Hz..0.45 × the sample rate. Q is `0.707 * (10 / 0.707)^resonance`, exponential in
//! `resonance` so that equal steps sound equal; Q never exceeds 10, so the filter rings but
//! does not self-oscillate. Coefficients are recomputed only when the effective cutoff or
//! resonance inputs change, and not at all per sample when both CV inputs are unconnected.

use super::descriptor::{
    ParamDescriptor, ParamKind, ParamValue, PortDescriptor, PortKind, ShapeUse,
};
use super::module::{Module, ProcessIo};
use super::registry::{Layout, ModuleType};
use std::f32::consts::{FRAC_1_SQRT_2, PI};

/// Index of the `cutoff_cv` input.
const CUTOFF_CV: usize = 1;
/// Index of the `resonance_cv` input.
const RESONANCE_CV: usize = 2;
/// Q at resonance 1.
const MAX_Q: f32 = 10.0;
/// Lowest effective cutoff in Hz.
const MIN_CUTOFF: f32 = 20.0;
/// Highest effective cutoff as a fraction of the sample rate.
const MAX_CUTOFF_RATIO: f32 = 0.45;

struct Lowpass {
    cutoff: f32,
    resonance: f32,
    sample_rate: f32,
    /// Last CV values the coefficients were computed for; NaN forces a recompute.
    last_cutoff_cv: f32,
    last_resonance_cv: f32,
    /// Whether either CV input is connected; when neither is, CVs are not read.
    cv_connected: bool,
    g: f32,
    k: f32,
    a1: f32,
    a2: f32,
    a3: f32,
    ic1: f32,
    ic2: f32,
}

impl Lowpass {
    /// Brings the coefficients up to date for this sample's CV values.
    fn update(&mut self, cutoff_cv: f32, resonance_cv: f32) {
        let cutoff_changed = cutoff_cv != self.last_cutoff_cv;
        let resonance_changed = resonance_cv != self.last_resonance_cv;
        if cutoff_changed {
            self.last_cutoff_cv = cutoff_cv;
            let hz = (self.cutoff * cutoff_cv.exp2())
                .max(MIN_CUTOFF)
                .min(MAX_CUTOFF_RATIO * self.sample_rate);
            self.g = (PI * hz / self.sample_rate).tan();
        }
        if resonance_changed {
            self.last_resonance_cv = resonance_cv;
            let cv = if resonance_cv.is_nan() {
                0.0
            } else {
                resonance_cv
            };
            let r = (self.resonance + cv).clamp(0.0, 1.0);
            self.k = (FRAC_1_SQRT_2 / MAX_Q).powf(r) / FRAC_1_SQRT_2;
        }
        if cutoff_changed || resonance_changed {
            self.a1 = 1.0 / (1.0 + self.g * (self.g + self.k));
            self.a2 = self.g * self.a1;
            self.a3 = self.g * self.a2;
        }
    }

    /// Filters one sample.
    #[inline]
    fn tick(&mut self, x: f32) -> f32 {
        let v3 = x - self.ic2;
        let v1 = self.a1 * self.ic1 + self.a2 * v3;
        let v2 = self.ic2 + self.a2 * self.ic1 + self.a3 * v3;
        self.ic1 = 2.0 * v1 - self.ic1;
        self.ic2 = 2.0 * v2 - self.ic2;
        v2
    }
}

impl Module for Lowpass {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        let Some(v) = value.as_f64() else { return };
        match index {
            0 => {
                self.cutoff = v as f32;
                self.last_cutoff_cv = f32::NAN;
            }
            1 => {
                self.resonance = v as f32;
                self.last_resonance_cv = f32::NAN;
            }
            _ => {}
        }
    }

    fn set_connectivity(&mut self, inputs: &[bool], _outputs: &[bool]) {
        self.cv_connected =
            inputs.get(CUTOFF_CV) != Some(&false) || inputs.get(RESONANCE_CV) != Some(&false);
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let input = io.input(0);
        if self.cv_connected {
            let cutoff_cv = io.input(CUTOFF_CV);
            let resonance_cv = io.input(RESONANCE_CV);
            let out = io.output(0);
            for (i, o) in out.iter_mut().enumerate() {
                self.update(cutoff_cv[i], resonance_cv[i]);
                *o = self.tick(input[i]);
            }
        } else {
            self.update(0.0, 0.0);
            for (o, &x) in io.output(0).iter_mut().zip(input) {
                *o = self.tick(x);
            }
        }
    }
}

/// The `ResonantLowpass` module type.
pub fn resonant_lowpass_type() -> ModuleType {
    ModuleType {
        name: "ResonantLowpass",
        doc: "2-pole resonant lowpass (state-variable, stable under fast modulation).",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![
                PortDescriptor::new("in", "The signal"),
                PortDescriptor::new("cutoff_cv", "Cutoff offset in V/oct (+1 doubles)")
                    .kind(PortKind::Pitch),
                PortDescriptor::new("resonance_cv", "Added to resonance (sum clamped to 0..1)")
                    .kind(PortKind::Cv),
            ],
            outputs: vec![PortDescriptor::new("out", "The filtered signal")],
            params: vec![
                ParamDescriptor {
                    name: "cutoff",
                    kind: ParamKind::Float {
                        min: 20.0,
                        max: 20000.0,
                        default: 1000.0,
                        unit: "Hz",
                    },
                    doc: "Cutoff frequency at cutoff_cv = 0",
                },
                ParamDescriptor {
                    name: "resonance",
                    kind: ParamKind::Float {
                        min: 0.0,
                        max: 1.0,
                        default: 0.0,
                        unit: "",
                    },
                    doc: "0 = Butterworth (Q 0.707), 1 = Q 10",
                },
            ],
        },
        create: |_, sample_rate| {
            Box::new(Lowpass {
                cutoff: 1000.0,
                resonance: 0.0,
                sample_rate,
                last_cutoff_cv: f32::NAN,
                last_resonance_cv: f32::NAN,
                cv_connected: true,
                g: 0.0,
                k: 0.0,
                a1: 0.0,
                a2: 0.0,
                a3: 0.0,
                ic1: 0.0,
                ic2: 0.0,
            })
        },
    }
}
