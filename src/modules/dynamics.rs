//! Dynamics: `Compressor` (with a sidechain for ducking) and `Limiter` (look-ahead, hard
//! ceiling, stereo-linked: meant for the master).
//!
//! `Compressor` is the feed-forward design of Giannoulis, Massberg and Reiss ("Digital
//! dynamic range compressor design", JAES 2012): a soft-knee gain computer in dB on the
//! instantaneous level of `sidechain` (or of `in` when `sidechain` is unconnected), then a
//! branching one-pole smoother with separate attack and release on the gain reduction.
//! `reduction` outputs the gain reduction in dB (>= 0), for meters or further modulation.
//!
//! `Limiter` delays the audio by 5 ms (its look-ahead). For each input sample it needs the
//! gain `min(1, ceiling / peak)` (peak of both sides); the gain applied is the minimum of
//! that over the look-ahead window, averaged over the same window (so it ramps down smoothly
//! and is fully down when the peak leaves the delay), then released exponentially. A final
//! clamp at the ceiling guarantees that no sample ever exceeds it, whatever the input.

use super::descriptor::{ParamValue, PortKind, ShapeUse};
use super::kit::{db_to_gain, finite, float, number, one_pole_coefficient, port};
use super::module::{Module, ProcessIo};
use super::registry::{Layout, ModuleType};
use super::reshape::{keep_lanes, same_type};

/// `Compressor`'s parameter and port indices, in its descriptor's order.
mod compressor {
    /// Index of the `threshold` parameter.
    pub const THRESHOLD: usize = 0;
    /// Index of the `ratio` parameter.
    pub const RATIO: usize = 1;
    /// Index of the `knee` parameter.
    pub const KNEE: usize = 2;
    /// Index of the `attack` parameter.
    pub const ATTACK: usize = 3;
    /// Index of the `release` parameter.
    pub const RELEASE: usize = 4;
    /// Index of the `makeup` parameter.
    pub const MAKEUP: usize = 5;
    /// Index of the `in` input.
    pub const IN: usize = 0;
    /// Index of the `sidechain` input.
    pub const SIDECHAIN: usize = 1;
}

/// `Limiter`'s parameter and port indices, in its descriptor's order.
mod limiter {
    /// Index of the `ceiling` parameter.
    pub const CEILING: usize = 0;
    /// Index of the `gain` parameter.
    pub const GAIN: usize = 1;
    /// Index of the `release` parameter.
    pub const RELEASE: usize = 2;
    /// Index of the `left` input.
    pub const LEFT: usize = 0;
    /// Index of the `right` input.
    pub const RIGHT: usize = 1;
}

/// Levels below this (in dB) are treated as this (log of 0 guard).
const FLOOR_DB: f32 = -120.0;

struct Compressor {
    threshold: f32,
    ratio: f32,
    knee: f32,
    attack: f32,
    release: f32,
    makeup: f32,
    reduction: Vec<f32>,
    sidechain_connected: bool,
    sample_rate: f32,
}

impl Compressor {
    /// Gain reduction in dB for a level in dB (soft knee).
    #[inline]
    fn gain_reduction(&self, level: f32) -> f32 {
        let over = level - self.threshold;
        let slope = 1.0 - 1.0 / self.ratio;
        if 2.0 * over <= -self.knee {
            0.0
        } else if 2.0 * over.abs() < self.knee {
            let x = over + 0.5 * self.knee;
            slope * x * x / (2.0 * self.knee)
        } else {
            slope * over
        }
    }
}

impl Module for Compressor {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        let v = number(value);
        match index {
            compressor::THRESHOLD => self.threshold = v,
            compressor::RATIO => self.ratio = v.max(1.0),
            compressor::KNEE => self.knee = v,
            compressor::ATTACK => self.attack = one_pole_coefficient(v / 1000.0, self.sample_rate),
            compressor::RELEASE => {
                self.release = one_pole_coefficient(v / 1000.0, self.sample_rate)
            }
            compressor::MAKEUP => self.makeup = v,
            _ => {}
        }
    }

    fn set_connectivity(&mut self, inputs: &[bool], _outputs: &[bool]) {
        self.sidechain_connected = inputs.get(compressor::SIDECHAIN) == Some(&true);
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        keep_lanes(&mut self.reduction, &old.reduction);
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes();
        let (input, sidechain) = (io.input(compressor::IN), io.input(compressor::SIDECHAIN));
        let detector = if self.sidechain_connected {
            sidechain
        } else {
            input
        };
        let [out, reduction] = io.outputs::<2>();
        for i in 0..input.len() {
            let l = i % lanes;
            let level = (20.0 * finite(detector[i]).abs().log10()).max(FLOOR_DB);
            let target = self.gain_reduction(level);
            let r = &mut self.reduction[l];
            let coefficient = if target > *r {
                self.attack
            } else {
                self.release
            };
            *r += (target - *r) * coefficient;
            out[i] = finite(input[i]) * db_to_gain(self.makeup - *r);
            reduction[i] = *r;
        }
    }
}

