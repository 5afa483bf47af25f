//! Behaviour of the seed module set, measured from the modules' output.

use patches_tui::modules::notes::{check_step, parse_note, voct_to_hz, C2_HZ};
use patches_tui::modules::{
    Module, ModuleHarness, ParamKind, ParamValue, ProcessIo, Registry, Shape, MAX_BLOCK,
};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

const SR: f32 = 48000.0;

// ---------------------------------------------------------------------------------------
// Allocation counting (per thread, so parallel tests do not disturb each other).

struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count_allocation() {
    let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
}

// SAFETY: forwards to the system allocator; counting touches only a const thread-local.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_allocation();
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count_allocation();
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_allocation();
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

// ---------------------------------------------------------------------------------------
// Helpers.

fn float(v: f64) -> ParamValue {
    ParamValue::Float(v)
}

fn steps(items: &[&str]) -> ParamValue {
    ParamValue::Array(items.iter().map(|s| s.to_string()).collect())
}

fn harness(name: &str, shape: Shape, params: &[(&str, ParamValue)]) -> ModuleHarness {
    Registry::seed().harness(name, shape, SR, params).unwrap()
}

fn input_count(name: &str, shape: Shape) -> usize {
    Registry::seed()
        .get(name)
        .unwrap()
        .descriptor(shape)
        .inputs
        .len()
}

fn param_index(name: &str, param: &str) -> usize {
    let registry = Registry::seed();
    let descriptor = registry.get(name).unwrap().descriptor(Shape::default());
    descriptor.param_index(param).unwrap()
}

/// Renders `total` frames of a fresh module in blocks of 64.
fn render(
    name: &str,
    params: &[(&str, ParamValue)],
    inputs: &[Vec<f32>],
    total: usize,
) -> Vec<Vec<f32>> {
    render_shaped(name, Shape::default(), params, inputs, total)
}

fn render_shaped(
    name: &str,
    shape: Shape,
    params: &[(&str, ParamValue)],
    inputs: &[Vec<f32>],
    total: usize,
) -> Vec<Vec<f32>> {
    let mut h = harness(name, shape, params);
    let slices: Vec<&[f32]> = inputs.iter().map(Vec::as_slice).collect();
    h.run_long(&slices, total, 64)
}

fn constant(value: f32, total: usize) -> Vec<f32> {
    vec![value; total]
}

/// Deterministic noise in [-1, 1).
fn noise(seed: u64, total: usize) -> Vec<f32> {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..total)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 40) as f32 / (1u64 << 23) as f32 - 1.0
        })
        .collect()
}

/// 1.0 on `width` samples from each of `starts`, else 0.
fn pulses(starts: &[usize], width: usize, total: usize) -> Vec<f32> {
    let mut x = vec![0.0; total];
    for &s in starts {
        for v in x.iter_mut().skip(s).take(width) {
            *v = 1.0;
        }
    }
    x
}

/// Frequency from the interpolated times of upward zero crossings.
fn measured_frequency(x: &[f32]) -> f64 {
    let mut crossings = Vec::new();
    for i in 1..x.len() {
        let (a, b) = (x[i - 1] as f64, x[i] as f64);
        if a < 0.0 && b >= 0.0 {
            crossings.push((i - 1) as f64 + a / (a - b));
        }
    }
    assert!(crossings.len() >= 3, "too few crossings to measure a pitch");
    let span = crossings[crossings.len() - 1] - crossings[0];
    (crossings.len() - 1) as f64 / span * SR as f64
}

fn assert_close(measured: f64, expected: f64, tolerance: f64, what: &str) {
    let error = (measured / expected - 1.0).abs();
    assert!(
        error <= tolerance,
        "{what}: measured {measured}, expected {expected} (error {error:e})"
    );
}

/// In-place radix-2 FFT of (re, im) pairs.
fn fft(data: &mut [(f64, f64)]) {
    let n = data.len();
    assert!(n.is_power_of_two());
    let mut j = 0;
    for i in 1..n {
        let mut bit = n >> 1;
        while j & bit != 0 {
            j ^= bit;
            bit >>= 1;
        }
        j |= bit;
        if i < j {
            data.swap(i, j);
        }
    }
    let mut len = 2;
    while len <= n {
        let angle = -2.0 * std::f64::consts::PI / len as f64;
        for start in (0..n).step_by(len) {
            for k in 0..len / 2 {
                let (s, c) = (angle * k as f64).sin_cos();
                let (ar, ai) = data[start + k];
                let (br, bi) = data[start + k + len / 2];
                let (tr, ti) = (br * c - bi * s, br * s + bi * c);
                data[start + k] = (ar + tr, ai + ti);
                data[start + k + len / 2] = (ar - tr, ai - ti);
            }
        }
        len <<= 1;
    }
}

/// Energy of everything that is not a harmonic of `f0`, relative to the harmonics.
fn alias_ratio(x: &[f32], f0: f64) -> f64 {
    let n = x.len();
    let mut data: Vec<(f64, f64)> = x
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let w = 0.5 - 0.5 * (2.0 * std::f64::consts::PI * i as f64 / n as f64).cos();
            (v as f64 * w, 0.0)
        })
        .collect();
    fft(&mut data);
    let bin_hz = SR as f64 / n as f64;
    let (mut harmonic, mut other) = (0.0, 0.0);
    for (b, &(re, im)) in data.iter().enumerate().take(n / 2).skip(1) {
        let f = b as f64 * bin_hz;
        let k = (f / f0).round();
        let energy = re * re + im * im;
        if k >= 1.0 && (f - k * f0).abs() <= 3.0 * bin_hz {
            harmonic += energy;
        } else {
            other += energy;
        }
    }
    other / harmonic
}

