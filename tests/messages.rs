//! Every `check` error is one short line `FILE:LINE:COL: message`, whatever the file holds:
//! bytes that are not UTF-8, block-scalar names, huge numbers and names, unclosed brackets,
//! numbers that are not finite as 32-bit floats, shape keys that would be ignored. Through the
//! real binary.

use std::path::PathBuf;
use std::process::Command;

const OUT: &str = "  out:\n    module: AudioOut\n";

/// Writes `bytes` to `TAG.yaml` in a directory of its own, removed when the guard drops.
fn write(tag: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::Builder::new()
        .prefix("patches-tui-msg-")
        .tempdir()
        .unwrap();
    let path = dir.path().join(format!("{tag}.yaml"));
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

/// `check`s `bytes`: the exit code and stderr.
fn check(tag: &str, bytes: &[u8]) -> (Option<i32>, String, PathBuf) {
    let (_dir, path) = write(tag, bytes);
    let out = Command::new(env!("CARGO_BIN_EXE_patches-tui"))
        .arg("check")
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).expect("messages are UTF-8");
    (out.status.code(), stderr, path)
}

/// The one error line for `bytes`, checked to be `FILE:LINE:COL: ` + a message of at most
/// 300 characters containing each of `parts`.
fn one_error(tag: &str, bytes: &[u8], line: usize, column: usize, parts: &[&str]) {
    let (code, stderr, path) = check(tag, bytes);
    assert_eq!(code, Some(1), "{tag}: {stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{tag}: one line expected: {stderr}");
    assert!(stderr.ends_with('\n'));
    let prefix = format!("{}:{line}:{column}: ", path.display());
    let message = lines[0]
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{tag}: expected {prefix}...: {}", lines[0]));
    assert!(message.chars().count() <= 300, "{tag}: too long: {message}");
    for part in parts {
        assert!(message.contains(part), "{tag}: `{part}` not in: {message}");
    }
}

#[test]
fn bytes_that_are_not_utf8_are_located() {
    let mut text = format!("nodes:\n{OUT}  osc:\n    module: Sine").into_bytes();
    text.extend_from_slice(b"\xff\xfeOscillator\n");
    one_error("utf8", &text, 5, 17, &["not UTF-8", "0xFF"]);
}

#[test]
fn a_block_scalar_name_stays_on_one_line() {
    let text = format!("nodes:\n{OUT}  osc:\n    module: |\n      Sine\n      Osc\n");
    one_error(
        "block",
        text.as_bytes(),
        6,
        7,
        &["unknown module `Sine\\nOsc\\n`"],
    );
}

#[test]
fn huge_numbers_are_short() {
    let text = format!(
        "nodes:\n{OUT}  osc:\n    module: SineOscillator\n    params:\n      frequency: 1e300\n"
    );
    one_error("huge", text.as_bytes(), 7, 18, &["1e300 is out of range"]);
    let text = format!(
        "nodes:\n{OUT}  osc:\n    module: SineOscillator\n    params:\n      frequency: 1e30\n"
    );
    one_error("large", text.as_bytes(), 7, 18, &["1e30 is out of range"]);
}

#[test]
fn numbers_that_are_not_finite_as_f32_are_rejected_at_their_position() {
    let patch = |scale: &str, frequency: &str| {
        format!(
            "nodes:\n{OUT}  osc:\n    module: SineOscillator\n    params:\n      frequency: {frequency}\ncables:\n  - {{from: osc, output: out, to: out, input: left, scale: {scale}}}\n"
        )
    };
    one_error(
        "scale",
        patch("1e39", "440").as_bytes(),
        9,
        59,
        &["`scale` of cable 1", "`1e39`", "32-bit"],
    );
    one_error(
        "scale_inf",
        patch(".inf", "440").as_bytes(),
        9,
        59,
        &["not a finite number"],
    );
    one_error(
        "param",
        patch("1", "1e39").as_bytes(),
        7,
        18,
        &["out of range"],
    );
    let (code, stderr, _) = check("ok", patch("3.4e38", "440").as_bytes());
    assert_eq!(code, Some(0), "the largest f32 is accepted: {stderr}");
}

#[test]
fn an_unclosed_brace_is_reported_where_it_opens() {
    let text = format!("nodes:\n  osc: {{module: SineOscillator\n{OUT}");
    one_error("brace", text.as_bytes(), 2, 8, &["`{` is not closed"]);
}

