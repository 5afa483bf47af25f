//! The patch file on disk: atomic saves and a watcher for saves made by other programs.

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};
use std::ffi::OsString;
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc::Sender;
use std::time::Duration;

/// How long the file's events must settle before it is re-read.
pub const DEBOUNCE: Duration = Duration::from_millis(100);

/// A running watch; dropping it stops watching.
pub type FileWatcher = Debouncer<RecommendedWatcher, RecommendedCache>;

/// Writes `text` to `path` atomically: a temporary file in the same directory, flushed to
/// disk, then renamed over `path`. A reader sees the old text or the new, never a mix.
pub fn atomic_write(path: &Path, text: &str) -> io::Result<()> {
    let dir = directory_of(path);
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
        file.sync_all()?;
        if let Ok(meta) = fs::metadata(path) {
            fs::set_permissions(&temp, meta.permissions())?;
        }
        fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = fs::remove_file(&temp);
    } else if let Ok(dir) = File::open(&dir) {
        let _ = dir.sync_all();
    }
    written
}

/// The text of `path`, or `None` when it does not exist or cannot be read as text.
pub fn read_disk(path: &Path) -> Option<String> {
    fs::read_to_string(path).ok()
}

/// Watches `path` (through its directory, so saves by rename are seen) and calls `changed`
/// after each debounced write to it.
pub fn watch(path: &Path, changed: Sender<()>) -> notify::Result<FileWatcher> {
    let name: OsString = path
        .file_name()
        .ok_or_else(|| notify::Error::generic("the path names no file"))?
        .to_owned();
    let mut watcher = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
        let touched = match result {
            Ok(events) => events.iter().any(|event| {
                is_write(&event.kind) && event.paths.iter().any(|p| p.file_name() == Some(&name))
            }),
            Err(_) => true,
        };
        if touched {
            let _ = changed.send(());
        }
    })?;
    watcher.watch(directory_of(path), RecursiveMode::NonRecursive)?;
    Ok(watcher)
}

/// The directory holding `path` (`.` for a bare file name).
fn directory_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Whether an event can mean new content: anything but opening, reading or closing unwritten.
fn is_write(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(access) => *access == AccessKind::Close(AccessMode::Write),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_the_file_and_leaves_no_temporary() {
        let dir = std::env::temp_dir().join(format!("patches-tui-files-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("set.yaml");
        atomic_write(&path, "one\n").unwrap();
        atomic_write(&path, "two\n").unwrap();
        assert_eq!(read_disk(&path).as_deref(), Some("two\n"));
        let entries: Vec<_> = fs::read_dir(&dir).unwrap().collect();
        assert_eq!(entries.len(), 1);
        fs::remove_dir_all(&dir).unwrap();
    }
}
