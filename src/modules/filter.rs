//! Filters: `ResonantLowpass`.
//!
//! | Port / parameter | Kind | Range, default | Doc |
//! |---|---|---|---|
//! | `in` | input | audio | the signal |
//! | `cutoff_cv` | input | V/oct | cutoff offset: +1 doubles the cutoff |
//! | `resonance_cv` | input | -1–1 | added to `resonance`, the sum clamped to 0–1 |
//! | `out` | output | audio | the filtered signal |
//! | `cutoff` | float | 20–20000 Hz, 1000 | cutoff at `cutoff_cv` = 0 |
//! | `resonance` | float | 0–1, 0 | 0 is Butterworth (Q 0.707), 1 is Q 10 |
//!
//! A 2-pole state-variable filter in the topology-preserving (trapezoidal) form of Andrew
//! Simper, which stays stable under audio-rate modulation. The effective cutoff is clamped to
//! 20 Hz..0.45 × the sample rate. Q is `0.707 * (10 / 0.707)^resonance`, exponential in
//! `resonance` so that equal steps sound equal; Q never exceeds 10, so the filter rings but
//! does not self-oscillate.
//!
//! Every lane (`voices`) has its own state and coefficients. The CV inputs are read once per
//! segment of 16 samples, at the first sample of each segment counted from the start of the
//! stream (so the result does not depend on the block size), and coefficients are recomputed
//! only when a CV changed: modulation costs one coefficient update per lane per 16 samples,
//! not per sample, with `tan` and `exp2` as branch-free approximations within 1e-5 that
//! vectorise across lanes. The update runs in state-space form (two multiply-adds on the recurrence
//! instead of five dependent operations); a mono filter runs four samples at a time from the
//! state at each group's start (`filter_quad.rs`), since one lane alone is bound by the
//! recurrence's latency; a poly filter runs eight lanes at a time, their state held in
//! registers through each segment. At every segment start, a state below 1e-20 is set
//! to exactly 0, so that a decaying filter reaches true silence and never produces subnormal
//! numbers, on every platform alike.

use super::descriptor::{
    ParamDescriptor, ParamKind, ParamValue, PortDescriptor, PortKind, ShapeUse,
};
use super::fast_math;
use super::filter_quad::Quad;
use super::lane_vec::LaneVec;
use super::module::{Module, ProcessIo};
use super::registry::{Layout, ModuleType};
use super::reshape::{keep_lanes, same_type};
use std::f32::consts::{FRAC_1_SQRT_2, PI};

/// Index of the `cutoff` parameter.
const CUTOFF: usize = 0;
/// Index of the `resonance` parameter.
const RESONANCE: usize = 1;
/// Index of the `in` input.
const IN: usize = 0;
/// Index of the `cutoff_cv` input.
const CUTOFF_CV: usize = 1;
/// Index of the `resonance_cv` input.
const RESONANCE_CV: usize = 2;
/// Q at resonance 1.
const MAX_Q: f32 = 10.0;
/// Lowest effective cutoff in Hz.
const MIN_CUTOFF: f32 = 20.0;
/// Highest effective cutoff as a fraction of the sample rate.
const MAX_CUTOFF_RATIO: f32 = 0.45;
/// Samples per coefficient segment; segments start at multiples of it in the stream.
pub const SEGMENT: u64 = 16;
/// A state smaller than this at a segment start is set to 0 (true silence, no subnormals).
pub const SILENCE: f32 = 1e-20;

/// Per-lane state and coefficients, struct of arrays.
///
/// The trapezoidal SVF (`v3 = x - ic2; v1 = a1 ic1 + a2 v3; v2 = ic2 + a2 ic1 + a3 v3`,
/// `ic = 2v - ic`) is rewritten as `ic1' = c1 ic1 + b (x - ic2)`,
/// `ic2' = c2 ic2 + b ic1 + d x`, `y = (ic2 + ic2') / 2` with `c1 = 2 a1 - 1`, `b = 2 a2`,
/// `c2 = 1 - 2 a3`, `d = 2 a3`.
struct Lanes<F> {
    ic1: F,
    ic2: F,
    c1: F,
    c2: F,
    b: F,
    d: F,
    /// Damping (1 / Q) for each lane's resonance.
    k: F,
    /// CV values each lane's coefficients were computed for.
    cutoff_cv: F,
    resonance_cv: F,
}

/// The lanes as the filter keeps them.
type OwnedLanes = Lanes<LaneVec<f32>>;

/// The lanes as slices, taken once per call: taking a `LaneVec`'s slice costs a check every
/// time.
type LaneView<'a> = Lanes<&'a mut [f32]>;

