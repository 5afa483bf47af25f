//! The flags `play` and the screen share (the output, recording, MIDI, verbosity), and the
//! commit flags `render` shares with them too: declared once, flattened into each command.

use clap::Args;
use patches_tui::engine::{OutputOptions, Quantize};
use std::path::PathBuf;

/// How a new patch takes over: `--quantize` and `--fade-ms` of `play`, the screen and
/// `render`.
#[derive(Args)]
pub struct CommitArgs {
    /// Land each commit (a reload, a commit on the screen, a `--then` switch) on the next beat
    /// or bar of the transport (off, beat, bar; F4 cycles it on the screen).
    #[arg(long, default_value_t = Quantize::Off)]
    pub quantize: Quantize,
    /// How long a commit fades (scales, parameters, new and removed nodes), in milliseconds
    /// (0: at once).
    #[arg(long, default_value_t = 10.0, value_parser = parse_fade_ms)]
    pub fade_ms: f32,
}

/// What the transport follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SyncSource {
    /// The patch's `transport:` (120 BPM when it has none).
    #[default]
    Patch,
    /// Incoming MIDI clock: its tempo, start, stop and continue.
    Midi,
}

/// `--sync` of `play`, the screen and `render`.
#[derive(Args)]
pub struct SyncArgs {
    /// What the transport follows: `patch` (its `transport:`) or `midi` (incoming MIDI
    /// clock: tempo from 24 clocks a beat, start to beat 0, stop, continue; the transport
    /// waits for start). Offline, the `--midi` file's clock.
    #[arg(long = "sync", value_enum, default_value_t = SyncSource::Patch)]
    pub source: SyncSource,
}

impl SyncArgs {
    /// Whether the transport follows MIDI clock.
    pub fn follows_midi(&self) -> bool {
        self.source == SyncSource::Midi
    }
}

/// The flags of a command that plays live: `play` and the screen.
#[derive(Args)]
pub struct LiveArgs {
    /// Output device: a part of its name (see `patches-tui devices`); the default device when
    /// not given. The screen falls back to the null backend without a usable device.
    #[arg(long)]
    pub device: Option<String>,
    /// Sample rate in Hz; the device's default when not given (48000 on the null backend).
    #[arg(long, value_parser = clap::value_parser!(u32).range(8000..=384_000))]
    pub sample_rate: Option<u32>,
    /// Buffer size in frames; the device's default when not given (256 on the null backend).
    #[arg(long, value_parser = clap::value_parser!(u32).range(16..=16_384))]
    pub buffer_size: Option<u32>,
    /// Play on the null backend: no device, no sound, the same engine at the same pace.
    #[arg(long)]
    pub null: bool,
    /// Print alsa-lib's device diagnostics (also `PATCHES_TUI_VERBOSE=1`); the screen prints
    /// them after it closes, they never reach it.
    #[arg(long)]
    pub verbose: bool,
    /// Record the output to this WAV file from the start (32-bit float stereo; the header is
    /// rewritten every second, so a killed process leaves a playable file; RF64 past 4 GiB).
    /// On the screen F9 starts and stops timestamped recordings next to the patch.
    #[arg(long)]
    pub record: Option<PathBuf>,
    /// Take MIDI from the input ports whose name contains NAME, or from `all` (see
    /// `patches-tui midi`); without MIDI the sound plays on.
    #[arg(long, value_name = "NAME")]
    pub midi_in: Option<String>,
    /// What the transport follows.
    #[command(flatten)]
    pub sync: SyncArgs,
    /// Join the Ableton Link session on the local network: the transport follows its tempo,
    /// its beat and bar phase (beats per bar is the quantum) and its start and stop, and a
    /// tempo the patch changes becomes the session's. Not with `--sync`: one source drives the transport.
    #[arg(long, conflicts_with = "source")]
    pub link: bool,
    /// When commits land and how they fade.
    #[command(flatten)]
    pub commit: CommitArgs,
}

impl LiveArgs {
    /// The output the flags ask for.
    pub fn output(&self) -> OutputOptions {
        OutputOptions {
            device: self.device.clone(),
            sample_rate: self.sample_rate,
            buffer_size: self.buffer_size,
            null: self.null,
            no_meters: false,
        }
    }
}

/// Parses `--fade-ms`: milliseconds from 0 to 1000.
fn parse_fade_ms(text: &str) -> Result<f32, String> {
    match text.parse::<f32>() {
        Ok(ms) if (0.0..=1000.0).contains(&ms) => Ok(ms),
        _ => Err(format!("`{text}`: expected milliseconds from 0 to 1000")),
    }
}
