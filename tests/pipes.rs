//! A reader that goes away (`patches-tui check *.yaml | head -1`) ends a command quietly: no
//! panic, no message, exit 0. Through the real binary.

use std::process::{Command, Stdio};

/// Runs the binary with `args`, its stdout a pipe closed before anything is read; the exit
/// code and stderr.
fn with_closed_stdout(args: &[String]) -> (Option<i32>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_patches-tui"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn check_ends_quietly_when_its_reader_goes() {
    let sine = format!("{}/patches/sine_tone.yaml", env!("CARGO_MANIFEST_DIR"));
    // More output than a pipe buffers, so a write fails whatever the timing.
    let mut args = vec!["check".to_string()];
    args.extend(std::iter::repeat_n(sine, 3000));
    let (code, stderr) = with_closed_stdout(&args);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.is_empty(), "{stderr}");
}

#[test]
fn modules_ends_quietly_when_its_reader_goes() {
    for args in [&["modules", "--markdown"][..], &["modules"], &["--help"]] {
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        let (code, stderr) = with_closed_stdout(&args);
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}
