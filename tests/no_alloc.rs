//! The audio thread never allocates or frees: a counting global allocator watches the thread
//! that runs the runtime while the control side commits 1000+ random patches.

mod support;

use patches_tui::engine::{validate, Cable, Engine, EngineConfig, ModuleGraph, Node};
use patches_tui::modules::{
    Layout as PortLayout, Module, ModuleType, ParamKind, ParamValue, PortDescriptor, ProcessIo,
    Registry, ShapeUse,
};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

struct CountingAllocator;

/// What the allocator counted on one thread since it was marked.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct Counts {
    allocs: u64,
    frees: u64,
}

thread_local! {
    /// Whether this thread is watched, and its own counts: one test's audio thread cannot
    /// make another test fail.
    static WATCHED: Cell<bool> = const { Cell::new(false) };
    static COUNTS: Cell<Counts> = const { Cell::new(Counts { allocs: 0, frees: 0 }) };
}

fn count(allocs: u64, frees: u64) {
    if WATCHED.try_with(Cell::get).unwrap_or(false) {
        let _ = COUNTS.try_with(|c| {
            let mut counts = c.get();
            counts.allocs += allocs;
            counts.frees += frees;
            c.set(counts);
        });
    }
}

// SAFETY: forwards to the system allocator; only counts.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(1, 0);
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(0, 1);
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(1, 0);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Starts watching the calling thread, from zero.
fn watch() {
    COUNTS.with(|c| c.set(Counts::default()));
    WATCHED.with(|w| w.set(true));
}

/// Stops watching the calling thread and returns what it counted.
fn unwatch() -> Counts {
    WATCHED.with(|w| w.set(false));
    COUNTS.with(Cell::get)
}

/// Watches the thread it is made on; when dropped (before the thread's own teardown), stops
/// and reports the counts into `report`.
struct AudioThreadMark {
    report: Arc<Mutex<Option<Counts>>>,
}

impl AudioThreadMark {
    fn start(report: Arc<Mutex<Option<Counts>>>) -> Self {
        watch();
        AudioThreadMark { report }
    }
}

impl Drop for AudioThreadMark {
    fn drop(&mut self) {
        let counts = unwatch();
        *self.report.lock().unwrap() = Some(counts);
    }
}

/// A small deterministic random generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A random variation of `graph`: a parameter change, a removal, a rename, an added node, a
/// reshape or a new lane count for every poly node. May be invalid; the caller validates.
fn mutate(graph: &ModuleGraph, registry: &Registry, rng: &mut Rng, serial: usize) -> ModuleGraph {
    let mut g = graph.clone();
    let n = rng.below(g.nodes.len());
    match rng.below(6) {
        0 | 1 => {
            let node = &mut g.nodes[n];
            let Some(t) = registry.get(&node.module) else {
                return g;
            };
            let d = t.descriptor(node.shape());
            if d.params.is_empty() {
                return g;
            }
            let p = &d.params[rng.below(d.params.len())];
            let value = match &p.kind {
                ParamKind::Float { min, max, .. } => {
                    ParamValue::Float(min + (max - min) * rng.unit())
                }
                ParamKind::Int { min, max, .. } => {
                    ParamValue::Int(min + rng.below((max - min + 1) as usize) as i64)
                }
                ParamKind::Bool { .. } => ParamValue::Bool(rng.below(2) == 1),
                _ => return g,
            };
            node.params.retain(|(name, _)| name != p.name);
            if rng.below(4) > 0 {
                node.params.push((p.name.to_string(), value));
            }
        }
        2 => {
            let name = g.nodes[n].name.clone();
            if g.nodes[n].module == "AudioOut" {
                return g;
            }
            g.nodes.remove(n);
            g.cables.retain(|c| c.from != name && c.to != name);
        }
        3 => {
            let old = g.nodes[n].name.clone();
            let new = format!("{old}_{serial}");
            g.nodes[n].name = new.clone();
            for c in &mut g.cables {
                if c.from == old {
                    c.from = new.clone();
                }
                if c.to == old {
                    c.to = new.clone();
                }
            }
        }
        5 => {
            let voices = [2, 3, 8, 16, 64][rng.below(5)];
            for node in g.nodes.iter_mut().filter(|n| n.voices.is_some()) {
                node.voices = Some(voices);
            }
        }
        _ => {
            let name = format!("osc_{serial}");
            g.nodes.push(
                Node::new(&name, "SineOscillator")
                    .with_param("frequency", ParamValue::Float(100.0 + 900.0 * rng.unit())),
            );
            if let Some(out) = g.nodes.iter().find(|n| n.module == "AudioOut") {
                let out = out.name.clone();
                g.cables
                    .push(Cable::new(&name, "out", &out, "right").with_scale(0.1));
            }
            if let Some(ramp) = g.nodes.iter_mut().find(|n| n.module == "Ramp") {
                ramp.length = Some(1 + rng.below(8));
            }
        }
    }
    g
}

