//! Recovery files: the unsaved buffer, written every few seconds to the user data directory
//! so a crash or a lost terminal never loses the performer's text.
//!
//! `<data dir>/recovery/<hash of the absolute path>.yaml` holds the buffer and a sidecar
//! `<hash>.path` names the original file. The data directory is `PATCHES_TUI_DATA_DIR` when
//! set, else the platform's (`~/.local/share/patches-tui` on Linux).
//!
//! The recovery files of a patch belong to one running instance at a time: it holds an
//! exclusive lock on `<hash>.lock` (which also names its pid) for as long as it runs, and the
//! system drops the lock when the process ends, however it ends. See [`Recovery::claim`].

use super::files::atomic_write;
use directories::ProjectDirs;
use std::fs::{self, File};
use std::io::{self, Read, Seek, Write};
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
    /// The lock file of the running instance that owns the recovery files.
    pub lock: PathBuf,
}

/// The running instance's hold on a patch's recovery files; dropping it lets go.
#[derive(Debug)]
pub struct Claim {
    _lock: File,
}

/// Why the recovery files could not be claimed.
#[derive(Debug)]
pub enum Unclaimed {
    /// Another running instance owns them (its pid, when it could be read).
    Owned(Option<u32>),
    /// The lock file could not be made or locked.
    Failed(io::Error),
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
            lock: dir.join(format!("{hash}.lock")),
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

    /// The recovery files of an instance that does not own these ([`Recovery::claim`] found
    /// another owner): the same names with its `pid` added, which the owner never touches.
    pub fn for_instance(&self, pid: u32) -> Recovery {
        let with_pid = |path: &Path, extension: &str| {
            let stem = path.file_stem().unwrap_or_default().to_string_lossy();
            path.with_file_name(format!("{stem}.{pid}.{extension}"))
        };
        Recovery {
            file: with_pid(&self.file, "yaml"),
            sidecar: with_pid(&self.sidecar, "path"),
            original: self.original.clone(),
            lock: self.lock.clone(),
        }
    }

    /// Makes this process the owner of the recovery files, until the claim is dropped or
    /// the process ends. Only the owner may offer, write or remove them.
    pub fn claim(&self) -> Result<Claim, Unclaimed> {
        if let Some(dir) = self.lock.parent() {
            fs::create_dir_all(dir).map_err(Unclaimed::Failed)?;
        }
        let mut lock = fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&self.lock)
            .map_err(Unclaimed::Failed)?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                let mut pid = String::new();
                let _ = lock.read_to_string(&mut pid);
                return Err(Unclaimed::Owned(pid.trim().parse().ok()));
            }
            Err(fs::TryLockError::Error(e)) => return Err(Unclaimed::Failed(e)),
        }
        let named = lock
            .set_len(0)
            .and_then(|()| lock.rewind())
            .and_then(|()| writeln!(lock, "{}", std::process::id()));
        named.map_err(Unclaimed::Failed)?;
        Ok(Claim { _lock: lock })
    }

    /// The recovered text, whenever a recovery file exists whose text differs from the
    /// original's (or the original is gone), whatever their times. One that holds the
    /// original's text keeps nothing and is removed.
    pub fn offer(&self) -> Option<String> {
        let text = fs::read_to_string(&self.file).ok()?;
        if fs::read_to_string(&self.original).ok().as_deref() == Some(&text) {
            self.remove();
            return None;
        }
        Some(text)
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
    fn a_recovery_file_is_offered_whatever_its_time_while_it_differs() {
        let dir = tempfile::tempdir().unwrap();
        let original = dir.path().join("set.yaml");
        fs::write(&original, "old\n").unwrap();
        let recovery = Recovery::new(&dir.path().join("data"), &original);
        recovery.write("mine\n").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        fs::write(&original, "changed later by someone else\n").unwrap();
        assert_eq!(recovery.offer().as_deref(), Some("mine\n"));
        fs::write(&original, "mine\n").unwrap();
        assert_eq!(recovery.offer(), None);
        assert!(!recovery.file.exists(), "a copy of the file is not kept");
        fs::remove_file(&original).unwrap();
        recovery.write("mine\n").unwrap();
        assert_eq!(
            recovery.offer().as_deref(),
            Some("mine\n"),
            "the file is gone"
        );
    }

    #[test]
    fn one_instance_at_a_time_owns_the_recovery_files() {
        let dir = tempfile::tempdir().unwrap();
        let original = dir.path().join("set.yaml");
        let recovery = Recovery::new(&dir.path().join("data"), &original);
        let first = recovery.claim().expect("the first claim");
        let lock = fs::read_to_string(&recovery.lock).unwrap();
        assert_eq!(lock.trim(), std::process::id().to_string());
        match recovery.claim() {
            Err(Unclaimed::Owned(pid)) => assert_eq!(pid, Some(std::process::id())),
            other => panic!("a second claim while the first holds: {other:?}"),
        }
        drop(first);
        assert!(recovery.claim().is_ok(), "claimed again once let go");
        let second = recovery.for_instance(42);
        assert_ne!(second.file, recovery.file);
        assert_ne!(second.sidecar, recovery.sidecar);
        assert_eq!(second.file.parent(), recovery.file.parent());
        assert!(second.file.to_string_lossy().ends_with(".42.yaml"));
    }

    #[test]
    fn the_hash_is_stable() {
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
