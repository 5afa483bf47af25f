//! Oscillators: `SineOscillator`, `SawtoothOscillator`, `SquareOscillator`.
//!
//! `SineOscillator`
//!
//! | Port / parameter | Kind | Range, default | Doc |
//! |---|---|---|---|
//! | `voct` | input | V/oct | pitch offset: +1 doubles the frequency |
//! | `out` | output | [-1, 1] | the sine |
//! | `frequency` | float | 0.01–20000 Hz, 440 | frequency at `voct` = 0 |
//!
//! `SawtoothOscillator`: rising saw, band-limited by mipmapped wavetables.
//!
//! | Port / parameter | Kind | Range, default | Doc |
//! |---|---|---|---|
//! | `voct` | input | V/oct | pitch offset, added to `base_voct` |
//! | `out` | output | [-1, 1] | the saw |
//! | `base_voct` | float | -4–8 V/oct, 0 | pitch at `voct` = 0 (0 = C2 = 65.406 Hz) |
//!
//! `SquareOscillator`: pulse wave, band-limited by mipmapped wavetables (two saws).
//!
//! | Port / parameter | Kind | Range, default | Doc |
//! |---|---|---|---|
//! | `voct` | input | V/oct | pitch offset, added to `base_voct` |
//! | `pulse_width` | input | -1–1 | duty `0.5 + 0.5 * pulse_width`, clamped to 0.02–0.98 |
//! | `out` | output | [-1, 1] | +1 for the first part of the cycle, then -1 |
//! | `base_voct` | float | -4–8 V/oct, 0 | pitch at `voct` = 0 (0 = C2 = 65.406 Hz) |
//!
//! Saw and square run at `65.406 * 2^(base_voct + voct)` Hz, at most half the sample rate.
//!
//! Every oscillator runs any number of lanes (`voices`), each with its own phase and pitch;
//! parameters are shared. Saw and square keep their phase as a 32-bit fixed-point fraction
//! of a cycle (exact wrap, 0.00001 Hz resolution at 48 kHz) and recompute a lane's increment
//! only when its `voct` changes; a block whose pitches all hold runs one branch-free loop
//! across the lanes. The samples come from the library's band-limited kernel
//! ([`super::bandlimited::Kernel`]): every alias within 20 Hz..20 kHz stays below -100 dB
//! at 2093 Hz, 48 kHz.

use super::bandlimited::{read_fixed, Kernel, Table};
use super::descriptor::{
    ParamDescriptor, ParamKind, ParamValue, PortDescriptor, PortKind, Shape, ShapeUse,
};
use super::lane_vec::LaneVec;
use super::module::{Module, ProcessIo};
use super::notes::voct_to_hz;
use super::registry::{Layout, ModuleType};
use super::reshape::{keep_lanes, same_type};

/// Index of `SineOscillator`'s `frequency` parameter.
const FREQUENCY: usize = 0;
/// Index of the `base_voct` parameter (`SawtoothOscillator`, `SquareOscillator`).
const BASE_VOCT: usize = 0;
/// Index of the `voct` input (all three oscillators).
const VOCT: usize = 0;
/// Index of `SquareOscillator`'s `pulse_width` input.
const PULSE_WIDTH: usize = 1;
/// Shortest duty cycle of the square (and, mirrored, the longest).
const MIN_DUTY: f32 = 0.02;
/// One cycle of a fixed-point phase.
const CYCLE: f64 = 4_294_967_296.0;
/// A fixed-point increment as a fraction of a cycle, with 24 bits kept.
const PHASE_TO_UNIT: f32 = 1.0 / 16_777_216.0;

/// One value per lane, all `value`.
fn per_lane<T: Clone>(shape: Shape, value: T) -> LaneVec<T> {
    LaneVec::new(shape.voices, value)
}

struct Sine {
    phase: LaneVec<f64>,
    frequency: f64,
    sample_period: f64,
}

impl Module for Sine {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        if let (FREQUENCY, Some(f)) = (index, value.as_f64()) {
            self.frequency = f;
        }
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        keep_lanes(&mut self.phase, &old.phase);
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes();
        let voct = io.input(VOCT);
        let out = io.output(0);
        let step = self.frequency * self.sample_period;
        for (frame, pitches) in out.chunks_exact_mut(lanes).zip(voct.chunks_exact(lanes)) {
            for ((o, &v), phase) in frame.iter_mut().zip(pitches).zip(self.phase.iter_mut()) {
                *o = (*phase * std::f64::consts::TAU).sin() as f32;
                let inc = if v == 0.0 {
                    step
                } else {
                    step * (v as f64).exp2()
                };
                *phase = (*phase + inc).fract();
            }
        }
    }
}

