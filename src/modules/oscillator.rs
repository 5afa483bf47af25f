//! `Oscillator`: the multi-wave oscillator (sine, triangle, saw, pulse) with hard sync and
//! linear through-zero FM, on the band-limited kernel of [`super::bandlimited`].
//!
//! Frequency is `65.406 * 2^(base_voct + voct + fine/1200) * (1 + fm_depth * fm)` Hz; a
//! negative result runs the phase backwards (through-zero FM). A rising `sync` edge resets
//! the phase to 0 (hard sync; the reset itself is not band-limited). Outputs that are not
//! connected are not computed.

use super::bandlimited::Kernel;
use super::descriptor::{ParamValue, PortKind, ShapeUse};
use super::kit::{float, number, port, Edges};
use super::module::{Module, ProcessIo};
use super::notes::C2_HZ;
use super::registry::{Layout, ModuleType};
use super::reshape::{keep_lanes, same_type};

const VOCT: usize = 0;
const FM: usize = 1;
const SYNC: usize = 2;
const PULSE_WIDTH_CV: usize = 3;

const SINE: usize = 0;
const TRIANGLE: usize = 1;
const SAW: usize = 2;
const PULSE: usize = 3;

const BASE_VOCT: usize = 0;
const FINE: usize = 1;
const FM_DEPTH: usize = 2;
const PULSE_WIDTH: usize = 3;

/// Shortest duty cycle (and, mirrored, the longest).
const MIN_DUTY: f32 = 0.02;

struct Oscillator {
    kernel: Kernel,
    /// Phase per lane in [0, 1), f64 so that slow notes keep their pitch.
    phase: Vec<f64>,
    /// Per lane: the last `voct` and its frequency ratio `2^(base + voct)` (NaN: stale), so
    /// that a held note costs no `exp2` per sample.
    last_voct: Vec<f32>,
    ratio: Vec<f32>,
    sync: Edges,
    base_voct: f32,
    fine_cents: f32,
    fm_depth: f32,
    pulse_width: f32,
    sample_period: f32,
    wanted: [bool; 4],
}

impl Module for Oscillator {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        let v = number(value);
        match index {
            BASE_VOCT | FINE => {
                if index == BASE_VOCT {
                    self.base_voct = v;
                } else {
                    self.fine_cents = v;
                }
                self.last_voct.fill(f32::NAN);
            }
            FM_DEPTH => self.fm_depth = v,
            PULSE_WIDTH => self.pulse_width = v,
            _ => {}
        }
    }

    fn set_connectivity(&mut self, _inputs: &[bool], outputs: &[bool]) {
        for (w, &o) in self.wanted.iter_mut().zip(outputs) {
            *w = o;
        }
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        keep_lanes(&mut self.phase, &old.phase);
        self.sync.keep(&old.sync);
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes();
        let (voct, fm, sync, width_cv) = (
            io.input(VOCT),
            io.input(FM),
            io.input(SYNC),
            io.input(PULSE_WIDTH_CV),
        );
        let [sine, triangle, saw, pulse] = io.outputs::<4>();
        let base = self.base_voct + self.fine_cents / 1200.0;
        let hz_per_volt = C2_HZ * self.sample_period;
        let kernel = self.kernel;
        for i in 0..voct.len() {
            let lane = i % lanes;
            if self.sync.rises(lane, sync[i]) {
                self.phase[lane] = 0.0;
            }
            if voct[i] != self.last_voct[lane] {
                self.last_voct[lane] = voct[i];
                self.ratio[lane] = (base + voct[i]).exp2();
            }
            let dt = hz_per_volt * self.ratio[lane] * (1.0 + self.fm_depth * fm[i]);
            let dt = if dt.is_finite() {
                dt.clamp(-0.5, 0.5)
            } else {
                0.0
            };
            let p = self.phase[lane] as f32;
            if self.wanted[SINE] {
                sine[i] = (p * std::f32::consts::TAU).sin();
            }
            if self.wanted[TRIANGLE] {
                triangle[i] = kernel.triangle(p, dt);
            }
            if self.wanted[SAW] {
                saw[i] = kernel.saw(p, dt);
            }
            if self.wanted[PULSE] {
                let duty = (self.pulse_width + 0.5 * width_cv[i]).clamp(MIN_DUTY, 1.0 - MIN_DUTY);
                // NaN width: clamp keeps NaN, so fall back to a square.
                let duty = if duty.is_nan() { 0.5 } else { duty };
                pulse[i] = kernel.pulse(p, dt, duty);
            }
            let next = advance_f64(self.phase[lane], f64::from(dt));
            self.phase[lane] = next;
        }
    }
}

