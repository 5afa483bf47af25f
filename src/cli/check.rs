//! `patches-tui check FILE...`

use super::load::load_patch;
use super::play::say::{print, warn};
use patches_tui::modules::Registry;
use std::path::PathBuf;
use std::process::ExitCode;

/// Checks every file; exit 0 if all are valid, else 1 with each error on stderr. A closed
/// stdout ends the check quietly, with the status of the files checked so far.
pub fn run(files: &[PathBuf]) -> ExitCode {
    let registry = Registry::seed();
    let mut ok = true;
    for file in files {
        match load_patch(file, &registry) {
            Ok(patch) => {
                let line = format!(
                    "{}: ok ({} nodes, {} cables)\n",
                    file.display(),
                    patch.graph.nodes.len(),
                    patch.graph.cables.len()
                );
                if !print(line) {
                    break;
                }
            }
            Err(lines) => {
                ok = false;
                lines.into_iter().for_each(warn);
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
