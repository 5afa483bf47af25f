//! `Lfo`: a low-frequency oscillator with sine, triangle, saw, square and random
//! (sample-and-hold) shapes, bipolar and unipolar outputs and a reset input.
//!
//! The rate is in Hz, times `2^rate_cv`, while `sync` is `off`. With `sync` set to a beat
//! division (see [`beat_sync`](super::beat_sync)) one cycle lasts that division and the
//! phase is `beat / division + phase`, computed from the transport's absolute beat at every
//! frame (never accumulated), so a synced LFO stays locked to the beat across block sizes,
//! commits and tempo changes; `rate` and `rate_cv` are then ignored. A rising `reset` puts
//! the phase back at `phase`: unsynced it restarts the free-running cycle; synced it shifts
//! the cycle so that it starts at that frame, and it keeps the tempo from there. The random
//! shape draws a new value at every cycle start.

use super::beat_sync::{sync_param, BeatClock, Division};
use super::descriptor::{ParamValue, PortKind, ShapeUse};
use super::kit::{choice, float, number, port, variant, Edges, Rng};
use super::module::{Module, ProcessIo};
use super::registry::{Layout, ModuleType};
use super::reshape::{keep_lanes, same_type};

const SHAPES: &[&str] = &["sine", "triangle", "saw", "ramp_down", "square", "random"];

const RATE_CV: usize = 0;
const RESET: usize = 1;

const SHAPE: usize = 0;
const RATE: usize = 1;
const PHASE: usize = 2;
const SYNC: usize = 3;

struct Lfo {
    phase: Vec<f64>,
    held: Vec<f32>,
    rng: Vec<Rng>,
    reset: Edges,
    shape: usize,
    rate: f64,
    start_phase: f64,
    sample_period: f64,
    sync: Division,
    clock: BeatClock,
    /// Synced: cycles added to `beat / division` by the last reset, and the cycle number
    /// of the previous frame (a new one draws a random value).
    shift: Vec<f64>,
    cycle: Vec<f64>,
}

impl Lfo {
    fn value(&self, lane: usize) -> f32 {
        let p = self.phase[lane] as f32;
        match self.shape {
            0 => (p * std::f32::consts::TAU).sin(),
            1 => {
                // 0 at phase 0, +1 at 1/4, -1 at 3/4.
                let t = p + 0.25;
                let t = t - t.floor();
                1.0 - 4.0 * (t - 0.5).abs()
            }
            2 => 2.0 * p - 1.0,
            3 => 1.0 - 2.0 * p,
            4 => {
                if p < 0.5 {
                    1.0
                } else {
                    -1.0
                }
            }
            _ => self.held[lane],
        }
    }
}

impl Module for Lfo {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        match index {
            SHAPE => self.shape = variant(SHAPES, value),
            RATE => self.rate = f64::from(number(value)),
            PHASE => self.start_phase = f64::from(number(value)),
            SYNC => self.sync = Division::from_param(value),
            _ => {}
        }
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        keep_lanes(&mut self.phase, &old.phase);
        keep_lanes(&mut self.held, &old.held);
        keep_lanes(&mut self.rng, &old.rng);
        keep_lanes(&mut self.shift, &old.shift);
        keep_lanes(&mut self.cycle, &old.cycle);
        self.reset.keep(&old.reset);
        self.clock.clone_from(&old.clock);
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let tempo = io.tempo();
        match self.sync.beats(tempo.beats_per_bar) {
            Some(division) => {
                self.clock.follow(io.position(), &tempo);
                self.process_synced(io, division);
            }
            None => self.process_free(io),
        }
    }

    /// Waves of a phase in [0, 1), whose rate CV is clamped (a NaN CV reads as 0).
    fn outputs_always_finite(&self) -> bool {
        true
    }
}

