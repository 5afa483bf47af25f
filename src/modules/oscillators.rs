//! Oscillators: `SineOscillator`, `SawtoothOscillator`, `SquareOscillator`.
//!
//! `SineOscillator`
//!
//! | Port / parameter | Kind | Range, default | Doc |
//! |---|---|---|---|
//! | `voct` | input | V/oct | pitch offset: +1 doubles the frequency |
//! | `out` | output | [-1, 1] | the sine |
//! | `frequency` | float | 0.01–20000 Hz, 440 | frequency at `voct` = 0 |
//!
//! `SawtoothOscillator`: rising saw, band-limited with PolyBLEP.
//!
//! | Port / parameter | Kind | Range, default | Doc |
//! |---|---|---|---|
//! | `voct` | input | V/oct | pitch offset, added to `base_voct` |
//! | `out` | output | [-1, 1] | the saw |
//! | `base_voct` | float | -4–8 V/oct, 0 | pitch at `voct` = 0 (0 = C2 = 65.406 Hz) |
//!
//! `SquareOscillator`: pulse wave, band-limited with PolyBLEP at both edges.
//!
//! | Port / parameter | Kind | Range, default | Doc |
//! |---|---|---|---|
//! | `voct` | input | V/oct | pitch offset, added to `base_voct` |
//! | `pulse_width` | input | -1–1 | duty `0.5 + 0.5 * pulse_width`, clamped to 0.02–0.98 |
//! | `out` | output | [-1, 1] | +1 for the first part of the cycle, then -1 |
//! | `base_voct` | float | -4–8 V/oct, 0 | pitch at `voct` = 0 (0 = C2 = 65.406 Hz) |
//!
//! Saw and square run at `65.406 * 2^(base_voct + voct)` Hz, at most half the sample rate.

use super::descriptor::{
    ParamDescriptor, ParamKind, ParamValue, PortDescriptor, PortKind, ShapeUse,
};
use super::module::{Module, ProcessIo};
use super::notes::voct_to_hz;
use super::registry::{Layout, ModuleType};

/// Shortest duty cycle of the square (and, mirrored, the longest).
const MIN_DUTY: f64 = 0.02;

struct Sine {
    phase: f64,
    frequency: f64,
    sample_period: f64,
}

impl Module for Sine {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        if let (0, Some(f)) = (index, value.as_f64()) {
            self.frequency = f;
        }
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let voct = io.input(0);
        let out = io.output(0);
        let step = self.frequency * self.sample_period;
        for (o, &v) in out.iter_mut().zip(voct) {
            *o = (self.phase * std::f64::consts::TAU).sin() as f32;
            let inc = if v == 0.0 {
                step
            } else {
                step * (v as f64).exp2()
            };
            self.phase = (self.phase + inc).fract();
        }
    }
}

/// The `SineOscillator` module type.
pub fn sine_type() -> ModuleType {
    ModuleType {
        name: "SineOscillator",
        doc: "Sine wave at `frequency`, shifted by `voct`; the phase runs on across commits.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![
                PortDescriptor::new("voct", "Pitch offset in V/oct (+1 = one octave up)")
                    .kind(PortKind::Pitch),
            ],
            outputs: vec![PortDescriptor::new("out", "The sine, in [-1, 1]")],
            params: vec![ParamDescriptor {
                name: "frequency",
                kind: ParamKind::Float {
                    min: 0.01,
                    max: 20000.0,
                    default: 440.0,
                    unit: "Hz",
                },
                doc: "Frequency at voct = 0",
            }],
        },
        create: |_, sample_rate| {
            Box::new(Sine {
                phase: 0.0,
                frequency: 440.0,
                sample_period: 1.0 / sample_rate as f64,
            })
        },
    }
}

/// The pitch of a saw or square: `base_voct` plus the `voct` input, as a phase increment.
///
/// The increment is recomputed only when `voct` or `base_voct` changes.
struct Pitch {
    base_voct: f32,
    last_voct: f32,
    increment: f64,
    sample_period: f64,
}

impl Pitch {
    fn new(sample_rate: f32) -> Self {
        Pitch {
            base_voct: 0.0,
            last_voct: f32::NAN,
            increment: 0.0,
            sample_period: 1.0 / f64::from(sample_rate),
        }
    }

    fn set_base(&mut self, value: &ParamValue) {
        if let Some(v) = value.as_f64() {
            self.base_voct = v as f32;
            self.last_voct = f32::NAN;
        }
    }

