//! Live MIDI stamped to the sample: a fake port delivers notes at chosen instants and the
//! runtime is driven by a fake callback clock; every note lands exactly one callback period
//! after it arrived (also one that arrives while a callback runs), an old one on the
//! callback's first frame, one stamped far ahead on its last, however the callback is cut into
//! blocks.

use patches_tui::engine::runtime::CallbackStart;
use patches_tui::engine::{validate, Cable, Engine, EngineConfig, ModuleGraph, Node, Runtime};
use patches_tui::midi::input::{FakeMidi, MidiInput};
use patches_tui::modules::Registry;
use std::time::{Duration, Instant};

const PORT: &str = "Keys";
/// 240 frames at 48 kHz: a period of exactly 5 ms.
const PERIOD: usize = 240;
const PERIOD_US: u64 = 5000;
/// 125 µs is exactly 6 frames at 48 kHz.
const US_PER_6_FRAMES: u64 = 125;

/// A keyboard whose gate is the left channel.
fn engine_with_keys() -> (Engine, Runtime) {
    let (mut engine, runtime) = Engine::new(EngineConfig::new(48000.0).unobserved());
    let graph = ModuleGraph::new()
        .with_node(Node::new("keys", "MidiToCv"))
        .with_node(Node::new("out", "AudioOut"))
        .with_cable(Cable::new("keys", "gate", "out", "left"));
    engine.commit(validate(&graph, &Registry::standard()).unwrap());
    (engine, runtime)
}

/// Runs one callback that starts at `started`, processed in blocks of `block` frames; its
/// left channel.
fn callback(runtime: &mut Runtime, started: Instant, block: usize) -> Vec<f32> {
    runtime.begin_callback(CallbackStart {
        started,
        latency: Duration::ZERO,
        frames: PERIOD,
    });
    let mut gate = Vec::with_capacity(PERIOD);
    while gate.len() < PERIOD {
        let n = block.min(PERIOD - gate.len());
        let (mut left, mut right) = (vec![0.0; n], vec![0.0; n]);
        runtime.process(&mut left, &mut right);
        gate.extend(left);
    }
    gate
}

/// The frames where the gate opens (+) and closes (-).
fn edges(gate: &[f32]) -> Vec<(usize, char)> {
    let mut last = 0.0;
    let mut edges = Vec::new();
    for (frame, &x) in gate.iter().enumerate() {
        if x != last {
            edges.push((frame, if x > last { '+' } else { '-' }));
            last = x;
        }
    }
    edges
}

/// Plays the notes of the test through a fake port while callbacks run on a fake clock
/// starting at `t0`; the gate of five callbacks.
fn play(block: usize) -> Vec<f32> {
    let (mut engine, mut runtime) = engine_with_keys();
    let fake = FakeMidi::new(&[PORT]);
    let _input = MidiInput::open(&fake, PORT, engine.take_midi_sender().unwrap()).unwrap();
    let t0 = Instant::now() + Duration::from_secs(1);
    let at = |micros: u64| t0 + Duration::from_micros(micros);
    let (on, off) = ([0x90, 69, 100], [0x80, 69, 0]);
    let mut gate = callback(&mut runtime, at(0), block);
    // During callback 0, 60 frames after it started: lands 60 frames into callback 1.
    fake.play_at(PORT, at(10 * US_PER_6_FRAMES), &on);
    gate.extend(callback(&mut runtime, at(PERIOD_US), block));
    // During callback 1, 192 frames after it started: 192 frames into callback 2.
    fake.play_at(PORT, at(PERIOD_US + 32 * US_PER_6_FRAMES), &off);
    gate.extend(callback(&mut runtime, at(2 * PERIOD_US), block));
    // Older than a period when callback 3 starts: its first frame.
    fake.play_at(PORT, at(PERIOD_US), &on);
    gate.extend(callback(&mut runtime, at(3 * PERIOD_US), block));
    // Stamped more than a period after callback 4 starts (a clock out of step): its last
    // frame.
    fake.play_at(PORT, at(10 * PERIOD_US), &off);
    gate.extend(callback(&mut runtime, at(4 * PERIOD_US), block));
    gate
}

#[test]
fn live_notes_land_one_period_after_they_arrived_to_the_frame() {
    let gate = play(PERIOD);
    assert_eq!(
        edges(&gate),
        [
            (PERIOD + 60, '+'),
            (2 * PERIOD + 192, '-'),
            (3 * PERIOD, '+'),
            (4 * PERIOD + PERIOD - 1, '-'),
        ]
    );
}

#[test]
fn where_a_callback_is_cut_into_blocks_does_not_move_a_live_note() {
    let whole = play(PERIOD);
    for block in [1, 37, 64] {
        assert_eq!(play(block), whole, "blocks of {block}");
    }
}

#[test]
fn without_a_callback_clock_a_live_note_lands_on_the_next_block() {
    let (mut engine, mut runtime) = engine_with_keys();
    let fake = FakeMidi::new(&[PORT]);
    let _input = MidiInput::open(&fake, PORT, engine.take_midi_sender().unwrap()).unwrap();
    let (mut left, mut right) = (vec![0.0; 64], vec![0.0; 64]);
    runtime.process(&mut left, &mut right);
    fake.play(PORT, &[0x90, 69, 100]);
    runtime.process(&mut left, &mut right);
    assert!(left.iter().all(|&x| x == 1.0));
}

#[test]
fn a_note_that_arrives_while_a_callback_runs_lands_in_the_next_one_on_its_frame() {
    let (mut engine, mut runtime) = engine_with_keys();
    let fake = FakeMidi::new(&[PORT]);
    let _input = MidiInput::open(&fake, PORT, engine.take_midi_sender().unwrap()).unwrap();
    let t0 = Instant::now() + Duration::from_secs(1);
    runtime.begin_callback(CallbackStart {
        started: t0,
        latency: Duration::ZERO,
        frames: PERIOD,
    });
    let (mut left, mut right) = (vec![0.0; 64], vec![0.0; 64]);
    runtime.process(&mut left, &mut right);
    // Arrives 60 frames after the callback started, before its second block.
    fake.play_at(
        PORT,
        t0 + Duration::from_micros(10 * US_PER_6_FRAMES),
        &[0x90, 69, 100],
    );
    let mut gate = left.clone();
    let (mut left, mut right) = (vec![0.0; PERIOD - 64], vec![0.0; PERIOD - 64]);
    runtime.process(&mut left, &mut right);
    gate.extend(left);
    gate.extend(callback(
        &mut runtime,
        t0 + Duration::from_micros(PERIOD_US),
        PERIOD,
    ));
    assert_eq!(edges(&gate), [(PERIOD + 60, '+')]);
}