fn db(ratio: f64) -> f64 {
    10.0 * ratio.log10()
}

fn sine(freq: f64, total: usize) -> Vec<f32> {
    (0..total)
        .map(|i| (2.0 * std::f64::consts::PI * freq * i as f64 / SR as f64).sin() as f32)
        .collect()
}

fn rms(x: &[f32]) -> f64 {
    (x.iter().map(|&v| (v as f64).powi(2)).sum::<f64>() / x.len() as f64).sqrt()
}

fn indices_of_ones(x: &[f32]) -> Vec<usize> {
    x.iter()
        .enumerate()
        .filter(|(_, &v)| v == 1.0)
        .map(|(i, _)| i)
        .collect()
}

// ---------------------------------------------------------------------------------------
// The seed set.

#[test]
fn seed_set_matches_spec() {
    let registry = Registry::seed();
    let names: Vec<&str> = registry.names().collect();
    assert_eq!(
        names,
        [
            "SineOscillator",
            "SawtoothOscillator",
            "SquareOscillator",
            "Sum",
            "Vca",
            "AdsrEnvelope",
            "StepSequencer",
            "ClockSequencer",
            "Glide",
            "ResonantLowpass",
            "AudioOut",
        ]
    );
    let shape = Shape {
        channels: 3,
        length: 8,
        voices: 1,
    };
    let ports = |name: &str| {
        let d = registry.get(name).unwrap().descriptor(shape);
        (d.input_labels(), d.output_labels())
    };
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(ports("SawtoothOscillator"), (s(&["voct"]), s(&["out"])));
    assert_eq!(
        ports("SquareOscillator"),
        (s(&["voct", "pulse_width"]), s(&["out"]))
    );
    assert_eq!(ports("Sum"), (s(&["in/0", "in/1", "in/2"]), s(&["out"])));
    assert_eq!(ports("Vca"), (s(&["in", "cv"]), s(&["out"])));
    assert_eq!(
        ports("AdsrEnvelope"),
        (s(&["trigger", "gate"]), s(&["out"]))
    );
    assert_eq!(
        ports("StepSequencer"),
        (
            s(&["clock", "start", "stop", "reset"]),
            s(&["pitch", "trigger", "gate"])
        )
    );
    assert_eq!(
        ports("ClockSequencer"),
        (s(&[]), s(&["bar", "beat", "quaver", "semiquaver"]))
    );
    assert_eq!(ports("Glide"), (s(&["in"]), s(&["out"])));
    assert_eq!(
        ports("ResonantLowpass"),
        (s(&["in", "cutoff_cv", "resonance_cv"]), s(&["out"]))
    );

    let floats = [
        ("SawtoothOscillator", "base_voct", -4.0, 8.0, 0.0),
        ("SquareOscillator", "base_voct", -4.0, 8.0, 0.0),
        ("AdsrEnvelope", "attack", 0.001, 10.0, 0.01),
        ("AdsrEnvelope", "decay", 0.001, 10.0, 0.1),
        ("AdsrEnvelope", "sustain", 0.0, 1.0, 0.7),
        ("AdsrEnvelope", "release", 0.001, 10.0, 0.3),
        ("ClockSequencer", "bpm", 1.0, 300.0, 120.0),
        ("Glide", "glide_ms", 0.0, 10000.0, 100.0),
        ("ResonantLowpass", "cutoff", 20.0, 20000.0, 1000.0),
        ("ResonantLowpass", "resonance", 0.0, 1.0, 0.0),
    ];
    for (module, param, lo, hi, def) in floats {
        let d = registry.get(module).unwrap().descriptor(shape);
        let p = &d.params[d.param_index(param).unwrap()];
        match p.kind {
            ParamKind::Float {
                min, max, default, ..
            } => assert_eq!((min, max, default), (lo, hi, def), "{module}.{param}"),
            _ => panic!("{module}.{param} is not a float"),
        }
    }
    let ints = [
        ("ClockSequencer", "beats_per_bar", 1, 16, 4),
        ("ClockSequencer", "quavers_per_beat", 1, 4, 2),
    ];
    for (module, param, lo, hi, def) in ints {
        let d = registry.get(module).unwrap().descriptor(shape);
        let p = &d.params[d.param_index(param).unwrap()];
        match p.kind {
            ParamKind::Int { min, max, default } => {
                assert_eq!((min, max, default), (lo, hi, def), "{module}.{param}")
            }
            _ => panic!("{module}.{param} is not an int"),
        }
    }
    let d = registry.get("StepSequencer").unwrap().descriptor(shape);
    match d.params[0].kind {
        ParamKind::Array { max_len, .. } => assert_eq!(max_len, 8),
        _ => panic!("steps is not an array"),
    }
    let too_long = steps(&["C4"; 9]);
    assert!(d.params[0].accept(&too_long).is_err());
    assert!(d.params[0].accept(&steps(&["C4", "H4"])).is_err());
}

// ---------------------------------------------------------------------------------------
// Notes.

#[test]
fn note_names_parse_to_voct() {
    assert_eq!(parse_note("C2"), Some(0.0));
    assert_eq!(parse_note("C4"), Some(2.0));
    assert_eq!(parse_note("A4"), Some(2.75));
    assert_eq!(parse_note("C#4"), Some(2.0 + 1.0 / 12.0));
    assert_eq!(parse_note("Db4"), parse_note("C#4"));
    assert_eq!(parse_note("Bb2"), Some(10.0 / 12.0));
    assert_eq!(parse_note("F#3"), Some(1.0 + 6.0 / 12.0));
    assert_eq!(parse_note("C0"), Some(-2.0));
    assert_eq!(parse_note("B9"), Some(7.0 + 11.0 / 12.0));
    for bad in [
        "", "H4", "C", "C#", "c4", "C10", "Cx4", "C4 ", "-", "_", "E#",
    ] {
        assert_eq!(parse_note(bad), None, "{bad:?}");
    }
    assert!((voct_to_hz(2.75) - 440.0).abs() < 0.001);
    assert!((voct_to_hz(0.0) - C2_HZ).abs() < 1e-6);
    assert!((voct_to_hz(2.0) - 261.6256).abs() < 0.001);
}

