//! The runtime: the object the audio callback owns.
//!
//! At the top of each block it adopts a pending plan (installing instances, applying
//! parameter and connectivity changes, retiring instances), runs the plan, guards the output
//! and publishes observation data. It never allocates, frees, locks or blocks: everything it
//! replaces goes back to the control side on the retire ring.

mod following;
#[cfg(test)]
mod written_first;

pub use following::CallbackStart;

use super::containment::{has_non_finite, Containment};
use super::fades::{ramp_step, NodeFade, NodeGain};
use super::follow::TransportFollow;
use super::graph::MOD_INTERVAL;
use super::levels::{publish, LevelSum, PUBLISH_FRAMES};
use super::midi_sync::MidiSync;
use super::mixing::{mix_block, mix_sample, Fade};
use super::observe::{Counters, NodeReset, ObservationSender};
use super::plan::{ExecutionPlan, NodeExec, PlanUpdate, Step};
use super::planner::prefaulted_pool;
use super::prefetch::prefetch;
use super::transport::{Clock, Quantize};
use crate::midi::{MidiEvent, MidiReceiver};
use crate::modules::{Module, ParamValue, ProcessIo, Tempo, MAX_BLOCK};
use rtrb::{Consumer, Producer};
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// The audio-thread side of the engine.
pub struct Runtime {
    modules: Vec<Option<Box<dyn Module>>>,
    /// Per module slot: the fade gain and the mute gain.
    gains: Vec<[NodeGain; 2]>,
    mutes: Option<Consumer<MuteCommand>>,
    containment: Containment,
    buffers: Vec<f32>,
    delays: Vec<f32>,
    plan: Option<Box<ExecutionPlan>>,
    updates: Consumer<Box<PlanUpdate>>,
    retired: Producer<Box<PlanUpdate>>,
    observer: Option<ObservationSender>,
    counters: Counters,
    midi: Option<MidiReceiver>,
    position: u64,
    clock: Clock,
    /// The transport's follower of MIDI clock, used while `counters.sync_midi` is on.
    midi_sync: MidiSync,
    record: Producer<[f32; 2]>,
    /// Frame on which the quantised update at the head of the ring lands.
    landing: Option<u64>,
    /// The outside clock the transport follows while it is active.
    follow: Arc<TransportFollow>,
    /// Serial number of the last target adopted from it.
    follow_seen: u64,
    /// Whether the transport runs with the outside clock (false before its first target
    /// and while it is stopped).
    follow_running: bool,
    /// The outside timeline's moves at the last target adopted.
    follow_moves: u64,
    /// Whether a target of the outside clock set the transport since it became active.
    follow_adopted: bool,
    /// Tempo requests made to it so far.
    tempo_requests: u64,
    /// The tempo of the last patch adopted.
    patch_bpm: Option<f64>,
    /// Frame on which a panic started, while one runs.
    panic: Option<u64>,
    /// Frames a panic's ramps down and back up take.
    panic_frames: u64,
    /// Frames per second.
    sample_rate: f64,
}

/// Mutes or unmutes the node in a module slot (ramped).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MuteCommand {
    /// Module slot of the node.
    pub slot: u32,
    /// Muted or not.
    pub muted: bool,
}

/// How long a panic ramps to silence (and back after the reset), in seconds.
const PANIC_RAMP: f64 = 0.005;