fn seed_graphs() -> Vec<ModuleGraph> {
    let feedback = support::feedback_patch()
        .with_node(Node::new("r", "Ramp"))
        .with_cable(Cable::new("r", "out", "out", "right").with_scale(1e-6));
    // A loop with gain 1.5 blows up every few hundred samples: resets run on the audio
    // thread too.
    let runaway = ModuleGraph::new()
        .with_node(Node::new("osc", "SineOscillator"))
        .with_node(Node::new("loop", "Sum"))
        .with_node(Node::new("out", "AudioOut"))
        .with_cable(Cable::new("osc", "out", "loop", "in/0"))
        .with_cable(Cable::new("loop", "out", "loop", "in/1").with_scale(1.5))
        .with_cable(Cable::new("loop", "out", "out", "left"));
    let mut graphs = vec![feedback, poly_graph(), runaway];
    graphs.extend(support::example_graphs());
    graphs
}

/// Four lanes of saw, filter, envelope and VCA with a poly feedback loop, summed into a mono
/// output.
fn poly_graph() -> ModuleGraph {
    let float = ParamValue::Float;
    ModuleGraph::new()
        .with_node(Node::new("clock", "ClockSequencer").with_param("bpm", float(240.0)))
        .with_node(
            Node::new("pitch", "Spread")
                .with_voices(4)
                .with_param("to", float(1.5)),
        )
        .with_node(Node::new("saw", "SawtoothOscillator").with_voices(4))
        .with_node(Node::new("lp", "ResonantLowpass").with_voices(4))
        .with_node(Node::new("env", "AdsrEnvelope").with_voices(4))
        .with_node(Node::new("vca", "Vca").with_voices(4))
        .with_node(Node::new("echo", "Sum").with_voices(4))
        .with_node(Node::new("out", "AudioOut"))
        .with_cable(Cable::new("pitch", "out", "saw", "voct"))
        .with_cable(Cable::new("saw", "out", "lp", "in"))
        .with_cable(Cable::new("env", "out", "lp", "cutoff_cv").with_scale(3.0))
        .with_cable(Cable::new("clock", "beat", "env", "trigger"))
        .with_cable(Cable::new("lp", "out", "vca", "in"))
        .with_cable(Cable::new("env", "out", "vca", "cv"))
        .with_cable(Cable::new("vca", "out", "echo", "in/0"))
        .with_cable(Cable::new("echo", "out", "echo", "in/1").with_scale(0.5))
        .with_cable(Cable::new("echo", "out", "out", "left").with_scale(0.1))
        .with_cable(Cable::new("vca", "out", "out", "right").with_scale(0.1))
}

