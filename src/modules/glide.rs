//! Portamento: `Glide`.
//!
//! | Port / parameter | Kind | Range, default | Doc |
//! |---|---|---|---|
//! | `in` | input | V/oct | the target pitch |
//! | `out` | output | V/oct | the gliding pitch |
//! | `glide_ms` | float | 0–10000 ms, 100 | time to cover 95% of a jump |
//!
//! One-pole smoothing: after a jump the output covers 95% of the distance in `glide_ms`
//! (time constant `glide_ms / ln 20`). At 0 the input passes through exactly. The state is
//! f64 so that long glides still settle on the target; once within 1e-20 of it, the output
//! is the target exactly (so a glide to 0 reaches true silence, never a subnormal number).
//! Every lane (`voices`) glides on its own.

use super::descriptor::{
    ParamDescriptor, ParamKind, ParamValue, PortDescriptor, PortKind, ShapeUse,
};
use super::module::{Module, ProcessIo};
use super::registry::{Layout, ModuleType};
use super::reshape::{keep_lanes, same_type};

/// Index of the `glide_ms` parameter.
const GLIDE_MS: usize = 0;
/// Fraction of a jump left after `glide_ms`.
const REMAINING: f64 = 0.05;
/// Closer to the target than this, the glide is on it.
const ARRIVED: f64 = 1e-20;

struct Glide {
    value: Box<[f64]>,
    /// Fraction of the remaining distance covered per sample; 1 passes through.
    coefficient: f64,
    sample_rate: f64,
}

impl Glide {
    fn set_time(&mut self, ms: f64) {
        let samples = ms / 1000.0 * self.sample_rate;
        self.coefficient = if samples > 0.0 {
            1.0 - REMAINING.powf(1.0 / samples)
        } else {
            1.0
        };
    }
}

impl Module for Glide {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        if let (GLIDE_MS, Some(ms)) = (index, value.as_f64()) {
            self.set_time(ms);
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
        if self.coefficient == 1.0 {
            out.copy_from_slice(input);
            if let Some(last) = input.rchunks_exact(lanes).next() {
                for (v, &x) in self.value.iter_mut().zip(last) {
                    *v = f64::from(x);
                }
            }
            return;
        }
        let c = self.coefficient;
        let values = &mut self.value[..lanes];
        for (frame, xs) in out.chunks_exact_mut(lanes).zip(input.chunks_exact(lanes)) {
            let (frame, xs) = (&mut frame[..lanes], &xs[..lanes]);
            for l in 0..lanes {
                let x = f64::from(xs[l]);
                let v = values[l] + (x - values[l]) * c;
                let v = if (x - v).abs() < ARRIVED { x } else { v };
                values[l] = v;
                frame[l] = v as f32;
            }
        }
    }
}

/// The `Glide` module type.
pub fn glide_type() -> ModuleType {
    ModuleType {
        name: "Glide",
        doc: "Portamento: slides towards its input, covering 95% of a jump in glide_ms.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![PortDescriptor::new("in", "Target pitch in V/oct").kind(PortKind::Pitch)],
            outputs: vec![PortDescriptor::new("out", "The gliding pitch").kind(PortKind::Pitch)],
            params: vec![ParamDescriptor {
                name: "glide_ms",
                kind: ParamKind::Float {
                    min: 0.0,
                    max: 10000.0,
                    default: 100.0,
                    unit: "ms",
                },
                doc: "Time to cover 95% of a jump; 0 passes through",
            }],
        },
        create: |shape, sample_rate| {
            let mut glide = Glide {
                value: vec![0.0; shape.voices].into_boxed_slice(),
                coefficient: 1.0,
                sample_rate: f64::from(sample_rate),
            };
            glide.set_time(100.0);
            Box::new(glide)
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::named_indices::assert_params;

    #[test]
    fn named_indices_match_the_descriptor() {
        assert_params(&glide_type(), &[(GLIDE_MS, "glide_ms")]);
    }
}
