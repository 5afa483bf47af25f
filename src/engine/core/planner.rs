//! The planner: a pure function from (what runs now, new graph) to an update for the audio
//! thread and the planner state that holds once the update is adopted.
//!
//! Identity is the node name. Same name, type and shape: the live instance is kept and gets
//! only its parameter diff (a parameter deleted from the patch reverts to its default).
//! Otherwise a fresh instance is made here, on the control thread; when only the shape
//! changed, it takes over what it keeps of the old instance on the audio thread, on the
//! frame the plan lands (`Module::reshape_from`). Delay slots of surviving feedback cables
//! are stable, so their contents carry on; signal buffers carry nothing from one block to
//! the next, and most of them share scratch memory (`scratch`).

use super::fades::{NodeFade, ParamRamp};
use super::ghosts::with_ghosts;
use super::order::{order, Group};
use super::plan::{
    Connectivity, DelayStore, ExecutionPlan, Meter, Mix, MixTerm, ModExec, NodeExec, ParamUpdate,
    PlanUpdate, Reshape, ReshapeFrom, Run, SpareSwap, Step, NO_DELAY, ZERO_BUFFER,
};
use super::ports::{InputPorts, OutputPorts};
use super::scratch::{self, UNPLACED_MIX};
use super::validate::ValidGraph;
use crate::modules::{
    Module, ModuleType, ParamValue, PortDescriptor, PortKind, Shape, MAX_BLOCK, MAX_VOICES,
};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Hands out indices from a pool and takes them back.
#[derive(Debug, Clone)]
struct Slots {
    free: Vec<u32>,
    next: u32,
}

impl Slots {
    fn starting_at(next: u32) -> Self {
        Slots {
            free: Vec::new(),
            next,
        }
    }

    fn take(&mut self) -> u32 {
        self.free.pop().unwrap_or_else(|| {
            self.next += 1;
            self.next - 1
        })
    }

    fn give_back(&mut self, index: u32) {
        self.free.push(index);
    }

    /// How many indices have ever been handed out: the pool size needed.
    fn high_water(&self) -> usize {
        self.next as usize
    }
}

/// Hands out runs of consecutive units from a pool and takes them back; a freed run is
/// reused for a run of the same length.
#[derive(Debug, Clone)]
struct Runs {
    free: HashMap<u32, Vec<u32>>,
    next: u32,
}

impl Runs {
    fn starting_at(next: u32) -> Self {
        Runs {
            free: HashMap::new(),
            next,
        }
    }

    fn take(&mut self, len: u32) -> Run {
        let start = self
            .free
            .get_mut(&len)
            .and_then(Vec::pop)
            .unwrap_or_else(|| {
                self.next += len;
                self.next - len
            });
        Run { start, len }
    }

    fn give_back(&mut self, run: Run) {
        self.free.entry(run.len).or_default().push(run.start);
    }

    /// How many units have ever been handed out: the pool size needed.
    fn high_water(&self) -> usize {
        self.next as usize
    }
}

/// The module type of a live node, to build spares from.
#[derive(Clone)]
struct Maker(ModuleType);

impl std::fmt::Debug for Maker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.name)
    }
}

/// A node that is running (or will run once the last update is adopted).
#[derive(Debug, Clone)]
struct LiveNode {
    module: &'static str,
    maker: Maker,
    shape: Shape,
    slot: u32,
    params: Arc<[ParamValue]>,
    given: Arc<[bool]>,
    /// The modulation of each parameter, when it has one (the runtime sets those, not a
    /// commit).
    modulated: Arc<[Option<ModKey>]>,
    /// First unit of each output's own buffer (each `shape.voices` units long): where it is
    /// written when no cable reads it, and so is left out of scratch.
    outputs: Arc<[u32]>,
    connected_inputs: Arc<[bool]>,
    connected_outputs: Arc<[bool]>,
}

/// What a modulation is, for telling a changed one: source name, output, `from`, `to`.
type ModKey = (String, usize, f64, f64);

/// Identity of a feedback cable: endpoints, which of several equal cables it is, and the
/// lanes of its source (a delay slot holds one sample per lane).
type CableKey = (String, usize, String, usize, usize, u32);

/// Identity of any cable: endpoints and which of several equal cables it is.
type ScaleKey = (String, usize, String, usize, usize);

/// Most ghosts a plan carries on from earlier plans: commits coming faster than the fade
/// for a long time retire the older ghosts at once rather than pile them up.
const MAX_GHOSTS: usize = 64;

/// Default length of a commit's fades, in milliseconds.
pub const DEFAULT_FADE_MS: f32 = 10.0;