#[test]
fn audio_thread_never_allocates_or_frees_across_random_commits() {
    let registry = support::test_registry();
    let (mut engine, mut runtime) = Engine::new(EngineConfig::new(48000.0));
    // Armed with nobody draining: frames go to the recording ring (and are dropped and
    // counted once it is full); neither path may allocate.
    engine.counters().recording.store(true, Ordering::Release);
    let stop = Arc::new(AtomicBool::new(false));
    let blocks = Arc::new(AtomicU64::new(0));
    let audio = {
        let (stop, blocks) = (stop.clone(), blocks.clone());
        std::thread::spawn(move || {
            let mut left = vec![0.0f32; 64];
            let mut right = vec![0.0f32; 64];
            watch();
            while !stop.load(Ordering::Acquire) {
                runtime.process(&mut left, &mut right);
                blocks.fetch_add(1, Ordering::Relaxed);
            }
            (runtime, unwatch())
        })
    };

    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let graphs = seed_graphs();
    let mut commits = 0;
    let mut current = graphs[0].clone();
    for serial in 0..3000 {
        let candidate = if serial % 50 == 0 {
            graphs[rng.below(graphs.len())].clone()
        } else {
            mutate(&current, &registry, &mut rng, serial)
        };
        let Ok(valid) = validate(&candidate, &registry) else {
            continue;
        };
        current = candidate;
        engine.commit(valid);
        engine.pump();
        if let Some(obs) = engine.observations() {
            while obs.levels.pop().is_ok() {}
            while obs.samples.pop().is_ok() {}
        }
        commits += 1;
        if commits % 16 == 0 {
            std::thread::yield_now();
        }
        if commits % 100 == 0 {
            // A panic resets every node on the audio thread, without allocating either.
            engine.panic();
        }
        if commits % 10 == 0 {
            // So do node mutes and unmutes.
            let name = current.nodes[rng.below(current.nodes.len())].name.clone();
            engine.set_muted(&name, commits % 20 == 0);
        }
    }
    while engine.has_pending() {
        engine.pump();
        std::thread::yield_now();
    }
    let last = engine.planner().plan_id();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while engine.counters().plan_id.load(Ordering::Relaxed) != last
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    stop.store(true, Ordering::Release);
    let (runtime, counts) = audio.join().expect("audio thread did not panic");

    assert!(commits >= 1000, "only {commits} valid commits");
    assert!(
        blocks.load(Ordering::Relaxed) > 100,
        "audio ran while committing"
    );
    assert!(
        engine.counters().panics.load(Ordering::Relaxed) > 0,
        "panics ran"
    );
    assert_eq!(
        engine.counters().plan_id.load(Ordering::Relaxed),
        last,
        "the last commit is what plays"
    );
    assert_eq!(
        counts,
        Counts::default(),
        "allocations or frees on the audio thread"
    );
    let recorded = engine.take_record_ring().map_or(0, |ring| ring.slots());
    let dropped = engine.counters().record_dropped.load(Ordering::Relaxed);
    assert!(
        recorded + dropped as usize > 0,
        "the audio thread pushed frames to the recording ring"
    );
    drop(runtime);
}

