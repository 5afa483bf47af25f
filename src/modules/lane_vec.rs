//! Per-lane values that a mono node keeps in place.
//!
//! Modules keep per-lane state as a struct of arrays, one array per field, so that the hot
//! loops of a poly node run on vectors. With a box per field, a mono node's state would be
//! a handful of 4-byte allocations spread over the heap: once another program has evicted
//! the caches between two audio callbacks, each is one more cache line to fetch, and only
//! after the module itself is fetched (a chain of dependent misses per node).

use std::ops::{Deref, DerefMut};

/// The values of every lane of a node: in place for one lane, boxed for more. It reads and
/// writes as a slice of the lanes.
#[derive(Clone, Debug, PartialEq)]
pub enum LaneVec<T> {
    /// The one lane of a mono node.
    One(T),
    /// One value per lane.
    Many(Box<[T]>),
}

impl<T: Clone> LaneVec<T> {
    /// `lanes` lanes of `value`.
    pub fn new(lanes: usize, value: T) -> Self {
        if lanes == 1 {
            LaneVec::One(value)
        } else {
            LaneVec::Many(vec![value; lanes].into_boxed_slice())
        }
    }
}

impl<T> Deref for LaneVec<T> {
    type Target = [T];

    #[inline(always)]
    fn deref(&self) -> &[T] {
        match self {
            LaneVec::One(value) => std::slice::from_ref(value),
            LaneVec::Many(values) => values,
        }
    }
}

impl<T> DerefMut for LaneVec<T> {
    #[inline(always)]
    fn deref_mut(&mut self) -> &mut [T] {
        match self {
            LaneVec::One(value) => std::slice::from_mut(value),
            LaneVec::Many(values) => values,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_lane_lies_in_place_and_more_lanes_in_a_box() {
        let mut mono = LaneVec::new(1, 0.5f32);
        mono[0] += 1.0;
        assert_eq!(*mono, [1.5]);
        let start = &mono as *const LaneVec<f32> as usize;
        let at = mono.as_ptr() as usize;
        assert!(
            (start..start + std::mem::size_of::<LaneVec<f32>>()).contains(&at),
            "the value is inside the LaneVec"
        );
        let mut poly = LaneVec::new(3, 0.0f32);
        poly[2] = 2.0;
        assert_eq!(*poly, [0.0, 0.0, 2.0]);
        assert_eq!(
            std::mem::size_of::<LaneVec<f32>>(),
            std::mem::size_of::<Box<[f32]>>(),
            "no larger than the box it replaces"
        );
    }
}
