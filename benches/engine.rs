//! Engine benchmarks (`cargo bench`; `cargo bench --features compare` adds fundsp).
//!
//! - `engine/demo_synth`: rendering `patches/demo_synth.yaml`.
//! - `engine/voices64`: rendering the 64-voice patch of `common/voices.rs` (260 nodes).
//! - `engine/voices64_swept`: the same with every filter swept by its envelope.
//! - `engine/lanes64_swept`: the same 64 swept voices as 64-lane nodes (9 nodes; counted as
//!   260 so that the throughputs compare).
//! - `reference/fundsp_voices64` (with `compare`): the same 64 voices built in fundsp.
//! - `dsl/parse_validate_200`: `dsl::load` of a generated 200-node patch text.
//! - `plan/parse_plan_200`: `dsl::load` and a fresh plan of that text.
//! - `plan/replan_one_param_200`: planning the 200-node patch against a planner that already
//!   runs it with one parameter different.
//!
//! Render benchmarks render one second (48000 frames at 48 kHz, in `render`'s blocks of 512) per iteration
//! and count `frames × nodes` elements, so criterion reports module-samples per second. The
//! fundsp reference counts the node count of our equivalent patch, so the two compare
//! directly. Parse and plan times include dropping the results, which the UI thread pays for
//! too. After criterion, a summary line per patch gives ns per module-sample and the
//! real-time factor from a short timing loop of its own, and a live-like line gives the
//! load of the 64 voices rendered in `play`'s 256-frame calls, back to back and each after
//! a pause as long as `play`'s sleep between callbacks.

mod common;

use common::{generated, voices};
use criterion::{Criterion, Throughput};
use patches_tui::dsl;
use patches_tui::engine::{
    validate, OfflineRenderer, Planner, PoolSizes, StereoBuffer, ValidGraph,
};
use patches_tui::modules::{Registry, OFFLINE_BLOCK};
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Sample rate of every render.
const SAMPLE_RATE: f32 = 48000.0;
/// Frames per engine block: what `render` uses.
const BLOCK: usize = OFFLINE_BLOCK;
/// Frames rendered per iteration: one second.
const FRAMES: usize = 48000;
/// Iterations the summary times per render workload, per round.
const SUMMARY_RENDERS: u32 = 4;
/// Rounds the summary times per render workload (the best one counts).
const SUMMARY_ROUNDS: u32 = 3;
/// Iterations the summary times per parse or plan workload.
const SUMMARY_PLANS: u32 = 200;

/// Frames per call of the live-like measurement: `play`'s default buffer.
const LIVE_FRAMES: usize = 256;
/// Calls it times per round.
const LIVE_CALLS: u32 = 400;
/// Rounds it times (the best one counts).
const LIVE_ROUNDS: u32 = 3;
/// The pause before each call in its second part, as long as `play` sleeps between
/// 256-frame callbacks, spent spinning on the clock: no sleep, no system call, none of the
/// engine's memory touched, so whatever it adds to the next call comes from outside the
/// process.
const LIVE_PAUSE: Duration = Duration::from_micros(5000);

/// Something that renders `FRAMES` frames per call.
trait Render {
    /// Renders the next `FRAMES` frames, replacing the previous ones.
    fn render(&mut self);
    /// The left channel of the last render.
    fn left(&self) -> &[f32];
}

/// Our engine rendering a patch offline.
struct Ours {
    renderer: OfflineRenderer,
    out: StereoBuffer,
}

impl Ours {
    fn new(graph: ValidGraph) -> Self {
        let mut renderer = OfflineRenderer::new(SAMPLE_RATE, BLOCK);
        renderer.commit(graph);
        let out = StereoBuffer {
            left: Vec::with_capacity(FRAMES),
            right: Vec::with_capacity(FRAMES),
        };
        Ours { renderer, out }
    }
}

impl Render for Ours {
    fn render(&mut self) {
        self.out.left.clear();
        self.out.right.clear();
        self.renderer.render_into(&mut self.out, FRAMES);
    }

