//! What the planner hands to the audio thread: the execution plan and the update that
//! installs it.
//!
//! Everything here is allocated on the control thread. The audio thread only moves boxes
//! between slots, writes into preallocated arrays and sends the update back (with the
//! retired modules and the replaced plan in it) to be dropped on the cleanup thread.

use super::fades::{NodeFade, NodeGain, ParamRamp};
use super::ports::{InputPorts, OutputPorts};
use super::transport::{Quantize, TransportSettings};
use crate::modules::{Module, ParamValue};
use std::ops::Range;

/// Index of the buffer that always reads zero (unconnected inputs). It is `MAX_VOICES`
/// units long, so that it serves a node of any lane count.
pub const ZERO_BUFFER: u32 = 0;
/// Marks a mix term without delay.
pub const NO_DELAY: u32 = u32::MAX;

/// One source summed into a mixed input.
///
/// Lanes: a source with the target's lane count adds lane to lane, a mono source feeds
/// every lane, and a poly source into a mono target adds the sum of its lanes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MixTerm {
    /// Buffer of the source output.
    pub source: u32,
    /// Lanes of the source.
    pub lanes: u32,
    /// Cable scale.
    pub scale: f32,
    /// Scale the cable had before this plan: it ramps to `scale` over the plan's fade
    /// (equal to `scale` when nothing changed).
    pub from_scale: f32,
    /// Delay slot of a feedback cable, or `NO_DELAY`.
    pub delay: u32,
}

/// An input fed by several cables, a scaled cable or a feedback cable: summed into `target`
/// (or a run of its terms, added to what earlier parts summed there).
#[derive(Debug, Clone, PartialEq)]
pub struct Mix {
    /// The buffer the module reads.
    pub target: u32,
    /// Lanes of the target.
    pub lanes: u32,
    /// Range of terms in `ExecutionPlan::terms`.
    pub terms: Range<u32>,
    /// Whether the first term adds to the target rather than writes it: a later part of a mix
    /// made in parts, each as soon as its sources are ready.
    pub adds: bool,
}

/// A parameter of a node that follows another node's output, set every `MOD_INTERVAL`
/// frames (at absolute positions) from lane 0 of the source.
#[derive(Debug)]
pub struct ModExec {
    /// First unit of the source output buffer.
    pub source: u32,
    /// Lanes of the source.
    pub lanes: u32,
    /// Parameter position in the target's descriptor.
    pub param: u32,
    /// Value at signal 0.
    pub from: f64,
    /// Value at signal 1.
    pub to: f64,
    /// The parameter's range.
    pub range: (f64, f64),
    /// The value last set (NaN before the first), so that an unchanged value is not set again.
    pub last: std::cell::Cell<f64>,
}

/// How one node runs: its slot in the module pool, its buffers and the mixes before it.
pub struct NodeExec {
    /// Slot in the module pool.
    pub slot: u32,
    /// Position of the node in the graph the plan was made from (names it in reports).
    pub node: u32,
    /// Delay slots of the feedback cables this node feeds, cleared when it is reset.
    pub feeds: Box<[Run]>,
    /// Lanes on every port of the node.
    pub lanes: u32,
    /// Its inputs: a range of every port array of `ExecutionPlan::inputs`.
    pub inputs: Range<u32>,
    /// Its outputs: a range of every port array of `ExecutionPlan::outputs`.
    pub outputs: Range<u32>,
    /// Range of the mixes made just before this node runs in `ExecutionPlan::mixes`: a loop
    /// member's, made sample by sample (a whole-block node's mixes run in a `Step::Mixes`
    /// as soon as their sources are ready).
    pub mixes: Range<u32>,
    /// Its modulated parameters (the node runs in pieces split at their setting points).
    pub mods: Box<[ModExec]>,
    /// How the node's output gain changes when the plan lands.
    pub fade: NodeFade,
    /// Range of this node's parameter ramps in `ExecutionPlan::ramps`.
    pub ramps: Range<u32>,
    /// Its entry in `ExecutionPlan::meters` and `levels`, when its first output is metered.
    pub meter: Option<u32>,
}

/// One step of a block.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Run node `.0` (an index into `ExecutionPlan::nodes`) for the whole block.
    Block(u32),
    /// Run these nodes sample by sample (a feedback loop), then store the delayed samples.
    Loop(Range<u32>),
    /// Make these mixes (a range of `ExecutionPlan::mixes`) for the whole block: every source
    /// has run.
    Mixes(Range<u32>),
}

