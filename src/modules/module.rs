//! The `Module` trait and the view of buffers a module gets while processing.

use super::descriptor::{ParamValue, MAX_BLOCK, MAX_VOICES};
use super::tempo::Tempo;
use crate::midi::{events_in, MidiEvent};
use std::any::Any;
use std::marker::PhantomData;

/// A running instance of a module type.
///
/// Every method is called on the audio thread and must not allocate, free, lock or block.
/// Anything that needs memory is sized when the instance is created (on the control thread).
pub trait Module: Any + Send {
    /// Applies a parameter value that has already been validated against the descriptor.
    fn set_param(&mut self, index: usize, value: &ParamValue);

    /// Called right after `set_param` gives parameter `index` its default because the patch
    /// leaves it out, so a module whose default means "follow" can tell an unset parameter
    /// from one set to the default value (ClockSequencer's `bpm` follows the transport only
    /// when unset). Most modules ignore it.
    fn param_unset(&mut self, _index: usize) {}

    /// Tells the module which of its inputs and outputs are connected by cables.
    fn set_connectivity(&mut self, _inputs: &[bool], _outputs: &[bool]) {}

    /// Called on the audio thread when this instance, made with a new shape (`channels`,
    /// `length` or `voices`) and the new parameters, replaces `old`, the running instance of
    /// the same node and module type: copy in what makes musical sense to keep (a
    /// sequencer's position, the phases and filter state of the lanes both have). Copy state
    /// only, never parameters, and never allocate: `self` is already sized for its shape.
    /// [`super::reshape`] has the helpers. The default keeps nothing (a fresh start).
    fn reshape_from(&mut self, _old: &dyn Module) {}

    /// Processes `io.frames()` frames. The output must not depend on how the stream is cut
    /// into blocks: state advances per sample, never per call.
    fn process(&mut self, io: &mut ProcessIo<'_>);

    /// Whether every output sample is finite whatever the inputs (NaN and the infinities
    /// included) and parameters, because the output is bounded by construction (a table
    /// read, levels set by the module's own stages). The runtime then skips its scan for
    /// non-finite output after the node runs; `tests/finite_outputs.rs` holds every module
    /// type that says so to it, with hostile inputs and extreme parameters.
    fn outputs_always_finite(&self) -> bool {
        false
    }
}

/// The buffers of one node for one call: inputs to read, outputs to write.
///
/// A node with `lanes` lanes (its shape's `voices`) sees every port as `frames * lanes`
/// floats, interleaved frame by frame: lane `l` of frame `f` is at `f * lanes + l`. A loop
/// over frames with an inner loop over lanes, on per-lane state kept as arrays, vectorises
/// across voices. Mono is one lane, so a mono buffer is just its frames.
///
/// Inputs never alias the node's own outputs (the planner guarantees it), so input slices
/// can be held while outputs are written.
pub struct ProcessIo<'a> {
    frames: usize,
    lanes: usize,
    position: u64,
    tempo: Tempo,
    events: &'a [MidiEvent],
    offset: usize,
    /// Lanes of each input, where it differs from `lanes`: a shared port's mono source.
    input_lanes: &'a [u32],
    inputs: &'a [*const f32],
    outputs: &'a [*mut f32],
    _buffers: PhantomData<&'a mut [f32]>,
}

impl<'a> ProcessIo<'a> {
    /// A view of `frames` frames of `lanes` lanes starting `offset` frames into each buffer.
    ///
    /// # Safety
    /// Every pointer must point to at least `(offset + frames) * lanes` valid floats; no
    /// output may alias another output or any input, and nothing else may access the outputs
    /// while the view lives.
    pub unsafe fn from_raw(
        inputs: &'a [*const f32],
        outputs: &'a [*mut f32],
        offset: usize,
        frames: usize,
        lanes: usize,
        position: u64,
    ) -> Self {
        debug_assert!(offset + frames <= MAX_BLOCK);
        debug_assert!((1..=MAX_VOICES).contains(&lanes));
        ProcessIo {
            frames,
            lanes,
            position,
            tempo: Tempo::default(),
            events: &[],
            offset,
            input_lanes: &[],
            inputs,
            outputs,
            _buffers: PhantomData,
        }
    }

