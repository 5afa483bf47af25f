//! The live-coding screen end to end: the real binary on the null backend in a detached tmux
//! session of fixed size, driven with `send-keys` and read with `capture-pane`.

mod ui_support;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};
use ui_support::{TempDir, SET};

/// How long any one wait may take.
const DEADLINE: Duration = Duration::from_secs(20);

/// A tmux server of its own (own socket, in a temporary directory of its own so that no
/// `tmux-UID` directory is left in the system's), killed when dropped.
struct Tmux {
    socket: String,
    sockets: tempfile::TempDir,
}

impl Tmux {
    /// Starts `command` in a detached 120x40 session.
    fn start(command: &str) -> Tmux {
        static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmux = Tmux {
            socket: format!("patches-tui-test-{}-{n}", std::process::id()),
            sockets: tempfile::tempdir().expect("a directory for the tmux socket"),
        };
        let started = tmux.run(&[
            "new-session",
            "-d",
            "-s",
            "main",
            "-x",
            "120",
            "-y",
            "40",
            command,
        ]);
        assert!(
            started.status.success(),
            "tmux could not start (install tmux; scripts/setup.sh does): {}",
            String::from_utf8_lossy(&started.stderr)
        );
        tmux
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .env("TMUX_TMPDIR", self.sockets.path())
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux runs (install it; scripts/setup.sh does)")
    }

