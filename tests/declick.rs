//! Click-free commits: changed cable scales, new and removed nodes, retyped nodes and float
//! parameters ramp over 10 ms from the frame the commit lands on, so the largest sample
//! step after the commit stays near the signal's own steady step (the issue measured 5.6x,
//! 6.8x and 34x without the fades).

mod support;

use support::step_ratio;

use patches_tui::dsl;
use patches_tui::engine::{
    OfflineRenderer, Planner, PoolSizes, Quantize, StereoBuffer, ValidGraph,
};
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

fn patch(text: &str) -> ValidGraph {
    dsl::load(text, &Registry::standard()).expect("valid").valid
}

/// Two sines at 110 and 165 Hz summed into the left output; `b` only when `with_b`.
fn two_sines(with_b: bool) -> ValidGraph {
    let b = if with_b {
        "  b:\n    module: SineOscillator\n    params:\n      frequency: 165.0\n"
    } else {
        ""
    };
    let b_cable = if with_b {
        "  - from: b\n    output: out\n    to: out\n    input: left\n    scale: 0.5\n"
    } else {
        ""
    };
    patch(&format!(
        "nodes:
  a:
    module: SineOscillator
    params:
      frequency: 110.0
{b}  out:
    module: AudioOut
cables:
  - from: a
    output: out
    to: out
    input: left
    scale: 0.5
{b_cable}"
    ))
}

/// A 110 Hz sine, plus a slow square (about 4 Hz, at full level from its first sample)
/// added to the left output when `with_square`.
fn sine_and_square(with_square: bool) -> ValidGraph {
    let square = if with_square {
        "  sq:\n    module: SquareOscillator\n    params:\n      base_voct: -4.0\n"
    } else {
        ""
    };
    let cable = if with_square {
        "  - from: sq\n    output: out\n    to: out\n    input: left\n    scale: 0.5\n"
    } else {
        ""
    };
    patch(&format!(
        "nodes:
  osc:
    module: SineOscillator
    params:
      frequency: 110.0
{square}  out:
    module: AudioOut
cables:
  - from: osc
    output: out
    to: out
    input: left
    scale: 0.5
{cable}"
    ))
}

#[test]
fn removing_one_of_two_summed_sines_fades_it_out() {
    let at = 12100;
    let x = switch(two_sines(true), two_sines(false), at, 64);
    let ratio = step_ratio(&x, at);
    assert!(ratio <= 1.5, "step ratio {ratio}");
    // The removed sine keeps playing through the fade: right after the commit the output
    // is still the sum, not `a` alone.
    let alone = switch(two_sines(false), two_sines(false), at, 64);
    let during = (at + 10..at + 100).map(|i| (x[i] - alone[i]).abs());
    assert!(during.fold(0.0, f32::max) > 0.05);
    // Once the fade is over only `a` plays, bit-identical to a run without `b`.
    assert!(x[at + 480..] == alone[at + 480..]);
}

#[test]
fn adding_a_square_at_full_level_fades_it_in() {
    let at = 12100;
    let x = switch(sine_and_square(false), sine_and_square(true), at, 64);
    let ratio = step_ratio(&x, at);
    assert!(ratio <= 1.5, "step ratio {ratio}");
    // After the fade the square is at its full level: +0.5 on top of the sine.
    let without = switch(sine_and_square(false), sine_and_square(false), at, 64);
    let added = x[at + 600] - without[at + 600];
    assert!((added - 0.5).abs() < 0.01, "square adds {added}");
}

/// The sine at 110 Hz as `SineOscillator`, or as `Oscillator`'s sine output (a retype of
/// the same node name, whose new instance starts at phase 0).
fn retyped(library: bool) -> ValidGraph {
    let (module, param, port) = if library {
        ("Oscillator", "base_voct: 0.7500", "sine")
    } else {
        ("SineOscillator", "frequency: 110.0", "out")
    };
    patch(&format!(
        "nodes:
  osc:
    module: {module}
    params:
      {param}
  out:
    module: AudioOut
cables:
  - from: osc
    output: {port}
    to: out
    input: left
"
    ))
}

#[test]
fn a_retyped_node_crossfades_into_its_new_instance() {
    let at = 12100;
    let x = switch(retyped(false), retyped(true), at, 64);
    let ratio = step_ratio(&x, at);
    assert!(ratio <= 1.5, "step ratio {ratio}");
    let fresh = {
        let mut r = OfflineRenderer::new(SR, 64);
        let mut out = StereoBuffer::default();
        r.commit(retyped(true));
        r.render_into(&mut out, 4800);
        out.left
    };
    // After the fade only the new instance plays, from its own phase 0 at the commit.
    assert!(x[at + 480..at + 4800] == fresh[480..4800]);
}

