//! Live events placed by their arrival time: the de-jitter scheme of MIDI input.
//!
//! A port thread stamps each message with the monotonic instant it arrived. At the start of
//! every audio callback the backend hands in when that callback started and how many frames
//! it plays; an event that arrived at `t` lands `(t + period - started) * sample_rate` frames
//! into the callback (the period being the callback's length). Every event is thus heard one
//! period after it arrived, whatever the block boundaries, instead of on the next block start
//! (a jitter of up to one block). An event that arrives while a callback runs (after it
//! started) waits for the next callback, where it lands on its frame; one older than a period
//! lands on the callback's first frame, and one stamped more than a period after the callback
//! started (a clock out of step) on its last.

use std::time::Instant;

/// Where the live events of one audio callback land.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ArrivalWindow {
    /// The callback's first frame.
    pub frame: u64,
    /// When the callback started, on the clock the ports stamp events with.
    pub started: Instant,
    /// Frames the callback plays (its period).
    pub frames: u64,
    /// Frames per second.
    pub sample_rate: f64,
}

impl ArrivalWindow {
    /// The frame an event that arrived at `at` lands on: one period after its arrival (in
    /// the next callback when it arrived after this one started), at frame 0 of the callback
    /// when older than a period, at its last frame when more than a period after its start.
    pub fn frame_of(&self, at: Instant) -> u64 {
        let nanos = if at >= self.started {
            (at - self.started).as_nanos() as f64
        } else {
            -((self.started - at).as_nanos() as f64)
        };
        let frames = self.frames as f64;
        let offset = (nanos * self.sample_rate / 1e9).floor() + frames;
        let offset = if (frames..2.0 * frames).contains(&offset) {
            offset
        } else {
            offset.clamp(0.0, (frames - 1.0).max(0.0))
        };
        self.frame + offset as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn window(started: Instant) -> ArrivalWindow {
        ArrivalWindow {
            frame: 4800,
            started,
            frames: 256,
            sample_rate: 48000.0,
        }
    }

    #[test]
    fn an_event_lands_one_period_after_it_arrived_clamped_into_the_callback() {
        let now = Instant::now() + Duration::from_secs(1);
        let w = window(now);
        // 125 µs is 6 frames at 48 kHz; the period is 256 frames.
        let before = |us: u64| now - Duration::from_micros(us);
        assert_eq!(w.frame_of(before(125)), 4800 + 256 - 6);
        assert_eq!(w.frame_of(before(125 * 40)), 4800 + 256 - 240);
        assert_eq!(w.frame_of(before(10_000)), 4800, "older than a period");
        // During the callback: one period later, in the next callback.
        assert_eq!(w.frame_of(now), 4800 + 256);
        assert_eq!(w.frame_of(now + Duration::from_millis(3)), 4800 + 256 + 144);
        // More than a period after its start: a clock out of step, the last frame.
        assert_eq!(w.frame_of(now + Duration::from_millis(6)), 4800 + 255);
    }
}
