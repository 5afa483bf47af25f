//! The null backend: a thread that runs the callback at the device rate and discards the
//! samples. Used when no device can be opened (with a warning), and by tests.

use super::callback::AudioCallback;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What the audio thread hands back when it stops, to be dropped on the control thread.
type Leftovers = (AudioCallback, Vec<f32>);

/// A running null output; dropping it stops the thread and drops the runtime on the
/// dropping thread, never on the audio thread.
pub struct NullOutput {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<Leftovers>>,
}

impl NullOutput {
    /// Starts a thread that calls `callback` for `buffer_size` stereo frames every buffer
    /// period at `sample_rate`. `on_start` runs first on that thread and what it returns is
    /// dropped when the thread stops calling back (tests use it to mark the audio thread).
    pub fn start<G>(
        mut callback: AudioCallback,
        sample_rate: u32,
        buffer_size: u32,
        on_start: impl FnOnce() -> G + Send + 'static,
    ) -> std::io::Result<NullOutput> {
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = stop.clone();
        let frames = buffer_size.max(1) as usize;
        let period = Duration::from_secs_f64(frames as f64 / f64::from(sample_rate.max(1)));
        let thread = std::thread::Builder::new()
            .name("patches-audio-null".into())
            .spawn(move || {
                let mut buffer = vec![0.0f32; frames * 2];
                let guard = on_start();
                let mut next = Instant::now();
                while !stopping.load(Ordering::Acquire) {
                    // The pacing clock is the sample clock: the callback is due at `next`
                    // (a late wake-up does not move where live MIDI lands).
                    callback.fill_interleaved_at(next, &mut buffer, 2, 0.0, |x| x);
                    next += period;
                    let now = Instant::now();
                    if next > now {
                        std::thread::sleep(next - now);
                    } else if now - next > period * 4 {
                        next = now;
                    }
                }
                drop(guard);
                (callback, buffer)
            })?;
        Ok(NullOutput {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for NullOutput {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
