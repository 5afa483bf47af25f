//! Scratch buffers: where a plan's signals live within a block.
//!
//! Most buffers hold nothing from one block to the next: a mix target is written before its
//! node reads it, and a module writes every output a cable reads, every block. Such buffers
//! need not each have their own memory. After the planner has built a plan, [`place`]
//! 1. runs each whole-block node's mixes as soon as their sources have run (a step of their
//!    own), rather than just before their node, so that the sources' buffers are free sooner
//!    and still in cache when they are read. A mix whose terms come from several steps is
//!    made in parts, in term order (the same additions in the same order): the sum of 64
//!    voices adds each voice as it is made;
//! 2. gives those buffers scratch units by a linear scan over the steps (the register
//!    allocation of a straight-line program): a buffer takes a free unit run of its lane
//!    count when its step writes it, and gives it back once its last reader has run.
//!
//! With the run order of `order` (each node just before its readers), the 324 signals of a
//! 64-voice patch that cables read or mixes make share 6 scratch buffers. Outputs no cable
//! reads (a module may skip writing them) and outputs read before they are written keep the
//! node's own buffer.

use super::plan::{ExecutionPlan, Mix, Step, NO_DELAY};
use std::collections::HashMap;

/// First id of the mix targets the planner hands out before placement: ids from here on name
/// mix targets, one apart, and are never pool units.
pub const UNPLACED_MIX: u32 = 1 << 31;

/// Step index of the readers that run after every step (output, feedback stores).
const END: usize = usize::MAX;

/// Where `place` put the scratch buffers: unit offsets into a region the caller takes.
pub struct Placement {
    /// Scratch offset of every placed buffer, by its id before placement.
    offsets: HashMap<u32, u32>,
    /// Units the region needs.
    pub units: u32,
}

/// One buffer that may live in scratch.
struct Candidate {
    id: u32,
    lanes: u32,
    written: usize,
    first_read: usize,
    last_read: usize,
}

/// Moves the mixes of whole-block nodes to just after their last source and places every
/// mix target and every output a cable reads (`connected[node][output]`, by graph node) in
/// scratch units. Call [`Placement::apply`] with the region's first unit.
pub fn place(plan: &mut ExecutionPlan, connected: &[Vec<bool>]) -> Placement {
    let sharing = sharing();
    if sharing {
        hoist_mixes(plan);
    }
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut index: HashMap<u32, usize> = HashMap::new();
    let mut add = |id: u32, lanes: u32, step: usize| {
        index.insert(id, candidates.len());
        candidates.push(Candidate {
            id,
            lanes,
            written: step,
            first_read: END,
            last_read: 0,
        });
    };
    for (t, step) in plan.steps.iter().enumerate() {
        for n in step.nodes() {
            let node = &plan.nodes[n as usize];
            for (o, &b) in plan.outputs.buffers_of(node).iter().enumerate() {
                if sharing && connected[node.node as usize][o] {
                    add(b, node.lanes, t);
                }
            }
            for mix in &plan.mixes[node.mixes.start as usize..node.mixes.end as usize] {
                add(mix.target, mix.lanes, t);
            }
        }
        if let Step::Mixes(range) = step {
            let mixes = &plan.mixes[range.start as usize..range.end as usize];
            for mix in mixes.iter().filter(|mix| !mix.adds) {
                add(mix.target, mix.lanes, t);
            }
        }
    }
    let mut read = |id: u32, t: usize| {
        if let Some(&c) = index.get(&id) {
            let c = &mut candidates[c];
            c.first_read = c.first_read.min(t);
            c.last_read = c.last_read.max(t);
        }
    };
    let mut reads = Vec::new();
    for (t, step) in plan.steps.iter().enumerate() {
        reads.clear();
        step_reads(plan, step, &mut reads);
        for &b in &reads {
            read(b, t);
        }
    }
    for &b in plan.output.iter() {
        read(b, END);
    }
    for store in &plan.delays {
        read(store.source, END);
    }
    allocate(&candidates, plan.steps.len(), sharing)
}

