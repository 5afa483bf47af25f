//! Muting a node: its outputs ramp to 0 over 5 ms while it keeps running, and ramp back
//! when unmuted.

mod support;

use support::{largest_step, sine_graph};

use patches_tui::engine::{OfflineRenderer, StereoBuffer};

const SR: f32 = 48000.0;
/// 5 ms at 48 kHz.
const RAMP: usize = 240;

#[test]
fn a_muted_node_ramps_to_silence_keeps_running_and_comes_back_in_phase() {
    let (at, back) = (12100, 16900);
    let mut r = OfflineRenderer::new(SR, 64);
    let mut out = StereoBuffer::default();
    r.commit(sine_graph());
    r.render_into(&mut out, at);
    assert!(r.engine_mut().set_muted("osc", true));
    assert!(!r.engine_mut().set_muted("nobody", true), "no such node");
    r.render_into(&mut out, back - at);
    assert!(r.engine_mut().set_muted("osc", false));
    r.render_into(&mut out, 4800);
    let x = &out.left;
    let mut plain = OfflineRenderer::new(SR, 64);
    let mut p = StereoBuffer::default();
    plain.commit(sine_graph());
    plain.render_into(&mut p, back + 4800);
    let steady = largest_step(&p.left[at - 960..at]);
    assert!(
        largest_step(&x[at - 1..back]) <= 1.5 * steady,
        "no click muting"
    );
    assert!(
        x[at + RAMP - 1..back].iter().all(|&v| v == 0.0),
        "silent once ramped"
    );
    assert!(
        largest_step(&x[back - 1..]) <= 1.5 * steady,
        "no click unmuting"
    );
    // It kept running: once the ramp back up is over, it is where it would have been.
    assert!(x[back + RAMP..] == p.left[back + RAMP..]);
}
