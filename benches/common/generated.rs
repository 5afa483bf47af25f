//! A generated 200-node patch for the parse and plan benchmarks.
//!
//! Six groups of seven voices. Per voice: `SawtoothOscillator` -> `ResonantLowpass` -> `Vca`,
//! gain from an `AdsrEnvelope`. Per group: a `ClockSequencer` clocks a `StepSequencer` whose
//! pitch goes through a `Glide` to the group's oscillators and whose trigger fires the
//! group's envelopes; the voices meet in a `Sum` and pass through a group `ResonantLowpass`.
//! The groups meet in a master `Sum` that feeds the `AudioOut`.
//!
//! 42 × 4 + 6 × 5 + 2 = 200 nodes; 42 × 6 + 6 × 4 + 2 = 278 cables, 50 of them scaled.

use patches_tui::engine::{Cable, ModuleGraph, Node};
use patches_tui::modules::ParamValue;

/// Number of voice groups.
const GROUPS: usize = 6;
/// Voices per group.
const VOICES_PER_GROUP: usize = 7;
/// The step pattern, rotated by one step per group.
const PATTERN: [&str; 8] = ["A3", "C4", "-", "E4", "G4", "_", "D4", "C4"];

/// The generated patch.
pub fn graph() -> ModuleGraph {
    let float = ParamValue::Float;
    let mut graph = ModuleGraph::new()
        .with_node(Node::new("master", "Sum").with_channels(GROUPS))
        .with_node(Node::new("out", "AudioOut"))
        .with_cable(Cable::new("master", "out", "out", "left").with_scale(0.5))
        .with_cable(Cable::new("master", "out", "out", "right").with_scale(0.5));
    for g in 0..GROUPS {
        let (clock, seq, glide, bus, tone) = (
            format!("clock{g}"),
            format!("seq{g}"),
            format!("glide{g}"),
            format!("bus{g}"),
            format!("tone{g}"),
        );
        let steps = (0..PATTERN.len())
            .map(|s| PATTERN[(s + g) % PATTERN.len()].to_string())
            .collect();
        graph = graph
            .with_node(
                Node::new(&clock, "ClockSequencer").with_param("bpm", float(90.0 + g as f64)),
            )
            .with_node(
                Node::new(&seq, "StepSequencer")
                    .with_length(PATTERN.len())
                    .with_param("steps", ParamValue::Array(steps)),
            )
            .with_node(Node::new(&glide, "Glide").with_param("glide_ms", float(30.0)))
            .with_node(Node::new(&bus, "Sum").with_channels(VOICES_PER_GROUP))
            .with_node(
                Node::new(&tone, "ResonantLowpass")
                    .with_param("cutoff", float(2000.0 + 500.0 * g as f64))
                    .with_param("resonance", float(0.2)),
            )
            .with_cable(Cable::new(&clock, "quaver", &seq, "clock"))
            .with_cable(Cable::new(&seq, "pitch", &glide, "in"))
            .with_cable(Cable::new(&bus, "out", &tone, "in"))
            .with_cable(
                Cable::new(&tone, "out", "master", &format!("in/{g}"))
                    .with_scale(1.0 / GROUPS as f64),
            );
        for v in 0..VOICES_PER_GROUP {
            let (saw, lp, vca, env) = (
                format!("saw{g}_{v}"),
                format!("lp{g}_{v}"),
                format!("vca{g}_{v}"),
                format!("env{g}_{v}"),
            );
            graph = graph
                .with_node(
                    Node::new(&saw, "SawtoothOscillator")
                        .with_param("base_voct", float(v as f64 / 12.0)),
                )
                .with_node(
                    Node::new(&lp, "ResonantLowpass")
                        .with_param("cutoff", float(600.0 + 300.0 * v as f64))
                        .with_param("resonance", float(0.4)),
                )
                .with_node(Node::new(&vca, "Vca"))
                .with_node(
                    Node::new(&env, "AdsrEnvelope")
                        .with_param("attack", float(0.002 * (v + 1) as f64))
                        .with_param("decay", float(0.15))
                        .with_param("sustain", float(0.5))
                        .with_param("release", float(0.3)),
                )
                .with_cable(Cable::new(&glide, "out", &saw, "voct"))
                .with_cable(Cable::new(&saw, "out", &lp, "in"))
                .with_cable(Cable::new(&lp, "out", &vca, "in"))
                .with_cable(Cable::new(&env, "out", &vca, "cv"))
                .with_cable(Cable::new(&seq, "trigger", &env, "trigger"))
                .with_cable(
                    Cable::new(&vca, "out", &bus, &format!("in/{v}"))
                        .with_scale(1.0 / VOICES_PER_GROUP as f64),
                );
        }
    }
    graph
}

/// The patch with one parameter changed: the cutoff of the first voice's filter.
pub fn graph_one_param_changed() -> ModuleGraph {
    let mut graph = graph();
    if let Some(node) = graph.node_mut("lp0_0") {
        node.params = vec![
            ("cutoff".to_string(), ParamValue::Float(1234.0)),
            ("resonance".to_string(), ParamValue::Float(0.4)),
        ];
    }
    graph
}