#[test]
fn step_checker_accepts_notes_rests_ties() {
    for good in ["C4", "F#3", "Bb2", "-", "_"] {
        assert_eq!(check_step(good), Ok(()), "{good}");
    }
    let message = check_step("H4").unwrap_err();
    assert!(message.contains("`H4`"), "{message}");
    assert!(message.contains("expected a note like C4"), "{message}");
    assert!(check_step("--").is_err());
}

// ---------------------------------------------------------------------------------------
// Oscillators.

#[test]
fn sine_pitch() {
    for (freq, voct, expected) in [
        (440.0, 0.0, 440.0),
        (440.0, 1.0, 880.0),
        (100.0, -1.0, 50.0),
    ] {
        let out = render(
            "SineOscillator",
            &[("frequency", float(freq))],
            &[constant(voct, 48000)],
            48000,
        );
        assert_close(measured_frequency(&out[0]), expected, 1e-4, "sine");
    }
}

fn pitch_cases() -> [(f64, f32, f64); 6] {
    let c2 = 65.406_391_325_149_66;
    [
        (0.0, 0.0, c2),
        (2.75, 0.0, 440.0),
        (-1.0, 1.5, c2 * 2f64.powf(0.5)),
        (5.0, 0.25, c2 * 2f64.powf(5.25)),
        (-4.0, 0.0, c2 / 16.0),
        (7.0, 0.0, c2 * 128.0),
    ]
}

#[test]
fn saw_pitch_and_amplitude() {
    for (base, voct, expected) in pitch_cases() {
        let total = 3 * 48000;
        let out = render(
            "SawtoothOscillator",
            &[("base_voct", float(base))],
            &[constant(voct, total)],
            total,
        );
        assert_close(measured_frequency(&out[0]), expected, 5e-4, "saw");
        // A band-limited edge overshoots by the Gibbs 9% of its jump of 2: peak about 1.18.
        let peak = out[0].iter().fold(0f32, |m, v| m.max(v.abs()));
        assert!(
            peak <= 1.2 && peak > 0.5,
            "saw peak {peak} at {expected} Hz"
        );
    }
}

#[test]
fn saw_rises_from_minus_one_to_one() {
    let out = render("SawtoothOscillator", &[], &[], 48000);
    let x = &out[0];
    // Well inside one cycle (734 samples at C2) the saw follows the line 2t - 1, within the
    // ripple of its band limit (about 0.002 here).
    let slope = 2.0 * 65.406 / 48000.0;
    for (i, &v) in x.iter().enumerate().take(600).skip(100) {
        let line = slope * i as f64 - 1.0;
        assert!((v as f64 - line).abs() < 0.01, "sample {i}: {v} vs {line}");
    }
    assert!(x[367].abs() < 0.01);
}

#[test]
fn square_pitch_and_amplitude() {
    for (base, voct, expected) in pitch_cases() {
        let total = 3 * 48000;
        for width in [0.0, 0.6] {
            let out = render(
                "SquareOscillator",
                &[("base_voct", float(base))],
                &[constant(voct, total), constant(width, total)],
                total,
            );
            assert_close(measured_frequency(&out[0]), expected, 5e-4, "square");
            // Gibbs overshoot of a band-limited edge, as for the saw, plus the other edge's
            // ripple on a narrow pulse: measured up to 1.21.
            let peak = out[0].iter().fold(0f32, |m, v| m.max(v.abs()));
            assert!(peak <= 1.25 && peak > 0.5, "square peak {peak}");
        }
    }
}

#[test]
fn square_duty_cycle_follows_pulse_width() {
    let total = 48000;
    for (width, duty) in [
        (0.0, 0.5),
        (-0.5, 0.25),
        (0.5, 0.75),
        (1.0, 0.98),
        (-1.0, 0.02),
        (3.0, 0.98),
    ] {
        let out = render(
            "SquareOscillator",
            &[],
            &[constant(0.0, total), constant(width, total)],
            total,
        );
        // 65 whole cycles of 733.9 samples.
        let span = (65.0 * 48000.0 / 65.406_391) as usize;
        let high = out[0][..span].iter().filter(|&&v| v > 0.0).count();
        let measured = high as f64 / span as f64;
        assert!(
            (measured - duty).abs() < 0.003,
            "pulse_width {width}: duty {measured}, expected {duty}"
        );
    }
}

fn naive(f0: f64, total: usize, shape: impl Fn(f64) -> f64) -> Vec<f32> {
    (0..total)
        .map(|i| shape((i as f64 * f0 / SR as f64).fract()) as f32)
        .collect()
}

#[test]
fn saw_and_square_are_band_limited() {
    let total = 16384;
    let base = 5.25;
    let f0 = voct_to_hz(base as f32) as f64;
    let saw = render(
        "SawtoothOscillator",
        &[("base_voct", float(base))],
        &[],
        total,
    );
    let naive_saw = naive(f0, total, |t| 2.0 * t - 1.0);
    let (ours, theirs) = (alias_ratio(&saw[0], f0), alias_ratio(&naive_saw, f0));
    assert!(
        db(ours) < db(theirs) - 10.0,
        "saw aliasing {:.1} dB vs naive {:.1} dB",
        db(ours),
        db(theirs)
    );
    let square = render(
        "SquareOscillator",
        &[("base_voct", float(base))],
        &[],
        total,
    );
    let naive_square = naive(f0, total, |t| if t < 0.5 { 1.0 } else { -1.0 });
    let (ours, theirs) = (alias_ratio(&square[0], f0), alias_ratio(&naive_square, f0));
    assert!(
        db(ours) < db(theirs) - 10.0,
        "square aliasing {:.1} dB vs naive {:.1} dB",
        db(ours),
        db(theirs)
    );
}

