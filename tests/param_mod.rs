//! Modulated parameters: `frequency: {mod: NODE.OUTPUT, from: A, to: B}` sets a float
//! parameter from a node output every 32 frames at absolute positions.

mod support;

use patches_tui::dsl;
use patches_tui::engine::{render, OfflineRenderer, StereoBuffer, ValidGraph, MOD_INTERVAL};
use patches_tui::modules::{
    Layout, Module, ModuleType, ParamDescriptor, ParamKind, ParamValue, PortDescriptor, ProcessIo,
    Registry, ShapeUse,
};

const SR: f32 = 48000.0;

fn load(text: &str) -> ValidGraph {
    match dsl::load(text, &Registry::standard()) {
        Ok(patch) => patch.valid,
        Err(errors) => panic!("{errors:?}"),
    }
}

fn errors(text: &str) -> Vec<String> {
    match dsl::load(text, &Registry::standard()) {
        Ok(_) => panic!("expected errors for:\n{text}"),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

/// A sine whose frequency follows `source.out` (`source` given as its node text).
fn patch(source: &str, modulation: &str) -> String {
    format!(
        "nodes:
  src: {source}
  osc:
    module: SineOscillator
    params:
      frequency: {modulation}
  out:
    module: AudioOut
cables:
  - osc.out -> out.left
"
    )
}

fn play(text: &str, seconds: f64, block: usize) -> StereoBuffer {
    render(
        load(text),
        vec![],
        (seconds * SR as f64) as u64,
        SR,
        block,
        |_, _| {},
    )
}

#[test]
fn a_constant_source_sets_the_pitch_between_from_and_to() {
    let text = patch(
        "{module: Constant, params: {value: 0.25}}",
        "{mod: src.out, from: 200, to: 1000}",
    );
    let out = play(&text, 0.5, 64);
    let hz = support::frequency(&out.left, SR as f64);
    // 200 + (1000 - 200) * 0.25 = 400 Hz.
    assert!((hz - 400.0).abs() < 400.0 * 0.003, "{hz} Hz");
}

#[test]
fn the_value_is_clamped_to_the_parameter_range() {
    // 100 + (1000 - 100) * -1 = -800 Hz: clamped to the bottom of `frequency` (0.01 Hz), so
    // the sine barely leaves 0 (sin(2 pi 0.01 0.2) = 0.0126).
    let text = patch(
        "{module: Constant, params: {value: -1}}",
        "{mod: src.out, from: 100, to: 1000}",
    );
    let out = play(&text, 0.2, 64);
    let peak = out.left.iter().fold(0f32, |m, x| m.max(x.abs()));
    assert!(peak < 0.02, "peak {peak}");
}

fn ramp_patch() -> String {
    // The unipolar saw of an Lfo at 0.5 Hz rises from 0 to 1 over 2 s.
    patch(
        "{module: Lfo, params: {shape: saw, rate: 0.5}}",
        "{mod: src.unipolar, from: 200, to: 1000}",
    )
}

#[test]
fn a_rising_source_raises_the_pitch() {
    let out = play(&ramp_patch(), 1.9, 64);
    let window = |from: f64, to: f64| {
        let (a, b) = ((from * SR as f64) as usize, (to * SR as f64) as usize);
        support::frequency(&out.left[a..b], SR as f64)
    };
    // The saw is at 0.5 * t: 200 + 800 * 0.5 * t Hz, 260 Hz at t = 0.15, 840 Hz at 1.6.
    let early = window(0.1, 0.2);
    let late = window(1.55, 1.65);
    assert!((early - 260.0).abs() < 260.0 * 0.02, "early {early} Hz");
    assert!((late - 840.0).abs() < 840.0 * 0.02, "late {late} Hz");
}

#[test]
fn renders_are_bit_identical_whatever_the_block_size() {
    let reference = play(&ramp_patch(), 0.5, 512);
    for block in [1, 37, 64] {
        let out = play(&ramp_patch(), 0.5, block);
        assert!(
            out.left == reference.left,
            "block {block} differs from block 512"
        );
    }
}

#[test]
fn a_modulated_target_inside_a_feedback_loop_is_block_size_independent() {
    // The target runs sample by sample (its output feeds back into its own voct); the
    // source is outside the loop.
    let text = "nodes:
  src: {module: Lfo, params: {shape: saw, rate: 2}}
  osc:
    module: SineOscillator
    params:
      frequency: {mod: src.unipolar, from: 300, to: 600}
  out:
    module: AudioOut
cables:
  - \"osc.out -> osc.voct * 0.1\"
  - osc.out -> out.left
";
    let reference = play(text, 0.3, 512);
    for block in [1, 37] {
        assert!(
            play(text, 0.3, block).left == reference.left,
            "block {block}"
        );
    }
}

#[test]
fn a_modulated_node_keeps_its_state_across_commits() {
    let first = patch(
        "{module: Constant, params: {value: 0.5}}",
        "{mod: src.out, from: 200, to: 1000}",
    );
    let second = patch(
        "{module: Constant, params: {value: 0.5}}",
        "{mod: src.out, from: 200, to: 2000}",
    );
    let mut renderer = OfflineRenderer::new(SR, 64);
    renderer.commit(load(&first));
    let mut out = StereoBuffer::default();
    renderer.render_into(&mut out, 4800);
    let summary = renderer.commit(load(&second));
    assert_eq!(summary.changed, vec!["osc".to_string()]);
    assert!(summary.added.is_empty(), "{summary:?}");
    renderer.render_into(&mut out, 9600);
    // No phase jump: neighbouring samples of a 600..1100 Hz sine differ by at most
    // 2 * pi * 1100 / 48000 = 0.144.
    let jump = out
        .left
        .windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0f32, f32::max);
    assert!(jump < 0.15, "jump {jump}");
    // After the commit the pitch is 200 + 1800 * 0.5 = 1100 Hz.
    let hz = support::frequency(&out.left[4800 + 960..], SR as f64);
    assert!((hz - 1100.0).abs() < 1100.0 * 0.003, "{hz} Hz");
}

#[test]
fn removing_the_modulation_gives_the_written_value_back() {
    let modulated = patch(
        "{module: Constant, params: {value: 1}}",
        "{mod: src.out, from: 440, to: 880}",
    );
    let plain = patch("{module: Constant, params: {value: 1}}", "440");
    let mut renderer = OfflineRenderer::new(SR, 64);
    renderer.commit(load(&modulated));
    let mut out = StereoBuffer::default();
    renderer.render_into(&mut out, 4800);
    let hz = support::frequency(&out.left[480..4800], SR as f64);
    assert!((hz - 880.0).abs() < 880.0 * 0.003, "modulated {hz} Hz");
    renderer.commit(load(&plain));
    renderer.render_into(&mut out, 4800);
    let hz = support::frequency(&out.left[4800 + 480..], SR as f64);
    assert!((hz - 440.0).abs() < 440.0 * 0.003, "plain {hz} Hz");
}

#[test]
fn the_writer_keeps_the_modulation() {
    let (graph, _) = dsl::parse(&ramp_patch()).unwrap();
    let text = dsl::to_yaml(&graph);
    assert!(text.contains("mod: src.unipolar"), "{text}");
    let (again, _) = dsl::parse(&text).unwrap();
    assert_eq!(again, graph);
}

#[test]
fn bad_modulations_get_located_errors() {
    let source = "{module: Lfo, params: {shape: saw}}";
    let cases = [
        (
            patch(source, "{mod: scr.out, from: 200, to: 1000}"),
            "6:24: `frequency` of node `osc` is modulated by missing node `scr` (did you mean `src`?)",
        ),
        (
            patch(source, "{mod: src.outt, from: 200, to: 1000}"),
            "6:28: unknown output `outt` on Lfo node `src` (did you mean `out`?); expected one of out, unipolar",
        ),
        (
            patch(source, "{mod: \"src.outt\", from: 200, to: 1000}"),
            "6:29: unknown output `outt` on Lfo node `src` (did you mean `out`?); expected one of out, unipolar",
        ),
        (
            patch(source, "{mod: src, from: 200, to: 1000}"),
            "6:24: `mod` of the modulation of `frequency` of node `osc` must be a node output such as `lfo.out`, found the string `src`",
        ),
        (
            patch(source, "{mod: src.out, from: low, to: 1000}"),
            "6:39: `from` of the modulation of `frequency` of node `osc` must be a number, found the string `low`",
        ),
        (
            patch(source, "{mod: src.out, from: 200, to: 30000}"),
            "6:48: node `osc`: `to` of the modulation: 30000 is out of range for `frequency` (expected float 0.01..20000 Hz)",
        ),
        (
            patch(source, "{mod: src.out, from: 200}"),
            "6:18: the modulation of `frequency` of node `osc` has no `to`: write `{mod: NODE.OUT, from: A, to: B}`",
        ),
        (
            patch(source, "{mod: src.out, form: 200, to: 1000}"),
            "6:33: unknown field `form` in the modulation of `frequency` of node `osc` (did you mean `from`?); expected one of mod, from, to",
        ),
    ];
    let missed: Vec<String> = cases
        .iter()
        .filter_map(|(text, expected)| {
            let found = errors(text);
            (!found.iter().any(|e| e == expected))
                .then(|| format!("expected `{expected}`, found {found:?}"))
        })
        .collect();
    assert!(missed.is_empty(), "{missed:#?}");
}

#[test]
fn only_float_parameters_can_be_modulated() {
    let text = "nodes:
  src: {module: Lfo}
  lfo2:
    module: Lfo
    params:
      shape: {mod: src.out, from: 0, to: 1}
  out:
    module: AudioOut
";
    let found = errors(text);
    assert!(
        found
            .iter()
            .any(|e| e.starts_with("6:20: node `lfo2`: `shape` cannot be modulated")),
        "{found:?}"
    );
}

#[test]
fn a_modulation_cannot_close_a_loop() {
    let text = "nodes:
  osc:
    module: SineOscillator
    params:
      frequency: {mod: osc.out, from: 200, to: 400}
  out:
    module: AudioOut
cables:
  - osc.out -> out.left
";
    let found = errors(text);
    assert!(
        found.iter().any(|e| e.starts_with(
            "5:24: `frequency` of node `osc` is modulated by `osc`, which `osc` itself feeds"
        )),
        "{found:?}"
    );
}

#[test]
fn a_midi_knob_sets_the_pitch_through_a_modulation() {
    use patches_tui::midi::{MidiEvent, MidiMessage};
    let text = patch(
        "{module: MidiCc, params: {cc: 74}}",
        "{mod: src.out, from: 200, to: 1000}",
    );
    let turn = MidiEvent {
        time: 0,
        message: MidiMessage::ControlChange {
            channel: 0,
            controller: 74,
            value: 64,
        },
    };
    let mut renderer = OfflineRenderer::new(SR, 37);
    renderer.queue_midi(&[turn]);
    renderer.commit(load(&text));
    let mut out = StereoBuffer::default();
    renderer.render_into(&mut out, 24000);
    // Once the knob's smoothing settles: 200 + 800 * 64 / 127 = 603.15 Hz.
    let hz = support::frequency(&out.left[9600..], SR as f64);
    let expected = 200.0 + 800.0 * 64.0 / 127.0;
    assert!((hz - expected).abs() < expected * 0.003, "{hz} Hz");
}

/// `Probe`: outputs its `value` parameter on `value`, and on `calls` the number of
/// `set_param` calls it had, / 1024.
struct Probe {
    value: f32,
    calls: f32,
}

impl Module for Probe {
    fn set_param(&mut self, _index: usize, value: &ParamValue) {
        self.value = value.as_f64().unwrap_or(0.0) as f32;
        self.calls += 1.0;
    }
    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let (value, calls) = (self.value, self.calls / 1024.0);
        let [v, c] = io.outputs::<2>();
        v.fill(value);
        c.fill(calls);
    }
}

