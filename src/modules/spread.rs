//! `Spread`: one value per lane, evenly spaced.
//!
//! | Port / parameter | Kind | Range, default | Doc |
//! |---|---|---|---|
//! | `out` | output | cv | lane `i` of N: `from + (to - from) * i / (N - 1)` |
//! | `from` | float | -10000–10000, 0 | value of the first lane (and of a mono node) |
//! | `to` | float | -10000–10000, 1 | value of the last lane |
//!
//! The simplest source of per-lane values: pitches of a chord, cutoffs of a bank of filters.
//! With one lane (no `voices`) the output is `from`.

use super::descriptor::{
    ParamDescriptor, ParamKind, ParamValue, PortDescriptor, PortKind, ShapeUse,
};
use super::module::{Module, ProcessIo};
use super::registry::{Layout, ModuleType};

/// Index of the `from` parameter.
const FROM: usize = 0;
/// Index of the `to` parameter.
const TO: usize = 1;
/// Largest magnitude of `from` and `to`.
const LIMIT: f64 = 10000.0;

struct Spread {
    from: f64,
    to: f64,
    /// The value of each lane, recomputed when a parameter changes.
    values: Box<[f32]>,
}

impl Spread {
    fn refresh(&mut self) {
        let last = self.values.len().saturating_sub(1).max(1) as f64;
        for (i, v) in self.values.iter_mut().enumerate() {
            *v = (self.from + (self.to - self.from) * i as f64 / last) as f32;
        }
    }
}

impl Module for Spread {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        let Some(v) = value.as_f64() else { return };
        match index {
            FROM => self.from = v,
            TO => self.to = v,
            _ => return,
        }
        self.refresh();
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes();
        for frame in io.output(0).chunks_exact_mut(lanes) {
            frame.copy_from_slice(&self.values);
        }
    }

    /// The values come from the two finite parameters; there are no inputs.
    fn outputs_always_finite(&self) -> bool {
        true
    }
}

fn bound(name: &'static str, default: f64, doc: &'static str) -> ParamDescriptor {
    ParamDescriptor {
        name,
        kind: ParamKind::Float {
            min: -LIMIT,
            max: LIMIT,
            default,
            unit: "",
        },
        doc,
    }
}

/// The `Spread` module type.
pub fn spread_type() -> ModuleType {
    ModuleType {
        name: "Spread",
        doc: "One value per lane, evenly spaced from `from` (lane 0) to `to` (the last lane).",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![],
            outputs: vec![PortDescriptor::new(
                "out",
                "Lane i of N: from + (to - from) * i / (N - 1); from when N = 1",
            )
            .kind(PortKind::Cv)],
            params: vec![
                bound("from", 0.0, "Value of the first lane"),
                bound("to", 1.0, "Value of the last lane"),
            ],
        },
        create: |shape, _| {
            let mut spread = Spread {
                from: 0.0,
                to: 1.0,
                values: vec![0.0; shape.voices].into_boxed_slice(),
            };
            spread.refresh();
            Box::new(spread)
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::named_indices::assert_params;

    #[test]
    fn named_indices_match_the_descriptor() {
        assert_params(&spread_type(), &[(FROM, "from"), (TO, "to")]);
    }
}
