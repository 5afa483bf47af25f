//! Measured behaviour of the library's sound modules: the band-limited oscillator, filters,
//! drums and effects. Figures are in the test names and messages.

mod library_support;

use library_support::*;
use patches_tui::modules::{Registry, Shape};

// ---------------------------------------------------------------------------------------
// Oscillator and the band-limited kernel.

/// C7 at 0 V/oct = C2: 2093.0 Hz is 5 octaves up.
const C7_VOCT: f64 = 5.0;
const C7_HZ: f64 = 65.406_391_325_149_66 * 32.0;

/// (fundamental level, worst non-harmonic level within 20 Hz..20 kHz), both as magnitudes.
fn worst_alias(x: &[f32], f0: f64) -> (f64, f64) {
    let spectrum = kaiser_spectrum(x);
    let bin = f64::from(SR) / x.len() as f64;
    let guard = 12.0 * bin;
    let fundamental = spectrum
        .iter()
        .enumerate()
        .filter(|(b, _)| (*b as f64 * bin - f0).abs() <= guard)
        .map(|(_, &m)| m)
        .fold(0.0, f64::max);
    let mut worst = 0.0f64;
    for (b, &m) in spectrum.iter().enumerate() {
        let f = b as f64 * bin;
        if !(20.0..=20000.0).contains(&f) {
            continue;
        }
        let k = (f / f0).round().max(1.0);
        if (f - k * f0).abs() <= guard {
            continue;
        }
        worst = worst.max(m);
    }
    (fundamental, worst)
}

fn oscillator_output(
    output: usize,
    voct: f64,
    params: &[(&str, patches_tui::modules::ParamValue)],
) -> Vec<f32> {
    let n = 1 << 16;
    let mut all = vec![("base_voct", float(voct))];
    all.extend(params.iter().cloned());
    let out = render("Oscillator", &all, &[], 4096 + n);
    out[output][4096..].to_vec()
}

#[test]
fn saw_pulse_and_triangle_at_2093_hz_alias_below_minus_100_db() {
    for (output, name, params) in [
        (2, "saw", vec![]),
        (3, "square", vec![]),
        (3, "pulse 0.2", vec![("pulse_width", float(0.2))]),
        (1, "triangle", vec![]),
    ] {
        let x = oscillator_output(output, C7_VOCT, &params);
        let (fundamental, worst) = worst_alias(&x, C7_HZ);
        let level = db(worst / fundamental);
        println!("{name} at 2093 Hz: worst alias {level:.1} dB");
        assert!(
            level <= -100.0,
            "{name}: worst alias {level:.1} dB (bar -80 dB)"
        );
    }
}

#[test]
fn saw_stays_below_minus_80_db_alias_across_the_top_octaves() {
    for voct in [4.0, 4.5, 5.25, 5.75, 6.5, 7.0] {
        let x = oscillator_output(2, voct, &[]);
        let f0 = 65.406_391_325_149_66 * 2f64.powf(voct);
        let (fundamental, worst) = worst_alias(&x, f0);
        let level = db(worst / fundamental);
        assert!(
            level <= -80.0,
            "saw at {f0:.0} Hz: worst alias {level:.1} dB"
        );
    }
}

/// The seed oscillator `name` at `base_voct`, after a 4096-frame settle: 2^16 frames.
fn seed_oscillator_output(name: &str, voct: f64) -> Vec<f32> {
    let n = 1 << 16;
    let out = render(name, &[("base_voct", float(voct))], &[], 4096 + n);
    out[0][4096..].to_vec()
}

#[test]
fn seed_saw_and_square_at_2093_hz_alias_below_minus_80_db() {
    // Measured on the wavetable kernel: saw and square both below -100 dB (PolyBLEP: -35
    // and -38 dB).
    for name in ["SawtoothOscillator", "SquareOscillator"] {
        let x = seed_oscillator_output(name, C7_VOCT);
        let (fundamental, worst) = worst_alias(&x, C7_HZ);
        let level = db(worst / fundamental);
        println!("{name} at 2093 Hz: worst alias {level:.1} dB");
        assert!(
            level <= -80.0,
            "{name}: worst alias {level:.1} dB (bar -80 dB)"
        );
    }
}

