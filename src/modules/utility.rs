//! Utilities: `Constant`, `Attenuverter`, `Math` and `Crossfade`.
//!
//! `Math` applies `op` to `a` and `b` (`abs` and `negate` use `a` only). `Crossfade` goes
//! from `a` (position 0) to `b` (position 1); the position is `mix` plus the `mix_cv`
//! input, clamped to 0..1; the `equal_power` curve keeps the loudness of uncorrelated
//! signals constant (cos/sin gains), `linear` keeps the sum of the gains at 1.

use super::descriptor::{ParamValue, PortKind, ShapeUse};
use super::kit::{choice, float, number, port, variant};
use super::module::{Module, ProcessIo};
use super::registry::{Layout, ModuleType};
use std::f32::consts::FRAC_PI_2;

/// `Attenuverter`'s parameter and port indices, in its descriptor's order.
mod attenuverter {
    /// Index of the `gain` parameter.
    pub const GAIN: usize = 0;
    /// Index of the `offset` parameter.
    pub const OFFSET: usize = 1;
    /// Index of the `in` input.
    pub const IN: usize = 0;
    /// Index of the `gain_cv` input.
    pub const GAIN_CV: usize = 1;
}

/// `Math`'s port indices, in its descriptor's order.
mod math {
    /// Index of the `a` input.
    pub const A: usize = 0;
    /// Index of the `b` input.
    pub const B: usize = 1;
}

/// `Crossfade`'s parameter and port indices, in its descriptor's order.
mod crossfade {
    /// Index of the `mix` parameter.
    pub const MIX: usize = 0;
    /// Index of the `curve` parameter.
    pub const CURVE: usize = 1;
    /// Index of the `a` input.
    pub const A: usize = 0;
    /// Index of the `b` input.
    pub const B: usize = 1;
    /// Index of the `mix_cv` input.
    pub const MIX_CV: usize = 2;
}

struct Constant {
    value: f32,
}

impl Module for Constant {
    fn set_param(&mut self, _index: usize, value: &ParamValue) {
        self.value = number(value);
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        io.output(0).fill(self.value);
    }
}

/// The `Constant` module type.
pub fn constant_type() -> ModuleType {
    ModuleType {
        name: "Constant",
        doc: "A constant value on every sample and lane.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![],
            outputs: vec![port("out", PortKind::Cv, "value")],
            params: vec![float("value", (-100.0, 100.0, 1.0), "", "The value")],
        },
        create: |_, _| Box::new(Constant { value: 1.0 }),
    }
}

struct Attenuverter {
    gain: f32,
    offset: f32,
}

impl Module for Attenuverter {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        match index {
            attenuverter::GAIN => self.gain = number(value),
            attenuverter::OFFSET => self.offset = number(value),
            _ => {}
        }
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let (input, gain_cv) = (io.input(attenuverter::IN), io.input(attenuverter::GAIN_CV));
        let out = io.output(0);
        for ((o, &x), &g) in out.iter_mut().zip(input).zip(gain_cv) {
            *o = x * (self.gain + g) + self.offset;
        }
    }
}

/// The `Attenuverter` module type.
pub fn attenuverter_type() -> ModuleType {
    ModuleType {
        name: "Attenuverter",
        doc: "Scales and offsets: out = in * (gain + gain_cv) + offset.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![
                port("in", PortKind::Cv, "The signal"),
                port("gain_cv", PortKind::Cv, "Added to gain"),
            ],
            outputs: vec![port("out", PortKind::Cv, "in * (gain + gain_cv) + offset")],
            params: vec![
                float("gain", (-10.0, 10.0, 1.0), "", "Gain; negative inverts"),
                float("offset", (-10.0, 10.0, 0.0), "", "Added after the gain"),
            ],
        },
        create: |_, _| {
            Box::new(Attenuverter {
                gain: 1.0,
                offset: 0.0,
            })
        },
    }
}

const OPS: &[&str] = &["add", "subtract", "multiply", "min", "max", "abs", "negate"];

/// Indices of the operations in `OPS`.
mod op {
    /// `add`.
    pub const ADD: usize = 0;
    /// `subtract`.
    pub const SUBTRACT: usize = 1;
    /// `multiply`.
    pub const MULTIPLY: usize = 2;
    /// `min`.
    pub const MIN: usize = 3;
    /// `max`.
    pub const MAX: usize = 4;
    /// `abs`.
    pub const ABS: usize = 5;
}

struct Math {
    op: usize,
}

