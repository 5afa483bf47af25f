//! The transport: a `transport:` in the patch, a beat position that survives commits and
//! tempo changes, modules that read it, and commits quantised to the beat or the bar.

use patches_tui::dsl;
use patches_tui::engine::{render_with, Quantize, StereoBuffer, ValidGraph};
use patches_tui::modules::{Layout, Module, ModuleType, ParamValue, PortDescriptor, ProcessIo};
use patches_tui::modules::{Registry, ShapeUse};

const SR: f32 = 48000.0;

/// `BeatOut`: outputs the transport's beat position at every frame (left) and its bar (via
/// the second output).
struct BeatOut;

impl Module for BeatOut {
    fn set_param(&mut self, _index: usize, _value: &ParamValue) {}
    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let tempo = io.tempo();
        let [beat, bar] = io.outputs::<2>();
        for (i, (b, r)) in beat.iter_mut().zip(bar.iter_mut()).enumerate() {
            *b = tempo.beat_at(i) as f32;
            *r = tempo.bar_at(i) as f32;
        }
    }
}

fn registry() -> Registry {
    let mut registry = Registry::seed();
    registry.register(ModuleType {
        name: "BeatOut",
        doc: "the transport's beat and bar",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![],
            outputs: vec![
                PortDescriptor::new("beat", "beat"),
                PortDescriptor::new("bar", "bar"),
            ],
            params: vec![],
        },
        create: |_, _| Box::new(BeatOut),
    });
    registry
}

fn load(text: &str) -> ValidGraph {
    match dsl::load(text, &registry()) {
        Ok(patch) => patch.valid,
        Err(errors) => panic!("{errors:?}"),
    }
}

/// Beat and bar of the transport, scaled down so the guard does not clamp them.
fn beats(transport: &str, scale: f64) -> String {
    format!(
        "{transport}nodes:
  clock:
    module: BeatOut
  out:
    module: AudioOut
cables:
  - from: clock
    output: beat
    to: out
    input: left
    scale: {scale}
  - from: clock
    output: bar
    to: out
    input: right
    scale: {scale}
"
    )
}