#[test]
fn replan_storm_on_the_null_backend_loses_no_plan_and_never_allocates() {
    use patches_tui::engine::{AudioCallback, NullOutput};
    let registry = support::test_registry();
    let (mut engine, runtime) = Engine::new(EngineConfig::new(48000.0));
    let callback = AudioCallback::new(runtime, 48000.0);
    let load = callback.load();
    let report = Arc::new(Mutex::new(None));
    let mark = report.clone();
    let output = NullOutput::start(callback, 48000, 128, move || AudioThreadMark::start(mark))
        .expect("null backend starts");
    let graphs = seed_graphs();
    let mut rng = Rng(42);
    let mut commits = 0;
    let mut current = graphs[1 % graphs.len()].clone();
    while commits < 1000 {
        let candidate = mutate(&current, &registry, &mut rng, commits + 10_000);
        let Ok(valid) = validate(&candidate, &registry) else {
            continue;
        };
        current = candidate;
        engine.commit(valid);
        engine.pump();
        commits += 1;
    }
    let last_graph = validate(&current, &registry).expect("last graph is valid");
    while engine.has_pending() {
        engine.pump();
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let last = engine.planner().plan_id();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while engine.counters().plan_id.load(Ordering::Relaxed) != last
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    assert_eq!(
        engine.counters().plan_id.load(Ordering::Relaxed),
        last,
        "the last commit is what plays"
    );
    // The planner's picture matches the last graph: re-planning it changes nothing.
    let replanned = engine
        .planner()
        .plan(&std::sync::Arc::new(last_graph))
        .summary;
    assert!(
        replanned.changed.is_empty() && replanned.added.is_empty() && replanned.removed.is_empty()
    );
    assert!(load.stats().callbacks > 0, "the null backend ran");
    drop(output);
    let counts = report.lock().unwrap().expect("the audio thread reported");
    assert_eq!(
        counts,
        Counts::default(),
        "allocations or frees on the audio thread"
    );
}

/// A sequencer set in one of two shapes (`length`, `channels`, `voices`), so that every
/// commit between them reshapes the sequencers and every poly node.
fn reshaping_graph(wide: bool) -> ModuleGraph {
    let (length, rows, voices) = if wide { (16, 3, 4) } else { (8, 2, 2) };
    let steps = ["C3", "E3", "G3", "_", "-", "B3", "D4", "C4"];
    let steps: Vec<String> = (0..length).map(|i| steps[i % 8].to_string()).collect();
    let beat: Vec<String> = (0..rows).map(|_| "x.x.X...".to_string()).collect();
    ModuleGraph::new()
        .with_node(Node::new("clock", "ClockSequencer").with_param("bpm", ParamValue::Float(300.0)))
        .with_node(
            Node::new("seq", "StepSequencer")
                .with_length(length)
                .with_voices(voices)
                .with_param("steps", ParamValue::Array(steps)),
        )
        .with_node(
            Node::new("drums", "DrumSequencer")
                .with_channels(rows)
                .with_param("rows", ParamValue::Array(beat)),
        )
        .with_node(Node::new("euclid", "EuclideanSequencer").with_voices(voices))
        .with_node(Node::new("div", "ClockDivider").with_voices(voices))
        .with_node(Node::new("osc", "Oscillator").with_voices(voices))
        .with_node(Node::new("lfo", "Lfo").with_voices(voices))
        .with_node(Node::new("lp", "ResonantLowpass").with_voices(voices))
        .with_node(Node::new("env", "AdsrEnvelope").with_voices(voices))
        .with_node(Node::new("kick", "Kick").with_voices(voices))
        .with_node(Node::new("hat", "HiHat").with_voices(voices))
        .with_node(Node::new("echo", "Delay").with_voices(voices))
        .with_node(Node::new("room", "Reverb").with_voices(voices))
        .with_node(Node::new("out", "AudioOut"))
        .with_cable(Cable::new("clock", "semiquaver", "seq", "clock"))
        .with_cable(Cable::new("clock", "semiquaver", "drums", "clock"))
        .with_cable(Cable::new("clock", "quaver", "euclid", "clock"))
        .with_cable(Cable::new("clock", "beat", "div", "clock"))
        .with_cable(Cable::new("seq", "pitch", "osc", "voct"))
        .with_cable(Cable::new("seq", "gate", "env", "gate"))
        .with_cable(Cable::new("osc", "saw", "lp", "in"))
        .with_cable(Cable::new("lfo", "out", "lp", "cutoff_cv"))
        .with_cable(Cable::new("drums", "trigger/1", "kick", "trigger"))
        .with_cable(Cable::new("euclid", "trigger", "hat", "trigger"))
        .with_cable(Cable::new("lp", "out", "echo", "in"))
        .with_cable(Cable::new("echo", "out", "room", "left"))
        .with_cable(Cable::new("room", "left", "out", "left").with_scale(0.1))
        .with_cable(Cable::new("kick", "out", "out", "right").with_scale(0.1))
        .with_cable(Cable::new("hat", "out", "out", "right").with_scale(0.1))
}

#[test]
fn reshaping_commits_carry_state_over_without_allocating() {
    let registry = support::test_registry();
    let shapes = [true, false].map(|wide| support::valid(&reshaping_graph(wide), &registry));
    let (mut engine, mut runtime) = Engine::new(EngineConfig::new(48000.0).unobserved());
    engine.commit(shapes[0].clone());
    let audio = std::thread::spawn(move || {
        let mut left = vec![0.0f32; 64];
        let mut right = vec![0.0f32; 64];
        watch();
        // Warm up: the first plan lands and the sequencers run.
        for _ in 0..200 {
            runtime.process(&mut left, &mut right);
        }
        (runtime, unwatch(), left)
    });
    let (mut runtime, counts, _) = audio.join().expect("audio thread ran");
    assert_eq!(counts, Counts::default(), "allocations while warming up");
    let mut reshaped = 0;
    let audio_counts = std::thread::scope(|scope| {
        let (go, blocks) = std::sync::mpsc::sync_channel::<()>(0);
        let (ran, done) = std::sync::mpsc::sync_channel::<()>(0);
        let audio = scope.spawn(move || {
            let mut left = vec![0.0f32; 37];
            let mut right = vec![0.0f32; 37];
            let mut total = Counts::default();
            // Blocks after every commit: each reshape is adopted on this thread. Only the
            // blocks are watched (the channels allocate their own wakers).
            while blocks.recv().is_ok() {
                watch();
                for _ in 0..3 {
                    runtime.process(&mut left, &mut right);
                }
                let counts = unwatch();
                total.allocs += counts.allocs;
                total.frees += counts.frees;
                let _ = ran.send(());
            }
            total
        });
        for i in 0..200 {
            match engine.commit(shapes[(i + 1) % 2].clone()) {
                patches_tui::engine::CommitOutcome::Sent(summary) => {
                    reshaped += summary.reshaped.len()
                }
                _ => panic!("the ring is drained between commits"),
            }
            go.send(()).expect("audio thread listens");
            done.recv().expect("audio thread ran");
            engine.pump();
        }
        drop(go);
        audio.join().expect("audio thread ran")
    });
    assert!(
        reshaped >= 200 * 12,
        "only {reshaped} reshapes were planned"
    );
    assert_eq!(
        audio_counts,
        Counts::default(),
        "allocations or frees on the audio thread while reshaping"
    );
}

/// The probe itself works, in release builds too: an allocation the optimiser cannot remove
/// (`black_box`) on a watched thread is counted, one on another thread is not.
#[test]
fn the_counter_sees_a_black_boxed_allocation_on_the_watched_thread_only() {
    let counts = std::thread::spawn(|| {
        watch();
        drop(black_box(Box::new(black_box(7u64))));
        unwatch()
    })
    .join()
    .unwrap();
    assert_eq!(
        counts,
        Counts {
            allocs: 1,
            frees: 1
        }
    );
    let (go, done) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicBool::new(false)),
    );
    let other = {
        let (go, done) = (go.clone(), done.clone());
        std::thread::spawn(move || {
            while !go.load(Ordering::Acquire) {
                std::hint::spin_loop();
            }
            drop(black_box(vec![1u8; 64]));
            done.store(true, Ordering::Release);
        })
    };
    let quiet = std::thread::spawn(move || {
        watch();
        go.store(true, Ordering::Release);
        while !done.load(Ordering::Acquire) {
            std::hint::spin_loop();
        }
        unwatch()
    })
    .join()
    .unwrap();
    other.join().unwrap();
    assert_eq!(
        quiet.allocs, 0,
        "another thread's allocation is not counted here"
    );
}