impl Runtime {
    /// A runtime with empty pools of the given sizes, fed by `updates`, returning on
    /// `retired`. Made on the control thread.
    pub(crate) fn new(
        sizes: super::planner::PoolSizes,
        updates: Consumer<Box<PlanUpdate>>,
        retired: Producer<Box<PlanUpdate>>,
        resets: Producer<NodeReset>,
        counters: Counters,
        sample_rate: f64,
        record: Producer<[f32; 2]>,
    ) -> Self {
        Runtime {
            modules: (0..sizes.modules).map(|_| None).collect(),
            gains: vec![[NodeGain::default(); 2]; sizes.modules],
            mutes: None,
            containment: Containment::new(sizes.modules, resets),
            buffers: prefaulted_pool(sizes.buffers * MAX_BLOCK),
            delays: prefaulted_pool(sizes.delays),
            plan: None,
            updates,
            retired,
            observer: None,
            counters,
            midi: None,
            position: 0,
            clock: Clock::new(sample_rate),
            midi_sync: MidiSync::new(sample_rate),
            record,
            landing: None,
            follow: Arc::default(),
            follow_seen: 0,
            follow_running: false,
            follow_moves: 0,
            follow_adopted: false,
            tempo_requests: 0,
            patch_bpm: None,
            panic: None,
            panic_frames: ((PANIC_RAMP * sample_rate).round() as u64).max(1),
            sample_rate,
        }
    }

    /// Takes MIDI events from `midi` from now on.
    pub(crate) fn set_midi(&mut self, midi: MidiReceiver) {
        self.midi = Some(midi);
    }

    /// Shares `follow` with an outside clock the transport may follow from now on.
    pub(crate) fn set_follow(&mut self, follow: Arc<TransportFollow>) {
        self.follow = follow;
    }

    /// Publishes levels and output samples to `observer` from now on.
    pub fn set_observer(&mut self, observer: ObservationSender) {
        self.observer = Some(observer);
    }

    /// Frames processed since the start.
    pub fn position(&self) -> u64 {
        self.position
    }

    /// Fills `left` and `right` with the next frames of the patch. They should have equal
    /// lengths; if not (checked in release builds too), the frames both have are rendered and
    /// the rest of the longer one is silence.
    pub fn process(&mut self, left: &mut [f32], right: &mut [f32]) {
        let frames = left.len().min(right.len());
        left[frames..].fill(0.0);
        right[frames..].fill(0.0);
        let (left, right) = (&mut left[..frames], &mut right[..frames]);
        let mut done = 0;
        let sync_midi = self.counters.sync_midi.load(Ordering::Relaxed);
        while done < left.len() {
            let mut frames = (left.len() - done).min(MAX_BLOCK);
            if sync_midi {
                frames = self.follow_midi(frames);
            }
            self.adopt_pending();
            if let Some(at) = self.landing {
                // A quantised commit waits: stop the block on its frame.
                frames = frames.min((at - self.position) as usize);
            }
            frames = self.start_panic(frames);
            self.take_mutes();
            self.run_block(frames);
            let (l, r) = (
                &mut left[done..done + frames],
                &mut right[done..done + frames],
            );
            self.write_output(l, r);
            self.panic_gain(l, r);
            self.record(l, r);
            self.observe(l, r);
            self.position += frames as u64;
            done += frames;
        }
        self.counters.frames.store(self.position, Ordering::Relaxed);
        let tempo = self.clock.tempo(self.position);
        let c = &self.counters;
        c.beat.store(tempo.beat.to_bits(), Ordering::Relaxed);
        c.bar.store(tempo.bar.to_bits(), Ordering::Relaxed);
        c.bpm.store(tempo.bpm.to_bits(), Ordering::Relaxed);
        c.beats_per_bar
            .store(u64::from(tempo.beats_per_bar), Ordering::Relaxed);
    }

    /// Takes the MIDI events of the next `frames` frames, applies the clock, start, stop and
    /// continue messages due now to the transport and returns the frames up to the next
    /// one (a block ends on each, so it lands on its sample whatever the block size). A
    /// quantised commit waiting to land is placed again on the moved transport.
    fn follow_midi(&mut self, frames: usize) -> usize {
        let start = self.position;
        // Taken out of `self` for the loop, as in `run_block`, so that the events can be read
        // while the transport moves.
        let Some(mut midi) = self.midi.take() else {
            return frames;
        };
        let (mut moved, mut until) = (false, frames);
        for event in midi.take_block(start, start + frames as u64) {
            if !MidiSync::moves_transport(&event.message) {
                continue;
            }
            if event.time > start {
                until = until.min((event.time - start) as usize);
                break;
            }
            self.midi_sync.apply(event.message, start, &mut self.clock);
            moved = true;
        }
        self.midi = Some(midi);
        if moved {
            self.landing = None;
        }
        until
    }

