//! `play` through the real binary, always on the null backend so no sound device is needed:
//! hot reload on in-place writes and on write-to-temp-and-rename saves, a save that is briefly
//! empty, errors while playing, Ctrl-C, start-up errors and `--stats`.
//!
//! Every wait has a deadline, and the child is killed when a test ends, passed or not.

use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

/// Time for the binary to start playing (it may share 2 cores with a build).
const START: Duration = Duration::from_secs(30);
/// Time for a save to show up as a reload line.
const RELOAD: Duration = Duration::from_secs(10);
/// Time for the binary to exit once asked.
const EXIT: Duration = Duration::from_secs(10);

#[derive(Debug, Clone, Copy, PartialEq)]
enum Stream {
    Out,
    Err,
}

/// A running `play --null`; killed on drop.
struct Player {
    child: Child,
    lines: Receiver<(Stream, String)>,
    /// Lines received but not yet matched by `expect`.
    unread: Vec<(Stream, String)>,
    /// Every line received, for failure messages.
    transcript: Vec<String>,
}

impl Player {
    fn start(args: &[&str]) -> Player {
        let mut child = Command::new(env!("CARGO_BIN_EXE_patches-tui"))
            .args(["play", "--null"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the binary starts");
        let (tx, lines) = mpsc::channel();
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr = child.stderr.take().expect("piped stderr");
        forward(stdout, Stream::Out, tx.clone());
        forward(stderr, Stream::Err, tx);
        Player {
            child,
            lines,
            unread: Vec::new(),
            transcript: Vec::new(),
        }
    }

    /// Waits until a line on `stream` satisfies `wanted`, and takes it out of the unread lines.
    fn expect(
        &mut self,
        stream: Stream,
        what: &str,
        within: Duration,
        wanted: impl Fn(&str) -> bool,
    ) -> String {
        let deadline = Instant::now() + within;
        loop {
            if let Some(i) = self
                .unread
                .iter()
                .position(|(s, line)| *s == stream && wanted(line))
            {
                return self.unread.remove(i).1;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => self.receive(line),
                Err(_) => panic!(
                    "no {what} on {stream:?} within {within:?}; output so far:\n{}",
                    self.transcript.join("\n")
                ),
            }
        }
    }

    fn receive(&mut self, line: (Stream, String)) {
        self.transcript.push(format!("{:?}: {}", line.0, line.1));
        self.unread.push(line);
    }

    /// Takes in every line that has arrived.
    fn drain(&mut self) {
        while let Ok(line) = self.lines.try_recv() {
            self.receive(line);
        }
    }

    fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    fn wait(&mut self, within: Duration) -> ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().expect("the child can be waited on") {
                return status;
            }
            if Instant::now() >= deadline {
                self.drain();
                panic!(
                    "still running after {within:?}; output so far:\n{}",
                    self.transcript.join("\n")
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends SIGINT, as Ctrl-C would.
    fn interrupt(&self) {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -INT failed");
    }

    /// Unread lines on `stream` that satisfy `unwanted`.
    fn unread_matching(&self, stream: Stream, unwanted: impl Fn(&str) -> bool) -> Vec<String> {
        self.unread
            .iter()
            .filter(|(s, line)| *s == stream && unwanted(line))
            .map(|(_, line)| line.clone())
            .collect()
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends each line of `pipe` to `tx` from a thread that ends with the pipe.
fn forward(
    pipe: impl std::io::Read + Send + 'static,
    stream: Stream,
    tx: Sender<(Stream, String)>,
) {
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(pipe).lines() {
            let Ok(line) = line else { break };
            if tx.send((stream, line)).is_err() {
                break;
            }
        }
    });
}

/// A temporary directory, removed when dropped (also when the test fails).
fn temp_dir(tag: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("patches-tui-play-{tag}-"))
        .tempdir()
        .expect("a temporary directory")
}

fn demo_synth() -> String {
    let path = format!("{}/patches/demo_synth.yaml", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).expect("patches/demo_synth.yaml")
}

/// `text` with `from` replaced by `to`, which must occur.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "`{from}` is not in the patch");
    text.replacen(from, to, 1)
}

/// Saves the way many editors do: writes a temporary file beside `path`, renames it over.
fn save_by_rename(path: &Path, text: &str) {
    let temp = path.with_file_name(".set.yaml.tmp");
    std::fs::write(&temp, text).expect("write the temporary file");
    std::fs::rename(&temp, path).expect("rename over the patch");
}

/// Whether `line` is `FILE:LINE:COL: message`.
fn is_file_line_col(line: &str, file: &str) -> bool {
    let Some(rest) = line.strip_prefix(&format!("{file}:")) else {
        return false;
    };
    let mut parts = rest.splitn(3, ':');
    let mut number = || parts.next().is_some_and(|p| p.parse::<u32>().is_ok());
    number() && number() && parts.next().is_some_and(|m| m.starts_with(' '))
}

/// Matches `reloaded FILE: COUNTS...`.
fn reload_line(file: &str, counts: &str) -> impl Fn(&str) -> bool {
    let prefix = format!("reloaded {file}: {counts}");
    move |line| line.starts_with(&prefix)
}

#[test]
fn play_reloads_every_save_and_keeps_playing_through_errors() {
    let dir = temp_dir("reload");
    let path = dir.path().join("set.yaml");
    let file = path.display().to_string();
    let original = demo_synth();
    std::fs::write(&path, &original).unwrap();
    let mut player = Player::start(&[&file]);
    let playing = player.expect(Stream::Out, "playing line", START, |l| {
        l.starts_with("playing ")
    });
    assert!(
        playing.contains(&file) && playing.contains("9 nodes"),
        "{playing}"
    );
    assert!(
        playing.contains("via null") && playing.contains("48000 Hz"),
        "{playing}"
    );

    // In place, one parameter: one node changes.
    let lower = edit(&original, "cutoff: 1400.0", "cutoff: 900.0");
    std::fs::write(&path, &lower).unwrap();
    let line = player.expect(Stream::Out, "reload of a changed cutoff", RELOAD, {
        reload_line(&file, "8 kept, 1 changed, 0 added, 0 removed in ")
    });
    assert!(line.ends_with(" ms"), "{line}");
    // Saving the same text again is not a reload (checked at the end).
    std::fs::write(&path, &lower).unwrap();

    // Write to a temporary file and rename it over: one node added.
    let drone = "  drone:\n    module: SineOscillator\n    params:\n      frequency: 110.0\n";
    let out_node = "  out:\n    module: AudioOut\n";
    let added = edit(&lower, out_node, &format!("{drone}{out_node}"));
    save_by_rename(&path, &added);
    player.expect(Stream::Out, "reload of an added node", RELOAD, {
        reload_line(&file, "9 kept, 0 changed, 1 added, 0 removed in ")
    });

    // An invalid save: the errors, and the previous patch keeps playing.
    let misspelt = drone.replace("SineOscillator", "SineOscilator");
    let invalid = edit(&added, drone, &misspelt);
    std::fs::write(&path, &invalid).unwrap();
    let error = player.expect(Stream::Err, "FILE:LINE:COL error", RELOAD, |l| {
        is_file_line_col(l, &file)
    });
    assert!(error.contains("unknown module `SineOscilator`"), "{error}");
    player.expect(Stream::Out, "keeps-playing line", RELOAD, |l| {
        l == format!("{file} has errors: the previous patch keeps playing")
    });
    std::thread::sleep(Duration::from_millis(300));
    assert!(player.running(), "play stopped after an invalid save");

    // Valid again: it reloads against what plays (the drone at 110 Hz).
    let higher = edit(&added, "frequency: 110.0", "frequency: 220.0");
    save_by_rename(&path, &higher);
    player.expect(Stream::Out, "reload after the errors", RELOAD, {
        reload_line(&file, "9 kept, 1 changed, 0 added, 0 removed in ")
    });

    // A save that leaves the file empty for a moment says nothing about it.
    std::fs::write(&path, "").unwrap();
    std::thread::sleep(Duration::from_millis(150));
    std::fs::write(&path, edit(&higher, "cutoff: 900.0", "cutoff: 800.0")).unwrap();
    player.expect(Stream::Out, "reload after an empty moment", RELOAD, {
        reload_line(&file, "9 kept, 1 changed, 0 added, 0 removed in ")
    });

    player.interrupt();
    player.expect(Stream::Out, "stopped line", EXIT, |l| l == "stopped");
    let status = player.wait(EXIT);
    assert_eq!(status.code(), Some(0), "{status}");
    player.drain();
    let extra = player.unread_matching(Stream::Out, |l| {
        l.starts_with("reloaded ") || l.contains("has errors") || l.contains("cannot be read")
    });
    assert!(
        extra.is_empty(),
        "unexpected lines: {extra:?}; output:\n{}",
        player.transcript.join("\n")
    );
}

#[test]
fn play_keeps_reloading_after_its_directory_is_replaced() {
    let root = temp_dir("replaced");
    let dir = root.path().join("patches");
    std::fs::create_dir(&dir).unwrap();
    let path = dir.join("set.yaml");
    let file = path.display().to_string();
    let original = demo_synth();
    std::fs::write(&path, &original).unwrap();
    let mut player = Player::start(&[&file]);
    player.expect(Stream::Out, "playing line", START, |l| {
        l.starts_with("playing ")
    });

    // mv dir dir.old; mkdir dir; cp ...
    std::fs::rename(&dir, root.path().join("patches.old")).unwrap();
    std::fs::create_dir(&dir).unwrap();
    let lower = edit(&original, "cutoff: 1400.0", "cutoff: 900.0");
    std::fs::write(&path, &lower).unwrap();
    player.expect(Stream::Out, "reload from the new directory", RELOAD, {
        reload_line(&file, "8 kept, 1 changed, 0 added, 0 removed in ")
    });
    // And the watch stays on the new directory.
    std::fs::write(&path, edit(&lower, "cutoff: 900.0", "cutoff: 700.0")).unwrap();
    player.expect(Stream::Out, "the next reload", RELOAD, {
        reload_line(&file, "8 kept, 1 changed, 0 added, 0 removed in ")
    });
}

#[test]
fn play_refuses_an_invalid_file_at_start_up() {
    let dir = temp_dir("invalid");
    let path = dir.path().join("bad.yaml");
    let file = path.display().to_string();
    std::fs::write(
        &path,
        "nodes:\n  osc:\n    module: SineOscilator\n  out:\n    module: AudioOut\ncables: []\n",
    )
    .unwrap();
    let mut player = Player::start(&[&file]);
    let status = player.wait(START);
    assert_eq!(status.code(), Some(1), "{status}");
    let error = player.expect(Stream::Err, "FILE:LINE:COL error", EXIT, |l| {
        is_file_line_col(l, &file)
    });
    assert!(
        error.starts_with(&format!("{file}:3:13: unknown module")),
        "{error}"
    );
    player.drain();
    assert!(player
        .unread_matching(Stream::Out, |l| l.starts_with("playing"))
        .is_empty());
}

#[test]
fn play_says_plainly_that_a_file_is_missing() {
    let dir = temp_dir("missing");
    let file = dir.path().join("missing.yaml").display().to_string();
    let mut player = Player::start(&[&file]);
    let status = player.wait(START);
    assert_eq!(status.code(), Some(1), "{status}");
    player.expect(Stream::Err, "cannot-read line", EXIT, |l| {
        l.starts_with(&format!("{file}: cannot read: "))
    });
}

#[test]
fn play_with_stats_prints_the_load_every_two_seconds() {
    let dir = temp_dir("stats");
    let path = dir.path().join("set.yaml");
    std::fs::write(&path, demo_synth()).unwrap();
    let file = path.display().to_string();
    let mut player = Player::start(&["--stats", &file]);
    player.expect(Stream::Out, "playing line", START, |l| {
        l.starts_with("playing ")
    });
    let stats = player.expect(Stream::Out, "stats line", Duration::from_secs(4), |l| {
        l.starts_with("stats: DSP load ")
    });
    assert!(
        stats.contains("% mean,")
            && stats.contains("% peak;")
            && stats.contains("late callbacks;")
            && stats.contains("non-finite,")
            && stats.ends_with("clamped samples"),
        "{stats}"
    );
    player.interrupt();
    player.expect(Stream::Out, "stopped line", EXIT, |l| l == "stopped");
    assert_eq!(player.wait(EXIT).code(), Some(0));
}

#[test]
fn play_names_a_node_it_resets_though_it_feeds_no_meters() {
    // A sine whose pitch an LFO drives 2000 octaves deep: its frequency overflows to
    // infinity and the containment resets it, again and again.
    let blowing_up = "nodes:
  lfo:
    module: SineOscillator
    params: {frequency: 1.0}
  osc:
    module: SineOscillator
  out:
    module: AudioOut
cables:
  - lfo.out -> osc.voct * 2000
  - osc.out -> out.left
";
    let dir = temp_dir("resets");
    let path = dir.path().join("set.yaml");
    std::fs::write(&path, blowing_up).unwrap();
    let mut player = Player::start(&[&path.display().to_string()]);
    player.expect(Stream::Err, "reset line", Duration::from_secs(4), |l| {
        l.starts_with("reset osc: its output went NaN or infinite")
    });
    player.interrupt();
    player.expect(Stream::Out, "stopped line", EXIT, |l| l == "stopped");
    assert_eq!(player.wait(EXIT).code(), Some(0));
}
