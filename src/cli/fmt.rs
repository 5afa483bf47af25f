//! `patches-tui fmt FILE [--cables compact|long] [--write]`

use super::load::read_text;
use super::play::say::{print, warn};
use clap::{Args, ValueEnum};
use patches_tui::dsl::{restyle_cables, CableStyle};
use patches_tui::ui::files::atomic_write;
use std::path::PathBuf;
use std::process::ExitCode;

/// How `fmt` writes the cables.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Style {
    /// One string per cable: `- "osc.out -> mix.in/0 * 0.5"`.
    Compact,
    /// One mapping per cable: `from`, `output`, `to`, `input`, `scale`.
    Long,
}

/// Arguments of `fmt`.
#[derive(Debug, Args)]
pub struct FmtArgs {
    /// The patch file.
    pub file: PathBuf,
    /// The style every cable is written in.
    #[arg(long, value_enum, default_value = "compact")]
    pub cables: Style,
    /// Replace the file (atomically) instead of printing the result.
    #[arg(long)]
    pub write: bool,
}

/// Prints (or writes) the file with its cables in the chosen style; errors as
/// `FILE:LINE:COL: message` and exit 1, the file untouched.
pub fn run(args: &FmtArgs) -> ExitCode {
    let text = match read_text(&args.file) {
        Ok(text) => text,
        Err(line) => {
            warn(line);
            return ExitCode::FAILURE;
        }
    };
    let style = match args.cables {
        Style::Compact => CableStyle::Compact,
        Style::Long => CableStyle::Long,
    };
    let name = args.file.display().to_string();
    match restyle_cables(&text, style) {
        Ok(out) if args.write => match atomic_write(&args.file, &out) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                warn(format!("{name}: cannot write: {e}"));
                ExitCode::FAILURE
            }
        },
        Ok(out) => {
            print(out);
            ExitCode::SUCCESS
        }
        Err(errors) => {
            for e in errors {
                warn(e.with_file(&name));
            }
            ExitCode::FAILURE
        }
    }
}