/// The `SineOscillator` module type.
pub fn sine_type() -> ModuleType {
    ModuleType {
        name: "SineOscillator",
        doc: "Sine wave at `frequency`, shifted by `voct`; the phase runs on across commits.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![
                PortDescriptor::new("voct", "Pitch offset in V/oct (+1 = one octave up)")
                    .kind(PortKind::Pitch),
            ],
            outputs: vec![PortDescriptor::new("out", "The sine, in [-1, 1]")],
            params: vec![ParamDescriptor {
                name: "frequency",
                kind: ParamKind::Float {
                    min: 0.01,
                    max: 20000.0,
                    default: 440.0,
                    unit: "Hz",
                },
                doc: "Frequency at voct = 0",
            }],
        },
        create: |shape, sample_rate| {
            Box::new(Sine {
                phase: per_lane(shape, 0.0),
                frequency: 440.0,
                sample_period: 1.0 / sample_rate as f64,
            })
        },
    }
}

/// The per-lane pitch and phase of a saw or square (struct of arrays, one entry per lane).
struct Phases {
    kernel: Kernel,
    base_voct: f32,
    sample_period: f64,
    /// Phase as a fixed-point fraction of a cycle.
    phase: LaneVec<u32>,
    /// The `voct` each lane's increment was computed for.
    last_voct: LaneVec<f32>,
    /// Set when every increment must be recomputed (after a parameter change).
    stale: bool,
    /// Phase increment per sample, fixed point, at most half a cycle.
    increment: LaneVec<u32>,
    /// The saw table for the lane's increment (looked up when the increment changes).
    table: LaneVec<&'static Table>,
}

impl Phases {
    fn new(shape: Shape, sample_rate: f32) -> Self {
        let kernel = Kernel::new(sample_rate);
        Phases {
            kernel,
            base_voct: 0.0,
            sample_period: 1.0 / f64::from(sample_rate),
            phase: per_lane(shape, 0),
            last_voct: per_lane(shape, 0.0),
            stale: true,
            increment: per_lane(shape, 0),
            table: per_lane(shape, kernel.saw_table(0.0)),
        }
    }

    fn set_base(&mut self, value: &ParamValue) {
        if let Some(v) = value.as_f64() {
            self.base_voct = v as f32;
            self.stale = true;
        }
    }

    /// Brings lane `l`'s increment up to date for `voct` (compared bit for bit, so that a
    /// NaN pitch is computed once, to a stopped lane).
    #[inline]
    fn track(&mut self, l: usize, voct: f32) {
        if self.stale || voct.to_bits() != self.last_voct[l].to_bits() {
            self.retune(l, voct);
        }
    }

    /// Recomputes stale increments at the start of a block that is not steady.
    fn refresh(&mut self, first_frame: &[f32]) {
        if self.stale {
            for (l, &v) in first_frame.iter().enumerate() {
                self.retune(l, v);
            }
            self.stale = false;
        }
    }

    #[cold]
    fn retune(&mut self, l: usize, voct: f32) {
        self.last_voct[l] = voct;
        let inc = f64::from(voct_to_hz(self.base_voct + voct)) * self.sample_period;
        let inc = if inc.is_nan() { 0.0 } else { inc.min(0.5) };
        let fixed = (inc * CYCLE) as u32;
        self.increment[l] = fixed;
        self.table[l] = self.kernel.saw_table((fixed >> 8) as f32 * PHASE_TO_UNIT);
    }

    /// Whether every lane's pitch holds through the block (`voct` interleaved by lane):
    /// one pass without early exit over the bits, so that it vectorises.
    fn steady(&self, voct: &[f32]) -> bool {
        let lanes = self.last_voct.len();
        let last = &self.last_voct[..lanes];
        if let [last] = last {
            // One lane: the whole block against one value, in a loop that vectorises.
            let last = last.to_bits();
            return !self.stale && voct.iter().fold(0, |d, v| d | (v.to_bits() ^ last)) == 0;
        }
        let mut differ = 0u32;
        for frame in voct.chunks_exact(lanes) {
            let frame = &frame[..lanes];
            for l in 0..lanes {
                differ |= frame[l].to_bits() ^ last[l].to_bits();
            }
        }
        !self.stale && differ == 0
    }
}

