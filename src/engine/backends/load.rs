//! DSP load: callback time as a fraction of the buffer period, measured on the audio thread
//! and published through atomics (mean and peak over about the last second, late callbacks).

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

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
    window_frames: u64,
    frames: u64,
    busy: Duration,
    period_sum: f64,
    peak: f32,
}

impl LoadMeter {
    /// A meter for a stream at `sample_rate` Hz with windows of about one second.
    pub fn new(sample_rate: f32) -> Self {
        LoadMeter {
            shared: Arc::new(LoadShared::default()),
            sample_rate: f64::from(sample_rate),
            window_frames: sample_rate.max(1.0) as u64,
            frames: 0,
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
        let busy = started.elapsed();
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
        self.frames += frames as u64;
        if self.frames >= self.window_frames {
            let mean = (self.busy.as_secs_f64() / self.period_sum) as f32;
            self.shared
                .mean_bits
                .store(mean.to_bits(), Ordering::Relaxed);
            self.shared
                .peak_bits
                .store(self.peak.to_bits(), Ordering::Relaxed);
            self.frames = 0;
            self.busy = Duration::ZERO;
            self.period_sum = 0.0;
            self.peak = 0.0;
        }
    }
}
