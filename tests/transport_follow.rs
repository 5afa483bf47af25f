//! The transport following an outside clock (what `--link` does), with a fake follower in
//! place of the Link thread: the runtime adopts the outside beat and tempo, a quantised commit
//! lands on the outside bar, a tempo the patch changes is requested, and a target made before
//! that request is ignored.

use patches_tui::engine::follow::{Target, TransportFollow};
use patches_tui::engine::runtime::CallbackStart;
use patches_tui::engine::transport::{MAX_SLEW, SLEW_LIMIT_BEATS};
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
        playing: true,
        moves: 0,
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
        playing: true,
        moves: 0,
    });
    callback(&mut runtime);
    assert_eq!(bpm(), 90.0);
    follow.publish_target(Target {
        frame: 128,
        beat: 0.0,
        bpm: 90.0,
        requests_seen: 2,
        playing: true,
        moves: 0,
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
        playing: true,
        moves: 0,
    });
    callback(&mut runtime);
    assert_eq!(follow.mark(), None);
    assert_eq!(follow.tempo_request().0, 0);
    let bpm = f64::from_bits(engine.counters().bpm.load(Ordering::Relaxed));
    assert_eq!(bpm, 120.0);
}

/// 120 BPM: beats per frame at 48 kHz.
const BEATS_PER_FRAME: f64 = 120.0 / 60.0 / SR as f64;

/// A session at 120 BPM whose beat is `offset` at frame 0; its target at `frame`.
fn session(frame: u64, offset: f64, playing: bool) -> Target {
    Target {
        frame,
        beat: offset + frame as f64 * BEATS_PER_FRAME,
        bpm: 120.0,
        requests_seen: 1,
        playing,
        moves: 0,
    }
}

/// A runtime following a session at 120 BPM, started on its beat `offset`.
fn following(offset: f64) -> (Engine, Runtime, std::sync::Arc<TransportFollow>) {
    let (mut engine, mut runtime) = Engine::new(EngineConfig::new(SR).unobserved());
    let follow = engine.transport_follow();
    follow.set_active(true);
    commit(&mut engine, &graph(120.0, 220.0));
    callback(&mut runtime);
    follow.publish_target(session(runtime.position(), offset, true));
    callback(&mut runtime);
    (engine, runtime, follow)
}

/// The transport's beat at the start of the last callback, and that frame.
fn mark(follow: &TransportFollow) -> (u64, f64) {
    let (_, mark) = follow.mark().expect("a mark");
    (mark.frame, mark.beat)
}

#[test]
fn a_five_ms_phase_error_is_slewed_away_within_five_beats_without_a_step() {
    let (_engine, mut runtime, follow) = following(0.0);
    let (frame, beat) = mark(&follow);
    assert!(
        (beat - frame as f64 * BEATS_PER_FRAME).abs() < 1e-9,
        "started in phase"
    );
    // The session moves 5 ms (0.01 beat at 120 BPM) ahead; targets come every callback.
    let ahead = 0.01;
    let (mut last_frame, mut last_beat) = (frame, beat);
    let mut gone_at = None;
    let mut error_after_one_beat = None;
    while last_frame < 10 * 24000 {
        follow.publish_target(session(runtime.position(), ahead, true));
        callback(&mut runtime);
        let (frame, beat) = mark(&follow);
        let per_frame = (beat - last_beat) / (frame - last_frame) as f64 / BEATS_PER_FRAME;
        assert!(
            (1.0 - MAX_SLEW - 1e-9..=1.0 + MAX_SLEW + 1e-9).contains(&per_frame),
            "pace {per_frame} at frame {frame}"
        );
        let error = ahead + frame as f64 * BEATS_PER_FRAME - beat;
        if frame >= 24000 && error_after_one_beat.is_none() {
            error_after_one_beat = Some(error);
        }
        match gone_at {
            None if error.abs() < 1e-5 => gone_at = Some(frame),
            Some(_) => assert!(error.abs() < 1e-5, "stays gone: {error} at {frame}"),
            None => {}
        }
        (last_frame, last_beat) = (frame, beat);
    }
    let after_one = error_after_one_beat.unwrap();
    assert!(
        (0.004..0.006).contains(&after_one),
        "half a percent a beat: {after_one} left after one beat"
    );
    let beats = (gone_at.expect("the error went") - frame) as f64 * BEATS_PER_FRAME;
    assert!(beats < 5.0, "gone after {beats} beats");
}

#[test]
fn a_phase_error_past_an_eighth_of_a_beat_is_jumped() {
    let (_engine, mut runtime, follow) = following(0.0);
    let off = SLEW_LIMIT_BEATS + 0.01;
    follow.publish_target(session(runtime.position(), off, true));
    callback(&mut runtime);
    let (frame, beat) = mark(&follow);
    assert!((beat - (off + frame as f64 * BEATS_PER_FRAME)).abs() < 1e-9);
}