fn run(
    initial: ValidGraph,
    schedule: Vec<(u64, ValidGraph)>,
    seconds: f32,
    block: usize,
    quantize: Quantize,
) -> StereoBuffer {
    let mut out = StereoBuffer::default();
    render_with(
        initial,
        schedule,
        (seconds * SR) as u64,
        SR,
        block,
        (quantize, 10.0),
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
fn without_a_transport_the_beat_runs_at_120_bpm() {
    let out = run(load(&beats("", 0.01)), vec![], 1.0, 64, Quantize::Off);
    // Two beats a second: beat 1 at frame 24000.
    let beat = out.left[24000] / 0.01;
    assert!((beat - 1.0).abs() < 1e-3, "{beat}");
    let bar = out.right[47999] / 0.01;
    assert!((bar - 0.5).abs() < 1e-3, "{bar}");
}

#[test]
fn a_tempo_change_keeps_the_beat_position_continuous() {
    let fast = beats("transport:\n  bpm: 180\n  beats_per_bar: 3\n", 0.01);
    let out = run(
        load(&beats("", 0.01)),
        vec![(30000, load(&fast))],
        2.0,
        37,
        Quantize::Off,
    );
    let step = |i: usize| (out.left[i + 1] - out.left[i]) / 0.01;
    // No jump at the change, and the slope becomes 180 / 60 / 48000 beats per frame.
    let at_change = (out.left[30000] - out.left[29999]) / 0.01;
    assert!((at_change - 2.0 / 48000.0).abs() < 1e-5, "{at_change}");
    let after = step(60000);
    assert!((after - 3.0 / 48000.0).abs() < 1e-5, "{after}");
}

/// The frame from which the left channel leaves the first patch's beat / 100 (the new
/// scale starts its 10 ms ramp there).
fn landing(out: &StereoBuffer) -> usize {
    let alone = run(load(&beats("", 0.01)), vec![], 3.0, 64, Quantize::Off);
    out.left
        .iter()
        .zip(&alone.left)
        .position(|(a, b)| a != b)
        .unwrap_or(usize::MAX)
}

#[test]
fn a_commit_quantised_to_the_bar_lands_exactly_on_the_next_bar_whatever_the_block_size() {
    // At 1.3 s (beat 2.6) the left channel switches from beat / 100 to beat / 50.
    let schedule = || vec![(62400, load(&beats("", 0.02)))];
    let mut landed = Vec::new();
    for block in [1, 37, 64, 512] {
        let out = run(
            load(&beats("", 0.01)),
            schedule(),
            3.0,
            block,
            Quantize::Bar,
        );
        landed.push(landing(&out));
    }
    assert_eq!(
        landed,
        vec![96000; 4],
        "bar 2 at 120 BPM in 4/4 is at 2.0 s"
    );
    let beat = run(load(&beats("", 0.01)), schedule(), 3.0, 64, Quantize::Beat);
    assert_eq!(landing(&beat), 72000, "beat 3 is at 1.5 s");
    let off = run(load(&beats("", 0.01)), schedule(), 3.0, 64, Quantize::Off);
    assert_eq!(landing(&off), 62400, "unquantised lands at once");
}

#[test]
fn transport_errors_are_located() {
    let text = beats("transport:\n  bpm: 0\n  beats: 3\n", 0.01);
    let errors = dsl::load(&text, &registry()).err().expect("invalid");
    let shown: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
    assert!(
        shown
            .iter()
            .any(|e| e.starts_with("2:8") && e.contains("bpm")),
        "{shown:?}"
    );
    assert!(
        shown
            .iter()
            .any(|e| e.starts_with("3:3") && e.contains("unknown field `beats`")),
        "{shown:?}"
    );
}

/// A ClockSequencer's beat pulses on the left; `bpm` when given.
fn clock(transport: &str, bpm: Option<f64>) -> String {
    let params = bpm.map_or(String::new(), |b| format!("    params:\n      bpm: {b}\n"));
    format!(
        "{transport}nodes:
  clock:
    module: ClockSequencer
{params}  out:
    module: AudioOut
cables:
  - from: clock
    output: beat
    to: out
    input: left
"
    )
}

fn pulses(out: &StereoBuffer) -> Vec<usize> {
    (0..out.left.len()).filter(|&i| out.left[i] > 0.5).collect()
}

#[test]
fn a_clock_without_bpm_follows_the_transport_and_plays_seed_files_unchanged() {
    let own = run(
        load(&clock("", Some(120.0))),
        vec![],
        3.0,
        64,
        Quantize::Off,
    );
    let follows = run(load(&clock("", None)), vec![], 3.0, 64, Quantize::Off);
    assert!(
        own == follows,
        "at the default 120 BPM the output is bit-identical"
    );
    let slow = clock("transport:\n  bpm: 90\n", None);
    let slow = run(load(&slow), vec![], 3.0, 64, Quantize::Off);
    assert_eq!(pulses(&slow), vec![0, 32000, 64000, 96000, 128000]);
    let fixed = clock("transport:\n  bpm: 90\n", Some(120.0));
    let fixed = run(load(&fixed), vec![], 3.0, 64, Quantize::Off);
    assert_eq!(pulses(&fixed), pulses(&own), "its own bpm wins");
}

#[test]
fn a_following_clock_keeps_time_across_a_tempo_change_and_a_mid_set_start() {
    // 120 BPM, then 60 BPM from 0.75 s (beat 1.5): the next beat (2) is half a beat later,
    // at 0.75 + 0.5 s; beat 3 would be at 2.25 s.
    let slow = clock("transport:\n  bpm: 60\n", None);
    let out = run(
        load(&clock("", None)),
        vec![(36000, load(&slow))],
        2.0,
        37,
        Quantize::Off,
    );
    assert_eq!(pulses(&out), vec![0, 24000, 60000]);
    // Added at 0.3 s (beat 0.6): its first beat is the transport's beat 1 at 0.5 s.
    let silent = "nodes:\n  out:\n    module: AudioOut\n";
    let out = run(
        load(silent),
        vec![(14400, load(&clock("", None)))],
        2.0,
        37,
        Quantize::Off,
    );
    assert_eq!(pulses(&out), vec![24000, 48000, 72000]);
}
