//! `Quantizer`: snaps a V/oct pitch to the nearest note of a scale.
//!
//! The scale's degrees are semitones above `root`; `custom` uses the `degrees` list (numbers
//! 0..11 as strings, for example `[0, 3, 7, 10]`). The output is the nearest scale note (a
//! tie goes up); `trigger` pulses for one sample whenever the output note changes.

use super::descriptor::{ParamDescriptor, ParamKind, ParamValue, PortKind, ShapeUse};
use super::kit::{choice, port, variant};
use super::module::{Module, ProcessIo};
use super::registry::{Layout, ModuleType};
use super::reshape::{keep_lanes, same_type};

const SCALES: &[&str] = &[
    "chromatic",
    "major",
    "minor",
    "pentatonic_major",
    "pentatonic_minor",
    "dorian",
    "phrygian",
    "lydian",
    "mixolydian",
    "harmonic_minor",
    "blues",
    "custom",
];

/// Degrees of every scale but `custom`, as a 12-bit mask (bit n = semitone n).
const MASKS: [u16; 11] = [
    0xFFF,
    mask(&[0, 2, 4, 5, 7, 9, 11]),
    mask(&[0, 2, 3, 5, 7, 8, 10]),
    mask(&[0, 2, 4, 7, 9]),
    mask(&[0, 3, 5, 7, 10]),
    mask(&[0, 2, 3, 5, 7, 9, 10]),
    mask(&[0, 1, 3, 5, 7, 8, 10]),
    mask(&[0, 2, 4, 6, 7, 9, 11]),
    mask(&[0, 2, 4, 5, 7, 9, 10]),
    mask(&[0, 2, 3, 5, 7, 8, 11]),
    mask(&[0, 3, 5, 6, 7, 10]),
];

const ROOTS: &[&str] = &[
    "C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B",
];

const SCALE: usize = 0;
const ROOT: usize = 1;
const DEGREES: usize = 2;

const fn mask(degrees: &[u16]) -> u16 {
    let mut m = 0;
    let mut i = 0;
    while i < degrees.len() {
        m |= 1 << degrees[i];
        i += 1;
    }
    m
}

/// Checks one element of `degrees`: a whole number of semitones 0..11.
fn check_degree(text: &str) -> Result<(), String> {
    match text.trim().parse::<u8>() {
        Ok(d) if d < 12 => Ok(()),
        _ => Err(format!(
            "`{text}` is not a scale degree: expected a semitone 0..11"
        )),
    }
}

struct Quantizer {
    scale: usize,
    root: i32,
    custom: u16,
    /// Last output per lane, and the input it came from (a held pitch is not searched again).
    last: Vec<f32>,
    last_input: Vec<f32>,
}

impl Quantizer {
    fn mask(&self) -> u16 {
        let m = if self.scale < MASKS.len() {
            MASKS[self.scale]
        } else {
            self.custom
        };
        if m == 0 {
            0xFFF
        } else {
            m
        }
    }

    /// The nearest scale note to `voct`, in V/oct.
    fn quantize(&self, voct: f32, mask: u16) -> f32 {
        let semis = (voct * 12.0).clamp(-1200.0, 1200.0) - self.root as f32;
        let semis = if semis.is_nan() { 0.0 } else { semis };
        let base = semis.floor() as i32;
        let mut best = base;
        let mut best_distance = f32::INFINITY;
        for candidate in base - 11..=base + 12 {
            if mask & (1 << candidate.rem_euclid(12)) != 0 {
                let distance = (candidate as f32 - semis).abs();
                if distance <= best_distance {
                    best_distance = distance;
                    best = candidate;
                }
            }
        }
        (best + self.root) as f32 / 12.0
    }
}

impl Module for Quantizer {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        self.last_input.fill(f32::NAN);
        match (index, value) {
            (SCALE, v) => self.scale = variant(SCALES, v),
            (ROOT, v) => self.root = variant(ROOTS, v) as i32,
            (DEGREES, ParamValue::Array(items)) => {
                self.custom = items
                    .iter()
                    .filter_map(|s| s.trim().parse::<u8>().ok())
                    .filter(|&d| d < 12)
                    .fold(0, |m, d| m | 1 << d);
            }
            _ => {}
        }
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        keep_lanes(&mut self.last, &old.last);
        keep_lanes(&mut self.last_input, &old.last_input);
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes();
        let input = io.input(0);
        let [out, trigger] = io.outputs::<2>();
        let mask = self.mask();
        for i in 0..out.len() {
            let lane = i % lanes;
            let q = if input[i] == self.last_input[lane] {
                self.last[lane]
            } else {
                self.quantize(input[i], mask)
            };
            self.last_input[lane] = input[i];
            out[i] = q;
            trigger[i] = if q != self.last[lane] { 1.0 } else { 0.0 };
            self.last[lane] = q;
        }
    }
}

/// The `Quantizer` module type.
pub fn quantizer_type() -> ModuleType {
    ModuleType {
        name: "Quantizer",
        doc: "Snaps a V/oct pitch to the nearest note of a scale from root.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![port("in", PortKind::Pitch, "Pitch in V/oct")],
            outputs: vec![
                port("out", PortKind::Pitch, "The quantised pitch"),
                port(
                    "trigger",
                    PortKind::Gate,
                    "One-sample pulse when the note changes",
                ),
            ],
            params: vec![
                choice(
                    "scale",
                    SCALES,
                    "chromatic",
                    "The scale; custom uses degrees",
                ),
                choice("root", ROOTS, "C", "The scale's first note"),
                ParamDescriptor {
                    name: "degrees",
                    kind: ParamKind::Array {
                        max_len: 12,
                        check: check_degree,
                    },
                    doc: "Semitones above root of the custom scale, for example [0, 3, 7]",
                },
            ],
        },
        create: |shape, _| {
            Box::new(Quantizer {
                scale: 0,
                root: 0,
                custom: 0,
                last: vec![f32::NAN; shape.voices],
                last_input: vec![f32::NAN; shape.voices],
            })
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::named_indices::{assert_outputs, assert_params};

    #[test]
    fn named_indices_match_the_descriptor() {
        let module = quantizer_type();
        assert_params(
            &module,
            &[(SCALE, "scale"), (ROOT, "root"), (DEGREES, "degrees")],
        );
        assert_outputs(&module, &[(0, "out"), (1, "trigger")]);
    }
}