fn probe_registry() -> Registry {
    let mut registry = Registry::standard();
    registry.register(ModuleType {
        name: "Probe",
        doc: "shows its parameter and how often it was set",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![],
            outputs: vec![
                PortDescriptor::new("value", "the parameter"),
                PortDescriptor::new("calls", "set_param calls / 1024"),
            ],
            params: vec![ParamDescriptor {
                name: "value",
                kind: ParamKind::Float {
                    min: 0.0,
                    max: 1.0,
                    default: 0.0,
                    unit: "",
                },
                doc: "shown on `value`",
            }],
        },
        create: |_, _| {
            Box::new(Probe {
                value: 0.0,
                calls: 0.0,
            })
        },
    });
    registry
}

/// The probe's value (left) and set_param count (right) with `value` following `output` of
/// the node `source`.
fn probe((source, output): (&str, &str), frames: u64, block: usize) -> (Vec<f32>, Vec<usize>) {
    let text = format!(
        "nodes:
  src: {source}
  p:
    module: Probe
    params:
      value: {{mod: src.{output}, from: 0, to: 1}}
  out:
    module: AudioOut
cables:
  - p.value -> out.left
  - p.calls -> out.right
"
    );
    let graph = match dsl::load(&text, &probe_registry()) {
        Ok(patch) => patch.valid,
        Err(errors) => panic!("{errors:?}"),
    };
    let out = render(graph, vec![], frames, SR, block, |_, _| {});
    let calls = out
        .right
        .iter()
        .map(|c| (c * 1024.0).round() as usize)
        .collect();
    (out.left, calls)
}

