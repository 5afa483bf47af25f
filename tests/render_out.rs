//! `render` never writes a broken file or over its input: it streams in constant memory to a
//! temporary file renamed at the end, refuses bad outputs before rendering, and survives a
//! closed stdout. Through the real binary.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_patches-tui"))
}

fn patch(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("patches")
        .join(name)
}

/// A directory of its own for one test, removed when dropped (also when the test fails).
fn temp_dir(tag: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("patches-tui-out-{tag}-"))
        .tempdir()
        .unwrap()
}

fn render(file: &Path, seconds: &str, out: &Path, extra: &[&str]) -> Output {
    bin()
        .arg("render")
        .arg(file)
        .args(["--seconds", seconds, "--out"])
        .arg(out)
        .args(extra)
        .output()
        .expect("binary runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Names in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Waits for `child` for at most `limit`; kills it and fails if it is still running.
fn wait_within(mut child: Child, limit: Duration, what: &str) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            panic!("{what}: still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn out_equal_to_an_input_is_refused_and_the_patch_is_untouched() {
    let dir_guard = temp_dir("same");
    let dir = dir_guard.path();
    let file = dir.join("p.yaml");
    fs::copy(patch("sine_tone.yaml"), &file).unwrap();
    let other = dir.join("q.yaml");
    fs::copy(patch("chord_swap.yaml"), &other).unwrap();
    std::os::unix::fs::symlink(&file, dir.join("link.yaml")).unwrap();
    let before = fs::read(&file).unwrap();
    let spellings = [
        file.clone(),
        dir.join(".").join("p.yaml"),
        dir.join("link.yaml"),
    ];
    for out in &spellings {
        let result = render(&file, "0.1", out, &[]);
        assert_eq!(result.status.code(), Some(1), "{}", stderr(&result));
        assert!(stderr(&result).contains("refusing to write over the input"));
    }
    let then = format!("0.05={}", other.display());
    let result = render(&file, "0.1", &other, &["--then", &then]);
    assert_eq!(
        result.status.code(),
        Some(1),
        "a --then file is an input too"
    );
    assert_eq!(fs::read(&file).unwrap(), before);
    assert_eq!(listing(dir), ["link.yaml", "p.yaml", "q.yaml"]);
}

#[test]
fn an_unwritable_out_is_reported_before_rendering() {
    let dir_guard = temp_dir("unwritable");
    let dir = dir_guard.path();
    // A day at 384 kHz would take many minutes to render: the answer must come first.
    let day = ["--sample-rate", "384000"];
    let cases = [
        dir.join("missing-dir").join("x.wav"),
        dir.to_path_buf(),
        PathBuf::from("/proc/x.wav"),
    ];
    for out in &cases {
        let child = bin()
            .arg("render")
            .arg(patch("sine_tone.yaml"))
            .args(["--seconds", "86400", "--out"])
            .arg(out)
            .args(day)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let status = wait_within(child, Duration::from_secs(30), "unwritable --out");
        assert_eq!(status.code(), Some(1), "{}", out.display());
    }
    let readonly = dir.join("ro.wav");
    fs::write(&readonly, b"keep").unwrap();
    let mut perms = fs::metadata(&readonly).unwrap().permissions();
    perms.set_readonly(true);
    fs::set_permissions(&readonly, perms).unwrap();
    let result = render(&patch("sine_tone.yaml"), "0.1", &readonly, &[]);
    assert_eq!(result.status.code(), Some(1));
    assert!(stderr(&result).contains("read-only"), "{}", stderr(&result));
    assert_eq!(fs::read(&readonly).unwrap(), b"keep");
}

#[test]
fn an_interrupted_render_leaves_the_previous_file_and_no_temporary() {
    let dir_guard = temp_dir("interrupt");
    let dir = dir_guard.path();
    let out = dir.join("take.wav");
    let good = render(&patch("sine_tone.yaml"), "0.2", &out, &[]);
    assert!(good.status.success(), "{}", stderr(&good));
    let before = fs::read(&out).unwrap();
    let child = bin()
        .arg("render")
        .arg(patch("demo_synth.yaml"))
        .args(["--seconds", "3600", "--out"])
        .arg(&out)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Wait for the temporary file: the render is under way.
    let start = Instant::now();
    while listing(dir).len() < 2 {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "no temporary file"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let pid = child.id().to_string();
    assert!(Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap()
        .success());
    let status = wait_within(child, Duration::from_secs(30), "interrupted render");
    assert_eq!(status.code(), Some(130));
    assert_eq!(
        fs::read(&out).unwrap(),
        before,
        "the previous take is intact"
    );
    assert_eq!(listing(dir), ["take.wav"]);
}

#[test]
fn then_at_or_after_the_end_is_an_error() {
    let dir_guard = temp_dir("then");
    let dir = dir_guard.path();
    let out = dir.join("x.wav");
    let then = format!("2={}", patch("chord_swap_minor.yaml").display());
    let result = render(&patch("chord_swap.yaml"), "1.5", &out, &["--then", &then]);
    assert_eq!(result.status.code(), Some(2));
    assert!(
        stderr(&result).contains("would never be heard"),
        "{}",
        stderr(&result)
    );
    assert!(!out.exists());
}

/// The largest resident set of `child` while it runs, in kB (from /proc), and its status.
fn peak_rss_kb(mut child: Child) -> (u64, std::process::ExitStatus) {
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    loop {
        if let Ok(text) = fs::read_to_string(&status_path) {
            if let Some(kb) = text
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            {
                peak = peak.max(kb);
            }
        }
        if let Some(status) = child.try_wait().unwrap() {
            return (peak, status);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn memory_does_not_grow_with_the_length_of_the_render() {
    let dir_guard = temp_dir("memory");
    let dir = dir_guard.path();
    let mut peaks = Vec::new();
    for seconds in ["1", "30"] {
        let out = dir.join(format!("{seconds}.wav"));
        let child = bin()
            .arg("render")
            .arg(patch("sine_tone.yaml"))
            .args(["--seconds", seconds, "--sample-rate", "384000", "--out"])
            .arg(&out)
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let (peak, status) = peak_rss_kb(child);
        assert!(status.success());
        let (spec, frames) = {
            let reader = hound::WavReader::open(&out).unwrap();
            (reader.spec(), reader.duration())
        };
        assert_eq!(spec.sample_rate, 384000);
        assert_eq!(
            u64::from(frames),
            seconds.parse::<u64>().unwrap() * 384000,
            "reads back at full length"
        );
        fs::remove_file(&out).unwrap();
        peaks.push(peak);
    }
    // 30 s at 384 kHz is 92 MB of samples; held in memory, the peak would grow by that much.
    let growth = peaks[1].saturating_sub(peaks[0]);
    assert!(
        growth < 8 * 1024,
        "peak RSS grew by {growth} kB from 1 s to 30 s ({peaks:?} kB)"
    );
}

#[test]
fn a_closed_stdout_neither_panics_nor_loses_the_file() {
    let dir_guard = temp_dir("pipe");
    let dir = dir_guard.path();
    let out = dir.join("x.wav");
    let mut child = bin()
        .arg("render")
        .arg(patch("sine_tone.yaml"))
        .args(["--seconds", "0.5", "--out"])
        .arg(&out)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let result = child.wait_with_output().unwrap();
    assert_eq!(result.status.code(), Some(0), "{}", stderr(&result));
    assert!(stderr(&result).is_empty(), "{}", stderr(&result));
    let reader = hound::WavReader::open(&out).unwrap();
    assert_eq!(reader.duration(), 24000);
}

#[test]
fn a_render_the_disk_cannot_hold_is_refused_before_rendering() {
    let dir_guard = temp_dir("space");
    let dir = dir_guard.path();
    let out = dir.join("day.wav");
    // A day of 384 kHz stereo float: 265 GB.
    let needed: u64 = 86_400 * 384_000 * 8;
    let df = Command::new("df")
        .args(["--output=avail", "-B1"])
        .arg(dir)
        .output()
        .unwrap();
    let free: u64 = String::from_utf8_lossy(&df.stdout)
        .lines()
        .nth(1)
        .and_then(|l| l.trim().parse().ok())
        .expect("df gives the free space");
    if free > needed {
        eprintln!("skipped: {free} bytes free, more than a day at 384 kHz needs");
        return;
    }
    let child = bin()
        .arg("render")
        .arg(patch("sine_tone.yaml"))
        .args(["--seconds", "86400", "--sample-rate", "384000", "--out"])
        .arg(&out)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let result = child.wait_with_output().unwrap();
    assert_eq!(result.status.code(), Some(1));
    let message = stderr(&result);
    assert!(
        message.contains("needs 265.42 GB") && message.contains("free there"),
        "{message}"
    );
    assert!(listing(dir).is_empty(), "nothing left behind");
}

#[test]
fn rendering_through_a_link_replaces_the_target_and_keeps_link_and_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir_guard = temp_dir("link");
    let dir = dir_guard.path();
    let target = dir.join("take.wav");
    fs::write(&target, b"old").unwrap();
    fs::set_permissions(&target, fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.join("latest.wav");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let result = render(&patch("sine_tone.yaml"), "0.1", &link, &[]);
    assert!(result.status.success(), "{}", stderr(&result));
    assert!(fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(hound::WavReader::open(&target).unwrap().duration(), 4800);
    let mode = fs::metadata(&target).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    assert_eq!(listing(dir), ["latest.wav", "take.wav"]);
}
