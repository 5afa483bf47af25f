//! Saturation: `Drive`, `Wavefolder` and `Bitcrusher`.
//!
//! `Drive` multiplies by `drive` dB and shapes: `soft` is tanh (tube-like, odd harmonics
//! rising smoothly), `hard` clips at +-1, `fold` is a triangle wavefolder (the signal reflects
//! at +-1). `Wavefolder` is a sine folder (Buchla 259 style: `sin(pi/2 * (gain * x +
//! symmetry))`), smooth and rich. `Bitcrusher` holds the signal at `rate` Hz (sample-rate
//! reduction, no anti-aliasing: that is the point) and rounds it to `bits` bits. None of them
//! oversample, so loud high notes alias: keep drive modest on bright sources.

use super::descriptor::{ParamValue, PortKind, ShapeUse};
use super::kit::{choice, db_to_gain, finite, float, number, port, variant};
use super::module::{Module, ProcessIo};
use super::registry::{Layout, ModuleType};
use super::reshape::{keep_lanes, same_type};
use std::f32::consts::FRAC_PI_2;

const MODES: &[&str] = &["soft", "hard", "fold"];
/// Index of `soft` in `MODES`.
const SOFT: usize = 0;
/// Index of `hard` in `MODES`.
const HARD: usize = 1;

/// `Drive`'s parameter indices, in its descriptor's order.
mod drive {
    /// Index of the `drive` parameter.
    pub const DRIVE: usize = 0;
    /// Index of the `mode` parameter.
    pub const MODE: usize = 1;
    /// Index of the `level` parameter.
    pub const LEVEL: usize = 2;
    /// Index of the `mix` parameter.
    pub const MIX: usize = 3;
}

/// `Wavefolder`'s parameter and port indices, in its descriptor's order.
mod wavefolder {
    /// Index of the `gain` parameter.
    pub const GAIN: usize = 0;
    /// Index of the `symmetry` parameter.
    pub const SYMMETRY: usize = 1;
    /// Index of the `mix` parameter.
    pub const MIX: usize = 2;
    /// Index of the `in` input.
    pub const IN: usize = 0;
    /// Index of the `gain_cv` input.
    pub const GAIN_CV: usize = 1;
}

/// `Bitcrusher`'s parameter indices, in its descriptor's order.
mod bitcrusher {
    /// Index of the `bits` parameter.
    pub const BITS: usize = 0;
    /// Index of the `rate` parameter.
    pub const RATE: usize = 1;
    /// Index of the `mix` parameter.
    pub const MIX: usize = 2;
}

/// Triangle fold: the identity on [-1, 1], reflected at +-1 beyond.
#[inline]
pub fn triangle_fold(x: f32) -> f32 {
    let t = (x + 1.0) * 0.25;
    1.0 - 4.0 * (t - t.floor() - 0.5).abs()
}

struct Drive {
    gain: f32,
    mode: usize,
    level: f32,
    mix: f32,
}

impl Module for Drive {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        match index {
            drive::DRIVE => self.gain = db_to_gain(number(value)),
            drive::MODE => self.mode = variant(MODES, value),
            drive::LEVEL => self.level = db_to_gain(number(value)),
            drive::MIX => self.mix = number(value),
            _ => {}
        }
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let input = io.input(0);
        let out = io.output(0);
        let (g, level, mix) = (self.gain, self.level, self.mix);
        let shape = |x: f32| match self.mode {
            SOFT => (g * x).tanh(),
            HARD => (g * x).clamp(-1.0, 1.0),
            _ => triangle_fold((g * x).clamp(-1e6, 1e6)),
        };
        for (o, &x) in out.iter_mut().zip(input) {
            let x = finite(x);
            *o = level * (x + (shape(x) - x) * mix);
        }
    }
}

/// The `Drive` module type.
pub fn drive_type() -> ModuleType {
    ModuleType {
        name: "Drive",
        doc: "Saturation: drive gain into soft (tanh), hard clip or fold; output level and mix.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![port("in", PortKind::Audio, "The signal")],
            outputs: vec![port("out", PortKind::Audio, "The shaped signal")],
            params: vec![
                float("drive", (0.0, 48.0, 12.0), "dB", "Gain before the shaper"),
                choice(
                    "mode",
                    MODES,
                    "soft",
                    "soft (tanh), hard (clip) or fold (reflect at +-1)",
                ),
                float("level", (-48.0, 12.0, 0.0), "dB", "Output gain"),
                float("mix", (0.0, 1.0, 1.0), "", "0 = dry only, 1 = shaped only"),
            ],
        },
        create: |_, _| {
            Box::new(Drive {
                gain: db_to_gain(12.0),
                mode: SOFT,
                level: 1.0,
                mix: 1.0,
            })
        },
    }
}

struct Wavefolder {
    gain: f32,
    symmetry: f32,
    mix: f32,
}

