//! `play --link` through the real binary, twice on this machine (Ableton Link over loopback):
//! both players find each other, their transports agree in phase, and a tempo one patch sets
//! reaches the other player's transport. The screen's status line shows the session.
//!
//! The tests take turns (`ONE_SESSION`): two at once would put more players in one session.
//!
//! Link finds peers by multicast on every IPv4 interface that is up; on one machine the
//! loopback interface is enough (checked here in a network namespace with only `lo`), but with
//! `lo` down no player can find another: the test says so instead of timing out.
#![cfg(feature = "link")]

mod ui_support;

use patches_tui::engine::live::LiveSession;
use patches_tui::engine::{start_output, OutputOptions};
use patches_tui::ui::app::{App, Options};
use patches_tui::ui::files::read_disk;
use patches_tui::ui::recovery::Recovery;
use patches_tui::ui::theme::Theme;
use std::io::BufRead;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Held by each test while it is in the Link session.
static ONE_SESSION: Mutex<()> = Mutex::new(());

/// Time for the binary to start playing (it may share 2 cores with a build).
const START: Duration = Duration::from_secs(30);
/// The bar: both players report their peer within this long.
const DISCOVERY: Duration = Duration::from_secs(8);
/// Time for a tempo change to show up in the other player's stats (lines come every 2 s).
const TEMPO: Duration = Duration::from_secs(8);
/// Largest phase difference between the two transports, in milliseconds.
const PHASE_MS: f64 = 3.0;

/// A patch at `bpm`, 4 beats a bar.
fn patch(bpm: u32) -> String {
    format!(
        "transport:\n  bpm: {bpm}\n  beats_per_bar: 4\nnodes:\n  osc:\n    module: SineOscillator\n  out:\n    module: AudioOut\ncables:\n  - from: osc\n    output: out\n    to: out\n    input: left\n"
    )
}

/// `link: 1 peer 120.0 BPM; beat 17.2500 at 5.000250 s` read back.
#[derive(Debug, Clone, Copy)]
struct LinkLine {
    peers: u64,
    bpm: f64,
    beat: f64,
    seconds: f64,
}

fn parse_link_line(line: &str) -> Option<LinkLine> {
    let rest = line.strip_prefix("link: ")?;
    let words: Vec<&str> = rest.split_whitespace().collect();
    match words.as_slice() {
        [peers, _, bpm, "BPM;", "beat", beat, "at", seconds, "s"] => Some(LinkLine {
            peers: peers.parse().ok()?,
            bpm: bpm.parse().ok()?,
            beat: beat.parse().ok()?,
            seconds: seconds.parse().ok()?,
        }),
        _ => None,
    }
}

/// A running `play --null --link --stats`; killed on drop.
struct Player {
    child: Child,
    lines: Receiver<String>,
    transcript: Vec<String>,
}

impl Player {
    fn start(file: &Path) -> Player {
        let mut child = Command::new(env!("CARGO_BIN_EXE_patches-tui"))
            .args(["play", "--null", "--link", "--stats"])
            .arg(file)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the binary starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Player {
            child,
            lines,
            transcript: Vec::new(),
        }
    }

    /// The next line satisfying `wanted`, or a panic with the output so far.
    fn expect(&mut self, what: &str, within: Duration, wanted: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.transcript.push(line.clone());
                    if wanted(&line) {
                        return line;
                    }
                }
                Err(_) => panic!(
                    "no {what} within {within:?}; output so far:\n{}",
                    self.transcript.join("\n")
                ),
            }
        }
    }

    /// The next `link:` line satisfying `wanted`.
    fn link_line(
        &mut self,
        what: &str,
        within: Duration,
        wanted: impl Fn(&LinkLine) -> bool,
    ) -> LinkLine {
        let line = self.expect(what, within, |line| {
            parse_link_line(line).is_some_and(|l| wanted(&l))
        });
        parse_link_line(&line).expect("parsed above")
    }
}

