//! NaN/Inf containment on the audio thread.
//!
//! Every live module has a spare: a second instance built by the planner with the same
//! type, shape, parameters and connectivity, never processed. It is the module's reset
//! image. When a node's output goes non-finite, the runtime swaps the spare in (the node is
//! back in its initial state at once, without allocating), keeps the poisoned instance
//! aside and reports the reset on a ring. The control side answers with a fresh spare (a
//! refill); the poisoned instance goes back with it to be dropped on the cleanup thread. A
//! node that blows up again before its refill arrives is silenced (its outputs zeroed) until
//! then, so it never poisons its neighbours.

use super::observe::NodeReset;
use super::plan::{ModulePool, SpareSwap};
use crate::modules::Module;
use rtrb::Producer;

/// Resets the containment ring holds before the control side drains it.
pub const RESET_RING: usize = 256;

/// The spares and poisoned instances of every module slot.
pub(crate) struct Containment {
    spares: Vec<Option<Box<dyn Module>>>,
    poisoned: Vec<Option<Box<dyn Module>>>,
    resets: Producer<NodeReset>,
}

impl Containment {
    /// Empty spare pools for `slots` module slots, reporting on `resets`.
    pub(crate) fn new(slots: usize, resets: Producer<NodeReset>) -> Self {
        Containment {
            spares: (0..slots).map(|_| None).collect(),
            poisoned: (0..slots).map(|_| None).collect(),
            resets,
        }
    }

    /// Moves everything into larger pools (`pools`: spares and poisoned, equally long) and
    /// leaves the old, empty ones in `pools`.
    pub(crate) fn grow(&mut self, pools: &mut [ModulePool; 2]) {
        for (pool, own) in pools.iter_mut().zip([&mut self.spares, &mut self.poisoned]) {
            for (new, old) in pool.iter_mut().zip(own.iter_mut()) {
                *new = old.take();
            }
            std::mem::swap(pool, own);
        }
    }

    /// Puts `swap.spare` in place and hands back the spare and poisoned instance it replaces.
    pub(crate) fn swap(&mut self, swap: &mut SpareSwap) {
        let slot = swap.slot as usize;
        std::mem::swap(&mut self.spares[slot], &mut swap.spare);
        swap.poisoned = self.poisoned[slot].take();
    }

    /// The spare of `slot`, to receive the same parameter and connectivity changes as the
    /// live instance.
    pub(crate) fn spare_mut(&mut self, slot: usize) -> Option<&mut Box<dyn Module>> {
        self.spares[slot].as_mut()
    }

    /// Swaps the spare of `slot` into `live`; false when there is none (used, not yet
    /// refilled).
    pub(crate) fn reset(&mut self, live: &mut Option<Box<dyn Module>>, slot: usize) -> bool {
        let Some(fresh) = self.spares[slot].take() else {
            return false;
        };
        self.poisoned[slot] = live.replace(fresh);
        true
    }

    /// Reports a reset; dropped when the ring is full (the reset counter still counts it).
    pub(crate) fn report(&mut self, reset: NodeReset) {
        let _ = self.resets.push(reset);
    }
}

/// Accumulators of the sum check: enough independent additions to keep the adders busy,
/// in a loop that vectorises on every target.
const SUM_LANES: usize = 16;

/// Whether `samples` holds a NaN or an infinity.
///
/// One addition per sample first: a NaN or an infinity makes the sum non-finite (an
/// infinity stays infinite or meets its opposite and gives NaN, and NaN stays NaN), so a
/// finite sum proves every sample finite. Only a non-finite sum, which huge finite samples
/// can also give by overflow, is checked sample by sample.
pub(crate) fn has_non_finite(samples: &[f32]) -> bool {
    !sum_is_finite(samples) && samples.iter().any(|x| !x.is_finite())
}

/// Whether the sum of `samples`, in `SUM_LANES` partial sums, is finite.
fn sum_is_finite(samples: &[f32]) -> bool {
    let mut partial = [0.0f32; SUM_LANES];
    let chunks = samples.chunks_exact(SUM_LANES);
    let rest = chunks.remainder();
    for chunk in chunks {
        for (p, &x) in partial.iter_mut().zip(chunk) {
            *p += x;
        }
    }
    partial.iter().chain(rest).sum::<f32>().is_finite()
}

#[cfg(test)]
mod tests {
    use super::has_non_finite;

    #[test]
    fn only_nan_and_the_infinities_are_non_finite() {
        let finite = [
            0.0,
            -0.0,
            1.0,
            -1.0,
            f32::MAX,
            f32::MIN,
            f32::MIN_POSITIVE,
            1e-45,
        ];
        assert!(!has_non_finite(&finite));
        assert!(!has_non_finite(&[]));
        for bad in [f32::NAN, -f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
            for at in [0, 3, 7] {
                let mut samples = finite;
                samples[at] = bad;
                assert!(has_non_finite(&samples), "{bad} at {at}");
            }
        }
    }

    #[test]
    fn an_overflowing_sum_of_finite_samples_is_finite() {
        assert!(!has_non_finite(&[f32::MAX; 37]));
        assert!(!has_non_finite(&[f32::MIN; 37]));
    }

    #[test]
    fn a_bad_sample_is_found_at_every_position_of_a_long_slice() {
        for bad in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
            for at in 0..37 {
                let mut samples = [0.5f32; 37];
                samples[at] = bad;
                assert!(has_non_finite(&samples), "{bad} at {at}");
            }
        }
        let mut opposite = [1.0f32; 37];
        (opposite[2], opposite[35]) = (f32::INFINITY, f32::NEG_INFINITY);
        assert!(has_non_finite(&opposite));
    }
}
