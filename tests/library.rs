//! Registry-wide checks of the module library: the contract names, block-size invariance,
//! lanes, no allocation on the audio thread and finite output for any input in range.

mod library_support;

use library_support::{harness, noise, SR};
use patches_tui::modules::{
    self, Module, ModuleHarness, ParamKind, ParamValue, ProcessIo, Registry, Shape, MAX_BLOCK,
};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count_allocation() {
    let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
}

// SAFETY: forwards to the system allocator; counting touches only a const thread-local.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_allocation();
        System.alloc(layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count_allocation();
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_allocation();
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

/// Library modules: the types of `library_types()` (not the seed set, `Spread` or MIDI).
fn library_names() -> Vec<&'static str> {
    modules::library_types().iter().map(|t| t.name).collect()
}

const SHAPE: Shape = Shape {
    channels: 3,
    length: 16,
    voices: 1,
};

/// A valid value for a list parameter, by name.
fn sample_list(name: &str) -> ParamValue {
    let items: &[&str] = match name {
        "rows" => &["x..x..x.x..x....", "..X...x.", "x.x.xxx"],
        "degrees" => &["0", "3", "7", "10"],
        "level" => &["1", "0.5", "2"],
        "pan" => &["-1", "0.3", "1"],
        "mute" => &["0", "true", "false"],
        "send" => &["0.5", "0", "1"],
        other => panic!("no sample list for `{other}`: add one"),
    };
    ParamValue::Array(items.iter().map(|s| s.to_string()).collect())
}

