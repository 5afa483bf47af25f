//! Scratch buffers: a many-voice patch works in a handful of buffers, because each voice
//! runs as one stretch just before it is added into the sum, and the sum of its voices is
//! made as they come; and a `Sum` fed that way adds the same bits as one that adds its
//! inputs itself. (Bit-identity with buffers of their own is proven per module type in the
//! runtime's `written_first` tests.)

mod support;

use patches_tui::engine::{Cable, ModuleGraph, Node, OfflineRenderer, Planner, PoolSizes};
use patches_tui::modules::ParamValue;
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
fn a_many_voice_patch_works_in_a_handful_of_buffers() {
    let graph = Arc::new(valid(&voices(), &test_registry()));
    let planned = Planner::new(48000.0, PoolSizes::default()).plan(&graph);
    let plan = planned.update.plan.as_ref().expect("a plan");
    let written: HashSet<u32> = plan
        .outputs
        .buffers
        .iter()
        .copied()
        .chain(plan.mixes.iter().map(|m| m.target))
        .collect();
    // Signals: 3 outputs and 1 mix per voice, plus the clock's, the sum's and the output's.
    let signals = 4 * VOICES;
    // The clock's five outputs, a voice's three, the sum's mix and its output: a voice's
    // signals die as its VCA is added into the sum.
    assert!(
        written.len() <= 10,
        "{} buffers for {signals} signals",
        written.len()
    );
}

/// The left output of a `Sum` of three inputs fed by constants, through `cables` (constant,
/// input, scale), after one block.
fn sum_of(cables: &[(usize, usize, f64)]) -> f32 {
    let mut graph = ModuleGraph::new()
        .with_node(Node::new("sum", "Sum").with_channels(3))
        .with_node(Node::new("out", "AudioOut"))
        .with_cable(Cable::new("sum", "out", "out", "left"));
    for (i, value) in VALUES.iter().enumerate() {
        let node = Node::new(format!("c{i}"), "Constant");
        graph = graph.with_node(node.with_param("value", ParamValue::Float(f64::from(*value))));
    }
    for &(from, input, scale) in cables {
        let cable = Cable::new(&format!("c{from}"), "out", "sum", &format!("in/{input}"));
        graph = graph.with_cable(cable.with_scale(scale));
    }
    let mut renderer = OfflineRenderer::new(48000.0, 64);
    renderer.commit(valid(&graph, &test_registry()));
    let mut out = Default::default();
    renderer.render_into(&mut out, 64);
    out.left[63]
}

/// Half of `VALUES[0]`'s last place lies between one and two of the others: the order of
/// the additions shows in the bits.
const VALUES: [f32; 3] = [0.5, 2e-8, 2e-8];

#[test]
fn a_sum_fed_into_one_mix_adds_the_same_bits_as_the_sum_itself() {
    let [a, b, c] = VALUES;
    // One cable into each input: one mix of three terms, added in input order.
    let folded = sum_of(&[(0, 0, 1.0), (1, 1, 1.0), (2, 2, 1.0)]);
    assert_eq!(folded.to_bits(), ((a + b) + c).to_bits());
    assert_eq!(folded, 0.5, "each small term alone rounds away");

    // Two cables into a later input: that input is summed first, then added, as `Sum` does.
    let unfolded = sum_of(&[(0, 0, 1.0), (1, 1, 1.0), (2, 1, 1.0)]);
    assert_eq!(unfolded.to_bits(), (a + (b + c)).to_bits());
    assert!(unfolded > 0.5, "the two small terms together round up");
}
