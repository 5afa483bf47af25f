//! Pitch conventions: V/oct to Hz, note names to V/oct, and the step-string checker.
//!
//! Pitch is V/oct with 0.0 = C2 = 65.406 Hz; +1 is one octave, 1/12 one semitone.
//! Note names are `[A-G][#b]?[0-9]`: `C4` is 2.0, `A4` is 2.75.

/// Frequency of C2, the pitch at 0.0 V/oct.
pub const C2_HZ: f32 = 65.406_39;

/// The frequency in Hz of the V/oct pitch `v` (0.0 = C2).
pub fn voct_to_hz(v: f32) -> f32 {
    C2_HZ * v.exp2()
}

/// The V/oct pitch of a note name such as `C4`, `F#3` or `Bb2`; `None` if it is not one.
pub fn parse_note(text: &str) -> Option<f32> {
    let (letter, rest) = match text.as_bytes() {
        [l, rest @ ..] => (*l, rest),
        [] => return None,
    };
    let semitone: i32 = match letter {
        b'C' => 0,
        b'D' => 2,
        b'E' => 4,
        b'F' => 5,
        b'G' => 7,
        b'A' => 9,
        b'B' => 11,
        _ => return None,
    };
    let (accidental, octave) = match rest {
        [b'#', o] => (1, *o),
        [b'b', o] => (-1, *o),
        [o] => (0, *o),
        _ => return None,
    };
    if !octave.is_ascii_digit() {
        return None;
    }
    let octave = i32::from(octave - b'0');
    Some((octave - 2) as f32 + (semitone + accidental) as f32 / 12.0)
}

/// Checks one step of a `StepSequencer`: a note name, `-` (rest) or `_` (tie).
pub fn check_step(text: &str) -> Result<(), String> {
    if text == "-" || text == "_" || parse_note(text).is_some() {
        Ok(())
    } else {
        Err(format!(
            "`{text}` is not a step: expected a note like C4, F#3, Bb2, `-` (rest) or `_` (tie)"
        ))
    }
}
