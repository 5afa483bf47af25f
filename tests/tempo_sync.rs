//! Tempo sync of `Lfo`, `Delay` and `PingPongDelay`: a `sync` beat division locks the LFO's
//! cycle and the delay time to the transport (measured periods and echo times).

mod library_support;

use library_support::*;
use patches_tui::dsl;
use patches_tui::engine::{render_with, Quantize, StereoBuffer, ValidGraph};
use patches_tui::modules::{Registry, Shape, Tempo};

/// Frames where `x` crosses zero going up (from below zero to zero or above).
fn rising_zero_crossings(x: &[f32]) -> Vec<usize> {
    (1..x.len())
        .filter(|&i| x[i - 1] < 0.0 && x[i] >= 0.0)
        .collect()
}

/// Differences between successive crossings.
fn periods(crossings: &[usize]) -> Vec<usize> {
    crossings.windows(2).map(|w| w[1] - w[0]).collect()
}

fn synced_lfo(sync: &str, block: usize, total: usize) -> Vec<f32> {
    let mut h = harness("Lfo", Shape::default(), &[("sync", text(sync))]);
    h.run_long(&[], total, block).swap_remove(0)
}

#[test]
fn a_quarter_synced_lfo_at_120_bpm_has_a_period_of_exactly_24000_samples() {
    let total = 10 * 24000 + 100;
    let out = synced_lfo("1/4", 64, total);
    let crossings = rising_zero_crossings(&out);
    println!("crossings {crossings:?}");
    assert_eq!(crossings.len(), 10);
    assert!(crossings.iter().all(|c| c % 24000 == 0), "{crossings:?}");
    assert!(periods(&crossings).iter().all(|&p| p == 24000));
    // The rate in Hz is ignored while synced.
    let mut h = harness(
        "Lfo",
        Shape::default(),
        &[("sync", text("1/4")), ("rate", float(7.0))],
    );
    assert_eq!(h.run_long(&[], total, 64)[0], out);
}

#[test]
fn a_synced_lfo_is_bit_identical_at_every_block_size() {
    let total = 3 * 48000 + 17;
    for sync in ["1/4", "1/8t", "1/16d", "1bar"] {
        let reference = synced_lfo(sync, 64, total);
        for block in [1, 37, 512] {
            assert_eq!(
                synced_lfo(sync, block, total),
                reference,
                "{sync} block {block}"
            );
        }
    }
}

#[test]
fn synced_lfo_divisions_set_the_period_in_beats() {
    // 120 BPM: a beat is 24000 frames; 1/8t a third of a beat, 1/8d three quarters, 1bar four.
    for (sync, period) in [("1/8t", 8000), ("1/8d", 18000), ("1bar", 96000)] {
        let out = synced_lfo(sync, 64, 4 * period + 10);
        let found = periods(&rising_zero_crossings(&out));
        println!("{sync}: periods {found:?}");
        assert!(
            !found.is_empty() && found.iter().all(|&p| p == period),
            "{sync}: {found:?}"
        );
    }
}

#[test]
fn a_synced_lfo_follows_the_harness_tempo_and_reset_shifts_its_cycle() {
    let mut h = harness("Lfo", Shape::default(), &[("sync", text("1/4"))]);
    h.set_tempo(Tempo {
        bpm: 60.0,
        beats_per_frame: 1.0 / 48000.0,
        ..Tempo::start(48000.0)
    });
    let mut reset = vec![0.0; 4 * 48000];
    reset[10000] = 1.0;
    let rate_cv = vec![0.0; reset.len()];
    let out = h
        .run_long(&[&rate_cv, &reset], reset.len(), 64)
        .swap_remove(0);
    let crossings = rising_zero_crossings(&out);
    println!("60 BPM, reset at 10000: crossings {crossings:?}");
    // Beat 0.208 at frame 10000 restarts the cycle there (a jump to 0, not a crossing);
    // then one cycle per second (48000 frames) again, shifted by 10000 frames.
    assert_eq!(out[10000], 0.0);
    assert_eq!(crossings, vec![58000, 106000, 154000]);
}

fn load(text: &str) -> ValidGraph {
    match dsl::load(text, &Registry::standard()) {
        Ok(patch) => patch.valid,
        Err(errors) => panic!("{errors:?}"),
    }
}

fn lfo_patch(bpm: f64) -> String {
    format!(
        "transport:
  bpm: {bpm}
nodes:
  lfo:
    module: Lfo
    params:
      sync: 1/4
  out:
    module: AudioOut
cables:
  - from: lfo
    output: out
    to: out
    input: left
    scale: 0.5
"
    )
}