struct Lowpass {
    cutoff: f32,
    resonance: f32,
    sample_rate: f32,
    /// Whether either CV input is connected; when neither is, CVs are not read.
    cv_connected: bool,
    /// False while every lane's damping must be recomputed (after a parameter change).
    tuned: bool,
    lanes: OwnedLanes,
    /// The four-sample form a mono filter runs in (unused with more lanes).
    quad: Quad,
}

/// The filter as one call works on it: its lanes as slices beside its parameters and its
/// four-sample form.
struct Working<'a> {
    cutoff: f32,
    resonance: f32,
    sample_rate: f32,
    cv_connected: bool,
    tuned: &'a mut bool,
    lanes: LaneView<'a>,
    quad: &'a mut Quad,
}

impl Lowpass {
    /// The filter as one call works on it.
    fn working(&mut self) -> Working<'_> {
        let l = &mut self.lanes;
        Working {
            cutoff: self.cutoff,
            resonance: self.resonance,
            sample_rate: self.sample_rate,
            cv_connected: self.cv_connected,
            tuned: &mut self.tuned,
            lanes: Lanes {
                ic1: &mut l.ic1,
                ic2: &mut l.ic2,
                c1: &mut l.c1,
                c2: &mut l.c2,
                b: &mut l.b,
                d: &mut l.d,
                k: &mut l.k,
                cutoff_cv: &mut l.cutoff_cv,
                resonance_cv: &mut l.resonance_cv,
            },
            quad: &mut self.quad,
        }
    }
}

impl Working<'_> {
    /// Recomputes lane `l`'s coefficients for these CV values.
    fn tune(&mut self, l: usize, cutoff_cv: f32, resonance_cv: f32) {
        let g = prewarp(self.cutoff, cutoff_cv, self.sample_rate);
        if resonance_cv.to_bits() != self.lanes.resonance_cv[l].to_bits() || !*self.tuned {
            let cv = if resonance_cv.is_nan() {
                0.0
            } else {
                resonance_cv
            };
            let r = (self.resonance + cv).clamp(0.0, 1.0);
            self.lanes.k[l] = (FRAC_1_SQRT_2 / MAX_Q).powf(r) / FRAC_1_SQRT_2;
        }
        let k = self.lanes.k[l];
        let a1 = 1.0 / (1.0 + g * (g + k));
        let a2 = g * a1;
        let a3 = g * a2;
        let lanes = &mut self.lanes;
        lanes.cutoff_cv[l] = cutoff_cv;
        lanes.resonance_cv[l] = resonance_cv;
        lanes.c1[l] = 2.0 * a1 - 1.0;
        lanes.b[l] = 2.0 * a2;
        lanes.c2[l] = 1.0 - 2.0 * a3;
        lanes.d[l] = 2.0 * a3;
        self.refresh_quad();
    }

    /// Derives the mono filter's four-sample coefficients from lane 0's.
    fn refresh_quad(&mut self) {
        if let ([c1], [c2], [b], [d]) = (
            &*self.lanes.c1,
            &*self.lanes.c2,
            &*self.lanes.b,
            &*self.lanes.d,
        ) {
            self.quad.tune(*c1, *c2, *b, *d);
        }
    }

    /// Recomputes every lane's coefficients for these cutoff CVs (damping unchanged).
    fn retune_cutoffs(&mut self, cutoffs: &[f32]) {
        let lanes = self.lanes.ic1.len();
        let (cutoff, rate) = (self.cutoff, self.sample_rate);
        let s = &mut self.lanes;
        let (last, k) = (&mut s.cutoff_cv[..lanes], &s.k[..lanes]);
        let (c1, b) = (&mut s.c1[..lanes], &mut s.b[..lanes]);
        let (c2, d) = (&mut s.c2[..lanes], &mut s.d[..lanes]);
        let cutoffs = &cutoffs[..lanes];
        for l in 0..lanes {
            let g = prewarp(cutoff, cutoffs[l], rate);
            let a1 = 1.0 / (1.0 + g * (g + k[l]));
            let a2 = g * a1;
            let a3 = g * a2;
            last[l] = cutoffs[l];
            c1[l] = 2.0 * a1 - 1.0;
            b[l] = 2.0 * a2;
            c2[l] = 1.0 - 2.0 * a3;
            d[l] = 2.0 * a3;
        }
        self.refresh_quad();
    }

    /// Recomputes every lane for the CVs it last saw (after a parameter change).
    fn retune_all(&mut self) {
        *self.tuned = false;
        for l in 0..self.lanes.ic1.len() {
            let (c, r) = (self.lanes.cutoff_cv[l], self.lanes.resonance_cv[l]);
            self.tune(l, c, r);
        }
        *self.tuned = true;
    }

    /// The segment start at frame `f`: reads the CVs (when connected).
    ///
    /// A moved resonance CV retunes its lane alone (a `powf`); cutoff CVs retune every lane
    /// in one branch-free pass that vectorises.
    fn segment_start(&mut self, f: usize, cutoff_cv: &[f32], resonance_cv: &[f32]) {
        let lanes = self.lanes.ic1.len();
        if self.cv_connected {
            let (cutoffs, resonances) = (
                &cutoff_cv[f * lanes..(f + 1) * lanes],
                &resonance_cv[f * lanes..(f + 1) * lanes],
            );
            // Bitwise, so that a NaN CV is computed once, not on every segment.
            if differ(resonances, self.lanes.resonance_cv) {
                for (l, &r) in resonances.iter().enumerate() {
                    if r.to_bits() != self.lanes.resonance_cv[l].to_bits() {
                        self.tune(l, cutoffs[l], r);
                    }
                }
            }
            if differ(cutoffs, self.lanes.cutoff_cv) {
                self.retune_cutoffs(cutoffs);
            }
        }
    }

    /// Filters `frames` frames (interleaved by lane) with fixed coefficients, the first at
    /// stream position `position`, snapping tiny state to 0 at every segment start first.
    fn run(&mut self, input: &[f32], out: &mut [f32], position: u64) {
        let s = &mut self.lanes;
        if let ([ic1], [ic2]) = (&mut *s.ic1, &mut *s.ic2) {
            let mut state = [*ic1, *ic2];
            self.quad
                .run::<SEGMENT>(&mut state, input, out, position, SILENCE);
            [*ic1, *ic2] = state;
            return;
        }
        // A poly call never crosses a segment start: it begins on one or inside a segment.
        if position.is_multiple_of(SEGMENT) {
            snap_to_silence(s.ic1);
            snap_to_silence(s.ic2);
        }
        let lanes = s.ic1.len();
        let grouped = lanes - lanes % GROUP;
        for first in (0..grouped).step_by(GROUP) {
            run_lanes::<GROUP>(s, first, lanes, input, out);
        }
        for l in grouped..lanes {
            run_lanes::<1>(s, l, lanes, input, out);
        }
    }
}

