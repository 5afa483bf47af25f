//! Polyphonic lanes: the `voices` key, cable rules between lane counts, per-lane state in
//! every seed module, and output independent of the block size with lanes.

mod support;

use patches_tui::dsl;
use patches_tui::engine::{
    Cable, ModuleGraph, Node, OfflineRenderer, Planner, PoolSizes, StereoBuffer,
};
use patches_tui::modules::{self, ModuleHarness, ParamValue, Registry, Shape, MAX_BLOCK};
use support::{test_registry, valid};

const SR: f32 = 48000.0;

fn float(v: f64) -> ParamValue {
    ParamValue::Float(v)
}

fn render(graph: &ModuleGraph, frames: usize, block: usize) -> StereoBuffer {
    let mut renderer = OfflineRenderer::new(SR, block);
    renderer.commit(valid(graph, &test_registry()));
    let mut out = StereoBuffer::default();
    renderer.render_into(&mut out, frames);
    out
}

/// Amplitude of the `hz` component of `x` (a Goertzel filter over whole cycles).
fn amplitude_at(x: &[f32], hz: f64) -> f64 {
    let w = std::f64::consts::TAU * hz / f64::from(SR);
    let (mut re, mut im) = (0.0, 0.0);
    for (n, &v) in x.iter().enumerate() {
        re += f64::from(v) * (w * n as f64).cos();
        im -= f64::from(v) * (w * n as f64).sin();
    }
    2.0 * (re * re + im * im).sqrt() / x.len() as f64
}

/// Lane `lane` of a buffer interleaved by `lanes`.
fn lane(x: &[f32], lanes: usize, lane: usize) -> Vec<f32> {
    x.iter().skip(lane).step_by(lanes).copied().collect()
}

#[test]
fn voices_is_read_written_and_checked_with_positions() {
    let registry = Registry::seed();
    let text =
        "nodes:\n  osc:\n    module: SineOscillator\n    voices: 8\n  out:\n    module: AudioOut\n";
    let patch = dsl::load(text, &registry).expect("loads");
    assert_eq!(patch.graph.nodes[0].voices, Some(8));
    assert_eq!(patch.valid.nodes[0].shape.voices, 8);
    let written = dsl::to_yaml(&patch.graph);
    assert!(written.contains("voices: 8"), "{written}");
    assert_eq!(
        dsl::load(&written, &registry).expect("reads back").graph,
        patch.graph
    );

    for (bad, expected) in [
        ("0", "expected 1..64"),
        ("65", "expected 1..64"),
        ("two", "whole number"),
    ] {
        let text = text.replace("voices: 8", &format!("voices: {bad}"));
        let errors = dsl::load(&text, &registry).err().expect("refused");
        assert_eq!(
            (errors[0].line, errors[0].column),
            (4, 13),
            "{bad}: {errors:?}"
        );
        assert!(
            errors[0].message.contains(expected),
            "{}",
            errors[0].message
        );
    }
    let text = "nodes:\n  out:\n    module: AudioOut\n    voices: 2\n";
    let errors = dsl::load(text, &registry)
        .err()
        .expect("AudioOut has no voices");
    assert_eq!((errors[0].line, errors[0].column), (4, 13));
    assert!(
        errors[0].message.contains("stereo sink"),
        "{}",
        errors[0].message
    );
}

#[test]
fn a_lane_mismatch_is_an_error_at_the_cable() {
    let text = "\
nodes:
  a:
    module: SineOscillator
    voices: 8
  b:
    module: Vca
    voices: 4
  out:
    module: AudioOut
cables:
  - from: a
    output: out
    to: b
    input: in
  - from: b
    output: out
    to: out
    input: left
";
    let errors = dsl::load(text, &Registry::seed())
        .err()
        .expect("8 into 4 is refused");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!((errors[0].line, errors[0].column), (11, 5));
    assert!(
        errors[0].message.contains("8 voices") && errors[0].message.contains("4 voices"),
        "{}",
        errors[0].message
    );
}

