//! Drums in the manner of the Roland TR-808 circuits: `Kick`, `Tom`, `Snare`, `HiHat`,
//! `Clap`, `Rimshot` and `Cowbell`.
//!
//! Every drum has a `trigger` input (a rising edge strikes), an `accent` input sampled at the
//! strike (level `0.7 + 0.3 * accent`, so an unpatched accent plays at 0.7 and a full accent
//! at 1), an `out`, a tuning and a `decay` (the time to fall by 60 dB). The models follow
//! the 808 service notes' block diagrams:
//! - `Kick`/`Tom`: a sine whose pitch falls exponentially from `tune * 2^sweep` to `tune`
//!   (the 808's bridged-T with a pitch envelope), plus a short noise click.
//! - `Snare`: two sines (`tune` and `1.6 * tune`, the two bridged-T resonators) plus
//!   highpassed noise with its own envelope, balanced by `snappy`.
//! - `HiHat`: six square waves at the 808's inharmonic ratios (205, 304, 370, 523, 540,
//!   800 Hz scaled to `tune`), band-limited by the oscillator kernel, through a bandpass at
//!   10 kHz and a highpass at 7 kHz; a rising `choke` cuts the sound in 5 ms (closed/open
//!   pairs by decay).
//! - `Clap`: bandpassed noise in four bursts 10 ms apart, then a tail.
//! - `Rimshot`: two sines (`tune`, `0.27 * tune`) shaped by tanh, very short.
//! - `Cowbell`: two band-limited squares a ratio 1.48 apart (540 and 800 Hz at the default
//!   tune) through a bandpass at 2.6 kHz, a fast first decay into a longer tail.

use super::bandlimited::{advance, Kernel};
use super::descriptor::{ParamDescriptor, ParamValue, PortKind, ShapeUse};
use super::kit::{float, number, port, t60_coefficient, Edges, Rng};
use super::module::{Module, ProcessIo};
use super::registry::{Layout, ModuleType};
use super::reshape::{keep_lanes, same_type};
use super::svf::{svf_coefficients, SvfState};
use std::f32::consts::TAU;

const TRIGGER: usize = 0;
const ACCENT: usize = 1;
const CHOKE: usize = 2;

/// Parameter indices: every drum's parameters start with `tune` and `decay`.
const TUNE: usize = 0;
const DECAY: usize = 1;
/// The pitched drums' (Kick, Tom) parameters after those.
const SWEEP: usize = 2;
const SWEEP_TIME: usize = 3;
const CLICK: usize = 4;
/// The snare's parameter after those.
const SNAPPY: usize = 2;

/// Level of an unaccented strike; a full accent adds the rest up to 1.
const BASE_LEVEL: f32 = 0.7;

/// Envelopes below this are treated as silent (and flushed to 0, avoiding denormals).
const SILENT: f32 = 1e-6;

/// The level of a strike for an `accent` input value.
fn strike_level(accent: f32) -> f32 {
    let a = accent.clamp(0.0, 1.0);
    BASE_LEVEL + (1.0 - BASE_LEVEL) * if a.is_nan() { 0.0 } else { a }
}

/// Multiplies an envelope by `coefficient`, flushing tiny values to 0.
#[inline]
fn decay(level: &mut f32, coefficient: f32) {
    *level *= coefficient;
    if *level < SILENT {
        *level = 0.0;
    }
}

fn drum_inputs(choke: bool) -> Vec<super::descriptor::PortDescriptor> {
    let mut inputs = vec![
        port("trigger", PortKind::Gate, "Rising edge strikes"),
        port(
            "accent",
            PortKind::Cv,
            "0..1 at the strike: level 0.7 + 0.3 * accent",
        ),
    ];
    if choke {
        inputs.push(port(
            "choke",
            PortKind::Gate,
            "Rising edge cuts the sound in 5 ms",
        ));
    }
    inputs
}

fn drum_output() -> Vec<super::descriptor::PortDescriptor> {
    vec![port("out", PortKind::Audio, "The drum")]
}

fn tune(range: (f64, f64, f64), doc: &'static str) -> ParamDescriptor {
    float("tune", range, "Hz", doc)
}

fn decay_param(range: (f64, f64, f64)) -> ParamDescriptor {
    float("decay", range, "s", "Time for the sound to fall by 60 dB")
}

// ---------------------------------------------------------------------------------------
// Kick and Tom.

/// Default parameters of a pitched drum: tune, decay, sweep (octaves), sweep time, click.
type PitchedDefaults = [f32; 5];

