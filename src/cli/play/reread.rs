//! Re-reading the file after a save, tolerating saves in progress: a file found missing or
//! empty is given `RETRY_AFTER` to come back before anything is said about it.

use std::path::PathBuf;
use std::time::{Duration, Instant};

/// How long a missing or empty file has to come back before it is reported.
pub const RETRY_AFTER: Duration = Duration::from_millis(400);

/// What a read found.
#[derive(Debug, PartialEq)]
pub enum Reading {
    /// The text last read: nothing to do.
    Same,
    /// Missing or empty, perhaps in the middle of a save: read again at the next event or
    /// once `retry_due`.
    Later,
    /// Still unreadable after `RETRY_AFTER`; said once until the file can be read again.
    Unreadable(String),
    /// Text that differs from the text last read.
    Text(String),
}

/// Where the reader stands with a missing or empty file.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Missing {
    /// The last read found text.
    No,
    /// Found missing or empty; silent until this instant.
    Since(Instant),
    /// Reported as it is (unreadable, or empty and so a patch with errors).
    Reported,
}

/// Reads one file and remembers what it read.
pub struct FileReader {
    path: PathBuf,
    /// The text last read; `None` once the file was reported unreadable.
    last: Option<String>,
    missing: Missing,
}

impl FileReader {
    /// A reader for `path`, whose current text is `text`.
    pub fn new(path: PathBuf, text: String) -> Self {
        FileReader {
            path,
            last: Some(text),
            missing: Missing::No,
        }
    }

    /// Reads the file at `now`.
    pub fn read(&mut self, now: Instant) -> Reading {
        let result = patches_tui::dsl::read_patch_file(&self.path);
        if matches!(&result, Ok(text) if !text.trim().is_empty()) {
            self.missing = Missing::No;
        } else {
            match self.missing {
                Missing::No => {
                    self.missing = Missing::Since(now + RETRY_AFTER);
                    return Reading::Later;
                }
                Missing::Since(until) if now < until => return Reading::Later,
                _ => self.missing = Missing::Reported,
            }
        }
        match result {
            Ok(text) if self.last.as_ref() == Some(&text) => Reading::Same,
            Ok(text) => {
                self.last = Some(text.clone());
                Reading::Text(text)
            }
            Err(_) if self.last.is_none() => Reading::Same,
            Err(error) => {
                self.last = None;
                Reading::Unreadable(error.with_file(&self.path.display().to_string()))
            }
        }
    }

    /// Whether a missing or empty file is due to be read again at `now`.
    pub fn retry_due(&self, now: Instant) -> bool {
        matches!(self.missing, Missing::Since(until) if now >= until)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_file(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("patches-tui-reread-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join(format!("{tag}.yaml"))
    }

    #[test]
    fn only_new_text_is_reported() {
        let path = temp_file("same");
        std::fs::write(&path, "a").unwrap();
        let mut reader = FileReader::new(path.clone(), "a".into());
        let now = Instant::now();
        assert_eq!(reader.read(now), Reading::Same);
        std::fs::write(&path, "b").unwrap();
        assert_eq!(reader.read(now), Reading::Text("b".into()));
        assert_eq!(reader.read(now), Reading::Same);
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn a_missing_file_is_given_time_then_reported_once() {
        let path = temp_file("missing");
        let _ = std::fs::remove_file(&path);
        let mut reader = FileReader::new(path.clone(), "a".into());
        let start = Instant::now();
        assert_eq!(reader.read(start), Reading::Later);
        assert!(!reader.retry_due(start));
        let soon = start + RETRY_AFTER / 2;
        assert_eq!(reader.read(soon), Reading::Later);
        let due = start + RETRY_AFTER;
        assert!(reader.retry_due(due));
        assert!(matches!(reader.read(due), Reading::Unreadable(_)));
        assert!(!reader.retry_due(due + RETRY_AFTER));
        assert_eq!(reader.read(due), Reading::Same);
        std::fs::write(&path, "a").unwrap();
        assert_eq!(reader.read(due), Reading::Text("a".into()));
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn an_empty_file_that_stays_empty_is_read_as_it_is() {
        let path = temp_file("empty");
        std::fs::write(&path, "").unwrap();
        let mut reader = FileReader::new(path.clone(), "a".into());
        let start = Instant::now();
        assert_eq!(reader.read(start), Reading::Later);
        let due = start + RETRY_AFTER;
        assert_eq!(reader.read(due), Reading::Text(String::new()));
        assert_eq!(reader.read(due), Reading::Same);
        std::fs::write(&path, "b").unwrap();
        assert_eq!(reader.read(due), Reading::Text("b".into()));
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn a_save_in_progress_is_not_reported() {
        let path = temp_file("saving");
        std::fs::write(&path, "").unwrap();
        let mut reader = FileReader::new(path.clone(), "a".into());
        let start = Instant::now();
        assert_eq!(reader.read(start), Reading::Later);
        std::fs::write(&path, "b").unwrap();
        assert_eq!(reader.read(start), Reading::Text("b".into()));
        std::fs::write(&path, "").unwrap();
        assert_eq!(reader.read(start + RETRY_AFTER), Reading::Later);
        let _ = std::fs::remove_file(&path);
    }
}
