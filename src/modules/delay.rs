//! Delays: `Delay` (mono per lane) and `PingPongDelay` (stereo, echoes alternate sides).
//!
//! A circular buffer read at `time_ms` behind the write position, with linear
//! interpolation. The read time glides to a new `time_ms` with a 60 ms one-pole (a tape-like
//! pitch bend instead of a zipper or a click). The feedback path has a one-pole lowpass at
//! `tone` Hz, so repeats darken like an analogue delay; the first echo is the input itself.
//! `mix` blends dry (0) and wet (1). With `sync` set to a beat division (see
//! [`beat_sync`](super::beat_sync)) the time is `60 / bpm * division_beats` seconds instead
//! of `time_ms`, clamped to 2 s, and follows tempo changes through the same glide.
//! `PingPongDelay` feeds the mono sum of its inputs into the left line; each line
//! feeds the other, so echoes go left, right, left...

use super::beat_sync::{sync_param, Division};
use super::delay_line::DelayLine;
use super::descriptor::{ParamDescriptor, ParamValue, PortKind, ShapeUse};
use super::kit::{finite, float, number, one_pole_coefficient, port};
use super::module::{Module, ProcessIo};
use super::registry::{Layout, ModuleType};
use super::reshape::{keep_lanes, same_type};
use std::f32::consts::TAU;

/// Longest delay in seconds.
const MAX_SECONDS: f32 = 2.0;
/// Time constant of the glide to a new delay time.
const GLIDE_SECONDS: f32 = 0.06;

/// Index of the `time_ms` parameter (both delays).
const TIME: usize = 0;
/// Index of the `feedback` parameter (both delays).
const FEEDBACK: usize = 1;
/// Index of the `mix` parameter (both delays).
const MIX: usize = 2;
/// Index of the `tone` parameter (both delays).
const TONE: usize = 3;
/// Index of the `sync` parameter (both delays).
const SYNC: usize = 4;
/// Index of `PingPongDelay`'s `left` input.
const LEFT: usize = 0;
/// Index of `PingPongDelay`'s `right` input.
const RIGHT: usize = 1;

/// Parameters and the gliding read time shared by both delays.
struct DelayCore {
    /// Read times in samples, f64 so that the glide's small steps are not lost to rounding.
    target: f64,
    current: f64,
    started: bool,
    glide: f64,
    feedback: f32,
    mix: f32,
    tone: f32,
    sample_rate: f32,
    /// `time_ms` in samples (the target while not synced).
    free_time: f64,
    sync: Division,
}

impl DelayCore {
    fn new(sample_rate: f32) -> Self {
        DelayCore {
            target: 0.25 * f64::from(sample_rate),
            current: 0.25 * f64::from(sample_rate),
            started: false,
            glide: f64::from(one_pole_coefficient(GLIDE_SECONDS, sample_rate)),
            feedback: 0.4,
            mix: 0.5,
            tone: tone_coefficient(12000.0, sample_rate),
            sample_rate,
            free_time: 0.25 * f64::from(sample_rate),
            sync: Division::off(),
        }
    }

    /// Sets the target time (from `time_ms` or the synced division at `tempo`) for this
    /// call; the first call starts there without a glide.
    fn start_block(&mut self, io: &ProcessIo<'_>) {
        self.target = match self.sync.seconds(&io.tempo()) {
            Some(seconds) => (seconds * f64::from(self.sample_rate))
                .min(f64::from(MAX_SECONDS * self.sample_rate)),
            None => self.free_time,
        };
        if !self.started {
            self.current = self.target;
            self.started = true;
        }
    }

    fn set_param(&mut self, index: usize, value: &ParamValue) {
        let v = number(value);
        match index {
            TIME => self.free_time = f64::from(v) / 1000.0 * f64::from(self.sample_rate),
            SYNC => self.sync = Division::from_param(value),
            FEEDBACK => self.feedback = v,
            MIX => self.mix = v,
            TONE => self.tone = tone_coefficient(v, self.sample_rate),
            _ => {}
        }
    }

    /// The read time for this sample, in samples.
    #[inline]
    fn next_time(&mut self) -> f32 {
        let gap = self.target - self.current;
        // Land exactly once within a hundredth of a sample (the one-pole never would).
        self.current = if gap.abs() < 0.01 {
            self.target
        } else {
            self.current + gap * self.glide
        };
        self.current.max(1.0) as f32
    }
}

/// Pole of the feedback lowpass for a cutoff in Hz.
fn tone_coefficient(hz: f32, sample_rate: f32) -> f32 {
    (-TAU * hz / sample_rate).exp()
}

fn delay_params() -> Vec<ParamDescriptor> {
    vec![
        float(
            "time_ms",
            (1.0, 2000.0, 250.0),
            "ms",
            "Delay time (glides when changed)",
        ),
        float(
            "feedback",
            (0.0, 0.98, 0.4),
            "",
            "Level of each repeat relative to the last",
        ),
        float("mix", (0.0, 1.0, 0.5), "", "0 = dry only, 1 = echoes only"),
        float(
            "tone",
            (200.0, 20000.0, 12000.0),
            "Hz",
            "Lowpass cutoff in the feedback path",
        ),
        sync_param("off: time_ms; else the time is this beat division at the transport's tempo"),
    ]
}

