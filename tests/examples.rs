//! Every example set is valid, renders finite, non-silent audio in [-1, 1], and renders
//! bit-identically whatever the block size.

mod support;

use patches_tui::dsl;
use patches_tui::engine::{render, StereoBuffer, ValidGraph};
use patches_tui::modules::Registry;
use std::path::Path;
use support::example_files;

fn load(path: &Path) -> ValidGraph {
    let text = std::fs::read_to_string(path).expect("readable example");
    match dsl::load(&text, &Registry::standard()) {
        Ok(patch) => patch.valid,
        Err(errors) => panic!("{}: {:?}", path.display(), errors),
    }
}

fn render_seconds(graph: ValidGraph, seconds: f64, block: usize) -> StereoBuffer {
    render(
        graph,
        Vec::new(),
        (seconds * 48000.0) as u64,
        48000.0,
        block,
        |_, _| {},
    )
}

#[test]
fn the_examples_include_the_required_sets() {
    let names: Vec<String> = example_files()
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for required in [
        "sine_tone.yaml",
        "chord_swap.yaml",
        "demo_synth.yaml",
        "set.yaml",
        "techno.yaml",
        "ambient.yaml",
    ] {
        assert!(
            names.iter().any(|n| n == required),
            "missing patches/{required}"
        );
    }
}

#[test]
fn every_example_renders_finite_audible_audio_in_range() {
    for path in example_files() {
        let audio = render_seconds(load(&path), 3.0, 64);
        let samples = audio.left.iter().chain(&audio.right);
        assert!(
            samples
                .clone()
                .all(|x| x.is_finite() && (-1.0..=1.0).contains(x)),
            "{}",
            path.display()
        );
        let rms =
            (samples.map(|x| f64::from(x * x)).sum::<f64>() / (2.0 * audio.frames() as f64)).sqrt();
        assert!(
            rms > 0.01,
            "{} is (nearly) silent: rms {rms}",
            path.display()
        );
    }
}

#[test]
fn renders_are_bit_identical_across_block_sizes() {
    for path in example_files() {
        let reference = render_seconds(load(&path), 1.5, 64);
        for block in [1, 37, 512] {
            let other = render_seconds(load(&path), 1.5, block);
            assert!(
                reference == other,
                "{} differs with blocks of {block}",
                path.display()
            );
        }
    }
}

#[test]
fn the_readme_example_is_sine_tone_and_plays_440_hz() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let sine = Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/patches/sine_tone.yaml"
    ));
    assert!(
        readme.contains(&std::fs::read_to_string(sine).unwrap()),
        "README shows patches/sine_tone.yaml verbatim"
    );
    let audio = render_seconds(load(sine), 2.0, 64);
    let rising = audio
        .left
        .windows(2)
        .filter(|w| w[0] < 0.0 && w[1] >= 0.0)
        .count();
    assert!(
        (879..=881).contains(&rising),
        "440 Hz over 2 s gives ~880 rising zero crossings, got {rising}"
    );
    assert_eq!(audio.left, audio.right);
}

#[test]
fn no_example_drives_the_output_past_full_scale() {
    use patches_tui::engine::OfflineRenderer;
    use std::sync::atomic::Ordering;
    for path in example_files() {
        let mut renderer = OfflineRenderer::new(48000.0, 64);
        renderer.commit(load(&path));
        let mut out = StereoBuffer::default();
        renderer.render_into(&mut out, 8 * 48000);
        let counters = renderer.engine().counters();
        assert_eq!(
            counters.clamped.load(Ordering::Relaxed),
            0,
            "{} clips",
            path.display()
        );
        assert_eq!(
            counters.non_finite.load(Ordering::Relaxed),
            0,
            "{}",
            path.display()
        );
    }
}

#[test]
fn the_library_sets_peak_under_their_limiters_minus_1_db_ceiling() {
    let ceiling = 10f32.powf(-1.0 / 20.0);
    for name in ["techno.yaml", "ambient.yaml"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("patches")
            .join(name);
        let audio = render_seconds(load(&path), 6.0, 64);
        let peak = audio
            .left
            .iter()
            .chain(&audio.right)
            .fold(0.0f32, |m, x| m.max(x.abs()));
        assert!(
            peak <= ceiling,
            "{name}: peak {peak} over the ceiling {ceiling}"
        );
        assert!(peak > 0.5, "{name}: peak {peak} is too quiet for a set");
    }
}
