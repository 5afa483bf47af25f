//! Helpers for [`Module::reshape_from`]: what a reshaped node keeps of its old instance.
//!
//! A node whose shape changes gets a new instance, built on the control thread with the new
//! sizes. On the audio thread, on the frame the plan lands, the new instance copies in the
//! state of the old one that still makes sense: these helpers do it without allocating.

use super::module::Module;
use std::any::Any;

/// `old` as the concrete module type `T`, when it is one (a module's `reshape_from` reads
/// its own type; anything else keeps nothing).
pub fn same_type<T: Module>(old: &dyn Module) -> Option<&T> {
    (old as &dyn Any).downcast_ref::<T>()
}

/// Copies the lanes both instances have, lane `l` to lane `l`: `voices: 4 -> 2` keeps
/// lanes 0 and 1, `voices: 2 -> 4` keeps lanes 0 and 1 and leaves 2 and 3 fresh.
pub fn keep_lanes<T: Copy>(new: &mut [T], old: &[T]) {
    let n = new.len().min(old.len());
    new[..n].copy_from_slice(&old[..n]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_lanes_both_have() {
        let mut fewer = [0; 2];
        keep_lanes(&mut fewer, &[1, 2, 3, 4]);
        assert_eq!(fewer, [1, 2]);
        let mut more = [0; 4];
        keep_lanes(&mut more, &[1, 2]);
        assert_eq!(more, [1, 2, 0, 0]);
    }
}
