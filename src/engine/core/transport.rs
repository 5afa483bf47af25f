//! The transport: musical time owned by the engine.
//!
//! The patch's optional `transport:` gives a tempo and a metre. The audio thread keeps a
//! sample-accurate position in beats and bars that survives every commit: a tempo change
//! re-anchors the clock at the frame it lands on, so the beat position stays continuous. The
//! position is a function of the absolute frame and the anchors only, never accumulated per
//! block, so it is the same whatever the block size. Quantised commits land on the first
//! frame at or after the next beat or bar boundary.

use crate::modules::Tempo;
use std::fmt;
use std::str::FromStr;

/// Slowest tempo a patch may ask for, in BPM.
pub const MIN_BPM: f64 = 1.0;
/// Fastest tempo a patch may ask for, in BPM.
pub const MAX_BPM: f64 = 999.0;
/// Most beats a bar may have.
pub const MAX_BEATS_PER_BAR: u32 = 64;

/// The patch's `transport:`: tempo and metre.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TransportSettings {
    /// Beats per minute (120 when not given).
    pub bpm: f64,
    /// Beats in a bar (4 when not given).
    pub beats_per_bar: u32,
}

impl Default for TransportSettings {
    fn default() -> Self {
        TransportSettings {
            bpm: 120.0,
            beats_per_bar: 4,
        }
    }
}

/// When a commit lands: at once, on the next beat or on the next bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Quantize {
    /// At the next block (as soon as possible).
    #[default]
    Off,
    /// On the first frame at or after the next beat.
    Beat,
    /// On the first frame at or after the next bar.
    Bar,
}

impl Quantize {
    /// The next mode in the cycle off, beat, bar.
    pub fn next(self) -> Quantize {
        match self {
            Quantize::Off => Quantize::Beat,
            Quantize::Beat => Quantize::Bar,
            Quantize::Bar => Quantize::Off,
        }
    }
}

impl fmt::Display for Quantize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Quantize::Off => "off",
            Quantize::Beat => "beat",
            Quantize::Bar => "bar",
        })
    }
}

impl FromStr for Quantize {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "off" => Ok(Quantize::Off),
            "beat" => Ok(Quantize::Beat),
            "bar" => Ok(Quantize::Bar),
            _ => Err(format!("expected off, beat or bar, found `{text}`")),
        }
    }
}

/// A boundary closer than this (in frames) counts as reached, so rounding never makes a
/// commit wait a whole beat.
const FRAME_TOLERANCE: f64 = 1e-6;

/// The largest phase error (in beats) a transport following a session slews away; a larger
/// one it jumps.
pub const SLEW_LIMIT_BEATS: f64 = 0.125;
/// The most a slewing transport's pace departs from the session tempo (0.5 %).
pub const MAX_SLEW: f64 = 0.005;
/// A slewing transport's pace is off by its error over this many beats (up to
/// [`MAX_SLEW`]), so the error shrinks by about this time constant once it is small.
const SLEW_BEATS: f64 = 0.5;

/// The audio thread's musical clock.
#[derive(Debug, Clone)]
pub(crate) struct Clock {
    settings: TransportSettings,
    sample_rate: f64,
    /// Frame and beat of the last tempo change.
    anchor_frame: u64,
    anchor_beat: f64,
    /// Beat and bar number where the current bar grid starts (the last metre change).
    grid_beat: f64,
    grid_bar: f64,
    /// How fast beats pass relative to the tempo: 1 on its own, 0 while a followed
    /// transport is stopped, near 1 while it catches up with the clock it follows.
    pace: f64,
}

impl Clock {
    /// A clock at beat 0 with the default transport.
    pub(crate) fn new(sample_rate: f64) -> Self {
        Clock {
            settings: TransportSettings::default(),
            sample_rate,
            anchor_frame: 0,
            anchor_beat: 0.0,
            grid_beat: 0.0,
            grid_bar: 0.0,
            pace: 1.0,
        }
    }

    fn beats_per_frame(&self) -> f64 {
        self.settings.bpm / 60.0 / self.sample_rate * self.pace
    }

    /// The tempo now, in BPM.
    pub(crate) fn bpm(&self) -> f64 {
        self.settings.bpm
    }