// ---------------------------------------------------------------------------------------
// Mixing.

#[test]
fn sum_adds_its_inputs() {
    let shape = Shape {
        channels: 3,
        length: 16,
        voices: 1,
    };
    let total = 1000;
    let inputs = [noise(1, total), noise(2, total), noise(3, total)];
    let out = render_shaped("Sum", shape, &[], &inputs, total);
    for i in 0..total {
        assert_eq!(out[0][i], inputs[0][i] + inputs[1][i] + inputs[2][i]);
    }

    let mut h = harness("Sum", shape, &[]);
    h.module_mut()
        .set_connectivity(&[true, false, true], &[true]);
    let zeros = constant(0.0, total);
    let slices: Vec<&[f32]> = vec![&inputs[0][..], &zeros[..], &inputs[2][..]];
    let out = h.run_long(&slices, total, 64);
    for i in 0..total {
        assert_eq!(out[0][i], inputs[0][i] + inputs[2][i]);
    }

    let mut h = harness("Sum", shape, &[]);
    h.module_mut().set_connectivity(&[false; 3], &[true]);
    assert!(h.run(&[], 64)[0].iter().all(|&v| v == 0.0));
}

#[test]
fn vca_multiplies() {
    let total = 1000;
    let inputs = [noise(4, total), noise(5, total)];
    let out = render("Vca", &[], &inputs, total);
    for i in 0..total {
        assert_eq!(out[0][i], inputs[0][i] * inputs[1][i]);
    }
    let silent = render("Vca", &[], &[noise(6, total)], total);
    assert!(silent[0].iter().all(|&v| v == 0.0));
}

// ---------------------------------------------------------------------------------------
// Envelope.

/// First index at or after `from` where `pred` holds.
fn first(x: &[f32], from: usize, pred: impl Fn(f32) -> bool) -> usize {
    from + x[from..]
        .iter()
        .position(|&v| pred(v))
        .expect("never happens")
}

fn assert_near(actual: usize, expected: usize, what: &str) {
    assert!(
        actual.abs_diff(expected) <= 1,
        "{what}: at {actual}, expected {expected}"
    );
}

#[test]
fn adsr_attack_decay_sustain_release_timing() {
    let total = 48000;
    let mut gate = constant(0.0, total);
    gate[100..20000].fill(1.0);
    let out = render("AdsrEnvelope", &[], &[constant(0.0, total), gate], total);
    let x = &out[0];
    assert!(x[..100].iter().all(|&v| v == 0.0));
    // Attack 0.01 s = 480 samples.
    let peak = first(x, 100, |v| v >= 1.0);
    assert_near(peak, 100 + 480 - 1, "attack end");
    assert!((x[100 + 240] - 0.5).abs() < 0.01, "attack is linear");
    // Decay 0.1 s = 4800 samples to 0.7.
    let sustain = first(x, peak, |v| v <= 0.7);
    assert_near(sustain, peak + 4800, "decay end");
    assert!((x[peak + 2400] - 0.85).abs() < 0.001, "decay is linear");
    assert!(x[sustain..20000].iter().all(|&v| v == 0.7_f64 as f32));
    // Release 0.3 s = 14400 samples from 0.7.
    let end = first(x, 20000, |v| v <= 0.0);
    assert_near(end, 20000 + 14400 - 1, "release end");
    assert!((x[20000 + 7200] - 0.35).abs() < 0.001, "release is linear");
    assert!(x[end..].iter().all(|&v| v == 0.0));
}

#[test]
fn adsr_releases_from_current_level() {
    let total = 96000;
    let mut gate = constant(0.0, total);
    gate[..24000].fill(1.0);
    let params = [("attack", float(1.0)), ("release", float(0.1))];
    let out = render(
        "AdsrEnvelope",
        &params,
        &[constant(0.0, total), gate],
        total,
    );
    let x = &out[0];
    assert!((x[23999] - 0.5).abs() < 0.001);
    assert!(x[24000] < x[23999], "release starts when the gate falls");
    let end = first(x, 24000, |v| v <= 0.0);
    assert_near(end, 24000 + 4800 - 1, "release from 0.5 lasts `release`");
    assert!((x[24000 + 2400] - 0.25).abs() < 0.001);
}

#[test]
fn adsr_trigger_alone_is_attack_release_and_retriggers_from_current_level() {
    let total = 60000;
    let trigger = pulses(&[10, 30000], 5, total);
    let params = [("attack", float(0.01)), ("release", float(1.0))];
    let out = render("AdsrEnvelope", &params, &[trigger], total);
    let x = &out[0];
    let peak = first(x, 0, |v| v >= 1.0);
    assert_near(peak, 10 + 480 - 1, "attack end");
    // Straight into a 1 s release from 1 (no gate): half way after 24000 samples.
    assert!((x[peak + 24000] - 0.5).abs() < 0.001);
    // Retrigger at 30000 continues from the current level, rising at 1/480 per sample.
    let before = x[29999];
    assert!((x[30000] - (before + 1.0 / 480.0)).abs() < 1e-4, "no jump");
    let again = first(x, 30000, |v| v >= 1.0);
    let expected = 30000 + ((1.0 - before as f64) * 480.0).ceil() as usize - 1;
    assert_near(again, expected, "attack from the current level");
}

