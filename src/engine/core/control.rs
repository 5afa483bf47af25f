//! The control side of the engine: plans commits, hands them to the audio thread over the
//! plan ring, and runs the cleanup thread that drops what the audio thread retires.

use super::containment::RESET_RING;
use super::follow::TransportFollow;
use super::observe::{observation_rings, Counters, EngineCounters, NodeReset, ObservationReceiver};
use super::plan::PlanUpdate;
use super::planner::{CommitSummary, Planner, PoolSizes};
use super::runtime::{MuteCommand, Runtime};
use super::transport::Quantize;
use super::validate::ValidGraph;
use crate::midi::{midi_ring, MidiSender};
use rtrb::{Consumer, Producer, RingBuffer};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// Plans that may wait on the ring for the audio thread.
const PLAN_RING: usize = 4;
/// Updates the audio thread may hand back before the cleanup thread drains them.
const RETIRE_RING: usize = 64;
/// Frames the recording ring holds (about 5 s at 48 kHz).
pub const RECORD_RING: usize = 1 << 18;

/// The control side's end of the recording ring (see `session::recorder`), while no
/// recording holds it.
pub type RecordRing = Consumer<[f32; 2]>;

/// Mute commands that may wait for the audio thread.
const MUTE_RING: usize = 1024;

/// Fewest frames between two updates that only refill spares.
const REFILL_GAP: u64 = 4096;
/// Resets kept for `take_resets` before the oldest unread are dropped.
const RESET_LOG: usize = 4096;

/// Options for a new engine.
#[derive(Debug, Clone, Copy)]
pub struct EngineConfig {
    /// Sample rate in Hz.
    pub sample_rate: f32,
    /// Initial pool sizes.
    pub pools: PoolSizes,
    /// Node levels the observation ring holds (0: no observation).
    pub observed_levels: usize,
    /// Output frames the observation ring holds.
    pub observed_samples: usize,
}

impl EngineConfig {
    /// Defaults for `sample_rate`, with observation.
    pub fn new(sample_rate: f32) -> Self {
        EngineConfig {
            sample_rate,
            pools: PoolSizes::default(),
            observed_levels: 1 << 14,
            observed_samples: 1 << 15,
        }
    }

    /// The same without observation rings (offline rendering).
    pub fn unobserved(self) -> Self {
        EngineConfig {
            observed_levels: 0,
            ..self
        }
    }
}

/// What happened to a commit.
#[derive(Debug, Clone, PartialEq)]
pub enum CommitOutcome {
    /// Planned and handed to the audio thread.
    Sent(CommitSummary),
    /// The plan ring is full: the graph waits and is planned by `pump` once there is room;
    /// a newer commit replaces it.
    Queued,
}

/// The control side of a running engine.
pub struct Engine {
    planner: Planner,
    plans: Producer<Box<PlanUpdate>>,
    mutes: Producer<MuteCommand>,
    pending: Option<Arc<ValidGraph>>,
    quantize: Quantize,
    resets: Consumer<NodeReset>,
    record_ring: Option<RecordRing>,
    refills: Vec<u32>,
    last_refill: Option<u64>,
    reset_log: Vec<NodeReset>,
    counters: Counters,
    observations: Option<ObservationReceiver>,
    midi: Option<MidiSender>,
    follow: Arc<TransportFollow>,
    cleanup: Cleanup,
}

impl Engine {
    /// A new engine and the runtime the audio callback will own.
    pub fn new(config: EngineConfig) -> (Engine, Runtime) {
        let (plan_tx, plan_rx) = RingBuffer::new(PLAN_RING);
        let (retire_tx, retire_rx) = RingBuffer::new(RETIRE_RING);
        let (reset_tx, reset_rx) = RingBuffer::new(RESET_RING);
        let (record_tx, record_rx) = RingBuffer::new(RECORD_RING);
        let (mute_tx, mute_rx) = RingBuffer::new(MUTE_RING);
        let counters = Arc::new(EngineCounters::default());
        let (midi_tx, midi_rx) = midi_ring();
        let follow = Arc::new(TransportFollow::default());
        let mut runtime = Runtime::new(
            config.pools,
            plan_rx,
            retire_tx,
            reset_tx,
            counters.clone(),
            f64::from(config.sample_rate),
            record_tx,
        );
        runtime.set_follow(follow.clone());
        runtime.set_midi(midi_rx);
        runtime.set_mutes(mute_rx);
        let observations = (config.observed_levels > 0).then(|| {
            let (tx, rx) = observation_rings(config.observed_levels, config.observed_samples);
            runtime.set_observer(tx);
            rx
        });
        let engine = Engine {
            planner: Planner::new(config.sample_rate, config.pools),
            plans: plan_tx,
            mutes: mute_tx,
            pending: None,
            quantize: Quantize::Off,
            resets: reset_rx,
            record_ring: Some(record_rx),
            refills: Vec::new(),
            last_refill: None,
            reset_log: Vec::new(),
            counters,
            observations,
            midi: Some(midi_tx),
            follow,
            cleanup: Cleanup::spawn(retire_rx),
        };
        (engine, runtime)
    }

