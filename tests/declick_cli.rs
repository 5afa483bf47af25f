//! Click-free commits through the real binary: `render A.yaml --then T=B.yaml` with the
//! default 10 ms fade keeps the largest step right after the commit within 1.5x the steady
//! one, and `--fade-ms 0` shows the click each case makes without it.

mod support;

use support::step_ratio;

use std::path::Path;
use std::process::Command;

/// 12100 frames at 48 kHz: the 110 Hz sine is near its peak, where a jump is largest.
const AT: &str = "0.2520833333";
const AT_FRAME: usize = 12100;

fn sine(scale: &str) -> String {
    format!(
        "nodes:\n  osc:\n    module: SineOscillator\n    params:\n      frequency: 110.0\n  \
         out:\n    module: AudioOut\ncables:\n  - from: osc\n    output: out\n    to: out\n    \
         input: left\n    scale: {scale}\n"
    )
}

fn two_sines(with_b: bool) -> String {
    let mut text = String::from(
        "nodes:\n  a:\n    module: SineOscillator\n    params:\n      frequency: 110.0\n",
    );
    if with_b {
        text += "  b:\n    module: SineOscillator\n    params:\n      frequency: 165.0\n";
    }
    text += "  out:\n    module: AudioOut\ncables:\n  - a.out -> out.left * 0.5\n";
    if with_b {
        text += "  - b.out -> out.left * 0.5\n";
    }
    text
}

fn sine_and_square(with_square: bool) -> String {
    let mut text = String::from(
        "nodes:\n  osc:\n    module: SineOscillator\n    params:\n      frequency: 110.0\n",
    );
    if with_square {
        text += "  sq:\n    module: SquareOscillator\n    params:\n      base_voct: -4.0\n";
    }
    text += "  out:\n    module: AudioOut\ncables:\n  - osc.out -> out.left * 0.5\n";
    if with_square {
        text += "  - sq.out -> out.left * 0.5\n";
    }
    text
}

fn attenuated(gain: &str) -> String {
    format!(
        "nodes:\n  osc:\n    module: SineOscillator\n    params:\n      frequency: 110.0\n  \
         amp:\n    module: Attenuverter\n    params:\n      gain: {gain}\n  out:\n    \
         module: AudioOut\ncables:\n  - osc.out -> amp.in\n  - amp.out -> out.left\n"
    )
}

/// Renders `before` switching to `after` at `AT` with `--fade-ms fade`; the left channel.
fn render(dir: &Path, before: &str, after: &str, fade: &str) -> Vec<f32> {
    let (a, b, out) = (dir.join("a.yaml"), dir.join("b.yaml"), dir.join("out.wav"));
    std::fs::write(&a, before).unwrap();
    std::fs::write(&b, after).unwrap();
    let then = format!("{AT}={}", b.display());
    let status = Command::new(env!("CARGO_BIN_EXE_patches-tui"))
        .args(["render", a.to_str().unwrap(), "--seconds", "0.4", "--then"])
        .args([
            then.as_str(),
            "--fade-ms",
            fade,
            "--out",
            out.to_str().unwrap(),
        ])
        .output()
        .expect("binary runs");
    assert!(status.status.success(), "{status:?}");
    let mut reader = hound::WavReader::open(&out).expect("a WAV file");
    let samples: Vec<f32> = reader.samples::<f32>().map(|s| s.unwrap()).collect();
    samples.iter().step_by(2).copied().collect()
}

#[test]
fn commits_through_the_binary_stay_within_the_step_bar() {
    let dir = tempfile::Builder::new()
        .prefix("patches-tui-declick-")
        .tempdir()
        .expect("a temporary directory");
    let cases = [
        ("scale 1.0 -> 0.1", sine("1.0"), sine("0.1")),
        (
            "removing one of two sines",
            two_sines(true),
            two_sines(false),
        ),
        (
            "adding a slow square",
            sine_and_square(false),
            sine_and_square(true),
        ),
        ("gain 1.0 -> 0.1", attenuated("1.0"), attenuated("0.1")),
    ];
    for (what, before, after) in cases {
        let faded = step_ratio(&render(dir.path(), &before, &after, "10"), AT_FRAME);
        assert!(faded <= 1.5, "{what}: step ratio {faded} with the fade");
        let abrupt = step_ratio(&render(dir.path(), &before, &after, "0"), AT_FRAME);
        assert!(abrupt > 5.0, "{what}: step ratio {abrupt} without it");
    }
}
