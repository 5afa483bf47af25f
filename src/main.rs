//! `patches-tui`: the command line.

mod cli;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// A terminal live-coding environment for modular audio.
#[derive(Parser)]
#[command(name = "patches-tui", version, about, long_about = None, arg_required_else_help = true)]
struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check patch files; print every error as FILE:LINE:COL: message.
    Check {
        /// Patch files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
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
    Devices,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match args.command {
        Command::Check { files } => cli::check::run(&files),
        Command::Render(render) => cli::render::run(&render),
        Command::Modules { name, markdown } => cli::modules::run(name.as_deref(), markdown),
        Command::Play(play) => cli::play::run(&play),
        Command::Devices => cli::devices::run(),
    }
}
