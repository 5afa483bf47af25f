//! Cost of adopting a plan on the audio thread (`cargo bench --bench adopt`).
//!
//! - `adopt/one_node_change_200`: a one-parameter change in the 200-node patch.
//! - `adopt/full_replacement_200`: every one of the 200 nodes replaced (all renamed).
//!
//! Planning happens on the control side and is not timed; only `Runtime::adopt_pending` is.

#[path = "common/generated.rs"]
mod generated;

use criterion::Criterion;
use patches_tui::engine::{validate, Engine, EngineConfig, ModuleGraph, Runtime, ValidGraph};
use patches_tui::modules::Registry;
use std::time::{Duration, Instant};

/// Retired updates the cleanup thread may lag behind before the bench waits for it.
const MAX_BACKLOG: u64 = 16;

/// `graph` with every node renamed, so that planning it replaces every instance.
fn renamed(graph: &ModuleGraph) -> ModuleGraph {
    let mut g = graph.clone();
    for node in &mut g.nodes {
        node.name.push_str("_b");
    }
    for cable in &mut g.cables {
        cable.from.push_str("_b");
        cable.to.push_str("_b");
    }
    g
}

/// Times adoption of plans alternating between `a` and `b`.
fn adopt_alternating(iterations: u64, a: &ValidGraph, b: &ValidGraph) -> Duration {
    let (mut engine, mut runtime): (Engine, Runtime) =
        Engine::new(EngineConfig::new(48000.0).unobserved());
    engine.commit(a.clone());
    runtime.adopt_pending();
    let mut total = Duration::ZERO;
    for i in 0..iterations {
        while engine.planner().plan_id().saturating_sub(engine.cleaned()) > MAX_BACKLOG {
            std::thread::sleep(Duration::from_micros(200));
        }
        engine.commit(if i % 2 == 0 { b.clone() } else { a.clone() });
        let started = Instant::now();
        runtime.adopt_pending();
        total += started.elapsed();
        assert_eq!(
            engine
                .counters()
                .plan_id
                .load(std::sync::atomic::Ordering::Relaxed),
            engine.planner().plan_id(),
            "the plan was adopted"
        );
    }
    total
}

fn main() {
    let registry = Registry::seed();
    let graph = generated::graph();
    let running = validate(&graph, &registry).expect("valid");
    let one_param = validate(&generated::graph_one_param_changed(), &registry).expect("valid");
    let replaced = validate(&renamed(&graph), &registry).expect("valid");

    let mut criterion = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let mut group = criterion.benchmark_group("adopt");
    group.bench_function("one_node_change_200", |b| {
        b.iter_custom(|n| adopt_alternating(n, &running, &one_param))
    });
    group.bench_function("full_replacement_200", |b| {
        b.iter_custom(|n| adopt_alternating(n, &running, &replaced))
    });
    group.finish();
    criterion.final_summary();
}