    /// Adopts every pending update the retire ring can take back afterwards (so that a
    /// spare refill never delays a commit behind it). `process` calls it at the top of every
    /// block; it is public for benchmarks.
    pub fn adopt_pending(&mut self) {
        while self.adopt_one() {}
    }

    /// Adopts the next pending update; false when there is none or no room to return it.
    fn adopt_one(&mut self) -> bool {
        if self.retired.slots() == 0 {
            return false;
        }
        let quantize = match self.updates.peek() {
            Ok(update) => update.quantize,
            Err(_) => return false,
        };
        if quantize != Quantize::Off {
            let at = *self
                .landing
                .get_or_insert_with(|| self.clock.next_boundary(self.position, quantize));
            self.counters.landing.store(at + 1, Ordering::Relaxed);
            if self.position < at {
                return false;
            }
            self.landing = None;
            self.counters.landing.store(0, Ordering::Relaxed);
        }
        let Ok(mut update) = self.updates.pop() else {
            return false;
        };
        if update.plan.is_some() {
            self.finish_ramps();
        }
        if let Some(settings) = update.transport {
            self.adopt_transport(settings);
        }
        if let Some(pool) = update.module_pool.as_mut() {
            for (new, old) in pool.iter_mut().zip(self.modules.iter_mut()) {
                *new = old.take();
            }
            std::mem::swap(pool, &mut self.modules);
        }
        if let Some(pools) = update.spare_pools.as_mut() {
            self.containment.grow(pools);
        }
        if let Some(pool) = update.gain_pool.as_mut() {
            pool[..self.gains.len()].copy_from_slice(&self.gains);
            std::mem::swap(pool, &mut self.gains);
        }
        if let Some(pool) = update.buffer_pool.as_mut() {
            // Nothing to copy: every buffer is written before it is read within a block
            // (feedback reads the delay pool), and the new pool's zero buffer is zero.
            std::mem::swap(pool, &mut self.buffers);
        }
        if let Some(pool) = update.delay_pool.as_mut() {
            pool[..self.delays.len()].copy_from_slice(&self.delays);
            std::mem::swap(pool, &mut self.delays);
        }
        for (slot, holder) in update.retires.iter_mut() {
            *holder = self.modules[*slot as usize].take();
        }
        for (slot, instance) in update.installs.iter_mut() {
            self.modules[*slot as usize] = instance.take();
        }
        update.carry_reshaped(&mut self.modules);
        for swap in update.spares.iter_mut() {
            self.containment.swap(swap);
        }
        for p in &update.params {
            let slot = p.slot as usize;
            let spare = self.containment.spare_mut(slot);
            let live = self.modules[slot].as_mut().filter(|_| !p.ramped);
            for m in [live, spare].into_iter().flatten() {
                m.set_param(p.index as usize, &p.value);
                if !p.given {
                    m.param_unset(p.index as usize);
                }
            }
        }
        for c in &update.connectivity {
            let slot = c.slot as usize;
            let spare = self.containment.spare_mut(slot);
            for m in [self.modules[slot].as_mut(), spare].into_iter().flatten() {
                m.set_connectivity(&c.inputs, &c.outputs);
            }
        }
        for run in &update.clear_buffers {
            let start = run.start as usize * MAX_BLOCK;
            self.buffers[start..start + run.len as usize * MAX_BLOCK].fill(0.0);
        }
        for run in &update.clear_delays {
            let start = run.start as usize;
            self.delays[start..start + run.len as usize].fill(0.0);
        }
        if let Some(mut plan) = update.plan.take() {
            let base = self.buffers.as_mut_ptr();
            // SAFETY: the planner sized the pool to hold every buffer it names.
            unsafe {
                plan.inputs.resolve(base);
                plan.outputs.resolve(base);
            }
            plan.landed_at = self.position;
            for node in plan.nodes.iter() {
                let gains = &mut self.gains[node.slot as usize];
                gains[0].land(node.fade, self.position, plan.fade_frames);
                if matches!(node.fade, NodeFade::FadeIn | NodeFade::Start) {
                    // A fresh node in a slot is not muted (the session mutes it again).
                    gains[1] = NodeGain::default();
                }
            }
            self.counters.landed.store(self.position, Ordering::Relaxed);
            self.counters.plan_id.store(plan.id, Ordering::Release);
            update.replaced = self.plan.replace(plan);
        }
        // Cannot fail: a slot was checked above and only this thread pushes.
        let _ = self.retired.push(update);
        true
    }

