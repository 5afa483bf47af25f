//! Every node's ports, node after node in run order, in a few dense arrays.
//!
//! The audio thread reads a node's buffer pointers and lanes for every node of every block.
//! Kept in arrays of their own per node, they would be a handful of small allocations
//! scattered over the heap, each a cache line to fetch again after another program evicted
//! them between two callbacks; here the whole plan's ports are read front to back.

use super::plan::NodeExec;
use crate::modules::MAX_BLOCK;
use std::ops::Range;

/// The inputs of every node: `NodeExec::inputs` is a node's range of each array.
#[derive(Debug, Default)]
pub struct InputPorts {
    /// Buffer read by each input.
    pub buffers: Vec<u32>,
    /// Lanes of each input's buffer: the node's lanes, or 1 where a shared port reads a mono
    /// source.
    pub lanes: Vec<u32>,
    /// Pointer to each input's buffer, resolved on the audio thread when the plan is adopted.
    pub ptrs: Box<[*const f32]>,
}

/// The outputs of every node: `NodeExec::outputs` is a node's range of each array.
#[derive(Debug, Default)]
pub struct OutputPorts {
    /// Buffer written by each output.
    pub buffers: Vec<u32>,
    /// Whether each output ramps with its node's gain (audio, CV) or switches (pitch, gate).
    pub continuous: Vec<bool>,
    /// Pointer to each output's buffer, resolved on the audio thread when the plan is
    /// adopted.
    pub ptrs: Box<[*mut f32]>,
}

/// A node's range as indices.
fn span(range: &Range<u32>) -> Range<usize> {
    range.start as usize..range.end as usize
}

/// Where each of `buffers` starts in the pool at `base`.
///
/// # Safety
/// The pool must hold every buffer named, `MAX_BLOCK` units each.
unsafe fn starts(buffers: &[u32], base: *mut f32) -> impl Iterator<Item = *mut f32> + '_ {
    // SAFETY: the caller's promise.
    buffers
        .iter()
        .map(move |&b| unsafe { base.add(b as usize * MAX_BLOCK) })
}

impl InputPorts {
    /// The buffers `node`'s inputs read.
    pub fn buffers_of(&self, node: &NodeExec) -> &[u32] {
        &self.buffers[span(&node.inputs)]
    }

    /// The lanes of `node`'s input buffers.
    pub fn lanes_of(&self, node: &NodeExec) -> &[u32] {
        &self.lanes[span(&node.inputs)]
    }

    /// The resolved pointers of `node`'s inputs.
    pub fn ptrs_of(&self, node: &NodeExec) -> &[*const f32] {
        &self.ptrs[span(&node.inputs)]
    }

    /// Makes room for the pointers once every node's inputs are in (on the control thread).
    pub fn finish(&mut self) {
        self.ptrs = vec![std::ptr::null(); self.buffers.len()].into_boxed_slice();
    }

    /// Points every input into the buffer pool starting at `base`.
    ///
    /// # Safety
    /// The pool must hold every buffer the plan names, `MAX_BLOCK` units each.
    pub unsafe fn resolve(&mut self, base: *mut f32) {
        // SAFETY: the caller's promise.
        for (ptr, start) in self
            .ptrs
            .iter_mut()
            .zip(unsafe { starts(&self.buffers, base) })
        {
            *ptr = start;
        }
    }
}

impl OutputPorts {
    /// The buffers `node`'s outputs write.
    pub fn buffers_of(&self, node: &NodeExec) -> &[u32] {
        &self.buffers[span(&node.outputs)]
    }

    /// Whether each of `node`'s outputs ramps with its gain.
    pub fn continuous_of(&self, node: &NodeExec) -> &[bool] {
        &self.continuous[span(&node.outputs)]
    }

    /// The resolved pointers of `node`'s outputs.
    pub fn ptrs_of(&self, node: &NodeExec) -> &[*mut f32] {
        &self.ptrs[span(&node.outputs)]
    }

    /// Makes room for the pointers once every node's outputs are in (on the control thread).
    pub fn finish(&mut self) {
        self.ptrs = vec![std::ptr::null_mut(); self.buffers.len()].into_boxed_slice();
    }

    /// Points every output into the buffer pool starting at `base`.
    ///
    /// # Safety
    /// The pool must hold every buffer the plan names, `MAX_BLOCK` units each.
    pub unsafe fn resolve(&mut self, base: *mut f32) {
        // SAFETY: the caller's promise.
        for (ptr, start) in self
            .ptrs
            .iter_mut()
            .zip(unsafe { starts(&self.buffers, base) })
        {
            *ptr = start;
        }
    }
}
