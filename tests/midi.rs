//! MIDI in offline renders: Standard MIDI Files written here with `midly` (format 0 and 1,
//! running status, a tempo map), played by `render --midi` into MIDI modules; pitch, silence,
//! lanes and block-size independence are measured.

mod support;

use midly::num::{u15, u24, u28, u4, u7};
use midly::{Format, Header, MetaMessage, MidiMessage, Smf, Timing, TrackEvent, TrackEventKind};
use patches_tui::midi::{smf, MidiEvent};
use patches_tui::modules::{Registry, Shape};
use std::path::Path;
use std::process::Command;

const SR: u32 = 48000;
/// Ticks per quarter note in the files written here.
const PPQ: u16 = 480;

/// A directory of its own for one test, removed when dropped (also when the test fails).
fn temp_dir(tag: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("patches-midi-{tag}-"))
        .tempdir()
        .unwrap()
}

fn at(delta: u32, kind: TrackEventKind<'static>) -> TrackEvent<'static> {
    TrackEvent {
        delta: u28::new(delta),
        kind,
    }
}

fn note(delta: u32, key: u8, on: bool) -> TrackEvent<'static> {
    let (key, vel) = (u7::new(key), u7::new(100));
    let message = if on {
        MidiMessage::NoteOn { key, vel }
    } else {
        // A note on with velocity 0 is a note off (and keeps running status going).
        MidiMessage::NoteOn {
            key,
            vel: u7::new(0),
        }
    };
    at(
        delta,
        TrackEventKind::Midi {
            channel: u4::new(0),
            message,
        },
    )
}

fn tempo(delta: u32, micros_per_quarter: u32) -> TrackEvent<'static> {
    at(
        delta,
        TrackEventKind::Meta(MetaMessage::Tempo(u24::new(micros_per_quarter))),
    )
}

fn end() -> TrackEvent<'static> {
    at(0, TrackEventKind::Meta(MetaMessage::EndOfTrack))
}

/// A4 for 0.5 s then E5 for 0.5 s: 120 BPM for the first, then 240 BPM (twice the ticks)
/// for the second, so only a file read through its tempo map lands the note-offs right.
/// Format 1 puts the tempo map on its own track; format 0 merges it into the notes.
fn two_notes(format: Format) -> Vec<u8> {
    let tempo_map = vec![tempo(0, 500_000), tempo(480, 250_000), end()];
    let notes = vec![
        note(0, 69, true),
        note(480, 69, false),
        note(0, 76, true),
        note(960, 76, false),
        end(),
    ];
    let tracks = match format {
        Format::SingleTrack => vec![vec![
            tempo(0, 500_000),
            note(0, 69, true),
            note(480, 69, false),
            tempo(0, 250_000),
            note(0, 76, true),
            note(960, 76, false),
            end(),
        ]],
        _ => vec![tempo_map, notes],
    };
    write(format, tracks)
}

fn write(format: Format, tracks: Vec<Vec<TrackEvent<'static>>>) -> Vec<u8> {
    let mut smf = Smf::new(Header::new(format, Timing::Metrical(u15::new(PPQ))));
    smf.tracks = tracks;
    let mut bytes = Vec::new();
    smf.write_std(&mut bytes).unwrap();
    bytes
}

const MONO_PATCH: &str = "\
nodes:
  keys:
    module: MidiToCv
  saw:
    module: SawtoothOscillator
  amp:
    module: Vca
  out:
    module: AudioOut
cables:
  - {from: keys, output: voct, to: saw, input: voct}
  - {from: saw, output: out, to: amp, input: in}
  - {from: keys, output: gate, to: amp, input: cv}
  - {from: amp, output: out, to: out, input: left}
";

fn render(dir: &Path, patch: &str, mid: &[u8], seconds: &str, block: &str) -> Vec<f32> {
    let (patch_path, mid_path) = (dir.join("patch.yaml"), dir.join("song.mid"));
    let out = dir.join(format!("out-{block}.wav"));
    std::fs::write(&patch_path, patch).unwrap();
    std::fs::write(&mid_path, mid).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_patches-tui"))
        .arg("render")
        .arg(&patch_path)
        .args(["--seconds", seconds, "--block-size", block, "--midi"])
        .arg(&mid_path)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut reader = hound::WavReader::open(&out).unwrap();
    let samples: Vec<f32> = reader.samples::<f32>().map(Result::unwrap).collect();
    samples.iter().step_by(2).copied().collect()
}