impl Drop for Player {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How far `b`'s beat is from `a`'s at `b`'s time, in milliseconds, modulo the bar (phase
/// agrees, beat counts may differ by whole bars).
fn phase_ms(a: &LinkLine, b: &LinkLine) -> f64 {
    let beats_per_second = a.bpm / 60.0;
    let a_then = a.beat + (b.seconds - a.seconds) * beats_per_second;
    let off = (b.beat - a_then).rem_euclid(4.0);
    let off = if off > 2.0 { off - 4.0 } else { off };
    off / beats_per_second * 1000.0
}

/// Median of the phase differences between `b`'s lines and `a`'s nearest line in time.
fn median_phase_ms(a: &[LinkLine], b: &[LinkLine]) -> f64 {
    let mut offs: Vec<f64> = b
        .iter()
        .map(|lb| {
            let la = a
                .iter()
                .min_by(|x, y| {
                    let dx = (x.seconds - lb.seconds).abs();
                    dx.total_cmp(&(y.seconds - lb.seconds).abs())
                })
                .expect("lines of a");
            phase_ms(la, lb)
        })
        .collect();
    offs.sort_by(f64::total_cmp);
    offs[offs.len() / 2]
}

/// Tempo of the transport between two lines, from its beats and Link's clock.
fn measured_bpm(first: &LinkLine, second: &LinkLine) -> f64 {
    (second.beat - first.beat) / (second.seconds - first.seconds) * 60.0
}

/// Panics with the reason when loopback is down (a fresh network namespace): Link could not
/// find a peer on this machine.
fn require_loopback() {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").expect("a UDP socket on loopback");
    if let Err(error) = socket.send_to(b"link test", "127.0.0.1:9") {
        panic!(
            "loopback is down ({error}): Link peers on this machine cannot find each other; \
             bring it up (ip link set lo up)"
        );
    }
}

#[test]
fn two_players_share_peers_phase_and_tempo_over_link() {
    let _one = ONE_SESSION.lock().unwrap_or_else(|e| e.into_inner());
    require_loopback();
    let dir = tempfile::Builder::new()
        .prefix("patches-tui-link-")
        .tempdir()
        .expect("a temporary directory");
    let (file_a, file_b) = (dir.path().join("a.yaml"), dir.path().join("b.yaml"));
    std::fs::write(&file_a, patch(120)).unwrap();
    std::fs::write(&file_b, patch(120)).unwrap();

    let mut a = Player::start(&file_a);
    let mut b = Player::start(&file_b);
    let playing = |line: &str| line.starts_with("playing ");
    a.expect("playing line", START, playing);
    b.expect("playing line", START, playing);
    let both_playing = Instant::now();

    // Both report 1 peer within 8 s.
    let found = |l: &LinkLine| l.peers == 1;
    a.link_line("link line with 1 peer", DISCOVERY, found);
    b.link_line("link line with 1 peer", DISCOVERY, found);
    let discovery = both_playing.elapsed();
    assert!(discovery <= DISCOVERY, "{discovery:?}");
    // Each also said so when the peer came, before its stats line.
    for player in [&a, &b] {
        let said = player
            .transcript
            .iter()
            .any(|l| l == "link 1 peer 120.0 BPM");
        assert!(said, "no peer line in:\n{}", player.transcript.join("\n"));
    }

    // Phase: three lines each, compared on Link's (system-wide) clock.
    let a_lines: Vec<LinkLine> = (0..3)
        .map(|_| a.link_line("link line", TEMPO, found))
        .collect();
    let b_lines: Vec<LinkLine> = (0..3)
        .map(|_| b.link_line("link line", TEMPO, found))
        .collect();
    let phase = median_phase_ms(&a_lines, &b_lines);
    eprintln!("discovery within {discovery:?}; phase difference {phase:.3} ms at 120 BPM");
    assert!(phase.abs() < PHASE_MS, "phase differs by {phase:.3} ms");
    let bpm = measured_bpm(&b_lines[1], &b_lines[2]);
    assert!(
        (bpm - 120.0).abs() < 1.0,
        "b's transport runs at {bpm:.2} BPM"
    );

    // A tempo set in a's patch becomes the session's and b's transport follows it.
    std::fs::write(&file_a, patch(140)).unwrap();
    a.expect("reload", TEMPO, |line| line.starts_with("reloaded "));
    let session_140 = |l: &LinkLine| l.peers == 1 && (l.bpm - 140.0).abs() < 1e-6;
    b.link_line("link line at 140 BPM", TEMPO, session_140);
    let b_lines: Vec<LinkLine> = (0..3)
        .map(|_| b.link_line("link line at 140 BPM", TEMPO, session_140))
        .collect();
    let bpm = measured_bpm(&b_lines[0], &b_lines[2]);
    eprintln!("b's transport after a's change: {bpm:.3} BPM");
    assert!(
        (bpm - 140.0).abs() < 1.0,
        "b's transport runs at {bpm:.2} BPM"
    );
    let a_lines: Vec<LinkLine> = (0..3)
        .map(|_| a.link_line("link line", TEMPO, session_140))
        .collect();
    let phase = median_phase_ms(&a_lines, &b_lines);
    eprintln!("phase difference {phase:.3} ms at 140 BPM");
    assert!(phase.abs() < PHASE_MS, "phase differs by {phase:.3} ms");
}

/// The screen in a Link session of its own, playing `patch(bpm)`.
fn linked_app(dir: &ui_support::TempDir, bpm: u32) -> App {
    let path = dir.join("set.yaml");
    std::fs::write(&path, patch(bpm)).unwrap();
    let null = OutputOptions {
        null: true,
        ..OutputOptions::default()
    };
    let mut sound = LiveSession::new(start_output(&null, true).expect("the null backend"));
    sound.join_link().expect("Link starts");
    let recovery = Recovery::new(&dir.join("data"), &path);
    App::open(
        &path,
        read_disk(&path),
        sound,
        Theme::default(),
        Some(recovery),
        Options::default(),
        Instant::now(),
    )
}

/// Waits up to 10 s for a row of the screen containing `wanted`.
fn expect_on_screen(app: &mut App, wanted: &str) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let rows = ui_support::screen(app, 160, 45);
        if rows.iter().any(|row| row.contains(wanted)) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no `{wanted}` on the screen:\n{}",
            rows.join("\n")
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_status_line_shows_the_link_peers_and_the_patch_tempo_the_session_took() {
    let _one = ONE_SESSION.lock().unwrap_or_else(|e| e.into_inner());
    let dir = ui_support::TempDir::new("link-status");
    let mut app = linked_app(&dir, 133);
    expect_on_screen(&mut app, "133 BPM · link 0 peers 133.0 BPM · q off");
}

#[test]
fn ctrl_t_stops_and_starts_the_session_and_the_status_line_says_so() {
    let _one = ONE_SESSION.lock().unwrap_or_else(|e| e.into_inner());
    let dir = ui_support::TempDir::new("link-start-stop");
    let mut app = linked_app(&dir, 120);
    expect_on_screen(&mut app, "link 0 peers 120.0 BPM · q off");
    app.key(ui_support::ctrl('t'), Instant::now());
    expect_on_screen(&mut app, "link: stopping the session's transport");
    expect_on_screen(&mut app, "link 0 peers 120.0 BPM stopped · q off");
    let counters = app.sound_mut().counters().clone();
    let beat = || counters.beat.load(std::sync::atomic::Ordering::Relaxed);
    let held = beat();
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(beat(), held, "the transport is held");
    app.key(ui_support::ctrl('t'), Instant::now());
    expect_on_screen(&mut app, "link 0 peers 120.0 BPM · q off");
    std::thread::sleep(Duration::from_millis(100));
    assert_ne!(beat(), held, "the transport runs again");
}

/// A player in this process: an engine on the null backend in the Link session.
struct InProcessPlayer {
    engine: patches_tui::engine::Engine,
    link: patches_tui::engine::link::LinkSession,
    _output: patches_tui::engine::NullOutput,
}

impl InProcessPlayer {
    fn start() -> InProcessPlayer {
        use patches_tui::engine::link::LinkSession;
        use patches_tui::engine::{AudioCallback, Engine, EngineConfig, NullOutput};
        let (mut engine, runtime) = Engine::new(EngineConfig::new(48000.0).unobserved());
        let link = LinkSession::join(engine.transport_follow()).expect("Link starts");
        let (graph, _) = patches_tui::dsl::parse(&patch(240)).expect("the patch parses");
        let registry = patches_tui::modules::Registry::seed();
        engine.commit(patches_tui::engine::validate(&graph, &registry).expect("valid"));
        let callback = AudioCallback::new(runtime, 48000.0);
        let output = NullOutput::start(callback, 48000, 256, || ()).expect("null backend");
        InProcessPlayer {
            engine,
            link,
            _output: output,
        }
    }

