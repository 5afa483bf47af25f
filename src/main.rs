//! `patches-tui`: the command line.
//!
//! Output goes through `cli::play::say`, never `print!`: stdout and stderr are often pipes
//! whose reader may have gone, and `print!` panics then.

#![warn(clippy::print_stdout, clippy::print_stderr)]

mod cli;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// A terminal live-coding environment for modular audio.
///
/// With no subcommand, opens the live-coding screen on FILE (default patches/set.yaml).
#[derive(Parser)]
#[command(
    name = "patches-tui",
    version,
    about,
    long_about = None,
    args_conflicts_with_subcommands = true
)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    tui: cli::tui::TuiArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Check patch files; print every error as FILE:LINE:COL: message.
    Check {
        /// Patch files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Rewrite a patch file's cables in one style (compact strings or long mappings).
    Fmt(cli::fmt::FmtArgs),
    /// Render a patch offline to a 32-bit float stereo WAV file.
    Render(cli::render::RenderArgs),
    /// Print the module reference (all modules, or one in full).
    Modules {
        /// A module type name.
        name: Option<String>,
        /// Print the whole reference as Markdown.
        #[arg(long)]
        markdown: bool,
    },
    /// Play a patch live and reload it on every save (Ctrl-C stops).
    Play(cli::play::PlayArgs),
    /// List the output devices with their default sample rate, channels and formats.
    Devices {
        /// Print alsa-lib's device diagnostics (also `PATCHES_TUI_VERBOSE=1`).
        #[arg(long)]
        verbose: bool,
    },
    /// List the MIDI input ports (for `--midi-in`).
    Midi,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match args.command {
        None => cli::tui::run(&args.tui),
        Some(Command::Check { files }) => cli::check::run(&files),
        Some(Command::Fmt(fmt)) => cli::fmt::run(&fmt),
        Some(Command::Render(render)) => cli::render::run(&render),
        Some(Command::Modules { name, markdown }) => cli::modules::run(name.as_deref(), markdown),
        Some(Command::Play(play)) => cli::play::run(&play),
        Some(Command::Devices { verbose }) => cli::devices::run(verbose),
        Some(Command::Midi) => cli::midi::run(),
    }
}