impl Module for Wavefolder {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        let v = number(value);
        match index {
            wavefolder::GAIN => self.gain = v,
            wavefolder::SYMMETRY => self.symmetry = v,
            wavefolder::MIX => self.mix = v,
            _ => {}
        }
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let (input, gain_cv) = (io.input(wavefolder::IN), io.input(wavefolder::GAIN_CV));
        let out = io.output(0);
        for ((o, &x), &cv) in out.iter_mut().zip(input).zip(gain_cv) {
            let x = finite(x).clamp(-100.0, 100.0);
            let g = (self.gain + finite(cv)).clamp(0.0, 50.0);
            let folded = (FRAC_PI_2 * (g * x + self.symmetry)).sin();
            *o = x + (folded - x) * self.mix;
        }
    }
}

/// The `Wavefolder` module type.
pub fn wavefolder_type() -> ModuleType {
    ModuleType {
        name: "Wavefolder",
        doc: "Sine wavefolder: sin(pi/2 * (gain * in + symmetry)); more gain, more folds.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![
                port("in", PortKind::Audio, "The signal"),
                port("gain_cv", PortKind::Cv, "Added to gain"),
            ],
            outputs: vec![port(
                "out",
                PortKind::Audio,
                "The folded signal, in [-1, 1] when mix is 1",
            )],
            params: vec![
                float(
                    "gain",
                    (0.0, 20.0, 2.0),
                    "",
                    "Folding amount (1 = one gentle fold at full scale)",
                ),
                float(
                    "symmetry",
                    (-1.0, 1.0, 0.0),
                    "",
                    "Offset before folding (even harmonics)",
                ),
                float("mix", (0.0, 1.0, 1.0), "", "0 = dry only, 1 = folded only"),
            ],
        },
        create: |_, _| {
            Box::new(Wavefolder {
                gain: 2.0,
                symmetry: 0.0,
                mix: 1.0,
            })
        },
    }
}

struct Bitcrusher {
    levels: f32,
    step: f32,
    mix: f32,
    phase: Vec<f32>,
    held: Vec<f32>,
    sample_rate: f32,
}

impl Module for Bitcrusher {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        let v = number(value);
        match index {
            bitcrusher::BITS => self.levels = (v - 1.0).exp2(),
            bitcrusher::RATE => self.step = (v / self.sample_rate).min(1.0),
            bitcrusher::MIX => self.mix = v,
            _ => {}
        }
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        keep_lanes(&mut self.phase, &old.phase);
        keep_lanes(&mut self.held, &old.held);
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes();
        let input = io.input(0);
        let out = io.output(0);
        for (i, (o, &x)) in out.iter_mut().zip(input).enumerate() {
            let l = i % lanes;
            let x = finite(x);
            self.phase[l] += self.step;
            if self.phase[l] >= 1.0 {
                self.phase[l] -= 1.0;
                self.held[l] = (x.clamp(-1.0, 1.0) * self.levels).round() / self.levels;
            }
            *o = x + (self.held[l] - x) * self.mix;
        }
    }
}

/// The `Bitcrusher` module type.
pub fn bitcrusher_type() -> ModuleType {
    ModuleType {
        name: "Bitcrusher",
        doc: "Lo-fi: holds the signal at rate Hz and rounds it to bits bits.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![port("in", PortKind::Audio, "The signal")],
            outputs: vec![port("out", PortKind::Audio, "The crushed signal")],
            params: vec![
                float(
                    "bits",
                    (1.0, 16.0, 8.0),
                    "bits",
                    "Resolution (fractional values blend)",
                ),
                float(
                    "rate",
                    (100.0, 48000.0, 12000.0),
                    "Hz",
                    "Sample-and-hold rate",
                ),
                float("mix", (0.0, 1.0, 1.0), "", "0 = dry only, 1 = crushed only"),
            ],
        },
        create: |shape, sr| {
            Box::new(Bitcrusher {
                levels: 128.0,
                step: (12000.0 / sr).min(1.0),
                mix: 1.0,
                phase: vec![1.0; shape.voices],
                held: vec![0.0; shape.voices],
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
    fn drive_named_indices_match_the_descriptor() {
        use drive::{DRIVE, LEVEL, MIX, MODE};
        let module = drive_type();
        assert_params(
            &module,
            &[
                (DRIVE, "drive"),
                (MODE, "mode"),
                (LEVEL, "level"),
                (MIX, "mix"),
            ],
        );
        assert_eq!((MODES[SOFT], MODES[HARD]), ("soft", "hard"));
    }

    #[test]
    fn wavefolder_named_indices_match_the_descriptor() {
        use wavefolder::{GAIN, GAIN_CV, IN, MIX, SYMMETRY};
        let module = wavefolder_type();
        assert_params(
            &module,
            &[(GAIN, "gain"), (SYMMETRY, "symmetry"), (MIX, "mix")],
        );
        assert_inputs(&module, &[(IN, "in"), (GAIN_CV, "gain_cv")]);
    }

    #[test]
    fn bitcrusher_named_indices_match_the_descriptor() {
        use bitcrusher::{BITS, MIX, RATE};
        let module = bitcrusher_type();
        assert_params(&module, &[(BITS, "bits"), (RATE, "rate"), (MIX, "mix")]);
    }
}