/// `Leaky`: a module that allocates (and frees) on every block.
struct Leaky;

impl Module for Leaky {
    fn set_param(&mut self, _index: usize, _value: &ParamValue) {}
    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let scratch = black_box(vec![0.0f32; io.frames() * io.lanes()]);
        io.output(0).copy_from_slice(&scratch);
    }
}

/// The storm's measurement catches a module that allocates: the same loop as the storm, with
/// one `Leaky` node, counts allocations.
#[test]
fn a_module_that_allocates_is_caught() {
    let mut registry = support::test_registry();
    registry.register(ModuleType {
        name: "Leaky",
        doc: "allocates every block",
        shape_use: ShapeUse::default(),
        describe: |_| PortLayout {
            inputs: vec![],
            outputs: vec![PortDescriptor::new("out", "zeros")],
            params: vec![],
        },
        create: |_, _| Box::new(Leaky),
    });
    let graph = ModuleGraph::new()
        .with_node(Node::new("leak", "Leaky"))
        .with_node(Node::new("out", "AudioOut"))
        .with_cable(Cable::new("leak", "out", "out", "left"));
    let (mut engine, mut runtime) = Engine::new(EngineConfig::new(48000.0));
    engine.commit(validate(&graph, &registry).expect("valid"));
    let counts = std::thread::spawn(move || {
        let (mut left, mut right) = (vec![0.0f32; 64], vec![0.0f32; 64]);
        watch();
        for _ in 0..10 {
            runtime.process(&mut left, &mut right);
        }
        let counts = unwatch();
        drop(runtime);
        counts
    })
    .join()
    .unwrap();
    assert!(counts.allocs >= 10, "{counts:?}");
}