impl Module for Math {
    fn set_param(&mut self, _index: usize, value: &ParamValue) {
        self.op = variant(OPS, value);
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let (a, b) = (io.input(math::A), io.input(math::B));
        let out = io.output(0);
        let pairs = out.iter_mut().zip(a.iter().zip(b));
        match self.op {
            op::ADD => pairs.for_each(|(o, (&a, &b))| *o = a + b),
            op::SUBTRACT => pairs.for_each(|(o, (&a, &b))| *o = a - b),
            op::MULTIPLY => pairs.for_each(|(o, (&a, &b))| *o = a * b),
            op::MIN => pairs.for_each(|(o, (&a, &b))| *o = a.min(b)),
            op::MAX => pairs.for_each(|(o, (&a, &b))| *o = a.max(b)),
            op::ABS => pairs.for_each(|(o, (&a, _))| *o = a.abs()),
            _ => pairs.for_each(|(o, (&a, _))| *o = -a),
        }
    }
}

/// The `Math` module type.
pub fn math_type() -> ModuleType {
    ModuleType {
        name: "Math",
        doc: "Sample-wise arithmetic on a and b: add, subtract, multiply, min, max, abs, negate.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![
                port("a", PortKind::Cv, "First operand"),
                port(
                    "b",
                    PortKind::Cv,
                    "Second operand (unused by abs and negate)",
                ),
            ],
            outputs: vec![port("out", PortKind::Cv, "The result")],
            params: vec![choice("op", OPS, "add", "The operation")],
        },
        create: |_, _| Box::new(Math { op: op::ADD }),
    }
}

const CURVES: &[&str] = &["equal_power", "linear"];
/// Index of `equal_power` in `CURVES`.
const EQUAL_POWER: usize = 0;

struct Crossfade {
    mix: f32,
    equal_power: bool,
}

impl Module for Crossfade {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        match index {
            crossfade::MIX => self.mix = number(value),
            crossfade::CURVE => self.equal_power = variant(CURVES, value) == EQUAL_POWER,
            _ => {}
        }
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let (a, b, cv) = (
            io.input(crossfade::A),
            io.input(crossfade::B),
            io.input(crossfade::MIX_CV),
        );
        let out = io.output(0);
        for i in 0..out.len() {
            let t = (self.mix + cv[i]).clamp(0.0, 1.0);
            let t = if t.is_nan() { self.mix } else { t };
            let (ga, gb) = if self.equal_power {
                let (s, c) = (t * FRAC_PI_2).sin_cos();
                (c, s)
            } else {
                (1.0 - t, t)
            };
            out[i] = a[i] * ga + b[i] * gb;
        }
    }
}

/// The `Crossfade` module type.
pub fn crossfade_type() -> ModuleType {
    ModuleType {
        name: "Crossfade",
        doc: "Crossfades from a (0) to b (1), equal-power or linear.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![
                port("a", PortKind::Audio, "Heard at position 0"),
                port("b", PortKind::Audio, "Heard at position 1"),
                port("mix_cv", PortKind::Cv, "Added to mix (sum clamped to 0..1)"),
            ],
            outputs: vec![port("out", PortKind::Audio, "The blend")],
            params: vec![
                float("mix", (0.0, 1.0, 0.5), "", "Position: 0 is a, 1 is b"),
                choice("curve", CURVES, "equal_power", "Gain law"),
            ],
        },
        create: |_, _| {
            Box::new(Crossfade {
                mix: 0.5,
                equal_power: true,
            })
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::named_indices::{assert_inputs, assert_params};

    #[test]
    fn attenuverter_named_indices_match_the_descriptor() {
        use attenuverter::{GAIN, GAIN_CV, IN, OFFSET};
        let module = attenuverter_type();
        assert_params(&module, &[(GAIN, "gain"), (OFFSET, "offset")]);
        assert_inputs(&module, &[(IN, "in"), (GAIN_CV, "gain_cv")]);
    }

    #[test]
    fn math_named_indices_match_the_descriptor() {
        assert_inputs(&math_type(), &[(math::A, "a"), (math::B, "b")]);
        let named = [
            (op::ADD, "add"),
            (op::SUBTRACT, "subtract"),
            (op::MULTIPLY, "multiply"),
            (op::MIN, "min"),
            (op::MAX, "max"),
            (op::ABS, "abs"),
        ];
        for (index, name) in named {
            assert_eq!(OPS[index], name);
        }
        assert_eq!(OPS.len(), op::ABS + 2, "negate is the one op after abs");
    }

    #[test]
    fn crossfade_named_indices_match_the_descriptor() {
        use crossfade::{A, B, CURVE, MIX, MIX_CV};
        let module = crossfade_type();
        assert_params(&module, &[(MIX, "mix"), (CURVE, "curve")]);
        assert_inputs(&module, &[(A, "a"), (B, "b"), (MIX_CV, "mix_cv")]);
        assert_eq!(CURVES[EQUAL_POWER], "equal_power");
    }
}