    fn left(&self) -> &[f32] {
        &self.out.left
    }
}

#[cfg(feature = "compare")]
impl Render for common::reference::FundspVoices {
    fn render(&mut self) {
        self.render_frames(FRAMES);
    }

    fn left(&self) -> &[f32] {
        &self.left
    }
}

/// A render benchmark.
struct Workload {
    /// Criterion group.
    group: &'static str,
    /// Benchmark name within the group.
    name: &'static str,
    /// Modules per frame (of our patch, for the reference too).
    nodes: usize,
    /// What renders.
    renderer: Box<dyn Render>,
}

/// RMS of `samples`.
fn rms(samples: &[f32]) -> f32 {
    (samples.iter().map(|x| x * x).sum::<f32>() / samples.len().max(1) as f32).sqrt()
}

/// Every render workload: ours, then the reference when built with `compare`.
fn workloads(registry: &Registry) -> Vec<Workload> {
    let demo = dsl::load(include_str!("../patches/demo_synth.yaml"), registry)
        .expect("demo_synth.yaml loads");
    let voices = validate(&voices::graph(), registry).expect("the 64-voice patch is valid");
    let voice_nodes = voices.nodes.len();
    assert_eq!(voice_nodes, 260);
    let swept = validate(&voices::swept_graph(), registry).expect("the swept patch is valid");
    let lanes = validate(&voices::lanes_graph(), registry).expect("the 64-lane patch is valid");
    let list = vec![
        Workload {
            group: "engine",
            name: "demo_synth",
            nodes: demo.valid.nodes.len(),
            renderer: Box::new(Ours::new(demo.valid)),
        },
        Workload {
            group: "engine",
            name: "voices64",
            nodes: voice_nodes,
            renderer: Box::new(Ours::new(voices)),
        },
        Workload {
            group: "engine",
            name: "voices64_swept",
            nodes: voice_nodes,
            renderer: Box::new(Ours::new(swept)),
        },
        Workload {
            group: "engine",
            name: "lanes64_swept",
            nodes: voice_nodes,
            renderer: Box::new(Ours::new(lanes)),
        },
    ];
    // The reference counts elements as frames × 260, the node count of our equivalent patch
    // (fundsp's combinator tree has no comparable count), so the throughputs compare directly.
    #[cfg(feature = "compare")]
    let list = {
        let mut list = list;
        list.push(Workload {
            group: "reference",
            name: "fundsp_voices64",
            nodes: voice_nodes,
            renderer: Box::new(common::reference::FundspVoices::new(SAMPLE_RATE, FRAMES)),
        });
        list
    };
    list
}

/// The render benchmarks, one criterion group per workload group.
fn bench_render(c: &mut Criterion, workloads: &mut [Workload]) {
    let mut groups: Vec<&'static str> = workloads.iter().map(|w| w.group).collect();
    groups.dedup();
    for name in groups {
        let mut group = c.benchmark_group(name);
        for w in workloads.iter_mut().filter(|w| w.group == name) {
            group.throughput(Throughput::Elements((FRAMES * w.nodes) as u64));
            group.bench_function(w.name, |b| b.iter(|| w.renderer.render()));
        }
        group.finish();
    }
}

/// The texts and graphs the parse and plan benchmarks use.
struct PlanInputs {
    /// The generated 200-node patch as text.
    text: String,
    /// The same patch, validated (shared, as the engine hands it to the planner).
    running: Arc<ValidGraph>,
    /// The same with one parameter changed.
    changed: Arc<ValidGraph>,
}

impl PlanInputs {
    fn new(registry: &Registry) -> Self {
        let graph = generated::graph();
        assert_eq!((graph.nodes.len(), graph.cables.len()), (200, 278));
        let text = dsl::to_yaml(&graph);
        let loaded = dsl::load(&text, registry).expect("the generated patch loads");
        assert!(
            loaded.graph == graph,
            "the generated text reads back as written"
        );
        let changed = validate(&generated::graph_one_param_changed(), registry)
            .expect("the changed patch is valid");
        PlanInputs {
            text,
            running: Arc::new(loaded.valid),
            changed: Arc::new(changed),
        }
    }

