//! Modules that vouch for their output (`Module::outputs_always_finite`) skip the runtime's
//! scan for NaN, so each of them is held to it here: every module type of the standard
//! registry that says so, at one and three lanes, with default, lowest and highest
//! parameters, fed NaN, the infinities, huge values and edges on every input.

use patches_tui::modules::{ParamKind, ParamValue, Registry, Shape};

const SR: f32 = 48000.0;
/// Frames run per case, in blocks of `BLOCK`.
const FRAMES: usize = 3000;
const BLOCK: usize = 64;

/// Input patterns, frame by frame (the same on every lane but the NaNs, which move).
fn hostile_inputs(lanes: usize) -> Vec<Vec<f32>> {
    let constant = |x: f32| vec![x; FRAMES * lanes];
    let mut patterns = vec![
        constant(f32::NAN),
        constant(f32::INFINITY),
        constant(f32::NEG_INFINITY),
        constant(1e30),
        constant(-1e30),
    ];
    // Gates rising and falling every 100 frames, with a NaN now and then and huge swings.
    patterns.push(
        (0..FRAMES * lanes)
            .map(|i| match (i / lanes) % 100 {
                0..=49 => 1.0,
                50 if i % 7 == 0 => f32::NAN,
                60 => 1e30,
                70 => f32::NEG_INFINITY,
                _ => 0.0,
            })
            .collect(),
    );
    patterns
}

/// Parameter sets: defaults, every float at its lowest, every float at its highest.
fn parameter_sets(
    params: &[patches_tui::modules::ParamDescriptor],
) -> Vec<Vec<(&str, ParamValue)>> {
    let at = |pick: fn(f64, f64) -> f64| {
        params
            .iter()
            .filter_map(|p| match p.kind {
                ParamKind::Float { min, max, .. } => {
                    Some((p.name, ParamValue::Float(pick(min, max))))
                }
                _ => None,
            })
            .collect()
    };
    vec![Vec::new(), at(|min, _| min), at(|_, max| max)]
}

#[test]
fn a_module_that_vouches_for_its_output_never_outputs_nan_or_infinity() {
    let registry = Registry::standard();
    let mut vouching = Vec::new();
    for module_type in registry.types() {
        for lanes in [1, 3] {
            let shape = Shape {
                voices: lanes,
                ..Shape::default()
            };
            let descriptor = module_type.descriptor(shape);
            for params in parameter_sets(&descriptor.params) {
                let mut harness = registry
                    .harness(module_type.name, shape, SR, &params)
                    .expect("harness");
                if !harness.module_mut().outputs_always_finite() {
                    continue;
                }
                vouching.push(module_type.name);
                let patterns = hostile_inputs(lanes);
                // Every pattern on every input at once, and each pattern on each input alone.
                let mut cases: Vec<Vec<&[f32]>> = patterns
                    .iter()
                    .map(|p| vec![p.as_slice(); descriptor.inputs.len()])
                    .collect();
                for (i, p) in patterns.iter().enumerate() {
                    for input in 0..descriptor.inputs.len() {
                        let mut case = vec![
                            patterns[(i + 1) % patterns.len()].as_slice();
                            descriptor.inputs.len()
                        ];
                        case[input] = p;
                        cases.push(case);
                    }
                }
                for inputs in cases {
                    for (o, output) in harness.run_long(&inputs, FRAMES, BLOCK).iter().enumerate() {
                        let bad = output.iter().position(|x| !x.is_finite());
                        assert!(
                            bad.is_none(),
                            "{} ({lanes} lanes, {params:?}): output {o} is {} at sample {}",
                            module_type.name,
                            output[bad.unwrap_or(0)],
                            bad.unwrap_or(0)
                        );
                    }
                }
            }
        }
    }
    for name in ["SawtoothOscillator", "AdsrEnvelope", "Spread"] {
        assert!(vouching.contains(&name), "{name} vouches for its output");
    }
}