#[cfg(test)]
thread_local! {
    /// Set by tests that render a plan with every buffer in memory of its own, to compare.
    pub static SEPARATE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Whether buffers share scratch memory (always, but in tests that compare against a plan
/// without sharing: then only mix targets are placed, each in units of its own).
fn sharing() -> bool {
    #[cfg(test)]
    return !SEPARATE.with(std::cell::Cell::get);
    #[cfg(not(test))]
    true
}

/// The buffers `step` reads: its nodes' inputs, modulation sources and (for a loop, sample
/// by sample) mix sources, or the sources of its mixes.
fn step_reads(plan: &ExecutionPlan, step: &Step, reads: &mut Vec<u32>) {
    let mix_sources = |mixes: &std::ops::Range<u32>, reads: &mut Vec<u32>| {
        for mix in &plan.mixes[mixes.start as usize..mixes.end as usize] {
            let terms = &plan.terms[mix.terms.start as usize..mix.terms.end as usize];
            reads.extend(
                terms
                    .iter()
                    .filter(|t| t.delay == NO_DELAY)
                    .map(|t| t.source),
            );
        }
    };
    if let Step::Mixes(range) = step {
        mix_sources(range, reads);
    }
    let nodes = step.nodes();
    for node in &plan.nodes[nodes.start as usize..nodes.end as usize] {
        mix_sources(&node.mixes, reads);
        reads.extend(plan.inputs.buffers_of(node).iter().copied());
        reads.extend(node.mods.iter().map(|m| m.source));
    }
}

/// The linear scan: at each step, its buffers take free runs (or new units), then the
/// buffers it read last give theirs back when `sharing`. A buffer read before it is written
/// stays out.
fn allocate(candidates: &[Candidate], steps: usize, sharing: bool) -> Placement {
    let placed = || candidates.iter().filter(|c| c.first_read >= c.written);
    let mut written: Vec<Vec<&Candidate>> = vec![Vec::new(); steps];
    let mut freed: Vec<Vec<&Candidate>> = vec![Vec::new(); steps];
    for c in placed() {
        written[c.written].push(c);
        if sharing && c.last_read != END {
            freed[c.last_read.max(c.written)].push(c);
        }
    }
    let mut free: HashMap<u32, Vec<u32>> = HashMap::new();
    let mut offsets = HashMap::new();
    let mut units = 0;
    for (writes, frees) in written.iter().zip(&freed) {
        for c in writes {
            let offset = free
                .get_mut(&c.lanes)
                .and_then(Vec::pop)
                .unwrap_or_else(|| {
                    units += c.lanes;
                    units - c.lanes
                });
            offsets.insert(c.id, offset);
        }
        for c in frees {
            free.entry(c.lanes).or_default().push(offsets[&c.id]);
        }
    }
    Placement { offsets, units }
}

/// The part of `mix` with `terms`: it writes the target when it starts the mix, and adds to
/// it otherwise.
fn part(mix: &Mix, terms: std::ops::Range<u32>) -> Mix {
    Mix {
        adds: terms.start > mix.terms.start,
        terms,
        ..mix.clone()
    }
}

/// Gives each whole-block node's mixes a `Step::Mixes` right after the step that writes
/// their last source (a mix whose terms come from several steps in parts, each right after
/// its own last source), and renumbers `plan.mixes` in step order.
fn hoist_mixes(plan: &mut ExecutionPlan) {
    let mut written_at: HashMap<u32, usize> = HashMap::new();
    for (t, step) in plan.steps.iter().enumerate() {
        for n in step.nodes() {
            for &b in plan.outputs.buffers_of(&plan.nodes[n as usize]) {
                written_at.insert(b, t);
            }
        }
    }
    // The mixes each step makes ready, and those that stay with their node (a source written
    // in the node's own step or later, which a valid plan never has).
    let mut ready: Vec<Vec<Mix>> = vec![Vec::new(); plan.steps.len()];
    let mut staying: Vec<Vec<Mix>> = vec![Vec::new(); plan.nodes.len()];
    for (t, step) in plan.steps.iter().enumerate() {
        let Step::Block(n) = step else { continue };
        let node = &plan.nodes[*n as usize];
        for mix in &plan.mixes[node.mixes.start as usize..node.mixes.end as usize] {
            let terms = &plan.terms[mix.terms.start as usize..mix.terms.end as usize];
            let last_source = terms
                .iter()
                .map(|term| written_at.get(&term.source).copied().unwrap_or(END))
                .max()
                .unwrap_or(END);
            if last_source >= t {
                staying[*n as usize].push(mix.clone());
                continue;
            }
            // In parts, in term order: each run of terms as soon as it and every term before
            // it are ready (the same additions in the same order as in one piece).
            let mut part_start = mix.terms.start;
            let mut part_step = 0;
            for (k, term) in terms.iter().enumerate() {
                let k = mix.terms.start + k as u32;
                let step = part_step.max(written_at[&term.source]);
                if step != part_step && k > part_start {
                    ready[part_step].push(part(mix, part_start..k));
                    part_start = k;
                }
                part_step = step;
            }
            ready[part_step].push(part(mix, part_start..mix.terms.end));
        }
    }
    let old_mixes = std::mem::take(&mut plan.mixes);
    let old_steps = std::mem::take(&mut plan.steps);
    for (step, mixes) in old_steps.into_iter().zip(ready) {
        for n in step.nodes() {
            let node = &mut plan.nodes[n as usize];
            let start = plan.mixes.len() as u32;
            if matches!(step, Step::Loop(_)) {
                let own = &old_mixes[node.mixes.start as usize..node.mixes.end as usize];
                plan.mixes.extend_from_slice(own);
            } else {
                plan.mixes.append(&mut staying[n as usize]);
            }
            node.mixes = start..plan.mixes.len() as u32;
        }
        plan.steps.push(step);
        if !mixes.is_empty() {
            let start = plan.mixes.len() as u32;
            plan.mixes.extend(mixes);
            plan.steps.push(Step::Mixes(start..plan.mixes.len() as u32));
        }
    }
}

impl Placement {
    /// Renames every placed buffer in `plan` to its unit in the region starting at `first`.
    pub fn apply(&self, plan: &mut ExecutionPlan, first: u32) {
        let at = |b: &mut u32| {
            if let Some(offset) = self.offsets.get(b) {
                *b = first + offset;
            }
        };
        plan.inputs.buffers.iter_mut().for_each(at);
        plan.outputs.buffers.iter_mut().for_each(at);
        for node in plan.nodes.iter_mut() {
            for m in node.mods.iter_mut() {
                at(&mut m.source);
            }
        }
        for mix in plan.mixes.iter_mut() {
            at(&mut mix.target);
        }
        for term in plan.terms.iter_mut() {
            at(&mut term.source);
        }
        for store in plan.delays.iter_mut() {
            at(&mut store.source);
        }
        for meter in plan.meters.iter_mut() {
            at(&mut meter.buffer);
        }
        plan.output.iter_mut().for_each(at);
    }
}