/// Three sine lanes at 100, 200 and 400 Hz (pitch from `Spread`), summed into a mono input.
fn sine_chord() -> ModuleGraph {
    ModuleGraph::new()
        .with_node(
            Node::new("pitch", "Spread")
                .with_voices(3)
                .with_param("from", float(0.0))
                .with_param("to", float(2.0)),
        )
        .with_node(
            Node::new("osc", "SineOscillator")
                .with_voices(3)
                .with_param("frequency", float(100.0)),
        )
        .with_node(Node::new("out", "AudioOut"))
        .with_cable(Cable::new("pitch", "out", "osc", "voct"))
        .with_cable(Cable::new("osc", "out", "out", "left").with_scale(1.0 / 3.0))
}

#[test]
fn poly_to_poly_is_lane_to_lane_and_poly_to_mono_sums_the_lanes() {
    let out = render(&sine_chord(), 4800, 64);
    for hz in [100.0, 200.0, 400.0] {
        let a = amplitude_at(&out.left, hz);
        assert!((a - 1.0 / 3.0).abs() < 0.01, "{hz} Hz at {a}");
    }
    for hz in [150.0, 300.0, 800.0] {
        assert!(amplitude_at(&out.left, hz) < 0.01, "nothing at {hz} Hz");
    }
}

#[test]
fn two_inputs_that_sum_the_same_terms_share_one_sum() {
    // The chord into both sides of the output: one sum of the lanes, read by both sides.
    let graph = sine_chord()
        .with_cable(Cable::new("osc", "out", "out", "right").with_scale(1.0 / 3.0))
        .with_node(Node::new("half", "Vca"))
        .with_cable(Cable::new("osc", "out", "half", "in").with_scale(0.5))
        .with_cable(Cable::new("osc", "out", "half", "cv").with_scale(1.0 / 3.0));
    let valid = std::sync::Arc::new(valid(&graph, &test_registry()));
    let planned = Planner::new(SR, PoolSizes::default()).plan(&valid);
    let plan = planned.update.plan.as_ref().expect("a plan");
    let out = plan
        .nodes
        .iter()
        .find(|n| n.inputs.len() == 2 && n.outputs.is_empty());
    let out = plan
        .inputs
        .buffers_of(out.expect("the AudioOut is planned"));
    assert_eq!(out[0], out[1], "left and right read one sum");
    assert_eq!(plan.output, [out[0], out[0]]);
    assert_eq!(
        plan.mixes.len(),
        3,
        "out's sum, then half's two different sums"
    );

    let rendered = render(&graph, 4800, 64);
    assert_eq!(rendered.left, rendered.right);
    for hz in [100.0, 200.0, 400.0] {
        let a = amplitude_at(&rendered.left, hz);
        assert!((a - 1.0 / 3.0).abs() < 0.01, "{hz} Hz at {a}");
    }
}

#[test]
fn a_mono_output_feeds_every_lane_of_a_poly_input() {
    // One mono sine into a 4-lane VCA whose gains are 0, 1, 2, 3: the sum is 6 times it.
    let graph = ModuleGraph::new()
        .with_node(Node::new("osc", "SineOscillator").with_param("frequency", float(300.0)))
        .with_node(
            Node::new("gain", "Spread")
                .with_voices(4)
                .with_param("from", float(0.0))
                .with_param("to", float(3.0)),
        )
        .with_node(Node::new("vca", "Vca").with_voices(4))
        .with_node(Node::new("out", "AudioOut"))
        .with_cable(Cable::new("osc", "out", "vca", "in"))
        .with_cable(Cable::new("gain", "out", "vca", "cv"))
        .with_cable(Cable::new("vca", "out", "out", "left").with_scale(0.1))
        .with_cable(Cable::new("osc", "out", "out", "right"));
    let out = render(&graph, 2000, 64);
    for (l, r) in out.left.iter().zip(&out.right) {
        assert!((l - 0.6 * r).abs() < 1e-6, "{l} vs 0.6 * {r}");
    }
    assert!(out.right.iter().any(|&r| r.abs() > 0.9), "the sine plays");
}