const KICK: PitchedDefaults = [50.0, 0.6, 2.5, 0.03, 0.3];
const TOM: PitchedDefaults = [120.0, 0.5, 0.6, 0.05, 0.1];

struct PitchedDrum {
    trigger: Edges,
    rng: Vec<Rng>,
    phase: Vec<f32>,
    amp: Vec<f32>,
    pitch: Vec<f32>,
    click: Vec<f32>,
    level: Vec<f32>,
    tune: f32,
    decay: f32,
    sweep: f32,
    sweep_coefficient: f32,
    click_level: f32,
    click_coefficient: f32,
    sample_rate: f32,
}

impl PitchedDrum {
    fn new(lanes: usize, sample_rate: f32, defaults: PitchedDefaults) -> Self {
        let mut drum = PitchedDrum {
            trigger: Edges::new(lanes),
            rng: (0..lanes).map(|l| Rng::new(0xD4 + l as u32)).collect(),
            phase: vec![0.0; lanes],
            amp: vec![0.0; lanes],
            pitch: vec![0.0; lanes],
            click: vec![0.0; lanes],
            level: vec![0.0; lanes],
            tune: 0.0,
            decay: 0.0,
            sweep: 0.0,
            sweep_coefficient: 0.0,
            click_level: 0.0,
            // The click falls by 60 dB in 3 ms.
            click_coefficient: t60_coefficient(0.003, sample_rate),
            sample_rate,
        };
        for (index, value) in defaults.iter().enumerate() {
            drum.set_param(index, &ParamValue::Float(f64::from(*value)));
        }
        drum
    }
}

impl Module for PitchedDrum {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        let v = number(value);
        match index {
            TUNE => self.tune = v,
            DECAY => self.decay = t60_coefficient(v, self.sample_rate),
            SWEEP => self.sweep = v,
            // The sweep time is a time constant: the pitch excess falls by 1/e in it.
            SWEEP_TIME => self.sweep_coefficient = (-1.0 / (v * self.sample_rate)).exp(),
            CLICK => self.click_level = v,
            _ => {}
        }
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        self.trigger.keep(&old.trigger);
        keep_lanes(&mut self.rng, &old.rng);
        keep_lanes(&mut self.phase, &old.phase);
        keep_lanes(&mut self.amp, &old.amp);
        keep_lanes(&mut self.pitch, &old.pitch);
        keep_lanes(&mut self.click, &old.click);
        keep_lanes(&mut self.level, &old.level);
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes();
        let (trigger, accent) = (io.input(TRIGGER), io.input(ACCENT));
        let out = io.output(0);
        let step = self.tune / self.sample_rate;
        for i in 0..out.len() {
            let l = i % lanes;
            if self.trigger.rises(l, trigger[i]) {
                self.phase[l] = 0.0;
                self.amp[l] = 1.0;
                self.pitch[l] = 1.0;
                self.click[l] = 1.0;
                self.level[l] = strike_level(accent[i]);
            }
            let body = self.amp[l] * (self.phase[l] * TAU).sin();
            let click = self.click_level * self.click[l] * self.rng[l].bipolar();
            out[i] = self.level[l] * (body + click);
            let dt = (step * (self.sweep * self.pitch[l]).exp2()).min(0.5);
            self.phase[l] = advance(self.phase[l], dt);
            decay(&mut self.amp[l], self.decay);
            decay(&mut self.pitch[l], self.sweep_coefficient);
            decay(&mut self.click[l], self.click_coefficient);
        }
    }
}

fn pitched_params(d: PitchedDefaults, tune_range: (f64, f64)) -> Vec<ParamDescriptor> {
    let f = |x: f32| f64::from(x);
    vec![
        tune(
            (tune_range.0, tune_range.1, f(d[0])),
            "Pitch at the end of the sweep",
        ),
        decay_param((0.02, 4.0, f(d[1]))),
        float(
            "sweep",
            (0.0, 6.0, f(d[2])),
            "oct",
            "Pitch at the strike above tune",
        ),
        float(
            "sweep_time",
            (0.002, 0.5, f(d[3])),
            "s",
            "Time constant of the pitch fall",
        ),
        float(
            "click",
            (0.0, 1.0, f(d[4])),
            "",
            "Level of the noise click at the strike",
        ),
    ]
}

/// The `Kick` module type.
pub fn kick_type() -> ModuleType {
    ModuleType {
        name: "Kick",
        doc: "Bass drum: a sine swept down in pitch, with a click (808 style).",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: drum_inputs(false),
            outputs: drum_output(),
            params: pitched_params(KICK, (20.0, 200.0)),
        },
        create: |shape, sr| Box::new(PitchedDrum::new(shape.voices, sr, KICK)),
    }
}

