//! The runtime: the object the audio callback owns.
//!
//! At the top of each block it adopts a pending plan (installing instances, applying
//! parameter and connectivity changes, retiring instances), runs the plan, guards the output
//! and publishes observation data. It never allocates, frees, locks or blocks: everything it
//! replaces goes back to the control side on the retire ring.

use super::levels::{publish, LevelSum, PUBLISH_FRAMES};
use super::mixing::{mix_block, mix_sample};
use super::observe::{Counters, ObservationSender};
use super::plan::{ExecutionPlan, PlanUpdate, Step};
use super::planner::prefaulted_pool;
use crate::modules::{Module, ProcessIo, MAX_BLOCK};
use rtrb::{Consumer, Producer};
use std::sync::atomic::Ordering;

/// The audio-thread side of the engine.
pub struct Runtime {
    modules: Vec<Option<Box<dyn Module>>>,
    buffers: Vec<f32>,
    delays: Vec<f32>,
    plan: Option<Box<ExecutionPlan>>,
    updates: Consumer<Box<PlanUpdate>>,
    retired: Producer<Box<PlanUpdate>>,
    observer: Option<ObservationSender>,
    counters: Counters,
    position: u64,
}

impl Runtime {
    /// A runtime with empty pools of the given sizes, fed by `updates`, returning on
    /// `retired`. Made on the control thread.
    pub(crate) fn new(
        sizes: super::planner::PoolSizes,
        updates: Consumer<Box<PlanUpdate>>,
        retired: Producer<Box<PlanUpdate>>,
        counters: Counters,
    ) -> Self {
        Runtime {
            modules: (0..sizes.modules).map(|_| None).collect(),
            buffers: prefaulted_pool(sizes.buffers * MAX_BLOCK),
            delays: prefaulted_pool(sizes.delays),
            plan: None,
            updates,
            retired,
            observer: None,
            counters,
            position: 0,
        }
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
        while done < left.len() {
            let frames = (left.len() - done).min(MAX_BLOCK);
            self.adopt_pending();
            self.run_block(frames);
            let (l, r) = (
                &mut left[done..done + frames],
                &mut right[done..done + frames],
            );
            self.write_output(l, r);
            self.observe(l, r);
            self.position += frames as u64;
            done += frames;
        }
        self.counters.frames.store(self.position, Ordering::Relaxed);
    }

    /// Adopts the next pending update, if the retire ring can take it back afterwards.
    /// `process` calls it at the top of every block; it is public for benchmarks.
    pub fn adopt_pending(&mut self) {
        if self.retired.slots() == 0 {
            return;
        }
        let Ok(mut update) = self.updates.pop() else {
            return;
        };
        if let Some(pool) = update.module_pool.as_mut() {
            for (new, old) in pool.iter_mut().zip(self.modules.iter_mut()) {
                *new = old.take();
            }
            std::mem::swap(pool, &mut self.modules);
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
        for p in &update.params {
            if let Some(m) = self.modules[p.slot as usize].as_mut() {
                m.set_param(p.index as usize, &p.value);
            }
        }
        for c in &update.connectivity {
            if let Some(m) = self.modules[c.slot as usize].as_mut() {
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
            for node in plan.nodes.iter_mut() {
                for (ptr, &b) in node.input_ptrs.iter_mut().zip(node.inputs.iter()) {
                    // SAFETY: the planner sized the pool to hold every buffer it names.
                    *ptr = unsafe { base.add(b as usize * MAX_BLOCK) };
                }
                for (ptr, &b) in node.output_ptrs.iter_mut().zip(node.outputs.iter()) {
                    // SAFETY: as above.
                    *ptr = unsafe { base.add(b as usize * MAX_BLOCK) };
                }
            }
            self.counters.plan_id.store(plan.id, Ordering::Relaxed);
            update.replaced = self.plan.replace(plan);
        }
        // Cannot fail: a slot was checked above and only this thread pushes.
        let _ = self.retired.push(update);
    }

    /// Runs the current plan for `frames` frames.
    fn run_block(&mut self, frames: usize) {
        let Some(plan) = self.plan.as_deref() else {
            return;
        };
        let base = self.buffers.as_mut_ptr();
        let delays = &mut self.delays;
        for step in &plan.steps {
            match step {
                Step::Block(n) => {
                    let node = &plan.nodes[*n as usize];
                    for mix in &plan.mixes[node.mixes.start as usize..node.mixes.end as usize] {
                        let terms = &plan.terms[mix.terms.start as usize..mix.terms.end as usize];
                        // SAFETY: mix targets are never sources; both lie in the pool.
                        unsafe { mix_block(base, mix.target, mix.lanes as usize, terms, frames) };
                    }
                    run_node(&mut self.modules, node, 0, frames, self.position);
                }
                Step::Loop(range) => {
                    let members = &plan.nodes[range.start as usize..range.end as usize];
                    for i in 0..frames {
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
                                        delays,
                                        mix.target,
                                        mix.lanes as usize,
                                        terms,
                                        i,
                                    )
                                };
                            }
                            run_node(&mut self.modules, node, i, 1, self.position + i as u64);
                        }
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
            delays[slot..slot + lanes].copy_from_slice(last);
        }
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

    /// Folds this block into the node levels (publishing them every `PUBLISH_FRAMES`) and
    /// publishes the guarded output frames, dropping what does not fit.
    fn observe(&mut self, left: &[f32], right: &[f32]) {
        let frames = left.len();
        let (Some(obs), Some(plan)) = (self.observer.as_mut(), self.plan.as_deref_mut()) else {
            return;
        };
        for (meter, level) in plan.meters.iter().zip(plan.levels.iter_mut()) {
            let start = meter.buffer as usize * MAX_BLOCK;
            level.add(&self.buffers[start..start + frames * meter.lanes as usize]);
        }
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
            plan.levels.fill(LevelSum::default());
            plan.level_frames = 0;
        }
        let n = frames.min(obs.samples.slots());
        if let Ok(chunk) = obs.samples.write_chunk_uninit(n) {
            chunk.fill_from_iter(left.iter().zip(right).map(|(&l, &r)| [l, r]));
        }
    }
}

/// Runs one node for `frames` frames starting `offset` frames into its buffers.
fn run_node(
    modules: &mut [Option<Box<dyn Module>>],
    node: &super::plan::NodeExec,
    offset: usize,
    frames: usize,
    position: u64,
) {
    if let Some(module) = modules[node.slot as usize].as_mut() {
        // SAFETY: pointers were resolved into the live pool at adoption; outputs are distinct
        // buffers that no input of this node reads (the planner guarantees it).
        let mut io = unsafe {
            ProcessIo::from_raw(
                &node.input_ptrs,
                &node.output_ptrs,
                offset,
                frames,
                node.lanes as usize,
                position,
            )
        };
        module.process(&mut io);
    }
}