#[test]
fn a_poly_feedback_loop_delays_each_lane_by_one_sample() {
    // acc = spread + 0.5 * acc (one sample late), per lane: lane values 1 and 2.
    let graph = ModuleGraph::new()
        .with_node(
            Node::new("s", "Spread")
                .with_voices(2)
                .with_param("from", float(1.0))
                .with_param("to", float(2.0)),
        )
        .with_node(Node::new("acc", "Sum").with_voices(2))
        .with_node(Node::new("out", "AudioOut"))
        .with_cable(Cable::new("s", "out", "acc", "in/0"))
        .with_cable(Cable::new("acc", "out", "acc", "in/1").with_scale(0.5))
        .with_cable(Cable::new("acc", "out", "out", "left").with_scale(0.1));
    let reference = render(&graph, 300, 1);
    for (n, &x) in reference.left.iter().enumerate().take(40) {
        let expected = 0.1 * 3.0 * (2.0 - 0.5f64.powi(n as i32));
        assert!(
            (f64::from(x) - expected).abs() < 1e-6,
            "frame {n}: {x} vs {expected}"
        );
    }
    for block in [37, 64, MAX_BLOCK] {
        assert_eq!(
            render(&graph, 300, block).left,
            reference.left,
            "block {block}"
        );
    }
}

/// A patch with every lane rule and every seed module at 5 voices.
fn poly_patch() -> ModuleGraph {
    let mut graph = ModuleGraph::new()
        .with_node(
            Node::new("clock", "ClockSequencer")
                .with_param("bpm", float(280.0))
                .with_voices(5),
        )
        .with_node(
            Node::new("seq", "StepSequencer")
                .with_voices(5)
                .with_length(4)
                .with_param(
                    "steps",
                    ParamValue::Array(["C3", "_", "-", "G3"].map(String::from).to_vec()),
                ),
        )
        .with_node(
            Node::new("spread", "Spread")
                .with_voices(5)
                .with_param("from", float(-0.5))
                .with_param("to", float(1.0)),
        )
        .with_node(Node::new("pitch", "Sum").with_voices(5))
        .with_node(
            Node::new("glide", "Glide")
                .with_voices(5)
                .with_param("glide_ms", float(20.0)),
        )
        .with_node(Node::new("saw", "SawtoothOscillator").with_voices(5))
        .with_node(Node::new("sq", "SquareOscillator").with_voices(5))
        .with_node(Node::new("sine", "SineOscillator").with_param("frequency", float(3.0)))
        .with_node(Node::new("mix", "Sum").with_voices(5))
        .with_node(
            Node::new("lp", "ResonantLowpass")
                .with_voices(5)
                .with_param("resonance", float(0.7)),
        )
        .with_node(
            Node::new("env", "AdsrEnvelope")
                .with_voices(5)
                .with_param("attack", float(0.003))
                .with_param("release", float(0.05)),
        )
        .with_node(Node::new("vca", "Vca").with_voices(5))
        .with_node(Node::new("out", "AudioOut"));
    for (from, output, to, input, scale) in [
        ("clock", "semiquaver", "seq", "clock", 1.0),
        ("seq", "pitch", "pitch", "in/0", 1.0),
        ("spread", "out", "pitch", "in/1", 1.0),
        ("pitch", "out", "glide", "in", 1.0),
        ("glide", "out", "saw", "voct", 1.0),
        ("glide", "out", "sq", "voct", 1.0),
        ("sine", "out", "sq", "pulse_width", 0.5),
        ("saw", "out", "mix", "in/0", 0.5),
        ("sq", "out", "mix", "in/1", 0.5),
        ("mix", "out", "lp", "in", 1.0),
        ("sine", "out", "lp", "cutoff_cv", 2.0),
        ("env", "out", "lp", "resonance_cv", -0.5),
        ("seq", "gate", "env", "gate", 1.0),
        ("seq", "trigger", "env", "trigger", 1.0),
        ("lp", "out", "vca", "in", 1.0),
        ("env", "out", "vca", "cv", 1.0),
        ("vca", "out", "out", "left", 0.2),
        ("saw", "out", "out", "right", 0.1),
    ] {
        graph = graph.with_cable(Cable::new(from, output, to, input).with_scale(scale));
    }
    graph
}

