//! Oscillators: `SineOscillator`, `SawtoothOscillator`, `SquareOscillator`.
//!
//! `SineOscillator`
//!
//! | Port / parameter | Kind | Range, default | Doc |
//! |---|---|---|---|
//! | `voct` | input | V/oct | pitch offset: +1 doubles the frequency |
//! | `out` | output | [-1, 1] | the sine |
//! | `frequency` | float | 0.01–20000 Hz, 440 | frequency at `voct` = 0 |

use super::descriptor::{ParamDescriptor, ParamKind, ParamValue, PortDescriptor, ShapeUse};
use super::module::{Module, ProcessIo};
use super::registry::{Layout, ModuleType};

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
            inputs: vec![PortDescriptor::new(
                "voct",
                "Pitch offset in V/oct (+1 = one octave up)",
            )],
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