struct Delay {
    core: DelayCore,
    line: DelayLine,
    lowpass: Vec<f32>,
}

impl Module for Delay {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        self.core.set_param(index, value);
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        self.line.keep(&old.line);
        keep_lanes(&mut self.lowpass, &old.lowpass);
        self.core.current = old.core.current;
        self.core.started = old.core.started;
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let frames = io.frames();
        self.core.start_block(io);
        let lanes = io.lanes();
        let input = io.input(0);
        let out = io.output(0);
        let (fb, mix, pole) = (self.core.feedback, self.core.mix, self.core.tone);
        for f in 0..frames {
            let time = self.core.next_time();
            for l in 0..lanes {
                let i = f * lanes + l;
                let x = finite(input[i]);
                let wet = self.line.read(l, time);
                let lp = &mut self.lowpass[l];
                *lp = wet + (*lp - wet) * pole;
                self.line.write(l, x + fb * *lp);
                out[i] = x + (wet - x) * mix;
            }
            self.line.advance();
        }
    }
}

/// The `Delay` module type.
pub fn delay_type() -> ModuleType {
    ModuleType {
        name: "Delay",
        doc: "Echo: time_ms up to 2 s or a beat division (glides), feedback with a tone lowpass, dry/wet mix.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![port("in", PortKind::Audio, "The signal")],
            outputs: vec![port("out", PortKind::Audio, "Dry and echoes")],
            params: delay_params(),
        },
        create: |shape, sr| {
            Box::new(Delay {
                core: DelayCore::new(sr),
                line: DelayLine::new((MAX_SECONDS * sr) as usize + 4, shape.voices),
                lowpass: vec![0.0; shape.voices],
            })
        },
    }
}

struct PingPong {
    core: DelayCore,
    left: DelayLine,
    right: DelayLine,
    lowpass: Vec<[f32; 2]>,
}

impl Module for PingPong {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        self.core.set_param(index, value);
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        self.left.keep(&old.left);
        self.right.keep(&old.right);
        keep_lanes(&mut self.lowpass, &old.lowpass);
        self.core.current = old.core.current;
        self.core.started = old.core.started;
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let frames = io.frames();
        self.core.start_block(io);
        let lanes = io.lanes();
        let (in_left, in_right) = (io.input(LEFT), io.input(RIGHT));
        let [out_left, out_right] = io.outputs::<2>();
        let (fb, mix, pole) = (self.core.feedback, self.core.mix, self.core.tone);
        for f in 0..frames {
            let time = self.core.next_time();
            for l in 0..lanes {
                let i = f * lanes + l;
                let (xl, xr) = (finite(in_left[i]), finite(in_right[i]));
                let a = self.left.read(l, time);
                let b = self.right.read(l, time);
                let [lp_a, lp_b] = &mut self.lowpass[l];
                *lp_a = a + (*lp_a - a) * pole;
                *lp_b = b + (*lp_b - b) * pole;
                self.left.write(l, 0.5 * (xl + xr) + fb * *lp_b);
                self.right.write(l, fb * *lp_a);
                out_left[i] = xl + (a - xl) * mix;
                out_right[i] = xr + (b - xr) * mix;
            }
            self.left.advance();
            self.right.advance();
        }
    }
}

/// The `PingPongDelay` module type.
pub fn ping_pong_type() -> ModuleType {
    ModuleType {
        name: "PingPongDelay",
        doc:
            "Stereo echo bouncing left, right, left...: time_ms or synced, feedback with tone, mix.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![
                port(
                    "left",
                    PortKind::Audio,
                    "Left input (summed with right into the echoes)",
                ),
                port("right", PortKind::Audio, "Right input"),
            ],
            outputs: vec![
                port("left", PortKind::Audio, "Left: dry and odd echoes"),
                port("right", PortKind::Audio, "Right: dry and even echoes"),
            ],
            params: delay_params(),
        },
        create: |shape, sr| {
            let capacity = (MAX_SECONDS * sr) as usize + 4;
            Box::new(PingPong {
                core: DelayCore::new(sr),
                left: DelayLine::new(capacity, shape.voices),
                right: DelayLine::new(capacity, shape.voices),
                lowpass: vec![[0.0; 2]; shape.voices],
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
        let params = [
            (TIME, "time_ms"),
            (FEEDBACK, "feedback"),
            (MIX, "mix"),
            (TONE, "tone"),
            (SYNC, "sync"),
        ];
        assert_params(&delay_type(), &params);
        assert_params(&ping_pong_type(), &params);
        assert_inputs(&ping_pong_type(), &[(LEFT, "left"), (RIGHT, "right")]);
    }
}
