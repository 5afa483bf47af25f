//! Recovery files: the unsaved buffer, written every few seconds to the user data directory
//! so a crash or a lost terminal never loses the performer's text.
//!
//! `<data dir>/recovery/<hash of the absolute path>.yaml` holds the buffer and a sidecar
//! `<hash>.path` names the original file. The data directory is `PATCHES_TUI_DATA_DIR` when
//! set, else the platform's (`~/.local/share/patches-tui` on Linux).

use super::files::atomic_write;
use directories::ProjectDirs;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Environment variable that overrides the data directory (tests, sandboxes).
pub const DATA_DIR_ENV: &str = "PATCHES_TUI_DATA_DIR";

/// Where the recovery files of one patch file go.
#[derive(Debug, Clone, PartialEq)]
pub struct Recovery {
    /// The recovery file.
    pub file: PathBuf,
    /// The sidecar naming the original file.
    pub sidecar: PathBuf,
    /// The original file, absolute.
    pub original: PathBuf,
}

/// The data directory: `PATCHES_TUI_DATA_DIR`, else the platform's user data directory.
pub fn data_dir() -> Option<PathBuf> {
    match std::env::var_os(DATA_DIR_ENV) {
        Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
        _ => ProjectDirs::from("", "", "patches-tui").map(|d| d.data_dir().to_path_buf()),
    }
}

impl Recovery {
    /// The recovery files of `original` under `data_dir`.
    pub fn new(data_dir: &Path, original: &Path) -> Self {
        let original = absolute(original);
        let hash = format!("{:016x}", fnv1a(original.to_string_lossy().as_bytes()));
        let dir = data_dir.join("recovery");
        Recovery {
            file: dir.join(format!("{hash}.yaml")),
            sidecar: dir.join(format!("{hash}.path")),
            original,
        }
    }

    /// Writes `text` as the recovery file (and the sidecar).
    pub fn write(&self, text: &str) -> io::Result<()> {
        if let Some(dir) = self.file.parent() {
            fs::create_dir_all(dir)?;
        }
        atomic_write(&self.sidecar, &format!("{}\n", self.original.display()))?;
        atomic_write(&self.file, text)
    }

    /// The recovered text, when a recovery file exists that is newer than the original (or
    /// the original is gone) and differs from it.
    pub fn offer(&self) -> Option<String> {
        let saved = fs::metadata(&self.file).and_then(|m| m.modified()).ok()?;
        let text = fs::read_to_string(&self.file).ok()?;
        match fs::metadata(&self.original).and_then(|m| m.modified()) {
            Ok(original) if original > saved => None,
            Ok(_) if fs::read_to_string(&self.original).ok().as_deref() == Some(&text) => None,
            _ => Some(text),
        }
    }

    /// Removes the recovery file and its sidecar (missing files are fine).
    pub fn remove(&self) {
        let _ = fs::remove_file(&self.file);
        let _ = fs::remove_file(&self.sidecar);
    }
}

/// `path` made absolute against the current directory (not resolving links).
fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// 64-bit FNV-1a: a hash that stays the same across builds and platforms.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| {
        (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recovery_file_is_offered_until_removed() {
        let dir = tempfile::tempdir().unwrap();
        let original = dir.path().join("set.yaml");
        fs::write(&original, "old\n").unwrap();
        let recovery = Recovery::new(&dir.path().join("data"), &original);
        assert_eq!(recovery.offer(), None);
        recovery.write("new\n").unwrap();
        assert_eq!(recovery.offer().as_deref(), Some("new\n"));
        let sidecar = fs::read_to_string(&recovery.sidecar).unwrap();
        assert_eq!(sidecar.trim(), original.display().to_string());
        recovery.remove();
        assert_eq!(recovery.offer(), None);
    }

    #[test]
    fn the_hash_is_stable() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