    /// Takes this block's MIDI events off the ring and runs the current plan for `frames`
    /// frames.
    fn run_block(&mut self, frames: usize) {
        let end = self.position + frames as u64;
        // Both are taken out of `self` for the duration, so that the events can be lent to
        // every node call while the runtime is borrowed mutably.
        let mut midi = self.midi.take();
        let events = midi
            .as_mut()
            .map_or(&[][..], |m| m.take_block(self.position, end));
        if let Some(plan) = self.plan.take() {
            self.run_steps(&plan, frames, events);
            self.plan = Some(plan);
        }
        self.midi = midi;
    }

    /// Runs the steps of `plan` with the block's MIDI `events`.
    fn run_steps(&mut self, plan: &ExecutionPlan, frames: usize, events: &[MidiEvent]) {
        let base = self.buffers.as_mut_ptr();
        let fade = Fade {
            landed_at: plan.landed_at,
            frames: plan.fade_frames,
            block_start: self.position,
        };
        let block_tempo = self.clock.tempo(self.position);
        for step in &plan.steps {
            match step {
                Step::Block(n) => {
                    let node = &plan.nodes[*n as usize];
                    self.prefetch_ahead(plan, *n as usize);
                    make_mixes(base, plan, &node.mixes, frames, fade);
                    self.step_node(plan, node, (0, frames), block_tempo, events);
                    self.fold_level(plan, node, frames);
                }
                Step::Mixes(range) => make_mixes(base, plan, range, frames, fade),
                Step::Loop(range) => {
                    let members = &plan.nodes[range.start as usize..range.end as usize];
                    for i in 0..frames {
                        let position = self.position + i as u64;
                        let at = (position, self.clock.tempo(position));
                        for node in members {
                            for mix in
                                &plan.mixes[node.mixes.start as usize..node.mixes.end as usize]
                            {
                                let terms =
                                    &plan.terms[mix.terms.start as usize..mix.terms.end as usize];
                                // SAFETY: as above; delay slots lie in the delay pool.
                                unsafe {
                                    mix_sample(
                                        base,
                                        &self.delays,
                                        mix.target,
                                        mix.lanes as usize,
                                        terms,
                                        i,
                                        fade,
                                    )
                                };
                            }
                            self.step_node(plan, node, (i, 1), at.1, events);
                        }
                    }
                    for node in members {
                        self.fold_level(plan, node, frames);
                    }
                }
            }
        }
        for store in &plan.delays {
            let (slot, lanes) = (store.slot as usize, store.lanes as usize);
            // SAFETY: the source buffer lies in the pool and holds `lanes` lanes.
            let last = unsafe {
                std::slice::from_raw_parts(
                    base.add(store.source as usize * MAX_BLOCK + (frames - 1) * lanes),
                    lanes,
                )
            };
            self.delays[slot..slot + lanes].copy_from_slice(last);
        }
    }

