//! `Chorus`: a stereo chorus of two modulated delay voices per side.
//!
//! The classic chorus (Dattorro, "Effect Design part 2", 1997): each voice reads a delay
//! line at `12 ms + depth * 5 ms * sin(lfo)`, with linear interpolation; the four voices sit
//! at quarter-cycle LFO offsets (left 0 and 180 degrees, right 90 and 270), which widens a
//! mono source. `mix` blends dry (0) and wet (1). An unconnected `right` input takes `left`.

use super::delay_line::DelayLine;
use super::descriptor::{ParamValue, PortKind, ShapeUse};
use super::kit::{finite, float, number, port};
use super::module::{Module, ProcessIo};
use super::registry::{Layout, ModuleType};
use super::reshape::same_type;
use std::f32::consts::{FRAC_PI_2, PI, TAU};

/// Parameter indices, in the descriptor's order.
const RATE: usize = 0;
const DEPTH: usize = 1;
const MIX: usize = 2;
/// Index of the `left` input.
const LEFT: usize = 0;
/// Index of the `right` input.
const RIGHT: usize = 1;

const BASE_SECONDS: f32 = 0.012;
const DEPTH_SECONDS: f32 = 0.005;

struct Chorus {
    left: DelayLine,
    right: DelayLine,
    phase: f32,
    rate: f32,
    depth: f32,
    mix: f32,
    right_connected: bool,
    sample_rate: f32,
}

impl Module for Chorus {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        let v = number(value);
        match index {
            RATE => self.rate = v,
            DEPTH => self.depth = v,
            MIX => self.mix = v,
            _ => {}
        }
    }

    fn set_connectivity(&mut self, inputs: &[bool], _outputs: &[bool]) {
        self.right_connected = inputs.get(RIGHT) != Some(&false);
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        self.left.keep(&old.left);
        self.right.keep(&old.right);
        self.phase = old.phase;
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let frames = io.frames();
        let lanes = io.lanes();
        let (in_left, in_right) = (io.input(LEFT), io.input(RIGHT));
        let [out_left, out_right] = io.outputs::<2>();
        let step = self.rate / self.sample_rate;
        let base = BASE_SECONDS * self.sample_rate;
        let swing = self.depth * DEPTH_SECONDS * self.sample_rate;
        for f in 0..frames {
            let angle = self.phase * TAU;
            let times =
                [0.0, PI, FRAC_PI_2, PI + FRAC_PI_2].map(|o| base + swing * (angle + o).sin());
            for l in 0..lanes {
                let i = f * lanes + l;
                let xl = finite(in_left[i]);
                let xr = if self.right_connected {
                    finite(in_right[i])
                } else {
                    xl
                };
                self.left.write(l, xl);
                self.right.write(l, xr);
                let wl = 0.5 * (self.left.read(l, times[0]) + self.left.read(l, times[1]));
                let wr = 0.5 * (self.right.read(l, times[2]) + self.right.read(l, times[3]));
                out_left[i] = xl + (wl - xl) * self.mix;
                out_right[i] = xr + (wr - xr) * self.mix;
            }
            self.left.advance();
            self.right.advance();
            self.phase += step;
            if self.phase >= 1.0 {
                self.phase -= 1.0;
            }
        }
    }
}

/// The `Chorus` module type.
pub fn chorus_type() -> ModuleType {
    ModuleType {
        name: "Chorus",
        doc: "Stereo chorus: two modulated delay voices per side (12 ms +- 5 ms * depth).",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![
                port("left", PortKind::Audio, "Left input"),
                port(
                    "right",
                    PortKind::Audio,
                    "Right input (unconnected: takes left)",
                ),
            ],
            outputs: vec![
                port("left", PortKind::Audio, "Left output"),
                port("right", PortKind::Audio, "Right output"),
            ],
            params: vec![
                float("rate", (0.01, 10.0, 0.4), "Hz", "Modulation rate"),
                float(
                    "depth",
                    (0.0, 1.0, 0.5),
                    "",
                    "Modulation depth (1 = +-5 ms)",
                ),
                float("mix", (0.0, 1.0, 0.5), "", "0 = dry only, 1 = chorus only"),
            ],
        },
        create: |shape, sr| {
            let capacity = ((BASE_SECONDS + DEPTH_SECONDS) * sr) as usize + 4;
            Box::new(Chorus {
                left: DelayLine::new(capacity, shape.voices),
                right: DelayLine::new(capacity, shape.voices),
                phase: 0.0,
                rate: 0.4,
                depth: 0.5,
                mix: 0.5,
                right_connected: true,
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
    fn named_indices_match_the_descriptor() {
        let module = chorus_type();
        assert_params(&module, &[(RATE, "rate"), (DEPTH, "depth"), (MIX, "mix")]);
        assert_inputs(&module, &[(LEFT, "left"), (RIGHT, "right")]);
    }
}
