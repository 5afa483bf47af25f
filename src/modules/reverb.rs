//! `Reverb`: a stereo feedback-delay-network reverb.
//!
//! Jot's FDN (Jot and Chaigne 1991): eight delay lines of mutually prime lengths (30-58 ms)
//! mixed through an orthogonal 8x8 Hadamard matrix (a lossless, maximally diffusing
//! feedback), each line with a gain `10^(-3 d / (decay fs))` so that the tail falls 60 dB in
//! `decay` seconds whatever the line length, and a one-pole lowpass (`damping`) that makes
//! highs die sooner, like air and soft walls. Each input is first smeared by two Schroeder
//! allpasses (Freeverb's lengths), so that the onset is dense rather than a train of
//! discrete echoes; left feeds the even lines, right the odd ones, and the two outputs take
//! orthogonal sign patterns of the lines, which keeps them decorrelated. `pre_delay` delays
//! the wet signal; `mix` blends dry (0) and wet (1).

use super::delay_line::DelayLine;
use super::descriptor::{ParamValue, PortKind, ShapeUse};
use super::kit::{finite, float, number, port};
use super::module::{Module, ProcessIo};
use super::registry::{Layout, ModuleType};
use super::reshape::{keep_lanes, same_type};

/// FDN line lengths in samples at 48 kHz (mutually prime).
const LINES: [usize; 8] = [1433, 1601, 1867, 2053, 2251, 2399, 2617, 2797];
/// Diffuser allpass lengths at 48 kHz (Freeverb's, scaled): two per input side.
const ALLPASSES: [[usize; 2]; 2] = [[605, 241], [480, 371]];
/// Diffuser allpass gain.
const ALLPASS_GAIN: f32 = 0.6;
/// Longest pre-delay in seconds.
const MAX_PRE_DELAY: f32 = 0.25;
/// Output gain of the wet signal (the lines sum to well above unity).
const WET_GAIN: f32 = 0.3;
/// Orthogonal output sign patterns.
const LEFT_SIGNS: [f32; 8] = [1.0, -1.0, 1.0, -1.0, 1.0, -1.0, 1.0, -1.0];
const RIGHT_SIGNS: [f32; 8] = [1.0, 1.0, -1.0, -1.0, 1.0, 1.0, -1.0, -1.0];

/// Index of the `decay` parameter.
const DECAY: usize = 0;
/// Index of the `damping` parameter.
const DAMPING: usize = 1;
/// Index of the `mix` parameter.
const MIX: usize = 2;
/// Index of the `pre_delay` parameter.
const PRE_DELAY: usize = 3;
/// Index of the `left` input.
const LEFT: usize = 0;
/// Index of the `right` input.
const RIGHT: usize = 1;

/// In-place fast Walsh-Hadamard transform of 8 values, scaled to be orthogonal.
#[inline]
fn hadamard(v: &mut [f32; 8]) {
    let mut h = 1;
    while h < 8 {
        for i in (0..8).step_by(2 * h) {
            for j in i..i + h {
                let (a, b) = (v[j], v[j + h]);
                v[j] = a + b;
                v[j + h] = a - b;
            }
        }
        h *= 2;
    }
    let scale = std::f32::consts::FRAC_1_SQRT_2 * 0.5;
    for x in v.iter_mut() {
        *x *= scale;
    }
}

struct Reverb {
    lines: Vec<DelayLine>,
    lengths: [usize; 8],
    gains: [f32; 8],
    lowpass: Vec<[f32; 8]>,
    allpasses: Vec<DelayLine>,
    allpass_lengths: [usize; 4],
    pre_delay: DelayLine,
    pre_delay_samples: usize,
    decay: f32,
    damping: f32,
    mix: f32,
    sample_rate: f32,
}

impl Reverb {
    fn update_gains(&mut self) {
        for (g, &len) in self.gains.iter_mut().zip(&self.lengths) {
            *g = 10f32.powf(-3.0 * len as f32 / (self.decay * self.sample_rate));
        }
    }

    /// One Schroeder allpass step on diffuser `index`, lane `lane`.
    #[inline]
    fn allpass(&mut self, index: usize, lane: usize, x: f32) -> f32 {
        let line = &mut self.allpasses[index];
        let delayed = line.tap(lane, self.allpass_lengths[index]);
        let v = x + ALLPASS_GAIN * delayed;
        line.write(lane, v);
        delayed - ALLPASS_GAIN * v
    }
}