/// What a commit did, node by node.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CommitSummary {
    /// Kept with no change.
    pub kept: Vec<String>,
    /// Kept with a parameter change.
    pub changed: Vec<String>,
    /// New instances that keep what makes sense of the old one (same name and type, new
    /// shape: see `Module::reshape_from`).
    pub reshaped: Vec<String>,
    /// New instances (new names, or rebuilt after a type change).
    pub added: Vec<String>,
    /// Names that are gone.
    pub removed: Vec<String>,
    /// Time spent planning.
    pub plan_time: Duration,
    /// Id of the plan.
    pub plan_id: u64,
}

impl std::fmt::Display for CommitSummary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} kept, {} changed, ",
            self.kept.len(),
            self.changed.len()
        )?;
        if !self.reshaped.is_empty() {
            write!(f, "{} reshaped, ", self.reshaped.len())?;
        }
        write!(
            f,
            "{} added, {} removed in {:.2} ms",
            self.added.len(),
            self.removed.len(),
            self.plan_time.as_secs_f64() * 1000.0
        )
    }
}

/// The result of planning: send `update`, then adopt `next` as the planner.
pub struct Planned {
    /// What to send to the audio thread.
    pub update: Box<PlanUpdate>,
    /// The planner state once `update` runs.
    pub next: Planner,
    /// What the commit does.
    pub summary: CommitSummary,
}

/// The control side's exact picture of what the audio thread runs.
#[derive(Debug, Clone)]
pub struct Planner {
    sample_rate: f32,
    nodes: HashMap<Arc<str>, LiveNode>,
    /// The scratch region of the last plan (see `scratch`), free again once the next lands.
    scratch: Option<Run>,
    delays: HashMap<CableKey, Run>,
    scales: HashMap<ScaleKey, f32>,
    fade_frames: u32,
    /// The patch's graph last planned (to plan again without ghosts).
    patch: Option<PlannedGraph>,
    /// The graph last planned: the patch's nodes, then its ghosts.
    planned: Option<PlannedGraph>,
    /// Makes ghost keys unique.
    ghost_serial: u64,
    module_slots: Slots,
    buffers: Runs,
    delay_slots: Runs,
    module_capacity: usize,
    buffer_capacity: usize,
    delay_capacity: usize,
    plan_id: u64,
}

/// Pool sizes a runtime starts with; they grow (on the control thread) when a plan needs more.
#[derive(Debug, Clone, Copy)]
pub struct PoolSizes {
    /// Module slots.
    pub modules: usize,
    /// Buffer units of `MAX_BLOCK` samples (the zero buffer takes `MAX_VOICES`; a node
    /// output with N lanes takes N).
    pub buffers: usize,
    /// Feedback delay slots (one sample per lane).
    pub delays: usize,
}

impl Default for PoolSizes {
    fn default() -> Self {
        PoolSizes {
            modules: 256,
            buffers: 1024,
            delays: 64,
        }
    }
}

impl Planner {
    /// The state of an empty runtime with pools of `sizes`.
    pub fn new(sample_rate: f32, sizes: PoolSizes) -> Self {
        Planner {
            sample_rate,
            nodes: HashMap::new(),
            scratch: None,
            delays: HashMap::new(),
            scales: HashMap::new(),
            fade_frames: (DEFAULT_FADE_MS / 1000.0 * sample_rate).round() as u32,
            patch: None,
            planned: None,
            ghost_serial: 0,
            module_slots: Slots::starting_at(0),
            buffers: Runs::starting_at(ZERO_BUFFER + MAX_VOICES as u32),
            delay_slots: Runs::starting_at(0),
            module_capacity: sizes.modules,
            buffer_capacity: sizes.buffers,
            delay_capacity: sizes.delays,
            plan_id: 0,
        }
    }

    /// Sets how long later plans fade (0: switch at once).
    pub fn set_fade_ms(&mut self, ms: f32) {
        self.fade_frames = (ms.max(0.0) / 1000.0 * self.sample_rate).round() as u32;
    }

    /// Id of the last plan made.
    pub fn plan_id(&self) -> u64 {
        self.plan_id
    }

    /// Module slot of the live node `name` (not a ghost).
    pub fn slot_of(&self, name: &str) -> Option<u32> {
        self.nodes.get(name).map(|live| live.slot)
    }

    /// Frames a plan's fades take (at least 1).
    pub fn fade_frames(&self) -> u32 {
        self.fade_frames.max(1)
    }

