//! `play --record` through the real binary on the null backend: the WAV file holds the
//! patch's 440 Hz sine for as long as it played, and a `kill -9` leaves a playable file with
//! everything up to the last header rewrite (about a second before).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SR: f64 = 48000.0;

/// A fresh directory under the target's temp dir.
fn temp_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Starts `play --null --record OUT sine_tone.yaml` and waits until it plays.
fn start(out: &Path) -> Child {
    let patch = concat!(env!("CARGO_MANIFEST_DIR"), "/patches/sine_tone.yaml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_patches-tui"))
        .args(["play", "--null", "--record"])
        .arg(out)
        .arg(patch)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let deadline = Instant::now() + Duration::from_secs(30);
    for line in BufReader::new(stdout).lines() {
        if line.expect("line").starts_with("playing") || Instant::now() > deadline {
            break;
        }
    }
    child
}

/// The left channel of a 32-bit float stereo WAV, as far as its header says.
fn read_left(path: &Path) -> Vec<f32> {
    let data = std::fs::read(path).expect("the recording exists");
    assert_eq!(&data[..4], b"RIFF");
    let at = data
        .windows(4)
        .position(|w| w == b"data")
        .expect("a data chunk");
    let len = u32::from_le_bytes(data[at + 4..at + 8].try_into().unwrap()) as usize;
    let body = &data[at + 8..(at + 8 + len).min(data.len())];
    body.chunks_exact(8)
        .map(|f| f32::from_le_bytes(f[..4].try_into().unwrap()))
        .collect()
}

fn frequency(x: &[f32]) -> f64 {
    let ups = x.windows(2).filter(|w| w[0] < 0.0 && w[1] >= 0.0).count();
    ups as f64 * SR / x.len() as f64
}

#[test]
fn a_recording_holds_the_sine_for_as_long_as_it_played() {
    let dir = temp_dir("record_stop");
    let out = dir.join("set.wav");
    let mut child = start(&out);
    std::thread::sleep(Duration::from_secs(4));
    // SIGINT, as Ctrl-C: the recording is finished with its final header.
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let status = child.wait().expect("exits");
    assert!(status.success());
    let left = read_left(&out);
    let seconds = left.len() as f64 / SR;
    assert!((3.5..4.5).contains(&seconds), "{seconds} s");
    let f = frequency(&left);
    assert!((f - 440.0).abs() < 1.0, "{f} Hz");
}

#[test]
fn kill_9_leaves_a_playable_file_up_to_the_last_second() {
    let dir = temp_dir("record_kill");
    let out = dir.join("set.wav");
    let mut child = start(&out);
    std::thread::sleep(Duration::from_secs(4));
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    let left = read_left(&out);
    let seconds = left.len() as f64 / SR;
    assert!(seconds >= 2.0, "{seconds} s");
    let f = frequency(&left);
    assert!((f - 440.0).abs() < 1.0, "{f} Hz");
}
