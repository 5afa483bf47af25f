//! Reading a patch file for a subcommand, with errors in `FILE:LINE:COL: message` form.

use patches_tui::dsl::{self, Patch};
use patches_tui::modules::Registry;
use std::path::Path;

/// Loads and validates `path`; on failure, the lines to print on stderr.
pub fn load_patch(path: &Path, registry: &Registry) -> Result<Patch, Vec<String>> {
    let text = read_text(path).map_err(|line| vec![line])?;
    load_text(path, &text, registry)
}

/// Reads `path` (at most [`dsl::MAX_PATCH_BYTES`], UTF-8); on failure, a line naming the file
/// and the reason, located when it is a byte that is not UTF-8.
pub fn read_text(path: &Path) -> Result<String, String> {
    dsl::read_patch_file(path).map_err(|e| e.with_file(&path.display().to_string()))
}

/// Parses and validates `text`, read from `path`; on failure, one `FILE:LINE:COL: message`
/// line per error.
pub fn load_text(path: &Path, text: &str, registry: &Registry) -> Result<Patch, Vec<String>> {
    let name = path.display().to_string();
    dsl::load(text, registry).map_err(|errors| errors.iter().map(|e| e.with_file(&name)).collect())
}