/// Nodes, lanes and feedback loops enough to grow every pool past its default size.
fn grown_graph(extra: usize, voices: usize) -> ModuleGraph {
    let mut graph = seed_graphs()[0].clone();
    for i in 0..extra {
        let name = format!("loop{i}");
        graph = graph
            .with_node(Node::new(&name, "Sum").with_voices(voices).with_channels(2))
            .with_node(Node::new(format!("osc{i}"), "SineOscillator").with_voices(voices))
            .with_cable(Cable::new(&format!("osc{i}"), "out", &name, "in/0"))
            .with_cable(Cable::new(&name, "out", &name, "in/1").with_scale(0.5))
            .with_cable(Cable::new(&name, "out", "out", "right").with_scale(1e-4));
    }
    graph
}

#[test]
fn growing_every_pool_during_a_commit_storm_never_allocates_on_the_audio_thread() {
    let registry = support::test_registry();
    let (mut engine, mut runtime) = Engine::new(EngineConfig::new(48000.0));
    let stop = Arc::new(AtomicBool::new(false));
    let audio = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let (mut left, mut right) = (vec![0.0f32; 64], vec![0.0f32; 64]);
            watch();
            while !stop.load(Ordering::Acquire) {
                runtime.process(&mut left, &mut right);
            }
            (runtime, unwatch())
        })
    };
    // Growing sizes: 4 lanes x 2 outputs per pair, 4 delay slots per loop.
    let mut last = 0;
    for step in 0..40 {
        let extra = 10 * step;
        let graph = validate(&grown_graph(extra, 4), &registry).expect("valid");
        engine.commit(graph);
        while engine.has_pending() {
            engine.pump();
            std::thread::yield_now();
        }
        last = engine.planner().plan_id();
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while engine.counters().plan_id.load(Ordering::Relaxed) != last
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    stop.store(true, Ordering::Release);
    let (runtime, counts) = audio.join().expect("audio thread did not panic");
    assert_eq!(engine.counters().plan_id.load(Ordering::Relaxed), last);
    let needed = grown_graph(390, 4);
    assert!(needed.nodes.len() > 256, "the module pool grew");
    assert_eq!(
        counts,
        Counts::default(),
        "allocations or frees on the audio thread"
    );
    drop(runtime);
}