    /// Makes the transport follow incoming MIDI clock (`--sync midi`): its tempo, start,
    /// stop and continue; or the patch's `transport:` again.
    pub fn set_sync_midi(&mut self, on: bool) {
        self.counters.sync_midi.store(on, Ordering::Relaxed);
    }

    /// The sending end of the MIDI ring to the runtime (once; `None` after).
    pub fn take_midi_sender(&mut self) -> Option<MidiSender> {
        self.midi.take()
    }

    /// What the runtime shares with an outside clock its transport may follow (Ableton Link).
    pub fn transport_follow(&self) -> Arc<TransportFollow> {
        self.follow.clone()
    }

    /// Plans `graph` and sends it, or queues it when the plan ring is full.
    pub fn commit(&mut self, graph: ValidGraph) -> CommitOutcome {
        self.cleanup.drain_here();
        let graph = Arc::new(graph);
        if self.plans.is_full() {
            self.pending = Some(graph);
            return CommitOutcome::Queued;
        }
        self.pending = None;
        CommitOutcome::Sent(self.send(&graph))
    }

    /// Sends the queued graph if the ring has room now; otherwise sends fresh spares for
    /// nodes the audio thread reset (see [`Engine::take_resets`]).
    pub fn pump(&mut self) -> Option<CommitSummary> {
        self.cleanup.drain_here();
        self.collect_resets();
        if self.plans.is_full() {
            return None;
        }
        match self.pending.take() {
            Some(graph) => Some(self.send(&graph)),
            None => {
                self.send_refills();
                self.retire_ghosts();
                None
            }
        }
    }

    /// Nodes the audio thread reset since the last call (oldest first), because their output
    /// went non-finite. `pump` and `commit` send their fresh spares.
    pub fn take_resets(&mut self) -> Vec<NodeReset> {
        self.collect_resets();
        std::mem::take(&mut self.reset_log)
    }

    /// Drains the reset ring into the log and the list of slots to refill.
    fn collect_resets(&mut self) {
        while let Ok(reset) = self.resets.pop() {
            if !self.refills.contains(&reset.slot) {
                self.refills.push(reset.slot);
            }
            if !reset.panic && self.reset_log.len() < RESET_LOG {
                self.reset_log.push(reset);
            }
        }
    }

    /// Sends fresh spares for the slots whose spare a reset used.
    /// At most one such update goes out per `REFILL_GAP` frames, so a node that keeps
    /// blowing up cannot flood the rings (a commit carries every waiting refill at once).
    fn send_refills(&mut self) {
        let now = self.counters.frames.load(Ordering::Relaxed);
        if self.refills.is_empty() || self.last_refill.is_some_and(|at| now < at + REFILL_GAP) {
            return;
        }
        self.last_refill = Some(now);
        let mut update = Box::<PlanUpdate>::default();
        for slot in self.refills.drain(..) {
            update.spares.extend(self.planner.refill(slot));
        }
        if !update.spares.is_empty() {
            // Cannot fail: the caller checked for room and only this side pushes.
            let _ = self.plans.push(update);
        }
    }

    /// Sends the last patch again without ghosts once the audio thread runs the last plan
    /// and its fade is over (the ghosts are silent then).
    fn retire_ghosts(&mut self) {
        if self.plans.is_full() || !self.planner.has_ghosts() {
            return;
        }
        if !self.ghosts_silent() {
            return;
        }
        if let Some(planned) = self.planner.without_ghosts() {
            // Cannot fail: room was checked above and only this side pushes.
            let _ = self.plans.push(planned.update);
            self.planner = planned.next;
        }
    }

    /// Whether the ghosts of the last plan are silent: the audio thread runs that plan and
    /// its fade is over.
    fn ghosts_silent(&self) -> bool {
        let running = self.counters.plan_id.load(Ordering::Acquire);
        let landed = self.counters.landed.load(Ordering::Relaxed);
        let now = self.counters.frames.load(Ordering::Relaxed);
        let fade = u64::from(self.planner.fade_frames());
        running == self.planner.plan_id() && now >= landed + fade
    }

    /// Asks the audio thread for a panic: the output ramps to silence within 5 ms, every
    /// node is reset to its initial state (feedback delays cleared), and the output ramps
    /// back up over 5 ms.
    pub fn panic(&self) {
        self.counters.panic.store(true, Ordering::Release);
    }

    /// Mutes or unmutes the live node `name` (ramped over 5 ms; it keeps running). A node
    /// that a later plan rebuilds starts unmuted: send it again once that plan runs. False
    /// when no live node has that name or the ring is full.
    pub fn set_muted(&mut self, name: &str, muted: bool) -> bool {
        let Some(slot) = self.planner.slot_of(name) else {
            return false;
        };
        self.mutes.push(MuteCommand { slot, muted }).is_ok()
    }

    /// Whether a commit is waiting for room on the plan ring.
    pub fn has_pending(&self) -> bool {
        self.pending.is_some()
    }