fn render_patch(patch: ValidGraph, schedule: Vec<(u64, ValidGraph)>, frames: u64) -> StereoBuffer {
    let mut out = StereoBuffer::default();
    render_with(
        patch,
        schedule,
        frames,
        SR,
        64,
        (Quantize::Off, 10.0),
        |chunk, _| {
            out.left.extend_from_slice(&chunk.left);
            out.right.extend_from_slice(&chunk.right);
            Ok::<(), ()>(())
        },
    )
    .expect("render");
    out
}

#[test]
fn a_synced_lfo_in_a_90_bpm_patch_has_a_period_of_32000_samples() {
    let out = render_patch(load(&lfo_patch(90.0)), vec![], 6 * 32000 + 100);
    let found = periods(&rising_zero_crossings(&out.left));
    println!("90 BPM periods {found:?}");
    assert_eq!(found.len(), 5);
    assert!(found.iter().all(|&p| p == 32000), "{found:?}");
}

#[test]
fn a_tempo_change_keeps_a_synced_lfo_on_the_beat() {
    // 120 BPM until frame 36000 (beat 1.5), then 90 BPM: beat 2 lands 16000 frames later
    // (half a beat at 32000 frames a beat), and every 32000 frames from there.
    let out = render_patch(
        load(&lfo_patch(120.0)),
        vec![(36000, load(&lfo_patch(90.0)))],
        160000,
    );
    let crossings = rising_zero_crossings(&out.left);
    println!("120 then 90 BPM crossings {crossings:?}");
    assert_eq!(crossings, vec![24000, 52000, 84000, 116000, 148000]);
}

fn first_echo_ms(name: &str, sync: &str, tempo: Option<Tempo>) -> f64 {
    let total = 48000;
    let params = [
        ("time_ms", float(100.0)),
        ("sync", text(sync)),
        ("feedback", float(0.0)),
        ("mix", float(1.0)),
    ];
    let mut h = harness(name, Shape::default(), &params);
    if let Some(tempo) = tempo {
        h.set_tempo(tempo);
    }
    let pulse = impulse(0, total);
    let out = h.run_long(&[&pulse, &pulse], total, 64);
    let at = (1..total)
        .max_by(|&a, &b| out[0][a].abs().total_cmp(&out[0][b].abs()))
        .unwrap();
    at as f64 / 48.0
}

#[test]
fn a_synced_delay_at_120_bpm_echoes_an_eighth_at_250_ms() {
    let ms = first_echo_ms("Delay", "1/8", None);
    println!("Delay 1/8 at 120 BPM: echo at {ms} ms (time_ms 100 ignored)");
    assert!((ms - 250.0).abs() <= 2.0, "{ms} ms");
    let ms = first_echo_ms("Delay", "1/8d", None);
    println!("Delay 1/8d at 120 BPM: echo at {ms} ms");
    assert!((ms - 375.0).abs() <= 2.0, "{ms} ms");
    let ms = first_echo_ms("PingPongDelay", "1/16", None);
    println!("PingPongDelay 1/16 at 120 BPM: echo at {ms} ms");
    assert!((ms - 125.0).abs() <= 2.0, "{ms} ms");
    let ms = first_echo_ms("Delay", "off", None);
    assert!((ms - 100.0).abs() <= 2.0, "unsynced {ms} ms");
}

#[test]
fn a_synced_delay_follows_the_tempo_and_clamps_to_two_seconds() {
    let at = |bpm: f64| Tempo {
        bpm,
        beats_per_frame: bpm / 60.0 / 48000.0,
        ..Tempo::start(48000.0)
    };
    let ms = first_echo_ms("Delay", "1/4", Some(at(90.0)));
    println!("Delay 1/4 at 90 BPM: echo at {ms} ms");
    assert!((ms - 666.7).abs() <= 2.0, "{ms} ms");
    // 1 bar at 60 BPM would be 4 s: the line holds 2 s. Render long enough to see it.
    let total = 3 * 48000;
    let params = [
        ("sync", text("1bar")),
        ("feedback", float(0.0)),
        ("mix", float(1.0)),
    ];
    let mut h = harness("Delay", Shape::default(), &params);
    h.set_tempo(at(60.0));
    let out = h.run_long(&[&impulse(0, total)], total, 64).swap_remove(0);
    let echo = (1..total)
        .max_by(|&a, &b| out[a].abs().total_cmp(&out[b].abs()))
        .unwrap();
    println!("Delay 1bar at 60 BPM: echo at {} ms", echo as f64 / 48.0);
    assert!((echo as f64 / 48.0 - 2000.0).abs() <= 2.0);
}
