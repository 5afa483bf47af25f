//! True silence: decaying state reaches exactly zero and no subnormal number ever reaches a
//! buffer. The modules snap tiny state to zero themselves (no flush-to-zero CPU mode), so the
//! result is the same on every platform.

mod support;

use patches_tui::engine::{Cable, ModuleGraph, Node, OfflineRenderer, StereoBuffer};
use patches_tui::modules::{ParamValue, Registry, Shape};
use support::{test_registry, valid};

const SR: f32 = 48000.0;

fn subnormals(x: &[f32]) -> usize {
    x.iter().filter(|v| v.is_subnormal()).count()
}

/// A resonant lowpass rung once by an impulse, 10 s, through the whole engine.
#[test]
fn a_resonant_filter_rung_once_decays_to_exact_zero_without_subnormals() {
    for (cutoff, voices) in [(200.0, 1), (30.0, 1), (5000.0, 3)] {
        let graph = ModuleGraph::new()
            .with_node(Node::new("imp", "Impulse"))
            .with_node(
                Node::new("lp", "ResonantLowpass")
                    .with_voices(voices)
                    .with_param("cutoff", ParamValue::Float(cutoff))
                    .with_param("resonance", ParamValue::Float(1.0)),
            )
            .with_node(Node::new("out", "AudioOut"))
            .with_cable(Cable::new("imp", "out", "lp", "in"))
            .with_cable(Cable::new("lp", "out", "out", "left"))
            .with_cable(Cable::new("lp", "out", "out", "right").with_scale(1e-3));
        let mut renderer = OfflineRenderer::new(SR, 64);
        renderer.commit(valid(&graph, &test_registry()));
        let mut out = StereoBuffer::default();
        renderer.render_into(&mut out, 10 * SR as usize);
        assert!(out.left[..100].iter().any(|&x| x != 0.0), "it rings");
        assert_eq!(subnormals(&out.left), 0, "{cutoff} Hz: subnormal samples");
        assert_eq!(
            subnormals(&out.right),
            0,
            "{cutoff} Hz, scaled: subnormal samples"
        );
        let silent_from = out
            .left
            .iter()
            .rposition(|&x| x != 0.0)
            .map_or(0, |i| i + 1);
        assert!(
            silent_from < 9 * SR as usize,
            "{cutoff} Hz: exact zero from frame {silent_from} on"
        );
    }
}

/// The module's own output, not only what reaches the device, is free of subnormals, for a
/// filter and for a glide falling to 0.
#[test]
fn filter_and_glide_outputs_never_hold_a_subnormal() {
    let registry = Registry::seed();
    let frames = 10 * SR as usize;
    let mut impulse = vec![0.0f32; frames];
    impulse[0] = 1.0;
    let mut filter = registry
        .harness(
            "ResonantLowpass",
            Shape::default(),
            SR,
            &[
                ("resonance", ParamValue::Float(0.9)),
                ("cutoff", ParamValue::Float(50.0)),
            ],
        )
        .expect("filter");
    let out = filter.run_long(&[&impulse], frames, 512).remove(0);
    assert_eq!(subnormals(&out), 0);
    assert_eq!(*out.last().unwrap(), 0.0);

    let mut step = vec![0.0f32; frames];
    step[..100].fill(1.0);
    let mut glide = registry
        .harness(
            "Glide",
            Shape::default(),
            SR,
            &[("glide_ms", ParamValue::Float(50.0))],
        )
        .expect("glide");
    let out = glide.run_long(&[&step], frames, 64).remove(0);
    assert!(out[200] > 0.0, "it glides down");
    assert_eq!(subnormals(&out), 0);
    assert_eq!(*out.last().unwrap(), 0.0, "and lands on exactly 0");
}
