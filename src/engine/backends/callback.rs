//! The audio callback every live backend drives: runs the runtime into preallocated scratch
//! buffers, writes any channel layout and any sample format, and measures the DSP load.

use super::load::{LoadMeter, LoadShared};
use crate::engine::core::runtime::{CallbackStart, Runtime};
use crate::modules::MAX_BLOCK;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a mute or unmute takes to ramp, in seconds (short enough to feel instant, long
/// enough not to click).
pub const MUTE_RAMP: f32 = 0.005;

/// Owns the runtime on the audio thread.
pub struct AudioCallback {
    runtime: Runtime,
    left: Box<[f32; MAX_BLOCK]>,
    right: Box<[f32; MAX_BLOCK]>,
    load: LoadMeter,
    muted: Arc<AtomicBool>,
    gain: f32,
    gain_step: f32,
    latency: Duration,
}

impl AudioCallback {
    /// Wraps `runtime` for a stream at `sample_rate` Hz (made on the control thread).
    pub fn new(runtime: Runtime, sample_rate: f32) -> Self {
        AudioCallback {
            runtime,
            left: Box::new([0.0; MAX_BLOCK]),
            right: Box::new([0.0; MAX_BLOCK]),
            load: LoadMeter::new(sample_rate),
            muted: Arc::new(AtomicBool::new(false)),
            gain: 1.0,
            gain_step: 1.0 / (MUTE_RAMP * sample_rate).max(1.0),
            latency: Duration::ZERO,
        }
    }

    /// The master mute switch: set it to mute, clear it to unmute; the change ramps over
    /// `MUTE_RAMP`.
    pub fn mute_switch(&self) -> Arc<AtomicBool> {
        self.muted.clone()
    }

    /// How long after its callback the device plays the next buffer (the device reports it
    /// with every callback; 0 on the null backend): an outside clock the transport follows
    /// (Ableton Link) is matched at the time the sound comes out.
    pub fn set_output_latency(&mut self, latency: Duration) {
        self.latency = latency;
    }

    /// The load figures, for the control side.
    pub fn load(&self) -> Arc<LoadShared> {
        self.load.shared()
    }

    /// Fills an interleaved buffer of `channels` channels: left and right go to the first two
    /// channels (a mono device gets their mean), the rest get `silence`. `convert` turns an
    /// f32 sample into the device format. The callback is taken to start now (the monotonic
    /// clock live MIDI is stamped with).
    pub fn fill_interleaved<T: Copy>(
        &mut self,
        out: &mut [T],
        channels: usize,
        silence: T,
        convert: impl Fn(f32) -> T,
    ) {
        self.fill_interleaved_at(Instant::now(), out, channels, silence, convert);
    }

    /// [`AudioCallback::fill_interleaved`] for a callback that started at `started` by the
    /// backend's own clock (the null backend's pacing).
    pub fn fill_interleaved_at<T: Copy>(
        &mut self,
        started: Instant,
        out: &mut [T],
        channels: usize,
        silence: T,
        convert: impl Fn(f32) -> T,
    ) {
        let measured = Instant::now();
        let channels = channels.max(1);
        let frames = out.len() / channels;
        self.runtime.begin_callback(CallbackStart {
            started,
            latency: self.latency,
            frames,
        });
        let mut done = 0;
        while done < frames {
            let n = (frames - done).min(MAX_BLOCK);
            self.runtime
                .process(&mut self.left[..n], &mut self.right[..n]);
            self.apply_gain(n);
            let chunk = &mut out[done * channels..(done + n) * channels];
            for (i, frame) in chunk.chunks_exact_mut(channels).enumerate() {
                let (l, r) = (self.left[i], self.right[i]);
                match frame {
                    [mono] => *mono = convert(0.5 * (l + r)),
                    [first, second, rest @ ..] => {
                        *first = convert(l);
                        *second = convert(r);
                        rest.fill(silence);
                    }
                    [] => {}
                }
            }
            done += n;
        }
        out[frames * channels..].fill(silence);
        self.load.record(measured, frames);
    }

    /// Ramps the master gain towards 0 (muted) or 1 and applies it to the first `n` frames.
    fn apply_gain(&mut self, n: usize) {
        let target = if self.muted.load(Ordering::Relaxed) {
            0.0
        } else {
            1.0
        };
        if self.gain == target && target == 1.0 {
            return;
        }
        for (l, r) in self.left[..n].iter_mut().zip(self.right[..n].iter_mut()) {
            self.gain = if self.gain < target {
                (self.gain + self.gain_step).min(target)
            } else {
                (self.gain - self.gain_step).max(target)
            };
            *l *= self.gain;
            *r *= self.gain;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{validate, Cable, Engine, EngineConfig, ModuleGraph, Node};
    use crate::modules::{ParamValue, Registry};

    /// A 2.5 Hz sine: at its peak (1.0) after 0.1 s, nearly flat around it.
    fn slow_sine() -> (Engine, AudioCallback) {
        let graph = ModuleGraph::new()
            .with_node(
                Node::new("osc", "SineOscillator").with_param("frequency", ParamValue::Float(2.5)),
            )
            .with_node(Node::new("out", "AudioOut"))
            .with_cable(Cable::new("osc", "out", "out", "left"))
            .with_cable(Cable::new("osc", "out", "out", "right"));
        let (mut engine, runtime) = Engine::new(EngineConfig::new(48000.0).unobserved());
        let valid = validate(&graph, &Registry::seed()).expect("valid");
        engine.commit(valid);
        (engine, AudioCallback::new(runtime, 48000.0))
    }

    #[test]
    fn an_outside_clock_is_matched_at_the_time_the_device_plays_the_buffer() {
        let (engine, mut callback) = slow_sine();
        let follow = engine.transport_follow();
        follow.set_active(true);
        callback.set_output_latency(Duration::from_millis(250));
        let before = follow.epoch().elapsed();
        let mut out = vec![0.0f32; 2 * 256];
        callback.fill_interleaved(&mut out, 2, 0.0, |x| x);
        let after = follow.epoch().elapsed();
        let (_, mark) = follow.mark().expect("a mark");
        let at = Duration::from_micros(mark.micros);
        let latency = Duration::from_millis(250);
        assert!(at >= before + latency - Duration::from_micros(1), "{at:?}");
        assert!(at <= after + latency, "{at:?}");
    }

    #[test]
    fn mute_ramps_down_over_five_ms_without_a_jump_and_back_up() {
        let (_engine, mut callback) = slow_sine();
        let mut out = vec![0.0f32; 2 * 4800];
        callback.fill_interleaved(&mut out, 2, 0.0, |x| x);
        let switch = callback.mute_switch();
        switch.store(true, Ordering::Relaxed);
        callback.fill_interleaved(&mut out, 2, 0.0, |x| x);
        let left: Vec<f32> = out.iter().step_by(2).copied().collect();
        let ramp = (MUTE_RAMP * 48000.0) as usize;
        assert!(left[0] > 0.99, "at the peak when the mute starts");
        assert!(
            left.windows(2)
                .all(|w| (w[1] - w[0]).abs() < 2.0 / ramp as f32),
            "no jump"
        );
        assert!(left[ramp / 2] > 0.0, "still ramping half way");
        assert!(
            left[ramp + 1..].iter().all(|&x| x == 0.0),
            "silent after the ramp"
        );
        switch.store(false, Ordering::Relaxed);
        callback.fill_interleaved(&mut out, 2, 0.0, |x| x);

        let (_reference_engine, mut reference) = slow_sine();
        let mut expected = vec![0.0f32; 2 * 4800];
        for _ in 0..3 {
            reference.fill_interleaved(&mut expected, 2, 0.0, |x| x);
        }
        let gain = |i: usize| out[2 * i] / expected[2 * i];
        assert!(
            gain(ramp / 4) > 0.1 && gain(ramp / 4) < 0.4,
            "ramping back up"
        );
        assert_eq!(
            out[2 * (ramp + 1)..],
            expected[2 * (ramp + 1)..],
            "full level after the ramp"
        );
    }
}
