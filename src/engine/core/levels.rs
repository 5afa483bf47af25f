//! Node levels on the audio thread: a cheap running peak and sum of squares per metered
//! node, published to the observation ring every `PUBLISH_FRAMES` frames instead of every
//! block.
//!
//! The fold keeps eight partial peaks and sums, so that it runs as vector instructions (a
//! serial `max` and sum cannot be reordered by the compiler); publishing in batches cuts the
//! ring traffic by the same factor as the batch is longer than a block.

use super::observe::NodeLevel;
use rtrb::Producer;
use std::cell::Cell;

/// Frames accumulated before the levels are published (about 21 ms at 48 kHz).
pub const PUBLISH_FRAMES: u32 = 1024;

/// Partial results of the fold: eight lanes of peak and of sum of squares.
const WIDTH: usize = 8;

/// The running peak and sum of squares of one metered buffer.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LevelSum {
    /// Largest absolute value so far.
    pub peak: f32,
    /// Sum of squares so far.
    pub sum: f32,
}

impl LevelSum {
    /// Folds `samples` in.
    pub fn add(&mut self, samples: &[f32]) {
        let mut peak = [0.0f32; WIDTH];
        let mut sum = [0.0f32; WIDTH];
        let chunks = samples.chunks_exact(WIDTH);
        let rest = chunks.remainder();
        for chunk in chunks {
            for i in 0..WIDTH {
                let a = chunk[i].abs();
                peak[i] = if a > peak[i] { a } else { peak[i] };
                sum[i] += chunk[i] * chunk[i];
            }
        }
        for (i, &x) in rest.iter().enumerate() {
            let a = x.abs();
            peak[i] = if a > peak[i] { a } else { peak[i] };
            sum[i] += x * x;
        }
        for i in 0..WIDTH {
            self.peak = if peak[i] > self.peak {
                peak[i]
            } else {
                self.peak
            };
            self.sum += sum[i];
        }
    }
}

/// Pushes one level per entry of `sums` (node `i` of plan `plan_id` for entry `i`'s node in
/// `nodes`), each over `frames` frames of `lanes[i]` lanes; false when the ring lacked room.
pub fn publish(
    ring: &mut Producer<NodeLevel>,
    plan_id: u64,
    nodes: impl ExactSizeIterator<Item = (u32, u32)>,
    sums: &[Cell<LevelSum>],
    frames: u32,
) -> bool {
    let Ok(chunk) = ring.write_chunk_uninit(sums.len()) else {
        return false;
    };
    chunk.fill_from_iter(nodes.zip(sums).map(|((node, lanes), s)| {
        let s = s.get();
        NodeLevel {
            plan_id,
            node,
            frames,
            peak: s.peak,
            rms: (s.sum / (frames * lanes).max(1) as f32).sqrt(),
        }
    }));
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fold_gives_the_peak_and_sum_of_squares_of_any_length() {
        for len in [0, 1, 7, 8, 9, 64, 67] {
            let x: Vec<f32> = (0..len)
                .map(|i| ((i * 37 % 11) as f32 - 5.0) / 4.0)
                .collect();
            let mut level = LevelSum::default();
            level.add(&x[..len / 2]);
            level.add(&x[len / 2..]);
            let peak = x.iter().fold(0.0f32, |p, v| p.max(v.abs()));
            let sum: f32 = x.iter().map(|v| v * v).sum();
            assert_eq!(level.peak, peak, "length {len}");
            assert!(
                (level.sum - sum).abs() <= 1e-4 * sum.max(1.0),
                "length {len}"
            );
        }
    }
}