#[test]
fn long_names_are_cut() {
    let long = "B".repeat(100_000);
    let text = format!("nodes:\n{OUT}  osc:\n    module: {long}\n");
    one_error(
        "long",
        text.as_bytes(),
        5,
        13,
        &["unknown module `BBBB", "...`"],
    );
}

#[test]
fn shape_keys_a_module_does_not_use_are_errors() {
    let text = format!("nodes:\n{OUT}  osc:\n    module: SineOscillator\n    channels: 3\n");
    one_error(
        "channels",
        text.as_bytes(),
        6,
        15,
        &["`channels`", "no effect", "Sum"],
    );
    let text = format!("nodes:\n{OUT}  mix:\n    module: Sum\n    length: 8\n");
    one_error(
        "length",
        text.as_bytes(),
        6,
        13,
        &["`length`", "StepSequencer"],
    );
    let text = format!(
        "nodes:\n{OUT}  mix:\n    module: Sum\n    channels: 3\n  seq:\n    module: StepSequencer\n    length: 8\n"
    );
    let (code, stderr, _) = check("used", text.as_bytes());
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn a_file_over_16_mib_is_refused_without_reading_it() {
    let (_dir, path) = write("huge_file", b"");
    let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    file.set_len(1 << 40).unwrap(); // sparse: 1 TiB that takes no disk
    for target in [path, PathBuf::from("/dev/zero")] {
        let out = Command::new(env!("CARGO_BIN_EXE_patches-tui"))
            .arg("check")
            .arg(&target)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.starts_with(&format!("{}: ", target.display()))
                && stderr.contains("larger than the 16 MiB"),
            "{stderr}"
        );
    }
}

/// The syntax mistakes of issue 11's list, each in words at the line (and column) that is
/// wrong, with none of the parser's own words.
#[test]
fn yaml_mistakes_read_in_plain_words_where_they_are() {
    let osc = "  osc:\n    module: SineOscillator\n";
    let cases: [(&str, String, usize, usize, &[&str]); 8] = [
        (
            "extra-space",
            format!("nodes:\n{OUT}  osc:\n     module: SineOscillator\n    params: {{}}\n"),
            5,
            6,
            &["indentation: this line starts at column 6", "column 5"],
        ),
        (
            "cable-key",
            format!("nodes:\n{OUT}{osc}cables:\n  - from: osc\n    output: out\n   to: out\n    input: left\n"),
            9,
            4,
            &["this line starts at column 4", "the line above starts at column 5"],
        ),
        (
            "item-and-key",
            format!("nodes:\n  - osc\n{OUT}"),
            3,
            3,
            &["line 2 is a list item", "either list items or `key: value` lines"],
        ),
        (
            "glued-comment",
            format!("nodes:\n{OUT}  osc:\n    module: SineOscillator\n    params: {{frequency: 440}}#x\n"),
            6,
            29,
            &["a `#` comment needs a space before it"],
        ),
        (
            "escape",
            format!("nodes:\n{OUT}  osc:\n    module: \"Sine\\qOscillator\"\n"),
            5,
            18,
            &["`\\q` is not an escape", "single quotes"],
        ),
        (
            "alias",
            format!("nodes:\n{OUT}  osc: *voice\n"),
            4,
            8,
            &["aliases (`*name`) are not supported"],
        ),
        (
            "glued-colon",
            format!("nodes:\n{OUT}  osc:\n    module:SineOscillator\n"),
            5,
            5,
            &["put a space after the `:` (`module: SineOscillator`)"],
        ),
        (
            "parameter-on-node",
            format!("nodes:\n{OUT}{osc}    frequency: 440\n"),
            6,
            5,
            &["`frequency` is a parameter of SineOscillator: it belongs under `params:`"],
        ),
    ];
    for (tag, text, line, column, parts) in cases {
        one_error(tag, text.as_bytes(), line, column, parts);
        let (_, stderr, _) = check(tag, text.as_bytes());
        for raw in [
            "while parsing",
            "did not find expected",
            "unknown anchor",
            "tokens by whitespace",
        ] {
            assert!(!stderr.contains(raw), "{tag}: parser words: {stderr}");
        }
    }
}
