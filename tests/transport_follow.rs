//! The transport following an outside clock (what `--link` does), with a fake follower in
//! place of the Link thread: the runtime adopts the outside beat and tempo, a quantised commit
//! lands on the outside bar, a tempo the patch changes is requested, and a target made before
//! that request is ignored.

use patches_tui::engine::follow::Target;
use patches_tui::engine::runtime::CallbackStart;
use patches_tui::engine::{
    validate, Engine, EngineConfig, ModuleGraph, Node, Quantize, Runtime, TransportSettings,
};
use patches_tui::modules::{ParamValue, Registry};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

const SR: f32 = 48000.0;
const BLOCK: usize = 64;

fn graph(bpm: f64, frequency: f64) -> ModuleGraph {
    let mut graph = ModuleGraph::new()
        .with_node(
            Node::new("osc", "SineOscillator")
                .with_param("frequency", ParamValue::Float(frequency)),
        )
        .with_node(Node::new("out", "AudioOut"));
    graph.transport = Some(TransportSettings {
        bpm,
        beats_per_bar: 4,
    });
    graph
}

/// One callback of `BLOCK` frames.
fn callback(runtime: &mut Runtime) {
    let (mut left, mut right) = ([0.0f32; BLOCK], [0.0f32; BLOCK]);
    runtime.begin_callback(CallbackStart {
        started: Instant::now(),
        latency: Duration::ZERO,
        frames: BLOCK,
    });
    runtime.process(&mut left, &mut right);
}

fn commit(engine: &mut Engine, graph: &ModuleGraph) {
    engine.commit(validate(graph, &Registry::seed()).expect("valid"));
}

#[test]
fn a_quantised_commit_lands_on_the_outside_bar_at_the_outside_tempo() {
    let (mut engine, mut runtime) = Engine::new(EngineConfig::new(SR).unobserved());
    let follow = engine.transport_follow();
    follow.set_active(true);
    commit(&mut engine, &graph(120.0, 220.0));
    callback(&mut runtime);
    // The first commit asks for its tempo.
    assert_eq!(follow.tempo_request(), (1, 120.0));
    let (_, mark) = follow.mark().expect("a mark");
    assert_eq!(mark.frame, 0);
    assert_eq!(mark.beats_per_bar, 4);

    // The outside clock: beat 2.5 at frame 64, 100 BPM.
    follow.publish_target(Target {
        frame: 64,
        beat: 2.5,
        bpm: 100.0,
        requests_seen: 1,
    });
    callback(&mut runtime);
    let (_, mark) = follow.mark().expect("a mark");
    assert_eq!(mark.frame, 64);
    assert!((mark.beat - 2.5).abs() < 1e-9, "{}", mark.beat);

    // Outside beat 4 (the next bar) is 1.5 beats at 100 BPM after frame 64: frame 43264.
    engine.set_quantize(Quantize::Bar);
    commit(&mut engine, &graph(120.0, 330.0));
    let counters = engine.counters().clone();
    callback(&mut runtime);
    let waiting = counters.landing.load(Ordering::Relaxed);
    assert_eq!(waiting, 43264 + 1, "lands on frame 43264");
    let plan = engine.planner().plan_id();
    while counters.plan_id.load(Ordering::Relaxed) != plan {
        let before = counters.frames.load(Ordering::Relaxed);
        assert!(before < 100_000, "the commit never landed");
        callback(&mut runtime);
    }
    let landing = counters.landing.load(Ordering::Relaxed);
    assert_eq!(landing, 0, "nothing waits any more");
    let bar = f64::from_bits(counters.bar.load(Ordering::Relaxed));
    let bpm = f64::from_bits(counters.bpm.load(Ordering::Relaxed));
    assert_eq!(
        bpm, 100.0,
        "the patch's unchanged 120 BPM leaves the outside tempo be"
    );
    // Landed in the callback holding frame 43264; the bar position at its end is 1 + the
    // frames after 43264 (43264 + 64 - 43264 = 64 frames of 100 BPM, 4 beats a bar).
    let frames_after = counters.frames.load(Ordering::Relaxed) - 43264;
    let expected = 1.0 + frames_after as f64 * 100.0 / 60.0 / f64::from(SR) / 4.0;
    assert!(
        (bar - expected).abs() < 1e-9,
        "bar {bar}, expected {expected}"
    );
    assert_eq!(
        follow.tempo_request().0,
        1,
        "no new request for the same tempo"
    );
}

#[test]
fn a_tempo_the_patch_changes_is_requested_and_older_targets_are_ignored() {
    let (mut engine, mut runtime) = Engine::new(EngineConfig::new(SR).unobserved());
    let follow = engine.transport_follow();
    follow.set_active(true);
    commit(&mut engine, &graph(120.0, 220.0));
    callback(&mut runtime);
    commit(&mut engine, &graph(90.0, 220.0));
    callback(&mut runtime);
    assert_eq!(follow.tempo_request(), (2, 90.0));
    let bpm = || f64::from_bits(engine.counters().bpm.load(Ordering::Relaxed));
    assert_eq!(bpm(), 90.0, "the patch's new tempo plays at once");

    // Made before the follower saw the request: the old session tempo is not taken back.
    follow.publish_target(Target {
        frame: 128,
        beat: 0.0,
        bpm: 120.0,
        requests_seen: 1,
    });
    callback(&mut runtime);
    assert_eq!(bpm(), 90.0);
    follow.publish_target(Target {
        frame: 128,
        beat: 0.0,
        bpm: 90.0,
        requests_seen: 2,
    });
    callback(&mut runtime);
    let (_, mark) = follow.mark().expect("a mark");
    assert_eq!(mark.frame, 192);
    // 64 frames at 90 BPM after beat 0 at frame 128.
    assert!((mark.beat - 64.0 * 1.5 / f64::from(SR)).abs() < 1e-9);
}

#[test]
fn without_a_follower_the_runtime_neither_marks_nor_requests() {
    let (mut engine, mut runtime) = Engine::new(EngineConfig::new(SR).unobserved());
    let follow = engine.transport_follow();
    commit(&mut engine, &graph(120.0, 220.0));
    callback(&mut runtime);
    follow.publish_target(Target {
        frame: 0,
        beat: 3.0,
        bpm: 60.0,
        requests_seen: 0,
    });
    callback(&mut runtime);
    assert_eq!(follow.mark(), None);
    assert_eq!(follow.tempo_request().0, 0);
    let bpm = f64::from_bits(engine.counters().bpm.load(Ordering::Relaxed));
    assert_eq!(bpm, 120.0);
}