    /// While node `n` (in run order) runs, asks for what the next nodes will need, each
    /// link once the one before it has had a node's time to arrive: the plan entry three
    /// nodes on, the pool entries (module and gains) two nodes on, the module one node on.
    #[inline(always)]
    fn prefetch_ahead(&self, plan: &ExecutionPlan, n: usize) {
        if let Some(node) = plan.nodes.get(n + 3) {
            prefetch(node);
        }
        if let Some(node) = plan.nodes.get(n + 2) {
            prefetch(&self.modules[node.slot as usize]);
            prefetch(&self.gains[node.slot as usize]);
        }
        if let Some(Some(module)) = plan
            .nodes
            .get(n + 1)
            .map(|node| &self.modules[node.slot as usize])
        {
            prefetch(module.as_ref());
        }
    }

    /// Folds the block's `frames` frames of `node`'s metered output into its level, when
    /// something observes the levels: right after the node ran, while they are in cache.
    fn fold_level(&self, plan: &ExecutionPlan, node: &NodeExec, frames: usize) {
        let (Some(m), true) = (node.meter, self.observer.is_some()) else {
            return;
        };
        let meter = &plan.meters[m as usize];
        let start = meter.buffer as usize * MAX_BLOCK;
        let level = &plan.levels[m as usize];
        let mut sum = level.get();
        sum.add(&self.buffers[start..start + frames * meter.lanes as usize]);
        level.set(sum);
    }

    /// Sets each modulated parameter of `node` (and of its spare) from lane 0 of its source
    /// at frame `offset` of the block, when the value changed.
    fn modulate(&mut self, node: &NodeExec, offset: usize) {
        let slot = node.slot as usize;
        for m in node.mods.iter() {
            let at = m.source as usize * MAX_BLOCK + offset * m.lanes as usize;
            let signal = f64::from(self.buffers[at]);
            let value = (m.from + (m.to - m.from) * signal).clamp(m.range.0, m.range.1);
            if !value.is_finite() || value == m.last.get() {
                continue;
            }
            m.last.set(value);
            let param = ParamValue::Float(value);
            let spare = self.containment.spare_mut(slot);
            for module in [self.modules[slot].as_mut(), spare].into_iter().flatten() {
                module.set_param(m.param as usize, &param);
            }
        }
    }

    /// Runs `node` for frames `offset..offset + frames` of the block: a silent ghost only
    /// zeroes its outputs; ramping parameters take their next value at every ramp step
    /// (the node is called piece by piece between steps); each piece is contained, then
    /// scaled by the node's gain.
    /// `tempo` is the transport at the first of those frames; `events` the block's MIDI.
    fn step_node(
        &mut self,
        plan: &ExecutionPlan,
        node: &NodeExec,
        (offset, frames): (usize, usize),
        tempo: Tempo,
        events: &[MidiEvent],
    ) {
        let slot = node.slot as usize;
        let lanes = node.lanes as usize;
        let at = self.position + offset as u64;
        let outputs = plan.outputs.ptrs_of(node);
        if self.gains[slot][0].silent(at) {
            for &ptr in outputs {
                // SAFETY: output buffers hold MAX_BLOCK frames of the node's lanes.
                unsafe { std::slice::from_raw_parts_mut(ptr.add(offset * lanes), frames * lanes) }
                    .fill(0.0);
            }
            return;
        }
        let continuous = plan.outputs.continuous_of(node);
        let ramps = &plan.ramps[node.ramps.start as usize..node.ramps.end as usize];
        let mut done = 0;
        while done < frames {
            let from = at + done as u64;
            let mut n = frames - done;
            if !node.mods.is_empty() {
                // Modulated parameters are set at the multiples of MOD_INTERVAL.
                let interval = MOD_INTERVAL as u64;
                if from.is_multiple_of(interval) {
                    self.modulate(node, offset + done);
                }
                n = n.min((interval - from % interval) as usize);
            }
            if !ramps.is_empty() {
                let since = from - plan.landed_at;
                if let Some((starts, left)) = ramp_step(since, plan.fade_frames) {
                    if let (true, Some(module)) = (starts, self.modules[slot].as_mut()) {
                        for ramp in ramps {
                            module.set_param(
                                ramp.index as usize,
                                &ramp.value(since, plan.fade_frames),
                            );
                        }
                    }
                    n = n.min(left as usize);
                }
            }
            let tempo = if done == 0 {
                tempo
            } else {
                self.clock.tempo(from)
            };
            run_node(
                &mut self.modules,
                plan,
                node,
                offset + done,
                n,
                (from, tempo),
                events,
            );
            self.contain(plan, node, offset + done, n, events);
            let piece = (offset + done, n, from);
            // SAFETY: as above; nothing else holds the node's outputs now.
            for gain in &self.gains[slot] {
                // SAFETY: as above; nothing else holds the node's outputs now.
                unsafe { gain.apply(outputs, continuous, lanes, piece) };
            }
            done += n;
        }
    }

