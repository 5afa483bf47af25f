//! `patches-tui check FILE...`

use super::load::load_patch;
use patches_tui::modules::Registry;
use std::path::PathBuf;
use std::process::ExitCode;

/// Checks every file; exit 0 if all are valid, else 1 with each error on stderr.
pub fn run(files: &[PathBuf]) -> ExitCode {
    let registry = Registry::standard();
    let mut ok = true;
    for file in files {
        match load_patch(file, &registry) {
            Ok(patch) => println!(
                "{}: ok ({} nodes, {} cables)",
                file.display(),
                patch.graph.nodes.len(),
                patch.graph.cables.len()
            ),
            Err(lines) => {
                ok = false;
                for line in lines {
                    eprintln!("{line}");
                }
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
