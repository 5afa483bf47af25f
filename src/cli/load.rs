//! Reading a patch file for a subcommand, with errors in `FILE:LINE:COL: message` form.

use patches_tui::dsl::{self, Patch};
use patches_tui::modules::Registry;
use std::path::Path;

/// Loads and validates `path`; on failure, the lines to print on stderr.
pub fn load_patch(path: &Path, registry: &Registry) -> Result<Patch, Vec<String>> {
    let name = path.display().to_string();
    let text =
        std::fs::read_to_string(path).map_err(|e| vec![format!("{name}: cannot read: {e}")])?;
    dsl::load(&text, registry).map_err(|errors| errors.iter().map(|e| e.with_file(&name)).collect())
}
