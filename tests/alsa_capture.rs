//! The real cpal path, end to end: `patches-tui play` runs with a temporary HOME whose
//! asoundrc sends the default PCM through ALSA's file plugin (over the `null` PCM) into a raw
//! sample file, and the 440 Hz tone of `patches/sine_tone.yaml` is measured in what it wrote.
//! The `null` PCM may run faster than real time, so the run stops once enough is captured.

use std::fs;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The rate the asoundrc forces.
const RATE: f64 = 48000.0;
/// The tone `patches/sine_tone.yaml` plays.
const TONE: f64 = 440.0;
/// The least tone the measurement needs, in frames (a quarter of a second).
const MIN_FRAMES: usize = 12000;
/// Stop early once the capture file is this large (the `null` PCM can run very fast).
const ENOUGH_BYTES: u64 = 16 << 20;
/// How long `play` runs at most.
const RUN: Duration = Duration::from_secs(1);

/// `default`: converted to f32 LE stereo at 48 kHz, written to `f32.raw`.
/// `patches_s16`: 16-bit integer samples at the stream's own rate, written to `s16.raw`.
fn asoundrc(dir: &Path) -> String {
    let dir = dir.display();
    format!(
        r#"pcm.!default {{
    type plug
    slave {{
        pcm {{
            type file
            slave.pcm "null"
            file "{dir}/f32.raw"
            format "raw"
        }}
        format FLOAT_LE
        rate 48000
        channels 2
    }}
}}
pcm.patches_s16 {{
    type linear
    slave {{
        pcm {{
            type file
            slave.pcm "null"
            file "{dir}/s16.raw"
            format "raw"
        }}
        format S16_LE
    }}
    hint {{
        show on
        description "patches test s16"
    }}
}}
"#
    )
}

/// A fresh HOME holding the asoundrc; removed with everything captured when dropped (also
/// when the test fails).
struct Home(tempfile::TempDir);

impl Home {
    fn new(name: &str) -> Home {
        let home = tempfile::Builder::new()
            .prefix(&format!("patches-alsa-{name}-"))
            .tempdir()
            .expect("temp HOME");
        fs::write(home.path().join(".asoundrc"), asoundrc(home.path())).expect("asoundrc");
        Home(home)
    }

    fn path(&self) -> &Path {
        self.0.path()
    }
}

/// A running `play`, killed when dropped so that a failing test never leaves it writing.
struct Playing(Child);

