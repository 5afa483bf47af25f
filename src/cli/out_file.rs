//! The file a command writes: refused when it is one of the command's inputs or cannot be
//! written, written to a temporary file beside it, and renamed over it only when complete, so
//! that an error or an interrupt leaves any previous file as it was.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// An output being written: the temporary file, and where it goes when done.
pub struct OutFile {
    target: PathBuf,
    temp: PathBuf,
}

impl OutFile {
    /// Checks `out` against `inputs` and creates the temporary file beside it (which proves
    /// the directory writable). A symlink is followed: its target is replaced, the link kept;
    /// an existing file's mode is kept.
    /// On failure, the message to print, naming `out`.
    pub fn create(out: &Path, inputs: &[&Path]) -> Result<(OutFile, File), String> {
        let shown = out.display();
        if let Some(input) = inputs.iter().find(|input| same_file(out, input)) {
            return Err(format!(
                "{shown}: refusing to write over the input {}: choose another --out",
                input.display()
            ));
        }
        let existing = fs::metadata(out).ok();
        let target = match &existing {
            Some(meta) if meta.is_dir() => {
                return Err(format!(
                    "{shown}: is a directory: give a file name such as out.wav"
                ))
            }
            Some(meta) if meta.permissions().readonly() => {
                return Err(format!(
                    "{shown}: is read-only: choose another --out or make it writable"
                ))
            }
            Some(_) => fs::canonicalize(out).map_err(|e| format!("{shown}: cannot write: {e}"))?,
            None => out.to_path_buf(),
        };
        let name = target
            .file_name()
            .ok_or_else(|| format!("{shown}: not a file name: give one such as out.wav"))?;
        let dir = match target.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let mut temp_name = std::ffi::OsString::from(".");
        temp_name.push(name);
        temp_name.push(format!(".{}.tmp", std::process::id()));
        let temp = dir.join(temp_name);
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
            .map_err(|e| format!("{shown}: cannot write in {}: {e}", dir.display()))?;
        if let Some(meta) = existing {
            // The file that replaces it keeps its mode.
            let _ = file.set_permissions(meta.permissions());
        }
        Ok((OutFile { target, temp }, file))
    }

    /// Checks that the file system holding the output has `bytes` free (where it can tell).
    /// On failure, the message to print.
    pub fn check_space(&self, bytes: u64) -> Result<(), String> {
        match free_bytes(&self.temp) {
            Some(free) if free < bytes => Err(format!(
                "{}: the file needs {} and only {} is free there: free some space, or render fewer --seconds or at a lower --sample-rate",
                self.target.display(),
                gigabytes(bytes),
                gigabytes(free)
            )),
            _ => Ok(()),
        }
    }

    /// Makes the finished temporary file durable and renames it over the target.
    pub fn commit(self, file: File) -> io::Result<()> {
        file.sync_all()?;
        drop(file);
        let result = fs::rename(&self.temp, &self.target);
        match &result {
            Err(_) => self.discard(),
            // The rename itself survives a power cut once the directory is synced.
            Ok(()) => {
                if let Some(dir) = self.temp.parent().and_then(|d| File::open(d).ok()) {
                    let _ = dir.sync_all();
                }
            }
        }
        result
    }

    /// Removes the temporary file; the target is left as it was.
    pub fn discard(self) {
        let _ = fs::remove_file(&self.temp);
    }
}

/// `bytes` as `4.61 GB`.
fn gigabytes(bytes: u64) -> String {
    format!("{:.2} GB", bytes as f64 / 1e9)
}

/// Bytes available to this user on the file system holding `path`.
#[cfg(unix)]
fn free_bytes(path: &Path) -> Option<u64> {
    let stat = rustix::fs::statvfs(path).ok()?;
    Some(stat.f_bavail.saturating_mul(stat.f_frsize))
}

#[cfg(not(unix))]
fn free_bytes(_: &Path) -> Option<u64> {
    None
}

/// Whether `a` and `b` name the same existing file (through links, hard links and different
/// spellings).
fn same_file(a: &Path, b: &Path) -> bool {
    let same_path = matches!(
        (fs::canonicalize(a), fs::canonicalize(b)),
        (Ok(a), Ok(b)) if a == b
    );
    same_path
        || match (fs::metadata(a), fs::metadata(b)) {
            (Ok(a), Ok(b)) => same_inode(&a, &b),
            _ => false,
        }
}

#[cfg(unix)]
fn same_inode(a: &fs::Metadata, b: &fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_inode(_: &fs::Metadata, _: &fs::Metadata) -> bool {
    false
}