    /// Gives every parameter still ramping in the running plan its final value at once (a
    /// new plan lands before the ramps are over).
    fn finish_ramps(&mut self) {
        let Some(plan) = self.plan.as_deref() else {
            return;
        };
        let since = self.position - plan.landed_at;
        if plan.ramps.is_empty() || ramp_step(since, plan.fade_frames).is_none() {
            return;
        }
        for node in &plan.nodes {
            let ramps = &plan.ramps[node.ramps.start as usize..node.ramps.end as usize];
            if let Some(module) = self.modules[node.slot as usize].as_mut() {
                for ramp in ramps {
                    module.set_param(ramp.index as usize, &ParamValue::Float(ramp.to));
                }
            }
        }
    }

    /// Starts the mutes and unmutes the control side sent: each ramps over 5 ms from here.
    fn take_mutes(&mut self) {
        let Some(mutes) = self.mutes.as_mut() else {
            return;
        };
        let frames = self.panic_frames as u32;
        while let Ok(MuteCommand { slot, muted }) = mutes.pop() {
            if let Some(gains) = self.gains.get_mut(slot as usize) {
                let to = if muted { 0.0 } else { 1.0 };
                gains[1].head_to(to, self.position, frames);
            }
        }
    }

    /// Takes mutes from `mutes` from now on.
    pub(crate) fn set_mutes(&mut self, mutes: Consumer<MuteCommand>) {
        self.mutes = Some(mutes);
    }

    /// Starts a panic the control side asked for and, on the frame the ramp down ends,
    /// resets every node; returns `frames` cut so that a block ends on that frame.
    fn start_panic(&mut self, frames: usize) -> usize {
        if self.panic.is_none() && self.counters.panic.swap(false, Ordering::AcqRel) {
            self.panic = Some(self.position);
        }
        let Some(start) = self.panic else {
            return frames;
        };
        let reset_at = start + self.panic_frames;
        if self.position == reset_at {
            self.reset_all();
        }
        if self.position < reset_at {
            frames.min((reset_at - self.position) as usize)
        } else {
            frames
        }
    }

    /// Puts every node of the plan back in its initial state (its spare swapped in, the
    /// control side refills it) and clears the feedback delays.
    fn reset_all(&mut self) {
        let Some(plan) = self.plan.take() else {
            return;
        };
        for node in &plan.nodes {
            let slot = node.slot as usize;
            if self.containment.reset(&mut self.modules[slot], slot) {
                self.containment.report(NodeReset {
                    plan_id: plan.id,
                    node: node.node,
                    slot: node.slot,
                    panic: true,
                });
            }
        }
        self.plan = Some(plan);
        self.delays.fill(0.0);
        self.counters.panics.fetch_add(1, Ordering::Relaxed);
    }

    /// Applies a running panic's gain to the block just written: down to 0 until the reset,
    /// then back up to 1, where the panic ends.
    fn panic_gain(&mut self, left: &mut [f32], right: &mut [f32]) {
        let Some(start) = self.panic else {
            return;
        };
        let ramp = self.panic_frames;
        let reset_at = start + ramp;
        for (f, (l, r)) in left.iter_mut().zip(right.iter_mut()).enumerate() {
            let at = self.position + f as u64;
            let gain = if at < reset_at {
                1.0 - (at + 1 - start) as f32 / ramp as f32
            } else {
                ((at + 1 - reset_at) as f32 / ramp as f32).min(1.0)
            };
            *l *= gain;
            *r *= gain;
        }
        if self.position + left.len() as u64 >= reset_at + ramp {
            self.panic = None;
        }
    }