    /// Whether the last plan keeps ghosts (removed or retyped nodes fading out).
    pub fn has_ghosts(&self) -> bool {
        self.ghost_count() > 0
    }

    /// Plans the last patch again without its ghosts, under the same plan id (node positions
    /// are unchanged, so levels and reports keep their names). Send it only once the last
    /// plan's fade is over: the ghosts are silent then, so retiring them changes no sample.
    pub fn without_ghosts(&self) -> Option<Planned> {
        let patch = self.patch.clone()?;
        let mut planned = self.plan_graph(&patch.0, Carry::Nothing);
        planned.next.plan_id = self.plan_id;
        planned.summary.plan_id = self.plan_id;
        if let Some(plan) = planned.update.plan.as_mut() {
            plan.id = self.plan_id;
        }
        planned.update.transport = None;
        Some(planned)
    }

    /// Plans `graph` against the current state. Pure: `self` is not changed.
    ///
    /// With fades on and something already running, new nodes fade in, float parameters of
    /// kept nodes ramp, new cables between kept nodes ramp up from 0, and nodes that are
    /// removed or retyped stay as ghosts that fade out (see `ghosts`).
    pub fn plan(&self, graph: &Arc<ValidGraph>) -> Planned {
        let carry = if self.ghost_count() > MAX_GHOSTS {
            Carry::NewGhosts
        } else {
            Carry::Everything
        };
        self.plan_graph(graph, carry)
    }

    /// Ghosts in the last plan.
    fn ghost_count(&self) -> usize {
        let users = self.patch.as_ref().map_or(0, |g| g.0.nodes.len());
        self.planned.as_ref().map_or(0, |g| g.0.nodes.len() - users)
    }

    /// `plan`, retiring the ghosts of earlier plans: call it when they are known to be
    /// silent (the runtime runs the last plan and its fade is over). Nodes this plan
    /// removes still fade out.
    pub fn plan_retiring_ghosts(&self, graph: &Arc<ValidGraph>) -> Planned {
        self.plan_graph(graph, Carry::NewGhosts)
    }

