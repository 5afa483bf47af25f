//! Reshape keeps state: a node whose shape changes (`length`, `channels`, `voices`) gets a
//! new instance that takes over what makes musical sense of the old one on the frame the
//! commit lands. Measured through the engine (a sequencer's next step, a sine's phase) and
//! for every library module through the harness (surviving lanes bit-identical).

mod support;

use support::largest_step;

use patches_tui::dsl;
use patches_tui::engine::{OfflineRenderer, StereoBuffer, ValidGraph};
use patches_tui::midi::{MidiEvent, MidiMessage};
use patches_tui::modules::{ModuleHarness, PortKind, Registry, Shape};

const SR: f32 = 48000.0;
/// Pitch cable scale: 16 semitones from C2 stay well inside the output's [-1, 1].
const PITCH_SCALE: f32 = 0.25;
/// A semiquaver at 120 BPM.
const STEP_FRAMES: usize = 6000;

const NOTES: [&str; 16] = [
    "C2", "C#2", "D2", "D#2", "E2", "F2", "F#2", "G2", "G#2", "A2", "A#2", "B2", "C3", "C#3", "D3",
    "D#3",
];

fn load(text: &str) -> ValidGraph {
    dsl::load(text, &Registry::standard())
        .expect("valid patch")
        .valid
}

/// A clock into a `StepSequencer` of `length` steps C2, C#2, ... (one semitone each): its
/// pitch on the left (scaled), its trigger on the right.
fn sequencer(length: usize) -> ValidGraph {
    let steps = NOTES[..length].join(", ");
    load(&format!(
        "nodes:
  clock:
    module: ClockSequencer
    params:
      bpm: 120
  seq:
    module: StepSequencer
    length: {length}
    params:
      steps: [{steps}]
  out:
    module: AudioOut
cables:
  - from: clock
    output: semiquaver
    to: seq
    input: clock
  - from: seq
    output: pitch
    to: out
    input: left
    scale: {PITCH_SCALE}
  - from: seq
    output: trigger
    to: out
    input: right
"
    ))
}

/// Renders `before` for `at` frames, commits `after`, renders `rest` frames more; commits
/// switch at once.
fn switch(
    before: ValidGraph,
    after: ValidGraph,
    at: usize,
    rest: usize,
    block: usize,
) -> (StereoBuffer, Vec<String>) {
    switch_fading(before, after, (at, rest), block, 0.0)
}

/// `switch` with commits fading over `fade_ms`.
fn switch_fading(
    before: ValidGraph,
    after: ValidGraph,
    (at, rest): (usize, usize),
    block: usize,
    fade_ms: f32,
) -> (StereoBuffer, Vec<String>) {
    let mut r = OfflineRenderer::new(SR, block);
    r.engine_mut().set_fade_ms(fade_ms);
    let mut out = StereoBuffer::default();
    r.commit(before);
    r.render_into(&mut out, at);
    let summary = r.commit(after);
    r.render_into(&mut out, rest);
    (out, summary.reshaped)
}

/// The step (0 = C2) each trigger plays, with the frame it lands on.
fn played(out: &StereoBuffer) -> Vec<(usize, usize)> {
    out.right
        .iter()
        .enumerate()
        .filter(|(_, &t)| t == 1.0)
        .map(|(f, _)| (f, (out.left[f] / PITCH_SCALE * 12.0).round() as usize))
        .collect()
}

/// The steps played after frame `at`.
fn steps_after(out: &StereoBuffer, at: usize) -> Vec<usize> {
    played(out)
        .into_iter()
        .filter(|(f, _)| *f >= at)
        .map(|(_, s)| s)
        .collect()
}

#[test]
fn a_sequencer_at_step_k_going_from_8_to_16_steps_plays_k_plus_1_next() {
    // Clocks at 0, 6000, ..., 60000: eleven steps, so step 10 % 8 = 2 plays at 62400.
    let at = 62_400;
    let (reference, reshaped) = switch(sequencer(8), sequencer(16), at, 20 * STEP_FRAMES, 64);
    assert_eq!(reshaped, ["seq"]);
    let before: Vec<usize> = played(&reference)
        .into_iter()
        .filter(|(f, _)| *f < at)
        .map(|(_, s)| s)
        .collect();
    assert_eq!(before, [0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2]);
    let after = steps_after(&reference, at);
    let expected: Vec<usize> = (3..16).chain(0..7).collect();
    assert_eq!(
        after, expected,
        "the pattern runs on from step 3, not from 0"
    );
    // The next step lands on the clock's own grid: 66000 = 11 * 6000.
    assert_eq!(played(&reference)[11].0, 11 * STEP_FRAMES);
    for block in [1, 37, 512] {
        let (out, _) = switch(sequencer(8), sequencer(16), at, 20 * STEP_FRAMES, block);
        assert!(
            out == reference,
            "block size {block} renders the reshape bit-identically"
        );
    }
}

