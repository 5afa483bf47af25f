//! Observation data the audio thread publishes for meters and scopes (ring 3).
//!
//! The audio thread never waits: when a ring is full, the block's data is dropped.

use rtrb::{Consumer, Producer, RingBuffer};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Level of one node's first output over one block.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct NodeLevel {
    /// Plan the node belongs to.
    pub plan_id: u64,
    /// Position of the node in that plan's graph.
    pub node: u32,
    /// Frames in the block.
    pub frames: u32,
    /// Largest absolute sample value in the block.
    pub peak: f32,
    /// Root mean square over the block.
    pub rms: f32,
}

/// A node the audio thread reset because its output went non-finite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NodeReset {
    /// Plan the node belongs to.
    pub plan_id: u64,
    /// Position of the node in that plan's graph.
    pub node: u32,
    /// Module slot of the node (its spare needs a refill).
    pub slot: u32,
    /// Reset by the panic key rather than because its output went non-finite.
    pub panic: bool,
}

/// Counters the audio thread updates with relaxed atomic stores.
#[derive(Debug, Default)]
pub struct EngineCounters {
    /// Samples that were NaN or infinite and replaced by 0.
    pub non_finite: AtomicU64,
    /// Samples outside [-1, 1] that were clamped.
    pub clamped: AtomicU64,
    /// Frames processed since the start.
    pub frames: AtomicU64,
    /// Id of the plan now running (0 before the first).
    pub plan_id: AtomicU64,
    /// Frame on which the plan now running landed (written before `plan_id`).
    pub landed: AtomicU64,
    /// Set by the control side to ask for a panic; the audio thread clears it when it starts
    /// one.
    pub panic: std::sync::atomic::AtomicBool,
    /// Panics done: the output ramped to silence and every node was reset.
    pub panics: AtomicU64,
    /// Levels dropped because the observation ring was full.
    pub dropped_levels: AtomicU64,
    /// Nodes reset because their output went non-finite.
    pub resets: AtomicU64,
    /// Whether the audio thread pushes output frames to the recording ring.
    pub recording: std::sync::atomic::AtomicBool,
    /// Output frames the recording ring could not take.
    pub record_dropped: AtomicU64,
    /// Frame on which a waiting quantised commit lands, plus one (0: none waits).
    pub landing: AtomicU64,
    /// Beats since the transport started (f64 bits), at the end of the last block.
    pub beat: AtomicU64,
    /// Bars since the transport started (f64 bits), at the end of the last block.
    pub bar: AtomicU64,
    /// Beats in a bar now.
    pub beats_per_bar: AtomicU64,
    /// Tempo now (f64 bits).
    pub bpm: AtomicU64,
    /// Blocks in which a non-finite node was silenced because its spare was not yet
    /// refilled.
    pub silenced: AtomicU64,
    /// Whether the transport follows incoming MIDI clock (`--sync midi`).
    pub sync_midi: std::sync::atomic::AtomicBool,
}

impl EngineCounters {
    /// Reads a counter.
    pub fn get(counter: &AtomicU64) -> u64 {
        counter.load(Ordering::Relaxed)
    }
}

/// The audio side of the observation rings.
pub struct ObservationSender {
    pub(crate) levels: Producer<NodeLevel>,
    pub(crate) samples: Producer<[f32; 2]>,
}

/// The control side of the observation rings.
pub struct ObservationReceiver {
    /// Node levels, one per metered node per block.
    pub levels: Consumer<NodeLevel>,
    /// Output frames after the guard, left and right.
    pub samples: Consumer<[f32; 2]>,
}

/// A pair of observation rings holding `levels` node levels and `samples` output frames.
pub fn observation_rings(
    levels: usize,
    samples: usize,
) -> (ObservationSender, ObservationReceiver) {
    let (level_tx, level_rx) = RingBuffer::new(levels);
    let (sample_tx, sample_rx) = RingBuffer::new(samples);
    (
        ObservationSender {
            levels: level_tx,
            samples: sample_tx,
        },
        ObservationReceiver {
            levels: level_rx,
            samples: sample_rx,
        },
    )
}

/// Shared handle to the counters.
pub type Counters = Arc<EngineCounters>;