    /// `plan`, carrying on what `carry` says.
    /// The planner keeps `patch` (shared, not copied) to make ghosts of its nodes later.
    fn plan_graph(&self, shared: &Arc<ValidGraph>, carry: Carry) -> Planned {
        let patch: &ValidGraph = shared;
        let started = Instant::now();
        let mut next = self.clone();
        next.plan_id += 1;
        let mut update = Box::<PlanUpdate>::default();
        let mut summary = CommitSummary {
            plan_id: next.plan_id,
            ..CommitSummary::default()
        };
        let fading = self.fade_frames > 0 && !self.nodes.is_empty();
        let users = patch.nodes.len();
        let mut old_nodes = std::mem::take(&mut next.nodes);
        let names: HashMap<&str, usize> = patch
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.name.as_str(), i))
            .collect();
        if let Some(previous) = self.patch.as_ref().map(|g| &*g.0) {
            for node in &previous.nodes {
                if !names.contains_key(node.name.as_str()) {
                    summary.removed.push(node.name.clone());
                }
            }
        }
        let previous = match carry {
            Carry::Nothing => None,
            Carry::NewGhosts => self.patch.as_ref(),
            Carry::Everything => self.planned.as_ref(),
        };
        // Reshaped nodes whose old instance plays on as a ghost through the crossfade: its slot.
        let mut ghost_reshapes: HashMap<String, u32> = HashMap::new();
        let augmented = match (fading, previous.map(|g| &*g.0)) {
            (true, Some(previous)) => {
                let previous_users = self.patch.as_ref().map_or(0, |g| g.0.nodes.len());
                let mut serial = next.ghost_serial;
                let ghosts = with_ghosts(previous, previous_users, (patch, &names), &mut serial);
                next.ghost_serial = serial;
                ghosts.map(|ghosts| {
                    for (name, key) in ghosts.renamed {
                        if let Some(live) = old_nodes.remove(name.as_str()) {
                            let new = names.get(name.as_str()).map(|&i| &patch.nodes[i]);
                            if new.is_some_and(|n| n.module_type.name == live.module) {
                                ghost_reshapes.insert(name, live.slot);
                            }
                            old_nodes.insert(key.into(), live);
                        }
                    }
                    ghosts.graph
                })
            }
            _ => None,
        };
        let planned = PlannedGraph(augmented.map_or_else(|| shared.clone(), Arc::new));
        let graph: &ValidGraph = &planned.0;

        // Retire what is gone or rebuilt; free the last plan's scratch region.
        if let Some(run) = next.scratch.take() {
            next.buffers.give_back(run);
        }
        let by_name: HashMap<&str, usize> = graph
            .nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.name.as_str(), i))
            .collect();
        let mut names: Vec<&Arc<str>> = old_nodes.keys().collect();
        names.sort();
        let mut retired = Vec::new();
        for name in names {
            let live = &old_nodes[name];
            let index = by_name.get(&**name).copied();
            let same_type = index.filter(|&i| graph.nodes[i].module_type.name == live.module);
            let survives = same_type.is_some_and(|i| graph.nodes[i].shape == live.shape);
            if !survives {
                retired.push((name.clone(), same_type.is_some()));
            }
        }
        // Reshaped nodes retired at once (no fade) by name: their old instance in `retires`.
        let mut reshaped: HashMap<Arc<str>, u32> = HashMap::new();
        for (name, reshape) in retired {
            if let Some(live) = old_nodes.remove(&name) {
                if reshape {
                    reshaped.insert(name, update.retires.len() as u32);
                }
                update.retires.push((live.slot, None));
                update.spares.push(SpareSwap {
                    slot: live.slot,
                    spare: None,
                    poisoned: None,
                });
                next.module_slots.give_back(live.slot);
                let len = live.shape.voices as u32;
                for &start in live.outputs.iter() {
                    next.buffers.give_back(Run { start, len });
                }
            }
        }

        // Keep or create every node.
        let mut fresh = vec![None; graph.nodes.len()];
        let mut ramps: Vec<Vec<ParamRamp>> = vec![Vec::new(); graph.nodes.len()];
        for (n, node) in graph.nodes.iter().enumerate() {
            let mut modulated: Vec<Option<ModKey>> = vec![None; node.params.len()];
            for m in graph.mods.iter().filter(|m| m.target == n) {
                let source = graph.nodes[m.source].name.clone();
                modulated[m.param] = Some((source, m.output, m.from, m.to));
            }
            let (name, live) = match old_nodes.remove_entry(node.name.as_str()) {
                Some((name, mut live)) => {
                    let same = *live.params == *node.params
                        && *live.given == *node.given
                        && *live.modulated == *modulated;
                    if n < users {
                        let list = if same {
                            &mut summary.kept
                        } else {
                            &mut summary.changed
                        };
                        list.push(node.name.clone());
                    }
                    let values = live.params.iter().zip(&node.params);
                    let given = live.given.iter().zip(&node.given);
                    for (i, ((old, new), (was, is))) in values.zip(given).enumerate() {
                        // A modulated parameter is the runtime's; one that stops being
                        // modulated gets its written value back.
                        let unmodulated = live.modulated[i].is_some() && modulated[i].is_none();
                        if modulated[i].is_none() && (old != new || was != is || unmodulated) {
                            let ramp = match (old, new) {
                                (ParamValue::Float(from), ParamValue::Float(to))
                                    if fading && *was && *is =>
                                {
                                    Some(ParamRamp {
                                        index: i as u32,
                                        from: *from,
                                        to: *to,
                                    })
                                }
                                _ => None,
                            };
                            ramps[n].extend(ramp);
                            update.params.push(ParamUpdate {
                                slot: live.slot,
                                index: i as u32,
                                value: new.clone(),
                                given: *is,
                                ramped: ramp.is_some(),
                            });
                        }
                    }
                    if !same {
                        live.params = node.params.as_slice().into();
                        live.given = node.given.as_slice().into();
                        live.modulated = modulated.into();
                    }
                    (name, live)
                }
                None => {
                    let slot = next.module_slots.take();
                    let make = || {
                        let (params, given) = (&node.params, &node.given);
                        self.instance(&node.module_type, node.shape, params, given)
                    };
                    fresh[n] = Some((update.installs.len(), update.spares.len()));
                    let from = match reshaped.get(node.name.as_str()) {
                        Some(&retire) => Some(ReshapeFrom::Retired(retire)),
                        None => ghost_reshapes
                            .get(&node.name)
                            .map(|&slot| ReshapeFrom::Ghost(slot)),
                    };
                    if let Some(from) = from {
                        update.reshapes.push(Reshape {
                            from,
                            install: update.installs.len() as u32,
                        });
                        summary.reshaped.push(node.name.clone());
                    } else {
                        summary.added.push(node.name.clone());
                    }
                    update.installs.push((slot, Some(make())));
                    update.spares.push(SpareSwap {
                        slot,
                        spare: Some(make()),
                        poisoned: None,
                    });
                    let lanes = node.shape.voices as u32;
                    let runs: Vec<Run> = node
                        .descriptor
                        .outputs
                        .iter()
                        .map(|_| next.buffers.take(lanes))
                        .collect();
                    update.clear_buffers.extend(runs.iter());
                    let outputs: Arc<[u32]> = runs.iter().map(|r| r.start).collect();
                    let live = LiveNode {
                        module: node.module_type.name,
                        maker: Maker(node.module_type.clone()),
                        shape: node.shape,
                        slot,
                        params: node.params.as_slice().into(),
                        given: node.given.as_slice().into(),
                        modulated: modulated.into(),
                        outputs,
                        connected_inputs: Arc::new([]),
                        connected_outputs: Arc::new([]),
                    };
                    (node.name.as_str().into(), live)
                }
            };
            next.nodes.insert(name, live);
        }

        let fades = PlanFades {
            users,
            fading,
            ramps,
        };
        next.build_plan(graph, &fresh, &fades, &mut update);
        next.patch = Some(if graph.nodes.len() == users {
            planned.clone()
        } else {
            PlannedGraph(shared.clone())
        });
        next.planned = Some(planned.clone());
        update.transport = Some(graph.transport);
        next.grow_pools(&mut update);
        summary.plan_time = started.elapsed();
        Planned {
            update,
            next,
            summary,
        }
    }

    /// A fresh instance of `module_type` with `params` applied (and the ones the patch does
    /// not give announced as unset).
    fn instance(
        &self,
        module_type: &ModuleType,
        shape: Shape,
        params: &[ParamValue],
        given: &[bool],
    ) -> Box<dyn Module> {
        let mut instance = module_type.instantiate(shape, self.sample_rate);
        for (i, (value, given)) in params.iter().zip(given).enumerate() {
            instance.set_param(i, value);
            if !given {
                instance.param_unset(i);
            }
        }
        instance
    }

    /// A fresh spare for the node in `slot` (after a reset used its spare): its initial
    /// state with the current parameters and connectivity. `None` when the slot is free.
    pub fn refill(&self, slot: u32) -> Option<SpareSwap> {
        let live = self.nodes.values().find(|live| live.slot == slot)?;
        let mut spare = self.instance(&live.maker.0, live.shape, &live.params, &live.given);
        spare.set_connectivity(&live.connected_inputs, &live.connected_outputs);
        Some(SpareSwap {
            slot,
            spare: Some(spare),
            poisoned: None,
        })
    }

    /// Builds the execution plan for `graph` (whose nodes are all in `self.nodes`); `fresh`
    /// gives, for each new node, its position in `update.installs`.
    fn build_plan(
        &mut self,
        graph: &ValidGraph,
        fresh: &[Option<(usize, usize)>],
        fades: &PlanFades,
        update: &mut PlanUpdate,
    ) {
        // Cables first (their feedback flags are read by position), then modulations, which
        // validation keeps out of loops.
        let edges: Vec<(usize, usize)> = (graph.cables.iter().map(|c| (c.from, c.to)))
            .chain(graph.mods.iter().map(|m| (m.source, m.target)))
            .collect();
        let order = order(graph.nodes.len(), &edges);

        // Feedback delay slots, stable by cable identity.
        let mut old_delays = std::mem::take(&mut self.delays);
        let mut seen: HashMap<(usize, usize, usize, usize), usize> = HashMap::new();
        let mut cable_delay = vec![NO_DELAY; graph.cables.len()];
        for (c, cable) in graph.cables.iter().enumerate() {
            if !order.feedback[c] {
                continue;
            }
            let nth = seen
                .entry((cable.from, cable.output, cable.to, cable.input))
                .or_insert(0);
            let lanes = graph.nodes[cable.from].shape.voices as u32;
            let key = (
                graph.nodes[cable.from].name.clone(),
                cable.output,
                graph.nodes[cable.to].name.clone(),
                cable.input,
                *nth,
                lanes,
            );
            *nth += 1;
            let run = old_delays.remove(&key).unwrap_or_else(|| {
                let run = self.delay_slots.take(lanes);
                update.clear_delays.push(run);
                run
            });
            cable_delay[c] = run.start;
            self.delays.insert(key, run);
        }
        for (_, run) in old_delays {
            self.delay_slots.give_back(run);
        }

        // Scales each cable had: a changed one ramps (and is mixed, never direct).
        let mut old_scales = std::mem::take(&mut self.scales);
        let mut seen: HashMap<(usize, usize, usize, usize), usize> = HashMap::new();
        let mut from_scale = Vec::with_capacity(graph.cables.len());
        for cable in &graph.cables {
            let nth = seen
                .entry((cable.from, cable.output, cable.to, cable.input))
                .or_insert(0);
            let key = (
                graph.nodes[cable.from].name.clone(),
                cable.output,
                graph.nodes[cable.to].name.clone(),
                cable.input,
                *nth,
            );
            *nth += 1;
            let source = &graph.nodes[cable.from];
            let kept = |n: usize| n < fades.users && fresh[n].is_none();
            let rises = fades.fading
                && kept(cable.from)
                && kept(cable.to)
                && continuous(source.descriptor.outputs[cable.output].kind);
            let new_from = if rises { 0.0 } else { cable.scale };
            from_scale.push(old_scales.remove(&key).unwrap_or(new_from));
            self.scales.insert(key, cable.scale);
        }

        // Cables into each input.
        let mut incoming: Vec<Vec<Vec<usize>>> = graph
            .nodes
            .iter()
            .map(|n| vec![Vec::new(); n.descriptor.inputs.len()])
            .collect();
        for (c, cable) in graph.cables.iter().enumerate() {
            incoming[cable.to][cable.input].push(c);
        }
        for (node, inputs) in graph.nodes.iter().zip(incoming.iter_mut()) {
            fold_summed_inputs(&node.descriptor.inputs, inputs);
        }
        let mut connected_outputs: Vec<Vec<bool>> = graph
            .nodes
            .iter()
            .map(|n| vec![false; n.descriptor.outputs.len()])
            .collect();
        for cable in &graph.cables {
            connected_outputs[cable.from][cable.output] = true;
        }

        let mut plan = ExecutionPlan {
            id: self.plan_id,
            nodes: Vec::with_capacity(graph.nodes.len()),
            steps: Vec::with_capacity(order.groups.len()),
            inputs: InputPorts::default(),
            outputs: OutputPorts::default(),
            mixes: Vec::new(),
            terms: Vec::new(),
            delays: Vec::new(),
            output: [ZERO_BUFFER; 2],
            meters: Vec::new(),
            fade_frames: self.fade_frames.max(1),
            ramps: Vec::new(),
            landed_at: 0,
            levels: Vec::new(),
            level_frames: 0,
        };
        let output_buffers: Vec<Arc<[u32]>> = graph
            .nodes
            .iter()
            .map(|n| self.nodes[n.name.as_str()].outputs.clone())
            .collect();
        let mut add_node = |plan: &mut ExecutionPlan, n: usize, this: &mut Planner| {
            let node = &graph.nodes[n];
            let lanes = node.shape.voices as u32;
            let mix_start = plan.mixes.len() as u32;
            let inputs_start = plan.inputs.buffers.len() as u32;
            let source_lanes = |c: usize| graph.nodes[graph.cables[c].from].shape.voices as u32;
            let term_of = |c: usize| {
                let cable = &graph.cables[c];
                MixTerm {
                    source: output_buffers[cable.from][cable.output],
                    lanes: source_lanes(c),
                    scale: cable.scale,
                    from_scale: from_scale[c],
                    delay: cable_delay[c],
                }
            };
            for (port, cables) in node.descriptor.inputs.iter().zip(&incoming[n]) {
                // A shared port reads a mono source as it is rather than broadcast.
                let readable =
                    |c: usize| source_lanes(c) == lanes || (port.shared && source_lanes(c) == 1);
                let direct = match cables.as_slice() {
                    [c] if graph.cables[*c].scale == 1.0
                        && from_scale[*c] == 1.0
                        && cable_delay[*c] == NO_DELAY
                        && readable(*c) =>
                    {
                        Some(*c)
                    }
                    _ => None,
                };
                plan.inputs.lanes.push(direct.map_or(lanes, source_lanes));
                let buffer = if cables.is_empty() {
                    ZERO_BUFFER
                } else if let Some(c) = direct {
                    let cable = &graph.cables[c];
                    output_buffers[cable.from][cable.output]
                } else if let Some(same) = same_mix(plan, mix_start, cables, &term_of) {
                    // Another input of this node sums the same terms (a poly voice into
                    // both sides of an `AudioOut`): read that sum rather than make it twice.
                    same
                } else {
                    let target = UNPLACED_MIX + plan.mixes.len() as u32;
                    let start = plan.terms.len() as u32;
                    for &c in cables {
                        let term = term_of(c);
                        plan.terms.push(term);
                        if term.delay != NO_DELAY {
                            plan.delays.push(DelayStore {
                                slot: term.delay,
                                source: term.source,
                                lanes: term.lanes,
                            });
                        }
                    }
                    plan.mixes.push(Mix {
                        target,
                        lanes,
                        terms: start..plan.terms.len() as u32,
                        adds: false,
                    });
                    target
                };
                plan.inputs.buffers.push(buffer);
            }
            let inputs = inputs_start..plan.inputs.buffers.len() as u32;
            let mods: Box<[ModExec]> = graph
                .mods
                .iter()
                .filter(|m| m.target == n)
                .map(|m| ModExec {
                    source: this.nodes[graph.nodes[m.source].name.as_str()].outputs[m.output],
                    lanes: graph.nodes[m.source].shape.voices as u32,
                    param: m.param as u32,
                    from: m.from,
                    to: m.to,
                    range: m.range,
                    last: std::cell::Cell::new(f64::NAN),
                })
                .collect();
            let live = this
                .nodes
                .get_mut(node.name.as_str())
                .expect("every node is live after planning");
            let connected_inputs: Vec<bool> = incoming[n].iter().map(|c| !c.is_empty()).collect();
            if *live.connected_inputs != *connected_inputs
                || *live.connected_outputs != *connected_outputs[n]
            {
                live.connected_inputs = connected_inputs.as_slice().into();
                live.connected_outputs = connected_outputs[n].as_slice().into();
                match fresh[n] {
                    Some((install, spare)) => {
                        let instances = [
                            update.installs[install].1.as_mut(),
                            update.spares[spare].spare.as_mut(),
                        ];
                        for instance in instances.into_iter().flatten() {
                            instance.set_connectivity(&connected_inputs, &connected_outputs[n]);
                        }
                    }
                    None => update.connectivity.push(Connectivity {
                        slot: live.slot,
                        inputs: connected_inputs.into_boxed_slice(),
                        outputs: connected_outputs[n].clone().into_boxed_slice(),
                    }),
                }
            }
            let fade = if n >= fades.users {
                NodeFade::FadeOut
            } else if fresh[n].is_none() {
                NodeFade::Kept
            } else if fades.fading {
                NodeFade::FadeIn
            } else {
                NodeFade::Start
            };
            let ramp_start = plan.ramps.len() as u32;
            plan.ramps.extend_from_slice(&fades.ramps[n]);
            let outputs_start = plan.outputs.buffers.len() as u32;
            plan.outputs.buffers.extend_from_slice(&live.outputs);
            let kinds = node.descriptor.outputs.iter().map(|p| continuous(p.kind));
            plan.outputs.continuous.extend(kinds);
            let mut meter = None;
            if let (Some(&first), true) = (live.outputs.first(), n < fades.users) {
                meter = Some(plan.meters.len() as u32);
                plan.meters.push(Meter {
                    node: n as u32,
                    buffer: first,
                    lanes,
                });
            }
            if n == graph.audio_out {
                let read = &plan.inputs.buffers[inputs.start as usize..];
                plan.output = [read[0], read[1]];
            }
            plan.nodes.push(NodeExec {
                slot: live.slot,
                node: n as u32,
                feeds: Box::new([]),
                lanes,
                inputs,
                outputs: outputs_start..plan.outputs.buffers.len() as u32,
                mixes: mix_start..plan.mixes.len() as u32,
                mods,
                fade,
                ramps: ramp_start..plan.ramps.len() as u32,
                meter,
            });
        };
        for group in &order.groups {
            match group {
                Group::Single(n) => {
                    add_node(&mut plan, *n, self);
                    plan.steps.push(Step::Block(plan.nodes.len() as u32 - 1));
                }
                Group::Loop(members) => {
                    let start = plan.nodes.len() as u32;
                    for &n in members {
                        add_node(&mut plan, n, self);
                    }
                    plan.steps.push(Step::Loop(start..plan.nodes.len() as u32));
                }
            }
        }
        plan.inputs.finish();
        plan.outputs.finish();
        let mut feeds: HashMap<u32, Vec<Run>> = HashMap::new();
        for store in &plan.delays {
            let run = Run {
                start: store.slot,
                len: store.lanes,
            };
            feeds.entry(store.source).or_default().push(run);
        }
        for node in plan.nodes.iter_mut() {
            let runs: Vec<Run> = plan
                .outputs
                .buffers_of(node)
                .iter()
                .filter_map(|b| feeds.get(b))
                .flatten()
                .copied()
                .collect();
            node.feeds = runs.into_boxed_slice();
        }
        plan.levels = vec![Default::default(); plan.meters.len()];
        let placement = scratch::place(&mut plan, &connected_outputs);
        if placement.units > 0 {
            let region = self.buffers.take(placement.units.next_power_of_two());
            placement.apply(&mut plan, region.start);
            self.scratch = Some(region);
        }
        update.plan = Some(Box::new(plan));
    }

    /// Puts larger pools into `update` when the plan needs more than the runtime has.
    fn grow_pools(&mut self, update: &mut PlanUpdate) {
        let grown = |needed: usize, capacity: &mut usize| {
            (needed > *capacity).then(|| {
                *capacity = needed.max(*capacity * 2);
                *capacity
            })
        };
        if let Some(size) = grown(self.module_slots.high_water(), &mut self.module_capacity) {
            update.module_pool = Some((0..size).map(|_| None).collect());
            update.spare_pools = Some(std::array::from_fn(|_| (0..size).map(|_| None).collect()));
            update.gain_pool = Some(vec![Default::default(); size]);
        }
        if let Some(size) = grown(self.buffers.high_water(), &mut self.buffer_capacity) {
            update.buffer_pool = Some(prefaulted_pool(size * MAX_BLOCK));
        }
        if let Some(size) = grown(self.delay_slots.high_water(), &mut self.delay_capacity) {
            update.delay_pool = Some(prefaulted_pool(size));
        }
    }
}