/// The `Tom` module type.
pub fn tom_type() -> ModuleType {
    ModuleType {
        name: "Tom",
        doc: "Tom: a sine with a short pitch fall (808 style).",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: drum_inputs(false),
            outputs: drum_output(),
            params: pitched_params(TOM, (40.0, 600.0)),
        },
        create: |shape, sr| Box::new(PitchedDrum::new(shape.voices, sr, TOM)),
    }
}

// ---------------------------------------------------------------------------------------
// Snare.

struct Snare {
    trigger: Edges,
    rng: Vec<Rng>,
    phase: Vec<[f32; 2]>,
    tone: Vec<f32>,
    noise: Vec<f32>,
    level: Vec<f32>,
    filter: Vec<SvfState>,
    tune: f32,
    tone_decay: f32,
    noise_decay: f32,
    snappy: f32,
    hp: (f32, f32),
    sample_rate: f32,
}

impl Module for Snare {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        let v = number(value);
        match index {
            TUNE => self.tune = v,
            DECAY => {
                self.noise_decay = t60_coefficient(v, self.sample_rate);
                self.tone_decay = t60_coefficient(0.5 * v, self.sample_rate);
            }
            SNAPPY => self.snappy = v,
            _ => {}
        }
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        self.trigger.keep(&old.trigger);
        keep_lanes(&mut self.rng, &old.rng);
        keep_lanes(&mut self.phase, &old.phase);
        keep_lanes(&mut self.tone, &old.tone);
        keep_lanes(&mut self.noise, &old.noise);
        keep_lanes(&mut self.level, &old.level);
        keep_lanes(&mut self.filter, &old.filter);
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes();
        let (trigger, accent) = (io.input(TRIGGER), io.input(ACCENT));
        let out = io.output(0);
        let steps = [
            self.tune / self.sample_rate,
            1.6 * self.tune / self.sample_rate,
        ];
        let (g, k) = self.hp;
        for i in 0..out.len() {
            let l = i % lanes;
            if self.trigger.rises(l, trigger[i]) {
                self.phase[l] = [0.0; 2];
                self.tone[l] = 1.0;
                self.noise[l] = 1.0;
                self.level[l] = strike_level(accent[i]);
            }
            let [p0, p1] = self.phase[l];
            let tone = 0.6 * (p0 * TAU).sin() + 0.4 * (p1 * TAU).sin();
            let (_, _, hiss) = self.filter[l].tick(self.rng[l].bipolar(), g, k);
            let body = (1.0 - 0.5 * self.snappy) * self.tone[l] * tone;
            out[i] = self.level[l] * (body + self.snappy * self.noise[l] * hiss);
            self.phase[l] = [advance(p0, steps[0]), advance(p1, steps[1])];
            decay(&mut self.tone[l], self.tone_decay);
            decay(&mut self.noise[l], self.noise_decay);
        }
    }
}

/// The `Snare` module type.
pub fn snare_type() -> ModuleType {
    ModuleType {
        name: "Snare",
        doc: "Snare drum: two tuned sines plus highpassed noise (808 style).",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: drum_inputs(false),
            outputs: drum_output(),
            params: vec![
                tune(
                    (80.0, 500.0, 180.0),
                    "Lower drum-head tone (the upper is 1.6x)",
                ),
                decay_param((0.03, 2.0, 0.25)),
                float(
                    "snappy",
                    (0.0, 1.0, 0.6),
                    "",
                    "Level of the noise (the snares)",
                ),
            ],
        },
        create: |shape, sr| {
            let n = shape.voices;
            let mut snare = Snare {
                trigger: Edges::new(n),
                rng: (0..n).map(|l| Rng::new(0x5A + l as u32)).collect(),
                phase: vec![[0.0; 2]; n],
                tone: vec![0.0; n],
                noise: vec![0.0; n],
                level: vec![0.0; n],
                filter: vec![SvfState::default(); n],
                tune: 180.0,
                tone_decay: 0.0,
                noise_decay: 0.0,
                snappy: 0.6,
                hp: svf_coefficients(1500.0, 0.1, sr),
                sample_rate: sr,
            };
            snare.set_param(1, &ParamValue::Float(0.25));
            Box::new(snare)
        },
    }
}

// ---------------------------------------------------------------------------------------
// HiHat.