#[test]
fn oscillator_pitch_is_within_0_05_percent() {
    for voct in [-2.0, 0.0, 2.75, 5.0, 7.0] {
        let expected = 65.406_391_325_149_66 * 2f64.powf(voct);
        for output in [0, 2] {
            let x = render("Oscillator", &[("base_voct", float(voct))], &[], 96000);
            let measured = zero_crossing_frequency(&x[output]);
            let error = (measured / expected - 1.0).abs();
            assert!(
                error < 5e-4,
                "output {output} at {expected} Hz: {measured} ({error:e})"
            );
        }
    }
}

#[test]
fn oscillator_saw_has_the_ideal_harmonic_levels() {
    // A saw's harmonic k is 1/k of the fundamental: within 0.1 dB up to the 10th at 440 Hz.
    let x = oscillator_output(2, 2.75, &[]);
    let spectrum = kaiser_spectrum(&x);
    let bin = f64::from(SR) / x.len() as f64;
    // Energy over the window's main lobe: independent of where the bin grid falls.
    let level = |f: f64| {
        let centre = (f / bin).round() as usize;
        spectrum[centre - 12..centre + 12]
            .iter()
            .map(|v| v * v)
            .sum::<f64>()
            .sqrt()
    };
    let fundamental = level(440.0);
    for k in 2..=10 {
        let ratio = db(level(440.0 * k as f64) / fundamental) + db(k as f64);
        assert!(ratio.abs() < 0.1, "harmonic {k}: {ratio:.3} dB off 1/k");
    }
}

#[test]
fn linear_fm_of_plus_one_doubles_the_frequency_and_minus_two_runs_backwards() {
    let silent = vec![0.0; 48000];
    let fm = vec![1.0; 48000];
    let x = render(
        "Oscillator",
        &[("base_voct", float(2.75))],
        &[silent.clone(), fm],
        48000,
    );
    let f = zero_crossing_frequency(&x[0]);
    assert!((f / 880.0 - 1.0).abs() < 5e-4, "{f}");
    let fm = vec![-2.0; 48000];
    let x = render(
        "Oscillator",
        &[("base_voct", float(2.75))],
        &[silent, fm],
        48000,
    );
    // Through zero: -440 Hz, a sine running backwards (same zero-crossing rate, inverted).
    let f = zero_crossing_frequency(&x[0]);
    assert!((f / 440.0 - 1.0).abs() < 5e-4, "{f}");
    assert!(x[0][1] < 0.0, "phase runs backwards");
}

