//! `patches-tui [FILE] ...`: the live-coding screen, the default command.

use super::live_args::LiveArgs;
use super::play::say::warn;
use super::verbose;
use clap::Args;
use patches_tui::alsa_log;
use patches_tui::ui::run::{run as run_screen, Ended, StartOptions};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of the live-coding screen.
#[derive(Args)]
pub struct TuiArgs {
    /// The patch file to edit and play; created on the first save when it does not exist.
    #[arg(default_value = "patches/set.yaml")]
    file: PathBuf,
    /// Colour theme: `dark`, `light`, or a user theme from the config directory.
    #[arg(long, default_value = "dark")]
    theme: String,
    /// Start with auto-commit on (F6 toggles it).
    #[arg(long)]
    auto_commit: bool,
    /// The flags the screen shares with `play`.
    #[command(flatten)]
    live: LiveArgs,
}

/// Runs the screen; exit 1 with the reason on stderr when it cannot start or crashed.
pub fn run(args: &TuiArgs) -> ExitCode {
    let options = StartOptions {
        file: args.file.clone(),
        output: args.live.output(),
        theme: args.theme.clone(),
        auto_commit: args.auto_commit,
        quantize: args.live.commit.quantize,
        record: args.live.record.clone(),
        midi_in: args.live.midi_in.clone(),
        sync_midi: args.live.sync.follows_midi(),
        link: args.live.link,
        fade_ms: args.live.commit.fade_ms,
    };
    let result = run_screen(&options);
    if verbose::wanted(args.live.verbose) {
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