/// The `Compressor` module type.
pub fn compressor_type() -> ModuleType {
    ModuleType {
        name: "Compressor",
        doc: "Compressor with soft knee, attack/release and a sidechain input for ducking.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![
                port("in", PortKind::Audio, "The signal"),
                port(
                    "sidechain",
                    PortKind::Audio,
                    "Detector input (unconnected: in itself)",
                ),
            ],
            outputs: vec![
                port("out", PortKind::Audio, "The compressed signal"),
                port("reduction", PortKind::Cv, "Gain reduction in dB (>= 0)"),
            ],
            params: vec![
                float(
                    "threshold",
                    (-60.0, 0.0, -18.0),
                    "dB",
                    "Level where compression starts",
                ),
                float(
                    "ratio",
                    (1.0, 20.0, 4.0),
                    "",
                    "Input dB over threshold per output dB",
                ),
                float("knee", (0.0, 24.0, 6.0), "dB", "Width of the soft knee"),
                float(
                    "attack",
                    (0.1, 500.0, 5.0),
                    "ms",
                    "Time constant of gain reduction",
                ),
                float(
                    "release",
                    (5.0, 5000.0, 150.0),
                    "ms",
                    "Time constant of recovery",
                ),
                float("makeup", (0.0, 36.0, 0.0), "dB", "Gain after compression"),
            ],
        },
        create: |shape, sr| {
            Box::new(Compressor {
                threshold: -18.0,
                ratio: 4.0,
                knee: 6.0,
                attack: one_pole_coefficient(0.005, sr),
                release: one_pole_coefficient(0.15, sr),
                makeup: 0.0,
                reduction: vec![0.0; shape.voices],
                sidechain_connected: false,
                sample_rate: sr,
            })
        },
    }
}

/// The limiter's look-ahead in seconds.
const LOOKAHEAD_SECONDS: f32 = 0.005;

/// Per-lane state of the look-ahead limiter; rings hold `window` samples.
struct Limiter {
    window: usize,
    /// Delayed audio (left, right) and the required gains, per lane.
    audio: Vec<[f32; 2]>,
    /// Monotonic deque of (gain, time) for the sliding minimum.
    deque: Vec<(f32, u64)>,
    head: Vec<usize>,
    len: Vec<usize>,
    /// Ring of the sliding minimum for the box average, and its running sum.
    minima: Vec<f32>,
    sum: Vec<f64>,
    gain: Vec<f32>,
    time: u64,
    ceiling: f32,
    input_gain: f32,
    release: f32,
    sample_rate: f32,
}

impl Limiter {
    /// The minimum of the last `window + 1` required gains, after pushing `g` at the current
    /// time (one more than the delay, so that the box average that follows is fully down
    /// when a peak leaves the delay).
    #[inline]
    fn sliding_min(&mut self, lane: usize, g: f32) -> f32 {
        let cap = self.window + 2;
        let base = lane * cap;
        let (head, len) = (&mut self.head[lane], &mut self.len[lane]);
        while *len > 0 && self.deque[base + (*head + *len - 1) % cap].0 >= g {
            *len -= 1;
        }
        self.deque[base + (*head + *len) % cap] = (g, self.time);
        *len += 1;
        while self.deque[base + *head].1 + (self.window as u64) < self.time {
            *head = (*head + 1) % cap;
            *len -= 1;
        }
        self.deque[base + *head].0
    }
}

