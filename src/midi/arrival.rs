//! Live events placed by their arrival time: the de-jitter scheme of MIDI input.
//!
//! A port thread stamps each message with the monotonic instant it arrived. At the start of
//! every audio callback the backend hands in when that callback started and how many frames
//! it plays; an event that arrived at `t` lands `(t + period - started) * sample_rate` frames
//! into the callback (the period being the callback's length), clamped into it. Every event
//! is thus heard one period after it arrived, whatever the block boundaries, instead of on the
//! next block start (a jitter of up to one block).

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
    /// The frame an event that arrived at `at` lands on: one period after its arrival, at
    /// frame 0 of the callback when older than that, at its last frame when newer.
    pub fn frame_of(&self, at: Instant) -> u64 {
        let nanos = if at >= self.started {
            (at - self.started).as_nanos() as f64
        } else {
            -((self.started - at).as_nanos() as f64)
        };
        let offset = (nanos * self.sample_rate / 1e9).floor() + self.frames as f64;
        let last = self.frames.saturating_sub(1) as f64;
        self.frame + offset.clamp(0.0, last) as u64
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
        assert_eq!(w.frame_of(now), 4800 + 255, "at the start: the last frame");
        assert_eq!(w.frame_of(before(10_000)), 4800, "older than a period");
        assert_eq!(w.frame_of(now + Duration::from_millis(3)), 4800 + 255);
    }
}
