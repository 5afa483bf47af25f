//! Tempo sync shared by the library modules: the beat divisions a `sync` parameter offers
//! and a beat position that is the same whatever the block size.
//!
//! A beat is a quarter note: `1/4` lasts one beat, `1/8` half a beat, `1/16` a quarter. A
//! `t` suffix is a triplet (two thirds of the plain value), a `d` suffix a dotted note (one
//! and a half times). `1bar`, `2bars` and `4bars` last that many bars of the transport's
//! `beats_per_bar` beats. `off` leaves the module on its own time (Hz or ms).

use super::descriptor::{ParamDescriptor, ParamValue};
use super::kit::{choice, variant};
use super::tempo::Tempo;

/// Names of the `sync` variants, in menu order (`off` first).
pub const SYNC_DIVISIONS: &[&str] = &[
    "off", "4bars", "2bars", "1bar", "1/2", "1/2d", "1/2t", "1/4", "1/4d", "1/4t", "1/8", "1/8d",
    "1/8t", "1/16", "1/16d", "1/16t", "1/32",
];

/// Length of a division: whole bars, or a note value in beats.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Length {
    Off,
    Bars(f64),
    Beats(f64),
}

/// The length of each entry of [`SYNC_DIVISIONS`], in the same order.
const LENGTHS: &[Length] = &[
    Length::Off,
    Length::Bars(4.0),
    Length::Bars(2.0),
    Length::Bars(1.0),
    Length::Beats(2.0),
    Length::Beats(3.0),
    Length::Beats(4.0 / 3.0),
    Length::Beats(1.0),
    Length::Beats(1.5),
    Length::Beats(2.0 / 3.0),
    Length::Beats(0.5),
    Length::Beats(0.75),
    Length::Beats(1.0 / 3.0),
    Length::Beats(0.25),
    Length::Beats(0.375),
    Length::Beats(1.0 / 6.0),
    Length::Beats(0.125),
];

const _: () = assert!(SYNC_DIVISIONS.len() == LENGTHS.len());

/// The `sync` parameter: `off` or a beat division.
pub fn sync_param(doc: &'static str) -> ParamDescriptor {
    choice("sync", SYNC_DIVISIONS, "off", doc)
}

/// A chosen `sync` variant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Division(Length);

impl Division {
    /// The division named by an enum parameter value (`off` for anything else).
    pub fn from_param(value: &ParamValue) -> Self {
        Division(LENGTHS[variant(SYNC_DIVISIONS, value)])
    }

    /// Not synced.
    pub fn off() -> Self {
        Division(Length::Off)
    }

    /// The division's length in beats with `beats_per_bar` beats a bar, or `None` when off.
    pub fn beats(self, beats_per_bar: u32) -> Option<f64> {
        match self.0 {
            Length::Off => None,
            Length::Bars(n) => Some(n * f64::from(beats_per_bar)),
            Length::Beats(n) => Some(n),
        }
    }

    /// The division's length in seconds at `tempo`, or `None` when off.
    pub fn seconds(self, tempo: &Tempo) -> Option<f64> {
        self.beats(tempo.beats_per_bar)
            .map(|beats| 60.0 / tempo.bpm * beats)
    }
}

/// The transport's beat at any frame, computed from the absolute frame since the last tempo
/// change (`frames * bpm / (60 * sample_rate)`), never accumulated per block: the same at
/// every block size, and exact where the beat is (one beat at 120 BPM is 24000 frames at 48
/// kHz, exactly).
#[derive(Debug, Clone)]
pub struct BeatClock {
    frames_per_minute: f64,
    anchor_position: u64,
    anchor_beat: f64,
    bpm: f64,
    started: bool,
}

/// A transport beat further than this from the clock's own counts as a jump (re-anchor).
const JUMP_BEATS: f64 = 1e-6;

impl BeatClock {
    /// A clock for a stream at `sample_rate` Hz; it anchors on its first [`BeatClock::follow`].
    pub fn new(sample_rate: f32) -> Self {
        BeatClock {
            frames_per_minute: 60.0 * f64::from(sample_rate),
            anchor_position: 0,
            anchor_beat: 0.0,
            bpm: 0.0,
            started: false,
        }
    }

    /// Follows the transport at the first frame (`position`) of a call: re-anchors on the
    /// first call, on a tempo change and when the position jumps.
    pub fn follow(&mut self, position: u64, tempo: &Tempo) {
        let drifted = (self.beat(position) - tempo.beat).abs() > JUMP_BEATS;
        if !self.started || tempo.bpm != self.bpm || drifted {
            self.started = true;
            self.anchor_position = position;
            self.anchor_beat = tempo.beat;
            self.bpm = tempo.bpm;
        }
    }

    /// The beat at absolute frame `position`.
    #[inline]
    pub fn beat(&self, position: u64) -> f64 {
        let frames = position.saturating_sub(self.anchor_position) as f64;
        self.anchor_beat + frames * self.bpm / self.frames_per_minute
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quarter_triplet_is_two_thirds_of_a_beat_and_a_bar_follows_the_metre() {
        let named = |name: &'static str| Division::from_param(&ParamValue::Enum(name.into()));
        assert_eq!(named("1/4t").beats(4), Some(2.0 / 3.0));
        assert_eq!(named("1/8d").beats(4), Some(0.75));
        assert_eq!(named("2bars").beats(3), Some(6.0));
        assert_eq!(named("off").beats(4), None);
    }

    #[test]
    fn one_beat_at_120_bpm_is_exactly_24000_frames() {
        let mut clock = BeatClock::new(48000.0);
        clock.follow(0, &Tempo::start(48000.0));
        assert_eq!(clock.beat(24000), 1.0);
        assert_eq!(clock.beat(24000 * 1000), 1000.0);
    }
}