#[test]
fn the_parameter_is_set_at_multiples_of_32_frames_and_only_when_it_changed() {
    // A saw moves every sample: the value holds for 32 frames from each multiple of 32, and
    // each boundary sets it once, whatever the block size.
    let saw = ("{module: Lfo, params: {shape: saw, rate: 5}}", "unipolar");
    let (values, calls) = probe(saw, 4096, 512);
    for segment in values.chunks(MOD_INTERVAL) {
        assert!(segment.iter().all(|v| *v == segment[0]), "{segment:?}");
    }
    let steps = values.chunks(MOD_INTERVAL).collect::<Vec<_>>();
    assert!(
        steps.windows(2).all(|w| w[1][0] > w[0][0]),
        "rises at each boundary"
    );
    let per_boundary: Vec<usize> = calls.iter().step_by(MOD_INTERVAL).copied().collect();
    assert!(
        per_boundary.windows(2).all(|w| w[1] == w[0] + 1),
        "one call per boundary: {per_boundary:?}"
    );
    for block in [1, 37, 64] {
        assert_eq!(
            probe(saw, 4096, block),
            (values.clone(), calls.clone()),
            "block {block}"
        );
    }
    // A constant: set once, never again.
    let (_, calls) = probe(
        ("{module: Spread, params: {from: 0.5, to: 0.5}}", "out"),
        4096,
        64,
    );
    assert_eq!(calls[MOD_INTERVAL], calls[4095], "a constant is set once");
}
