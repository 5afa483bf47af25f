//! Measured behaviour of the library's sources, modulation, sequencing, utility and mixing
//! modules.

mod library_support;

use library_support::*;
use patches_tui::modules::Shape;

fn ones(x: &[f32]) -> Vec<usize> {
    x.iter()
        .enumerate()
        .filter(|(_, &v)| v >= 0.5)
        .map(|(i, _)| i)
        .collect()
}

/// Energy of `x` between `lo` and `hi` Hz.
fn band_energy(x: &[f32], lo: f64, hi: f64) -> f64 {
    let n = x.len();
    let mut data: Vec<(f64, f64)> = x.iter().map(|&v| (f64::from(v), 0.0)).collect();
    fft(&mut data);
    let bin = f64::from(SR) / n as f64;
    data[..n / 2]
        .iter()
        .enumerate()
        .filter(|(b, _)| (lo..hi).contains(&(*b as f64 * bin)))
        .map(|(_, &(re, im))| re * re + im * im)
        .sum()
}

#[test]
fn noise_white_is_flat_and_pink_falls_3_db_per_octave() {
    let n = 1 << 18;
    let out = render("Noise", &[], &[], n);
    let (white, pink) = (&out[0], &out[1]);
    let mean = white.iter().map(|&v| f64::from(v)).sum::<f64>() / n as f64;
    assert!(mean.abs() < 0.01, "white mean {mean}");
    assert!(
        (rms(white) - 0.577).abs() < 0.01,
        "white rms {}",
        rms(white)
    );
    // Three octaves up: white has 8x the energy per octave (+9 dB), pink the same (0 dB).
    let octaves =
        |x: &[f32]| 10.0 * (band_energy(x, 3200.0, 6400.0) / band_energy(x, 400.0, 800.0)).log10();
    let (w, p) = (octaves(white), octaves(pink));
    assert!(
        (w - 9.03).abs() < 0.5,
        "white: {w:.2} dB over three octaves"
    );
    assert!(p.abs() < 1.0, "pink: {p:.2} dB over three octaves");
    assert!(peak(pink) <= 1.0, "pink peak {}", peak(pink));
}

#[test]
fn lfo_runs_at_its_rate_with_bipolar_and_unipolar_outputs() {
    let total = 5 * 48000;
    let out = render("Lfo", &[("rate", float(2.0))], &[], total);
    let f = zero_crossing_frequency(&out[0]);
    assert!((f / 2.0 - 1.0).abs() < 1e-3, "{f} Hz");
    for (b, u) in out[0].iter().zip(&out[1]) {
        assert!((u - (0.5 + 0.5 * b)).abs() < 1e-6);
    }
    // rate_cv +1 doubles.
    let out = render("Lfo", &[("rate", float(2.0))], &[vec![1.0; total]], total);
    assert!((zero_crossing_frequency(&out[0]) / 4.0 - 1.0).abs() < 1e-3);
}

#[test]
fn lfo_shapes_and_reset() {
    let total = 48000;
    let at = |shape: &str, phase: f64| {
        let out = render(
            "Lfo",
            &[("shape", text(shape)), ("rate", float(1.0))],
            &[],
            total,
        );
        out[0][(phase * 48000.0) as usize]
    };
    assert!((at("triangle", 0.25) - 1.0).abs() < 1e-3 && (at("triangle", 0.75) + 1.0).abs() < 1e-3);
    assert!((at("saw", 0.75) - 0.5).abs() < 1e-3 && (at("ramp_down", 0.75) + 0.5).abs() < 1e-3);
    assert_eq!((at("square", 0.2), at("square", 0.7)), (1.0, -1.0));
    // Random holds through a cycle and changes between cycles.
    let out = render(
        "Lfo",
        &[("shape", text("random")), ("rate", float(4.0))],
        &[],
        total,
    );
    let cycle = 12000;
    assert!(out[0][..cycle].iter().all(|&v| v == out[0][0]));
    assert_ne!(out[0][cycle + 10], out[0][0]);
    // Reset restarts the cycle at `phase`.
    let mut reset = vec![0.0; total];
    reset[10000] = 1.0;
    let out = render(
        "Lfo",
        &[("rate", float(1.0)), ("phase", float(0.25))],
        &[vec![0.0; total], reset],
        total,
    );
    assert!(
        (out[0][10000] - 1.0).abs() < 1e-6,
        "sine at phase 0.25 is 1"
    );
}

#[test]
fn decay_envelope_attacks_then_falls_60_db_in_decay() {
    let total = 48000;
    let out = render(
        "DecayEnvelope",
        &[("attack", float(0.01)), ("decay", float(0.5))],
        &[impulse(0, total)],
        total,
    );
    let top = out[0].iter().position(|&v| v == 1.0).unwrap();
    assert!((479..=481).contains(&top), "peak at sample {top}");
    let silent = out[0].iter().rposition(|&v| v >= 0.001).unwrap() - top;
    assert!(
        (silent as f64 / 24000.0 - 1.0).abs() < 0.01,
        "-60 dB after {silent} samples"
    );
}