impl Step {
    /// The nodes this step runs (indices into `ExecutionPlan::nodes`): none for a `Mixes`.
    pub fn nodes(&self) -> Range<u32> {
        match self {
            Step::Block(n) => *n..*n + 1,
            Step::Loop(range) => range.clone(),
            Step::Mixes(_) => 0..0,
        }
    }
}

/// A node whose first output is metered, for the observation ring.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Meter {
    /// Position of the node in the graph the plan was made from.
    pub node: u32,
    /// Buffer of its first output.
    pub buffer: u32,
    /// Lanes of that buffer (all of them are metered together).
    pub lanes: u32,
}

/// The last frame of a feedback cable's source, kept for the next block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DelayStore {
    /// First delay slot (one slot per lane).
    pub slot: u32,
    /// Source buffer.
    pub source: u32,
    /// Lanes of the source.
    pub lanes: u32,
}

/// A run of pool units: `len` consecutive units from `start` (a buffer unit is `MAX_BLOCK`
/// floats, a delay unit one float).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    /// First unit.
    pub start: u32,
    /// Number of units.
    pub len: u32,
}

/// The program the audio thread runs each block.
pub struct ExecutionPlan {
    /// Identifies the plan (increases with every commit).
    pub id: u64,
    /// Nodes in run order.
    pub nodes: Vec<NodeExec>,
    /// Steps in run order.
    pub steps: Vec<Step>,
    /// Every node's inputs, in run order.
    pub inputs: InputPorts,
    /// Every node's outputs, in run order.
    pub outputs: OutputPorts,
    /// Mixed inputs of every node.
    pub mixes: Vec<Mix>,
    /// Terms of every mix.
    pub terms: Vec<MixTerm>,
    /// Feedback cables of loops, stored after each block.
    pub delays: Vec<DelayStore>,
    /// Buffers read as the left and right output.
    pub output: [u32; 2],
    /// Metered nodes.
    pub meters: Vec<Meter>,
    /// Frames over which changed cable scales, node gains and parameters ramp from the frame
    /// the plan lands on.
    pub fade_frames: u32,
    /// Float parameters of kept nodes that ramp to their new value.
    pub ramps: Vec<ParamRamp>,
    /// Absolute frame the plan landed on (set by the runtime on adoption).
    pub landed_at: u64,
    /// The running level of each metered node (one per entry of `meters`), folded by the
    /// audio thread right after the node runs, while its output is still in cache.
    pub levels: Vec<std::cell::Cell<super::levels::LevelSum>>,
    /// Frames folded into `levels` since they were last published.
    pub level_frames: u32,
}

// SAFETY: the raw pointers in the ports are only written and read by the runtime that owns
// the buffer pool they point into; they are resolved again whenever a plan is adopted.
unsafe impl Send for ExecutionPlan {}

/// Connectivity of one node's ports.
pub struct Connectivity {
    /// Slot of the node.
    pub slot: u32,
    /// Whether each input has a cable.
    pub inputs: Box<[bool]>,
    /// Whether each output has a cable.
    pub outputs: Box<[bool]>,
}

/// A parameter change for a live module.
pub struct ParamUpdate {
    /// Slot of the module.
    pub slot: u32,
    /// Parameter index.
    pub index: u32,
    /// New value.
    pub value: ParamValue,
    /// Whether the patch gives it (false: the value is the default of a parameter the patch
    /// leaves out, announced with `Module::param_unset`).
    pub given: bool,
    /// Whether the live instance gets it through a ramp of the plan (only the spare takes
    /// it at once).
    pub ramped: bool,
}

/// Module instances by slot.
pub type ModulePool = Vec<Option<Box<dyn Module>>>;

/// Puts a spare instance (the reset image of a slot) in place: for a new node, a retired
/// one (`spare: None`) or a refill after a reset used the spare.
pub struct SpareSwap {
    /// Slot of the module.
    pub slot: u32,
    /// The new spare; after adoption, the spare it replaced.
    pub spare: Option<Box<dyn Module>>,
    /// After adoption, the instance a reset took out of the slot (if any), to be dropped.
    pub poisoned: Option<Box<dyn Module>>,
}

