//! Every way out of the screen keeps the unsaved text.
//!
//! - SIGTERM, SIGHUP, SIGINT and SIGQUIT end the event loop; [`super::run`] then restores
//!   the terminal, writes the recovery file with the buffer as it is and exits with 128 + the
//!   signal's number. Should the loop not end within [`GRACE`], the signal thread does all
//!   that itself from the last snapshot of the buffer.
//! - A panic on any thread writes the recovery file from that snapshot (the UI thread's own
//!   panic also writes it from the live buffer, see [`super::run::guarded`]).
//!
//! The snapshot is the buffer as the loop last saw it ([`remember`]), with whether it holds
//! unsaved changes: a clean buffer is never written as recovery.

use super::recovery::Recovery;
use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
use signal_hook::iterator::Signals;
use std::path::PathBuf;
use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// The signals that end the screen, keeping the text.
pub const SIGNALS: [i32; 4] = [SIGTERM, SIGHUP, SIGINT, SIGQUIT];

/// How long the loop has to end after a signal before the signal thread ends the program.
pub const GRACE: Duration = Duration::from_secs(3);

/// The signal received (0: none).
static PENDING: AtomicI32 = AtomicI32::new(0);

/// The buffer for the paths out that cannot reach the app.
struct Snapshot {
    recovery: Recovery,
    text: String,
    dirty: bool,
}

static SNAPSHOT: Mutex<Option<Snapshot>> = Mutex::new(None);

/// The message of a panic on another thread, for the screen to show.
static BACKGROUND_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// Keeps `text` (with whether it has unsaved changes) for the paths out that cannot reach
/// the app: panics off the UI thread, a UI thread that does not answer a signal.
pub fn remember(recovery: Option<&Recovery>, text: &str, dirty: bool) {
    let Some(recovery) = recovery else {
        return;
    };
    let mut snapshot = SNAPSHOT.lock().unwrap_or_else(|p| p.into_inner());
    match snapshot.as_mut() {
        Some(s) if s.text == text && s.dirty == dirty => {}
        Some(s) => {
            s.text.clear();
            s.text.push_str(text);
            s.dirty = dirty;
        }
        None => {
            *snapshot = Some(Snapshot {
                recovery: recovery.clone(),
                text: text.to_string(),
                dirty,
            })
        }
    }
}

/// The performer quit (having saved or discarded): a signal or panic during the teardown
/// that follows has nothing to keep.
pub fn forget() {
    *SNAPSHOT.lock().unwrap_or_else(|p| p.into_inner()) = None;
}

/// Writes the snapshot as the recovery file when it has unsaved changes; where it went.
/// Never blocks (a panic while the snapshot was being taken skips it).
pub fn write_snapshot() -> Option<PathBuf> {
    let snapshot = SNAPSHOT.try_lock().ok()?;
    let snapshot = snapshot.as_ref().filter(|s| s.dirty)?;
    snapshot.recovery.write(&snapshot.text).ok()?;
    Some(snapshot.recovery.file.clone())
}

/// Starts the thread that turns [`SIGNALS`] into [`pending_signal`]. When the loop has not
/// ended `GRACE` after a signal, that thread calls `give_back` (the terminal), writes the
/// snapshot and exits with the signal's code.
pub fn catch_signals(give_back: fn()) -> std::io::Result<()> {
    let mut signals = Signals::new(SIGNALS)?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                PENDING.store(signal, Ordering::SeqCst);
                std::thread::sleep(GRACE);
                give_back();
                write_snapshot();
                std::process::exit(exit_code(signal).into());
            }
        })?;
    Ok(())
}

/// The signal received, if any.
pub fn pending_signal() -> Option<i32> {
    match PENDING.load(Ordering::SeqCst) {
        0 => None,
        signal => Some(signal),
    }
}

/// The conventional exit code after `signal`: 128 + its number (143 for SIGTERM).
pub fn exit_code(signal: i32) -> u8 {
    u8::try_from(128 + signal).unwrap_or(255)
}

/// `SIGTERM`, `SIGHUP`, ... for the signals caught; `signal N` for others.
pub fn signal_name(signal: i32) -> String {
    match signal {
        SIGTERM => "SIGTERM".into(),
        SIGHUP => "SIGHUP".into(),
        SIGINT => "SIGINT".into(),
        SIGQUIT => "SIGQUIT".into(),
        other => format!("signal {other}"),
    }
}

/// Records the message of a panic on another thread, for the screen to show.
pub fn background_panicked(message: String) {
    if let Ok(mut slot) = BACKGROUND_PANIC.try_lock() {
        *slot = Some(message);
    }
}

/// The message of a panic on another thread, once.
pub fn take_background_panic() -> Option<String> {
    BACKGROUND_PANIC.lock().ok()?.take()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_128_plus_the_signal() {
        let codes: Vec<u8> = SIGNALS.iter().map(|s| exit_code(*s)).collect();
        assert_eq!(codes, [143, 129, 130, 131]);
        assert_eq!(signal_name(SIGHUP), "SIGHUP");
    }

    #[test]
    fn only_a_dirty_snapshot_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let original = dir.path().join("set.yaml");
        std::fs::write(&original, "saved\n").unwrap();
        let recovery = Recovery::new(&dir.path().join("data"), &original);
        remember(Some(&recovery), "saved\n", false);
        assert_eq!(write_snapshot(), None);
        remember(Some(&recovery), "edited\n", true);
        assert_eq!(write_snapshot(), Some(recovery.file.clone()));
        assert_eq!(std::fs::read_to_string(&recovery.file).unwrap(), "edited\n");
        forget();
        assert_eq!(
            write_snapshot(),
            None,
            "nothing to keep after a chosen quit"
        );
    }
}