    /// Pushes the guarded frames to the recording ring while a recording runs, in one chunk
    /// as far as there is room; what does not fit is counted as dropped.
    fn record(&mut self, left: &[f32], right: &[f32]) {
        if !self.counters.recording.load(Ordering::Acquire) {
            return;
        }
        let n = left.len().min(self.record.slots());
        if let Ok(chunk) = self.record.write_chunk_uninit(n) {
            chunk.fill_from_iter(left.iter().zip(right).map(|(&l, &r)| [l, r]));
        }
        let dropped = (left.len() - n) as u64;
        if dropped > 0 {
            self.counters
                .record_dropped
                .fetch_add(dropped, Ordering::Relaxed);
        }
    }

    /// Checks the frames `offset..offset + frames` a node just wrote (unless its module
    /// vouches that its output is always finite). From the first
    /// non-finite frame on, the node is reset (its spare swapped in) and run again, so it
    /// restarts at that exact sample whatever the block size; the feedback delays it feeds
    /// are cleared. Without a spare, or when the fresh instance blows up at once, the rest
    /// of its output is zeroed. `events` are the block's MIDI events.
    fn contain(
        &mut self,
        plan: &ExecutionPlan,
        node: &NodeExec,
        offset: usize,
        frames: usize,
        events: &[MidiEvent],
    ) {
        let module = self.modules[node.slot as usize].as_deref();
        if module.is_some_and(|m| m.outputs_always_finite()) {
            return;
        }
        let Some(bad) = self.first_bad_frame(plan, node, offset, frames) else {
            return;
        };
        let end = offset + frames;
        for run in node.feeds.iter() {
            let start = run.start as usize;
            self.delays[start..start + run.len as usize].fill(0.0);
        }
        let slot = node.slot as usize;
        let restarted = self.containment.reset(&mut self.modules[slot], slot);
        if restarted {
            self.counters.resets.fetch_add(1, Ordering::Relaxed);
            self.containment.report(NodeReset {
                plan_id: plan.id,
                node: node.node,
                slot: node.slot,
                panic: false,
            });
            let position = self.position + bad as u64;
            let at = (position, self.clock.tempo(position));
            run_node(&mut self.modules, plan, node, bad, end - bad, at, events);
        }
        let silence = if restarted {
            self.first_bad_frame(plan, node, bad, end - bad)
        } else {
            Some(bad)
        };
        if let Some(from) = silence {
            self.counters.silenced.fetch_add(1, Ordering::Relaxed);
            let lanes = node.lanes as usize;
            for &b in plan.outputs.buffers_of(node) {
                let start = b as usize * MAX_BLOCK;
                self.buffers[start + from * lanes..start + end * lanes].fill(0.0);
            }
        }
    }

    /// The first of frames `offset..offset + frames` in which an output of `node` is NaN or
    /// infinite.
    fn first_bad_frame(
        &self,
        plan: &ExecutionPlan,
        node: &NodeExec,
        offset: usize,
        frames: usize,
    ) -> Option<usize> {
        let lanes = node.lanes as usize;
        let mut first = None;
        for &b in plan.outputs.buffers_of(node) {
            let start = b as usize * MAX_BLOCK;
            let samples = &self.buffers[start + offset * lanes..start + (offset + frames) * lanes];
            if has_non_finite(samples) {
                let at = samples.iter().position(|x| !x.is_finite()).unwrap_or(0) / lanes;
                first = Some(first.map_or(offset + at, |f: usize| f.min(offset + at)));
            }
        }
        first
    }