    /// From absolute `frame` on: at `beat`, `bpm` and `pace` (see [`super::midi_sync`]).
    pub(crate) fn follow(&mut self, frame: u64, beat: f64, bpm: f64, pace: f64) {
        self.anchor_frame = frame;
        self.anchor_beat = beat;
        self.settings.bpm = bpm;
        self.pace = pace;
    }

    /// Back to beat 0 and bar 0 at absolute `frame`, held there (pace 0) until followed.
    pub(crate) fn restart(&mut self, frame: u64) {
        self.grid_beat = 0.0;
        self.grid_bar = 0.0;
        self.follow(frame, 0.0, self.settings.bpm, 0.0);
    }

    /// Beats since the start at absolute `frame` (not before the last change).
    pub(crate) fn beat(&self, frame: u64) -> f64 {
        self.anchor_beat + (frame - self.anchor_frame) as f64 * self.beats_per_frame()
    }

    fn bar_of(&self, beat: f64) -> f64 {
        self.grid_bar + (beat - self.grid_beat) / f64::from(self.settings.beats_per_bar)
    }

    /// The transport as modules see it at absolute `frame`.
    pub(crate) fn tempo(&self, frame: u64) -> Tempo {
        let beat = self.beat(frame);
        Tempo {
            bpm: self.settings.bpm,
            beats_per_bar: self.settings.beats_per_bar,
            beat,
            beats_per_frame: self.beats_per_frame(),
            bar: self.bar_of(beat),
        }
    }

    /// Applies `settings` from absolute `frame` on: the beat position carries on at the new
    /// tempo; a new metre starts its bar grid at the start of the current bar.
    pub(crate) fn set(&mut self, settings: TransportSettings, frame: u64) {
        if settings == self.settings {
            return;
        }
        let beat = self.beat(frame);
        if settings.beats_per_bar != self.settings.beats_per_bar {
            let bar = (self.bar_of(beat) + FRAME_TOLERANCE).floor();
            self.grid_beat += (bar - self.grid_bar) * f64::from(self.settings.beats_per_bar);
            self.grid_bar = bar;
        }
        self.anchor_frame = frame;
        self.anchor_beat = beat;
        self.settings = settings;
    }

    /// Follows a shared session clock (Ableton Link) from absolute `frame` on: its tempo is
    /// `bpm` and its beat was `beat` at `at_frame`. Bars are whole multiples of beats-per-bar
    /// beats from the session's beat 0, so every follower of that clock shares them. With
    /// `jump`, or when the phase is more than [`SLEW_LIMIT_BEATS`] off, the beat jumps to the
    /// session's; a smaller error is slewed away: the beat runs on from where it is at a pace
    /// at most [`MAX_SLEW`] off the session tempo. True when it jumped.
    pub(crate) fn follow_session(
        &mut self,
        bpm: f64,
        (at_frame, beat): (u64, f64),
        frame: u64,
        jump: bool,
    ) -> bool {
        let beats_per_frame = bpm / 60.0 / self.sample_rate;
        let session = beat + (frame as f64 - at_frame as f64) * beats_per_frame;
        let own = self.beat(frame);
        let error = session - own;
        let jumped = jump || error.abs() > SLEW_LIMIT_BEATS || !error.is_finite();
        self.anchor_beat = if jumped { session } else { own };
        self.anchor_frame = frame;
        self.settings.bpm = bpm;
        self.pace = if jumped {
            1.0
        } else {
            1.0 + (error / SLEW_BEATS).clamp(-MAX_SLEW, MAX_SLEW)
        };
        self.grid_beat = 0.0;
        self.grid_bar = 0.0;
        jumped
    }

    /// Holds the transport from absolute `frame` on where it is, at tempo `bpm` (a followed
    /// session that stopped).
    pub(crate) fn hold(&mut self, frame: u64, bpm: f64) {
        self.follow(frame, self.beat(frame), bpm, 0.0);
    }

    /// The first frame at or after `from` on which the beat reaches `beat` (`from` when the
    /// transport is held or already past it).
    pub(crate) fn frame_at_beat(&self, beat: f64, from: u64) -> u64 {
        let per_frame = self.beats_per_frame();
        if per_frame <= 0.0 {
            return from;
        }
        let frames = ((beat - self.anchor_beat) / per_frame - FRAME_TOLERANCE).ceil();
        (self.anchor_frame + frames.max(0.0) as u64).max(from)
    }

