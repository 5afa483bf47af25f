//! The command line through the real binary: check, render (with --then), modules, help.

mod support;

use std::path::Path;
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_patches-tui"))
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("binary runs")
}

fn patch(name: &str) -> String {
    format!("{}/patches/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// A temporary directory, removed when dropped (also when the test fails).
fn temp_dir(tag: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("patches-tui-cli-{tag}-"))
        .tempdir()
        .expect("a temporary directory")
}

fn read_wav(path: &Path) -> (hound::WavSpec, Vec<f32>) {
    let mut reader = hound::WavReader::open(path).expect("a WAV file");
    let spec = reader.spec();
    let samples = reader.samples::<f32>().map(|s| s.unwrap()).collect();
    (spec, samples)
}

/// `render FILE --seconds SECONDS --out OUT EXTRA...` with `FILE` from `patches/`.
fn render(file: &str, seconds: &str, out: &Path, extra: &[&str]) -> Output {
    let file = patch(file);
    let mut args = vec![
        "render",
        &file,
        "--seconds",
        seconds,
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run(&args)
}

/// [`render`], checked to succeed: the WAV file's spec and interleaved samples.
fn render_wav(file: &str, seconds: &str, out: &Path, extra: &[&str]) -> (hound::WavSpec, Vec<f32>) {
    let result = render(file, seconds, out, extra);
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    read_wav(out)
}

#[test]
fn check_accepts_every_example() {
    let out = bin()
        .arg("check")
        .args(support::example_files())
        .output()
        .expect("binary runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn check_reports_errors_as_file_line_col_and_exits_1() {
    let dir = temp_dir("check");
    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "nodes:\n  osc:\n    module: SineOscilator\n  out:\n    module: AudioOut\ncables: []\n",
    )
    .unwrap();
    let out = run(&["check", bad.to_str().unwrap(), &patch("sine_tone.yaml")]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let expected = format!("{}:3:13: unknown module `SineOscilator`", bad.display());
    assert!(stderr.contains(&expected), "stderr: {stderr}");
    assert!(
        stderr.contains("did you mean `SineOscillator`"),
        "stderr: {stderr}"
    );

    let missing = run(&["check", "/nonexistent/x.yaml"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent/x.yaml: cannot read"));
}

#[test]
fn render_writes_a_float_stereo_wav_of_the_requested_length() {
    let dir = temp_dir("render");
    let wav = dir.path().join("tone.wav");
    let (spec, samples) = render_wav("sine_tone.yaml", "0.5", &wav, &["--sample-rate", "44100"]);
    assert_eq!(spec.channels, 2);
    assert_eq!(spec.sample_rate, 44100);
    assert_eq!(spec.bits_per_sample, 32);
    assert_eq!(spec.sample_format, hound::SampleFormat::Float);
    assert_eq!(samples.len(), 2 * 22050);
    let peak = samples.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    assert!(peak > 0.99 && peak <= 1.0, "full-scale sine, peak {peak}");
}

#[test]
fn render_is_identical_whatever_the_block_size() {
    let dir = temp_dir("blocks");
    let mut renders = Vec::new();
    for block in ["1", "37", "512"] {
        let wav = dir.path().join(format!("b{block}.wav"));
        renders.push(render_wav("demo_synth.yaml", "1", &wav, &["--block-size", block]).1);
    }
    assert!(renders[0] == renders[1] && renders[1] == renders[2]);
}

#[test]
fn render_then_switches_the_chord_at_the_given_time_keeping_phase() {
    let dir = temp_dir("then");
    let wav = dir.path().join("chord.wav");
    let then = format!("0.5={}", patch("chord_swap_minor.yaml"));
    let (_, samples) = render_wav("chord_swap.yaml", "1", &wav, &["--then", &then]);
    let left: Vec<f32> = samples.iter().step_by(2).copied().collect();
    let (_, reference) = render_wav("chord_swap.yaml", "1", &dir.path().join("plain.wav"), &[]);
    let reference: Vec<f32> = reference.iter().step_by(2).copied().collect();
    assert_eq!(
        left[..24000],
        reference[..24000],
        "identical before the switch"
    );
    assert_ne!(
        left[24000..24100],
        reference[24000..24100],
        "the chord changes at 0.5 s"
    );
    // Phase is kept: no jump larger than the steepest slope of the new chord at the switch.
    let jump = (left[24000] - left[23999]).abs();
    let max_step = 0.25 * 3.0 * std::f32::consts::TAU * 330.0 / 48000.0 * 1.5;
    assert!(jump < max_step, "click at the switch: {jump}");
}

#[test]
fn render_rejects_bad_arguments_and_bad_then_files() {
    let dir = temp_dir("bad-arguments");
    let out = dir.path().join("x.wav");
    let sine = |seconds: &str, extra: &[&str]| render("sine_tone.yaml", seconds, &out, extra);
    assert_eq!(sine("-1", &[]).status.code(), Some(2));
    assert_eq!(sine("1", &["--block-size", "0"]).status.code(), Some(2));
    assert_eq!(sine("1", &["--then", "nonsense"]).status.code(), Some(2));
    let missing = sine("1", &["--then", "0.5=/nonexistent.yaml"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("/nonexistent.yaml: cannot read"));
}

#[test]
fn modules_lists_every_seed_module_and_describes_one() {
    let out = run(&["modules"]);
    assert!(out.status.success());
    let list = String::from_utf8_lossy(&out.stdout);
    for name in [
        "SineOscillator",
        "SawtoothOscillator",
        "SquareOscillator",
        "Sum",
        "Vca",
        "AdsrEnvelope",
        "StepSequencer",
        "ClockSequencer",
        "Glide",
        "ResonantLowpass",
        "AudioOut",
    ] {
        assert!(list.contains(name), "{name} missing from `modules`");
    }
    let one = String::from_utf8_lossy(&run(&["modules", "AdsrEnvelope"]).stdout).into_owned();
    for part in ["trigger", "gate", "attack", "0.001..10 s", "default 0.7"] {
        assert!(
            one.contains(part),
            "`modules AdsrEnvelope` lacks {part}: {one}"
        );
    }
    let bad = run(&["modules", "Adsr"]);
    assert_eq!(bad.status.code(), Some(1));
}

#[test]
fn readme_module_reference_matches_the_descriptors() {
    let generated = String::from_utf8(run(&["modules", "--markdown"]).stdout).unwrap();
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    assert!(
        readme.contains(&generated),
        "README's module reference is stale: regenerate with `patches-tui modules --markdown`"
    );
}

#[test]
fn help_and_version() {
    let help = run(&["--help"]);
    assert!(help.status.success());
    let text = String::from_utf8_lossy(&help.stdout);
    for cmd in ["check", "render", "modules"] {
        assert!(text.contains(cmd));
    }
    let version = run(&["--version"]);
    assert!(String::from_utf8_lossy(&version.stdout).contains(env!("CARGO_PKG_VERSION")));
}
