//! Click-free scale changes: a changed cable scale ramps over 10 ms from the frame the
//! commit lands on, so the largest sample step after the commit stays near the signal's own
//! steady step (the issue measured 5.6x without the ramp).

use patches_tui::dsl;
use patches_tui::engine::{OfflineRenderer, StereoBuffer, ValidGraph};
use patches_tui::modules::Registry;

const SR: f32 = 48000.0;

fn sine(scale: f64) -> ValidGraph {
    let text = format!(
        "nodes:
  osc:
    module: SineOscillator
    params:
      frequency: 110.0
  out:
    module: AudioOut
cables:
  - from: osc
    output: out
    to: out
    input: left
    scale: {scale}
"
    );
    dsl::load(&text, &Registry::seed()).expect("valid").valid
}

/// Renders `before` for `at` frames, commits `after` and renders 0.1 s more.
fn switch(before: ValidGraph, after: ValidGraph, at: usize, block: usize) -> Vec<f32> {
    let mut r = OfflineRenderer::new(SR, block);
    let mut out = StereoBuffer::default();
    r.commit(before);
    r.render_into(&mut out, at);
    r.commit(after);
    r.render_into(&mut out, 4800);
    out.left
}

fn largest_step(x: &[f32]) -> f32 {
    x.windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0, f32::max)
}

/// Largest step in the 20 ms after the commit over the larger steady step in the 20 ms
/// before it and in 20 ms well after the fade.
fn step_ratio(x: &[f32], at: usize) -> f32 {
    let window = 960;
    let after = largest_step(&x[at - 1..at + window]);
    let steady_before = largest_step(&x[at - window..at]);
    let steady_after = largest_step(&x[at + 2 * window..at + 3 * window]);
    after / steady_before.max(steady_after)
}

#[test]
fn a_scale_change_from_one_to_a_tenth_ramps_without_a_click() {
    // 12100 frames: the 110 Hz sine is near its peak, where a jump is largest.
    let at = 12100;
    let x = switch(sine(1.0), sine(0.1), at, 64);
    let ratio = step_ratio(&x, at);
    assert!(ratio <= 1.5, "step ratio {ratio}");
    // The ramp reaches the new scale after 10 ms: the level is a tenth from then on.
    let peak = x[at + 480..].iter().fold(0.0f32, |m, v| m.max(v.abs()));
    assert!((peak - 0.1).abs() < 0.005, "peak {peak}");
    let up = switch(sine(0.1), sine(1.0), at, 64);
    let ratio = step_ratio(&up, at);
    assert!(ratio <= 1.5, "step ratio up {ratio}");
}

#[test]
fn the_ramp_is_the_same_whatever_the_block_size() {
    let reference = switch(sine(1.0), sine(0.1), 12100, 1);
    for block in [37, 64, 512] {
        assert!(
            switch(sine(1.0), sine(0.1), 12100, block) == reference,
            "block {block}"
        );
    }
}
