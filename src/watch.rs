//! Watching a patch file for saves made by other programs, for `play` and the live-coding
//! screen. The file's directory is watched, not the file, so saves that write a temporary
//! file and rename it over the original are seen; events are filtered by path and debounced.
//! Opening or reading the file (this program's own re-reads included) is not a save and is
//! ignored.
//!
//! The directory's own parent is watched too: when the directory is replaced (`mv dir
//! dir.old; mkdir dir; cp ...`), the watch moves to the new directory and the file is
//! reported as changed, so it is read again.

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long events for the file must settle before it is re-read.
pub const DEBOUNCE: Duration = Duration::from_millis(100);

type Inner = Debouncer<RecommendedWatcher, RecommendedCache>;

/// A running watch; dropping it stops watching.
pub struct FileWatcher {
    inner: Arc<Mutex<Option<Inner>>>,
}

impl Drop for FileWatcher {
    fn drop(&mut self) {
        // Taken out before it is dropped: dropping joins the thread that may be waiting for
        // this lock to re-arm.
        let inner = self.inner.lock().ok().and_then(|mut slot| slot.take());
        drop(inner);
    }
}

/// Watches `path` and calls `notify` with `Ok(())` after each debounced save (or
/// replacement of its directory), or with the watcher's error messages when it reports
/// errors.
pub fn watch_file(
    path: &Path,
    notify: impl Fn(Result<(), String>) + Send + 'static,
) -> notify::Result<FileWatcher> {
    let file = std::path::absolute(path).map_err(notify::Error::io)?;
    if file.file_name().is_none() {
        return Err(notify::Error::generic("the path names no file"));
    }
    let dir = directory_of(&file);
    let slot: Arc<Mutex<Option<Inner>>> = Arc::new(Mutex::new(None));
    let rearm_slot = Arc::clone(&slot);
    let rearm_dir = dir.clone();
    let mut watcher = new_debouncer(
        DEBOUNCE,
        None,
        move |result: DebounceEventResult| match result {
            Ok(events) => {
                let touches = |target: &Path| {
                    events.iter().any(|event| {
                        is_write(&event.kind) && event.paths.iter().any(|p| p == target)
                    })
                };
                let replaced = touches(&rearm_dir);
                if replaced {
                    rearm(&rearm_slot, &rearm_dir);
                }
                if replaced || touches(&file) {
                    notify(Ok(()));
                }
            }
            Err(errors) => notify(Err(errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; "))),
        },
    )?;
    watcher.watch(&dir, RecursiveMode::NonRecursive)?;
    if let Some(parent) = dir.parent() {
        // Optional: without it, saves are seen as long as the directory stays.
        let _ = watcher.watch(parent, RecursiveMode::NonRecursive);
    }
    *slot
        .lock()
        .map_err(|_| notify::Error::generic("watch lock"))? = Some(watcher);
    Ok(FileWatcher { inner: slot })
}

/// Moves the watch on `dir` to whatever directory now has that path (none: nothing to do
/// until one is made, which the parent's watch sees).
fn rearm(slot: &Mutex<Option<Inner>>, dir: &Path) {
    let Ok(mut slot) = slot.lock() else {
        return;
    };
    if let Some(watcher) = slot.as_mut() {
        let _ = watcher.unwatch(dir);
        let _ = watcher.watch(dir, RecursiveMode::NonRecursive);
    }
}

/// The directory holding `path` (`.` for a bare file name).
pub fn directory_of(path: &Path) -> PathBuf {
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
    use notify::event::{CreateKind, ModifyKind, RenameMode};
    use std::sync::mpsc;

    #[test]
    fn reads_are_not_saves() {
        assert!(!is_write(&EventKind::Access(AccessKind::Open(
            AccessMode::Any
        ))));
        assert!(!is_write(&EventKind::Access(AccessKind::Read)));
        assert!(is_write(&EventKind::Access(AccessKind::Close(
            AccessMode::Write
        ))));
        assert!(is_write(&EventKind::Create(CreateKind::File)));
        assert!(is_write(&EventKind::Modify(ModifyKind::Name(
            RenameMode::To
        ))));
    }

    #[test]
    fn a_bare_file_name_lives_in_the_current_directory() {
        assert_eq!(directory_of(Path::new("set.yaml")), PathBuf::from("."));
        assert_eq!(
            directory_of(Path::new("patches/set.yaml")),
            PathBuf::from("patches")
        );
    }

    /// Waits for a notification after which the file holds `text`.
    fn saw(changes: &mpsc::Receiver<Result<(), String>>, path: &Path, text: &str) -> bool {
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while let Some(left) = deadline.checked_duration_since(std::time::Instant::now()) {
            if changes.recv_timeout(left).is_ok()
                && std::fs::read_to_string(path).ok().as_deref() == Some(text)
            {
                return true;
            }
        }
        false
    }

    #[test]
    fn watching_survives_the_directory_being_replaced() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("patches");
        std::fs::create_dir(&dir).unwrap();
        let path = dir.join("set.yaml");
        std::fs::write(&path, "one\n").unwrap();
        let (tx, changes) = mpsc::channel();
        let _watcher = watch_file(&path, move |r| {
            let _ = tx.send(r);
        })
        .unwrap();
        std::fs::write(&path, "two\n").unwrap();
        assert!(saw(&changes, &path, "two\n"), "an ordinary save");

        std::fs::rename(&dir, root.path().join("patches.old")).unwrap();
        std::fs::create_dir(&dir).unwrap();
        std::thread::sleep(Duration::from_millis(300));
        std::fs::write(&path, "three\n").unwrap();
        assert!(
            saw(&changes, &path, "three\n"),
            "a save in the new directory"
        );
        std::fs::write(&path, "four\n").unwrap();
        assert!(saw(&changes, &path, "four\n"), "and the next one");

        // Replaced with the file copied in at once.
        std::fs::rename(&dir, root.path().join("patches.older")).unwrap();
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(&path, "five\n").unwrap();
        assert!(saw(&changes, &path, "five\n"), "a copy made at once");
    }
}