#[test]
fn with_the_fade_on_a_reshaped_sequencer_crossfades_from_its_old_self_and_keeps_its_place() {
    // The old instance plays on as a ghost through the 10 ms crossfade; the new one took
    // over its position on the landing frame, so the pattern runs on from step 3.
    let at = 62_400;
    let (out, reshaped) = switch_fading(
        sequencer(8),
        sequencer(16),
        (at, 20 * STEP_FRAMES),
        64,
        10.0,
    );
    assert_eq!(reshaped, ["seq"]);
    let expected: Vec<usize> = (3..16).chain(0..7).collect();
    assert_eq!(steps_after(&out, at), expected);
    for block in [1, 37, 512] {
        let (other, _) = switch_fading(
            sequencer(8),
            sequencer(16),
            (at, 20 * STEP_FRAMES),
            block,
            10.0,
        );
        assert!(
            other == out,
            "block size {block} renders it bit-identically"
        );
    }
}

#[test]
fn a_sequencer_shortened_from_16_to_8_steps_keeps_its_position_modulo_8() {
    // Thirteen clocks (0..=72000): step 12 plays at 75000; 12 % 8 = 4, so 5 comes next.
    let at = 75_000;
    let (out, _) = switch(sequencer(16), sequencer(8), at, 10 * STEP_FRAMES, 37);
    assert_eq!(played(&out).iter().filter(|(f, _)| *f < at).count(), 13);
    assert_eq!(steps_after(&out, at), [5, 6, 7, 0, 1, 2, 3, 4, 5, 6]);
}

/// A sine of `voices` equal lanes at 220 Hz summed into the left output at `1 / voices`
/// (the commit switches the scale at once, so that only the phase can make a step).
fn poly_sine(voices: usize) -> ValidGraph {
    let scale = 1.0 / voices as f32;
    load(&format!(
        "nodes:
  osc:
    module: SineOscillator
    voices: {voices}
    params:
      frequency: 220
  out:
    module: AudioOut
cables:
  - from: osc
    output: out
    to: out
    input: left
    scale: {scale}
"
    ))
}

#[test]
fn four_voices_to_two_keep_the_surviving_phases_without_a_step() {
    // 12100 frames: the 220 Hz sine is far from a zero crossing, where a restart would jump.
    let at = 12_100;
    let (out, reshaped) = switch(poly_sine(4), poly_sine(2), at, 4800, 64);
    assert_eq!(reshaped, ["osc"]);
    let mut unbroken = OfflineRenderer::new(SR, 64);
    let mut reference = StereoBuffer::default();
    unbroken.commit(poly_sine(4));
    unbroken.render_into(&mut reference, at + 4800);
    let drift = out
        .left
        .iter()
        .zip(&reference.left)
        .map(|(a, b)| (a - b).abs())
        .fold(0.0, f32::max);
    assert!(drift < 1e-6, "the two lanes left run on in phase ({drift})");
    let window = 960;
    let ratio =
        largest_step(&out.left[at - 1..at + window]) / largest_step(&out.left[at - window..at]);
    println!("voices 4 -> 2: step ratio at the commit {ratio:.3}");
    assert!(ratio <= 1.05, "step ratio {ratio}");
}

/// A deterministic input for lane `lane` of a port of `kind` at frame `frame`, different
/// on every lane.
fn input(kind: PortKind, frame: usize, lane: usize) -> f32 {
    let t = frame as f32;
    let l = lane as f32;
    match kind {
        PortKind::Gate => {
            let period = 301 + 97 * lane;
            if (frame + 13 * lane) % period < period / 3 {
                1.0
            } else {
                0.0
            }
        }
        PortKind::Pitch => 0.3 * l + 0.2 * (t * 0.0007).sin(),
        PortKind::Audio | PortKind::Cv => 0.5 * (t * (0.013 + 0.007 * l)).sin(),
    }
}

