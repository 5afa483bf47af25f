//! What scratch buffers stand on: within a block, every buffer that is read was written
//! earlier in the same block, and no buffer is overwritten before its last reader ran.
//! Renders that share scratch buffers, with every buffer but the zero buffer set to NaN
//! before each block, must equal renders in which every buffer has memory of its own, for
//! every module type with every input driven and every output read, mono and poly, alone
//! and in a feedback loop with a modulated parameter.

use crate::engine::core::control::{Engine, EngineConfig};
use crate::engine::core::graph::{Cable, ModuleGraph, Node};
use crate::engine::core::scratch::SEPARATE;
use crate::engine::core::validate::validate;
use crate::modules::{PortKind, Registry, Shape, MAX_BLOCK, MAX_VOICES};

const FRAMES: usize = 256;
const CALLS: usize = 60;

/// `module` (as node `m`, with `voices` lanes) fed by a saw, an LFO and a clock by the kind
/// of each input, every output summed into the left output.
fn harness(registry: &Registry, module: &str, voices: usize) -> ModuleGraph {
    let kind = registry.get(module).expect("registered");
    let descriptor = kind.descriptor(Shape {
        voices,
        ..Shape::default()
    });
    let outputs = descriptor.outputs.len();
    let mut graph = ModuleGraph::new()
        .with_node(Node::new("saw", "SawtoothOscillator"))
        .with_node(Node::new("lfo", "Lfo"))
        .with_node(Node::new("clock", "ClockSequencer"))
        .with_node(Node::new("m", module).with_voices(voices))
        .with_node(Node::new("sum", "Sum").with_channels(outputs.max(1)))
        .with_node(Node::new("out", "AudioOut"))
        .with_cable(Cable::new("sum", "out", "out", "left"));
    for port in &descriptor.inputs {
        let (from, output, scale) = match port.kind {
            PortKind::Audio => ("saw", "out", 0.5),
            PortKind::Cv => ("lfo", "out", 1.0),
            PortKind::Pitch => ("lfo", "out", 0.25),
            PortKind::Gate => ("clock", "quaver", 1.0),
        };
        let cable = Cable::new(from, output, "m", &port.label()).with_scale(scale);
        graph = graph.with_cable(cable);
    }
    for (i, port) in descriptor.outputs.iter().enumerate() {
        let cable = Cable::new("m", &port.label(), "sum", &format!("in/{i}"));
        graph = graph.with_cable(cable.with_scale(0.25));
    }
    graph
}

/// The harness with `m`'s first output fed back into its first input, and the saw's pitch
/// following the LFO.
fn looped(registry: &Registry, module: &str, voices: usize) -> ModuleGraph {
    let kind = registry.get(module).expect("registered");
    let descriptor = kind.descriptor(Shape::default());
    let mut graph = harness(registry, module, voices);
    if let (Some(input), Some(output)) = (descriptor.inputs.first(), descriptor.outputs.first()) {
        let cable = Cable::new("m", &output.label(), "m", &input.label());
        graph = graph.with_cable(cable.with_scale(0.5));
    }
    let saw = graph.node_mut("saw").expect("the saw");
    *saw = saw.clone().with_mod("base_voct", "lfo", "out", (0.0, 1.0));
    graph
}

/// The left output of `graph` over `CALLS` callbacks. `shared`: planned with scratch buffers
/// and every buffer but the zero buffer poisoned with NaN before each callback; otherwise
/// every buffer has memory of its own.
fn render(registry: &Registry, graph: &ModuleGraph, shared: bool) -> Vec<f32> {
    let valid = validate(graph, registry).unwrap_or_else(|e| panic!("{e:?}"));
    let (mut engine, mut runtime) = Engine::new(EngineConfig::new(48000.0));
    SEPARATE.with(|separate| separate.set(!shared));
    engine.commit(valid);
    SEPARATE.with(|separate| separate.set(false));
    let (mut left, mut right) = (vec![0.0; FRAMES], vec![0.0; FRAMES]);
    let mut rendered = Vec::with_capacity(FRAMES * CALLS);
    for _ in 0..CALLS {
        runtime.adopt_pending();
        if shared {
            runtime.buffers[MAX_VOICES * MAX_BLOCK..].fill(f32::NAN);
        }
        runtime.process(&mut left, &mut right);
        engine.pump();
        rendered.extend_from_slice(&left);
    }
    rendered
}

#[test]
fn shared_scratch_buffers_render_as_buffers_of_their_own() {
    let registry = Registry::standard();
    let mut failures = Vec::new();
    for module in registry.names().filter(|&name| name != "AudioOut") {
        for voices in [1, 3] {
            for (form, graph) in [
                ("alone", harness(&registry, module, voices)),
                ("looped", looped(&registry, module, voices)),
            ] {
                let own = render(&registry, &graph, false);
                let shared = render(&registry, &graph, true);
                let same = own
                    .iter()
                    .zip(&shared)
                    .all(|(a, b)| a.to_bits() == b.to_bits());
                if !same {
                    failures.push(format!("{module} x{voices} {form}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "renders differ: {failures:?}");
}

#[test]
fn the_harness_drives_the_modules() {
    // Guards the test above against a harness that renders silence.
    let registry = Registry::standard();
    for module in ["Vca", "Svf", "Delay", "AdsrEnvelope"] {
        let rendered = render(&registry, &harness(&registry, module, 3), false);
        let peak = rendered.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        assert!(peak > 1e-3, "{module} is silent: {peak}");
    }
}
