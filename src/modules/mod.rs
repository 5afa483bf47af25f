//! Module API (descriptors, the `Module` trait, the registry) and the seed module set.

pub mod descriptor;
pub mod module;
pub mod registry;

pub mod audio_out;
pub mod envelope;
mod fast_math;
pub mod filter;
pub mod glide;
pub mod midi;
pub mod mix;
pub mod notes;
pub mod oscillators;
pub mod sequencers;
pub mod spread;
pub mod tempo;

pub use descriptor::*;
pub use module::{Module, ModuleHarness, ProcessIo};
pub use registry::{Layout, ModuleType, Registry};
pub use tempo::Tempo;

/// Name of the sink module type; a patch has exactly one.
pub const AUDIO_OUT: &str = "AudioOut";

/// The seed module types, in the order of `modules.md`, then `Spread` (the lanes' source),
/// then the MIDI modules.
pub fn seed_types() -> Vec<ModuleType> {
    vec![
        oscillators::sine_type(),
        oscillators::sawtooth_type(),
        oscillators::square_type(),
        mix::sum_type(),
        mix::vca_type(),
        envelope::adsr_type(),
        sequencers::step_sequencer_type(),
        sequencers::clock_sequencer_type(),
        glide::glide_type(),
        filter::resonant_lowpass_type(),
        audio_out::audio_out_type(),
        spread::spread_type(),
        midi::midi_to_cv_type(),
        midi::poly_midi_to_cv_type(),
        midi::midi_cc_type(),
        midi::midi_clock_type(),
    ]
}