    /// The transport's beat at the end of the last callback.
    fn beat(&self) -> f64 {
        let beat = &self.engine.counters().beat;
        f64::from_bits(beat.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// Whether the transport moves over 100 ms.
    fn runs(&self) -> bool {
        let before = self.beat();
        std::thread::sleep(Duration::from_millis(100));
        self.beat() != before
    }

    /// Waits up to `within` for the transport to run (`true`) or stand still.
    fn expect_running(&self, running: bool, within: Duration, what: &str) {
        let deadline = Instant::now() + within;
        while self.runs() != running {
            assert!(Instant::now() < deadline, "{what}");
        }
    }
}

#[test]
fn a_stop_and_a_start_of_one_player_stop_and_start_the_other_over_link() {
    let _one = ONE_SESSION.lock().unwrap_or_else(|e| e.into_inner());
    require_loopback();
    let a = InProcessPlayer::start();
    let b = InProcessPlayer::start();
    let deadline = Instant::now() + DISCOVERY;
    while a.link.status().peers != 1 || b.link.status().peers != 1 {
        assert!(Instant::now() < deadline, "the players never met");
        std::thread::sleep(Duration::from_millis(50));
    }
    b.expect_running(true, TEMPO, "b plays with the session");
    // Past beat 6 (at 240 BPM, a second and a half), so that a restart shows.
    while b.beat() < 6.0 {
        assert!(Instant::now() < deadline + TEMPO, "b's transport is slow");
        std::thread::sleep(Duration::from_millis(50));
    }
    a.engine.transport_follow().request_playing(false);
    b.expect_running(false, TEMPO, "a's stop never stopped b");
    a.expect_running(false, TEMPO, "a's stop never stopped a");
    assert!(b.link.status().summary().ends_with(" stopped"));
    let held = b.beat();
    a.engine.transport_follow().request_playing(true);
    b.expect_running(true, TEMPO, "a's start never started b");
    a.expect_running(true, TEMPO, "a's start never started a");
    assert!(!b.link.status().stopped);
    // A start puts the session's beat 0 at the next bar line in phase: the transport runs
    // again from within a bar of beat 0, not from where it was held.
    let bar = b.beat() / 4.0;
    eprintln!("b held at beat {held:.3}, runs again at bar {bar:.3}");
    assert!((-1.0..1.0).contains(&bar), "b runs again at bar {bar:.3}");
    assert!(held > 6.0, "held at beat {held}");
}