    /// A planner that runs `running`.
    fn running_planner(&self) -> Planner {
        let planner = Planner::new(SAMPLE_RATE, PoolSizes::default()).plan(&self.running);
        let replanned = planner.next.plan(&self.changed).summary;
        assert_eq!(replanned.changed, ["lp0_0"]);
        assert_eq!(replanned.kept.len(), 199);
        planner.next
    }
}

/// The parse and plan benchmarks.
fn bench_plan(c: &mut Criterion, registry: &Registry, inputs: &PlanInputs) {
    let fresh = Planner::new(SAMPLE_RATE, PoolSizes::default());
    let running = inputs.running_planner();

    let mut group = c.benchmark_group("dsl");
    group.bench_function("parse_validate_200", |b| {
        b.iter(|| dsl::load(black_box(&inputs.text), registry))
    });
    group.finish();

    let mut group = c.benchmark_group("plan");
    group.bench_function("parse_plan_200", |b| {
        b.iter(|| {
            let patch = dsl::load(black_box(&inputs.text), registry).expect("loads");
            fresh.plan(&Arc::new(patch.valid))
        })
    });
    group.bench_function("replan_one_param_200", |b| {
        b.iter(|| running.plan(black_box(&inputs.changed)))
    });
    group.finish();
}

/// Mean time of `runs` calls of `f` after one warm-up call.
fn time(runs: u32, mut f: impl FnMut()) -> Duration {
    f();
    let started = Instant::now();
    for _ in 0..runs {
        f();
    }
    started.elapsed() / runs
}

/// Time this thread has spent on a CPU (None where the platform cannot say): unlike wall
/// time, it does not count the time other processes held the CPU. `CLOCK_THREAD_CPUTIME_ID`
/// counts to the nanosecond; Linux's `/proc/thread-self/schedstat` moves only at each
/// scheduler tick (4 ms here), too coarse for a 16 ms render.
#[cfg(unix)]
fn cpu_time() -> Option<Duration> {
    let now = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    Some(Duration::new(now.tv_sec as u64, now.tv_nsec as u32))
}

/// Time this thread has spent on a CPU (None where the platform cannot say).
#[cfg(not(unix))]
fn cpu_time() -> Option<Duration> {
    None
}

/// The smallest mean on-CPU time (wall time where that is not available) of `runs` calls of
/// `f`, over `rounds` rounds.
fn best_cpu_time(rounds: u32, runs: u32, mut f: impl FnMut()) -> Duration {
    f();
    (0..rounds)
        .map(|_| {
            let (cpu, wall) = (cpu_time(), Instant::now());
            for _ in 0..runs {
                f();
            }
            match (cpu, cpu_time()) {
                (Some(before), Some(after)) => (after - before) / runs,
                _ => wall.elapsed() / runs,
            }
        })
        .min()
        .unwrap_or_default()
}

