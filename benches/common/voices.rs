//! The 64-voice patch, built in code, and the settings the fundsp reference copies.
//!
//! Per voice: `SawtoothOscillator` -> `ResonantLowpass` -> `Vca`, the VCA's gain from an
//! `AdsrEnvelope`. Every voice goes through a cable of scale 1/64 into one `Sum` of 64
//! channels, which feeds both sides of the `AudioOut`.
//!
//! The envelopes are retriggered continuously: a `ClockSequencer` at 120 BPM sends its `beat`
//! pulse (every 0.5 s) to every envelope's `trigger`, and its `quaver` clocks a two-step
//! `StepSequencer` (`[C4, "-"]`) whose `gate` feeds every envelope's `gate`. So each beat the
//! gate is high for one quaver (0.25 s) and low for the next: attack 5 ms, decay 100 ms to
//! 0.6, sustain until 250 ms, release 200 ms, 50 ms of silence, and again.

use patches_tui::engine::{Cable, ModuleGraph, Node};
use patches_tui::modules::ParamValue;

/// Number of voices.
pub const VOICES: usize = 64;
/// Tempo of the clock in beats per minute.
pub const BPM: f64 = 120.0;
/// Resonance of every filter (0..1, see `ResonantLowpass`).
pub const RESONANCE: f64 = 0.3;
/// Envelope attack in seconds.
pub const ATTACK: f64 = 0.005;
/// Envelope decay in seconds.
pub const DECAY: f64 = 0.1;
/// Envelope sustain level.
pub const SUSTAIN: f64 = 0.6;
/// Envelope release in seconds.
pub const RELEASE: f64 = 0.2;

/// Pitch of voice `i` in V/oct (0 = C2): voices are a quarter tone apart.
pub fn base_voct(i: usize) -> f64 {
    i as f64 / 24.0
}

/// Filter cutoff of voice `i` in Hz: spread evenly over 800..3000 Hz.
pub fn cutoff(i: usize) -> f64 {
    800.0 + 2200.0 * i as f64 / (VOICES - 1) as f64
}

/// The mono clock and the two-step gate sequencer it steps (`clock.quaver -> gate.clock`),
/// which trigger and gate every voice.
fn clock_and_gate() -> ModuleGraph {
    ModuleGraph::new()
        .with_node(Node::new("clock", "ClockSequencer").with_param("bpm", ParamValue::Float(BPM)))
        .with_node(
            Node::new("gate", "StepSequencer")
                .with_length(2)
                .with_param(
                    "steps",
                    ParamValue::Array(vec!["C4".to_string(), "-".to_string()]),
                ),
        )
        .with_cable(Cable::new("clock", "quaver", "gate", "clock"))
}

/// `node` (an `AdsrEnvelope`) with the voices' attack, decay, sustain and release.
fn envelope(node: Node) -> Node {
    let float = ParamValue::Float;
    node.with_param("attack", float(ATTACK))
        .with_param("decay", float(DECAY))
        .with_param("sustain", float(SUSTAIN))
        .with_param("release", float(RELEASE))
}

/// The 64-voice patch (260 nodes, 387 cables).
pub fn graph() -> ModuleGraph {
    let float = ParamValue::Float;
    let mut graph = clock_and_gate()
        .with_node(Node::new("mix", "Sum").with_channels(VOICES))
        .with_node(Node::new("out", "AudioOut"))
        .with_cable(Cable::new("mix", "out", "out", "left"))
        .with_cable(Cable::new("mix", "out", "out", "right"));
    for i in 0..VOICES {
        let (saw, lp, vca, env) = (
            format!("saw{i}"),
            format!("lp{i}"),
            format!("vca{i}"),
            format!("env{i}"),
        );
        graph = graph
            .with_node(
                Node::new(&saw, "SawtoothOscillator").with_param("base_voct", float(base_voct(i))),
            )
            .with_node(
                Node::new(&lp, "ResonantLowpass")
                    .with_param("cutoff", float(cutoff(i)))
                    .with_param("resonance", float(RESONANCE)),
            )
            .with_node(Node::new(&vca, "Vca"))
            .with_node(envelope(Node::new(&env, "AdsrEnvelope")))
            .with_cable(Cable::new(&saw, "out", &lp, "in"))
            .with_cable(Cable::new(&lp, "out", &vca, "in"))
            .with_cable(Cable::new(&env, "out", &vca, "cv"))
            .with_cable(Cable::new("clock", "beat", &env, "trigger"))
            .with_cable(Cable::new("gate", "gate", &env, "gate"))
            .with_cable(
                Cable::new(&vca, "out", "mix", &format!("in/{i}")).with_scale(1.0 / VOICES as f64),
            );
    }
    graph
}

/// The same patch with every envelope also sweeping its filter: `env -> lp.cutoff_cv`
/// (scale `SWEEP` octaves), so every filter's cutoff moves on every sample of a note.
pub fn swept_graph() -> ModuleGraph {
    let mut graph = graph();
    for i in 0..VOICES {
        graph = graph.with_cable(
            Cable::new(&format!("env{i}"), "out", &format!("lp{i}"), "cutoff_cv").with_scale(SWEEP),
        );
    }
    graph
}

/// Octaves an envelope at 1.0 moves its filter's cutoff in the swept patches.
pub const SWEEP: f64 = 2.0;

/// The 64 voices as 64-lane nodes (9 nodes): `Spread` gives each lane its pitch (the same
/// quarter-tone steps) and its cutoff (800..3000 Hz, spaced evenly in octaves rather than in
/// Hz), the clock and gate sequencer stay mono and feed every lane, the VCA's 64 lanes are
/// summed by the cable into each side of `AudioOut`; every filter is swept by its envelope.
pub fn lanes_graph() -> ModuleGraph {
    let float = ParamValue::Float;
    let voices = VOICES;
    let octaves = (cutoff(VOICES - 1) / cutoff(0)).log2();
    clock_and_gate()
        .with_node(
            Node::new("pitch", "Spread")
                .with_voices(voices)
                .with_param("from", float(base_voct(0)))
                .with_param("to", float(base_voct(VOICES - 1))),
        )
        .with_node(
            Node::new("cutoff", "Spread")
                .with_voices(voices)
                .with_param("from", float(0.0))
                .with_param("to", float(octaves)),
        )
        .with_node(Node::new("saw", "SawtoothOscillator").with_voices(voices))
        .with_node(
            Node::new("lp", "ResonantLowpass")
                .with_voices(voices)
                .with_param("cutoff", float(cutoff(0)))
                .with_param("resonance", float(RESONANCE)),
        )
        .with_node(Node::new("vca", "Vca").with_voices(voices))
        .with_node(envelope(
            Node::new("env", "AdsrEnvelope").with_voices(voices),
        ))
        .with_node(Node::new("out", "AudioOut"))
        .with_cable(Cable::new("pitch", "out", "saw", "voct"))
        .with_cable(Cable::new("cutoff", "out", "lp", "cutoff_cv"))
        .with_cable(Cable::new("env", "out", "lp", "cutoff_cv").with_scale(SWEEP))
        .with_cable(Cable::new("saw", "out", "lp", "in"))
        .with_cable(Cable::new("lp", "out", "vca", "in"))
        .with_cable(Cable::new("env", "out", "vca", "cv"))
        .with_cable(Cable::new("clock", "beat", "env", "trigger"))
        .with_cable(Cable::new("gate", "gate", "env", "gate"))
        .with_cable(Cable::new("vca", "out", "out", "left").with_scale(1.0 / VOICES as f64))
        .with_cable(Cable::new("vca", "out", "out", "right").with_scale(1.0 / VOICES as f64))
}