    /// Copies the output buffers through the guard: NaN/Inf become 0, the rest is clamped.
    fn write_output(&mut self, left: &mut [f32], right: &mut [f32]) {
        let Some(plan) = self.plan.as_deref() else {
            left.fill(0.0);
            right.fill(0.0);
            return;
        };
        let (mut non_finite, mut clamped) = (0, 0);
        for (out, buffer) in [left, right].into_iter().zip(plan.output) {
            let start = buffer as usize * MAX_BLOCK;
            for (o, &x) in out.iter_mut().zip(&self.buffers[start..start + MAX_BLOCK]) {
                *o = if !x.is_finite() {
                    non_finite += 1;
                    0.0
                } else if x.abs() > 1.0 {
                    clamped += 1;
                    x.clamp(-1.0, 1.0)
                } else {
                    x
                };
            }
        }
        if non_finite > 0 {
            self.counters
                .non_finite
                .fetch_add(non_finite, Ordering::Relaxed);
        }
        if clamped > 0 {
            self.counters.clamped.fetch_add(clamped, Ordering::Relaxed);
        }
    }

    /// Counts this block into the node levels (publishing them every `PUBLISH_FRAMES`) and
    /// publishes the guarded output frames, dropping what does not fit.
    fn observe(&mut self, left: &[f32], right: &[f32]) {
        let frames = left.len();
        let (Some(obs), Some(plan)) = (self.observer.as_mut(), self.plan.as_deref_mut()) else {
            return;
        };
        plan.level_frames += frames as u32;
        if plan.level_frames >= PUBLISH_FRAMES {
            let nodes = plan.meters.iter().map(|m| (m.node, m.lanes));
            if !publish(
                &mut obs.levels,
                plan.id,
                nodes,
                &plan.levels,
                plan.level_frames,
            ) {
                self.counters.dropped_levels.fetch_add(1, Ordering::Relaxed);
            }
            for level in &plan.levels {
                level.set(LevelSum::default());
            }
            plan.level_frames = 0;
        }
        let n = frames.min(obs.samples.slots());
        if let Ok(chunk) = obs.samples.write_chunk_uninit(n) {
            chunk.fill_from_iter(left.iter().zip(right).map(|(&l, &r)| [l, r]));
        }
    }
}

/// Makes the mixes `range` of `plan` for the whole block, in the pool at `base`.
fn make_mixes(
    base: *mut f32,
    plan: &ExecutionPlan,
    range: &std::ops::Range<u32>,
    frames: usize,
    fade: Fade,
) {
    for mix in &plan.mixes[range.start as usize..range.end as usize] {
        let terms = &plan.terms[mix.terms.start as usize..mix.terms.end as usize];
        let lanes = mix.lanes as usize;
        // SAFETY: a mix's target is never one of its sources (the planner places the target
        // while the sources are live); both lie in the pool.
        unsafe { mix_block(base, mix.target, lanes, terms, mix.adds, frames, fade) };
    }
}

/// Runs one node for `frames` frames starting `offset` frames into its buffers, at
/// `(position, tempo)`; it sees the events of `events` that land within those frames.
#[inline(always)]
fn run_node(
    modules: &mut [Option<Box<dyn Module>>],
    plan: &ExecutionPlan,
    node: &NodeExec,
    offset: usize,
    frames: usize,
    (position, tempo): (u64, Tempo),
    events: &[MidiEvent],
) {
    if let Some(module) = modules[node.slot as usize].as_mut() {
        // SAFETY: pointers were resolved into the live pool at adoption, each input buffer
        // holding its `input_lanes`; outputs are distinct buffers that no input of this node
        // reads (the planner guarantees it).
        let mut io = unsafe {
            ProcessIo::from_raw(
                plan.inputs.ptrs_of(node),
                plan.outputs.ptrs_of(node),
                offset,
                frames,
                node.lanes as usize,
                position,
            )
            .with_input_lanes(plan.inputs.lanes_of(node))
        }
        .with_tempo(tempo)
        .with_events(events);
        module.process(&mut io);
    }
}
