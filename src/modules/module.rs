//! The `Module` trait and the view of buffers a module gets while processing.

use super::descriptor::{ParamValue, MAX_BLOCK};
use std::marker::PhantomData;

/// A running instance of a module type.
///
/// Every method is called on the audio thread and must not allocate, free, lock or block.
/// Anything that needs memory is sized when the instance is created (on the control thread).
pub trait Module: Send {
    /// Applies a parameter value that has already been validated against the descriptor.
    fn set_param(&mut self, index: usize, value: &ParamValue);

    /// Tells the module which of its inputs and outputs are connected by cables.
    fn set_connectivity(&mut self, _inputs: &[bool], _outputs: &[bool]) {}

    /// Processes `io.frames()` frames. The output must not depend on how the stream is cut
    /// into blocks: state advances per sample, never per call.
    fn process(&mut self, io: &mut ProcessIo<'_>);
}

/// The buffers of one node for one call: inputs to read, outputs to write.
///
/// Inputs never alias the node's own outputs (the planner guarantees it), so input slices
/// can be held while outputs are written.
pub struct ProcessIo<'a> {
    frames: usize,
    position: u64,
    offset: usize,
    inputs: &'a [*const f32],
    outputs: &'a [*mut f32],
    _buffers: PhantomData<&'a mut [f32]>,
}

impl<'a> ProcessIo<'a> {
    /// A view of `frames` frames starting `offset` frames into each buffer.
    ///
    /// # Safety
    /// Every pointer must point to at least `offset + frames` valid floats; no output may
    /// alias another output or any input, and nothing else may access the outputs while the
    /// view lives.
    pub unsafe fn from_raw(
        inputs: &'a [*const f32],
        outputs: &'a [*mut f32],
        offset: usize,
        frames: usize,
        position: u64,
    ) -> Self {
        debug_assert!(offset + frames <= MAX_BLOCK);
        ProcessIo {
            frames,
            position,
            offset,
            inputs,
            outputs,
            _buffers: PhantomData,
        }
    }

    /// Number of frames to process (1..=MAX_BLOCK).
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// Absolute sample index of the first frame since the stream started.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// Input `index` for this call; an unconnected input reads zeros.
    pub fn input(&self, index: usize) -> &'a [f32] {
        // SAFETY: guaranteed by the contract of `from_raw`.
        unsafe { std::slice::from_raw_parts(self.inputs[index].add(self.offset), self.frames) }
    }

    /// Output `index` for this call.
    pub fn output(&mut self, index: usize) -> &mut [f32] {
        // SAFETY: guaranteed by the contract of `from_raw`; `&mut self` makes it exclusive.
        unsafe { std::slice::from_raw_parts_mut(self.outputs[index].add(self.offset), self.frames) }
    }

    /// The first `N` outputs at once.
    pub fn outputs<const N: usize>(&mut self) -> [&mut [f32]; N] {
        let (offset, frames, outputs) = (self.offset, self.frames, self.outputs);
        // SAFETY: outputs are distinct buffers (contract of `from_raw`) and `&mut self`
        // keeps the view exclusive while the slices live.
        std::array::from_fn(|i| unsafe {
            std::slice::from_raw_parts_mut(outputs[i].add(offset), frames)
        })
    }
}

/// Runs a module outside the engine on owned buffers: for tests, docs and tools.
pub struct ModuleHarness {
    module: Box<dyn Module>,
    position: u64,
    input_count: usize,
    outputs: Vec<Vec<f32>>,
}

impl ModuleHarness {
    /// Wraps `module`, which has `input_count` inputs and `output_count` outputs.
    pub fn new(module: Box<dyn Module>, input_count: usize, output_count: usize) -> Self {
        ModuleHarness {
            module,
            position: 0,
            input_count,
            outputs: vec![vec![0.0; MAX_BLOCK]; output_count],
        }
    }

    /// The wrapped module.
    pub fn module_mut(&mut self) -> &mut dyn Module {
        self.module.as_mut()
    }

    /// Processes one block: `inputs[i]` feeds input `i` (missing inputs read zero) and the
    /// returned vectors hold each output's `frames` samples.
    pub fn run(&mut self, inputs: &[&[f32]], frames: usize) -> Vec<Vec<f32>> {
        assert!(frames <= MAX_BLOCK);
        let padded: Vec<Vec<f32>> = (0..self.input_count)
            .map(|i| {
                let mut buf = vec![0.0; MAX_BLOCK];
                if let Some(src) = inputs.get(i) {
                    buf[..frames].copy_from_slice(&src[..frames]);
                }
                buf
            })
            .collect();
        let in_ptrs: Vec<*const f32> = padded.iter().map(|b| b.as_ptr()).collect();
        let out_ptrs: Vec<*mut f32> = self.outputs.iter_mut().map(|b| b.as_mut_ptr()).collect();
        // SAFETY: every buffer holds MAX_BLOCK floats and they are all distinct.
        let mut io = unsafe { ProcessIo::from_raw(&in_ptrs, &out_ptrs, 0, frames, self.position) };
        self.module.process(&mut io);
        self.position += frames as u64;
        self.outputs.iter().map(|b| b[..frames].to_vec()).collect()
    }

    /// Processes `total` frames in blocks of `block` and returns each output in full.
    pub fn run_long(&mut self, inputs: &[&[f32]], total: usize, block: usize) -> Vec<Vec<f32>> {
        let mut result = vec![Vec::with_capacity(total); self.outputs.len()];
        let mut done = 0;
        while done < total {
            let n = block.min(total - done).min(MAX_BLOCK);
            let slices: Vec<&[f32]> = inputs.iter().map(|s| &s[done..done + n]).collect();
            for (acc, out) in result.iter_mut().zip(self.run(&slices, n)) {
                acc.extend_from_slice(&out);
            }
            done += n;
        }
        result
    }
}
