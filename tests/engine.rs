//! Engine behaviour: hot reload identity rules, feedback, block-size invariance, cleanup.

mod support;

use patches_tui::engine::{Cable, ModuleGraph, Node, OfflineRenderer, StereoBuffer};
use patches_tui::modules::ParamValue;
use support::{feedback_patch, test_registry, valid, TRACER_DROPS};

const SR: f32 = 48000.0;

fn ramp_patch(name: &str, offset: Option<f64>) -> ModuleGraph {
    let mut ramp = Node::new(name, "Ramp");
    if let Some(o) = offset {
        ramp = ramp.with_param("offset", ParamValue::Float(o));
    }
    ModuleGraph::new()
        .with_node(ramp)
        .with_node(Node::new("out", "AudioOut"))
        .with_cable(Cable::new(name, "out", "out", "left").with_scale(1e-6))
}

fn two_sines(right_freq: f64) -> ModuleGraph {
    ModuleGraph::new()
        .with_node(
            Node::new("a", "SineOscillator").with_param("frequency", ParamValue::Float(440.0)),
        )
        .with_node(
            Node::new("b", "SineOscillator").with_param("frequency", ParamValue::Float(right_freq)),
        )
        .with_node(Node::new("out", "AudioOut"))
        .with_cable(Cable::new("a", "out", "out", "left").with_scale(0.5))
        .with_cable(Cable::new("b", "out", "out", "right").with_scale(0.5))
}

/// Renders `before` for `switch` frames, then `after` (if any) for the rest of `total`,
/// with fades off: these tests are about which instance plays from the switching frame on
/// (tests/declick.rs covers the fades).
fn render_switch(
    before: &ModuleGraph,
    after: Option<&ModuleGraph>,
    switch: usize,
    total: usize,
    block: usize,
) -> StereoBuffer {
    let registry = test_registry();
    let mut r = OfflineRenderer::new(SR, block);
    r.engine_mut().set_fade_ms(0.0);
    let mut out = StereoBuffer::default();
    r.commit(valid(before, &registry));
    r.render_into(&mut out, switch);
    if let Some(after) = after {
        r.commit(valid(after, &registry));
    }
    r.render_into(&mut out, total - switch);
    out
}

#[test]
fn changing_one_node_leaves_the_others_bit_identical() {
    let base = render_switch(&two_sines(330.0), None, 1000, 5000, 64);
    let changed = render_switch(&two_sines(330.0), Some(&two_sines(550.0)), 1000, 5000, 64);
    assert_eq!(
        base.left, changed.left,
        "untouched node must be bit-identical"
    );
    assert_eq!(base.right[..1000], changed.right[..1000]);
    assert_ne!(base.right[1000..], changed.right[1000..]);
}

#[test]
fn kept_node_keeps_its_state_and_renamed_node_restarts() {
    let kept = render_switch(
        &ramp_patch("r", None),
        Some(&ramp_patch("r", None)),
        100,
        200,
        32,
    );
    assert_eq!(kept.left[150], 150.0 * 1e-6);
    let renamed = render_switch(
        &ramp_patch("r", None),
        Some(&ramp_patch("s", None)),
        100,
        200,
        32,
    );
    assert_eq!(renamed.left[99], 99.0 * 1e-6);
    assert_eq!(renamed.left[100], 0.0, "a renamed node is a fresh instance");
    assert_eq!(renamed.left[150], 50.0 * 1e-6);
}

#[test]
fn deleting_a_parameter_restores_its_default() {
    let out = render_switch(
        &ramp_patch("r", Some(1000.0)),
        Some(&ramp_patch("r", None)),
        10,
        20,
        4,
    );
    assert_eq!(out.left[9], (1000.0 + 9.0) * 1e-6f32);
    assert_eq!(
        out.left[10],
        10.0 * 1e-6,
        "offset back to its default, state kept"
    );
}

#[test]
fn retyped_or_reshaped_node_is_rebuilt() {
    let mut reshaped = ramp_patch("r", None);
    reshaped.nodes[0].length = Some(3);
    let out = render_switch(&ramp_patch("r", None), Some(&reshaped), 10, 20, 8);
    assert_eq!(out.left[10], 0.0, "new shape, new instance");

    let mut retyped = ramp_patch("r", None);
    retyped.nodes[0] = Node::new("r", "Impulse");
    let out = render_switch(&ramp_patch("r", None), Some(&retyped), 10, 20, 8);
    assert_eq!(out.left[10], 1e-6, "the new Impulse fires at once");
    assert_eq!(out.left[11], 0.0);
}

