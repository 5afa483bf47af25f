//! The fuzz target: what `check` and `render` do with arbitrary bytes, and the properties
//! that must hold whatever the bytes. [`fuzz_one`] panics when one fails, which is what
//! fuzzers look for: `tests/fuzz.rs` drives it with a seeded mutator (in CI, `make fuzz`), and
//! a coverage-guided fuzzer can take it as it is, for example
//! `fuzz_target!(|data: &[u8]| { patches_tui::fuzz::fuzz_one(data); })`.

use crate::dsl::{self, DslError};
use crate::engine::{render, ValidGraph};
use crate::modules::Registry;
use std::sync::OnceLock;

/// What happened to an input that kept every property.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Refused with located errors (not UTF-8, not YAML, not a valid patch).
    Rejected,
    /// Valid: rendered, finite, and the same whatever the block size.
    Rendered,
}

/// The file name errors are shown with, as `check` would.
const FILE: &str = "fuzz.yaml";
/// Longest error line accepted (a message is cut at 1000 characters).
const MAX_LINE: usize = 1100;
/// Frames rendered of each valid patch.
const FRAMES: u64 = 2048;
/// Sample rate of the renders.
const SAMPLE_RATE: f32 = 48000.0;

/// Runs `bytes` through `check` and, when they are a valid patch, through `render`; panics
/// when a property fails:
/// - every error is one line `fuzz.yaml:LINE:COL: message`, at a position inside the text,
///   with a non-empty message of bounded length;
/// - a valid patch renders finite samples in [-1, 1], bit-identical with blocks of 64 and 37,
///   through live commits to another patch and back.
pub fn fuzz_one(bytes: &[u8]) -> Outcome {
    let text = match dsl::decode(bytes) {
        Ok(text) => text,
        Err(error) => {
            let text = String::from_utf8_lossy(bytes);
            assert_located(&error, &text);
            return Outcome::Rejected;
        }
    };
    let patch = match dsl::load(text, registry()) {
        Ok(patch) => patch,
        Err(errors) => {
            assert!(!errors.is_empty(), "rejected without an error");
            for error in &errors {
                assert_located(error, text);
            }
            return Outcome::Rejected;
        }
    };
    // Live commits: to a known patch and back, so kept, changed and reshaped nodes are planned.
    let schedule = || {
        vec![
            (FRAMES / 3, reference().clone()),
            (2 * FRAMES / 3, patch.valid.clone()),
        ]
    };
    let renders: Vec<Vec<f32>> = [64, 37]
        .into_iter()
        .map(|block| {
            let out = render(
                patch.valid.clone(),
                schedule(),
                FRAMES,
                SAMPLE_RATE,
                block,
                |_, _| {},
            );
            assert_eq!(out.frames() as u64, FRAMES, "render length");
            out.left.into_iter().chain(out.right).collect()
        })
        .collect();
    if let Some(bad) = renders[0].iter().find(|x| !x.is_finite() || x.abs() > 1.0) {
        panic!("rendered {bad}: the output must be finite and in [-1, 1]");
    }
    assert!(
        renders[0] == renders[1],
        "the render differs between blocks of 64 and 37 frames"
    );
    Outcome::Rendered
}

/// The patch commits switch to and from: `patches/demo_synth.yaml`, loaded once.
fn reference() -> &'static ValidGraph {
    static REFERENCE: OnceLock<ValidGraph> = OnceLock::new();
    REFERENCE.get_or_init(|| {
        let text = include_str!("../patches/demo_synth.yaml");
        match dsl::load(text, registry()) {
            Ok(patch) => patch.valid,
            Err(errors) => panic!("demo_synth.yaml is invalid: {errors:?}"),
        }
    })
}

/// The seed registry, made once.
fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(Registry::seed)
}

/// Panics unless `error` is one located line inside `text`.
fn assert_located(error: &DslError, text: &str) {
    let line = error.with_file(FILE);
    assert!(
        !line.contains(['\n', '\r']) && !line.chars().any(char::is_control),
        "not one line: {line:?}"
    );
    assert!(
        line.len() <= MAX_LINE,
        "too long ({} bytes): {line}",
        line.len()
    );
    let prefix = format!("{FILE}:{}:{}: ", error.line, error.column);
    assert!(
        line.starts_with(&prefix) && line.len() > prefix.len(),
        "not FILE:LINE:COL: message: {line}"
    );
    // Lines as YAML counts them: a lone carriage return breaks a line too.
    let width = |l: &str| l.strip_suffix('\r').unwrap_or(l).chars().count();
    let width = text
        .replace("\r\n", "\n")
        .replace('\r', "\n")
        .split('\n')
        .nth(error.line.wrapping_sub(1))
        .map(width);
    assert!(
        error.line >= 1 && error.column >= 1 && width.is_some_and(|w| error.column <= w + 1),
        "position {}:{} outside the text: {line}",
        error.line,
        error.column
    );
}