/// Runs `frames` frames of every input (interleaved over `lanes`) from `start` in blocks
/// of 64 and returns the outputs.
fn run(
    harness: &mut ModuleHarness,
    kinds: &[PortKind],
    start: usize,
    frames: usize,
    lanes: usize,
) -> Vec<Vec<f32>> {
    let inputs: Vec<Vec<f32>> = kinds
        .iter()
        .map(|&kind| {
            (start..start + frames)
                .flat_map(|f| (0..lanes).map(move |l| input(kind, f, l)))
                .collect()
        })
        .collect();
    let slices: Vec<&[f32]> = inputs.iter().map(Vec::as_slice).collect();
    harness.run_long(&slices, frames, 64)
}

/// MIDI for the MIDI modules: a start and clocks, four notes held across the reshape (one
/// per voice of four), a controller, then note-offs for the notes of voices 0 and 1 only
/// (a new note would be allocated among 4 voices in one run and 2 in the other).
fn midi() -> Vec<MidiEvent> {
    let event = |time, bytes: &[u8]| MidiEvent {
        time,
        message: MidiMessage::from_bytes(bytes).expect("a message modules use"),
    };
    let mut events = vec![event(0, &[0xFA])];
    events.extend((0..30).map(|i| event(i * 200, &[0xF8])));
    for (i, key) in [60, 64, 67, 71].into_iter().enumerate() {
        events.push(event(100 * (i as u64 + 1), &[0x90, key, 100]));
    }
    events.push(event(500, &[0xB0, 1, 100]));
    events.push(event(3500, &[0x80, 60, 0]));
    events.push(event(4000, &[0x80, 64, 0]));
    events.sort_by_key(|e| e.time);
    events
}

/// Modules whose lanes start afresh on a new lane count (the limiter's look-ahead window
/// and gain deque are not copied).
const KEEP_NOTHING: [&str; 1] = ["Limiter"];

/// Modules whose lanes differ by design with the lane count (`Spread` spreads its range
/// over all lanes).
const BY_LANE_COUNT: [&str; 1] = ["Spread"];

#[test]
fn every_stateful_module_going_from_four_voices_to_two_keeps_lanes_0_and_1_exactly() {
    let registry = Registry::standard();
    let (four, two) = (
        Shape {
            voices: 4,
            ..Shape::default()
        },
        Shape {
            voices: 2,
            ..Shape::default()
        },
    );
    // Long enough for a 250 ms echo of what came before the reshape to come after it.
    let (before, after) = (12_500, 12_500);
    let mut checked = 0;
    let mut failed = Vec::new();
    for t in registry.types() {
        if KEEP_NOTHING.contains(&t.name) || BY_LANE_COUNT.contains(&t.name) {
            continue;
        }
        let d = t.descriptor(four);
        let kinds: Vec<PortKind> = d.inputs.iter().map(|p| p.kind).collect();
        let outputs = d.outputs.len();
        let mut unbroken =
            ModuleHarness::with_lanes(t.instantiate(four, SR), kinds.len(), outputs, 4);
        unbroken.queue_events(&midi());
        let whole = run(&mut unbroken, &kinds, 0, before + after, 4);
        let mut reshaped =
            ModuleHarness::with_lanes(t.instantiate(four, SR), kinds.len(), outputs, 4);
        reshaped.queue_events(&midi());
        run(&mut reshaped, &kinds, 0, before, 4);
        reshaped.reshape(t.instantiate(two, SR), 2);
        let tail = run(&mut reshaped, &kinds, before, after, 2);
        for (o, (whole, tail)) in whole.iter().zip(&tail).enumerate() {
            let kept: Vec<f32> = whole[before * 4..]
                .chunks_exact(4)
                .flat_map(|frame| frame[..2].to_vec())
                .collect();
            let same = kept
                .iter()
                .zip(tail)
                .all(|(a, b)| a.to_bits() == b.to_bits());
            if !same {
                failed.push(format!("{} output {o}", t.name));
            }
        }
        checked += 1;
    }
    assert!(checked >= 40, "only {checked} module types checked");
    assert!(failed.is_empty(), "lanes 0 and 1 changed: {failed:?}");
}