impl Module for Reverb {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        let v = number(value);
        match index {
            DECAY => {
                self.decay = v;
                self.update_gains();
            }
            DAMPING => self.damping = 0.8 * v,
            MIX => self.mix = v,
            PRE_DELAY => self.pre_delay_samples = (v / 1000.0 * self.sample_rate) as usize,
            _ => {}
        }
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        for (new, old) in self.lines.iter_mut().zip(&old.lines) {
            new.keep(old);
        }
        for (new, old) in self.allpasses.iter_mut().zip(&old.allpasses) {
            new.keep(old);
        }
        self.pre_delay.keep(&old.pre_delay);
        keep_lanes(&mut self.lowpass, &old.lowpass);
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let frames = io.frames();
        let lanes = io.lanes();
        let (in_left, in_right) = (io.input(LEFT), io.input(RIGHT));
        let [out_left, out_right] = io.outputs::<2>();
        let damping = self.damping;
        for f in 0..frames {
            for l in 0..lanes {
                let i = f * lanes + l;
                let (xl, xr) = (finite(in_left[i]), finite(in_right[i]));
                // Pre-delay both sides (interleaved in one line's two halves of lanes).
                self.pre_delay.write(2 * l, xl);
                self.pre_delay.write(2 * l + 1, xr);
                let dl = self.pre_delay.tap(2 * l, self.pre_delay_samples);
                let dr = self.pre_delay.tap(2 * l + 1, self.pre_delay_samples);
                let a = self.allpass(0, l, dl);
                let dl = self.allpass(1, l, a);
                let b = self.allpass(2, l, dr);
                let dr = self.allpass(3, l, b);
                let mut v = [0.0f32; 8];
                for (k, x) in v.iter_mut().enumerate() {
                    *x = self.lines[k].tap(l, self.lengths[k]);
                }
                let (mut wl, mut wr) = (0.0, 0.0);
                for k in 0..8 {
                    wl += LEFT_SIGNS[k] * v[k];
                    wr += RIGHT_SIGNS[k] * v[k];
                }
                let lp = &mut self.lowpass[l];
                for k in 0..8 {
                    lp[k] = v[k] + (lp[k] - v[k]) * damping;
                    v[k] = lp[k] * self.gains[k];
                }
                hadamard(&mut v);
                for (k, x) in v.iter().enumerate() {
                    let inject = if k % 2 == 0 { dl } else { dr };
                    self.lines[k].write(l, x + inject);
                }
                out_left[i] = xl + (WET_GAIN * wl - xl) * self.mix;
                out_right[i] = xr + (WET_GAIN * wr - xr) * self.mix;
            }
            for line in self.lines.iter_mut().chain(self.allpasses.iter_mut()) {
                line.advance();
            }
            self.pre_delay.advance();
        }
    }
}

/// The `Reverb` module type.
pub fn reverb_type() -> ModuleType {
    ModuleType {
        name: "Reverb",
        doc: "Stereo FDN reverb (8 lines, Hadamard feedback): decay as RT60, damping, pre-delay, mix.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![
                port("left", PortKind::Audio, "Left input"),
                port("right", PortKind::Audio, "Right input"),
            ],
            outputs: vec![
                port("left", PortKind::Audio, "Left: dry and reverb"),
                port("right", PortKind::Audio, "Right: dry and reverb"),
            ],
            params: vec![
                float("decay", (0.1, 30.0, 2.0), "s", "RT60: time for the tail to fall by 60 dB"),
                float("damping", (0.0, 1.0, 0.3), "", "How much faster highs die than lows"),
                float("mix", (0.0, 1.0, 0.3), "", "0 = dry only, 1 = reverb only"),
                float("pre_delay", (0.0, 250.0, 10.0), "ms", "Delay before the reverb starts"),
            ],
        },
        create: |shape, sr| {
            let scale = sr / 48000.0;
            let n = shape.voices;
            let lengths = LINES.map(|len| ((len as f32 * scale) as usize).max(1));
            let allpass_lengths = [
                ALLPASSES[0][0],
                ALLPASSES[0][1],
                ALLPASSES[1][0],
                ALLPASSES[1][1],
            ]
            .map(|len| ((len as f32 * scale) as usize).max(1));
            let mut reverb = Reverb {
                lines: lengths.iter().map(|&len| DelayLine::new(len + 2, n)).collect(),
                lengths,
                gains: [0.0; 8],
                lowpass: vec![[0.0; 8]; n],
                allpasses: allpass_lengths
                    .iter()
                    .map(|&len| DelayLine::new(len + 2, n))
                    .collect(),
                allpass_lengths,
                pre_delay: DelayLine::new((MAX_PRE_DELAY * sr) as usize + 2, 2 * n),
                pre_delay_samples: (0.01 * sr) as usize,
                decay: 2.0,
                damping: 0.24,
                mix: 0.3,
                sample_rate: sr,
            };
            reverb.update_gains();
            Box::new(reverb)
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::named_indices::{assert_inputs, assert_params};

    #[test]
    fn named_indices_match_the_descriptor() {
        let module = reverb_type();
        let params = [
            (DECAY, "decay"),
            (DAMPING, "damping"),
            (MIX, "mix"),
            (PRE_DELAY, "pre_delay"),
        ];
        assert_params(&module, &params);
        assert_inputs(&module, &[(LEFT, "left"), (RIGHT, "right")]);
    }
}