fn seconds(t: f64) -> usize {
    (t * f64::from(SR)).round() as usize
}

fn assert_two_notes(left: &[f32]) {
    let first = support::frequency(&left[seconds(0.02)..seconds(0.48)], f64::from(SR));
    let second = support::frequency(&left[seconds(0.52)..seconds(0.98)], f64::from(SR));
    assert!((first / 440.0 - 1.0).abs() < 0.003, "first note {first} Hz");
    assert!(
        (second / 659.255 - 1.0).abs() < 0.003,
        "second note {second} Hz"
    );
    // The gate closes the Vca on the very sample of the last note-off.
    let last_sound = left.iter().rposition(|&x| x != 0.0).unwrap();
    assert!(
        last_sound < seconds(1.0) && last_sound > seconds(0.99),
        "last sound at sample {last_sound}"
    );
    assert!(left[seconds(1.0)..].iter().all(|&x| x == 0.0));
}

#[test]
fn a_format_1_file_with_a_tempo_map_plays_a4_then_e5_then_silence() {
    let dir_guard = temp_dir("format1");
    let dir = dir_guard.path();
    let left = render(dir, MONO_PATCH, &two_notes(Format::Parallel), "1.3", "64");
    assert_two_notes(&left);
}

#[test]
fn a_format_0_file_plays_the_same_and_every_block_size_renders_the_same_samples() {
    let dir_guard = temp_dir("format0");
    let dir = dir_guard.path();
    let mid = two_notes(Format::SingleTrack);
    let reference = render(dir, MONO_PATCH, &mid, "1.1", "64");
    assert_two_notes(&reference);
    for block in ["1", "37", "512"] {
        let other = render(dir, MONO_PATCH, &mid, "1.1", block);
        assert!(other == reference, "block size {block} renders differently");
    }
    // And format 1 gives the very same samples as format 0.
    let format1 = render(dir, MONO_PATCH, &two_notes(Format::Parallel), "1.1", "64");
    assert!(format1 == reference);
}

#[test]
fn the_reader_uses_the_tempo_map_and_running_status() {
    let mid = two_notes(Format::Parallel);
    let events = smf::read_events(&mid, f64::from(SR)).unwrap();
    let times: Vec<u64> = events.iter().map(|e| e.time).collect();
    assert_eq!(times, vec![0, 24000, 24000, 48000]);
    // The notes track is written with running status: one status byte for four events.
    let status_bytes = mid.windows(2).filter(|w| w == &[0x90, 69]).count()
        + mid.windows(2).filter(|w| w == &[0x90, 76]).count();
    assert_eq!(status_bytes, 1, "the file does not use running status");
    assert!(smf::read_events(b"MThd nonsense", 48000.0).is_err());
}

#[test]
fn a_c_major_triad_takes_three_lanes_of_four() {
    let chord = [60u8, 64, 67];
    let mut track: Vec<TrackEvent<'static>> = chord.iter().map(|&k| note(0, k, true)).collect();
    track.push(note(480, 60, false));
    track.push(end());
    let mid = write(Format::SingleTrack, vec![track]);
    let events: Vec<MidiEvent> = smf::read_events(&mid, f64::from(SR)).unwrap();
    let shape = Shape {
        voices: 4,
        ..Shape::default()
    };
    let mut harness = Registry::standard()
        .harness("PolyMidiToCv", shape, SR as f32, &[])
        .unwrap();
    harness.queue_events(&events);
    let out = harness.run_long(&[], 1000, 64);
    let (voct, gate) = (&out[0], &out[1]);
    let frame = 500 * 4;
    for (lane, key) in chord.iter().enumerate() {
        let expected = (f32::from(*key) - 36.0) / 12.0;
        assert_eq!(voct[frame + lane], expected, "lane {lane}");
        assert_eq!(gate[frame + lane], 1.0, "lane {lane}");
    }
    assert_eq!(gate[frame + 3], 0.0, "the fourth lane stays free");
}

mod live {
    use patches_tui::engine::{Cable, Engine, EngineConfig, ModuleGraph, Node};
    use patches_tui::midi::input::{FakeMidi, MidiInput};
    use patches_tui::modules::Registry;

