//! Fetching what the next nodes need while the current one runs.
//!
//! Between two audio callbacks other programs evict the caches. A node's module lies where
//! its allocation put it, reached through the node's entry in the plan and its slot in the
//! module pool: a chain of misses the node waits for before it computes anything (a
//! profile of `voices64` played live put a fifth of the lowpass's time on its first read of
//! its own struct). The runtime asks for each link of the chain a few nodes early, each
//! once the link before it has arrived, so that the misses overlap with earlier nodes' work.

/// Most cache lines asked for per value (a module's hot fields come first in every module
/// the library has; larger state lies behind boxes of its own).
const MAX_LINES: usize = 8;

/// Bytes per cache line on every target the release binary is built for.
const LINE: usize = 64;

/// Asks the CPU to start loading `value` (its first `MAX_LINES` lines) into the cache: a
/// hint, with no effect on what any code computes, and nothing on targets without a
/// prefetch instruction.
#[inline(always)]
pub fn prefetch<T: ?Sized>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        let start = (value as *const T).cast::<i8>();
        let len = std::mem::size_of_val(value).min(MAX_LINES * LINE);
        for offset in (0..len).step_by(LINE) {
            // SAFETY: a prefetch never faults, and the address lies inside `value`.
            unsafe { _mm_prefetch::<_MM_HINT_T0>(start.wrapping_add(offset)) };
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}
