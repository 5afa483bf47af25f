//! Scratch buffers: a many-voice patch works in a few buffers per voice less than it has
//! signals, and the sounds stay the same (bit-identity with buffers of their own is proven
//! per module type in the runtime's `written_first` tests).

mod support;

use patches_tui::engine::{Cable, ModuleGraph, Node, Planner, PoolSizes};
use std::collections::HashSet;
use std::sync::Arc;
use support::{test_registry, valid};

const VOICES: usize = 32;

/// `VOICES` voices of saw -> VCA <- ADSR, each into its own input of a `Sum` through a scaled
/// cable: per voice three outputs and one mix.
fn voices() -> ModuleGraph {
    let mut graph = ModuleGraph::new()
        .with_node(Node::new("clock", "ClockSequencer"))
        .with_node(Node::new("mix", "Sum").with_channels(VOICES))
        .with_node(Node::new("out", "AudioOut"))
        .with_cable(Cable::new("mix", "out", "out", "left"));
    for v in 0..VOICES {
        let (saw, env, vca) = (format!("saw{v}"), format!("env{v}"), format!("vca{v}"));
        graph = graph
            .with_node(Node::new(&saw, "SawtoothOscillator"))
            .with_node(Node::new(&env, "AdsrEnvelope"))
            .with_node(Node::new(&vca, "Vca"))
            .with_cable(Cable::new("clock", "beat", &env, "trigger"))
            .with_cable(Cable::new(&saw, "out", &vca, "in"))
            .with_cable(Cable::new(&env, "out", &vca, "cv"))
            .with_cable(Cable::new(&vca, "out", "mix", &format!("in/{v}")).with_scale(0.1));
    }
    graph
}

#[test]
fn voices_share_their_buffers_until_the_sum() {
    let graph = Arc::new(valid(&voices(), &test_registry()));
    let planned = Planner::new(48000.0, PoolSizes::default()).plan(&graph);
    let plan = planned.update.plan.as_ref().expect("a plan");
    let written: HashSet<u32> = plan
        .nodes
        .iter()
        .flat_map(|n| n.outputs.iter().copied())
        .chain(plan.mixes.iter().map(|m| m.target))
        .collect();
    // Signals: 3 outputs and 1 mix per voice, plus the clock's, the sum's and the output's.
    let signals = 4 * VOICES;
    // Every voice's mix lives until the sum; the voice's own signals die with the VCA.
    assert!(
        written.len() <= VOICES + 12,
        "{} buffers for {signals} signals",
        written.len()
    );
}
