//! `patches-tui midi`: lists the MIDI input ports; and opening `--midi-in NAME` for `play`
//! and the screen.

use super::play::say::{say, warn};
use super::verbose;
use patches_tui::engine::Engine;
use patches_tui::midi::input::{open_live, MidiInput, MidiSystem, MidirSystem};
use std::process::ExitCode;

/// Prints one input port per line, or why there are none (exit 0 either way: having no MIDI
/// is not an error). alsa-lib's diagnostics are printed only with `PATCHES_TUI_VERBOSE=1`.
pub fn run() -> ExitCode {
    verbose::echo(verbose::wanted(false));
    list(&MidirSystem)
}

fn list(system: &dyn MidiSystem) -> ExitCode {
    match system.ports() {
        Ok(ports) if ports.is_empty() => say("no MIDI input ports"),
        Ok(ports) => ports.into_iter().for_each(say),
        Err(reason) => say(reason),
    }
    ExitCode::SUCCESS
}

/// Opens the `--midi-in` ports into `engine`'s MIDI ring, saying what was opened or warning why not.
pub fn open_or_warn(engine: &mut Engine, pattern: Option<&str>) -> Option<MidiInput> {
    let pattern = pattern?;
    match open_live(engine, pattern) {
        Ok(input) => {
            say(format!("MIDI in: {}", input.ports().join(", ")));
            Some(input)
        }
        Err(reason) => {
            warn(format!("{reason}; MIDI in is off, the sound plays on"));
            None
        }
    }
}
