//! The benchmarks' patches (`benches/common`) stay valid and play what they claim: the
//! benches themselves only run under `cargo bench`, so a patch they can no longer build would
//! otherwise go unnoticed until someone measures.

#[path = "../benches/common/generated.rs"]
#[allow(dead_code)]
mod generated;
#[path = "../benches/common/voices.rs"]
#[allow(dead_code)]
mod voices;

use patches_tui::engine::{validate, OfflineRenderer, StereoBuffer, ValidGraph};
use patches_tui::modules::Registry;

const SAMPLE_RATE: f32 = 48000.0;

fn rms(graph: ValidGraph, frames: usize) -> f32 {
    let mut renderer = OfflineRenderer::new(SAMPLE_RATE, 512);
    renderer.commit(graph);
    let mut out = StereoBuffer::default();
    renderer.render_into(&mut out, frames);
    (out.left.iter().map(|x| x * x).sum::<f32>() / frames as f32).sqrt()
}

#[test]
fn the_64_voice_patches_are_valid_and_the_lanes_sound_like_the_voices() {
    let registry = Registry::standard();
    let frames = 24000;
    let valid = |graph| validate(&graph, &registry).expect("a bench patch is valid");
    let voices = rms(valid(voices::graph()), frames);
    let swept = rms(valid(voices::swept_graph()), frames);
    let lanes = rms(valid(voices::lanes_graph()), frames);
    assert!(voices > 0.02, "the voices play: rms {voices}");
    for (name, level) in [("swept", swept), ("lanes", lanes)] {
        assert!(
            (level / voices - 1.0).abs() < 0.1,
            "{name} rms {level} against the voices' {voices}"
        );
    }
}

#[test]
fn the_generated_200_node_patch_is_valid_and_plays() {
    let graph = validate(&generated::graph(), &Registry::standard()).expect("valid");
    assert_eq!(graph.nodes.len(), 200);
    let level = rms(graph, 24000);
    assert!(level > 0.01, "the generated patch plays: rms {level}");
}