/// A keyboard, a poly keyboard and a knob (cabled into a Vca and modulating a sine's
/// frequency), for the MIDI storm.
fn midi_graph(voices: usize, cc: i64) -> ModuleGraph {
    ModuleGraph::new()
        .with_node(Node::new("keys", "PolyMidiToCv").with_voices(voices))
        .with_node(Node::new("saw", "SawtoothOscillator").with_voices(voices))
        .with_node(Node::new("amp", "Vca").with_voices(voices))
        .with_node(
            Node::new("lead", "MidiToCv").with_param("priority", ParamValue::Enum("high".into())),
        )
        .with_node(Node::new("sq", "SquareOscillator"))
        .with_node(Node::new("knob", "MidiCc").with_param("cc", ParamValue::Int(cc)))
        .with_node(Node::new("lamp", "Vca"))
        .with_node(Node::new("whistle", "SineOscillator").with_mod(
            "frequency",
            "knob",
            "out",
            (100.0, 2000.0),
        ))
        .with_node(Node::new("out", "AudioOut"))
        .with_cable(Cable::new("keys", "voct", "saw", "voct"))
        .with_cable(Cable::new("saw", "out", "amp", "in"))
        .with_cable(Cable::new("keys", "gate", "amp", "cv"))
        .with_cable(Cable::new("amp", "out", "out", "left").with_scale(0.1))
        .with_cable(Cable::new("lead", "voct", "sq", "voct"))
        .with_cable(Cable::new("sq", "out", "lamp", "in"))
        .with_cable(Cable::new("knob", "out", "lamp", "cv"))
        .with_cable(Cable::new("lamp", "out", "out", "right").with_scale(0.1))
        .with_cable(Cable::new("whistle", "out", "out", "right").with_scale(0.05))
}

#[test]
fn midi_traffic_through_the_live_ring_never_allocates_on_the_audio_thread() {
    midi_storm(false);
}

#[test]
fn a_transport_following_midi_clock_never_allocates_on_the_audio_thread() {
    midi_storm(true);
}

/// Notes, controllers, clock, start and stop through the live ring across reshaping commits;
/// with `sync_midi` the transport follows the clock and commits land on its bar.
fn midi_storm(sync_midi: bool) {
    use patches_tui::engine::runtime::CallbackStart;
    use patches_tui::midi::{MidiEvent, MidiMessage, MIDI_RING};
    let registry = support::test_registry();
    let (mut engine, mut runtime) = Engine::new(EngineConfig::new(48000.0));
    if sync_midi {
        engine.set_sync_midi(true);
        engine.set_quantize(patches_tui::engine::Quantize::Bar);
    }
    let mut midi = engine.take_midi_sender().expect("a MIDI sender");
    let stop = Arc::new(AtomicBool::new(false));
    let audio = {
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut left = vec![0.0f32; 64];
            let mut right = vec![0.0f32; 64];
            let mut loudest = 0.0f32;
            watch();
            while !stop.load(Ordering::Acquire) {
                runtime.begin_callback(CallbackStart {
                    started: std::time::Instant::now(),
                    latency: std::time::Duration::ZERO,
                    frames: left.len(),
                });
                runtime.process(&mut left, &mut right);
                for x in left.iter().chain(right.iter()) {
                    loudest = loudest.max(x.abs());
                }
            }
            (runtime, unwatch(), loudest)
        })
    };
    let mut rng = Rng(7);
    let mut sent = 0;
    for serial in 0..400 {
        if serial % 20 == 0 {
            let graph = midi_graph([1, 4, 8, 16][rng.below(4)], rng.below(128) as i64);
            engine.commit(validate(&graph, &registry).expect("the MIDI graph is valid"));
        }
        engine.pump();
        if let Some(obs) = engine.observations() {
            while obs.levels.pop().is_ok() {}
            while obs.samples.pop().is_ok() {}
        }
        for _ in 0..100 {
            let (channel, key) = (rng.below(16) as u8, 30 + rng.below(60) as u8);
            let value = rng.below(128) as u8;
            let message = match rng.below(9) {
                0 | 1 => MidiMessage::NoteOn {
                    channel,
                    key,
                    velocity: value.max(1),
                },
                2 | 3 => MidiMessage::NoteOff { channel, key },
                4 => MidiMessage::ControlChange {
                    channel,
                    controller: [1, 64, 74, 123][rng.below(4)],
                    value,
                },
                5 => MidiMessage::PitchBend {
                    channel,
                    value: rng.below(16384) as i16 - 8192,
                },
                6 => MidiMessage::ChannelPressure {
                    channel,
                    pressure: value,
                },
                7 => MidiMessage::PolyPressure {
                    channel,
                    key,
                    pressure: value,
                },
                _ => [
                    MidiMessage::Clock,
                    MidiMessage::Start,
                    MidiMessage::Stop,
                    MidiMessage::Continue,
                ][rng.below(4)],
            };
            // Live input is stamped with its arrival, placed by each callback's clock (some
            // old, some ahead); some land a little ahead on a sample, as a file's would.
            let now = engine.counters().frames.load(Ordering::Relaxed);
            let arrived = std::time::Instant::now()
                + std::time::Duration::from_micros(rng.below(4000) as u64)
                - std::time::Duration::from_micros(rng.below(8000) as u64);
            let queued = match rng.below(3) {
                0 => midi.send(MidiEvent { time: 0, message }),
                1 => midi.send(MidiEvent {
                    time: now + rng.below(512) as u64,
                    message,
                }),
                _ => midi.send_arrived(arrived, message),
            };
            if queued {
                sent += 1;
            }
        }
        std::thread::sleep(std::time::Duration::from_micros(200));
    }
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while (engine.has_pending() || midi.room() < MIDI_RING / 2)
        && std::time::Instant::now() < deadline
    {
        engine.pump();
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    stop.store(true, Ordering::Release);
    let (runtime, counts, loudest) = audio.join().expect("audio thread did not panic");
    assert!(sent > 10_000, "only {sent} events sent");
    assert!(loudest > 0.01, "the MIDI modules played ({loudest})");
    assert_eq!(
        counts,
        Counts::default(),
        "allocations or frees on the audio thread"
    );
    drop(runtime);
}