/// The 808's six hi-hat square-wave frequencies relative to the lowest (205.3 Hz).
const METAL_RATIOS: [f32; 6] = [1.0, 1.4828, 1.8003, 2.5461, 2.6303, 3.8968];

struct HiHat {
    kernel: Kernel,
    trigger: Edges,
    choke: Edges,
    phase: Vec<[f32; 6]>,
    amp: Vec<f32>,
    choked: Vec<bool>,
    level: Vec<f32>,
    bandpass: Vec<SvfState>,
    highpass: Vec<SvfState>,
    tune: f32,
    decay: f32,
    choke_decay: f32,
    bp: (f32, f32),
    hp: (f32, f32),
    sample_rate: f32,
}

impl Module for HiHat {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        let v = number(value);
        match index {
            TUNE => self.tune = v,
            DECAY => self.decay = t60_coefficient(v, self.sample_rate),
            _ => {}
        }
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        self.trigger.keep(&old.trigger);
        self.choke.keep(&old.choke);
        keep_lanes(&mut self.phase, &old.phase);
        keep_lanes(&mut self.amp, &old.amp);
        keep_lanes(&mut self.choked, &old.choked);
        keep_lanes(&mut self.level, &old.level);
        keep_lanes(&mut self.bandpass, &old.bandpass);
        keep_lanes(&mut self.highpass, &old.highpass);
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes();
        let (trigger, accent, choke) = (io.input(TRIGGER), io.input(ACCENT), io.input(CHOKE));
        let out = io.output(0);
        let base = self.tune / self.sample_rate;
        let steps = METAL_RATIOS.map(|r| (r * base).min(0.5));
        for i in 0..out.len() {
            let l = i % lanes;
            if self.trigger.rises(l, trigger[i]) {
                self.amp[l] = 1.0;
                self.choked[l] = false;
                self.level[l] = strike_level(accent[i]);
            }
            if self.choke.rises(l, choke[i]) {
                self.choked[l] = true;
            }
            let mut metal = 0.0;
            if self.amp[l] > 0.0 {
                for (p, &dt) in self.phase[l].iter_mut().zip(&steps) {
                    metal += self.kernel.pulse(*p, dt, 0.5);
                    *p = advance(*p, dt);
                }
            }
            let (_, band, _) = self.bandpass[l].tick(metal / 6.0, self.bp.0, self.bp.1);
            let (_, _, bright) = self.highpass[l].tick(band, self.hp.0, self.hp.1);
            out[i] = 2.0 * self.level[l] * self.amp[l] * bright;
            let c = if self.choked[l] {
                self.choke_decay
            } else {
                self.decay
            };
            decay(&mut self.amp[l], c);
        }
    }
}

/// The `HiHat` module type.
pub fn hihat_type() -> ModuleType {
    ModuleType {
        name: "HiHat",
        doc: "Hi-hat: six inharmonic squares, bandpassed high (808 style); short decay closed, long open, choke input.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: drum_inputs(true),
            outputs: drum_output(),
            params: vec![
                tune((100.0, 800.0, 205.0), "Lowest of the six square waves"),
                decay_param((0.01, 3.0, 0.08)),
            ],
        },
        create: |shape, sr| {
            let n = shape.voices;
            Box::new(HiHat {
                kernel: Kernel::new(sr),
                trigger: Edges::new(n),
                choke: Edges::new(n),
                phase: vec![[0.0; 6]; n],
                amp: vec![0.0; n],
                choked: vec![false; n],
                level: vec![0.0; n],
                bandpass: vec![SvfState::default(); n],
                highpass: vec![SvfState::default(); n],
                tune: 205.0,
                decay: t60_coefficient(0.08, sr),
                choke_decay: t60_coefficient(0.005, sr),
                bp: svf_coefficients(10000.0, 0.2, sr),
                hp: svf_coefficients(7000.0, 0.1, sr),
                sample_rate: sr,
            })
        },
    }
}

// ---------------------------------------------------------------------------------------
// Clap.

/// Bursts of a clap and the gap between them.
const BURSTS: u32 = 4;
const BURST_GAP_S: f32 = 0.010;

struct Clap {
    trigger: Edges,
    rng: Vec<Rng>,
    /// Samples since the strike (saturating).
    elapsed: Vec<u32>,
    burst: Vec<f32>,
    tail: Vec<f32>,
    level: Vec<f32>,
    filter: Vec<SvfState>,
    tune: f32,
    decay: f32,
    burst_decay: f32,
    gap: u32,
    sample_rate: f32,
}