    /// The same view with input `i` carrying `input_lanes[i]` lanes (the node's lanes, or 1
    /// for a mono source on a shared port); inputs past the slice carry the node's lanes.
    ///
    /// # Safety
    /// As [`ProcessIo::from_raw`], with each input's lanes in place of the node's.
    pub unsafe fn with_input_lanes(mut self, input_lanes: &'a [u32]) -> Self {
        self.input_lanes = input_lanes;
        self
    }

    /// Number of frames to process (1..=MAX_BLOCK).
    pub fn frames(&self) -> usize {
        self.frames
    }

    /// Number of lanes on every port (1..=MAX_VOICES); each buffer is `frames * lanes` long.
    pub fn lanes(&self) -> usize {
        self.lanes
    }

    /// Absolute sample index of the first frame since the stream started.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// The engine's transport (tempo, beat and bar) at the first frame of this call; use
    /// `beat_at(frame)` for later frames.
    pub fn tempo(&self) -> Tempo {
        self.tempo
    }

    /// The same view with the transport at its first frame set to `tempo` (the engine and
    /// the harness call it; without it a view plays 120 BPM from beat 0).
    pub fn with_tempo(mut self, tempo: Tempo) -> Self {
        self.tempo = tempo;
        self
    }

    /// The same view with `events` (sorted by time) as its MIDI input; only those that land
    /// within this call are kept.
    pub fn with_events(mut self, events: &'a [MidiEvent]) -> Self {
        self.events = events_in(events, self.position, self.frames);
        self
    }

    /// The MIDI events that land within this call, sorted by time; empty when none. Apply
    /// each at [`ProcessIo::event_frame`] to be sample-accurate.
    pub fn events(&self) -> &'a [MidiEvent] {
        self.events
    }

    /// The frame of this call (0..frames) on which `event` lands.
    pub fn event_frame(&self, event: &MidiEvent) -> usize {
        event.time.saturating_sub(self.position) as usize
    }

    /// Lanes of input `index`: the node's lanes, or 1 where a shared port
    /// ([`super::PortDescriptor::shared`]) reads a mono source as it is.
    pub fn input_lanes(&self, index: usize) -> usize {
        self.input_lanes
            .get(index)
            .map_or(self.lanes, |&lanes| lanes as usize)
    }

    /// Input `index` for this call (`frames * input_lanes(index)` floats); an unconnected
    /// input reads zeros.
    pub fn input(&self, index: usize) -> &'a [f32] {
        let lanes = self.input_lanes(index);
        let (start, len) = (self.offset * lanes, self.frames * lanes);
        // SAFETY: guaranteed by the contract of `from_raw`.
        unsafe { std::slice::from_raw_parts(self.inputs[index].add(start), len) }
    }

    /// Output `index` for this call (`frames * lanes` floats).
    pub fn output(&mut self, index: usize) -> &mut [f32] {
        let (start, len) = (self.offset * self.lanes, self.frames * self.lanes);
        // SAFETY: guaranteed by the contract of `from_raw`; `&mut self` makes it exclusive.
        unsafe { std::slice::from_raw_parts_mut(self.outputs[index].add(start), len) }
    }

    /// The first `N` outputs at once.
    pub fn outputs<const N: usize>(&mut self) -> [&mut [f32]; N] {
        let (start, len) = (self.offset * self.lanes, self.frames * self.lanes);
        let outputs = self.outputs;
        // SAFETY: outputs are distinct buffers (contract of `from_raw`) and `&mut self`
        // keeps the view exclusive while the slices live.
        std::array::from_fn(|i| unsafe {
            std::slice::from_raw_parts_mut(outputs[i].add(start), len)
        })
    }
}

/// Runs a module outside the engine on owned buffers: for tests, docs and tools.
///
/// Buffers passed in and returned are interleaved by lane, as in [`ProcessIo`].
pub struct ModuleHarness {
    module: Box<dyn Module>,
    position: u64,
    tempo: Tempo,
    input_count: usize,
    lanes: usize,
    outputs: Vec<Vec<f32>>,
    events: Vec<MidiEvent>,
}

impl ModuleHarness {
    /// Wraps `module`, which has `input_count` inputs and `output_count` outputs, one lane
    /// each.
    pub fn new(module: Box<dyn Module>, input_count: usize, output_count: usize) -> Self {
        Self::with_lanes(module, input_count, output_count, 1)
    }

