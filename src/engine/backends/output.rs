//! Starting live output: a sound device through cpal, or the null backend when asked for or
//! when no device can be opened and the caller accepts silence.

use super::callback::AudioCallback;
use super::cpal_backend;
use super::load::LoadShared;
use super::null_backend::NullOutput;
use super::stream_errors::StreamErrors;
use crate::engine::core::control::{Engine, EngineConfig};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// Sample rate of the null backend when none is asked for.
pub const NULL_SAMPLE_RATE: u32 = 48000;
/// Buffer size of the null backend when none is asked for.
pub const NULL_BUFFER_SIZE: u32 = 256;

/// What the user asked for.
#[derive(Debug, Clone, Default)]
pub struct OutputOptions {
    /// Output device name (substring match); the default device when `None`.
    pub device: Option<String>,
    /// Sample rate; the device's default when `None`.
    pub sample_rate: Option<u32>,
    /// Buffer size in frames; the device's default when `None`.
    pub buffer_size: Option<u32>,
    /// Use the null backend (no device).
    pub null: bool,
    /// Publish no node levels or scope frames: a player without a screen has no meters to
    /// feed, so its audio thread skips the fold and its main thread the draining.
    pub no_meters: bool,
}

/// What is actually playing.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputInfo {
    /// `cpal (ALSA)`, `null`, ...
    pub backend: String,
    /// Device name.
    pub device: String,
    /// Sample rate in Hz.
    pub sample_rate: u32,
    /// Buffer size in frames, when known.
    pub buffer_size: Option<u32>,
    /// Device channels.
    pub channels: u16,
    /// Sample format (`f32`, `i16`, `u16`).
    pub format: String,
}

/// The device side of a running output; dropping it stops the sound.
pub enum OutputStream {
    /// A cpal stream.
    Device(cpal_backend::DeviceOutput),
    /// The null backend.
    Null(NullOutput),
}

/// A live engine playing somewhere.
pub struct LiveOutput {
    /// The control side of the engine: commit patches here.
    pub engine: Engine,
    /// What is playing.
    pub info: OutputInfo,
    /// DSP load figures.
    pub load: Arc<LoadShared>,
    /// Master mute: set to mute, clear to unmute (ramped on the audio thread).
    pub mute: Arc<AtomicBool>,
    /// Device and stream error counts (none for the null backend).
    pub errors: Arc<StreamErrors>,
    /// Set when the null backend replaced a device that could not be opened.
    pub warning: Option<String>,
    /// Keeps the sound going.
    pub stream: OutputStream,
}

/// Why no output could be started.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputError {
    /// What went wrong.
    pub message: String,
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// Starts output as `options` ask. When the device cannot be opened and `fallback_to_null`
/// is set, starts the null backend instead and says why in `warning`.
pub fn start_output(
    options: &OutputOptions,
    fallback_to_null: bool,
) -> Result<LiveOutput, OutputError> {
    if options.null {
        return start_null(options, None);
    }
    match cpal_backend::start(options) {
        Ok(started) => Ok(started),
        Err(reason) if fallback_to_null => start_null(
            options,
            Some(format!(
                "no sound device ({reason}): playing on the null backend, silently"
            )),
        ),
        Err(reason) => Err(OutputError {
            message: format!(
                "no usable sound device: {reason}\n\
                 run `patches-tui devices` to list devices, pick one with --device NAME, \
                 or play without sound with --null"
            ),
        }),
    }
}

/// A new engine and its audio callback at `sample_rate`, observed unless `options` asks
/// for no meters.
pub fn new_engine(sample_rate: u32, options: &OutputOptions) -> (Engine, AudioCallback) {
    let config = EngineConfig::new(sample_rate as f32);
    let config = if options.no_meters {
        config.unobserved()
    } else {
        config
    };
    let (engine, runtime) = Engine::new(config);
    (engine, AudioCallback::new(runtime, sample_rate as f32))
}

fn start_null(options: &OutputOptions, warning: Option<String>) -> Result<LiveOutput, OutputError> {
    let sample_rate = options.sample_rate.unwrap_or(NULL_SAMPLE_RATE);
    let buffer_size = options.buffer_size.unwrap_or(NULL_BUFFER_SIZE);
    let (engine, callback) = new_engine(sample_rate, options);
    let load = callback.load();
    let mute = callback.mute_switch();
    let output =
        NullOutput::start(callback, sample_rate, buffer_size, || ()).map_err(|e| OutputError {
            message: format!("cannot start the null backend: {e}"),
        })?;
    let errors = Arc::new(StreamErrors::default());
    Ok(LiveOutput {
        engine,
        info: OutputInfo {
            backend: "null".into(),
            device: "null (no sound)".into(),
            sample_rate,
            buffer_size: Some(buffer_size),
            channels: 2,
            format: "f32".into(),
        },
        load,
        mute,
        errors,
        warning,
        stream: OutputStream::Null(output),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_output_without_meters_gets_an_unobserved_engine() {
        let (mut engine, _) = new_engine(48000, &OutputOptions::default());
        assert!(engine.observations().is_some());
        let no_meters = OutputOptions {
            no_meters: true,
            ..OutputOptions::default()
        };
        let (mut engine, _) = new_engine(48000, &no_meters);
        assert!(engine.observations().is_none());
    }
}