impl Drop for Playing {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn_play(home: &Path, extra: &[&str]) -> Playing {
    let patch = concat!(env!("CARGO_MANIFEST_DIR"), "/patches/sine_tone.yaml");
    let child = Command::new(env!("CARGO_BIN_EXE_patches-tui"))
        .arg("play")
        .arg(patch)
        .args(extra)
        .env("HOME", home)
        .env_remove("ALSA_CONFIG_PATH")
        .env_remove("XDG_CONFIG_HOME")
        .stdin(Stdio::null())
        .stdout(fs::File::create(home.join("stdout")).expect("stdout file"))
        .stderr(fs::File::create(home.join("stderr")).expect("stderr file"))
        .spawn()
        .expect("patches-tui runs");
    Playing(child)
}

fn logs(home: &Path) -> String {
    let read = |name| fs::read_to_string(home.join(name)).unwrap_or_default();
    format!("stdout:\n{}\nstderr:\n{}", read("stdout"), read("stderr"))
}

/// Runs `play` for about a second (less once the capture is large), stops it with SIGINT and
/// returns the bytes captured in `name`.
fn capture(home: &Path, extra: &[&str], name: &str) -> Vec<u8> {
    let file = home.join(name);
    let mut play = spawn_play(home, extra);
    let child = &mut play.0;
    let started = Instant::now();
    while started.elapsed() < RUN {
        if let Some(status) = child.try_wait().expect("wait") {
            panic!("play exited early ({status}):\n{}", logs(home));
        }
        if fs::metadata(&file).is_ok_and(|m| m.len() >= ENOUGH_BYTES) {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let sent = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(sent.success(), "SIGINT sent");
    let stopping = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if stopping.elapsed() > Duration::from_secs(5) {
            panic!("play did not stop on SIGINT:\n{}", logs(home));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    fs::read(&file).unwrap_or_else(|e| panic!("no capture {}: {e}\n{}", file.display(), logs(home)))
}

/// The interleaved stereo frames from the first to the last non-silent one (the engine
/// plays silence until its first plan arrives).
fn sounding(samples: &[f32]) -> &[f32] {
    let frames = samples.len() / 2;
    let loud = |f: &usize| samples[2 * f] != 0.0 || samples[2 * f + 1] != 0.0;
    let first = (0..frames).find(loud).unwrap_or(frames);
    let last = (0..frames).rev().find(loud).map_or(first, |f| f + 1);
    &samples[2 * first..2 * last]
}

/// The frequency of `signal` in Hz from its upward zero crossings, each located by linear
/// interpolation between the samples around it.
fn frequency(signal: &[f32]) -> f64 {
    let crossings: Vec<f64> = signal
        .windows(2)
        .enumerate()
        .filter(|(_, w)| w[0] < 0.0 && w[1] >= 0.0)
        .map(|(i, w)| i as f64 + f64::from(w[0] / (w[0] - w[1])))
        .collect();
    let (Some(first), Some(last)) = (crossings.first(), crossings.last()) else {
        return 0.0;
    };
    (crossings.len() - 1) as f64 * RATE / (last - first)
}

/// Checks the captured stereo tone: long enough, both channels equal, loud, at 440 Hz.
fn assert_tone(samples: &[f32], what: &str, home: &Path) {
    let tone = sounding(samples);
    let frames = tone.len() / 2;
    assert!(
        frames >= MIN_FRAMES,
        "{what}: only {frames} sounding frames of {} captured\n{}",
        samples.len() / 2,
        logs(home)
    );
    let left: Vec<f32> = tone.iter().step_by(2).copied().collect();
    let right: Vec<f32> = tone.iter().skip(1).step_by(2).copied().collect();
    assert_eq!(left, right, "{what}: both channels carry the oscillator");
    let peak = left.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    assert!(peak > 0.5, "{what}: peak {peak}");
    let measured = frequency(&left);
    eprintln!("{what}: {measured:.4} Hz over {frames} frames");
    assert!(
        (measured - TONE).abs() < 1.0,
        "{what}: measured {measured} Hz, expected {TONE}"
    );
}

#[test]
fn play_sends_the_tone_through_the_default_alsa_device() {
    let home = Home::new("f32");
    let bytes = capture(home.path(), &[], "f32.raw");
    let samples: Vec<f32> = bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    assert_tone(&samples, "f32 default device", home.path());
}

#[test]
fn play_writes_i16_to_a_named_device_at_a_chosen_rate() {
    let home = Home::new("s16");
    let args = [
        "--device",
        "S16",
        "--sample-rate",
        "48000",
        "--buffer-size",
        "256",
    ];
    let bytes = capture(home.path(), &args, "s16.raw");
    let samples: Vec<f32> = bytes
        .chunks_exact(2)
        .map(|b| f32::from(i16::from_le_bytes([b[0], b[1]])) / 32768.0)
        .collect();
    assert_tone(&samples, "i16 named device", home.path());
}

#[test]
fn devices_lists_the_asoundrc_devices_and_marks_the_default() {
    let home = Home::new("devices");
    let out = Command::new(env!("CARGO_BIN_EXE_patches-tui"))
        .arg("devices")
        .env("HOME", home.path())
        .env_remove("ALSA_CONFIG_PATH")
        .env_remove("XDG_CONFIG_HOME")
        .output()
        .expect("patches-tui runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.first(), Some(&"* default"), "{stdout}");
    let s16 = lines
        .iter()
        .position(|l| l.starts_with("  patches_s16  (patches test s16)"))
        .unwrap_or_else(|| panic!("patches_s16 listed:\n{stdout}"));
    let details = lines[s16 + 1];
    assert!(details.contains("Hz, 2 ch, i16 u16"), "{details}");
    assert!(!details.contains("f32"), "{details}");
}
