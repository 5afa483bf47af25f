//! The audio callback every live backend drives: runs the runtime into preallocated scratch
//! buffers, writes any channel layout and any sample format, and measures the DSP load.

use super::load::{LoadMeter, LoadShared};
use super::runtime::Runtime;
use crate::modules::MAX_BLOCK;
use std::sync::Arc;
use std::time::Instant;

/// Owns the runtime on the audio thread.
pub struct AudioCallback {
    runtime: Runtime,
    left: Box<[f32; MAX_BLOCK]>,
    right: Box<[f32; MAX_BLOCK]>,
    load: LoadMeter,
}

impl AudioCallback {
    /// Wraps `runtime` for a stream at `sample_rate` Hz (made on the control thread).
    pub fn new(runtime: Runtime, sample_rate: f32) -> Self {
        AudioCallback {
            runtime,
            left: Box::new([0.0; MAX_BLOCK]),
            right: Box::new([0.0; MAX_BLOCK]),
            load: LoadMeter::new(sample_rate),
        }
    }

    /// The load figures, for the control side.
    pub fn load(&self) -> Arc<LoadShared> {
        self.load.shared()
    }

    /// Fills an interleaved buffer of `channels` channels: left and right go to the first two
    /// channels (a mono device gets their mean), the rest get `silence`. `convert` turns an
    /// f32 sample into the device format.
    pub fn fill_interleaved<T: Copy>(
        &mut self,
        out: &mut [T],
        channels: usize,
        silence: T,
        convert: impl Fn(f32) -> T,
    ) {
        let started = Instant::now();
        let channels = channels.max(1);
        let frames = out.len() / channels;
        let mut done = 0;
        while done < frames {
            let n = (frames - done).min(MAX_BLOCK);
            self.runtime
                .process(&mut self.left[..n], &mut self.right[..n]);
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
        self.load.record(started, frames);
    }
}