/// One line per render workload (and the ours/fundsp ratio), then parse and plan times.
fn print_summary(registry: &Registry, workloads: &mut [Workload], inputs: &PlanInputs) {
    println!(
        "\nsummary (own timing loop, on-CPU time of the rendering thread, best of {SUMMARY_ROUNDS} \
         rounds: steadier than criterion's wall time on a shared machine)"
    );
    let mut per_patch = Vec::new();
    for w in workloads.iter_mut() {
        let per_iteration = best_cpu_time(SUMMARY_ROUNDS, SUMMARY_RENDERS, || w.renderer.render());
        let seconds = per_iteration.as_secs_f64();
        let ns_per_module_sample = seconds * 1e9 / (FRAMES * w.nodes) as f64;
        let realtime = FRAMES as f64 / f64::from(SAMPLE_RATE) / seconds;
        println!(
            "  {}/{}: {:.2} ms per second of audio, {} nodes, {:.2} ns per module-sample, \
             {:.0}x real time, rms {:.3}",
            w.group,
            w.name,
            seconds * 1e3,
            w.nodes,
            ns_per_module_sample,
            realtime,
            rms(w.renderer.left())
        );
        per_patch.push((w.name, seconds));
    }
    let seconds_of = |name: &str| per_patch.iter().find(|(n, _)| *n == name).map(|p| p.1);
    if let (Some(ours), Some(theirs)) = (seconds_of("voices64"), seconds_of("fundsp_voices64")) {
        println!(
            "  voices64 ours / fundsp: {:.2} (bar: <= 1.5)",
            ours / theirs
        );
    }

    let voices = validate(&voices::graph(), registry).expect("the 64-voice patch is valid");
    let (back_to_back, paused) = live_like_load(voices);
    println!(
        "  voices64 in {LIVE_FRAMES}-frame calls, wall time per call as a share of its \
         period: {:.1}% back to back, {:.1}% after {} ms of spinning (live bar: <= 2.5%)",
        back_to_back * 100.0,
        paused * 100.0,
        LIVE_PAUSE.as_millis()
    );

    let fresh = Planner::new(SAMPLE_RATE, PoolSizes::default());
    let running = inputs.running_planner();
    let parse = time(SUMMARY_PLANS, || {
        black_box(dsl::load(&inputs.text, registry).expect("loads"));
    });
    let parse_plan = time(SUMMARY_PLANS, || {
        let patch = dsl::load(&inputs.text, registry).expect("loads");
        black_box(fresh.plan(&Arc::new(patch.valid)));
    });
    let replan = time(SUMMARY_PLANS, || {
        black_box(running.plan(&inputs.changed));
    });
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!(
        "  200 nodes: parse+validate {:.0} µs, parse+plan {:.0} µs (bar: < 1000), \
         replan one param {:.0} µs",
        us(parse),
        us(parse_plan),
        us(replan)
    );
}

/// The DSP load `play --stats` would show for `graph` if rendering were all its audio
/// thread did: the mean wall time of a `LIVE_FRAMES` call over the call's period, with the
/// calls back to back and with each one after `LIVE_PAUSE` (best round of each).
fn live_like_load(graph: ValidGraph) -> (f64, f64) {
    let mut renderer = OfflineRenderer::new(SAMPLE_RATE, LIVE_FRAMES);
    renderer.commit(graph);
    let mut out = StereoBuffer {
        left: Vec::with_capacity(LIVE_FRAMES),
        right: Vec::with_capacity(LIVE_FRAMES),
    };
    let period = LIVE_FRAMES as f64 / f64::from(SAMPLE_RATE);
    let mut load = |pause: Duration| {
        let mut busy = Duration::ZERO;
        for _ in 0..LIVE_CALLS {
            let paused = Instant::now();
            while paused.elapsed() < pause {
                std::hint::spin_loop();
            }
            out.left.clear();
            out.right.clear();
            let started = Instant::now();
            renderer.render_into(&mut out, LIVE_FRAMES);
            busy += started.elapsed();
        }
        busy.as_secs_f64() / f64::from(LIVE_CALLS) / period
    };
    let best = |load: &mut dyn FnMut(Duration) -> f64, pause| {
        (0..LIVE_ROUNDS)
            .map(|_| load(pause))
            .fold(f64::INFINITY, f64::min)
    };
    load(Duration::ZERO);
    (best(&mut load, Duration::ZERO), best(&mut load, LIVE_PAUSE))
}

fn main() {
    let registry = Registry::standard();
    let mut criterion = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let mut workloads = workloads(&registry);
    let inputs = PlanInputs::new(&registry);
    bench_render(&mut criterion, &mut workloads);
    bench_plan(&mut criterion, &registry, &inputs);
    criterion.final_summary();
    // Only when benchmarking for real: `cargo test --benches` runs this in test mode.
    if std::env::args().any(|a| a == "--bench") {
        print_summary(&registry, &mut workloads, &inputs);
    }
}