/// The transport follows a real Ableton Link session (its own thread) while commits change
/// the patch's tempo, which goes out to the session, and the session stops and starts: the
/// audio thread only touches atomics.
#[cfg(feature = "link")]
#[test]
fn following_ableton_link_never_allocates_on_the_audio_thread() {
    use patches_tui::engine::link::LinkSession;
    use patches_tui::engine::{AudioCallback, NullOutput, TransportSettings};
    use std::time::{Duration, Instant};
    let registry = support::test_registry();
    let (mut engine, runtime) = Engine::new(EngineConfig::new(48000.0));
    let link = LinkSession::join(engine.transport_follow()).expect("Link starts");
    let callback = AudioCallback::new(runtime, 48000.0);
    let report = Arc::new(Mutex::new(None));
    let mark = report.clone();
    let output = NullOutput::start(callback, 48000, 64, move || AudioThreadMark::start(mark))
        .expect("null backend starts");
    let graphs = seed_graphs();
    let mut last_bpm = 0.0;
    for serial in 0..60 {
        let mut graph = graphs[serial % graphs.len()].clone();
        last_bpm = 90.0 + serial as f64;
        graph.transport = Some(TransportSettings {
            bpm: last_bpm,
            beats_per_bar: 3 + (serial % 3) as u32,
        });
        engine.commit(validate(&graph, &registry).expect("valid"));
        engine.pump();
        if serial % 10 == 5 {
            // Stops and starts go out to the session and come back to hold and restart the
            // transport.
            engine.transport_follow().request_playing(serial % 20 == 15);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    // The last tempo reaches the session and comes back to the transport.
    let deadline = Instant::now() + Duration::from_secs(10);
    let counters = engine.counters().clone();
    let engine_bpm = || f64::from_bits(counters.bpm.load(Ordering::Relaxed));
    while (link.status().bpm != last_bpm || engine_bpm() != last_bpm) && Instant::now() < deadline {
        engine.pump();
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(
        link.status().bpm,
        last_bpm,
        "the session took the patch's tempo"
    );
    assert_eq!(engine_bpm(), last_bpm, "the transport follows the session");
    drop(output);
    drop(link);
    let counts = report.lock().unwrap().expect("the audio thread reported");
    assert_eq!(
        counts,
        Counts::default(),
        "allocations or frees on the audio thread"
    );
}