impl Module for Limiter {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        let v = number(value);
        match index {
            limiter::CEILING => self.ceiling = db_to_gain(v),
            limiter::GAIN => self.input_gain = db_to_gain(v),
            limiter::RELEASE => self.release = one_pole_coefficient(v / 1000.0, self.sample_rate),
            _ => {}
        }
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let frames = io.frames();
        let lanes = io.lanes();
        let (in_left, in_right) = (io.input(limiter::LEFT), io.input(limiter::RIGHT));
        let [out_left, out_right] = io.outputs::<2>();
        let w = self.window;
        let mut slot = (self.time % w as u64) as usize;
        for f in 0..frames {
            for l in 0..lanes {
                let i = f * lanes + l;
                let xl = finite(in_left[i]).clamp(-1e15, 1e15) * self.input_gain;
                let xr = finite(in_right[i]).clamp(-1e15, 1e15) * self.input_gain;
                let peak = xl.abs().max(xr.abs());
                let needed = if peak > self.ceiling {
                    self.ceiling / peak
                } else {
                    1.0
                };
                let minimum = self.sliding_min(l, needed);
                let at = l * w + slot;
                self.sum[l] += f64::from(minimum) - f64::from(self.minima[at]);
                self.minima[at] = minimum;
                let average = (self.sum[l] / w as f64) as f32;
                let g = &mut self.gain[l];
                *g = (*g + (1.0 - *g) * self.release).min(average);
                let [dl, dr] = std::mem::replace(&mut self.audio[at], [xl, xr]);
                let c = self.ceiling;
                out_left[i] = (dl * *g).clamp(-c, c);
                out_right[i] = (dr * *g).clamp(-c, c);
            }
            self.time += 1;
            slot += 1;
            if slot == w {
                slot = 0;
            }
        }
    }
}

/// The `Limiter` module type.
pub fn limiter_type() -> ModuleType {
    ModuleType {
        name: "Limiter",
        doc:
            "Stereo look-ahead (5 ms) brickwall limiter: no output sample ever exceeds the ceiling.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![
                port("left", PortKind::Audio, "Left input"),
                port("right", PortKind::Audio, "Right input"),
            ],
            outputs: vec![
                port("left", PortKind::Audio, "Left, delayed 5 ms and limited"),
                port("right", PortKind::Audio, "Right, delayed 5 ms and limited"),
            ],
            params: vec![
                float("ceiling", (-24.0, 0.0, -0.3), "dB", "Largest output level"),
                float(
                    "gain",
                    (0.0, 24.0, 0.0),
                    "dB",
                    "Input gain (drive into the limiter)",
                ),
                float(
                    "release",
                    (5.0, 2000.0, 100.0),
                    "ms",
                    "Time constant of recovery",
                ),
            ],
        },
        create: |shape, sr| {
            let n = shape.voices;
            let window = ((LOOKAHEAD_SECONDS * sr) as usize).max(1);
            Box::new(Limiter {
                window,
                audio: vec![[0.0; 2]; n * window],
                deque: vec![(1.0, 0); n * (window + 2)],
                head: vec![0; n],
                len: vec![0; n],
                minima: vec![1.0; n * window],
                sum: vec![window as f64; n],
                gain: vec![1.0; n],
                time: 0,
                ceiling: db_to_gain(-0.3),
                input_gain: 1.0,
                release: one_pole_coefficient(0.1, sr),
                sample_rate: sr,
            })
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::named_indices::{assert_inputs, assert_outputs, assert_params};

    #[test]
    fn compressor_named_indices_match_the_descriptor() {
        use compressor::*;
        let module = compressor_type();
        assert_params(
            &module,
            &[
                (THRESHOLD, "threshold"),
                (RATIO, "ratio"),
                (KNEE, "knee"),
                (ATTACK, "attack"),
                (RELEASE, "release"),
                (MAKEUP, "makeup"),
            ],
        );
        assert_inputs(&module, &[(IN, "in"), (SIDECHAIN, "sidechain")]);
        assert_outputs(&module, &[(0, "out"), (1, "reduction")]);
    }

    #[test]
    fn limiter_named_indices_match_the_descriptor() {
        use limiter::*;
        let module = limiter_type();
        assert_params(
            &module,
            &[(CEILING, "ceiling"), (GAIN, "gain"), (RELEASE, "release")],
        );
        assert_inputs(&module, &[(LEFT, "left"), (RIGHT, "right")]);
        assert_outputs(&module, &[(0, "left"), (1, "right")]);
    }
}
