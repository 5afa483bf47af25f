//! `patches-tui modules [NAME]`

use super::play::say::{print, warn};
use patches_tui::engine::suggest::did_you_mean;
use patches_tui::modules::Registry;
use patches_tui::reference;
use std::process::ExitCode;

/// Prints the summary, one module in full, or the Markdown reference.
pub fn run(name: Option<&str>, markdown: bool) -> ExitCode {
    let registry = Registry::seed();
    if markdown {
        print(reference::markdown(&registry));
        return ExitCode::SUCCESS;
    }
    match name {
        None => {
            print(reference::summary(&registry));
            ExitCode::SUCCESS
        }
        Some(name) => match registry.get(name) {
            Some(t) => {
                print(reference::describe(t));
                ExitCode::SUCCESS
            }
            None => {
                warn(format!(
                    "unknown module `{name}`{}",
                    did_you_mean(name, registry.names())
                ));
                ExitCode::FAILURE
            }
        },
    }
}