#[test]
fn sample_and_hold_holds_at_each_trigger() {
    let total = 4800;
    let x: Vec<f32> = (0..total).map(|i| i as f32).collect();
    let trig = clock(1000, total);
    let out = render("SampleAndHold", &[], &[x, trig], total);
    assert_eq!(out[0][999], 0.0);
    assert_eq!(out[0][1000], 1000.0);
    assert_eq!(out[0][2500], 2000.0);
}

#[test]
fn slew_rises_and_falls_at_separate_rates() {
    let total = 12000;
    let step: Vec<f32> = (0..total)
        .map(|i| if i < 6000 { 1.0 } else { 0.0 })
        .collect();
    let out = render(
        "Slew",
        &[("rise_ms", float(100.0)), ("fall_ms", float(10.0))],
        &[step],
        total,
    );
    let reached = out[0].iter().position(|&v| v >= 1.0).unwrap();
    assert!(
        (4799..=4801).contains(&reached),
        "rise took {reached} samples"
    );
    let fallen = out[0][6000..].iter().position(|&v| v <= 0.0).unwrap();
    assert!((479..=481).contains(&fallen), "fall took {fallen} samples");
}

#[test]
fn quantizer_snaps_to_the_scale() {
    let semis = |s: f32| s / 12.0;
    let quantize = |params: &[(&str, patches_tui::modules::ParamValue)], input: f32| {
        render("Quantizer", params, &[vec![input; 4]], 4)[0][3] * 12.0
    };
    let major = [("scale", text("major"))];
    assert!((quantize(&major, semis(0.9)) - 0.0).abs() < 1e-4);
    assert!(
        (quantize(&major, semis(1.0)) - 2.0).abs() < 1e-4,
        "tie goes up"
    );
    assert!((quantize(&major, semis(6.2)) - 7.0).abs() < 1e-4, "F# -> G");
    assert!(
        (quantize(&major, semis(-0.6)) + 1.0).abs() < 1e-4,
        "B below C"
    );
    let a_minor_pent = [("scale", text("pentatonic_minor")), ("root", text("A"))];
    assert!(
        (quantize(&a_minor_pent, semis(0.8)) - 0.0).abs() < 1e-4,
        "C is in A minor pentatonic"
    );
    assert!(
        (quantize(&a_minor_pent, semis(1.2)) - 2.0).abs() < 1e-4,
        "C#+ -> D"
    );
    assert!(
        (quantize(&a_minor_pent, semis(10.6)) - 12.0).abs() < 1e-4,
        "A#+ -> C"
    );
    let custom = [("scale", text("custom")), ("degrees", list(&["0", "7"]))];
    assert!((quantize(&custom, semis(4.0)) - 7.0).abs() < 1e-4);
    let chromatic = [];
    assert!((quantize(&chromatic, semis(3.4)) - 3.0).abs() < 1e-4);
    // A trigger on each note change only.
    let ramp: Vec<f32> = (0..1200).map(|i| i as f32 / 1200.0 / 12.0 * 3.0).collect();
    let out = render("Quantizer", &[], &[ramp], 1200);
    assert_eq!(ones(&out[1]).len(), 4, "0, 1, 2, 3 semitones");
}

#[test]
fn clock_divider_divides_and_multiplies() {
    let total = 10000;
    let input = clock(1000, total);
    let out = render(
        "ClockDivider",
        &[("divide", int(4))],
        std::slice::from_ref(&input),
        total,
    );
    assert_eq!(ones(&out[0]), [0, 4000, 8000]);
    let out = render(
        "ClockDivider",
        &[("divide", int(1)), ("multiply", int(2))],
        std::slice::from_ref(&input),
        3000,
    );
    assert_eq!(ones(&out[0]), [0, 1000, 1500, 2000, 2500]);
    let out = render(
        "ClockDivider",
        &[("divide", int(3)), ("multiply", int(2))],
        &[input],
        7000,
    );
    // The period is known from the second edge (1000), so the first cycle already doubles.
    assert_eq!(ones(&out[0]), [0, 1500, 3000, 4500, 6000]);
}

#[test]
fn euclidean_3_of_8_is_the_tresillo() {
    let total = 16 * 100;
    let out = render(
        "EuclideanSequencer",
        &[("steps", int(8)), ("pulses", int(3))],
        &[clock(100, total)],
        total,
    );
    assert_eq!(ones(&out[0]), [0, 300, 600, 800, 1100, 1400]);
    let out = render(
        "EuclideanSequencer",
        &[("steps", int(8)), ("pulses", int(3)), ("rotation", int(1))],
        &[clock(100, total)],
        800,
    );
    assert_eq!(ones(&out[0]), [100, 400, 700]);
    // The gate holds from a hit to the next clock.
    let gate = &out[1];
    assert!(gate[100..200].iter().all(|&v| v == 1.0) && gate[200] == 0.0);
}

