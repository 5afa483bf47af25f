//! `patches-tui [FILE] ...`: the live-coding screen, the default command.

use super::play::say::warn;
use super::verbose;
use clap::Args;
use patches_tui::alsa_log;
use patches_tui::engine::OutputOptions;
use patches_tui::engine::Quantize;
use patches_tui::ui::run::{run as run_screen, Ended, StartOptions};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of the live-coding screen.
#[derive(Args)]
pub struct TuiArgs {
    /// The patch file to edit and play; created on the first save when it does not exist.
    #[arg(default_value = "patches/set.yaml")]
    file: PathBuf,
    /// Output device: a part of its name (see `patches-tui devices`); the default device when
    /// not given. Without a usable device the screen plays on the null backend.
    #[arg(long)]
    device: Option<String>,
    /// Play on the null backend: no device, no sound, the same engine at the same pace.
    #[arg(long)]
    null: bool,
    /// Sample rate in Hz; the device's default when not given.
    #[arg(long, value_parser = clap::value_parser!(u32).range(8000..=384_000))]
    sample_rate: Option<u32>,
    /// Buffer size in frames; the device's default when not given.
    #[arg(long, value_parser = clap::value_parser!(u32).range(16..=16_384))]
    buffer_size: Option<u32>,
    /// Colour theme: `dark`, `light`, or a user theme from the config directory.
    #[arg(long, default_value = "dark")]
    theme: String,
    /// Start with auto-commit on (F6 toggles it).
    #[arg(long)]
    auto_commit: bool,
    /// After the screen closes, print alsa-lib's device diagnostics (also
    /// `PATCHES_TUI_VERBOSE=1`); they never reach the screen.
    #[arg(long)]
    verbose: bool,
    /// Record the output to this WAV file from the start (F9 starts and stops timestamped
    /// recordings next to the patch).
    #[arg(long)]
    record: Option<PathBuf>,
    /// Land each commit on the next beat or bar of the transport (off, beat, bar; F4 cycles).
    #[arg(long, default_value_t = Quantize::Off)]
    quantize: Quantize,
    /// Take MIDI from the input ports whose name contains NAME, or from `all` (see
    /// `patches-tui midi`); without MIDI the sound plays on.
    #[arg(long, value_name = "NAME")]
    midi_in: Option<String>,
    /// How long a commit ramps changed cable scales, in milliseconds (0: at once).
    #[arg(long, default_value_t = 10.0, value_parser = super::play::parse_fade_ms)]
    fade_ms: f32,
}

/// Runs the screen; exit 1 with the reason on stderr when it cannot start or crashed.
pub fn run(args: &TuiArgs) -> ExitCode {
    let options = StartOptions {
        file: args.file.clone(),
        output: OutputOptions {
            device: args.device.clone(),
            sample_rate: args.sample_rate,
            buffer_size: args.buffer_size,
            null: args.null,
        },
        theme: args.theme.clone(),
        auto_commit: args.auto_commit,
        quantize: args.quantize,
        record: args.record.clone(),
        midi_in: args.midi_in.clone(),
        fade_ms: args.fade_ms,
    };
    let result = run_screen(&options);
    if verbose::wanted(args.verbose) {
        alsa_log::take().iter().for_each(warn);
    }
    // Written without panicking: after SIGHUP the terminal may be gone.
    let say = |message: &str| warn(format!("patches-tui: {message}"));
    match result {
        Ok(Ended::Quit) => ExitCode::SUCCESS,
        Ok(Ended::Signal { code, message }) => {
            say(&message);
            ExitCode::from(code)
        }
        Err(message) => {
            say(&message);
            ExitCode::FAILURE
        }
    }
}