impl Module for Clap {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        let v = number(value);
        match index {
            TUNE => self.tune = v,
            DECAY => self.decay = t60_coefficient(v, self.sample_rate),
            _ => {}
        }
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        self.trigger.keep(&old.trigger);
        keep_lanes(&mut self.rng, &old.rng);
        keep_lanes(&mut self.elapsed, &old.elapsed);
        keep_lanes(&mut self.burst, &old.burst);
        keep_lanes(&mut self.tail, &old.tail);
        keep_lanes(&mut self.level, &old.level);
        keep_lanes(&mut self.filter, &old.filter);
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes();
        let (trigger, accent) = (io.input(TRIGGER), io.input(ACCENT));
        let out = io.output(0);
        let (g, k) = svf_coefficients(self.tune, 0.25, self.sample_rate);
        for i in 0..out.len() {
            let l = i % lanes;
            if self.trigger.rises(l, trigger[i]) {
                self.elapsed[l] = 0;
                self.tail[l] = 0.0;
                self.level[l] = strike_level(accent[i]);
            }
            let e = self.elapsed[l];
            if e < BURSTS * self.gap && e.is_multiple_of(self.gap) {
                self.burst[l] = 1.0;
            }
            if e == BURSTS * self.gap {
                self.tail[l] = 0.8;
            }
            let (_, band, _) = self.filter[l].tick(self.rng[l].bipolar(), g, k);
            let envelope = self.burst[l].max(self.tail[l]);
            out[i] = 2.0 * self.level[l] * envelope * band;
            decay(&mut self.burst[l], self.burst_decay);
            decay(&mut self.tail[l], self.decay);
            self.elapsed[l] = e.saturating_add(1);
        }
    }
}

/// The `Clap` module type.
pub fn clap_type() -> ModuleType {
    ModuleType {
        name: "Clap",
        doc: "Hand clap: bandpassed noise in four quick bursts, then a tail (808 style).",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: drum_inputs(false),
            outputs: drum_output(),
            params: vec![
                tune((400.0, 5000.0, 1200.0), "Centre of the noise band"),
                decay_param((0.05, 3.0, 0.3)),
            ],
        },
        create: |shape, sr| {
            let n = shape.voices;
            Box::new(Clap {
                trigger: Edges::new(n),
                rng: (0..n).map(|l| Rng::new(0xC1A9 + l as u32)).collect(),
                elapsed: vec![u32::MAX; n],
                burst: vec![0.0; n],
                tail: vec![0.0; n],
                level: vec![0.0; n],
                filter: vec![SvfState::default(); n],
                tune: 1200.0,
                decay: t60_coefficient(0.3, sr),
                burst_decay: t60_coefficient(BURST_GAP_S, sr),
                gap: (BURST_GAP_S * sr) as u32,
                sample_rate: sr,
            })
        },
    }
}

// ---------------------------------------------------------------------------------------
// Rimshot and Cowbell: two tones and an envelope.

/// Which two-tone drum: its tone ratio and how it shapes the sum.
#[derive(Clone, Copy)]
enum TwoTone {
    Rimshot,
    Cowbell,
}

struct TwoToneDrum {
    kind: TwoTone,
    kernel: Kernel,
    trigger: Edges,
    phase: Vec<[f32; 2]>,
    amp: Vec<f32>,
    attack: Vec<f32>,
    level: Vec<f32>,
    filter: Vec<SvfState>,
    tune: f32,
    decay: f32,
    attack_decay: f32,
    band: (f32, f32),
    sample_rate: f32,
}

impl TwoToneDrum {
    fn new(kind: TwoTone, lanes: usize, sr: f32) -> Self {
        let (tune, decay, band) = match kind {
            TwoTone::Rimshot => (1700.0, 0.05, svf_coefficients(1700.0, 0.0, sr)),
            TwoTone::Cowbell => (540.0, 0.35, svf_coefficients(2640.0, 0.3, sr)),
        };
        TwoToneDrum {
            kind,
            kernel: Kernel::new(sr),
            trigger: Edges::new(lanes),
            phase: vec![[0.0; 2]; lanes],
            amp: vec![0.0; lanes],
            attack: vec![0.0; lanes],
            level: vec![0.0; lanes],
            filter: vec![SvfState::default(); lanes],
            tune,
            decay: t60_coefficient(decay, sr),
            attack_decay: t60_coefficient(0.06, sr),
            band,
            sample_rate: sr,
        }
    }
}