    /// Phase increment per sample for this sample's `voct`, in [0, 0.5].
    fn increment(&mut self, voct: f32) -> f64 {
        if voct != self.last_voct {
            self.last_voct = voct;
            let inc = f64::from(voct_to_hz(self.base_voct + voct)) * self.sample_period;
            self.increment = if inc.is_nan() { 0.0 } else { inc.min(0.5) };
        }
        self.increment
    }
}

/// PolyBLEP residual of a step of height 2 at phase 0, for phase `t` and increment `dt`.
fn poly_blep(t: f64, dt: f64) -> f64 {
    if t < dt {
        let x = t / dt;
        2.0 * x - x * x - 1.0
    } else if t > 1.0 - dt {
        let x = (t - 1.0) / dt;
        x * x + 2.0 * x + 1.0
    } else {
        0.0
    }
}

/// Advances a phase in [0, 1) by `dt` <= 0.5.
fn advance(phase: f64, dt: f64) -> f64 {
    let next = phase + dt;
    if next >= 1.0 {
        next - 1.0
    } else {
        next
    }
}

fn base_voct_param() -> ParamDescriptor {
    ParamDescriptor {
        name: "base_voct",
        kind: ParamKind::Float {
            min: -4.0,
            max: 8.0,
            default: 0.0,
            unit: "V/oct",
        },
        doc: "Pitch at voct = 0 (0 = C2 = 65.406 Hz)",
    }
}

fn voct_input() -> PortDescriptor {
    PortDescriptor::new("voct", "Pitch offset in V/oct, added to base_voct").kind(PortKind::Pitch)
}

struct Saw {
    phase: f64,
    pitch: Pitch,
}

impl Module for Saw {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        if index == 0 {
            self.pitch.set_base(value);
        }
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let voct = io.input(0);
        let out = io.output(0);
        for (o, &v) in out.iter_mut().zip(voct) {
            let dt = self.pitch.increment(v);
            *o = (2.0 * self.phase - 1.0 - poly_blep(self.phase, dt)) as f32;
            self.phase = advance(self.phase, dt);
        }
    }
}

/// The `SawtoothOscillator` module type.
pub fn sawtooth_type() -> ModuleType {
    ModuleType {
        name: "SawtoothOscillator",
        doc: "Band-limited rising saw at 65.406 * 2^(base_voct + voct) Hz.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![voct_input()],
            outputs: vec![PortDescriptor::new("out", "The saw, in [-1, 1]")],
            params: vec![base_voct_param()],
        },
        create: |_, sample_rate| {
            Box::new(Saw {
                phase: 0.0,
                pitch: Pitch::new(sample_rate),
            })
        },
    }
}

struct Square {
    phase: f64,
    pitch: Pitch,
}

impl Module for Square {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        if index == 0 {
            self.pitch.set_base(value);
        }
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let voct = io.input(0);
        let width = io.input(1);
        let out = io.output(0);
        for ((o, &v), &w) in out.iter_mut().zip(voct).zip(width) {
            let dt = self.pitch.increment(v);
            // A NaN width gives a NaN duty: the output is then -1 (finite), not NaN.
            let duty = (0.5 + 0.5 * f64::from(w)).clamp(MIN_DUTY, 1.0 - MIN_DUTY);
            let t = self.phase;
            let naive = if t < duty { 1.0 } else { -1.0 };
            let since_fall = if t < duty { t - duty + 1.0 } else { t - duty };
            *o = (naive + poly_blep(t, dt) - poly_blep(since_fall, dt)) as f32;
            self.phase = advance(t, dt);
        }
    }
}

/// The `SquareOscillator` module type.
pub fn square_type() -> ModuleType {
    ModuleType {
        name: "SquareOscillator",
        doc: "Band-limited pulse wave at 65.406 * 2^(base_voct + voct) Hz with variable width.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![
                voct_input(),
                PortDescriptor::new(
                    "pulse_width",
                    "Duty cycle 0.5 + 0.5 * pulse_width, clamped to 0.02..0.98",
                )
                .kind(PortKind::Cv),
            ],
            outputs: vec![PortDescriptor::new("out", "The pulse wave, in [-1, 1]")],
            params: vec![base_voct_param()],
        },
        create: |_, sample_rate| {
            Box::new(Square {
                phase: 0.0,
                pitch: Pitch::new(sample_rate),
            })
        },
    }
}