    /// Sends tmux key names (`C-r`, `F5`, `Down`) or literal text.
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "main"];
        args.extend_from_slice(keys);
        assert!(self.run(&args).status.success());
    }

    /// Types `text` literally.
    fn type_text(&self, text: &str) {
        assert!(self
            .run(&["send-keys", "-t", "main", "-l", text])
            .status
            .success());
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "main"]).stdout).into()
    }

    fn alive(&self) -> bool {
        self.run(&["has-session", "-t", "main"]).status.success()
    }

    /// Polls the screen until `ready` holds; panics with the last screen at the deadline.
    fn wait_for(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if ready(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() < DEADLINE,
                "timed out waiting for {what}; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn wait_text(&self, text: &str) -> String {
        self.wait_for(&format!("`{text}`"), |s| s.contains(text))
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

/// The rows of the meters pane (right column, below its title).
fn meter_rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .skip_while(|row| !row.contains("Meters"))
        .skip(1)
        .map(|row| row.chars().skip(66).collect())
        .collect()
}

fn quoted(path: &Path) -> String {
    format!("'{}'", path.display())
}

#[test]
fn edit_commit_error_save_and_quit_through_the_real_binary() {
    let dir = TempDir::new("tmux");
    let file = dir.join("set.yaml");
    std::fs::write(&file, SET).unwrap();
    let command = format!(
        "env PATCHES_TUI_DATA_DIR={} {} --null {}",
        quoted(&dir.join("data")),
        quoted(Path::new(env!("CARGO_BIN_EXE_patches-tui"))),
        quoted(&file)
    );
    let tmux = Tmux::start(&command);
    tmux.wait_text("committed: 0 kept, 0 changed, 16 added, 0 removed");
    tmux.wait_text("new      clock");

    // An edit, then a commit: the summary and the inspector's badge change.
    tmux.keys(&["Down", "Down", "Down", "Down", "Down", "Down", "End"]);
    tmux.keys(&["BSpace", "BSpace", "BSpace", "BSpace", "BSpace"]);
    tmux.type_text("90.0");
    tmux.wait_text("7       bpm: 90.0");
    tmux.keys(&["F5"]);
    let screen = tmux.wait_text("committed: 15 kept, 1 changed, 0 added, 0 removed");
    assert!(screen.contains("changed  clock"), "{screen}");
    assert!(screen.contains("bpm = 90"), "{screen}");

    // An error: shown with its line number, while the meters keep moving.
    tmux.keys(&["Up", "Up", "End"]);
    tmux.type_text("X");
    let first = tmux.wait_text("1 error: line 5: unknown module `ClockSequencerX`");
    assert!(first.contains("│●  5"), "gutter marker on line 5:\n{first}");
    tmux.keys(&["C-r"]);
    tmux.wait_text("not committed: 1 error(s) (line 5");
    tmux.wait_for("the meters to move", |screen| {
        meter_rows(screen) != meter_rows(&first)
    });

    // Fix it and save: the file on disk has the edit.
    tmux.keys(&["BSpace"]);
    tmux.wait_text("· valid");
    tmux.keys(&["C-s"]);
    tmux.wait_text("saved set.yaml");
    let disk = std::fs::read_to_string(&file).unwrap();
    assert_eq!(disk, SET.replace("bpm: 112.0", "bpm: 90.0"));

    // An unsaved change, then quit through the prompt, discarding it.
    tmux.type_text("#");
    tmux.wait_text("unsaved");
    tmux.keys(&["C-q"]);
    tmux.wait_text("There are unsaved changes.");
    tmux.keys(&["d"]);
    let start = Instant::now();
    while tmux.alive() {
        assert!(
            start.elapsed() < DEADLINE,
            "still running:\n{}",
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), disk);
}

#[test]
fn a_sequencer_length_change_is_badged_reshaped_through_the_real_binary() {
    let dir = TempDir::new("tmux-reshape");
    let file = dir.join("set.yaml");
    std::fs::write(&file, SET).unwrap();
    let command = format!(
        "env PATCHES_TUI_DATA_DIR={} {} --null {}",
        quoted(&dir.join("data")),
        quoted(Path::new(env!("CARGO_BIN_EXE_patches-tui"))),
        quoted(&file)
    );
    let tmux = Tmux::start(&command);
    tmux.wait_text("committed: 0 kept, 0 changed, 16 added, 0 removed");
    let line = SET
        .lines()
        .position(|l| l.contains("length: 8"))
        .expect("the set has an 8-step sequencer")
        + 1;
    tmux.keys(&["C-g"]);
    tmux.type_text(&line.to_string());
    tmux.keys(&["Enter", "End", "BSpace"]);
    tmux.type_text("16");
    tmux.wait_text("length: 16");
    tmux.keys(&["F5"]);
    let screen = tmux.wait_text("committed: 15 kept, 0 changed, 1 reshaped, 0 added, 0 removed");
    assert!(screen.contains("reshaped bass_seq"), "{screen}");
    // Quit before the directory goes, so that no recovery file is written into it as it is
    // removed.
    tmux.keys(&["C-q"]);
    tmux.wait_text("There are unsaved changes.");
    tmux.keys(&["d"]);
    let start = Instant::now();
    while tmux.alive() {
        assert!(
            start.elapsed() < DEADLINE,
            "still running:\n{}",
            tmux.screen()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn no_alsa_lib_line_reaches_the_terminal_after_the_screen_quits() {
    let dir = TempDir::new("alsa");
    let file = dir.join("set.yaml");
    std::fs::write(&file, SET).unwrap();
    // A HOME whose default PCM names a plugin that does not exist: alsa-lib complains on any
    // machine, and the screen falls back to the null backend.
    std::fs::write(
        dir.join(".asoundrc"),
        "pcm.!default {\n    type patches_tui_no_such_plugin\n}\n",
    )
    .unwrap();
    let command = format!(
        "env -u PATCHES_TUI_VERBOSE HOME={} PATCHES_TUI_DATA_DIR={} {} {}; echo SCREEN-EXITED; sleep 60",
        quoted(dir.path()),
        quoted(&dir.join("data")),
        quoted(Path::new(env!("CARGO_BIN_EXE_patches-tui"))),
        quoted(&file)
    );
    let tmux = Tmux::start(&command);
    tmux.wait_text("null (no sound)");
    tmux.keys(&["C-q"]);
    let screen = tmux.wait_text("SCREEN-EXITED");
    assert!(
        !screen.lines().any(|line| line.starts_with("ALSA lib")),
        "{screen}"
    );
    assert_eq!(screen.trim(), "SCREEN-EXITED", "nothing else is printed");
}

/// The pid of the program in the pane: the pane's shell's child, or the pane's own process
/// when the shell ran it in its place.
fn program_pid(tmux: &Tmux) -> String {
    let pane = String::from_utf8_lossy(
        &tmux
            .run(&["display", "-p", "-t", "main", "#{pane_pid}"])
            .stdout,
    )
    .trim()
    .to_string();
    let children = format!("/proc/{pane}/task/{pane}/children");
    std::fs::read_to_string(&children)
        .unwrap_or_default()
        .split_whitespace()
        .next()
        .map_or(pane, str::to_string)
}

#[test]
fn a_signal_restores_the_terminal_and_keeps_the_edit_in_the_recovery_file() {
    for (signal, code) in [("TERM", 143), ("HUP", 129), ("INT", 130), ("QUIT", 131)] {
        let dir = TempDir::new("signal");
        let file = dir.join("set.yaml");
        std::fs::write(&file, SET).unwrap();
        let command = format!(
            "env PATCHES_TUI_DATA_DIR={} {} --null {}; echo EXIT=$?; \
             stty -a | tr ' ;' '\\n\\n' | grep -x -- '-\\{{0,1\\}}icanon'; sleep 60",
            quoted(&dir.join("data")),
            quoted(Path::new(env!("CARGO_BIN_EXE_patches-tui"))),
            quoted(&file)
        );
        let tmux = Tmux::start(&command);
        tmux.wait_text("committed:");
        tmux.type_text("# edited just now");
        tmux.wait_text("unsaved");
        // Ctrl-C is a key on the screen (raw mode), not a signal.
        tmux.keys(&["C-c"]);
        std::thread::sleep(Duration::from_millis(500));
        let pid = program_pid(&tmux);
        assert!(
            !tmux.screen().contains("EXIT="),
            "Ctrl-C ended the screen:\n{}",
            tmux.screen()
        );
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .unwrap();
        assert!(sent.success());
        let screen = tmux.wait_for("the exit code and the terminal mode", |s| {
            s.contains("EXIT=") && s.lines().any(|l| l == "icanon" || l == "-icanon")
        });
        assert!(
            screen.contains(&format!("EXIT={code}")),
            "SIG{signal}:\n{screen}"
        );
        assert!(
            screen.lines().any(|l| l == "icanon"),
            "SIG{signal}: the terminal is back in canonical (cooked) mode:\n{screen}"
        );
        let alternate = tmux.run(&["display", "-p", "-t", "main", "#{alternate_on}"]);
        assert_eq!(String::from_utf8_lossy(&alternate.stdout).trim(), "0");
        assert!(
            screen.contains(&format!("stopped by SIG{signal}; the unsaved buffer is in")),
            "{screen}"
        );
        assert_eq!(
            std::fs::read_to_string(&file).unwrap(),
            SET,
            "the file is untouched"
        );
        let recovered: Vec<String> = std::fs::read_dir(dir.join("data").join("recovery"))
            .expect("a recovery directory")
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .map(|p| std::fs::read_to_string(p).unwrap())
            .collect();
        assert_eq!(recovered.len(), 1, "SIG{signal}");
        assert!(
            recovered[0].starts_with("# edited just now"),
            "SIG{signal}: {}",
            recovered[0]
        );
    }
}

#[test]
fn a_second_instance_opens_read_only_and_leaves_the_first_ones_recovery_file() {
    let dir = TempDir::new("two");
    let file = dir.join("set.yaml");
    std::fs::write(&file, SET).unwrap();
    let command = format!(
        "env PATCHES_TUI_DATA_DIR={} {} --null {}",
        quoted(&dir.join("data")),
        quoted(Path::new(env!("CARGO_BIN_EXE_patches-tui"))),
        quoted(&file)
    );
    let first = Tmux::start(&command);
    first.wait_text("committed:");
    first.type_text("# the first one's work");
    first.wait_text("unsaved");
    let recovery_dir = dir.join("data").join("recovery");
    let recovery_file = || {
        std::fs::read_dir(&recovery_dir)
            .ok()?
            .map(|e| e.unwrap().path())
            .find(|p| p.extension().is_some_and(|x| x == "yaml"))
    };
    let start = Instant::now();
    let written = loop {
        if let Some(path) = recovery_file() {
            break path;
        }
        assert!(start.elapsed() < DEADLINE, "no recovery file written");
        std::thread::sleep(Duration::from_millis(100));
    };

    let second = Tmux::start(&command);
    let screen = second.wait_text("this one is read-only");
    assert!(
        screen.contains("is open in another patches-tui (pid"),
        "{screen}"
    );
    assert!(!screen.contains("recovery file"), "not offered:\n{screen}");
    // The second one's own unsaved text, when it is killed, goes to a file of its own.
    second.type_text("# the second one's edit");
    second.wait_text("unsaved");
    let pid = program_pid(&second);
    assert!(Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap()
        .success());
    let start = Instant::now();
    while second.alive() {
        assert!(start.elapsed() < DEADLINE, "{}", second.screen());
        std::thread::sleep(Duration::from_millis(50));
    }
    let kept = std::fs::read_to_string(&written).expect("the first one's file is kept");
    assert!(kept.starts_with("# the first one's work"), "{kept}");
    let stem = written.file_stem().unwrap().to_string_lossy().to_string();
    let own = recovery_dir.join(format!("{stem}.{pid}.yaml"));
    let own = std::fs::read_to_string(&own).expect("the second one's own recovery file");
    assert!(own.starts_with("# the second one's edit"), "{own}");
    assert!(first.alive());

    // The first one discards and quits: killed, it would write its recovery file into the
    // temporary directory while that is being removed.
    first.keys(&["C-q"]);
    first.wait_text("There are unsaved changes.");
    first.keys(&["d"]);
    let start = Instant::now();
    while first.alive() {
        assert!(start.elapsed() < DEADLINE, "{}", first.screen());
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        !written.exists(),
        "its discarding quit removes its own recovery file"
    );
}

#[test]
fn a_closed_window_keeps_the_edit_in_the_recovery_file() {
    let dir = TempDir::new("hangup");
    let file = dir.join("set.yaml");
    std::fs::write(&file, SET).unwrap();
    let command = format!(
        "env PATCHES_TUI_DATA_DIR={} {} --null {}",
        quoted(&dir.join("data")),
        quoted(Path::new(env!("CARGO_BIN_EXE_patches-tui"))),
        quoted(&file)
    );
    let tmux = Tmux::start(&command);
    tmux.wait_text("committed:");
    tmux.type_text("# typed before the window closed");
    tmux.wait_text("unsaved");
    // The window goes: the program gets SIGHUP and its terminal is gone.
    let _ = tmux.run(&["kill-server"]);
    let recovery_dir = dir.join("data").join("recovery");
    let start = Instant::now();
    loop {
        let recovered = std::fs::read_dir(&recovery_dir)
            .into_iter()
            .flatten()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .any(|text| text.starts_with("# typed before the window closed"));
        if recovered {
            break;
        }
        assert!(
            start.elapsed() < DEADLINE,
            "no recovery file after the hang-up"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(std::fs::read_to_string(&file).unwrap(), SET);
}

#[test]
fn edits_undone_before_quitting_leave_no_recovery_file() {
    let dir = TempDir::new("undone");
    let file = dir.join("set.yaml");
    std::fs::write(&file, SET).unwrap();
    let command = format!(
        "env PATCHES_TUI_DATA_DIR={} {} --null {}",
        quoted(&dir.join("data")),
        quoted(Path::new(env!("CARGO_BIN_EXE_patches-tui"))),
        quoted(&file)
    );
    let tmux = Tmux::start(&command);
    tmux.wait_text("committed:");
    tmux.type_text("#");
    tmux.wait_text("unsaved");
    let recovery_dir = dir.join("data").join("recovery");
    let written = || {
        std::fs::read_dir(&recovery_dir)
            .into_iter()
            .flatten()
            .map(|e| e.unwrap().path())
            .any(|p| p.extension().is_some_and(|x| x == "yaml"))
    };
    let start = Instant::now();
    while !written() {
        assert!(start.elapsed() < DEADLINE, "no recovery file written");
        std::thread::sleep(Duration::from_millis(100));
    }
    tmux.keys(&["BSpace"]);
    tmux.wait_text("· saved ·");
    tmux.keys(&["C-q"]);
    let start = Instant::now();
    while tmux.alive() {
        assert!(start.elapsed() < DEADLINE, "{}", tmux.screen());
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!written(), "the stale recovery file is removed");
}

#[test]
fn the_screen_keeps_watching_after_its_directory_is_replaced() {
    let root = TempDir::new("replaced");
    let dir = root.join("patches");
    std::fs::create_dir(&dir).unwrap();
    let file = dir.join("set.yaml");
    std::fs::write(&file, SET).unwrap();
    let command = format!(
        "env PATCHES_TUI_DATA_DIR={} {} --null {}",
        quoted(&root.join("data")),
        quoted(Path::new(env!("CARGO_BIN_EXE_patches-tui"))),
        quoted(&file)
    );
    let tmux = Tmux::start(&command);
    tmux.wait_text("committed:");
    // mv dir dir.old; mkdir dir; cp ...
    std::fs::rename(&dir, root.join("patches.old")).unwrap();
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(&file, SET.replace("bpm: 112.0", "bpm: 96.0")).unwrap();
    tmux.wait_text("7       bpm: 96.0");
    tmux.wait_text("reloaded set.yaml from disk");
    // The next save in the new directory is seen too.
    std::fs::write(&file, SET.replace("bpm: 112.0", "bpm: 84.0")).unwrap();
    tmux.wait_text("7       bpm: 84.0");
    tmux.keys(&["C-q"]);
}

#[test]
fn editing_keys_and_completion_through_the_real_binary() {
    let dir = TempDir::new("tmux-editing");
    let file = dir.join("long.yaml");
    let long = format!("{SET}{}", "# more\n".repeat(167 - SET.lines().count()));
    assert_eq!(long.lines().count(), 167);
    std::fs::write(&file, &long).unwrap();
    let command = format!(
        "env PATCHES_TUI_DATA_DIR={} {} --null {}",
        quoted(&dir.join("data")),
        quoted(Path::new(env!("CARGO_BIN_EXE_patches-tui"))),
        quoted(&file)
    );
    let tmux = Tmux::start(&command);
    tmux.wait_text("new      clock");

    // Two PageDowns: the editor's top line is line 10 or later.
    tmux.keys(&["PageDown"]);
    tmux.keys(&["PageDown"]);
    let screen = tmux.wait_for("the view to scroll", |screen| {
        top_line(screen).is_some_and(|line| line >= 10)
    });
    assert!(!screen.contains("│   1 #"), "{screen}");

    // At the end: a new line, Tab, `extra:`, then a module name completed with Ctrl-Space.
    tmux.keys(&["C-End", "Enter", "Tab"]);
    tmux.type_text("extra:");
    tmux.keys(&["Enter"]);
    tmux.type_text("module: Sawt");
    tmux.keys(&["C-Space"]);
    tmux.wait_text("SawtoothOscillator  Band-limited");
    tmux.keys(&["Enter"]);
    tmux.wait_text("module: SawtoothOscillator");
    tmux.keys(&["C-s"]);
    tmux.wait_text("saved long.yaml");
    let disk = std::fs::read_to_string(&file).unwrap();
    assert!(
        disk.ends_with("# more\n  extra:\n    module: SawtoothOscillator\n"),
        "{disk}"
    );
}

/// The line number at the top of the editor pane.
fn top_line(screen: &str) -> Option<usize> {
    let row = screen.lines().nth(1)?;
    row.trim_start_matches('│')
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

#[test]
fn the_screen_refuses_a_file_that_is_not_text_or_too_large_and_leaves_it_as_it_was() {
    let dir = TempDir::new("refuse");
    let not_text = dir.join("latin1.yaml");
    let bytes = b"nodes:\n  caf\xe9:\n    module: AudioOut\n".to_vec();
    std::fs::write(&not_text, &bytes).unwrap();
    let huge = dir.join("huge.yaml");
    let mut big = b"# ".to_vec();
    big.resize(17 * 1024 * 1024, b'x');
    std::fs::write(&huge, &big).unwrap();
    for (file, expected) in [(&not_text, "latin1.yaml:2:6:"), (&huge, "16 MiB")] {
        let command = format!(
            "env PATCHES_TUI_DATA_DIR={} {} {}; echo SCREEN-EXITED; sleep 60",
            quoted(&dir.join("data")),
            quoted(Path::new(env!("CARGO_BIN_EXE_patches-tui"))),
            quoted(file)
        );
        let tmux = Tmux::start(&command);
        let screen = tmux.wait_text("SCREEN-EXITED");
        assert!(screen.contains(expected), "{screen}");
        assert!(screen.contains("not opening it"), "{screen}");
    }
    assert_eq!(std::fs::read(&not_text).unwrap(), bytes);
    assert_eq!(std::fs::metadata(&huge).unwrap().len(), big.len() as u64);
}

#[test]
fn midi_in_sync_and_learn_say_what_they_can_through_the_real_binary() {
    let dir = TempDir::new("tmux-midi");
    let file = dir.join("set.yaml");
    std::fs::write(&file, SET).unwrap();
    let command = format!(
        "env PATCHES_TUI_DATA_DIR={} {} --null --midi-in keys --sync midi {}",
        quoted(&dir.join("data")),
        quoted(Path::new(env!("CARGO_BIN_EXE_patches-tui"))),
        quoted(&file)
    );
    let tmux = Tmux::start(&command);
    let screen = tmux.wait_text("BPM (MIDI clock)");
    if !Path::new("/dev/snd/seq").exists() {
        // No sequencer here: the meters pane says so and the set plays on.
        assert!(screen.contains("MIDI off: no MIDI sequencer"), "{screen}");
        assert!(screen.contains("playing"), "{screen}");
        tmux.keys(&["Down", "Down", "Down", "Down", "Down", "Down", "C-l"]);
        tmux.wait_text("MIDI learn needs MIDI in, which is off");
    }
    tmux.keys(&["C-q"]);
}

#[test]
fn the_panic_key_through_the_real_binary() {
    let dir = TempDir::new("tmux-panic");
    let file = dir.join("set.yaml");
    std::fs::write(&file, SET).unwrap();
    let command = format!(
        "env PATCHES_TUI_DATA_DIR={} {} --null {}",
        quoted(&dir.join("data")),
        quoted(Path::new(env!("CARGO_BIN_EXE_patches-tui"))),
        quoted(&file)
    );
    let tmux = Tmux::start(&command);
    tmux.wait_text("committed: 0 kept, 0 changed, 16 added, 0 removed");
    tmux.keys(&["C-p"]);
    let after = tmux.wait_text("panic: silenced and every node reset");
    // The set plays on from its reset state: the meters keep moving.
    tmux.wait_for("the meters to move after the panic", |screen| {
        meter_rows(screen) != meter_rows(&after)
    });
    assert!(tmux.alive());
}

#[test]
fn mute_and_solo_keys_through_the_real_binary() {
    let dir = TempDir::new("tmux-mute");
    let file = dir.join("set.yaml");
    std::fs::write(&file, SET).unwrap();
    let command = format!(
        "env PATCHES_TUI_DATA_DIR={} {} --null {}",
        quoted(&dir.join("data")),
        quoted(Path::new(env!("CARGO_BIN_EXE_patches-tui"))),
        quoted(&file)
    );
    let tmux = Tmux::start(&command);
    tmux.wait_text("committed: 0 kept, 0 changed, 16 added, 0 removed");
    // Line 4 is `  clock:`.
    tmux.keys(&["Down", "Down", "Down"]);
    tmux.keys(&["M-m"]);
    let screen = tmux.wait_text("muted clock");
    let row = meter_rows(&screen)
        .into_iter()
        .find(|r| r.contains("clock "))
        .unwrap_or_else(|| panic!("no clock row:\n{screen}"));
    assert!(row.contains("muted"), "{row}");
    tmux.keys(&["M-m"]);
    tmux.wait_text("unmuted clock");
    // Line 15 is `  bass:`: its chain is the clock, its sequencer, the filter and VCA it
    // feeds and the mix; the envelope (which feeds the VCA, not the saw) is muted.
    tmux.keys(&["Down"; 11]);
    tmux.keys(&["M-s"]);
    let screen = tmux.wait_text("solo bass: every node outside its chain is muted");
    let rows = meter_rows(&screen);
    let row = |name: &str| {
        let label = format!("{name:<10} ");
        rows.iter()
            .find(|r| r.contains(&label))
            .unwrap_or_else(|| panic!("no {name} row:\n{screen}"))
            .clone()
    };
    assert!(row("bass").contains("solo"), "{screen}");
    assert!(row("bass_env").contains("muted"), "{screen}");
    assert!(!row("clock").contains("muted"), "{screen}");
    assert!(!row("bass_vca").contains("muted"), "{screen}");
}