#[test]
fn adsr_trigger_restarts_attack_while_gate_held() {
    let total = 20000;
    let gate = constant(1.0, total);
    let trigger = pulses(&[10000], 1, total);
    let out = render("AdsrEnvelope", &[], &[trigger, gate], total);
    let x = &out[0];
    assert_eq!(x[9999], 0.7_f64 as f32);
    let peak = first(x, 10000, |v| v >= 1.0);
    assert_near(peak, 10000 + 144 - 1, "attack from 0.7 takes 0.3 * 480");
    let sustain = first(x, peak, |v| v <= 0.7);
    assert_near(sustain, peak + 4800, "decay again");
}

// ---------------------------------------------------------------------------------------
// Step sequencer.

struct Sequencer {
    harness: ModuleHarness,
    clock: Vec<f32>,
    start: Vec<f32>,
    stop: Vec<f32>,
    reset: Vec<f32>,
}

const STEP: usize = 100;

impl Sequencer {
    /// A sequencer (length 8) with clock edges every `STEP` samples from sample 50.
    fn new(items: &[&str], total: usize) -> Self {
        let shape = Shape {
            channels: 2,
            length: 8,
            voices: 1,
        };
        let edges: Vec<usize> = (50..total).step_by(STEP).collect();
        Sequencer {
            harness: harness("StepSequencer", shape, &[("steps", steps(items))]),
            clock: pulses(&edges, 10, total),
            start: constant(0.0, total),
            stop: constant(0.0, total),
            reset: constant(0.0, total),
        }
    }

    /// Runs samples `from..to`; returns (pitch, trigger, gate).
    fn run(&mut self, from: usize, to: usize) -> (Vec<f32>, Vec<f32>, Vec<f32>) {
        let ins: Vec<&[f32]> = [&self.clock, &self.start, &self.stop, &self.reset]
            .iter()
            .map(|v| &v[from..to])
            .collect();
        let mut out = self.harness.run_long(&ins, to - from, 64).into_iter();
        (
            out.next().unwrap(),
            out.next().unwrap(),
            out.next().unwrap(),
        )
    }

    /// What sounds just after each clock edge in `0..total`: (pitch, triggered, gate).
    fn steps_played(&mut self, total: usize) -> Vec<(f32, bool, bool)> {
        let (pitch, trigger, gate) = self.run(0, total);
        (50..total)
            .step_by(STEP)
            .map(|i| (pitch[i], trigger[i] == 1.0, gate[i] == 1.0))
            .collect()
    }
}

fn note(name: &str) -> f32 {
    parse_note(name).unwrap()
}

#[test]
fn sequencer_plays_notes_with_one_sample_triggers() {
    let total = 50 + 6 * STEP;
    let mut seq = Sequencer::new(&["C4", "E4", "G4", "A4"], total);
    let (pitch, trigger, gate) = seq.run(0, total);
    assert!(
        pitch[..50].iter().all(|&v| v == 0.0),
        "silent before the clock"
    );
    assert!(gate[..50].iter().all(|&v| v == 0.0));
    assert!(trigger[..50].iter().all(|&v| v == 0.0));
    let expected = ["C4", "E4", "G4", "A4", "C4", "E4"];
    for (k, name) in expected.iter().enumerate() {
        let at = 50 + k * STEP;
        assert_eq!(pitch[at], note(name), "step {k}");
        assert_eq!(trigger[at], 1.0);
        assert_eq!(trigger[at + 1], 0.0, "trigger lasts one sample");
        assert!(gate[at..at + STEP].iter().all(|&v| v == 1.0));
    }
    assert_eq!(indices_of_ones(&trigger).len(), 6);
    assert_eq!(pitch[50 + 2 * STEP], 1.0 + 7.0 / 12.0 + 1.0);
}

#[test]
fn sequencer_ties_and_rests() {
    let total = 50 + 8 * STEP;
    let mut seq = Sequencer::new(&["C4", "_", "-", "D4", "_", "-", "_"], total);
    let played = seq.steps_played(total);
    let (c4, d4) = (note("C4"), note("D4"));
    assert_eq!(
        played,
        [
            (c4, true, true),   // note
            (c4, false, true),  // tie: gate stays high, no trigger
            (c4, false, false), // rest: gate low, pitch held
            (d4, true, true),
            (d4, false, true),
            (d4, false, false),
            (d4, false, false), // a tie after a rest stays a rest
            (c4, true, true),   // wraps
        ]
    );
}

#[test]
fn sequencer_reset_plays_step_zero_on_next_clock() {
    let total = 50 + 8 * STEP;
    let items = ["C4", "D4", "E4", "F4"];
    let mut seq = Sequencer::new(&items, total);
    // Reset between clock edges after step 2, and together with the clock edge of step 6.
    seq.reset = pulses(&[50 + 2 * STEP + 30, 50 + 6 * STEP], 5, total);
    let (pitch, trigger, gate) = seq.run(0, total);
    let at = |k: usize| pitch[50 + k * STEP];
    assert_eq!(at(2), note("E4"));
    assert_eq!(
        pitch[50 + 2 * STEP + 40],
        note("E4"),
        "reset alone changes nothing"
    );
    assert_eq!(gate[50 + 2 * STEP + 40], 1.0);
    assert_eq!(at(3), note("C4"), "next clock after reset plays step 0");
    assert_eq!(at(4), note("D4"));
    assert_eq!(at(5), note("E4"));
    assert_eq!(at(6), note("C4"), "reset with a clock plays step 0 at once");
    assert_eq!(trigger[50 + 6 * STEP], 1.0);
    assert_eq!(at(7), note("D4"));
}