/// A graph the planner planned, kept to plan from later.
#[derive(Clone)]
struct PlannedGraph(Arc<ValidGraph>);

impl std::fmt::Debug for PlannedGraph {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} nodes", self.0.nodes.len())
    }
}

/// Which ghosts a plan carries on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Carry {
    /// None: every ghost retires.
    Nothing,
    /// Only the nodes this plan removes or retypes.
    NewGhosts,
    /// Those and every ghost of the last plan.
    Everything,
}

/// What a plan fades, beside cable scales.
struct PlanFades {
    /// Nodes of the patch (the graph's nodes past them are ghosts).
    users: usize,
    /// Whether this plan fades (fades on and something already running).
    fading: bool,
    /// Float parameters that ramp, by node.
    ramps: Vec<Vec<ParamRamp>>,
}

/// The buffer of a mix of this node (its mixes start at `mix_start`) whose terms are the
/// terms of `cables`, if there is one. Mixes with a feedback term are never shared: each
/// feedback cable has its own delay slot.
fn same_mix(
    plan: &ExecutionPlan,
    mix_start: u32,
    cables: &[usize],
    term_of: &impl Fn(usize) -> MixTerm,
) -> Option<u32> {
    plan.mixes[mix_start as usize..].iter().find_map(|mix| {
        let terms = &plan.terms[mix.terms.start as usize..mix.terms.end as usize];
        let same = terms.len() == cables.len()
            && terms
                .iter()
                .zip(cables)
                .all(|(t, &c)| t.delay == NO_DELAY && *t == term_of(c));
        same.then_some(mix.target)
    })
}