impl Lfo {
    /// Rate in Hz times `2^rate_cv`, phase accumulated sample by sample.
    fn process_free(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes();
        let (rate_cv, reset) = (io.input(RATE_CV), io.input(RESET));
        let [out, unipolar] = io.outputs::<2>();
        let step = self.rate * self.sample_period;
        for i in 0..out.len() {
            let lane = i % lanes;
            if self.reset.rises(lane, reset[i]) {
                self.phase[lane] = self.start_phase;
            }
            let v = self.value(lane);
            out[i] = v;
            unipolar[i] = 0.5 + 0.5 * v;
            let cv = f64::from(rate_cv[i]).clamp(-20.0, 20.0);
            let cv = if cv.is_nan() { 0.0 } else { cv };
            let next = self.phase[lane] + (step * cv.exp2()).min(0.5);
            if next >= 1.0 {
                self.phase[lane] = next - 1.0;
                self.held[lane] = self.rng[lane].bipolar();
            } else {
                self.phase[lane] = next;
            }
        }
    }

    /// One cycle per `division` beats, phase from the transport's beat at every frame.
    fn process_synced(&mut self, io: &mut ProcessIo<'_>, division: f64) {
        let (lanes, position) = (io.lanes(), io.position());
        let reset = io.input(RESET);
        let [out, unipolar] = io.outputs::<2>();
        for i in 0..out.len() {
            let lane = i % lanes;
            let cycles = self.clock.beat(position + (i / lanes) as u64) / division;
            if self.reset.rises(lane, reset[i]) {
                self.shift[lane] = -cycles.fract();
            }
            let cycles = cycles + self.shift[lane] + self.start_phase;
            let cycle = cycles.floor();
            if cycle != self.cycle[lane] {
                self.cycle[lane] = cycle;
                self.held[lane] = self.rng[lane].bipolar();
            }
            self.phase[lane] = cycles - cycle;
            let v = self.value(lane);
            out[i] = v;
            unipolar[i] = 0.5 + 0.5 * v;
        }
    }
}

/// The `Lfo` module type.
pub fn lfo_type() -> ModuleType {
    ModuleType {
        name: "Lfo",
        doc: "Low-frequency oscillator: sine, triangle, saw, ramp_down, square or random (S&H) at rate Hz or synced to beat divisions.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![
                port("rate_cv", PortKind::Cv, "Rate offset in V/oct (+1 doubles the rate)"),
                port("reset", PortKind::Gate, "Rising edge restarts the cycle at phase"),
            ],
            outputs: vec![
                port("out", PortKind::Cv, "Bipolar output in [-1, 1]"),
                port("unipolar", PortKind::Cv, "Unipolar output in [0, 1]"),
            ],
            params: vec![
                choice("shape", SHAPES, "sine", "Wave shape"),
                float("rate", (0.001, 100.0, 1.0), "Hz", "Cycles per second at rate_cv = 0"),
                float("phase", (0.0, 0.99, 0.0), "cycles", "Phase at start and after reset"),
                sync_param("off: rate in Hz; else one cycle per beat division, locked to the transport"),
            ],
        },
        create: |shape, sample_rate| {
            let lanes = shape.voices;
            let mut rng: Vec<Rng> = (0..lanes).map(|l| Rng::new(0x5EED + l as u32)).collect();
            let held = rng.iter_mut().map(Rng::bipolar).collect();
            Box::new(Lfo {
                phase: vec![0.0; lanes],
                held,
                rng,
                reset: Edges::new(lanes),
                shape: 0,
                rate: 1.0,
                start_phase: 0.0,
                sample_period: 1.0 / f64::from(sample_rate),
                sync: Division::off(),
                clock: BeatClock::new(sample_rate),
                shift: vec![0.0; lanes],
                cycle: vec![0.0; lanes],
            })
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::named_indices::{assert_inputs, assert_outputs, assert_params};

    #[test]
    fn named_indices_match_the_descriptor() {
        let module = lfo_type();
        let params = [
            (SHAPE, "shape"),
            (RATE, "rate"),
            (PHASE, "phase"),
            (SYNC, "sync"),
        ];
        assert_params(&module, &params);
        assert_inputs(&module, &[(RATE_CV, "rate_cv"), (RESET, "reset")]);
        assert_outputs(&module, &[(0, "out"), (1, "unipolar")]);
    }
}