#[test]
fn sequencer_stop_and_start() {
    let total = 50 + 8 * STEP;
    let items = ["C4", "D4", "E4", "F4", "G4", "A4", "B4", "C5"];
    let mut seq = Sequencer::new(&items, total);
    seq.stop = pulses(&[50 + STEP + 20], 5, total);
    seq.start = pulses(&[50 + 4 * STEP + 20], 5, total);
    let (pitch, trigger, gate) = seq.run(0, total);
    assert_eq!(pitch[50 + STEP], note("D4"));
    let stopped = 50 + STEP + 20;
    assert_eq!(gate[stopped - 1], 1.0);
    assert!(
        gate[stopped..50 + 5 * STEP].iter().all(|&v| v == 0.0),
        "stopped: gate low"
    );
    assert!(pitch[stopped..50 + 5 * STEP]
        .iter()
        .all(|&v| v == note("D4")));
    assert!(trigger[stopped..50 + 5 * STEP].iter().all(|&v| v == 0.0));
    assert_eq!(pitch[50 + 5 * STEP], note("E4"), "resumes where it stopped");
    assert_eq!(trigger[50 + 5 * STEP], 1.0);
    assert_eq!(pitch[50 + 6 * STEP], note("F4"));
}

#[test]
fn sequencer_live_steps_change_keeps_position() {
    let total = 50 + 10 * STEP;
    let a = ["C4", "D4", "E4", "F4", "G4", "A4", "B4", "C5"];
    let b = ["C3", "D3", "E3", "F3", "G3", "A3", "B3", "C4"];
    let mut seq = Sequencer::new(&a, total);
    let index = param_index("StepSequencer", "steps");
    let (pitch, _, _) = seq.run(0, 50 + 2 * STEP + 50);
    assert_eq!(pitch[50 + 2 * STEP], note("E4"));
    seq.harness.module_mut().set_param(index, &steps(&b));
    let (pitch, _, gate) = seq.run(50 + 2 * STEP + 50, 50 + 3 * STEP + 50);
    assert_eq!(pitch[0], note("E4"), "the current note sounds on");
    assert_eq!(gate[0], 1.0);
    assert_eq!(pitch[50], note("F3"), "the next clock plays the new step 3");
    // Shorter list: position 3 wraps, the next clock plays (3 + 1) % 2 = 0.
    seq.harness
        .module_mut()
        .set_param(index, &steps(&["A2", "B2"]));
    let (pitch, trigger, _) = seq.run(50 + 3 * STEP + 50, 50 + 5 * STEP + 50);
    assert_eq!(pitch[50], note("A2"));
    assert_eq!(trigger[50], 1.0);
    assert_eq!(pitch[50 + STEP], note("B2"));
    // Empty: silent at once, and stays silent on clock edges.
    seq.harness.module_mut().set_param(index, &steps(&[]));
    let (_, trigger, gate) = seq.run(50 + 5 * STEP + 50, total);
    assert!(gate.iter().all(|&v| v == 0.0));
    assert!(trigger.iter().all(|&v| v == 0.0));
}

#[test]
fn sequencer_with_no_steps_is_silent() {
    let total = 50 + 4 * STEP;
    let mut seq = Sequencer::new(&[], total);
    let (pitch, trigger, gate) = seq.run(0, total);
    assert!(pitch.iter().chain(&trigger).chain(&gate).all(|&v| v == 0.0));
}

// ---------------------------------------------------------------------------------------
// Clock.

fn check_clock(bpm: f64, beats_per_bar: u64, quavers_per_beat: u64, bars: usize) {
    let per_beat = 2 * quavers_per_beat as usize;
    let per_bar = beats_per_bar as usize * per_beat;
    let samples_per_semiquaver = SR as f64 * 60.0 / (bpm * per_beat as f64);
    let total = (bars as f64 * per_bar as f64 * samples_per_semiquaver) as usize + 2;
    let params = [
        ("bpm", float(bpm)),
        ("beats_per_bar", ParamValue::Int(beats_per_bar as i64)),
        ("quavers_per_beat", ParamValue::Int(quavers_per_beat as i64)),
    ];
    let out = render("ClockSequencer", &params, &[], total);
    for x in &out {
        assert!(x.iter().all(|&v| v == 0.0 || v == 1.0));
    }
    let [bar, beat, quaver, semi] = [0, 1, 2, 3].map(|i| indices_of_ones(&out[i]));
    let what = format!("{bpm} BPM, {beats_per_bar}/{quavers_per_beat}");
    assert_eq!(semi.len(), bars * per_bar + 1, "{what}: semiquavers");
    assert_eq!(quaver.len(), bars * per_bar / 2 + 1, "{what}: quavers");
    assert_eq!(
        beat.len(),
        bars * beats_per_bar as usize + 1,
        "{what}: beats"
    );
    assert_eq!(bar.len(), bars + 1, "{what}: bars");
    let exact_grid = samples_per_semiquaver.fract() == 0.0;
    for (k, &at) in semi.iter().enumerate() {
        let expected = (k as f64 * samples_per_semiquaver).ceil() as usize;
        if exact_grid {
            assert_eq!(at, expected, "{what}: semiquaver {k}");
        } else {
            assert_near(at, expected, &format!("{what}: semiquaver {k}"));
        }
    }
    // Locked: every coarser pulse coincides with the matching semiquaver.
    assert!(quaver.iter().eq(semi.iter().step_by(2)), "{what}: quavers");
    assert!(
        beat.iter().eq(semi.iter().step_by(per_beat)),
        "{what}: beats"
    );
    assert!(bar.iter().eq(semi.iter().step_by(per_bar)), "{what}: bars");
}

#[test]
fn clock_pulses_are_sample_accurate() {
    check_clock(60.0, 4, 2, 4);
    check_clock(120.0, 4, 2, 16);
    check_clock(137.5, 4, 2, 16);
    check_clock(137.5, 3, 3, 8);
    check_clock(300.0, 7, 4, 20);
    check_clock(93.7, 5, 1, 10);
}