/// Lanes of a poly filter run together, their state held in registers through a segment.
const GROUP: usize = 8;

/// Filters lanes `first..first + W` through every frame of `input` (interleaved by `lanes`)
/// with fixed coefficients: the recurrence runs frame after frame on `W` independent lanes,
/// their state and coefficients loaded once rather than on every frame.
#[inline(always)]
fn run_lanes<const W: usize>(
    s: &mut LaneView,
    first: usize,
    lanes: usize,
    input: &[f32],
    out: &mut [f32],
) {
    let lanes_of =
        |v: &[f32], at: usize| -> [f32; W] { v[at..at + W].try_into().expect("W lanes") };
    let (mut ic1, mut ic2) = (lanes_of(s.ic1, first), lanes_of(s.ic2, first));
    let (c1, c2) = (lanes_of(s.c1, first), lanes_of(s.c2, first));
    let (b, d) = (lanes_of(s.b, first), lanes_of(s.d, first));
    // Frames stepped by index (chunking would divide by `lanes` for every group); read
    // into and written from whole arrays, so that the lane loop runs on vectors.
    let mut at = first;
    while at < input.len() {
        let x = lanes_of(input, at);
        let mut y = [0.0; W];
        for l in 0..W {
            let (z1, z2) = (ic1[l], ic2[l]);
            let n1 = c1[l] * z1 + b[l] * (x[l] - z2);
            let n2 = c2[l] * z2 + b[l] * z1 + d[l] * x[l];
            y[l] = 0.5 * (z2 + n2);
            ic1[l] = n1;
            ic2[l] = n2;
        }
        out[at..at + W].copy_from_slice(&y);
        at += lanes;
    }
    s.ic1[first..first + W].copy_from_slice(&ic1);
    s.ic2[first..first + W].copy_from_slice(&ic2);
}

/// Whether any of `values` differs bit for bit from `last`, in one pass without early exit
/// over the bits, so that it vectorises.
fn differ(values: &[f32], last: &[f32]) -> bool {
    values
        .iter()
        .zip(last)
        .fold(0, |d, (v, l)| d | (v.to_bits() ^ l.to_bits()))
        != 0
}

/// Sets every state below `SILENCE` to exactly 0, with a select rather than a branch so
/// that the loop vectorises.
fn snap_to_silence(states: &mut [f32]) {
    for s in states {
        *s = if s.abs() < SILENCE { 0.0 } else { *s };
    }
}

/// The SVF's `g = tan(pi * hz / sample_rate)` for `cutoff` Hz shifted by `cutoff_cv`
/// octaves, the effective cutoff clamped to 20 Hz..0.45 of the sample rate (a NaN CV gives
/// 20 Hz). Approximations within 1e-5 (see `fast_math`), so that it vectorises.
#[inline(always)]
fn prewarp(cutoff: f32, cutoff_cv: f32, sample_rate: f32) -> f32 {
    let hz = (cutoff * fast_math::exp2(cutoff_cv))
        .max(MIN_CUTOFF)
        .min(MAX_CUTOFF_RATIO * sample_rate);
    fast_math::tan(PI * hz / sample_rate)
}