/// `advance` in f64 for the stored phase.
fn advance_f64(phase: f64, dt: f64) -> f64 {
    let next = phase + dt;
    if next >= 1.0 {
        next - 1.0
    } else if next < 0.0 {
        next + 1.0
    } else {
        next
    }
}

/// The `Oscillator` module type.
pub fn oscillator_type() -> ModuleType {
    ModuleType {
        name: "Oscillator",
        doc: "Multi-wave oscillator (sine, triangle, saw, pulse; alias-free to -100 dB) with hard sync and linear FM.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![
                port("voct", PortKind::Pitch, "Pitch offset in V/oct, added to base_voct"),
                port("fm", PortKind::Audio, "Linear FM: frequency times (1 + fm_depth * fm), through zero"),
                port("sync", PortKind::Gate, "Rising edge resets the phase (hard sync)"),
                port("pulse_width", PortKind::Cv, "Added to the duty cycle as 0.5 * pulse_width"),
            ],
            outputs: vec![
                port("sine", PortKind::Audio, "Sine in [-1, 1]"),
                port("triangle", PortKind::Audio, "Band-limited triangle in [-1, 1]"),
                port("saw", PortKind::Audio, "Band-limited rising saw in about [-1, 1]"),
                port("pulse", PortKind::Audio, "Band-limited pulse, +1 for the duty cycle then -1"),
            ],
            params: vec![
                float("base_voct", (-4.0, 8.0, 0.0), "V/oct", "Pitch at voct = 0 (0 = C2 = 65.406 Hz)"),
                float("fine", (-100.0, 100.0, 0.0), "cents", "Fine tuning"),
                float("fm_depth", (0.0, 10.0, 1.0), "", "Depth of the linear FM input"),
                float("pulse_width", (0.02, 0.98, 0.5), "", "Duty cycle of the pulse output"),
            ],
        },
        create: |shape, sample_rate| {
            Box::new(Oscillator {
                kernel: Kernel::new(sample_rate),
                phase: vec![0.0; shape.voices],
                last_voct: vec![f32::NAN; shape.voices],
                ratio: vec![1.0; shape.voices],
                sync: Edges::new(shape.voices),
                base_voct: 0.0,
                fine_cents: 0.0,
                fm_depth: 1.0,
                pulse_width: 0.5,
                sample_period: 1.0 / sample_rate,
                wanted: [true; 4],
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
        let module = oscillator_type();
        let params = [
            (BASE_VOCT, "base_voct"),
            (FINE, "fine"),
            (FM_DEPTH, "fm_depth"),
            (PULSE_WIDTH, "pulse_width"),
        ];
        assert_params(&module, &params);
        let inputs = [
            (VOCT, "voct"),
            (FM, "fm"),
            (SYNC, "sync"),
            (PULSE_WIDTH_CV, "pulse_width"),
        ];
        assert_inputs(&module, &inputs);
        let outputs = [
            (SINE, "sine"),
            (TRIANGLE, "triangle"),
            (SAW, "saw"),
            (PULSE, "pulse"),
        ];
        assert_outputs(&module, &outputs);
    }
}