    /// The first frame at or after `frame` that lies on a boundary of `quantize`.
    pub(crate) fn next_boundary(&self, frame: u64, quantize: Quantize) -> u64 {
        let (origin, unit) = match quantize {
            Quantize::Off => return frame,
            Quantize::Beat => (0.0, 1.0),
            Quantize::Bar => (self.grid_beat, f64::from(self.settings.beats_per_bar)),
        };
        let per_frame = self.beats_per_frame();
        if per_frame <= 0.0 {
            // A stopped transport reaches no boundary: land at once.
            return frame;
        }
        let tolerance = FRAME_TOLERANCE * per_frame / unit;
        let k = ((self.beat(frame) - origin) / unit - tolerance).ceil();
        let target = origin + k * unit;
        let frames = ((target - self.anchor_beat) / per_frame - FRAME_TOLERANCE).ceil();
        (self.anchor_frame + frames.max(0.0) as u64).max(frame)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_at_120_bpm_in_four_four_lands_every_two_seconds() {
        let clock = Clock::new(48000.0);
        assert_eq!(clock.next_boundary(0, Quantize::Bar), 0);
        assert_eq!(clock.next_boundary(62400, Quantize::Bar), 96000);
        assert_eq!(clock.next_boundary(96000, Quantize::Bar), 96000);
        assert_eq!(clock.next_boundary(96001, Quantize::Bar), 192000);
        assert_eq!(clock.next_boundary(62400, Quantize::Beat), 72000);
    }

    #[test]
    fn a_tempo_change_keeps_the_beat_continuous() {
        let mut clock = Clock::new(48000.0);
        let before = clock.beat(30000);
        clock.set(
            TransportSettings {
                bpm: 90.0,
                beats_per_bar: 4,
            },
            30000,
        );
        assert_eq!(clock.beat(30000), before);
        // 90 BPM: 1.5 beats a second.
        let later = clock.beat(30000 + 48000) - before;
        assert!((later - 1.5).abs() < 1e-9, "{later}");
    }

    #[test]
    fn a_followed_clock_takes_the_outside_beat_and_bars_from_its_beat_zero() {
        let mut clock = Clock::new(48000.0);
        // The outside clock was at beat 13.5 at frame 1000, at 90 BPM (1.5 beats a second).
        assert!(clock.follow_session(90.0, (1000, 13.5), 49000, false));
        assert!((clock.beat(49000) - 15.0).abs() < 1e-9);
        assert_eq!(clock.bpm(), 90.0);
        // The next bar starts at outside beat 16: 1 beat (32000 frames) after frame 49000.
        assert_eq!(clock.next_boundary(49000, Quantize::Bar), 81000);
        assert!((clock.tempo(81000).bar - 4.0).abs() < 1e-9);
    }

    #[test]
    fn a_small_phase_error_is_slewed_at_most_half_a_percent_and_a_large_one_jumped() {
        let mut clock = Clock::new(48000.0);
        // Own beat 1.0 at frame 24000; the session is 0.01 beat (5 ms) ahead.
        assert!(!clock.follow_session(120.0, (24000, 1.01), 24000, false));
        assert_eq!(clock.beat(24000), 1.0, "no step");
        let per_frame = clock.tempo(24000).beats_per_frame;
        assert!((per_frame / (120.0 / 60.0 / 48000.0) - (1.0 + MAX_SLEW)).abs() < 1e-12);
        // 0.2 beat off: a jump.
        assert!(clock.follow_session(120.0, (24000, 1.21), 24000, false));
        assert!((clock.beat(24000) - 1.21).abs() < 1e-12);
        assert!(
            clock.follow_session(120.0, (24000, 1.22), 24000, true),
            "asked to"
        );
    }

    #[test]
    fn a_new_metre_starts_at_the_current_bar() {
        let mut clock = Clock::new(48000.0);
        // Beat 5 (bar 1 and a quarter) in 4/4, then 3/4: bar 1 started at beat 4.
        clock.set(
            TransportSettings {
                bpm: 120.0,
                beats_per_bar: 3,
            },
            5 * 24000,
        );
        assert!((clock.tempo(5 * 24000).bar - (1.0 + 1.0 / 3.0)).abs() < 1e-9);
        assert_eq!(clock.next_boundary(5 * 24000, Quantize::Bar), 7 * 24000);
    }
}
