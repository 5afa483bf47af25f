//! `ClockDivider`: divides and multiplies a clock.
//!
//! Every `divide`-th rising `clock` edge (counting from the first, or from a `reset`) starts
//! a cycle; the output pulses for one sample at the cycle start and `multiply - 1` more times
//! evenly spaced within it, the spacing measured from the last two input edges (so the
//! multiplied pulses start from the second edge on). `divide: 4, multiply: 1` is a quarter
//! of the clock, `divide: 1, multiply: 2` doubles it and `divide: 3, multiply: 2` gives two
//! pulses per three clocks.

use super::descriptor::{ParamValue, PortKind, ShapeUse};
use super::kit::{int, port, whole, Edges};
use super::module::{Module, ProcessIo};
use super::registry::{Layout, ModuleType};
use super::reshape::{keep_lanes, same_type};

/// Index of the `divide` parameter.
const DIVIDE: usize = 0;
/// Index of the `multiply` parameter.
const MULTIPLY: usize = 1;
/// Index of the `clock` input.
const CLOCK: usize = 0;
/// Index of the `reset` input.
const RESET: usize = 1;

struct ClockDivider {
    divide: u64,
    multiply: u64,
    clock: Edges,
    reset: Edges,
    /// Input edges since the last cycle start; `None` before the first edge.
    count: Vec<Option<u64>>,
    /// Samples since the last input edge and the last measured input period.
    since_edge: Vec<u64>,
    period: Vec<u64>,
    /// Samples since the cycle start and pulses emitted in this cycle.
    since_cycle: Vec<u64>,
    emitted: Vec<u64>,
}

impl Module for ClockDivider {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        let v = whole(value).max(1) as u64;
        match index {
            DIVIDE => self.divide = v,
            MULTIPLY => self.multiply = v,
            _ => {}
        }
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        self.clock.keep(&old.clock);
        self.reset.keep(&old.reset);
        keep_lanes(&mut self.count, &old.count);
        keep_lanes(&mut self.since_edge, &old.since_edge);
        keep_lanes(&mut self.period, &old.period);
        keep_lanes(&mut self.since_cycle, &old.since_cycle);
        keep_lanes(&mut self.emitted, &old.emitted);
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes();
        let (clock, reset) = (io.input(CLOCK), io.input(RESET));
        let out = io.output(0);
        for i in 0..out.len() {
            let l = i % lanes;
            if self.reset.rises(l, reset[i]) {
                self.count[l] = None;
            }
            let mut pulse = false;
            if self.clock.rises(l, clock[i]) {
                if self.count[l].is_some() || self.period[l] > 0 {
                    self.period[l] = self.since_edge[l];
                }
                self.since_edge[l] = 0;
                let count = self.count[l].map_or(0, |c| (c + 1) % self.divide);
                self.count[l] = Some(count);
                if count == 0 {
                    self.since_cycle[l] = 0;
                    self.emitted[l] = 1;
                    pulse = true;
                }
            }
            let cycle = self.period[l] * self.divide;
            if !pulse && self.period[l] > 0 && self.emitted[l] < self.multiply {
                let due = cycle * self.emitted[l] / self.multiply;
                if self.since_cycle[l] >= due {
                    self.emitted[l] += 1;
                    pulse = true;
                }
            }
            out[i] = if pulse { 1.0 } else { 0.0 };
            self.since_edge[l] = self.since_edge[l].saturating_add(1);
            self.since_cycle[l] = self.since_cycle[l].saturating_add(1);
        }
    }

    /// Outputs are gates of 0 or 1; the inputs are only compared with thresholds.
    fn outputs_always_finite(&self) -> bool {
        true
    }
}

/// The `ClockDivider` module type.
pub fn clock_divider_type() -> ModuleType {
    ModuleType {
        name: "ClockDivider",
        doc: "Divides and multiplies a clock: multiply pulses per divide input clocks.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![
                port("clock", PortKind::Gate, "The input clock (rising edges)"),
                port(
                    "reset",
                    PortKind::Gate,
                    "Rising edge: the next clock starts a cycle",
                ),
            ],
            outputs: vec![port("out", PortKind::Gate, "One-sample pulses")],
            params: vec![
                int("divide", (1, 64, 2), "Input clocks per cycle"),
                int("multiply", (1, 16, 1), "Output pulses per cycle"),
            ],
        },
        create: |shape, _| {
            let n = shape.voices;
            Box::new(ClockDivider {
                divide: 2,
                multiply: 1,
                clock: Edges::new(n),
                reset: Edges::new(n),
                count: vec![None; n],
                since_edge: vec![0; n],
                period: vec![0; n],
                since_cycle: vec![0; n],
                emitted: vec![0; n],
            })
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::named_indices::{assert_inputs, assert_params};

    #[test]
    fn named_indices_match_the_descriptor() {
        let module = clock_divider_type();
        assert_params(&module, &[(DIVIDE, "divide"), (MULTIPLY, "multiply")]);
        assert_inputs(&module, &[(CLOCK, "clock"), (RESET, "reset")]);
    }
}