    /// A keyboard whose gate is the left channel and whose pitch is the right.
    fn engine_with_keys() -> (Engine, patches_tui::engine::Runtime) {
        let (mut engine, runtime) = Engine::new(EngineConfig::new(48000.0).unobserved());
        let graph = ModuleGraph::new()
            .with_node(Node::new("keys", "MidiToCv"))
            .with_node(Node::new("out", "AudioOut"))
            .with_cable(Cable::new("keys", "gate", "out", "left"))
            .with_cable(Cable::new("keys", "voct", "out", "right").with_scale(0.1));
        let valid = patches_tui::engine::validate(&graph, &Registry::standard()).unwrap();
        engine.commit(valid);
        (engine, runtime)
    }

    #[test]
    fn a_fake_port_plays_notes_into_the_engine() {
        let (mut engine, mut runtime) = engine_with_keys();
        let fake = FakeMidi::new(&["Thru", "Keystation 49 MIDI 1"]);
        let sender = engine.take_midi_sender().unwrap();
        let input = MidiInput::open(&fake, "keystation", sender).unwrap();
        assert_eq!(input.ports(), ["Keystation 49 MIDI 1"]);
        let (mut left, mut right) = (vec![0.0; 64], vec![0.0; 64]);
        runtime.process(&mut left, &mut right);
        assert!(left.iter().all(|&x| x == 0.0));
        assert!(
            !fake.play("Thru", &[0x90, 69, 100]),
            "an unopened port reaches nobody"
        );
        assert!(fake.play("Keystation 49 MIDI 1", &[0x90, 69, 100]));
        runtime.process(&mut left, &mut right);
        assert!(
            left.iter().all(|&x| x == 1.0),
            "the gate opens on the next block"
        );
        assert!(
            right.iter().all(|&x| (x - 0.275).abs() < 1e-6),
            "A4 is 2.75 V"
        );
        // Running status is resolved by the port driver; a note on with velocity 0 is off.
        fake.play("Keystation 49 MIDI 1", &[0x90, 69, 0]);
        runtime.process(&mut left, &mut right);
        assert!(left.iter().all(|&x| x == 0.0));
        assert_eq!(input.received(), 2);
    }

    #[test]
    fn no_ports_or_no_match_is_one_clear_line_and_all_opens_every_port() {
        let mut engine = Engine::new(EngineConfig::new(48000.0).unobserved()).0;
        let none = MidiInput::open(
            &FakeMidi::new(&[]),
            "all",
            engine.take_midi_sender().unwrap(),
        );
        assert_eq!(none.err().unwrap(), "no MIDI input ports");
        let fake = FakeMidi::new(&["Thru", "Keys"]);
        let mut engine = Engine::new(EngineConfig::new(48000.0).unobserved()).0;
        let wrong = MidiInput::open(&fake, "launch", engine.take_midi_sender().unwrap());
        assert_eq!(
            wrong.err().unwrap(),
            "no MIDI input port matches `launch` (ports: Thru, Keys)"
        );
        let mut engine = Engine::new(EngineConfig::new(48000.0).unobserved()).0;
        let all = MidiInput::open(&fake, "all", engine.take_midi_sender().unwrap()).unwrap();
        assert_eq!(all.ports(), ["Thru", "Keys"]);
    }

    #[test]
    fn the_midi_command_lists_ports_or_says_why_there_are_none() {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_patches-tui"))
            .arg("midi")
            .output()
            .unwrap();
        assert!(out.status.success());
        let text = String::from_utf8_lossy(&out.stdout);
        // This machine has no sequencer; a machine with one lists its ports, one a line.
        if !std::path::Path::new("/dev/snd/seq").exists() {
            assert!(text.starts_with("no MIDI"), "{text}");
            assert_eq!(text.lines().count(), 1);
        }
    }
}

#[test]
fn a_file_that_is_not_midi_is_refused_with_its_name_before_rendering() {
    let dir_guard = temp_dir("bad");
    let dir = dir_guard.path();
    let (patch, mid, out) = (dir.join("p.yaml"), dir.join("bad.mid"), dir.join("o.wav"));
    std::fs::write(&patch, MONO_PATCH).unwrap();
    std::fs::write(&mid, b"RIFF not midi at all").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_patches-tui"))
        .arg("render")
        .arg(&patch)
        .args(["--seconds", "1", "--midi"])
        .arg(&mid)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with(&format!("{}: not a Standard MIDI File", mid.display())),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1);
    assert!(!out.exists(), "nothing is written");
}