#[test]
fn a_poly_patch_is_bit_identical_for_every_block_size() {
    let reference = render(&poly_patch(), 20000, 1);
    assert!(reference.left.iter().any(|&x| x.abs() > 0.05), "it plays");
    for block in [37, 64, MAX_BLOCK] {
        let out = render(&poly_patch(), 20000, block);
        assert!(out == reference, "block {block} differs");
    }
}

fn harness(name: &str, voices: usize, params: &[(&str, ParamValue)]) -> ModuleHarness {
    let shape = Shape {
        voices,
        ..Shape::default()
    };
    Registry::standard()
        .harness(name, shape, SR, params)
        .expect("harness")
}

#[test]
fn every_saw_lane_runs_at_its_own_pitch() {
    let lanes = 4;
    let frames = 48000;
    let voct: Vec<f32> = (0..frames * lanes)
        .map(|i| (i % lanes) as f32 / 2.0)
        .collect();
    let out = harness("SawtoothOscillator", lanes, &[("base_voct", float(1.0))])
        .run_long(&[&voct], frames, 64)
        .remove(0);
    for l in 0..lanes {
        let expected = 65.406_39 * 2f64.powf(1.0 + l as f64 / 2.0);
        let measured = support::frequency(&lane(&out, lanes, l), f64::from(SR));
        assert!(
            (measured / expected - 1.0).abs() < 1e-3,
            "lane {l}: {measured} Hz, expected {expected}"
        );
    }
}

#[test]
fn every_envelope_lane_follows_its_own_gate() {
    let lanes = 3;
    let frames = 4800;
    // Lane l's gate rises at frame 1000 * l and stays high.
    let gate: Vec<f32> = (0..frames * lanes)
        .map(|i| {
            if i / lanes >= 1000 * (i % lanes) {
                1.0
            } else {
                0.0
            }
        })
        .collect();
    let params = [
        ("attack", float(0.01)),
        ("decay", float(0.01)),
        ("sustain", float(0.5)),
    ];
    let out = harness("AdsrEnvelope", lanes, &params)
        .run_long(&[&[0.0; 4800 * 3], &gate], frames, 37)
        .remove(0);
    for l in 0..lanes {
        let x = lane(&out, lanes, l);
        let start = 1000 * l;
        assert!(
            x[..start].iter().all(|&v| v == 0.0),
            "lane {l} waits for its gate"
        );
        let peak = x.iter().position(|&v| v == 1.0).expect("reaches 1");
        assert_eq!(peak, start + 479, "lane {l} peaks 10 ms after its gate");
        assert_eq!(x[peak + 1000], 0.5, "lane {l} sustains");
    }
}