impl Module for TwoToneDrum {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        let v = number(value);
        match index {
            TUNE => self.tune = v,
            DECAY => self.decay = t60_coefficient(v, self.sample_rate),
            _ => {}
        }
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        self.trigger.keep(&old.trigger);
        keep_lanes(&mut self.phase, &old.phase);
        keep_lanes(&mut self.amp, &old.amp);
        keep_lanes(&mut self.attack, &old.attack);
        keep_lanes(&mut self.level, &old.level);
        keep_lanes(&mut self.filter, &old.filter);
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes();
        let (trigger, accent) = (io.input(TRIGGER), io.input(ACCENT));
        let out = io.output(0);
        let ratio = match self.kind {
            TwoTone::Rimshot => 0.27,
            TwoTone::Cowbell => 1.4815,
        };
        let steps = [
            (self.tune / self.sample_rate).min(0.5),
            (ratio * self.tune / self.sample_rate).min(0.5),
        ];
        for i in 0..out.len() {
            let l = i % lanes;
            if self.trigger.rises(l, trigger[i]) {
                self.phase[l] = [0.0; 2];
                self.amp[l] = 1.0;
                self.attack[l] = 1.0;
                self.level[l] = strike_level(accent[i]);
            }
            let [p0, p1] = self.phase[l];
            let sound = match self.kind {
                TwoTone::Rimshot => {
                    let x = (p0 * TAU).sin() + 0.6 * (p1 * TAU).sin();
                    let (_, _, high) = self.filter[l].tick(x, self.band.0, self.band.1);
                    (2.0 * high).tanh() * self.amp[l]
                }
                TwoTone::Cowbell => {
                    let x =
                        self.kernel.pulse(p0, steps[0], 0.5) + self.kernel.pulse(p1, steps[1], 0.5);
                    let (_, band, _) = self.filter[l].tick(x, self.band.0, self.band.1);
                    band * (0.3 * self.amp[l] + 0.7 * self.attack[l])
                }
            };
            out[i] = self.level[l] * sound;
            self.phase[l] = [advance(p0, steps[0]), advance(p1, steps[1])];
            decay(&mut self.amp[l], self.decay);
            decay(&mut self.attack[l], self.attack_decay);
        }
    }
}

/// The `Rimshot` module type.
pub fn rimshot_type() -> ModuleType {
    ModuleType {
        name: "Rimshot",
        doc: "Rimshot: two sines, highpassed and clipped, very short (808 style).",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: drum_inputs(false),
            outputs: drum_output(),
            params: vec![
                tune((500.0, 5000.0, 1700.0), "Upper tone (the lower is 0.27x)"),
                decay_param((0.01, 0.5, 0.05)),
            ],
        },
        create: |shape, sr| Box::new(TwoToneDrum::new(TwoTone::Rimshot, shape.voices, sr)),
    }
}

/// The `Cowbell` module type.
pub fn cowbell_type() -> ModuleType {
    ModuleType {
        name: "Cowbell",
        doc: "Cowbell: two squares a ratio 1.48 apart through a bandpass (808 style).",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: drum_inputs(false),
            outputs: drum_output(),
            params: vec![
                tune((200.0, 2000.0, 540.0), "Lower square (the upper is 1.48x)"),
                decay_param((0.05, 3.0, 0.35)),
            ],
        },
        create: |shape, sr| Box::new(TwoToneDrum::new(TwoTone::Cowbell, shape.voices, sr)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::named_indices::{assert_inputs, assert_params};

    #[test]
    fn named_indices_match_the_descriptor() {
        let pitched = [
            (TUNE, "tune"),
            (DECAY, "decay"),
            (SWEEP, "sweep"),
            (SWEEP_TIME, "sweep_time"),
            (CLICK, "click"),
        ];
        assert_params(&kick_type(), &pitched);
        assert_params(&tom_type(), &pitched);
        let snare = [(TUNE, "tune"), (DECAY, "decay"), (SNAPPY, "snappy")];
        assert_params(&snare_type(), &snare);
        for module in [clap_type(), rimshot_type(), cowbell_type()] {
            assert_params(&module, &[(TUNE, "tune"), (DECAY, "decay")]);
            assert_inputs(&module, &[(TRIGGER, "trigger"), (ACCENT, "accent")]);
        }
        assert_params(&hihat_type(), &[(TUNE, "tune"), (DECAY, "decay")]);
        let hihat = [(TRIGGER, "trigger"), (ACCENT, "accent"), (CHOKE, "choke")];
        assert_inputs(&hihat_type(), &hihat);
    }
}