#[test]
fn hard_sync_makes_the_output_repeat_at_the_sync_period() {
    let period = 480;
    let sync = clock(period, 48000);
    let silent = vec![0.0; 48000];
    let x = render(
        "Oscillator",
        &[("base_voct", float(4.3))],
        &[silent.clone(), silent, sync],
        48000,
    );
    for (output, out) in x.iter().enumerate() {
        for i in period..48000 - period {
            assert_eq!(out[i], out[i + period], "output {output} sample {i}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Filters.

/// Gain in dB of a module output for a steady sine (after the settling half second).
fn gain_db(
    module: &str,
    output: usize,
    params: &[(&str, patches_tui::modules::ParamValue)],
    freq: f64,
    amp: f64,
) -> f64 {
    let x = sine(freq, amp, 48000);
    let out = render(module, params, &[x], 48000);
    db(rms(&out[output][24000..]) / (amp / std::f64::consts::SQRT_2))
}

#[test]
fn svf_responses_at_1_khz() {
    let p = [("cutoff", float(1000.0))];
    let lp_pass = gain_db("Svf", 0, &p, 100.0, 0.5);
    let lp_stop = gain_db("Svf", 0, &p, 10000.0, 0.5);
    let hp_pass = gain_db("Svf", 2, &p, 10000.0, 0.5);
    let hp_stop = gain_db("Svf", 2, &p, 100.0, 0.5);
    let bp_centre = gain_db("Svf", 1, &p, 1000.0, 0.5);
    let notch_centre = gain_db(
        "Svf",
        3,
        &[("cutoff", float(1000.0)), ("resonance", float(0.3))],
        1000.0,
        0.5,
    );
    assert!(lp_pass.abs() < 0.2, "lowpass at 100 Hz: {lp_pass:.2} dB");
    assert!(
        lp_stop < -38.0,
        "lowpass at 10 kHz: {lp_stop:.1} dB (12 dB/oct)"
    );
    assert!(hp_pass.abs() < 0.2, "highpass at 10 kHz: {hp_pass:.2} dB");
    assert!(hp_stop < -38.0, "highpass at 100 Hz: {hp_stop:.1} dB");
    assert!(
        bp_centre.abs() < 0.2,
        "bandpass at the centre: {bp_centre:.2} dB"
    );
    assert!(
        notch_centre < -40.0,
        "notch at the centre: {notch_centre:.1} dB"
    );
}

#[test]
fn svf_stays_bounded_under_audio_rate_cutoff_modulation_at_full_resonance() {
    let total = 96000;
    let input = noise(3, total).iter().map(|v| 0.5 * v).collect::<Vec<_>>();
    let cv: Vec<f32> = sine(3000.0, 4.0, total);
    let res: Vec<f32> = sine(700.0, 1.0, total);
    let out = render(
        "Svf",
        &[("resonance", float(1.0))],
        &[input, cv, res],
        total,
    );
    for (o, x) in out.iter().enumerate() {
        let p = peak(x);
        assert!(p.is_finite() && p < 60.0, "output {o}: peak {p}");
    }
}

#[test]
fn ladder_rolls_off_24_db_per_octave_and_passes_the_band() {
    let p = [("cutoff", float(1000.0))];
    let pass = gain_db("Ladder", 0, &p, 100.0, 0.05);
    let two_octaves = gain_db("Ladder", 0, &p, 4000.0, 0.05);
    assert!(pass.abs() < 0.5, "100 Hz: {pass:.2} dB");
    assert!(
        two_octaves < -44.0,
        "4 kHz: {two_octaves:.1} dB (4 poles: ~-49 dB)"
    );
}

#[test]
fn ladder_self_oscillates_at_the_cutoff_at_full_resonance_and_stays_bounded() {
    let total = 96000;
    let kick = impulse(0, total);
    let out = render(
        "Ladder",
        &[("cutoff", float(1000.0)), ("resonance", float(1.0))],
        &[kick],
        total,
    );
    let tail = &out[0][48000..];
    let level = rms(tail);
    let f = zero_crossing_frequency(tail);
    assert!(level > 0.05, "no self-oscillation: rms {level}");
    assert!((f / 1000.0 - 1.0).abs() < 0.05, "oscillates at {f:.1} Hz");
    assert!(peak(&out[0]) <= 1.5, "peak {}", peak(&out[0]));
    // Driven hard with loud noise and swept cutoff: still bounded.
    let loud: Vec<f32> = noise(5, total).iter().map(|v| 20.0 * v).collect();
    let cv = sine(50.0, 5.0, total);
    let out = render(
        "Ladder",
        &[("resonance", float(1.0)), ("drive", float(24.0))],
        &[loud, cv],
        total,
    );
    assert!(peak(&out[0]) <= 1.5, "driven peak {}", peak(&out[0]));
}

// ---------------------------------------------------------------------------------------
// Drums.

#[test]
fn kick_on_each_beat_has_centroid_below_250_hz_and_peak_above_0_2() {
    let total = 96000;
    let beats = clock(24000, total);
    let out = render("Kick", &[], &[beats], total);
    let c = centroid(&out[0]);
    let p = peak(&out[0]);
    println!("kick: centroid {c:.0} Hz, peak {p:.2}");
    assert!(c < 250.0, "centroid {c:.0} Hz");
    assert!(p > 0.2 && p <= 1.0, "peak {p}");
}

/// Seconds from the strike until the 10 ms peak stays below -60 dB of the first.
fn t60(x: &[f32]) -> f64 {
    let window = 480;
    let first = peak(&x[..window]);
    let last_loud = x
        .chunks(window)
        .rposition(|c| peak(c) >= first * 0.001)
        .unwrap_or(0);
    ((last_loud + 1) * window) as f64 / f64::from(SR)
}

#[test]
fn drum_decays_match_their_decay_parameter_within_15_percent() {
    for (name, decay) in [
        ("Kick", 0.6),
        ("Kick", 1.5),
        ("Tom", 0.5),
        ("Snare", 0.25),
        ("HiHat", 0.4),
        ("Cowbell", 0.8),
    ] {
        let total = 4 * 48000;
        let out = render(
            name,
            &[("decay", float(decay))],
            &[impulse(0, total)],
            total,
        );
        let measured = t60(&out[0]);
        assert!(
            (measured / decay - 1.0).abs() < 0.15,
            "{name} decay {decay}: measured {measured:.3} s"
        );
    }
}

#[test]
fn drum_spectra_sit_where_they_should() {
    let total = 24000;
    let centre = |name: &str| centroid(&render(name, &[], &[impulse(0, total)], total)[0]);
    let (kick, tom, snare, clap, hat) = (
        centre("Kick"),
        centre("Tom"),
        centre("Snare"),
        centre("Clap"),
        centre("HiHat"),
    );
    assert!(
        kick < tom && tom < snare,
        "kick {kick:.0} < tom {tom:.0} < snare {snare:.0}"
    );
    assert!(clap > 800.0 && clap < 4000.0, "clap {clap:.0} Hz");
    assert!(hat > 6000.0, "hi-hat {hat:.0} Hz");
}

#[test]
fn accent_raises_the_strike_from_0_7_to_full_level() {
    let total = 4800;
    let plain = render("Kick", &[], &[impulse(0, total)], total);
    let accented = render("Kick", &[], &[impulse(0, total), vec![1.0; total]], total);
    let ratio = peak(&accented[0]) / peak(&plain[0]);
    assert!((ratio - 1.0 / 0.7).abs() < 0.01, "ratio {ratio}");
}

#[test]
fn choke_silences_an_open_hat_within_20_ms() {
    let total = 24000;
    let mut choke = vec![0.0; total];
    choke[4800] = 1.0;
    let open = render(
        "HiHat",
        &[("decay", float(2.0))],
        &[impulse(0, total)],
        total,
    );
    let choked = render(
        "HiHat",
        &[("decay", float(2.0))],
        &[impulse(0, total), vec![0.0; total], choke],
        total,
    );
    let after = 4800 + 960;
    let drop = db(rms(&choked[0][after..after + 960]) / rms(&open[0][after..after + 960]));
    assert!(drop < -60.0, "20 ms after the choke: {drop:.1} dB");
    assert_eq!(&open[0][..4800], &choked[0][..4800]);
}

#[test]
fn clap_has_four_bursts_10_ms_apart() {
    let total = 4800;
    let out = render("Clap", &[], &[impulse(0, total)], total);
    let window_rms = |ms: f64| {
        let start = (ms * 48.0) as usize;
        rms(&out[0][start..start + 48])
    };
    for burst in 1..4 {
        let at = 10.0 * burst as f64;
        let ratio = window_rms(at) / window_rms(at - 1.5);
        assert!(ratio > 3.0, "burst {burst}: onset/gap ratio {ratio:.2}");
    }
}

// ---------------------------------------------------------------------------------------
// Effects.

/// Index and value of the largest absolute sample in `x[range]`.
fn peak_in(x: &[f32], range: std::ops::Range<usize>) -> (usize, f32) {
    let start = range.start;
    x[range]
        .iter()
        .enumerate()
        .map(|(i, v)| (start + i, v.abs()))
        .fold((0, 0.0), |a, b| if b.1 > a.1 { b } else { a })
}

#[test]
fn delay_echoes_a_pulse_at_250_and_500_ms_the_second_0_3_to_0_7_of_the_first() {
    let total = 30000;
    let params = [
        ("time_ms", float(250.0)),
        ("feedback", float(0.5)),
        ("mix", float(1.0)),
    ];
    let out = render("Delay", &params, &[impulse(0, total)], total);
    let (t1, a1) = peak_in(&out[0], 100..18000);
    let (t2, a2) = peak_in(&out[0], 18000..30000);
    let ms = |t: usize| t as f64 / 48.0;
    println!(
        "echoes at {} ms ({a1}) and {} ms ({a2}), ratio {}",
        ms(t1),
        ms(t2),
        a2 / a1
    );
    assert!((ms(t1) - 250.0).abs() <= 2.0, "first echo at {} ms", ms(t1));
    assert!(
        (ms(t2) - 500.0).abs() <= 2.0,
        "second echo at {} ms",
        ms(t2)
    );
    assert!(
        (0.3..=0.7).contains(&(a2 / a1)),
        "second/first = {}",
        a2 / a1
    );
    assert_eq!(out[0][0], 0.0, "mix 1 is wet only");
}

#[test]
fn delay_time_changes_glide_without_a_jump() {
    let total = 96000;
    let x = sine(440.0, 0.5, total);
    let mut h = harness(
        "Delay",
        Shape::default(),
        &[("mix", float(1.0)), ("feedback", float(0.0))],
    );
    let first = h.run_long(&[&x[..24000]], 24000, 64);
    let index = Registry::standard()
        .get("Delay")
        .unwrap()
        .descriptor(Shape::default())
        .param_index("time_ms")
        .unwrap();
    h.module_mut().set_param(index, &float(400.0));
    let second = h.run_long(&[&x[24000..]], total - 24000, 64);
    let out: Vec<f32> = first[0].iter().chain(&second[0]).copied().collect();
    // A switched read point would jump by up to 1.0; the glide bends the pitch instead.
    let largest_step = out[12000..]
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0, f32::max);
    assert!(largest_step < 0.3, "largest step {largest_step}");
    // After the glide the echo is the input 400 ms late.
    let late = (90000 - 19200)..(90000 - 19200 + 200);
    for (i, j) in late.zip(90000..90200) {
        assert!((out[j] - x[i]).abs() < 1e-3, "sample {j}");
    }
}

#[test]
fn ping_pong_alternates_sides() {
    let total = 40000;
    let params = [
        ("time_ms", float(200.0)),
        ("feedback", float(0.6)),
        ("mix", float(1.0)),
    ];
    let pulse = impulse(0, total);
    let out = render("PingPongDelay", &params, &[pulse.clone(), pulse], total);
    let (tl, _) = peak_in(&out[0], 100..total);
    let (tr, _) = peak_in(&out[1], 100..total);
    assert_eq!(tl, 9600, "first echo left at 200 ms");
    assert_eq!(tr, 19200, "then right at 400 ms");
    assert!(out[1][9600].abs() < 1e-6 && out[0][19200].abs() < 1e-6);
}

/// T30 (Schroeder backward integration, -5 to -35 dB, doubled) of an impulse response.
fn schroeder_t30(energy: &[f64]) -> f64 {
    let mut edc = vec![0.0; energy.len()];
    let mut acc = 0.0;
    for i in (0..energy.len()).rev() {
        acc += energy[i];
        edc[i] = acc;
    }
    let total = edc[0];
    let cross = |level_db: f64| {
        edc.iter()
            .position(|&e| 10.0 * (e / total).log10() <= level_db)
            .expect("decay reaches the level") as f64
            / f64::from(SR)
    };
    2.0 * (cross(-35.0) - cross(-5.0))
}

#[test]
fn reverb_decay_2_s_gives_rt60_between_1_4_and_2_8_s() {
    let total = 6 * 48000;
    let pulse = impulse(0, total);
    let out = render(
        "Reverb",
        &[("decay", float(2.0)), ("mix", float(1.0))],
        &[pulse.clone(), pulse],
        total,
    );
    let energy: Vec<f64> = out[0]
        .iter()
        .zip(&out[1])
        .map(|(&l, &r)| f64::from(l * l + r * r))
        .collect();
    let t30 = schroeder_t30(&energy);
    println!("reverb decay 2.0: T30 {t30:.2} s");
    assert!((1.4..=2.8).contains(&t30), "T30 {t30:.2} s");
    let t30_long = {
        let out = render(
            "Reverb",
            &[
                ("decay", float(4.0)),
                ("mix", float(1.0)),
                ("damping", float(0.0)),
            ],
            &[impulse(0, total)],
            total,
        );
        let energy: Vec<f64> = out[0].iter().map(|&l| f64::from(l * l)).collect();
        schroeder_t30(&energy)
    };
    assert!(
        (3.4..=4.6).contains(&t30_long),
        "decay 4, no damping: T30 {t30_long:.2} s"
    );
}

#[test]
fn reverb_is_dense_and_its_sides_decorrelated() {
    let total = 48000;
    let pulse = impulse(0, total);
    let out = render(
        "Reverb",
        &[("mix", float(1.0)), ("pre_delay", float(0.0))],
        &[pulse.clone(), pulse],
        total,
    );
    // Echo density: between 100 and 200 ms nearly every sample is non-negligible.
    let window = &out[0][4800..9600];
    let level = rms(window) as f32;
    let busy =
        window.iter().filter(|v| v.abs() > 0.05 * level).count() as f64 / window.len() as f64;
    assert!(
        busy > 0.9,
        "only {:.0}% of samples carry sound",
        busy * 100.0
    );
    let (l, r) = (&out[0][4800..], &out[1][4800..]);
    let dot: f64 = l.iter().zip(r).map(|(&a, &b)| f64::from(a * b)).sum();
    let correlation = dot / (rms(l) * rms(r) * l.len() as f64);
    assert!(correlation.abs() < 0.3, "correlation {correlation:.2}");
}

#[test]
fn limiter_never_exceeds_its_ceiling_for_inputs_24_db_over() {
    let total = 96000;
    for ceiling_db in [-0.3, -6.0] {
        let ceiling = 10f32.powf(ceiling_db as f32 / 20.0);
        let over = ceiling * 10f32.powf(24.0 / 20.0);
        let sources = [
            sine(100.0, f64::from(over), total),
            noise(9, total).iter().map(|v| v * over).collect(),
            (0..total)
                .map(|i| if (i / 7000) % 2 == 0 { 0.01 } else { over })
                .collect(),
            (0..total)
                .map(|i| if i % 4000 == 0 { over } else { 0.0 })
                .collect::<Vec<f32>>(),
        ];
        for (k, x) in sources.iter().enumerate() {
            let out = render(
                "Limiter",
                &[("ceiling", float(ceiling_db))],
                &[x.clone(), x.clone()],
                total,
            );
            for side in &out {
                let p = peak(side);
                assert!(p <= ceiling, "source {k}, ceiling {ceiling}: peak {p}");
            }
        }
    }
}

#[test]
fn limiter_turns_gain_down_ahead_of_peaks_instead_of_clipping() {
    let total = 96000;
    let over = 0.966 * 10f32.powf(24.0 / 20.0);
    let x = sine(100.0, f64::from(over), total);
    let out = render("Limiter", &[], &[x.clone(), x], total);
    let tail = &out[0][48000..];
    let crest = rms(tail) / f64::from(peak(tail));
    // A sine has rms/peak 0.707; a clipped one approaches 1.
    assert!(crest < 0.75, "rms/peak {crest:.3}");
    assert!(peak(tail) > 0.9, "peak {}", peak(tail));
}

#[test]
fn compressor_4_to_1_reduces_a_0_db_sine_by_about_13_5_db() {
    let total = 48000;
    let x = sine(1000.0, 1.0, total);
    let out = render("Compressor", &[], &[x], total);
    let level = db(f64::from(peak(&out[0][24000..])));
    // threshold -18 dB, ratio 4: 18 dB over becomes 4.5 dB over, so -13.5 dB.
    assert!((level + 13.5).abs() < 2.0, "output peak {level:.1} dB");
    assert!((db(f64::from(peak(&out[1][24000..]))) - db(13.5)).abs() < 2.0);
}

#[test]
fn compressor_sidechain_ducks_and_recovers() {
    let total = 48000;
    let x = sine(200.0, 0.5, total);
    let mut kick = vec![0.0; total];
    for v in kick.iter_mut().skip(12000).take(2400) {
        *v = 1.0;
    }
    let params = [
        ("threshold", float(-30.0)),
        ("ratio", float(10.0)),
        ("release", float(50.0)),
    ];
    let mut h = harness("Compressor", Shape::default(), &params);
    h.module_mut()
        .set_connectivity(&[true, true], &[true, true]);
    let out = h.run_long(&[&x, &kick], total, 64);
    let during = db(rms(&out[0][12480..14400]) / rms(&x[12480..14400]));
    let before = db(rms(&out[0][4800..12000]) / rms(&x[4800..12000]));
    let after = db(rms(&out[0][40000..]) / rms(&x[40000..]));
    assert!(during < -20.0, "ducked by {during:.1} dB");
    assert!(
        before.abs() < 0.1 && after.abs() < 0.5,
        "before {before:.2}, after {after:.2}"
    );
}

#[test]
fn chorus_delays_around_12_ms_and_widens_a_mono_source() {
    let total = 48000;
    let out = render(
        "Chorus",
        &[("mix", float(1.0))],
        &[impulse(0, total), impulse(0, total)],
        total,
    );
    for (side, signal) in out.iter().enumerate() {
        let (t, _) = peak_in(signal, 0..2000);
        let ms = t as f64 / 48.0;
        assert!((7.0..=17.0).contains(&ms), "side {side} at {ms} ms");
    }
    let x = sine(300.0, 0.5, total);
    let out = render("Chorus", &[], &[x.clone(), x], total);
    let difference: Vec<f32> = out[0].iter().zip(&out[1]).map(|(a, b)| a - b).collect();
    assert!(rms(&difference) > 0.01, "left and right are the same");
}

#[test]
fn drive_modes_bound_the_output() {
    let total = 4800;
    let x = sine(100.0, 1.0, total);
    for (mode, drive, expected_peak) in [
        ("soft", 12.0, 0.999),
        ("hard", 12.0, 1.0),
        ("fold", 24.0, 1.0),
    ] {
        let out = render(
            "Drive",
            &[("mode", text(mode)), ("drive", float(drive))],
            std::slice::from_ref(&x),
            total,
        );
        let p = peak(&out[0]);
        assert!(p <= 1.0 && p >= expected_peak - 0.01, "{mode}: peak {p}");
    }
    // Soft drive at 0 dB on a quiet signal is nearly transparent.
    let quiet = sine(100.0, 0.01, total);
    let out = render(
        "Drive",
        &[("drive", float(0.0))],
        std::slice::from_ref(&quiet),
        total,
    );
    assert!((rms(&out[0]) / rms(&quiet) - 1.0).abs() < 1e-3);
}

#[test]
fn bitcrusher_quantises_to_its_bits_and_holds_at_its_rate() {
    let total = 4800;
    let x = sine(50.0, 0.9, total);
    let out = render(
        "Bitcrusher",
        &[("bits", float(3.0)), ("rate", float(1000.0))],
        &[x],
        total,
    );
    let mut levels: Vec<i32> = out[0].iter().map(|v| (v * 4.0).round() as i32).collect();
    assert!(
        out[0]
            .iter()
            .all(|v| ((v * 4.0).round() - v * 4.0).abs() < 1e-6),
        "3 bits: steps of 1/4"
    );
    levels.dedup();
    let changes = levels.len() - 1;
    assert!(
        changes <= total / 48,
        "{changes} changes for 100 held samples"
    );
}

#[test]
fn wavefolder_output_stays_in_range_and_folds() {
    let total = 4800;
    let x = sine(100.0, 1.0, total);
    let out = render("Wavefolder", &[("gain", float(5.0))], &[x], total);
    assert!(peak(&out[0]) <= 1.0);
    let crossings = out[0]
        .windows(2)
        .filter(|w| w[0] < 0.0 && w[1] >= 0.0)
        .count();
    assert!(
        crossings >= 10 * 3,
        "{crossings} upward crossings in 10 cycles"
    );
}