/// A mono clock and gate into a 4-lane envelope whose lanes then differ by their decay into
/// a 4-lane VCA: `direct` cables, or each mono source summed with a silent one (which makes
/// the engine broadcast it into every lane before the envelope runs).
fn shared_gate_patch(trigger_direct: bool, gate_direct: bool) -> ModuleGraph {
    let mut graph = ModuleGraph::new()
        .with_node(Node::new("clock", "ClockSequencer").with_param("bpm", float(300.0)))
        .with_node(
            Node::new("gate", "StepSequencer")
                .with_length(3)
                .with_param(
                    "steps",
                    ParamValue::Array(vec!["C4".into(), "C4".into(), "-".into()]),
                ),
        )
        .with_node(Node::new("silent", "Vca"))
        .with_node(
            Node::new("env", "AdsrEnvelope")
                .with_voices(4)
                .with_param("attack", float(0.002))
                .with_param("decay", float(0.03))
                .with_param("sustain", float(0.4))
                .with_param("release", float(0.05)),
        )
        .with_node(
            Node::new("pitch", "Spread")
                .with_voices(4)
                .with_param("from", float(0.0))
                .with_param("to", float(1.0)),
        )
        .with_node(Node::new("osc", "SawtoothOscillator").with_voices(4))
        .with_node(Node::new("vca", "Vca").with_voices(4))
        .with_node(Node::new("out", "AudioOut"))
        .with_cable(Cable::new("clock", "quaver", "gate", "clock"))
        .with_cable(Cable::new("clock", "beat", "env", "trigger"))
        .with_cable(Cable::new("gate", "gate", "env", "gate"))
        .with_cable(Cable::new("pitch", "out", "osc", "voct"))
        .with_cable(Cable::new("osc", "out", "vca", "in"))
        .with_cable(Cable::new("env", "out", "vca", "cv"))
        .with_cable(Cable::new("vca", "out", "out", "left").with_scale(0.25));
    for (direct, input) in [(trigger_direct, "trigger"), (gate_direct, "gate")] {
        if !direct {
            graph = graph.with_cable(Cable::new("silent", "out", "env", input));
        }
    }
    graph
}

#[test]
fn a_shared_port_reads_a_mono_source_as_it_is_and_sounds_like_its_broadcast() {
    let valid = std::sync::Arc::new(valid(&shared_gate_patch(true, true), &test_registry()));
    let planned = Planner::new(SR, PoolSizes::default()).plan(&valid);
    let plan = planned.update.plan.as_ref().expect("a plan");
    let env = plan
        .nodes
        .iter()
        .find(|n| n.lanes == 4 && n.inputs.len() == 2);
    let env = env.expect("the envelope is planned");
    assert_eq!(
        plan.inputs.lanes_of(env),
        [1, 1],
        "trigger and gate read as they are"
    );
    assert_eq!(plan.mixes.len(), 1, "only the output's sum is mixed");

    let broadcast = render(&shared_gate_patch(false, false), 24000, 64);
    assert!(broadcast.left.iter().any(|&x| x.abs() > 0.05), "it plays");
    for (trigger, gate) in [(true, true), (true, false), (false, true)] {
        for block in [1, 37, MAX_BLOCK] {
            let out = render(&shared_gate_patch(trigger, gate), 24000, block);
            assert!(
                out == broadcast,
                "trigger direct {trigger}, gate direct {gate}, block {block}"
            );
        }
    }
}

#[test]
fn an_envelope_lane_is_bit_identical_to_a_mono_envelope_with_its_inputs() {
    // Four lanes with their own gates and triggers (edges at different frames, retriggers
    // mid-stage, releases mid-attack); each lane against a mono envelope fed that lane alone.
    let (lanes, frames) = (4, 9600);
    let gate_of = |l: usize, f: usize| (f / (700 + 311 * l)) % 2 == 1;
    let trigger_of = |l: usize, f: usize| f % (1900 + 97 * l) < 3;
    let high = |on: bool| if on { 1.0 } else { 0.0 };
    let gate: Vec<f32> = (0..frames * lanes)
        .map(|i| high(gate_of(i % lanes, i / lanes)))
        .collect();
    let trigger: Vec<f32> = (0..frames * lanes)
        .map(|i| high(trigger_of(i % lanes, i / lanes)))
        .collect();
    let params = [
        ("attack", float(0.02)),
        ("decay", float(0.03)),
        ("sustain", float(0.4)),
        ("release", float(0.05)),
    ];
    let poly = harness("AdsrEnvelope", lanes, &params)
        .run_long(&[&trigger, &gate], frames, 37)
        .remove(0);
    for l in 0..lanes {
        let (t, g) = (lane(&trigger, lanes, l), lane(&gate, lanes, l));
        let mono = harness("AdsrEnvelope", 1, &params)
            .run_long(&[&t, &g], frames, 64)
            .remove(0);
        let poly = lane(&poly, lanes, l);
        assert!(poly.contains(&1.0), "lane {l} reaches the peak");
        let bits = |x: &[f32]| x.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&poly), bits(&mono), "lane {l}");
    }
}

