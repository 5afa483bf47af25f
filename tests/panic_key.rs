//! The panic: the output ramps to silence within 5 ms, every node is reset to its initial
//! state on the audio thread, and the output ramps back up.

mod support;

use support::{largest_step, sine_graph};

use patches_tui::engine::{OfflineRenderer, StereoBuffer};
use std::sync::atomic::Ordering;

const SR: f32 = 48000.0;
/// 5 ms at 48 kHz.
const RAMP: usize = 240;

#[test]
fn a_panic_ramps_to_silence_resets_every_node_and_ramps_back() {
    let at = 12100;
    let mut r = OfflineRenderer::new(SR, 64);
    let mut out = StereoBuffer::default();
    r.commit(sine_graph());
    r.render_into(&mut out, at);
    r.engine().panic();
    r.render_into(&mut out, 9600);
    let x = &out.left;
    let reset_at = at + RAMP;
    // Silent on the last frame of the ramp down, with no step beyond the sine's own.
    assert_eq!(x[reset_at - 1], 0.0);
    let steady = largest_step(&x[at - 960..at]);
    let ramped = largest_step(&x[at - 1..reset_at + 2 * RAMP]);
    assert!(ramped <= 1.5 * steady, "step {ramped} against {steady}");
    // From the reset the sine starts again from its initial phase: once the ramp back up
    // is over, bit-identical to a fresh sine started on the reset frame.
    let mut fresh = OfflineRenderer::new(SR, 64);
    let mut f = StereoBuffer::default();
    fresh.commit(sine_graph());
    fresh.render_into(&mut f, 4800);
    assert!(x[reset_at + RAMP..reset_at + 4800] == f.left[RAMP..4800]);
    assert_eq!(r.engine().counters().panics.load(Ordering::Relaxed), 1);
    assert!(
        r.engine_mut().take_resets().is_empty(),
        "a panic is not reported as a NaN reset"
    );
    // The spare was refilled: a second panic resets the sine again.
    r.render_into(&mut out, 9600);
    let second = out.left.len();
    r.engine().panic();
    r.render_into(&mut out, 4800);
    assert_eq!(r.engine().counters().panics.load(Ordering::Relaxed), 2);
    assert!(out.left[second + RAMP + RAMP..second + 4800] == f.left[RAMP..4800 - RAMP]);
}
