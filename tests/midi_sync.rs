//! `--sync midi` offline: `render --midi SONG.mid --sync midi` makes the transport follow the
//! file's clock, start and stop; a ClockSequencer without its own `bpm` steps at the clock's
//! tempo, measured to the sample, bit-identical at every block size.

use midly::num::{u15, u24, u28};
use midly::{Format, Header, MetaMessage, Smf, Timing, TrackEvent, TrackEventKind};
use std::path::Path;
use std::process::Command;

/// Ticks per quarter note in the file: a MIDI clock every 4 ticks.
const PPQ: u16 = 96;
/// Samples between two clocks at 100 BPM and 48 kHz (25 ms).
const CLOCK_FRAMES: usize = 1200;
/// Samples in a beat at 100 BPM.
const BEAT_100: usize = 24 * CLOCK_FRAMES;
/// Samples in a beat at the patch's own 90 BPM.
const BEAT_90: usize = 32000;
/// Beats the file's clock runs before its stop.
const BEATS: usize = 16;

/// The patch: a ClockSequencer that follows the transport (no `bpm`), in a patch whose own
/// tempo is 90 BPM; beats on the left, semiquavers on the right.
const PATCH: &str = "\
transport:
  bpm: 90
nodes:
  clock:
    module: ClockSequencer
  out:
    module: AudioOut
cables:
  - clock.beat -> out.left
  - clock.semiquaver -> out.right
";

fn at(delta: u32, kind: TrackEventKind<'static>) -> TrackEvent<'static> {
    TrackEvent {
        delta: u28::new(delta),
        kind,
    }
}

/// Start, a clock every 4 ticks at 100 BPM for `BEATS` beats, then stop.
fn clock_file() -> Vec<u8> {
    let realtime = |delta, byte: &'static [u8]| at(delta, TrackEventKind::Escape(byte));
    let mut track = vec![
        at(
            0,
            TrackEventKind::Meta(MetaMessage::Tempo(u24::new(600_000))),
        ),
        realtime(0, &[0xfa]),
    ];
    for clock in 0..24 * BEATS {
        track.push(realtime(if clock == 0 { 0 } else { 4 }, &[0xf8]));
    }
    track.push(realtime(4, &[0xfc]));
    track.push(at(0, TrackEventKind::Meta(MetaMessage::EndOfTrack)));
    let mut smf = Smf::new(Header::new(
        Format::SingleTrack,
        Timing::Metrical(u15::new(PPQ)),
    ));
    smf.tracks = vec![track];
    let mut bytes = Vec::new();
    smf.write_std(&mut bytes).unwrap();
    bytes
}

/// Left and right of `render --midi` of the clock file, with `--sync midi` when `sync`.
fn render(dir: &Path, block: &str, sync: bool) -> (Vec<f32>, Vec<f32>) {
    let (patch, mid) = (dir.join("patch.yaml"), dir.join("song.mid"));
    let out = dir.join(format!("out-{block}-{sync}.wav"));
    std::fs::write(&patch, PATCH).unwrap();
    std::fs::write(&mid, clock_file()).unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_patches-tui"));
    command
        .arg("render")
        .arg(&patch)
        .args(["--seconds", "12", "--block-size", block, "--midi"])
        .arg(&mid)
        .arg("--out")
        .arg(&out);
    if sync {
        command.args(["--sync", "midi"]);
    }
    let output = command.output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut reader = hound::WavReader::open(&out).unwrap();
    let samples: Vec<f32> = reader.samples::<f32>().map(Result::unwrap).collect();
    (
        samples.iter().step_by(2).copied().collect(),
        samples.iter().skip(1).step_by(2).copied().collect(),
    )
}

/// Frames on which `x` pulses.
fn pulses(x: &[f32]) -> Vec<usize> {
    (0..x.len()).filter(|&i| x[i] >= 0.5).collect()
}

#[test]
fn a_clock_at_100_bpm_steps_a_clock_sequencer_at_100_bpm_until_stop() {
    let dir = tempfile::Builder::new()
        .prefix("patches-midi-sync-")
        .tempdir()
        .unwrap();
    let (beats, semiquavers) = render(dir.path(), "64", true);
    let beats = pulses(&beats);
    let expected: Vec<usize> = (0..=BEATS).map(|k| k * BEAT_100).collect();
    assert_eq!(
        beats, expected,
        "a beat every 28800 samples, none after stop"
    );
    let semiquavers = pulses(&semiquavers);
    assert!(semiquavers.windows(2).all(|w| w[1] - w[0] == BEAT_100 / 4));
    assert_eq!(semiquavers.len(), 4 * BEATS + 1);
    for block in ["1", "37", "512"] {
        let (b, s) = render(dir.path(), block, true);
        assert_eq!(pulses(&b), expected, "block {block}");
        assert_eq!(
            (b, s),
            render(dir.path(), "64", true),
            "block {block}: bit-identical"
        );
    }
    // Without --sync the patch's own 90 BPM runs on, clock or not.
    let (own, _) = render(dir.path(), "64", false);
    let own = pulses(&own);
    assert_eq!(own[..4], [0, BEAT_90, 2 * BEAT_90, 3 * BEAT_90]);
}