/// A 110 Hz sine through an `Attenuverter` whose float `gain` is `gain`.
fn attenuated(gain: f64) -> ValidGraph {
    patch(&format!(
        "nodes:
  osc:
    module: SineOscillator
    params:
      frequency: 110.0
  amp:
    module: Attenuverter
    params:
      gain: {gain}
  out:
    module: AudioOut
cables:
  - from: osc
    output: out
    to: amp
    input: in
  - from: amp
    output: out
    to: out
    input: left
"
    ))
}

#[test]
fn a_float_parameter_ramps_over_the_fade() {
    let at = 12100;
    let x = switch(attenuated(1.0), attenuated(0.1), at, 64);
    let ratio = step_ratio(&x, at);
    assert!(ratio <= 1.5, "step ratio {ratio}");
    // Halfway through the fade the gain is about halfway.
    let mid = at + 240;
    let sine = switch(attenuated(1.0), attenuated(1.0), at, 64);
    let gain = x[mid] / sine[mid];
    assert!((gain - 0.55).abs() < 0.02, "gain at mid-fade {gain}");
    // After the fade the gain is exactly the new one.
    let tenth = switch(attenuated(0.1), attenuated(0.1), at, 64);
    assert!(x[at + 480..] == tenth[at + 480..]);
}

/// Makes one of two variants of a patch.
type Variant = fn(bool) -> ValidGraph;

#[test]
fn node_fades_and_parameter_ramps_are_the_same_whatever_the_block_size() {
    let cases: [(Variant, bool, bool); 3] = [
        (two_sines, true, false),
        (sine_and_square, false, true),
        (retyped, false, true),
    ];
    for (make, before, after) in cases {
        let reference = switch(make(before), make(after), 12100, 1);
        for block in [37, 64, 512] {
            let x = switch(make(before), make(after), 12100, block);
            assert!(x == reference, "block {block}");
        }
    }
    let reference = switch(attenuated(1.0), attenuated(0.1), 12100, 1);
    for block in [37, 64, 512] {
        assert!(switch(attenuated(1.0), attenuated(0.1), 12100, block) == reference);
    }
}

#[test]
fn ghosts_are_retired_once_their_fade_is_over() {
    let mut r = OfflineRenderer::new(SR, 64);
    let mut out = StereoBuffer::default();
    r.commit(two_sines(true));
    r.render_into(&mut out, 4800);
    r.commit(two_sines(false));
    assert!(r.engine().planner().has_ghosts());
    r.render_into(&mut out, 4800);
    assert!(!r.engine().planner().has_ghosts());
}

#[test]
fn a_quantised_removal_fades_from_its_bar_line() {
    // At 120 BPM in 4/4 the commit made at 12100 frames lands on the next bar, 2.0 s.
    let bar = 96000;
    let mut r = OfflineRenderer::new(SR, 64);
    r.engine_mut().set_quantize(Quantize::Bar);
    let mut x = StereoBuffer::default();
    r.commit(two_sines(true));
    r.render_into(&mut x, 12100);
    r.commit(two_sines(false));
    r.render_into(&mut x, bar + 4800 - 12100);
    let steady = |graph: ValidGraph| {
        let mut r = OfflineRenderer::new(SR, 64);
        let mut out = StereoBuffer::default();
        r.commit(graph);
        r.render_into(&mut out, bar + 4800);
        out.left
    };
    let (both, alone) = (steady(two_sines(true)), steady(two_sines(false)));
    assert!(
        x.left[..bar] == both[..bar],
        "nothing changes before the bar"
    );
    assert!(
        x.left[bar..bar + 4] != alone[bar..bar + 4],
        "the fade starts on it"
    );
    assert!(x.left[bar + 480..] == alone[bar + 480..]);
    let ratio = step_ratio(&x.left, bar);
    assert!(ratio <= 1.5, "step ratio {ratio}");
}

#[test]
fn commits_faster_than_the_fade_do_not_pile_up_ghosts() {
    // Every commit renames the sine, so the last one becomes a ghost; nothing is rendered,
    // so no ghost is ever known to be silent.
    let mut planner = Planner::new(SR, PoolSizes::default());
    let mut largest = 0;
    for i in 0..200 {
        let graph = patch(&format!(
            "nodes:\n  s{i}:\n    module: SineOscillator\n  out:\n    module: AudioOut\n\
             cables:\n  - s{i}.out -> out.left\n"
        ));
        let planned = planner.plan(&std::sync::Arc::new(graph));
        let plan = planned.update.plan.as_ref().expect("a plan");
        largest = largest.max(plan.nodes.len());
        planner = planned.next;
    }
    assert!(largest > 60, "ghosts are carried on: {largest} nodes");
    assert!(
        largest <= 2 + 65,
        "but never more than 64 old ones: {largest} nodes"
    );
}
