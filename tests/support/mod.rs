//! Test-only module types that make engine behaviour easy to measure.
#![allow(dead_code)]

use patches_tui::engine::{validate, Cable, ModuleGraph, Node, ValidGraph};
use patches_tui::modules::{
    Layout, Module, ModuleType, ParamDescriptor, ParamKind, ParamValue, PortDescriptor, ProcessIo,
    Registry, ShapeUse,
};
use std::sync::Mutex;

/// `Ramp`: outputs `offset` + the number of samples it has processed (its state).
struct Ramp {
    count: f32,
    offset: f32,
}

impl Module for Ramp {
    fn set_param(&mut self, _index: usize, value: &ParamValue) {
        self.offset = value.as_f64().unwrap_or(0.0) as f32;
    }
    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let offset = self.offset;
        for o in io.output(0) {
            *o = self.count + offset;
            self.count += 1.0;
        }
    }
}

/// `Pass`: output = input (plus `gain` times nothing else).
struct Pass;

impl Module for Pass {
    fn set_param(&mut self, _index: usize, _value: &ParamValue) {}
    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let input = io.input(0);
        io.output(0).copy_from_slice(input);
    }
}

/// `Impulse`: 1.0 at its first sample, then 0.
struct Impulse {
    fired: bool,
}

impl Module for Impulse {
    fn set_param(&mut self, _index: usize, _value: &ParamValue) {}
    fn process(&mut self, io: &mut ProcessIo<'_>) {
        for o in io.output(0) {
            *o = if self.fired { 0.0 } else { 1.0 };
            self.fired = true;
        }
    }
}

/// Threads on which `Tracer` instances were dropped.
pub static TRACER_DROPS: Mutex<Vec<std::thread::ThreadId>> = Mutex::new(Vec::new());

/// `Tracer`: outputs zero and records the thread it is dropped on.
struct Tracer;

impl Module for Tracer {
    fn set_param(&mut self, _index: usize, _value: &ParamValue) {}
    fn process(&mut self, io: &mut ProcessIo<'_>) {
        io.output(0).fill(0.0);
    }
}

impl Drop for Tracer {
    fn drop(&mut self) {
        TRACER_DROPS
            .lock()
            .unwrap()
            .push(std::thread::current().id());
    }
}

fn one_in_one_out(_: patches_tui::modules::Shape) -> Layout {
    Layout {
        inputs: vec![PortDescriptor::new("in", "input")],
        outputs: vec![PortDescriptor::new("out", "output")],
        params: vec![],
    }
}

/// The standard registry (seed and library) plus `Ramp`, `Pass`, `Impulse` and `Tracer`.
pub fn test_registry() -> Registry {
    let mut registry = Registry::standard();
    registry.register(ModuleType {
        name: "Ramp",
        doc: "sample counter",
        shape_use: ShapeUse {
            channels: false,
            length: true,
        },
        describe: |_| Layout {
            inputs: vec![],
            outputs: vec![PortDescriptor::new("out", "count")],
            params: vec![ParamDescriptor {
                name: "offset",
                kind: ParamKind::Float {
                    min: -1e6,
                    max: 1e6,
                    default: 0.0,
                    unit: "",
                },
                doc: "added to the count",
            }],
        },
        create: |_, _| {
            Box::new(Ramp {
                count: 0.0,
                offset: 0.0,
            })
        },
    });
    registry.register(ModuleType {
        name: "Pass",
        doc: "identity",
        shape_use: ShapeUse::default(),
        describe: one_in_one_out,
        create: |_, _| Box::new(Pass),
    });
    registry.register(ModuleType {
        name: "Impulse",
        doc: "one impulse",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![],
            outputs: vec![PortDescriptor::new("out", "impulse")],
            params: vec![],
        },
        create: |_, _| Box::new(Impulse { fired: false }),
    });
    registry.register(ModuleType {
        name: "Tracer",
        doc: "records its drop thread",
        shape_use: ShapeUse::default(),
        describe: one_in_one_out,
        create: |_, _| Box::new(Tracer),
    });
    registry
}

/// Validates a graph that must be valid.
pub fn valid(graph: &ModuleGraph, registry: &Registry) -> ValidGraph {
    match validate(graph, registry) {
        Ok(v) => v,
        Err(errors) => panic!("invalid test graph: {errors:?}"),
    }
}

/// The example sets in `patches/` (every `.yaml` file), sorted by name.
pub fn example_files() -> Vec<std::path::PathBuf> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/patches");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("patches/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
}

/// The graphs of every example set in `patches/`.
pub fn example_graphs() -> Vec<ModuleGraph> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/patches");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("patches/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| {
            let text = std::fs::read_to_string(path).expect("readable example");
            patches_tui::dsl::load(&text, &Registry::standard())
                .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()))
                .graph
        })
        .collect()
}

/// Frequency in Hz of `x` (at `sample_rate`) from its rising zero crossings: crossings
/// counted between the first and the last one.
pub fn frequency(x: &[f32], sample_rate: f64) -> f64 {
    let ups: Vec<usize> = (1..x.len())
        .filter(|&i| x[i - 1] < 0.0 && x[i] >= 0.0)
        .collect();
    let (first, last) = (ups[0], ups[ups.len() - 1]);
    (ups.len() - 1) as f64 * sample_rate / (last - first) as f64
}

/// The largest sample-to-sample step of `x`.
pub fn largest_step(x: &[f32]) -> f32 {
    x.windows(2)
        .map(|w| (w[1] - w[0]).abs())
        .fold(0.0, f32::max)
}

/// The issues' click measure: the largest step in the 20 ms (at 48 kHz) after frame `at`
/// over the larger steady step in the 20 ms before it and in 20 ms well after a fade.
pub fn step_ratio(x: &[f32], at: usize) -> f32 {
    let window = 960;
    let after = largest_step(&x[at - 1..at + window]);
    let before = largest_step(&x[at - window..at]);
    let later = largest_step(&x[at + 2 * window..at + 3 * window]);
    after / before.max(later)
}

/// A 110 Hz sine into the left output (seed modules).
pub fn sine_graph() -> ValidGraph {
    let text =
        "nodes:\n  osc:\n    module: SineOscillator\n    params:\n      frequency: 110.0\n  \
                out:\n    module: AudioOut\ncables:\n  - osc.out -> out.left\n";
    patches_tui::dsl::load(text, &Registry::seed())
        .expect("valid")
        .valid
}

/// A feedback loop fed one impulse: `imp -> a`, `a -> b` (x0.5), `b -> a` closes the loop,
/// and `a` plays on the left, so that `a[n] = 0.5^n` and `b[n] = 0.5^(n+1)`.
pub fn feedback_patch() -> ModuleGraph {
    ModuleGraph::new()
        .with_node(Node::new("imp", "Impulse"))
        .with_node(Node::new("a", "Pass"))
        .with_node(Node::new("b", "Pass"))
        .with_node(Node::new("out", "AudioOut"))
        .with_cable(Cable::new("imp", "out", "a", "in"))
        .with_cable(Cable::new("a", "out", "b", "in").with_scale(0.5))
        .with_cable(Cable::new("b", "out", "a", "in"))
        .with_cable(Cable::new("a", "out", "out", "left"))
}
