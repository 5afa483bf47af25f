//! The patch file on disk: saves and reads (`crate::watch` sees other programs' saves).
//!
//! A save is atomic (a temporary file in the same directory, flushed, renamed over the
//! file), goes through symbolic links to their target (the link stays a link), keeps the
//! target's mode and owner, refuses a read-only file, and names a read-only directory as the
//! reason when that is why it fails.

use crate::watch::directory_of;
use std::ffi::OsString;
use std::fmt;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// How many links a save follows before giving up (the system's own limit is 40).
const MAX_LINKS: usize = 40;

/// Why a save failed.
#[derive(Debug)]
pub enum SaveError {
    /// The file (the link's target, for a link) has no write permission.
    ReadOnlyFile(PathBuf),
    /// The directory the file is in cannot take the temporary file.
    ReadOnlyDirectory(PathBuf),
    /// Anything else.
    Io(io::Error),
}

impl fmt::Display for SaveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SaveError::ReadOnlyFile(path) => write!(
                f,
                "{} is read-only; make it writable (chmod u+w) to save over it",
                path.display()
            ),
            SaveError::ReadOnlyDirectory(dir) => write!(
                f,
                "the directory {} is read-only, so no file can be saved in it",
                dir.display()
            ),
            SaveError::Io(e) => write!(f, "{e}"),
        }
    }
}

/// Saves `text` as the patch file `path`: refuses a read-only file (an atomic rename would
/// silently bypass its read-only bit), then [`atomic_write`]s.
pub fn save_file(path: &Path, text: &str) -> Result<(), SaveError> {
    let target = resolve_links(path).map_err(SaveError::Io)?;
    if let Ok(meta) = fs::metadata(&target) {
        let writable = !meta.permissions().readonly()
            && fs::OpenOptions::new().write(true).open(&target).is_ok();
        if !writable {
            return Err(SaveError::ReadOnlyFile(target));
        }
    }
    atomic_write(&target, text).map_err(|e| {
        let dir = directory_of(&target);
        let read_only = matches!(
            e.kind(),
            io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
        );
        if read_only && !dir_takes_files(&dir) {
            SaveError::ReadOnlyDirectory(dir)
        } else {
            SaveError::Io(e)
        }
    })
}

/// Writes `text` to `path` atomically: a temporary file in the same directory, flushed to
/// disk, then renamed over `path`. A reader sees the old text or the new, never a mix. A
/// symbolic link is followed: its target is replaced and the link kept. The file keeps its
/// mode, and its owner and group where this process may give them.
pub fn atomic_write(path: &Path, text: &str) -> io::Result<()> {
    let path = resolve_links(path)?;
    let dir = directory_of(&path);
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
    let mut temp_name = OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".{}.tmp", std::process::id()));
    let temp = dir.join(temp_name);
    let written = (|| {
        let mut file = File::create(&temp)?;
        file.write_all(text.as_bytes())?;
        if let Ok(meta) = fs::metadata(&path) {
            file.set_permissions(meta.permissions())?;
            keep_owner(&file, &meta);
        }
        file.sync_all()?;
        fs::rename(&temp, &path)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    } else if let Ok(dir) = File::open(&dir) {
        let _ = dir.sync_all();
    }
    written
}

/// `path` with every symbolic link followed to what it names (which may not exist yet).
pub fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    let mut path = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = fs::read_link(&path)?;
                path = directory_of(&path).join(target);
            }
            _ => return Ok(path),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("{}: too many levels of symbolic links", path.display()),
    ))
}

/// Gives the new file the old one's owner and group. Only the owner's own group, or root,
/// may do so; otherwise the file is this user's, as after any editor's save.
#[cfg(unix)]
fn keep_owner(file: &File, meta: &fs::Metadata) {
    use std::os::unix::fs::MetadataExt;
    let _ = std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid()));
}

#[cfg(not(unix))]
fn keep_owner(_file: &File, _meta: &fs::Metadata) {}

/// Whether a new file can be made in `dir`.
fn dir_takes_files(dir: &Path) -> bool {
    let probe = dir.join(format!(".patches-tui-probe.{}", std::process::id()));
    let made = File::create(&probe).is_ok();
    if made {
        let _ = fs::remove_file(&probe);
    }
    made
}

/// The text of `path`, or `None` when it does not exist, cannot be read as text or is over
/// [`crate::dsl::MAX_PATCH_BYTES`].
pub fn read_disk(path: &Path) -> Option<String> {
    crate::dsl::read_patch_file(path).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_the_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("set.yaml");
        atomic_write(&path, "one\n").unwrap();
        atomic_write(&path, "two\n").unwrap();
        assert_eq!(read_disk(&path).as_deref(), Some("two\n"));
        let entries: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(entries.len(), 1);
    }

    /// sysfs takes no new files, not even from root (whom a mode of 0555 does not stop).
    #[cfg(target_os = "linux")]
    #[test]
    fn a_directory_that_takes_no_files_is_named_as_the_reason() {
        let error = save_file(Path::new("/sys/patches-tui-test.yaml"), "x\n").unwrap_err();
        assert!(
            matches!(&error, SaveError::ReadOnlyDirectory(dir) if dir == Path::new("/sys")),
            "{error:?}"
        );
        assert_eq!(
            error.to_string(),
            "the directory /sys is read-only, so no file can be saved in it"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_read_only_file_is_refused_and_a_link_is_followed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("real.yaml");
        let link = dir.path().join("link.yaml");
        fs::write(&target, "old\n").unwrap();
        std::os::unix::fs::symlink(&target, &link).unwrap();
        fs::set_permissions(&target, fs::Permissions::from_mode(0o444)).unwrap();
        let error = save_file(&link, "new\n").unwrap_err();
        assert!(
            matches!(&error, SaveError::ReadOnlyFile(path) if *path == target),
            "the target is named: {error:?}"
        );
        assert_eq!(read_disk(&target).as_deref(), Some("old\n"));
        fs::set_permissions(&target, fs::Permissions::from_mode(0o644)).unwrap();
        save_file(&link, "new\n").unwrap();
        assert_eq!(read_disk(&target).as_deref(), Some("new\n"));
        assert!(fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
    }
}