    /// Wraps `module`, whose ports carry `lanes` lanes each.
    pub fn with_lanes(
        module: Box<dyn Module>,
        input_count: usize,
        output_count: usize,
        lanes: usize,
    ) -> Self {
        assert!((1..=MAX_VOICES).contains(&lanes));
        ModuleHarness {
            module,
            position: 0,
            tempo: Tempo::default(),
            input_count,
            lanes,
            outputs: vec![vec![0.0; MAX_BLOCK * lanes]; output_count],
            events: Vec::new(),
        }
    }

    /// Number of lanes on every port.
    pub fn lanes(&self) -> usize {
        self.lanes
    }

    /// Sets the transport the next block starts at (it advances with every block).
    pub fn set_tempo(&mut self, tempo: Tempo) {
        self.tempo = tempo;
    }

    /// Queues MIDI events (absolute sample times; the first block starts at 0) for the
    /// blocks they land in; a time already passed lands on the next frame processed.
    pub fn queue_events(&mut self, events: &[MidiEvent]) {
        self.events.extend_from_slice(events);
        self.events.sort_by_key(|e| e.time);
    }

    /// The wrapped module.
    pub fn module_mut(&mut self) -> &mut dyn Module {
        self.module.as_mut()
    }

    /// Replaces the wrapped module by `module`, a new shape of the same type with `lanes`
    /// lanes, which first takes over what it keeps of the old one (as the engine does on
    /// the frame a reshaping commit lands); the position and transport run on.
    pub fn reshape(&mut self, mut module: Box<dyn Module>, lanes: usize) {
        assert!((1..=MAX_VOICES).contains(&lanes));
        module.reshape_from(self.module.as_ref());
        self.module = module;
        self.lanes = lanes;
        for output in &mut self.outputs {
            output.resize(MAX_BLOCK * lanes, 0.0);
        }
    }

    /// Processes one block: `inputs[i]` feeds input `i` (missing inputs read zero) and the
    /// returned vectors hold each output's `frames * lanes` samples.
    pub fn run(&mut self, inputs: &[&[f32]], frames: usize) -> Vec<Vec<f32>> {
        assert!(frames <= MAX_BLOCK);
        let len = frames * self.lanes;
        let padded: Vec<Vec<f32>> = (0..self.input_count)
            .map(|i| {
                let mut buf = vec![0.0; MAX_BLOCK * self.lanes];
                if let Some(src) = inputs.get(i) {
                    buf[..len].copy_from_slice(&src[..len]);
                }
                buf
            })
            .collect();
        let in_ptrs: Vec<*const f32> = padded.iter().map(|b| b.as_ptr()).collect();
        let out_ptrs: Vec<*mut f32> = self.outputs.iter_mut().map(|b| b.as_mut_ptr()).collect();
        let end = self.position + frames as u64;
        let due = self.events.partition_point(|e| e.time < end);
        let block: Vec<MidiEvent> = self
            .events
            .drain(..due)
            .map(|e| MidiEvent {
                time: e.time.max(self.position),
                ..e
            })
            .collect();
        // SAFETY: every buffer holds MAX_BLOCK * lanes floats and they are all distinct.
        let mut io = unsafe {
            ProcessIo::from_raw(&in_ptrs, &out_ptrs, 0, frames, self.lanes, self.position)
        }
        .with_tempo(self.tempo)
        .with_events(&block);
        self.module.process(&mut io);
        self.position += frames as u64;
        self.tempo = self.tempo.advanced(frames);
        self.outputs.iter().map(|b| b[..len].to_vec()).collect()
    }

    /// Processes `total` frames in blocks of `block` and returns each output in full.
    pub fn run_long(&mut self, inputs: &[&[f32]], total: usize, block: usize) -> Vec<Vec<f32>> {
        let lanes = self.lanes;
        let mut result = vec![Vec::with_capacity(total * lanes); self.outputs.len()];
        let mut done = 0;
        while done < total {
            let n = block.min(total - done).min(MAX_BLOCK);
            let slices: Vec<&[f32]> = inputs
                .iter()
                .map(|s| &s[done * lanes..(done + n) * lanes])
                .collect();
            for (acc, out) in result.iter_mut().zip(self.run(&slices, n)) {
                acc.extend_from_slice(&out);
            }
            done += n;
        }
        result
    }
}
