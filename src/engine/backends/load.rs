//! DSP load: callback time as a fraction of the buffer period, measured on the audio thread
//! and published through atomics (mean and peak over the last half second of wall time, late
//! callbacks). The window is wall time, not frames: under overload a second of frames takes
//! many seconds to render, and the figures must show it at once.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How much wall time each published mean and peak covers.
const WINDOW: Duration = Duration::from_millis(500);

/// Load figures shared between the audio thread (writer) and the control side (reader).
#[derive(Debug, Default)]
pub struct LoadShared {
    mean_bits: AtomicU32,
    peak_bits: AtomicU32,
    late: AtomicU64,
    callbacks: AtomicU64,
}

/// A snapshot of the DSP load.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LoadStats {
    /// Mean callback time over the last window, as a fraction of the buffer period.
    pub mean: f32,
    /// Largest callback time over the last window, as a fraction of the buffer period.
    pub peak: f32,
    /// Callbacks since the start that took longer than their buffer period.
    pub late: u64,
    /// Callbacks since the start.
    pub callbacks: u64,
}

impl LoadShared {
    /// Reads the latest figures.
    pub fn stats(&self) -> LoadStats {
        LoadStats {
            mean: f32::from_bits(self.mean_bits.load(Ordering::Relaxed)),
            peak: f32::from_bits(self.peak_bits.load(Ordering::Relaxed)),
            late: self.late.load(Ordering::Relaxed),
            callbacks: self.callbacks.load(Ordering::Relaxed),
        }
    }
}

/// The audio-thread side: times callbacks and publishes a window's figures when it closes.
pub struct LoadMeter {
    shared: Arc<LoadShared>,
    sample_rate: f64,
    window_start: Option<Instant>,
    busy: Duration,
    period_sum: f64,
    peak: f32,
}

impl LoadMeter {
    /// A meter for a stream at `sample_rate` Hz.
    pub fn new(sample_rate: f32) -> Self {
        LoadMeter {
            shared: Arc::new(LoadShared::default()),
            sample_rate: f64::from(sample_rate),
            window_start: None,
            busy: Duration::ZERO,
            period_sum: 0.0,
            peak: 0.0,
        }
    }

    /// The shared figures, for the control side.
    pub fn shared(&self) -> Arc<LoadShared> {
        self.shared.clone()
    }

    /// Records a callback that started at `started` and rendered `frames` frames.
    pub fn record(&mut self, started: Instant, frames: usize) {
        let now = Instant::now();
        self.record_busy(now.saturating_duration_since(started), now, frames);
    }

    /// Records a callback that ended at `now`, took `busy` and rendered `frames` frames.
    fn record_busy(&mut self, busy: Duration, now: Instant, frames: usize) {
        let window_start = *self
            .window_start
            .get_or_insert(now.checked_sub(busy).unwrap_or(now));
        let period = frames as f64 / self.sample_rate;
        if period <= 0.0 {
            return;
        }
        let load = (busy.as_secs_f64() / period) as f32;
        self.shared.callbacks.fetch_add(1, Ordering::Relaxed);
        if load > 1.0 {
            self.shared.late.fetch_add(1, Ordering::Relaxed);
        }
        self.busy += busy;
        self.period_sum += period;
        self.peak = self.peak.max(load);
        if now.saturating_duration_since(window_start) >= WINDOW {
            let mean = (self.busy.as_secs_f64() / self.period_sum) as f32;
            self.shared
                .mean_bits
                .store(mean.to_bits(), Ordering::Relaxed);
            self.shared
                .peak_bits
                .store(self.peak.to_bits(), Ordering::Relaxed);
            self.window_start = Some(now);
            self.busy = Duration::ZERO;
            self.period_sum = 0.0;
            self.peak = 0.0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Callbacks of 64 frames at 48 kHz, each taking `busy` and starting when the last one
    /// ended or its period began, for `wall` of wall time; the published mean.
    fn mean_after(busy: Duration, wall: Duration) -> f32 {
        let mut meter = LoadMeter::new(48000.0);
        let period = Duration::from_secs_f64(64.0 / 48000.0);
        let start = Instant::now();
        let mut now = start;
        while now - start < wall {
            now += busy.max(period);
            meter.record_busy(busy, now, 64);
        }
        meter.shared().stats().mean
    }

    #[test]
    fn overload_shows_within_a_second_of_wall_time() {
        let period = Duration::from_secs_f64(64.0 / 48000.0);
        // Six times over budget: a second of frames takes six seconds.
        let mean = mean_after(period * 6, Duration::from_secs(1));
        assert!((mean - 6.0).abs() < 0.01, "mean {mean}");
        let mean = mean_after(period / 10, Duration::from_secs(1));
        assert!((mean - 0.1).abs() < 0.01, "mean {mean}");
    }
}
