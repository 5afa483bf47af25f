//! Device buffers of any channel layout and sample format, filled exactly as the cpal stream
//! fills them (`fill_device_buffer`), from a real engine playing a known patch.

mod support;

use patches_tui::engine::cpal_backend::{fill_device_buffer, DeviceSample};
use patches_tui::engine::output::{new_engine, OutputOptions};
use patches_tui::engine::{AudioCallback, Cable, Engine, ModuleGraph, Node};
use support::{test_registry, valid};

/// Frames per test: past MAX_BLOCK, and past the point where the ramps clip.
const FRAMES: usize = 1500;
/// The device buffer sizes the frames arrive in: odd, small and larger than a block.
const BUFFERS: [usize; 4] = [1, 37, 700, 762];

/// Left frame `i` is `i / 1024`, right is `-i / 1024`, both clamped to [-1, 1] by the guard.
fn ramps() -> ModuleGraph {
    ModuleGraph::new()
        .with_node(Node::new("r", "Ramp"))
        .with_node(Node::new("out", "AudioOut"))
        .with_cable(Cable::new("r", "out", "out", "left").with_scale(1.0 / 1024.0))
        .with_cable(Cable::new("r", "out", "out", "right").with_scale(-1.0 / 1024.0))
}

fn expected_left(i: usize) -> f32 {
    (i as f32 / 1024.0).min(1.0)
}

fn expected_right(i: usize) -> f32 {
    -expected_left(i)
}

/// A callback playing `ramps` from its first sample, and the engine that sent the plan.
fn playing() -> (Engine, AudioCallback) {
    let (mut engine, callback) = new_engine(48000, &OutputOptions::default());
    engine.commit(valid(&ramps(), &test_registry()));
    (engine, callback)
}

/// `FRAMES` frames of `channels` channels, rendered in device buffers of varied sizes that
/// start out full of `stale` (a value the ramps never produce).
fn render<T: DeviceSample>(channels: usize, stale: T) -> Vec<T> {
    let (_engine, mut callback) = playing();
    let mut out = Vec::new();
    let mut frames = 0;
    for &size in BUFFERS.iter().cycle() {
        let size = size.min(FRAMES - frames);
        let mut buffer = vec![stale; size * channels];
        fill_device_buffer(&mut callback, &mut buffer, channels);
        assert_eq!(buffer.len(), size * channels, "the buffer keeps its length");
        out.extend(buffer);
        frames += size;
        if frames == FRAMES {
            break;
        }
    }
    out
}

fn check_layout<T: DeviceSample + std::fmt::Debug>(
    channels: usize,
    silence: T,
    convert: impl Fn(f32) -> T,
) {
    let out = render(channels, convert(0.3));
    assert_eq!(out.len(), FRAMES * channels);
    for (i, frame) in out.chunks_exact(channels).enumerate() {
        let (l, r) = (expected_left(i), expected_right(i));
        match channels {
            1 => assert_eq!(frame[0], convert(0.5 * (l + r)), "mono frame {i}"),
            _ => {
                assert_eq!(frame[0], convert(l), "left, frame {i}");
                assert_eq!(frame[1], convert(r), "right, frame {i}");
                for (c, &sample) in frame.iter().enumerate().skip(2) {
                    assert_eq!(sample, silence, "channel {c}, frame {i}");
                }
            }
        }
    }
}

#[test]
fn f32_layouts_carry_left_right_and_silence() {
    for channels in [1, 2, 6, 8] {
        check_layout::<f32>(channels, 0.0, |x| x);
    }
}

/// cpal's conversion to i16 scales by 32768 and saturates at the top; the ramps are exact
/// multiples of 1/1024, so every value is exact.
fn to_i16(x: f32) -> i16 {
    if x >= 1.0 {
        i16::MAX
    } else {
        (x * 32768.0) as i16
    }
}

#[test]
fn i16_layouts_convert_exactly() {
    for channels in [1, 2, 6, 8] {
        check_layout::<i16>(channels, 0, to_i16);
    }
}

#[test]
fn u16_layouts_convert_exactly_with_a_mid_scale_silence() {
    for channels in [1, 2, 6, 8] {
        check_layout::<u16>(channels, 32768, |x| (i32::from(to_i16(x)) + 32768) as u16);
    }
}

#[test]
fn conversions_reach_both_ends_of_the_integer_range() {
    let stereo = render::<i16>(2, 1);
    let last = &stereo[stereo.len() - 2..];
    assert_eq!(last, [i16::MAX, i16::MIN]);
    assert_eq!(&stereo[..2], [0, 0]);
    assert_eq!(
        &stereo[2..4],
        [32, -32],
        "frame 1 is +-1/1024 of full scale"
    );
    let stereo = render::<u16>(2, 1);
    assert_eq!(&stereo[stereo.len() - 2..], [u16::MAX, 0]);
    assert_eq!(&stereo[..2], [32768, 32768]);
}