#[test]
fn clock_tempo_change_keeps_position() {
    let mut h = harness("ClockSequencer", Shape::default(), &[]);
    let bpm = param_index("ClockSequencer", "bpm");
    // Half a semiquaver (3000 samples) at 120 BPM, then 240 BPM: the next semiquaver is
    // 1500 samples away.
    let first = h.run_long(&[], 3000, 64);
    assert_eq!(indices_of_ones(&first[3]), [0]);
    h.module_mut().set_param(bpm, &float(240.0));
    let rest = h.run_long(&[], 5000, 64);
    assert_eq!(indices_of_ones(&rest[3]), [1500, 4500]);
}

// ---------------------------------------------------------------------------------------
// Glide.

#[test]
fn glide_covers_95_percent_in_glide_ms() {
    let total = 48000;
    let out = render("Glide", &[], &[constant(1.0, total)], total);
    let x = &out[0];
    // 100 ms = 4800 samples; the first sample already moves.
    assert!((x[4799] - 0.95).abs() < 1e-4, "{}", x[4799]);
    assert!(x.windows(2).all(|w| w[1] >= w[0]), "monotonic");
    assert!(x[4798] < 0.95);
    assert_eq!(x[total - 1], 1.0, "settles on the target");
}

#[test]
fn glide_zero_passes_through() {
    let total = 5000;
    let input = noise(7, total);
    let out = render(
        "Glide",
        &[("glide_ms", float(0.0))],
        std::slice::from_ref(&input),
        total,
    );
    assert_eq!(out[0], input);
}

#[test]
fn glide_starts_from_where_it_was() {
    let mut h = harness("Glide", Shape::default(), &[("glide_ms", float(0.0))]);
    let ms = param_index("Glide", "glide_ms");
    h.run(&[&[2.0; 64]], 64);
    h.module_mut().set_param(ms, &float(1000.0));
    let out = h.run(&[&[3.0; 64]], 64);
    assert!(out[0][0] > 2.0 && out[0][0] < 2.001, "{}", out[0][0]);
}

// ---------------------------------------------------------------------------------------
// Filter.

/// Gain in dB of the lowpass for a sine at `freq`, after the transient.
fn lowpass_gain(params: &[(&str, ParamValue)], cutoff_cv: f32, freq: f64) -> f64 {
    let total = 24000;
    let input = sine(freq, total);
    let out = render(
        "ResonantLowpass",
        params,
        &[input.clone(), constant(cutoff_cv, total)],
        total,
    );
    let settled = total / 2;
    20.0 * (rms(&out[0][settled..]) / rms(&input[settled..])).log10()
}

#[test]
fn lowpass_butterworth_response() {
    let p = [("cutoff", float(1000.0))];
    let pass = lowpass_gain(&p, 0.0, 250.0);
    let corner = lowpass_gain(&p, 0.0, 1000.0);
    let stop = lowpass_gain(&p, 0.0, 4000.0);
    assert!(pass.abs() < 0.1, "cutoff/4: {pass} dB");
    assert!((corner + 3.01).abs() < 0.1, "cutoff: {corner} dB");
    assert!((-27.0..-23.0).contains(&stop), "4 x cutoff: {stop} dB");
    let octave_up = lowpass_gain(&p, 0.0, 8000.0);
    assert!(
        octave_up < stop - 10.0,
        "2 poles: 12 dB/oct, {octave_up} dB"
    );
}

#[test]
fn lowpass_cutoff_cv_is_volts_per_octave() {
    let p = [("cutoff", float(1000.0))];
    let corner = lowpass_gain(&p, 1.0, 2000.0);
    assert!(
        (corner + 3.01).abs() < 0.1,
        "cutoff +1 V: {corner} dB at 2 kHz"
    );
    let corner = lowpass_gain(&p, -2.0, 250.0);
    assert!(
        (corner + 3.01).abs() < 0.1,
        "cutoff -2 V: {corner} dB at 250 Hz"
    );
}

#[test]
fn lowpass_resonance_peaks_near_cutoff() {
    let p = [("cutoff", float(1000.0)), ("resonance", float(1.0))];
    let peak = lowpass_gain(&p, 0.0, 1000.0);
    assert!((peak - 20.0).abs() < 0.5, "Q 10 at cutoff: {peak} dB");
    for off in [700.0, 1400.0] {
        let side = lowpass_gain(&p, 0.0, off);
        assert!(side < peak - 6.0, "{off} Hz: {side} dB vs peak {peak} dB");
    }
    // resonance_cv adds to resonance.
    let total = 24000;
    let input = sine(1000.0, total);
    let out = render(
        "ResonantLowpass",
        &[("cutoff", float(1000.0))],
        &[input.clone(), constant(0.0, total), constant(1.0, total)],
        total,
    );
    let gain = 20.0 * (rms(&out[0][12000..]) / rms(&input[12000..])).log10();
    assert!((gain - peak).abs() < 0.01, "resonance_cv 1: {gain} dB");
}

#[test]
fn lowpass_stable_under_audio_rate_modulation() {
    let total = 10 * 48000;
    let input = noise(8, total);
    let cutoff_cv: Vec<f32> = noise(9, total).iter().map(|v| v * 6.0).collect();
    let resonance_cv = noise(10, total);
    let out = render(
        "ResonantLowpass",
        &[("cutoff", float(2000.0)), ("resonance", float(1.0))],
        &[input, cutoff_cv, resonance_cv],
        total,
    );
    let peak = out[0].iter().fold(0f32, |m, v| m.max(v.abs()));
    assert!(out[0].iter().all(|v| v.is_finite()));
    assert!(peak < 20.0, "peak {peak}");
}