    fn send(&mut self, graph: &Arc<ValidGraph>) -> CommitSummary {
        self.collect_resets();
        let mut planned = if self.ghosts_silent() {
            self.planner.plan_retiring_ghosts(graph)
        } else {
            self.planner.plan(graph)
        };
        for slot in self.refills.drain(..) {
            planned.update.spares.extend(planned.next.refill(slot));
        }
        planned.update.quantize = self.quantize;
        // Cannot fail: the caller checked for room and only this side pushes.
        let _ = self.plans.push(planned.update);
        self.planner = planned.next;
        planned.summary
    }

    /// The control end of the recording ring, to hand to a [`super::recorder::Recording`];
    /// `None` while a recording holds it.
    pub fn take_record_ring(&mut self) -> Option<RecordRing> {
        self.record_ring.take()
    }

    /// Gives the recording ring back after a recording.
    pub fn give_record_ring(&mut self, ring: RecordRing) {
        self.record_ring = Some(ring);
    }

    /// Makes every later commit land on the next beat or bar (or at once).
    pub fn set_quantize(&mut self, quantize: Quantize) {
        self.quantize = quantize;
    }

    /// Sets how long commits fade from the next one on (0: at once).
    pub fn set_fade_ms(&mut self, ms: f32) {
        self.planner.set_fade_ms(ms);
    }

    /// When commits land.
    pub fn quantize(&self) -> Quantize {
        self.quantize
    }

    /// The planner's picture of what runs.
    pub fn planner(&self) -> &Planner {
        &self.planner
    }

    /// Counters updated by the audio thread.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// The observation rings' receiving side, when observation is on.
    pub fn observations(&mut self) -> Option<&mut ObservationReceiver> {
        self.observations.as_mut()
    }

    /// Updates dropped so far by the cleanup thread.
    pub fn cleaned(&self) -> u64 {
        self.cleanup.count.load(Ordering::Relaxed)
    }

    /// The cleanup thread's id, for tests that check where things are dropped.
    pub fn cleanup_thread(&self) -> Option<std::thread::ThreadId> {
        self.cleanup.handle.as_ref().map(|h| h.thread().id())
    }

    /// Why there is no cleanup thread, if it could not start (retired updates are then
    /// dropped on this thread at every commit and pump).
    pub fn cleanup_problem(&self) -> Option<&str> {
        self.cleanup.problem.as_deref()
    }
}

/// The retire ring's receiving end, handed to the cleanup thread once it runs (or kept by
/// the engine when the thread cannot start).
type RetiredSlot = Arc<Mutex<Option<Consumer<Box<PlanUpdate>>>>>;

/// The thread that drops retired modules, old plans and old pools.
struct Cleanup {
    stop: Arc<AtomicBool>,
    count: Arc<AtomicU64>,
    handle: Option<JoinHandle<()>>,
    /// The retire ring, when no cleanup thread could start.
    fallback: Option<Consumer<Box<PlanUpdate>>>,
    /// Why no cleanup thread could start.
    problem: Option<String>,
}

impl Cleanup {
    fn spawn(retired: Consumer<Box<PlanUpdate>>) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let count = Arc::new(AtomicU64::new(0));
        let slot: RetiredSlot = Arc::new(Mutex::new(Some(retired)));
        let (stop_flag, counter, taken) = (stop.clone(), count.clone(), slot.clone());
        let spawned = std::thread::Builder::new()
            .name("patches-cleanup".into())
            .spawn(move || {
                let Some(mut retired) = take(&taken) else {
                    return;
                };
                loop {
                    let stopping = stop_flag.load(Ordering::Acquire);
                    while let Ok(update) = retired.pop() {
                        drop(update);
                        counter.fetch_add(1, Ordering::Relaxed);
                    }
                    if stopping {
                        break;
                    }
                    std::thread::park_timeout(Duration::from_millis(5));
                }
            });
        let (handle, fallback, problem) = match spawned {
            Ok(handle) => (Some(handle), None, None),
            Err(e) => {
                let problem = format!(
                    "cannot start the cleanup thread ({e}): retired modules are freed on the \
                     control thread instead"
                );
                eprintln!("patches-tui: {problem}");
                (None, take(&slot), Some(problem))
            }
        };
        Cleanup {
            stop,
            count,
            handle,
            fallback,
            problem,
        }
    }

    /// Drops what the audio thread retired, here, when there is no cleanup thread.
    fn drain_here(&mut self) {
        if let Some(retired) = self.fallback.as_mut() {
            while let Ok(update) = retired.pop() {
                drop(update);
                self.count.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

/// Takes the retire ring out of its slot (a poisoned lock still holds it).
fn take(slot: &RetiredSlot) -> Option<Consumer<Box<PlanUpdate>>> {
    slot.lock().unwrap_or_else(|e| e.into_inner()).take()
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(handle) = self.handle.take() {
            handle.thread().unpark();
            let _ = handle.join();
        }
    }
}