/// A node whose shape changed: its new instance (an entry of `PlanUpdate::installs`) takes
/// over what it keeps of the old one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reshape {
    /// Where the old instance is.
    pub from: ReshapeFrom,
    /// Index into `installs` of the new instance.
    pub install: u32,
}

/// Where a reshaped node's old instance is when the plan lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReshapeFrom {
    /// Retired at once (no fade): this index into `retires`.
    Retired(u32),
    /// Still in this module slot, fading out as a ghost while the new instance fades in.
    Ghost(u32),
}

/// Everything the audio thread does to switch to a new plan. Sent on the plan ring and
/// returned on the retire ring.
#[derive(Default)]
pub struct PlanUpdate {
    /// The plan to run; after adoption, empty.
    pub plan: Option<Box<ExecutionPlan>>,
    /// After adoption, the plan that was replaced.
    pub replaced: Option<Box<ExecutionPlan>>,
    /// Fresh instances to put into slots; after adoption, empty.
    pub installs: Vec<(u32, Option<Box<dyn Module>>)>,
    /// Slots to empty; after adoption, the retired instances.
    pub retires: Vec<(u32, Option<Box<dyn Module>>)>,
    /// Reshaped nodes, carried over once both `retires` and `installs` are done.
    pub reshapes: Vec<Reshape>,
    /// When the update lands; a quantised update waits at the head of the ring for its
    /// boundary.
    pub quantize: Quantize,
    /// Tempo and metre from the frame the plan lands on (with every plan).
    pub transport: Option<TransportSettings>,
    /// Spare instances to put in place (after installs and retires).
    pub spares: Vec<SpareSwap>,
    /// Parameter diffs for kept modules.
    pub params: Vec<ParamUpdate>,
    /// Connectivity changes for kept modules.
    pub connectivity: Vec<Connectivity>,
    /// Buffers to zero (new outputs).
    pub clear_buffers: Vec<Run>,
    /// Delay slots to zero (new feedback cables).
    pub clear_delays: Vec<Run>,
    /// A larger module pool; after adoption, the old one (empty).
    pub module_pool: Option<Vec<Option<Box<dyn Module>>>>,
    /// Larger spare and poisoned pools (the size of `module_pool`); after adoption, the
    /// old ones (empty).
    pub spare_pools: Option<[ModulePool; 2]>,
    /// A larger pool of node gains, fade and mute for each slot (the size of
    /// `module_pool`); after adoption, the old one.
    pub gain_pool: Option<Vec<[NodeGain; 2]>>,
    /// A larger buffer pool; after adoption, the old one.
    pub buffer_pool: Option<Vec<f32>>,
    /// A larger delay pool; after adoption, the old one.
    pub delay_pool: Option<Vec<f32>>,
}

impl PlanUpdate {
    /// On the audio thread, after `retires` took the old instances out of `modules` and
    /// `installs` put the new ones in: each reshaped node's new instance copies what it
    /// keeps from its old one (state advanced up to this very frame), in place.
    pub fn carry_reshaped(&self, modules: &mut [Option<Box<dyn Module>>]) {
        for r in &self.reshapes {
            let slot = self.installs[r.install as usize].0 as usize;
            match r.from {
                ReshapeFrom::Retired(retire) => {
                    let old = self.retires[retire as usize].1.as_deref();
                    if let (Some(old), Some(new)) = (old, modules[slot].as_deref_mut()) {
                        new.reshape_from(old);
                    }
                }
                ReshapeFrom::Ghost(old_slot) => {
                    if let (Some(old), Some(new)) = two_slots(modules, old_slot as usize, slot) {
                        new.reshape_from(old);
                    }
                }
            }
        }
    }
}

/// The modules in two different slots, the first shared and the second mutable.
fn two_slots(
    modules: &mut [Option<Box<dyn Module>>],
    shared: usize,
    mutable: usize,
) -> (Option<&dyn Module>, Option<&mut dyn Module>) {
    if shared == mutable {
        return (None, None);
    }
    if shared < mutable {
        let (low, high) = modules.split_at_mut(mutable);
        (low[shared].as_deref(), high[0].as_deref_mut())
    } else {
        let (low, high) = modules.split_at_mut(shared);
        (high[0].as_deref(), low[mutable].as_deref_mut())
    }
}
