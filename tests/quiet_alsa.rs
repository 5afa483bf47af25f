//! alsa-lib's own diagnostics never reach the terminal: `play` and `devices` print only
//! this program's lines, and `--verbose` shows alsa-lib's messages in this program's form.
//!
//! A temporary HOME whose asoundrc names a PCM and a sequencer plugin that do not exist makes
//! alsa-lib complain on any machine, with a sound card or without.

use std::path::Path;
use std::process::{Command, Output, Stdio};

/// A HOME whose default PCM and sequencer cannot be opened, and noisily so.
fn noisy_home() -> tempfile::TempDir {
    let home = tempfile::Builder::new()
        .prefix("patches-tui-noisy-alsa-")
        .tempdir()
        .expect("a temporary HOME");
    std::fs::write(
        home.path().join(".asoundrc"),
        "pcm.!default {\n    type patches_tui_no_such_plugin\n}\nseq.!default {\n    type patches_tui_no_such_plugin\n}\n",
    )
    .expect("asoundrc");
    home
}

fn run(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_patches-tui"))
        .args(args)
        .env("HOME", home)
        .env_remove("ALSA_CONFIG_PATH")
        .env_remove("PATCHES_TUI_VERBOSE")
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("patches-tui runs")
}

fn alsa_lines(stderr: &str) -> Vec<&str> {
    stderr
        .lines()
        .filter(|line| line.starts_with("ALSA lib"))
        .collect()
}

const SINE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/patches/sine_tone.yaml");

#[test]
fn play_without_a_device_prints_only_its_own_lines() {
    let home = noisy_home();
    let out = run(home.path(), &["play", SINE], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr:\n{stderr}");
    assert_eq!(alsa_lines(&stderr), Vec::<&str>::new(), "stderr:\n{stderr}");
    assert!(
        stderr.starts_with("no usable sound device:"),
        "the useful message comes first:\n{stderr}"
    );
    assert!(
        stderr.contains("alsa-lib message(s) hidden: --verbose"),
        "says where alsa-lib's messages went:\n{stderr}"
    );
}

#[test]
fn verbose_shows_alsa_libs_messages_in_this_programs_form() {
    let home = noisy_home();
    for (args, env) in [
        (vec!["play", "--verbose", SINE], vec![]),
        (vec!["play", SINE], vec![("PATCHES_TUI_VERBOSE", "1")]),
    ] {
        let out = run(home.path(), &args, &env);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(alsa_lines(&stderr), Vec::<&str>::new(), "stderr:\n{stderr}");
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with("alsa-lib: ") && l.contains("patches_tui_no_such_plugin")),
            "{args:?} {env:?} shows alsa-lib's complaint:\n{stderr}"
        );
        assert!(!stderr.contains("hidden"), "{stderr}");
    }
}

#[test]
fn devices_prints_only_its_own_lines() {
    let home = noisy_home();
    let out = run(home.path(), &["devices"], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "stderr:\n{stderr}");
    assert_eq!(alsa_lines(&stderr), Vec::<&str>::new(), "stderr:\n{stderr}");
    assert_eq!(alsa_lines(&stdout), Vec::<&str>::new(), "stdout:\n{stdout}");
    assert!(stdout.contains("* default"), "stdout:\n{stdout}");
}

#[test]
fn midi_prints_only_its_own_lines() {
    let home = noisy_home();
    let out = run(home.path(), &["midi"], &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "stderr:\n{stderr}");
    assert_eq!(alsa_lines(&stderr), Vec::<&str>::new(), "stderr:\n{stderr}");
    assert!(stdout.starts_with("no MIDI"), "stdout:\n{stdout}");
    let verbose = run(home.path(), &["midi"], &[("PATCHES_TUI_VERBOSE", "1")]);
    let stderr = String::from_utf8_lossy(&verbose.stderr);
    assert!(
        stderr.lines().any(|l| l.starts_with("alsa-lib: ")),
        "PATCHES_TUI_VERBOSE=1 shows alsa-lib's complaint:\n{stderr}"
    );
}