/// Parameter sets to try per module: defaults (with sample lists), every float and int at
/// its minimum, at its maximum, and each value of each enum.
fn configurations(name: &str) -> Vec<Vec<(&'static str, ParamValue)>> {
    let registry = Registry::standard();
    let d = registry.get(name).unwrap().descriptor(SHAPE);
    let lists: Vec<(&'static str, ParamValue)> = d
        .params
        .iter()
        .filter(|p| matches!(p.kind, ParamKind::Array { .. }))
        .map(|p| (p.name, sample_list(p.name)))
        .collect();
    let extreme = |pick_max: bool| {
        let mut set = lists.clone();
        for p in &d.params {
            match p.kind {
                ParamKind::Float { min, max, .. } => {
                    set.push((p.name, ParamValue::Float(if pick_max { max } else { min })))
                }
                ParamKind::Int { min, max, .. } => {
                    set.push((p.name, ParamValue::Int(if pick_max { max } else { min })))
                }
                _ => {}
            }
        }
        set
    };
    let mut sets = vec![lists.clone(), extreme(false), extreme(true)];
    for p in &d.params {
        if let ParamKind::Enum { variants, .. } = p.kind {
            for v in variants {
                let mut set = lists.clone();
                set.push((p.name, ParamValue::Enum(v.to_string())));
                sets.push(set);
            }
        }
    }
    sets
}

fn input_count(name: &str, shape: Shape) -> usize {
    Registry::standard()
        .get(name)
        .unwrap()
        .descriptor(shape)
        .inputs
        .len()
}

/// Input `i` of `lanes` lanes: gate pulses of a period per input and lane, plus noise, all
/// in [-1.25, 1.25].
fn test_input(i: usize, lanes: usize, total: usize) -> Vec<f32> {
    let n = noise(100 + i as u64, total * lanes);
    (0..total * lanes)
        .map(|k| {
            let (frame, lane) = (k / lanes, k % lanes);
            let period = 53 + 31 * i + 17 * lane;
            let pulse = if (frame / period).is_multiple_of(3) {
                1.0
            } else {
                0.0
            };
            pulse + 0.25 * n[k]
        })
        .collect()
}

fn run_in_blocks(h: &mut ModuleHarness, inputs: &[Vec<f32>], blocks: &[usize]) -> Vec<Vec<f32>> {
    let lanes = h.lanes();
    let total = inputs[0].len() / lanes;
    let mut result: Vec<Vec<f32>> = Vec::new();
    let mut done = 0;
    for &block in blocks.iter().cycle() {
        if done == total {
            break;
        }
        let n = block.min(total - done);
        let slices: Vec<&[f32]> = inputs
            .iter()
            .map(|x| &x[done * lanes..(done + n) * lanes])
            .collect();
        let out = h.run(&slices, n);
        result.resize(out.len(), Vec::new());
        for (acc, o) in result.iter_mut().zip(out) {
            acc.extend_from_slice(&o);
        }
        done += n;
    }
    result
}

#[test]
fn the_standard_registry_has_at_least_40_modules_with_the_contract_names() {
    let registry = Registry::standard();
    // The seed set is unchanged and comes first.
    let seed: Vec<&str> = Registry::seed().names().collect();
    let all: Vec<&str> = registry.names().collect();
    assert_eq!(&all[..seed.len()], &seed[..]);
    assert!(all.len() >= 44, "{} modules: {all:?}", all.len());
    for name in [
        "Noise",
        "Lfo",
        "Svf",
        "Ladder",
        "Kick",
        "Snare",
        "HiHat",
        "Clap",
        "Delay",
        "Reverb",
        "Chorus",
        "Mixer",
        "Pan",
        "Quantizer",
        "SampleAndHold",
        "Slew",
        "ClockDivider",
        "EuclideanSequencer",
        "Compressor",
        "Limiter",
        "Drive",
        "Oscillator",
        "PingPongDelay",
        "Bitcrusher",
        "Crossfade",
        "Constant",
        "Attenuverter",
        "Math",
        "DrumSequencer",
        "Tom",
        "Rimshot",
        "Cowbell",
    ] {
        assert!(registry.get(name).is_some(), "missing {name}");
    }
    let ports = |name: &str| {
        let d = registry.get(name).unwrap().descriptor(Shape::default());
        (d.input_labels(), d.output_labels())
    };
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(ports("Noise").1, s(&["white", "pink"]));
    assert_eq!(ports("Delay"), (s(&["in"]), s(&["out"])));
    assert_eq!(
        ports("Reverb"),
        (s(&["left", "right"]), s(&["left", "right"]))
    );
    assert_eq!(
        ports("Svf").1,
        s(&["lowpass", "bandpass", "highpass", "notch"])
    );
    assert_eq!(ports("Kick"), (s(&["trigger", "accent"]), s(&["out"])));
    assert_eq!(ports("HiHat").0, s(&["trigger", "accent", "choke"]));
    assert_eq!(ports("Compressor").0, s(&["in", "sidechain"]));
    assert_eq!(&ports("Mixer").1[..2], &s(&["left", "right"])[..]);
    assert_eq!(
        ports("Oscillator").1,
        s(&["sine", "triangle", "saw", "pulse"])
    );
    for (module, params) in [
        ("Kick", &["tune", "decay"][..]),
        ("Delay", &["time_ms", "feedback", "mix", "tone"]),
        ("Reverb", &["decay", "damping", "mix", "pre_delay"]),
        ("EuclideanSequencer", &["steps", "pulses", "rotation"]),
        ("Quantizer", &["scale", "root"]),
        ("Lfo", &["shape", "rate"]),
        ("Mixer", &["level", "pan", "mute", "send"]),
    ] {
        let d = registry.get(module).unwrap().descriptor(Shape::default());
        for p in params {
            assert!(d.param_index(p).is_some(), "{module} lacks {p}");
        }
    }
}

#[test]
fn every_library_descriptor_documents_its_ports_and_params() {
    let registry = Registry::standard();
    for name in library_names() {
        let d = registry.get(name).unwrap().descriptor(SHAPE);
        assert!(!d.doc.is_empty(), "{name}");
        for p in d.inputs.iter().chain(&d.outputs) {
            assert!(!p.doc.is_empty(), "{name}.{}", p.name);
        }
        for p in &d.params {
            assert!(!p.doc.is_empty(), "{name}.{}", p.name);
            assert!(
                p.accept(&p.default_value()).is_ok(),
                "{name}.{} default",
                p.name
            );
        }
    }
}

#[test]
fn every_library_module_is_block_size_invariant_and_finite() {
    let total = 6000;
    for name in library_names() {
        for params in configurations(name) {
            let inputs: Vec<Vec<f32>> = (0..input_count(name, SHAPE).max(1))
                .map(|i| test_input(i, 1, total))
                .collect();
            let reference = run_in_blocks(&mut harness(name, SHAPE, &params), &inputs, &[1]);
            assert!(
                reference.iter().flatten().all(|v| v.is_finite()),
                "{name} {params:?}: non-finite output"
            );
            for blocks in [&[37][..], &[64], &[MAX_BLOCK], &[1, 37, 64]] {
                let out = run_in_blocks(&mut harness(name, SHAPE, &params), &inputs, blocks);
                assert!(
                    out == reference,
                    "{name} {params:?} differs with blocks {blocks:?}"
                );
            }
        }
    }
}

#[test]
fn every_library_module_makes_signal_with_default_params() {
    let total = 20000;
    for name in library_names() {
        let params = configurations(name).remove(0);
        let inputs: Vec<Vec<f32>> = (0..input_count(name, SHAPE).max(1))
            .map(|i| test_input(i, 1, total))
            .collect();
        let out = run_in_blocks(&mut harness(name, SHAPE, &params), &inputs, &[64]);
        assert!(
            out.iter().flatten().any(|&v| v != 0.0),
            "{name} produced only zeros"
        );
    }
}

/// Modules whose lanes draw different random numbers (lane 0 matches mono, the others
/// differ by design).
const RANDOM_PER_LANE: &[&str] = &[
    "Noise",
    "Lfo",
    "Kick",
    "Tom",
    "Snare",
    "Clap",
    "SampleAndHold",
];

#[test]
fn lanes_are_independent_voices() {
    let (total, lanes) = (3000, 4);
    for name in library_names() {
        for params in configurations(name) {
            let poly_shape = Shape {
                voices: lanes,
                ..SHAPE
            };
            let count = input_count(name, SHAPE).max(1);
            let inputs: Vec<Vec<f32>> = (0..count).map(|i| test_input(i, lanes, total)).collect();
            let poly = run_in_blocks(&mut harness(name, poly_shape, &params), &inputs, &[64]);
            let checked = if RANDOM_PER_LANE.contains(&name) {
                1
            } else {
                lanes
            };
            for lane in 0..checked {
                let mono_inputs: Vec<Vec<f32>> = inputs
                    .iter()
                    .map(|x| x.iter().skip(lane).step_by(lanes).copied().collect())
                    .collect();
                let mono = run_in_blocks(&mut harness(name, SHAPE, &params), &mono_inputs, &[64]);
                for (o, (p, m)) in poly.iter().zip(&mono).enumerate() {
                    let lane_out: Vec<f32> = p.iter().skip(lane).step_by(lanes).copied().collect();
                    assert!(
                        &lane_out == m,
                        "{name} {params:?}: output {o} lane {lane} differs from a mono run"
                    );
                }
            }
        }
    }
}

#[test]
fn large_and_odd_inputs_give_finite_output() {
    let total = 4096;
    for name in library_names() {
        let params = configurations(name).remove(0);
        let count = input_count(name, SHAPE).max(1);
        for (k, scale) in [10.0f32, 1000.0].into_iter().enumerate() {
            let inputs: Vec<Vec<f32>> = (0..count)
                .map(|i| {
                    noise(7 + (i + k) as u64, total)
                        .iter()
                        .map(|v| v * scale)
                        .collect()
                })
                .collect();
            let out = run_in_blocks(&mut harness(name, SHAPE, &params), &inputs, &[64]);
            assert!(
                out.iter().flatten().all(|v| v.is_finite()),
                "{name}: non-finite output for inputs up to {scale}"
            );
        }
    }
}

#[test]
fn audio_thread_methods_do_not_allocate() {
    let registry = Registry::standard();
    for name in library_names() {
        for lanes in [1, 4] {
            for params in configurations(name) {
                let shape = Shape {
                    voices: lanes,
                    ..SHAPE
                };
                let module_type = registry.get(name).unwrap();
                let descriptor = module_type.descriptor(shape);
                let mut module: Box<dyn Module> = module_type.instantiate(shape, SR);
                let values: Vec<(usize, ParamValue)> = params
                    .iter()
                    .map(|(p, v)| (descriptor.param_index(p).unwrap(), v.clone()))
                    .collect();
                let inputs: Vec<Vec<f32>> = (0..descriptor.inputs.len().max(1))
                    .map(|i| test_input(i, lanes, MAX_BLOCK))
                    .collect();
                let mut outputs = vec![vec![0.0f32; MAX_BLOCK * lanes]; descriptor.outputs.len()];
                let in_ptrs: Vec<*const f32> = inputs.iter().map(|b| b.as_ptr()).collect();
                let out_ptrs: Vec<*mut f32> = outputs.iter_mut().map(|b| b.as_mut_ptr()).collect();
                for connected in [true, false] {
                    let ins = vec![connected; descriptor.inputs.len()];
                    let outs = vec![connected; descriptor.outputs.len()];
                    let before = allocations();
                    for (index, value) in &values {
                        module.set_param(*index, value);
                    }
                    module.set_connectivity(&ins, &outs);
                    for block in 0..4 {
                        // SAFETY: every buffer holds MAX_BLOCK * lanes floats, all distinct.
                        let mut io = unsafe {
                            ProcessIo::from_raw(
                                &in_ptrs,
                                &out_ptrs,
                                0,
                                MAX_BLOCK,
                                lanes,
                                block * MAX_BLOCK as u64,
                            )
                        };
                        module.process(&mut io);
                    }
                    assert_eq!(
                        allocations(),
                        before,
                        "{name} allocated on the audio thread"
                    );
                }
            }
        }
    }
}
