//! The node levels an observed engine publishes for the meters: each metered node's peak and
//! RMS over the publishing window, for nodes that run for the whole block and for the members
//! of a feedback loop (which run sample by sample) alike.

mod support;

use patches_tui::engine::{Cable, Engine, EngineConfig, ModuleGraph, Node, NodeLevel};
use patches_tui::modules::ParamValue;
use support::{feedback_patch, test_registry, valid};

const SR: f32 = 48000.0;
/// Frames the runtime folds before it publishes (its `PUBLISH_FRAMES`).
const WINDOW: usize = 1024;

/// The feedback loop of `feedback_patch` on the left, and a sine of period 64 frames into
/// the right side.
fn patch() -> ModuleGraph {
    feedback_patch()
        .with_node(
            Node::new("sine", "SineOscillator")
                .with_param("frequency", ParamValue::Float(f64::from(SR) / 64.0)),
        )
        .with_cable(Cable::new("sine", "out", "out", "right").with_scale(0.5))
}

/// The first level published for each node of `patch()` (by name), rendering in `block`-frame
/// calls with fades off.
fn first_levels(block: usize) -> Vec<(String, NodeLevel)> {
    let graph = valid(&patch(), &test_registry());
    let names: Vec<String> = graph.nodes.iter().map(|n| n.name.clone()).collect();
    let (mut engine, mut runtime) = Engine::new(EngineConfig::new(SR));
    engine.set_fade_ms(0.0);
    engine.commit(graph);
    let (mut left, mut right) = (vec![0.0; block], vec![0.0; block]);
    for _ in 0..WINDOW / block {
        runtime.process(&mut left, &mut right);
    }
    let observations = engine.observations().expect("the engine is observed");
    let mut levels = Vec::new();
    while let Ok(level) = observations.levels.pop() {
        levels.push((names[level.node as usize].clone(), level));
    }
    levels
}

fn level_of<'a>(levels: &'a [(String, NodeLevel)], name: &str) -> &'a NodeLevel {
    &levels
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no level for {name} in {levels:?}"))
        .1
}

#[test]
fn every_metered_node_publishes_its_peak_and_rms_over_the_window() {
    for block in [64, 256] {
        let levels = first_levels(block);
        let rms = |sum_of_squares: f64| (sum_of_squares / WINDOW as f64).sqrt() as f32;
        let expected = [
            ("sine", 1.0, rms(WINDOW as f64 / 2.0)),
            ("imp", 1.0, rms(1.0)),
            // Sums of 0.25^n from n = 0 and from n = 1.
            ("a", 1.0, rms(4.0 / 3.0)),
            ("b", 0.5, rms(1.0 / 3.0)),
        ];
        for (name, peak, rms) in expected {
            let level = level_of(&levels, name);
            assert_eq!(level.frames as usize, WINDOW, "{name}, block {block}");
            assert!(
                (level.peak - peak).abs() < 1e-4,
                "{name} peak {} (expected {peak}), block {block}",
                level.peak
            );
            assert!(
                (level.rms - rms).abs() < 1e-4 * rms,
                "{name} rms {} (expected {rms}), block {block}",
                level.rms
            );
        }
    }
}