fn base_voct_param() -> ParamDescriptor {
    ParamDescriptor {
        name: "base_voct",
        kind: ParamKind::Float {
            min: -4.0,
            max: 8.0,
            default: 0.0,
            unit: "V/oct",
        },
        doc: "Pitch at voct = 0 (0 = C2 = 65.406 Hz)",
    }
}

fn voct_input() -> PortDescriptor {
    PortDescriptor::new("voct", "Pitch offset in V/oct, added to base_voct").kind(PortKind::Pitch)
}

struct Saw {
    phases: Phases,
}

impl Saw {
    /// The block when no lane's pitch moves: a mono saw `GROUP` consecutive samples at a
    /// time, a poly saw in tiles of frames, `GROUP` lanes at a time.
    fn steady(&mut self, out: &mut [f32]) {
        let p = &mut self.phases;
        if let ([phase], [inc], [table]) = (&mut *p.phase, &*p.increment, &*p.table) {
            // `GROUP` consecutive samples at once, their phases `ph + k * inc` (the same
            // wrapping sums as one step at a time), so that the arithmetic runs on vectors.
            let (inc, table) = (*inc, *table);
            let mut phases: [u32; GROUP] =
                std::array::from_fn(|k| phase.wrapping_add(inc.wrapping_mul(k as u32)));
            let step = inc.wrapping_mul(GROUP as u32);
            let mut groups = out.chunks_exact_mut(GROUP);
            for group in &mut groups {
                let mut values = [0.0; GROUP];
                for k in 0..GROUP {
                    values[k] = read_fixed(table, phases[k]);
                    phases[k] = phases[k].wrapping_add(step);
                }
                group.copy_from_slice(&values);
            }
            let mut ph = phases[0];
            for o in groups.into_remainder() {
                *o = read_fixed(table, ph);
                ph = ph.wrapping_add(inc);
            }
            *phase = ph;
            return;
        }
        // Tiles of frames, groups of lanes within a tile: a group's phases, increments and
        // tables stay in registers through the tile, its phase and interpolation arithmetic
        // runs on all its lanes at once, and the tile's output stays in the L1 cache while
        // the groups fill it in.
        let lanes = p.phase.len();
        let grouped = lanes - lanes % GROUP;
        for tile in out.chunks_mut(TILE_FRAMES * lanes) {
            for first in (0..grouped).step_by(GROUP) {
                steady_lanes::<GROUP>(p, first, lanes, tile);
            }
            for l in grouped..lanes {
                steady_lanes::<1>(p, l, lanes, tile);
            }
        }
    }
}

/// Lanes a poly saw computes together, or consecutive samples of a mono saw.
const GROUP: usize = 8;

/// Fills lanes `first..first + W` of `tile` (frames interleaved by `lanes`) from their
/// phases, advancing them.
#[inline(always)]
fn steady_lanes<const W: usize>(p: &mut Phases, first: usize, lanes: usize, tile: &mut [f32]) {
    let group = first..first + W;
    let mut phase: [u32; W] = p.phase[group.clone()].try_into().expect("W lanes");
    let increment: [u32; W] = p.increment[group.clone()].try_into().expect("W lanes");
    let table: [&Table; W] = p.table[group].try_into().expect("W lanes");
    // Samples of a frame are `lanes` apart: stepped by index, since chunking the tile
    // would divide its length by `lanes` for every group.
    let mut at = first;
    while at + W <= tile.len() {
        let frame: &mut [f32; W] = (&mut tile[at..at + W]).try_into().expect("W lanes");
        for l in 0..W {
            frame[l] = read_fixed(table[l], phase[l]);
            phase[l] = phase[l].wrapping_add(increment[l]);
        }
        at += lanes;
    }
    p.phase[first..first + W].copy_from_slice(&phase);
}

/// Frames per tile of a poly saw whose pitches hold.
const TILE_FRAMES: usize = 16;

impl Module for Saw {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        if index == BASE_VOCT {
            self.phases.set_base(value);
        }
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        keep_lanes(&mut self.phases.phase, &old.phases.phase);
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes();
        let voct = io.input(VOCT);
        let out = io.output(0);
        if self.phases.steady(voct) {
            return self.steady(out);
        }
        let p = &mut self.phases;
        p.refresh(&voct[..lanes]);
        for (frame, pitches) in out.chunks_exact_mut(lanes).zip(voct.chunks_exact(lanes)) {
            for (l, (o, &v)) in frame.iter_mut().zip(pitches).enumerate() {
                p.track(l, v);
                *o = read_fixed(p.table[l], p.phase[l]);
                p.phase[l] = p.phase[l].wrapping_add(p.increment[l]);
            }
        }
    }

    /// Every sample is a read of a band-limited table (a NaN pitch stops the lane).
    fn outputs_always_finite(&self) -> bool {
        true
    }
}

