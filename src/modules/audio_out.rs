//! `AudioOut`: the patch's sink.
//!
//! | Port | Kind | Doc |
//! |---|---|---|
//! | `left` | input | left channel, nominally in [-1, 1] |
//! | `right` | input | right channel, nominally in [-1, 1] |
//!
//! No parameters. The engine reads these inputs after each block, guards them (NaN/Inf to 0,
//! clamp to [-1, 1]) and sends them to the device.

use super::descriptor::{ParamValue, PortDescriptor, ShapeUse};
use super::module::{Module, ProcessIo};
use super::registry::{Layout, ModuleType};
use super::AUDIO_OUT;

/// Index of the `left` input.
pub const LEFT: usize = 0;
/// Index of the `right` input.
pub const RIGHT: usize = 1;

struct AudioOut;

impl Module for AudioOut {
    fn set_param(&mut self, _index: usize, _value: &ParamValue) {}
    fn process(&mut self, _io: &mut ProcessIo<'_>) {}
}

/// The `AudioOut` module type.
pub fn audio_out_type() -> ModuleType {
    ModuleType {
        name: AUDIO_OUT,
        doc: "The patch's sink: what reaches `left` and `right` is played. Exactly one per patch.",
        shape_use: ShapeUse::default(),
        describe: |_| Layout {
            inputs: vec![
                PortDescriptor::new("left", "Left channel"),
                PortDescriptor::new("right", "Right channel"),
            ],
            outputs: vec![],
            params: vec![],
        },
        create: |_, _| Box::new(AudioOut),
    }
}
