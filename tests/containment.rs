//! NaN/Inf containment: a node whose output goes non-finite is reset on the audio thread,
//! its neighbours never see the NaN, and a commit that fixes the patch plays at once.

use patches_tui::dsl;
use patches_tui::engine::{OfflineRenderer, StereoBuffer};
use patches_tui::modules::Registry;

const SR: f32 = 48000.0;

fn load(text: &str) -> patches_tui::engine::ValidGraph {
    dsl::load(text, &Registry::seed())
        .expect("test patch is valid")
        .valid
}

/// A sine into a Sum whose output feeds back into itself with `gain`.
fn feedback_loop(gain: f64) -> String {
    format!(
        "nodes:
  osc:
    module: SineOscillator
    params:
      frequency: 220.0
  loop:
    module: Sum
    channels: 2
  out:
    module: AudioOut
cables:
  - from: osc
    output: out
    to: loop
    input: in/0
    scale: 0.1
  - from: loop
    output: out
    to: loop
    input: in/1
    scale: {gain}
  - from: loop
    output: out
    to: out
    input: left
  - from: osc
    output: out
    to: out
    input: right
    scale: 0.5
"
    )
}

/// A 440 Hz sine whose pitch input is a slow sine scaled by `depth`.
fn vibrato(depth: f64) -> String {
    format!(
        "nodes:
  lfo:
    module: SineOscillator
    params:
      frequency: 1.0
  osc:
    module: SineOscillator
    params:
      frequency: 440.0
  out:
    module: AudioOut
cables:
  - from: lfo
    output: out
    to: osc
    input: voct
    scale: {depth}
  - from: osc
    output: out
    to: out
    input: left
  - from: lfo
    output: out
    to: out
    input: right
    scale: 0.5
"
    )
}

/// Renders `broken` for 0.5 s, commits `fixed`, renders 0.5 s more.
fn break_then_fix(broken: &str, fixed: &str, block: usize) -> (StereoBuffer, OfflineRenderer) {
    let mut r = OfflineRenderer::new(SR, block);
    let mut out = StereoBuffer::default();
    r.commit(load(broken));
    r.render_into(&mut out, (SR * 0.5) as usize);
    r.commit(load(fixed));
    r.render_into(&mut out, (SR * 0.5) as usize);
    (out, r)
}

fn rms(x: &[f32]) -> f32 {
    (x.iter().map(|v| v * v).sum::<f32>() / x.len() as f32).sqrt()
}

/// Non-finite samples the output guard has replaced so far: none when containment works.
fn non_finite_out(r: &OfflineRenderer) -> u64 {
    r.engine()
        .counters()
        .non_finite
        .load(std::sync::atomic::Ordering::Relaxed)
}

/// Zero crossings per second (upward) of `x`.
fn frequency(x: &[f32]) -> f32 {
    let ups = x.windows(2).filter(|w| w[0] < 0.0 && w[1] >= 0.0).count();
    ups as f32 * SR / x.len() as f32
}

#[test]
fn a_runaway_feedback_loop_is_reset_and_plays_again_within_a_tenth_of_a_second_of_the_fix() {
    let (out, mut r) = break_then_fix(&feedback_loop(1.5), &feedback_loop(0.5), 64);
    let resets = r.engine_mut().take_resets();
    assert!(!resets.is_empty(), "the loop was reset");
    let half = (SR * 0.5) as usize;
    // From 0.1 s after the fix the loop plays 0.1 * sine / (1 - 0.5 z^-1): about 0.2 peak.
    let after = &out.left[half + (SR * 0.1) as usize..];
    let level = rms(after);
    assert!(
        (0.1..0.2).contains(&level),
        "loop level after the fix {level}"
    );
    // The neighbour (the sine on the right) never stopped.
    let right = rms(&out.right[..half]);
    assert!((right - 0.5 / 2f32.sqrt()).abs() < 0.01, "right {right}");
    assert_eq!(non_finite_out(&r), 0);
}

#[test]
fn a_sine_driven_to_infinite_pitch_is_reset_and_plays_again_within_a_tenth_of_a_second() {
    let (out, mut r) = break_then_fix(&vibrato(2000.0), &vibrato(0.01), 64);
    let resets = r.engine_mut().take_resets();
    assert!(!resets.is_empty(), "the oscillator was reset");
    let half = (SR * 0.5) as usize;
    let after = &out.left[half + (SR * 0.1) as usize..];
    let level = rms(after);
    assert!((level - 1.0 / 2f32.sqrt()).abs() < 0.02, "level {level}");
    let f = frequency(after);
    assert!((f - 440.0).abs() < 10.0, "frequency {f}");
    // The lfo feeding it was never disturbed.
    let lfo = rms(&out.right);
    assert!((lfo - 0.5 / 2f32.sqrt()).abs() < 0.01, "lfo {lfo}");
    assert!(out.left.iter().all(|x| x.is_finite()));
    assert_eq!(non_finite_out(&r), 0);
}

#[test]
fn resets_name_the_node_and_its_plan() {
    let mut r = OfflineRenderer::new(SR, 64);
    let mut out = StereoBuffer::default();
    let graph = load(&vibrato(2000.0));
    let osc = graph.node_index("osc").expect("osc") as u32;
    let summary = r.commit(graph);
    r.render_into(&mut out, 4800);
    let resets = r.engine_mut().take_resets();
    assert!(resets
        .iter()
        .all(|x| x.node == osc && x.plan_id == summary.plan_id));
    // It keeps blowing up, so it keeps being reset as spares arrive.
    assert!(resets.len() > 1, "{} resets", resets.len());
}

#[test]
fn the_reset_lands_on_the_same_sample_whatever_the_block_size() {
    let reference = break_then_fix(&feedback_loop(1.5), &feedback_loop(0.5), 1).0;
    for block in [37, 64, 512] {
        let out = break_then_fix(&feedback_loop(1.5), &feedback_loop(0.5), block).0;
        let first = out
            .left
            .iter()
            .zip(&reference.left)
            .position(|(a, b)| a.to_bits() != b.to_bits());
        assert!(
            out == reference,
            "block {block} differs from frame {first:?}"
        );
    }
}
