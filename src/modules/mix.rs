//! Mixing: `Sum` and `Vca`.
//!
//! `Sum` (shape `channels`)
//!
//! | Port | Kind | Doc |
//! |---|---|---|
//! | `in/0` … `in/(channels-1)` | input | the signals to add |
//! | `out` | output | their sum |
//!
//! `Vca`
//!
//! | Port | Kind | Doc |
//! |---|---|---|
//! | `in` | input | the signal |
//! | `cv` | input | the gain |
//! | `out` | output | `in * cv` |
//!
//! Neither has parameters.

use super::descriptor::{ParamValue, PortDescriptor, PortKind, ShapeUse};
use super::module::{Module, ProcessIo};
use super::registry::{Layout, ModuleType};

/// `Vca`'s input indices, in its descriptor's order.
mod vca {
    /// Index of the `in` input.
    pub const IN: usize = 0;
    /// Index of the `cv` input.
    pub const CV: usize = 1;
}

struct Sum {
    /// Which inputs are connected; unconnected ones read zero and are skipped.
    connected: Vec<bool>,
}

impl Module for Sum {
    fn set_param(&mut self, _index: usize, _value: &ParamValue) {}

    fn set_connectivity(&mut self, inputs: &[bool], _outputs: &[bool]) {
        for (c, &i) in self.connected.iter_mut().zip(inputs) {
            *c = i;
        }
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let mut first = true;
        for (index, _) in self.connected.iter().enumerate().filter(|(_, &c)| c) {
            let input = io.input(index);
            let out = io.output(0);
            if first {
                out.copy_from_slice(input);
                first = false;
            } else {
                for (o, &x) in out.iter_mut().zip(input) {
                    *o += x;
                }
            }
        }
        if first {
            io.output(0).fill(0.0);
        }
    }
}

/// The `Sum` module type.
pub fn sum_type() -> ModuleType {
    ModuleType {
        name: "Sum",
        doc: "Adds its `channels` inputs.",
        shape_use: ShapeUse {
            channels: true,
            length: false,
        },
        describe: |shape| Layout {
            inputs: (0..shape.channels)
                .map(|i| PortDescriptor::indexed("in", i, "A signal to add").summed())
                .collect(),
            outputs: vec![PortDescriptor::new("out", "The sum of the inputs")],
            params: vec![],
        },
        create: |shape, _| {
            Box::new(Sum {
                connected: vec![true; shape.channels],
            })
        },
    }
}

struct Vca;

impl Module for Vca {
    fn set_param(&mut self, _index: usize, _value: &ParamValue) {}

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let input = io.input(vca::IN);
        let cv = io.input(vca::CV);
        for ((o, &x), &g) in io.output(0).iter_mut().zip(input).zip(cv) {
            *o = x * g;
        }
    }
}

/// The `Vca` module type.
pub fn vca_type() -> ModuleType {
    ModuleType {
        name: "Vca",
        doc: "Voltage-controlled amplifier: out = in * cv.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![
                PortDescriptor::new("in", "The signal"),
                PortDescriptor::new("cv", "The gain (unconnected reads 0: silence)")
                    .kind(PortKind::Cv),
            ],
            outputs: vec![PortDescriptor::new("out", "in * cv")],
            params: vec![],
        },
        create: |_, _| Box::new(Vca),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::named_indices::assert_inputs;

    #[test]
    fn vca_named_indices_match_the_descriptor() {
        assert_inputs(&vca_type(), &[(vca::IN, "in"), (vca::CV, "cv")]);
    }
}
