//! Musical time as a module sees it: the engine's transport at the first frame of a call.
//!
//! A module reads it with [`ProcessIo::tempo`](super::ProcessIo::tempo). Positions are in
//! beats since the transport started (f64, sample-accurate) and follow every tempo change
//! continuously, so a tempo-synced module (an LFO in beats, a delay in note values) derives
//! its phase from `beat_at(frame)` and stays locked across commits and block sizes.

/// Tempo and position of the transport at the first frame of a process call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tempo {
    /// Beats per minute.
    pub bpm: f64,
    /// Beats in a bar.
    pub beats_per_bar: u32,
    /// Beats since the transport started, at the first frame.
    pub beat: f64,
    /// Beats the transport advances per frame (`bpm / 60 / sample_rate`).
    pub beats_per_frame: f64,
    /// Bars since the transport started, at the first frame.
    pub bar: f64,
}

impl Tempo {
    /// The transport at 120 BPM in 4/4 at the start, for a stream at `sample_rate` Hz.
    pub fn start(sample_rate: f64) -> Self {
        Tempo {
            bpm: 120.0,
            beats_per_bar: 4,
            beat: 0.0,
            beats_per_frame: 2.0 / sample_rate,
            bar: 0.0,
        }
    }

    /// Beats since the start at `frame` frames into the call.
    pub fn beat_at(&self, frame: usize) -> f64 {
        self.beat + frame as f64 * self.beats_per_frame
    }

    /// Bars since the start at `frame` frames into the call.
    pub fn bar_at(&self, frame: usize) -> f64 {
        self.bar + frame as f64 * self.beats_per_frame / f64::from(self.beats_per_bar)
    }

    /// The same transport `frames` frames later (at the same tempo).
    pub fn advanced(&self, frames: usize) -> Self {
        Tempo {
            beat: self.beat_at(frames),
            bar: self.bar_at(frames),
            ..*self
        }
    }
}

impl Default for Tempo {
    fn default() -> Self {
        Tempo::start(48000.0)
    }
}
