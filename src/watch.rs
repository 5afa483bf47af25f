//! Watching a patch file for saves made by other programs, for `play` and the live-coding
//! screen. The parent directory is watched, not the file, so saves that write a temporary
//! file and rename it over the original are seen; events are filtered by file name and
//! debounced. Opening or reading the file (this program's own re-reads included) is not a
//! save and is ignored.

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long events for the file must settle before it is re-read.
pub const DEBOUNCE: Duration = Duration::from_millis(100);

/// A running watch; dropping it stops watching.
pub type FileWatcher = Debouncer<RecommendedWatcher, RecommendedCache>;

/// Watches `path` and calls `notify` with `Ok(())` after each debounced save, or with the
/// watcher's error messages when it reports errors.
pub fn watch_file(
    path: &Path,
    notify: impl Fn(Result<(), String>) + Send + 'static,
) -> notify::Result<FileWatcher> {
    let name: OsString = path
        .file_name()
        .ok_or_else(|| notify::Error::generic("the path names no file"))?
        .to_owned();
    let mut watcher = new_debouncer(
        DEBOUNCE,
        None,
        move |result: DebounceEventResult| match result {
            Ok(events) => {
                let saved = events.iter().any(|event| {
                    is_write(&event.kind)
                        && event.paths.iter().any(|p| p.file_name() == Some(&name))
                });
                if saved {
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
    watcher.watch(directory_of(path), RecursiveMode::NonRecursive)?;
    Ok(watcher)
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
}