impl Module for Lowpass {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        let Some(v) = value.as_f64() else { return };
        match index {
            CUTOFF => self.cutoff = v as f32,
            RESONANCE => self.resonance = v as f32,
            _ => return,
        }
        self.working().retune_all();
    }

    fn set_connectivity(&mut self, inputs: &[bool], _outputs: &[bool]) {
        self.cv_connected =
            inputs.get(CUTOFF_CV) != Some(&false) || inputs.get(RESONANCE_CV) != Some(&false);
        if !self.cv_connected {
            self.lanes.cutoff_cv.fill(0.0);
            self.lanes.resonance_cv.fill(0.0);
            self.working().retune_all();
        }
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        self.quad.keep_inputs(&old.quad);
        let (new, old) = (&mut self.lanes, &old.lanes);
        keep_lanes(&mut new.ic1, &old.ic1);
        keep_lanes(&mut new.ic2, &old.ic2);
        // Coefficients hold for the rest of the segment: tune them (with this instance's
        // parameters) to the CVs the old lanes read at its start.
        keep_lanes(&mut new.cutoff_cv, &old.cutoff_cv);
        keep_lanes(&mut new.resonance_cv, &old.resonance_cv);
        self.working().retune_all();
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes();
        let frames = io.frames();
        let mut position = io.position();
        let input = io.input(IN);
        let (cutoff_cv, resonance_cv) = (io.input(CUTOFF_CV), io.input(RESONANCE_CV));
        let out = io.output(0);
        if lanes == 1 && !self.cv_connected {
            // Coefficients fixed for the whole block: one call, which snaps the state at
            // every segment start itself.
            return self.working().run(input, out, position);
        }
        let mut working = self.working();
        let mut f = 0;
        while f < frames {
            if position.is_multiple_of(SEGMENT) {
                working.segment_start(f, cutoff_cv, resonance_cv);
            }
            let to_next = (SEGMENT - position % SEGMENT) as usize;
            let n = to_next.min(frames - f);
            let range = f * lanes..(f + n) * lanes;
            working.run(&input[range.clone()], &mut out[range], position);
            f += n;
            position += n as u64;
        }
    }
}

/// The `ResonantLowpass` module type.
pub fn resonant_lowpass_type() -> ModuleType {
    ModuleType {
        name: "ResonantLowpass",
        doc: "2-pole resonant lowpass (state-variable, stable under fast modulation).",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![
                PortDescriptor::new("in", "The signal"),
                PortDescriptor::new("cutoff_cv", "Cutoff offset in V/oct (+1 doubles)")
                    .kind(PortKind::Pitch),
                PortDescriptor::new("resonance_cv", "Added to resonance (sum clamped to 0..1)")
                    .kind(PortKind::Cv),
            ],
            outputs: vec![PortDescriptor::new("out", "The filtered signal")],
            params: vec![
                ParamDescriptor {
                    name: "cutoff",
                    kind: ParamKind::Float {
                        min: 20.0,
                        max: 20000.0,
                        default: 1000.0,
                        unit: "Hz",
                    },
                    doc: "Cutoff frequency at cutoff_cv = 0",
                },
                ParamDescriptor {
                    name: "resonance",
                    kind: ParamKind::Float {
                        min: 0.0,
                        max: 1.0,
                        default: 0.0,
                        unit: "",
                    },
                    doc: "0 = Butterworth (Q 0.707), 1 = Q 10",
                },
            ],
        },
        create: |shape, sample_rate| {
            let lane = |value: f32| LaneVec::new(shape.voices, value);
            let mut filter = Lowpass {
                cutoff: 1000.0,
                resonance: 0.0,
                sample_rate,
                cv_connected: true,
                tuned: false,
                lanes: Lanes {
                    ic1: lane(0.0),
                    ic2: lane(0.0),
                    c1: lane(0.0),
                    c2: lane(0.0),
                    b: lane(0.0),
                    d: lane(0.0),
                    k: lane(0.0),
                    cutoff_cv: lane(0.0),
                    resonance_cv: lane(0.0),
                },
                quad: Quad::default(),
            };
            filter.working().retune_all();
            Box::new(filter)
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::named_indices::{assert_inputs, assert_params};

    #[test]
    fn named_indices_match_the_descriptor() {
        let module = resonant_lowpass_type();
        assert_params(&module, &[(CUTOFF, "cutoff"), (RESONANCE, "resonance")]);
        let inputs = [
            (IN, "in"),
            (CUTOFF_CV, "cutoff_cv"),
            (RESONANCE_CV, "resonance_cv"),
        ];
        assert_inputs(&module, &inputs);
    }
}