#[test]
fn lowpass_unconnected_cvs_match_zero_cvs() {
    let total = 5000;
    let input = noise(11, total);
    let p = [("cutoff", float(3000.0)), ("resonance", float(0.4))];
    let connected = render("ResonantLowpass", &p, std::slice::from_ref(&input), total);
    let mut h = harness("ResonantLowpass", Shape::default(), &p);
    h.module_mut()
        .set_connectivity(&[true, false, false], &[true]);
    let fast = h.run_long(&[&input], total, 64);
    assert_eq!(connected, fast);
}

// ---------------------------------------------------------------------------------------
// Every module.

/// Modules with non-default parameters and inputs that exercise them.
/// A module type, its shape and parameters.
type Case = (&'static str, Shape, Vec<(&'static str, ParamValue)>);

fn every_module() -> Vec<Case> {
    let shape = Shape {
        channels: 3,
        length: 8,
        voices: 1,
    };
    vec![
        ("SineOscillator", shape, vec![("frequency", float(311.0))]),
        ("SawtoothOscillator", shape, vec![("base_voct", float(3.3))]),
        ("SquareOscillator", shape, vec![("base_voct", float(2.1))]),
        ("Sum", shape, vec![]),
        ("Vca", shape, vec![]),
        (
            "AdsrEnvelope",
            shape,
            vec![("attack", float(0.002)), ("release", float(0.05))],
        ),
        (
            "StepSequencer",
            shape,
            vec![("steps", steps(&["C4", "_", "-", "Eb3", "G#5", "_"]))],
        ),
        ("ClockSequencer", shape, vec![("bpm", float(187.3))]),
        ("Glide", shape, vec![("glide_ms", float(3.0))]),
        (
            "ResonantLowpass",
            shape,
            vec![("cutoff", float(700.0)), ("resonance", float(0.8))],
        ),
        ("AudioOut", shape, vec![]),
    ]
}

/// Input `i`: pulses of a different period per input, plus noise.
fn test_input(i: usize, total: usize) -> Vec<f32> {
    let period = 53 + 31 * i;
    noise(100 + i as u64, total)
        .iter()
        .enumerate()
        .map(|(n, v)| {
            let pulse = if (n / period).is_multiple_of(3) {
                1.0
            } else {
                0.0
            };
            pulse + 0.25 * v
        })
        .collect()
}

fn run_in_blocks(h: &mut ModuleHarness, inputs: &[Vec<f32>], blocks: &[usize]) -> Vec<Vec<f32>> {
    let total = inputs[0].len();
    let mut result: Vec<Vec<f32>> = Vec::new();
    let mut done = 0;
    for &block in blocks.iter().cycle() {
        if done == total {
            break;
        }
        let n = block.min(total - done);
        let slices: Vec<&[f32]> = inputs.iter().map(|x| &x[done..done + n]).collect();
        let out = h.run(&slices, n);
        result.resize(out.len(), Vec::new());
        for (acc, o) in result.iter_mut().zip(out) {
            acc.extend_from_slice(&o);
        }
        done += n;
    }
    result
}

#[test]
fn every_module_is_block_size_invariant() {
    let total = 20000;
    for (name, shape, params) in every_module() {
        let inputs: Vec<Vec<f32>> = (0..input_count(name, shape).max(1))
            .map(|i| test_input(i, total))
            .collect();
        let reference = run_in_blocks(&mut harness(name, shape, &params), &inputs, &[1]);
        assert!(
            reference.iter().flatten().any(|&v| v != 0.0) || name == "AudioOut",
            "{name} produced only zeros"
        );
        for blocks in [&[37][..], &[64], &[MAX_BLOCK], &[1, 37, 64]] {
            let out = run_in_blocks(&mut harness(name, shape, &params), &inputs, blocks);
            assert!(out == reference, "{name} differs with blocks {blocks:?}");
        }
    }
}

#[test]
fn audio_thread_methods_do_not_allocate() {
    let registry = Registry::seed();
    for (name, shape, params) in every_module() {
        let module_type = registry.get(name).unwrap();
        let descriptor = module_type.descriptor(shape);
        let mut module: Box<dyn Module> = module_type.instantiate(shape, SR);
        let values: Vec<(usize, ParamValue)> = params
            .iter()
            .map(|(p, v)| (descriptor.param_index(p).unwrap(), v.clone()))
            .collect();
        let inputs: Vec<Vec<f32>> = (0..descriptor.inputs.len().max(1))
            .map(|i| test_input(i, MAX_BLOCK))
            .collect();
        let mut outputs = vec![vec![0.0f32; MAX_BLOCK]; descriptor.outputs.len()];
        let in_ptrs: Vec<*const f32> = inputs.iter().map(|b| b.as_ptr()).collect();
        let out_ptrs: Vec<*mut f32> = outputs.iter_mut().map(|b| b.as_mut_ptr()).collect();
        let in_connected = vec![true; descriptor.inputs.len()];
        let out_connected = vec![true; descriptor.outputs.len()];

        let before = allocations();
        for (index, value) in &values {
            module.set_param(*index, value);
        }
        module.set_connectivity(&in_connected, &out_connected);
        for block in 0..8 {
            // SAFETY: every buffer holds MAX_BLOCK floats and they are all distinct.
            let mut io = unsafe {
                ProcessIo::from_raw(
                    &in_ptrs,
                    &out_ptrs,
                    0,
                    MAX_BLOCK,
                    1,
                    block * MAX_BLOCK as u64,
                )
            };
            module.process(&mut io);
        }
        assert_eq!(
            allocations(),
            before,
            "{name} allocated on the audio thread"
        );
    }
}
