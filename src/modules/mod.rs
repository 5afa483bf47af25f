//! Module API (descriptors, the `Module` trait, the registry), the seed module set and the
//! module library (drums, effects, filters, modulation, mixing).

pub mod descriptor;
pub mod module;
pub mod registry;
pub mod reshape;

pub mod audio_out;
pub mod envelope;
mod fast_math;
pub mod filter;
mod filter_quad;
pub mod glide;
pub mod lane_vec;
pub mod midi;
pub mod mix;
pub mod notes;
pub mod oscillators;
pub mod sequencers;
pub mod spread;
pub mod tempo;

pub mod bandlimited;
pub mod beat_sync;
pub mod chorus;
pub mod clocks;
pub mod delay;
pub mod delay_line;
pub mod drums;
pub mod dynamics;
pub mod kit;
pub mod ladder;
pub mod lfo;
pub mod mixer;
pub mod modulation;
#[cfg(test)]
mod named_indices;
pub mod noise;
pub mod oscillator;
pub mod quantizer;
pub mod reverb;
pub mod rhythm;
pub mod saturation;
pub mod svf;
pub mod utility;

pub use descriptor::*;
pub use module::{Module, ModuleHarness, ProcessIo};
pub use registry::{Layout, ModuleType, Registry};
pub use tempo::Tempo;

/// Name of the sink module type; a patch has exactly one.
pub const AUDIO_OUT: &str = "AudioOut";

/// The seed module types, in the order of `modules.md`.
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
    ]
}

/// `Spread` (the lanes' source) and the MIDI modules: offered beside the seed set, outside
/// the module library (their input comes from the patch's lanes and the MIDI stream).
pub fn lanes_and_midi_types() -> Vec<ModuleType> {
    vec![
        spread::spread_type(),
        midi::midi_to_cv_type(),
        midi::poly_midi_to_cv_type(),
        midi::midi_cc_type(),
        midi::midi_clock_type(),
    ]
}

/// The library module types (beyond the seed set), grouped by family.
pub fn library_types() -> Vec<ModuleType> {
    vec![
        // Sources and modulation.
        oscillator::oscillator_type(),
        noise::noise_type(),
        lfo::lfo_type(),
        modulation::decay_envelope_type(),
        modulation::sample_and_hold_type(),
        modulation::slew_type(),
        quantizer::quantizer_type(),
        clocks::clock_divider_type(),
        rhythm::euclidean_type(),
        rhythm::drum_sequencer_type(),
        utility::constant_type(),
        utility::attenuverter_type(),
        utility::math_type(),
        utility::crossfade_type(),
        // Filters.
        svf::svf_type(),
        ladder::ladder_type(),
        // Drums.
        drums::kick_type(),
        drums::snare_type(),
        drums::hihat_type(),
        drums::clap_type(),
        drums::tom_type(),
        drums::rimshot_type(),
        drums::cowbell_type(),
        // Effects.
        delay::delay_type(),
        delay::ping_pong_type(),
        reverb::reverb_type(),
        chorus::chorus_type(),
        saturation::drive_type(),
        saturation::wavefolder_type(),
        saturation::bitcrusher_type(),
        dynamics::compressor_type(),
        dynamics::limiter_type(),
        // Mixing.
        mixer::mixer_type(),
        mixer::pan_type(),
    ]
}