#[test]
fn feedback_loop_carries_exactly_one_sample_of_delay() {
    for block in [1, 7, 64, 512] {
        let out = render_switch(&feedback_patch(), None, 0, 600, block);
        for (n, &x) in out.left.iter().enumerate().take(40) {
            assert_eq!(x, 0.5f32.powi(n as i32), "block {block}, sample {n}");
        }
        assert!(out.left.iter().all(|x| x.is_finite()));
    }
}

#[test]
fn chains_outside_loops_carry_no_delay() {
    let chain = ModuleGraph::new()
        .with_node(Node::new("imp", "Impulse"))
        .with_node(Node::new("p1", "Pass"))
        .with_node(Node::new("p2", "Pass"))
        .with_node(Node::new("out", "AudioOut"))
        .with_cable(Cable::new("p1", "out", "p2", "in"))
        .with_cable(Cable::new("imp", "out", "p1", "in"))
        .with_cable(Cable::new("p2", "out", "out", "left"));
    let out = render_switch(&chain, None, 0, 10, 64);
    assert_eq!(out.left[0], 1.0);
    assert_eq!(out.left[1], 0.0);
}

#[test]
fn surviving_feedback_cable_keeps_its_delayed_sample() {
    // Re-commit the same loop mid-stream: the decay must continue as if nothing happened.
    let steady = render_switch(&feedback_patch(), None, 0, 100, 8);
    let recommitted = render_switch(&feedback_patch(), Some(&feedback_patch()), 13, 100, 8);
    assert_eq!(steady, recommitted);
}

#[test]
fn several_cables_into_one_input_are_summed_with_their_scales() {
    let patch = ModuleGraph::new()
        .with_node(Node::new("imp", "Impulse"))
        .with_node(Node::new("out", "AudioOut"))
        .with_cable(Cable::new("imp", "out", "out", "left").with_scale(0.25))
        .with_cable(Cable::new("imp", "out", "out", "left").with_scale(0.5));
    let out = render_switch(&patch, None, 0, 4, 4);
    assert_eq!(out.left[0], 0.75);
    assert_eq!(out.right[0], 0.0, "an unconnected input reads zero");
}

#[test]
fn output_guard_zeroes_non_finite_and_clamps() {
    let patch = ModuleGraph::new()
        .with_node(Node::new("r", "Ramp").with_param("offset", ParamValue::Float(0.0)))
        .with_node(Node::new("out", "AudioOut"))
        .with_cable(Cable::new("r", "out", "out", "left").with_scale(f64::from(f32::MAX)))
        .with_cable(Cable::new("r", "out", "out", "right").with_scale(-0.5));
    let registry = test_registry();
    let mut r = OfflineRenderer::new(SR, 16);
    let mut out = StereoBuffer::default();
    r.commit(valid(&patch, &registry));
    r.render_into(&mut out, 8);
    assert_eq!(out.left[0], 0.0);
    assert!(out.left[1..].iter().all(|&x| x == 1.0 || x == 0.0));
    assert_eq!(out.right[4], -1.0);
    assert!(out
        .left
        .iter()
        .chain(&out.right)
        .all(|x| (-1.0..=1.0).contains(x)));
}

#[test]
fn retired_modules_are_dropped_on_the_cleanup_thread() {
    let registry = test_registry();
    let tracer = |name: &str| {
        ModuleGraph::new()
            .with_node(Node::new(name, "Tracer"))
            .with_node(Node::new("out", "AudioOut"))
            .with_cable(Cable::new(name, "out", "out", "left"))
    };
    let mut r = OfflineRenderer::new(SR, 64);
    let mut out = StereoBuffer::default();
    let cleanup = r.engine().cleanup_thread().expect("cleanup thread runs");
    TRACER_DROPS.lock().unwrap().clear();
    for i in 0..20 {
        r.commit(valid(&tracer(&format!("t{i}")), &registry));
        r.render_into(&mut out, 64);
    }
    // The renamed tracers fade out as ghosts; once the fade is over they retire.
    r.render_into(&mut out, 1024);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while TRACER_DROPS.lock().unwrap().len() < 19 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let drops = TRACER_DROPS.lock().unwrap().clone();
    assert!(
        drops.len() >= 19,
        "19 retired tracers dropped, saw {}",
        drops.len()
    );
    assert!(
        drops.iter().all(|&t| t == cleanup),
        "every retired module dropped on the cleanup thread"
    );
}