#[test]
fn every_filter_lane_has_its_own_cutoff() {
    // Lanes at cutoff_cv 0 and +2 (1 kHz and 4 kHz) filtering the same 2 kHz sine.
    let lanes = 2;
    let frames = 9600;
    let sine: Vec<f32> = (0..frames)
        .flat_map(|n| {
            let x = (std::f64::consts::TAU * 2000.0 * n as f64 / f64::from(SR)).sin() as f32;
            [x, x]
        })
        .collect();
    let cv: Vec<f32> = (0..frames * lanes)
        .map(|i| 2.0 * (i % lanes) as f32)
        .collect();
    let out = harness("ResonantLowpass", lanes, &[])
        .run_long(&[&sine, &cv], frames, 64)
        .remove(0);
    let gain = |l: usize| amplitude_at(&lane(&out, lanes, l)[4800..], 2000.0);
    // Butterworth: |H| = 1 / sqrt(1 + (f / fc)^4).
    assert!((gain(0) - 1.0 / 17f64.sqrt()).abs() < 0.02, "{}", gain(0));
    assert!(
        (gain(1) - 1.0 / (1.0f64 + 1.0 / 16.0).sqrt()).abs() < 0.02,
        "{}",
        gain(1)
    );
}

#[test]
fn spread_spaces_its_lanes_evenly_and_a_mono_spread_is_from() {
    for frames in [1, 3, 37, 512] {
        let out =
            harness("Spread", 5, &[("from", float(-1.0)), ("to", float(1.0))]).run(&[], frames);
        assert_eq!(out[0], [-1.0, -0.5, 0.0, 0.5, 1.0].repeat(frames));
    }
    let out = harness("Spread", 1, &[("from", float(0.25)), ("to", float(9.0))]).run(&[], 4);
    assert_eq!(out[0], [0.25; 4]);
}

#[test]
fn every_seed_module_is_block_size_invariant_with_lanes() {
    let registry = Registry::standard();
    let lanes = 5;
    let total = 6000;
    for module in modules::seed_types()
        .iter()
        .chain(&modules::lanes_and_midi_types())
    {
        let shape = Shape {
            voices: lanes,
            channels: 3,
            length: 4,
        };
        let inputs_count = module.descriptor(shape).inputs.len();
        let inputs: Vec<Vec<f32>> = (0..inputs_count)
            .map(|i| {
                (0..total * lanes)
                    .map(|n| {
                        let frame = n / lanes;
                        let period = 41 + 13 * i + 7 * (n % lanes);
                        let pulse = if (frame / period) % 3 == 0 { 1.0 } else { 0.0 };
                        pulse + 0.1 * ((n * 7919 % 101) as f32 / 101.0 - 0.5)
                    })
                    .collect()
            })
            .collect();
        let slices: Vec<&[f32]> = inputs.iter().map(Vec::as_slice).collect();
        let make = || {
            registry
                .harness(module.name, shape, SR, &[])
                .expect("harness")
        };
        let reference = make().run_long(&slices, total, 1);
        for block in [37, 64, MAX_BLOCK] {
            assert!(
                make().run_long(&slices, total, block) == reference,
                "{} differs with blocks of {block}",
                module.name
            );
        }
    }
}