/// Feeds the cables into every summed input (`PortDescriptor::summed`) into the first of
/// them, in input order, leaving the others unconnected: when no summed input past the first
/// has more than one cable, so that the mix adds the same terms in the same order as the
/// module would (a later input's own sum of two cables would be added as one term).
fn fold_summed_inputs(ports: &[PortDescriptor], incoming: &mut [Vec<usize>]) {
    let summed = || {
        ports
            .iter()
            .enumerate()
            .filter(|(_, p)| p.summed)
            .map(|(i, _)| i)
    };
    let Some(first) = summed().next() else {
        return;
    };
    if summed().skip(1).any(|i| incoming[i].len() > 1) {
        return;
    }
    for i in summed().skip(1) {
        let cables = std::mem::take(&mut incoming[i]);
        incoming[first].extend(cables);
    }
}

/// Whether a port of `kind` ramps with fades (audio, CV) rather than switching (pitch,
/// gate).
fn continuous(kind: PortKind) -> bool {
    matches!(kind, PortKind::Audio | PortKind::Cv)
}

/// A pool of `len` zeros whose every page has been written, here on the control thread, so
/// that the audio thread never takes a page fault on first use (a zeroed allocation is
/// otherwise mapped lazily).
pub(crate) fn prefaulted_pool(len: usize) -> Vec<f32> {
    /// Floats per 4 KiB page (larger pages are multiples of it).
    const PAGE: usize = 1024;
    let mut pool = vec![0.0f32; len];
    for i in (0..len).step_by(PAGE) {
        // SAFETY: `i < len`; the volatile write keeps the compiler from dropping a store of
        // the value the allocation already holds.
        unsafe { std::ptr::write_volatile(pool.as_mut_ptr().add(i), 0.0) };
    }
    pool
}