#[test]
fn drum_sequencer_plays_text_rows_with_accents_and_polymeter() {
    let total = 800;
    let shape = Shape {
        channels: 2,
        ..Shape::default()
    };
    let out = render_shaped(
        "DrumSequencer",
        shape,
        &[("rows", list(&["x..X | x...", "x.x"]))],
        &[clock(100, total)],
        total,
    );
    assert_eq!(ones(&out[0]), [0, 300, 400]);
    assert_eq!(
        ones(&out[1]),
        (300..400).collect::<Vec<_>>(),
        "accent holds for the step"
    );
    assert_eq!(ones(&out[2]), [0, 200, 300, 500, 600]);
    assert!(out[3].iter().all(|&v| v == 0.0));
}

#[test]
fn utility_arithmetic() {
    let a = vec![0.5, -2.0, 3.0];
    let b = vec![1.0, 1.0, -1.0];
    let math =
        |op: &str| render("Math", &[("op", text(op))], &[a.clone(), b.clone()], 3)[0].clone();
    assert_eq!(math("add"), [1.5, -1.0, 2.0]);
    assert_eq!(math("subtract"), [-0.5, -3.0, 4.0]);
    assert_eq!(math("multiply"), [0.5, -2.0, -3.0]);
    assert_eq!(math("min"), [0.5, -2.0, -1.0]);
    assert_eq!(math("max"), [1.0, 1.0, 3.0]);
    assert_eq!(math("abs"), [0.5, 2.0, 3.0]);
    assert_eq!(math("negate"), [-0.5, 2.0, -3.0]);
    assert_eq!(
        render("Constant", &[("value", float(0.25))], &[], 3)[0],
        [0.25; 3]
    );
    let out = render(
        "Attenuverter",
        &[("gain", float(-0.5)), ("offset", float(1.0))],
        &[a],
        3,
    );
    assert_eq!(out[0], [0.75, 2.0, -0.5]);
}

#[test]
fn crossfade_equal_power_keeps_loudness() {
    let total = 48000;
    let a = noise(1, total);
    let b = noise(2, total);
    for mix in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let out = render(
            "Crossfade",
            &[("mix", float(mix))],
            &[a.clone(), b.clone()],
            total,
        );
        let ratio = db(rms(&out[0]) / rms(&a));
        assert!(ratio.abs() < 0.2, "mix {mix}: {ratio:.2} dB");
    }
    let out = render(
        "Crossfade",
        &[("mix", float(0.5)), ("curve", text("linear"))],
        &[vec![1.0], vec![0.0]],
        1,
    );
    assert_eq!(out[0][0], 0.5);
}

#[test]
fn pan_is_equal_power_at_every_position() {
    let x = vec![0.8; 8];
    for pan in [-1.0, -0.5, 0.0, 0.3, 1.0] {
        let out = render("Pan", &[("pan", float(pan))], std::slice::from_ref(&x), 8);
        let power = out[0][7].powi(2) + out[1][7].powi(2);
        assert!((power - 0.64).abs() < 1e-6, "pan {pan}: power {power}");
    }
    let out = render("Pan", &[], &[x], 8);
    assert!(
        (out[0][0] - 0.8 * std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-6,
        "-3 dB centre"
    );
}

#[test]
fn mixer_levels_pans_sends_mutes_and_returns() {
    let shape = Shape {
        channels: 2,
        ..Shape::default()
    };
    let total = 4800;
    let one = vec![1.0; total];
    let zero = vec![0.0; total];
    let mut h = harness(
        "Mixer",
        shape,
        &[
            ("level", list(&["0.5", "1"])),
            ("pan", list(&["-1", "0"])),
            ("send", list(&["1", "0"])),
            ("mute", list(&["0", "1"])),
        ],
    );
    // Channel 0 mono (right unconnected); channel 1 stereo but muted.
    h.module_mut()
        .set_connectivity(&[true, false, true, true, true, true], &[true; 4]);
    let ret = vec![0.1; total];
    let out = h.run_long(&[&one, &zero, &one, &one, &ret, &zero], total, 64);
    assert!(
        (out[0][100] - 0.6).abs() < 1e-5,
        "left = 0.5 panned hard left + return: {}",
        out[0][100]
    );
    assert!(out[1][100].abs() < 1e-5, "right: {}", out[1][100]);
    assert!(
        (out[2][100] - 0.5 * std::f32::consts::FRAC_1_SQRT_2).abs() < 1e-5,
        "send left"
    );
    // Unmuting channel 1 ramps in over ~5 ms with no step bigger than 2%.
    let index = 2;
    h.module_mut().set_param(index, &list(&["0", "0"]));
    let out = h.run_long(&[&one, &zero, &one, &one, &ret, &zero], total, 64);
    let steps = out[1]
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0, f32::max);
    assert!(steps < 0.02, "largest step {steps}");
    assert!(
        (out[1][total - 1] - 1.0).abs() < 1e-4,
        "right settles at 1: {}",
        out[1][total - 1]
    );
}