#[test]
fn a_small_error_is_jumped_when_the_outside_timeline_moved() {
    let (_engine, mut runtime, follow) = following(0.0);
    let moved = Target {
        moves: 1,
        ..session(runtime.position(), 0.01, true)
    };
    follow.publish_target(moved);
    callback(&mut runtime);
    let (frame, beat) = mark(&follow);
    assert!((beat - (0.01 + frame as f64 * BEATS_PER_FRAME)).abs() < 1e-9);
}

#[test]
fn a_stopped_session_holds_the_transport_and_a_restart_jumps_to_its_beat() {
    let (engine, mut runtime, follow) = following(0.0);
    follow.publish_target(session(runtime.position(), 0.0, false));
    callback(&mut runtime);
    let (_, held) = mark(&follow);
    for _ in 0..10 {
        follow.publish_target(session(runtime.position(), 0.0, false));
        callback(&mut runtime);
        assert_eq!(mark(&follow).1, held, "held while the session is stopped");
    }
    let beat = f64::from_bits(engine.counters().beat.load(Ordering::Relaxed));
    assert_eq!(beat, held, "held to the end of the callback");
    // Restarted on a beat a little off ours (within the slew limit): taken at once.
    let frame = runtime.position();
    let restart = Target {
        frame,
        beat: held + 0.05,
        bpm: 120.0,
        requests_seen: 1,
        playing: true,
        moves: 0,
    };
    follow.publish_target(restart);
    callback(&mut runtime);
    assert!((mark(&follow).1 - (held + 0.05)).abs() < 1e-12);
    callback(&mut runtime);
    let expected = held + 0.05 + BLOCK as f64 * BEATS_PER_FRAME;
    assert!((mark(&follow).1 - expected).abs() < 1e-12, "runs again");
}

#[test]
fn a_quantised_commit_lands_on_the_bar_of_a_slewing_transport() {
    let (mut engine, mut runtime, follow) = following(0.0);
    // The landing frame is placed in phase; then the session turns out 12 ms ahead of us
    // (slewed, not jumped): the transport runs faster and reaches the bar earlier.
    engine.set_quantize(Quantize::Bar);
    commit(&mut engine, &graph(120.0, 330.0));
    let counters = engine.counters().clone();
    callback(&mut runtime);
    let placed = counters.landing.load(Ordering::Relaxed);
    assert!(placed > 0, "the commit waits for the bar");
    let behind = 0.024;
    let plan = engine.planner().plan_id();
    let mut landing = 0;
    let mut marks = Vec::new();
    while counters.plan_id.load(Ordering::Relaxed) != plan {
        assert!(runtime.position() < 200_000, "the commit never landed");
        follow.publish_target(session(runtime.position(), behind, true));
        callback(&mut runtime);
        marks.push(mark(&follow));
        let waiting = counters.landing.load(Ordering::Relaxed);
        if waiting != 0 {
            landing = waiting;
        }
    }
    follow.publish_target(session(runtime.position(), behind, true));
    callback(&mut runtime);
    marks.push(mark(&follow));
    let landed = landing - 1;
    // The beat at the landing frame, from the callback's mark and its pace.
    let i = marks
        .iter()
        .rposition(|&(frame, _)| frame <= landed)
        .unwrap();
    let ((frame, beat), (next_frame, next_beat)) = (marks[i], marks[i + 1]);
    let per_frame = (next_beat - beat) / (next_frame - frame) as f64;
    let at_landing = beat + (landed - frame) as f64 * per_frame;
    let bar = at_landing / 4.0;
    assert!(
        (bar - bar.round()).abs() * 4.0 < per_frame,
        "landed at beat {at_landing} (frame {landed})"
    );
    assert!(
        per_frame > BEATS_PER_FRAME,
        "the transport was still slewing"
    );
    assert!(landing < placed, "placed again, earlier");
}

#[test]
fn leaving_a_stopped_session_lets_the_transport_run_on_at_its_tempo() {
    let (_engine, mut runtime, follow) = following(0.0);
    follow.publish_target(session(runtime.position(), 0.0, false));
    callback(&mut runtime);
    let (_, held) = mark(&follow);
    callback(&mut runtime);
    assert_eq!(mark(&follow).1, held, "held");
    follow.set_active(false);
    callback(&mut runtime);
    callback(&mut runtime);
    follow.set_active(true);
    callback(&mut runtime);
    let expected = held + 2.0 * BLOCK as f64 * BEATS_PER_FRAME;
    assert!(
        (mark(&follow).1 - expected).abs() < 1e-12,
        "runs on at 120 BPM"
    );
}