/// Renders `schedule` (frame, graph) for `frames` frames in blocks of 64 on an engine whose
/// pools start at `pools`; commits take effect at their frame.
fn render_with_pools(
    schedule: &[(usize, ModuleGraph)],
    frames: usize,
    pools: patches_tui::engine::PoolSizes,
) -> StereoBuffer {
    use patches_tui::engine::{Engine, EngineConfig};
    let registry = test_registry();
    let config = EngineConfig {
        pools,
        ..EngineConfig::new(SR).unobserved()
    };
    let (mut engine, mut runtime) = Engine::new(config);
    let mut out = StereoBuffer {
        left: vec![0.0; frames],
        right: vec![0.0; frames],
    };
    let mut done = 0;
    for (i, (at, graph)) in schedule.iter().enumerate() {
        runtime.process(&mut out.left[done..*at], &mut out.right[done..*at]);
        done = *at;
        engine.commit(valid(graph, &registry));
        assert!(!engine.has_pending(), "commit {i} was sent");
        runtime.adopt_pending();
    }
    runtime.process(&mut out.left[done..], &mut out.right[done..]);
    out
}

/// A poly feedback accumulator on the left; `extra` more loops (and sines) on the right.
fn loops(extra: usize) -> ModuleGraph {
    let mut graph = ModuleGraph::new()
        .with_node(Node::new("s", "Spread").with_voices(2))
        .with_node(Node::new("acc", "Sum").with_voices(2))
        .with_node(Node::new("out", "AudioOut"))
        .with_cable(Cable::new("s", "out", "acc", "in/0"))
        .with_cable(Cable::new("acc", "out", "acc", "in/1").with_scale(0.999))
        .with_cable(Cable::new("acc", "out", "out", "left").with_scale(1e-3));
    for i in 0..extra {
        let (osc, acc) = (format!("osc{i}"), format!("acc{i}"));
        graph = graph
            .with_node(Node::new(&osc, "SineOscillator").with_voices(8))
            .with_node(Node::new(&acc, "Sum").with_voices(8))
            .with_cable(Cable::new(&osc, "out", &acc, "in/0"))
            .with_cable(Cable::new(&acc, "out", &acc, "in/1").with_scale(0.5))
            .with_cable(Cable::new(&acc, "out", "out", "right").with_scale(1e-4));
    }
    graph
}

#[test]
fn growing_every_pool_keeps_delays_and_kept_state() {
    use patches_tui::engine::PoolSizes;
    let schedule = [(0, loops(0)), (1000, loops(150)), (3000, loops(300))];
    let small = PoolSizes::default();
    let large = PoolSizes {
        modules: 4096,
        buffers: 16384,
        delays: 8192,
    };
    let grown = render_with_pools(&schedule, 5000, small);
    let roomy = render_with_pools(&schedule, 5000, large);
    assert!(
        loops(300).nodes.len() > small.modules,
        "the module pool grows"
    );
    assert!(
        grown.left == roomy.left,
        "the kept loop plays on exactly through growth"
    );
    assert!(grown.right == roomy.right);
    assert!(
        grown.left[4999] > grown.left[999],
        "the accumulator kept accumulating"
    );
}

#[test]
fn a_connectivity_change_alone_reaches_a_kept_node() {
    // `Sum` skips inputs it believes unconnected: a dropped update would leave in/1 silent.
    let base = ModuleGraph::new()
        .with_node(
            Node::new("a", "SineOscillator").with_param("frequency", ParamValue::Float(300.0)),
        )
        .with_node(
            Node::new("b", "SineOscillator").with_param("frequency", ParamValue::Float(700.0)),
        )
        .with_node(Node::new("sum", "Sum"))
        .with_node(Node::new("out", "AudioOut"))
        .with_cable(Cable::new("a", "out", "sum", "in/0"))
        .with_cable(Cable::new("sum", "out", "out", "left").with_scale(0.5))
        .with_cable(Cable::new("b", "out", "out", "right").with_scale(0.5));
    let both = base
        .clone()
        .with_cable(Cable::new("b", "out", "sum", "in/1"));
    let switched = render_switch(&base, Some(&both), 1000, 3000, 64);
    let fresh = render_switch(&both, None, 0, 3000, 64);
    assert_eq!(
        switched.left[1000..],
        fresh.left[1000..],
        "in/1 is heard at once"
    );
    let back = render_switch(&both, Some(&base), 1000, 3000, 64);
    let alone = render_switch(&base, None, 0, 3000, 64);
    assert_eq!(back.left[1000..], alone.left[1000..], "and dropped at once");
}
