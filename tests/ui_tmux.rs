//! The live-coding screen end to end: the real binary on the null backend in a detached tmux
//! session of fixed size, driven with `send-keys` and read with `capture-pane`.

mod ui_support;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};
use ui_support::{TempDir, SET};

/// How long any one wait may take.
const DEADLINE: Duration = Duration::from_secs(20);

/// A tmux server of its own (own socket), killed when dropped.
struct Tmux {
    socket: String,
}

impl Tmux {
    /// Starts `command` in a detached 120x40 session.
    fn start(command: &str) -> Tmux {
        static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmux = Tmux {
            socket: format!("patches-tui-test-{}-{n}", std::process::id()),
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
    tmux.wait_text("new     clock");

    // An edit, then a commit: the summary and the inspector's badge change.
    tmux.keys(&["Down", "Down", "Down", "Down", "Down", "Down", "End"]);
    tmux.keys(&["BSpace", "BSpace", "BSpace", "BSpace", "BSpace"]);
    tmux.type_text("90.0");
    tmux.wait_text("7       bpm: 90.0");
    tmux.keys(&["F5"]);
    let screen = tmux.wait_text("committed: 15 kept, 1 changed, 0 added, 0 removed");
    assert!(screen.contains("changed clock"), "{screen}");
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
    tmux.wait_text("new     clock");

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