/// The `SawtoothOscillator` module type.
pub fn sawtooth_type() -> ModuleType {
    ModuleType {
        name: "SawtoothOscillator",
        doc: "Band-limited rising saw at 65.406 * 2^(base_voct + voct) Hz.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![voct_input()],
            outputs: vec![PortDescriptor::new("out", "The saw, in [-1, 1]")],
            params: vec![base_voct_param()],
        },
        create: |shape, sample_rate| {
            Box::new(Saw {
                phases: Phases::new(shape, sample_rate),
            })
        },
    }
}

struct Square {
    phases: Phases,
}

impl Module for Square {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        if index == BASE_VOCT {
            self.phases.set_base(value);
        }
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        keep_lanes(&mut self.phases.phase, &old.phases.phase);
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes();
        let voct = io.input(VOCT);
        let width = io.input(PULSE_WIDTH);
        let out = io.output(0);
        let p = &mut self.phases;
        if p.steady(voct) {
            for (frame, widths) in out.chunks_exact_mut(lanes).zip(width.chunks_exact(lanes)) {
                for (((o, &w), ph), (&inc, &table)) in frame
                    .iter_mut()
                    .zip(widths)
                    .zip(p.phase.iter_mut())
                    .zip(p.increment.iter().zip(p.table.iter()))
                {
                    *o = pulse_sample(table, *ph, w);
                    *ph = ph.wrapping_add(inc);
                }
            }
            return;
        }
        p.refresh(&voct[..lanes]);
        let frames = out
            .chunks_exact_mut(lanes)
            .zip(voct.chunks_exact(lanes))
            .zip(width.chunks_exact(lanes));
        for ((frame, pitches), widths) in frames {
            for (l, ((o, &v), &w)) in frame.iter_mut().zip(pitches).zip(widths).enumerate() {
                p.track(l, v);
                *o = pulse_sample(p.table[l], p.phase[l], w);
                p.phase[l] = p.phase[l].wrapping_add(p.increment[l]);
            }
        }
    }

    /// Every sample is two band-limited table reads and a clamped duty (a NaN width reads as the
    /// shortest duty, a NaN pitch stops the lane).
    fn outputs_always_finite(&self) -> bool {
        true
    }
}

/// One pulse sample at `phase` for `pulse_width` `width`: the difference of two reads of
/// the lane's saw table half a duty apart (`saw(p - d) - saw(p) + 2d - 1`).
#[inline(always)]
fn pulse_sample(table: &Table, phase: u32, width: f32) -> f32 {
    // A NaN width gives the shortest duty, so that the output stays finite.
    let duty = (0.5 + 0.5 * width).clamp(MIN_DUTY, 1.0 - MIN_DUTY);
    let duty = if duty.is_nan() { MIN_DUTY } else { duty };
    // Through i32 (duty < 1 fits in 24 bits): one instruction on every target.
    let shift = (((duty * 16_777_216.0) as i32) as u32) << 8;
    read_fixed(table, phase.wrapping_sub(shift)) - read_fixed(table, phase) + 2.0 * duty - 1.0
}

/// The `SquareOscillator` module type.
pub fn square_type() -> ModuleType {
    ModuleType {
        name: "SquareOscillator",
        doc: "Band-limited pulse wave at 65.406 * 2^(base_voct + voct) Hz with variable width.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![
                voct_input(),
                PortDescriptor::new(
                    "pulse_width",
                    "Duty cycle 0.5 + 0.5 * pulse_width, clamped to 0.02..0.98",
                )
                .kind(PortKind::Cv),
            ],
            outputs: vec![PortDescriptor::new("out", "The pulse wave, in [-1, 1]")],
            params: vec![base_voct_param()],
        },
        create: |shape, sample_rate| {
            Box::new(Square {
                phases: Phases::new(shape, sample_rate),
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
        assert_params(&sine_type(), &[(FREQUENCY, "frequency")]);
        assert_inputs(&sine_type(), &[(VOCT, "voct")]);
        assert_params(&sawtooth_type(), &[(BASE_VOCT, "base_voct")]);
        assert_inputs(&sawtooth_type(), &[(VOCT, "voct")]);
        assert_params(&square_type(), &[(BASE_VOCT, "base_voct")]);
        assert_inputs(
            &square_type(),
            &[(VOCT, "voct"), (PULSE_WIDTH, "pulse_width")],
        );
    }
}
