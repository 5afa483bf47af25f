//! Per-module cost of the module library (`cargo bench --bench library`).
//!
//! Each benchmark processes one block of 512 frames of one lane (`library/NAME`), with every
//! input fed noise plus gate pulses and every port connected, so criterion reports samples
//! per second per module. `seed/SawtoothOscillator` and `seed/SquareOscillator` (on the same
//! band-limited kernel) sit beside `library/Oscillator` (all four outputs) and
//! `kernel/Oscillator_saw` (only its saw connected, the seed saw's job) for the oscillator
//! cost comparison of issue 9.

use criterion::{Criterion, Throughput};
use patches_tui::modules::{
    library_types, Module, ParamKind, ParamValue, ProcessIo, Registry, Shape, MAX_BLOCK,
};
use std::hint::black_box;

/// Sample rate of every benchmark.
const SAMPLE_RATE: f32 = 48000.0;

/// The shape of every benchmarked node (three channels or rows where a module has them).
const SHAPE: Shape = Shape {
    channels: 3,
    length: 16,
    voices: 1,
};

/// A valid value for each list parameter of the library.
fn sample_list(name: &str) -> ParamValue {
    let items: &[&str] = match name {
        "rows" => &["x..x..x.x..x....", "..X...x.", "x.x.xxx"],
        "degrees" => &["0", "3", "7", "10"],
        "steps" => &["C3", "E3", "G3", "-"],
        "level" => &["1", "0.5", "2"],
        "pan" => &["-1", "0.3", "1"],
        "mute" => &["0", "0", "0"],
        _ => &["0.5", "0", "1"],
    };
    ParamValue::Array(items.iter().map(|s| s.to_string()).collect())
}

/// A module of type `name` with list parameters set, and buffers to run it on.
struct Bench {
    module: Box<dyn Module>,
    /// The buffers the pointers below point into (kept alive, never resized).
    _inputs: Vec<Vec<f32>>,
    outputs: Vec<Vec<f32>>,
    in_ptrs: Vec<*const f32>,
    out_ptrs: Vec<*mut f32>,
}

impl Bench {
    /// `connected_outputs`: which outputs are connected (`None`: all).
    fn new(registry: &Registry, name: &str, connected_outputs: Option<&[bool]>) -> Self {
        let module_type = registry.get(name).expect("registered");
        let descriptor = module_type.descriptor(SHAPE);
        let mut module = module_type.instantiate(SHAPE, SAMPLE_RATE);
        for (index, p) in descriptor.params.iter().enumerate() {
            if matches!(p.kind, ParamKind::Array { .. }) {
                module.set_param(index, &sample_list(p.name));
            }
        }
        let all = vec![true; descriptor.outputs.len()];
        module.set_connectivity(
            &vec![true; descriptor.inputs.len()],
            connected_outputs.unwrap_or(&all),
        );
        let mut state = 0x1234_5678u32;
        let inputs: Vec<Vec<f32>> = (0..descriptor.inputs.len().max(1))
            .map(|i| {
                (0..MAX_BLOCK)
                    .map(|n| {
                        state ^= state << 13;
                        state ^= state >> 17;
                        state ^= state << 5;
                        let gate = if (n / (50 + 7 * i)) % 2 == 0 {
                            1.0
                        } else {
                            0.0
                        };
                        gate + 0.2 * (state as f32 / u32::MAX as f32 - 0.5)
                    })
                    .collect()
            })
            .collect();
        let mut outputs = vec![vec![0.0; MAX_BLOCK]; descriptor.outputs.len()];
        let in_ptrs = inputs.iter().map(|b| b.as_ptr()).collect();
        let out_ptrs = outputs.iter_mut().map(|b| b.as_mut_ptr()).collect();
        Bench {
            module,
            _inputs: inputs,
            outputs,
            in_ptrs,
            out_ptrs,
        }
    }

    fn run(&mut self, position: u64) {
        // SAFETY: every buffer holds MAX_BLOCK floats, they are all distinct and alive.
        let mut io = unsafe {
            ProcessIo::from_raw(&self.in_ptrs, &self.out_ptrs, 0, MAX_BLOCK, 1, position)
        };
        self.module.process(&mut io);
        black_box(&self.outputs);
    }
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    let registry = Registry::standard();
    let library = library_types();
    let mut group = criterion.benchmark_group("modules");
    group.throughput(Throughput::Elements(MAX_BLOCK as u64));
    let names = ["SawtoothOscillator", "SquareOscillator"]
        .into_iter()
        .map(|n| format!("seed/{n}"))
        .chain(library.iter().map(|t| format!("library/{}", t.name)));
    let saw_only = [false, false, true, false];
    for label in names.chain(["kernel/Oscillator_saw".to_string()]) {
        let (name, outputs) = match label.split('/').nth(1).expect("prefixed") {
            "Oscillator_saw" => ("Oscillator", Some(&saw_only[..])),
            name => (name, None),
        };
        let mut bench = Bench::new(&registry, name, outputs);
        let mut position = 0;
        group.bench_function(label.as_str(), |b| {
            b.iter(|| {
                bench.run(position);
                position += MAX_BLOCK as u64;
            })
        });
    }
    group.finish();
    criterion.final_summary();
}
