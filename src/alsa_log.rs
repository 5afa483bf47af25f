//! alsa-lib's own diagnostics kept off the terminal.
//!
//! Without a sound card, alsa-lib prints lines such as `ALSA lib pcm.c:2666:
//! (snd_pcm_open_noupdate) Unknown PCM default` straight to stderr, over the screen and
//! before this program's one useful message. [`install`] routes them through an error
//! handler (`snd_lib_error_set_handler`) into a short in-memory log instead: [`take`] hands
//! them out, and with [`set_echo`] (`--verbose`, or [`VERBOSE_ENV`]) each is also printed
//! on stderr as it comes, as `alsa-lib: FILE:LINE (FUNCTION) MESSAGE`.

use std::collections::VecDeque;
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

/// Environment variable that turns on `--verbose` (any value but empty or `0`).
pub const VERBOSE_ENV: &str = "PATCHES_TUI_VERBOSE";

/// How many of the latest messages are kept.
pub const KEPT_MESSAGES: usize = 64;

static KEPT: Mutex<VecDeque<String>> = Mutex::new(VecDeque::new());
static ECHO: AtomicBool = AtomicBool::new(false);

/// Routes alsa-lib's error output into this log (once; later calls do nothing). Call it
/// before anything opens a device.
pub fn install() {
    #[cfg(target_os = "linux")]
    {
        static INSTALLED: std::sync::Once = std::sync::Once::new();
        INSTALLED.call_once(ffi::install);
    }
}

/// Whether [`VERBOSE_ENV`] asks for verbose output.
pub fn verbose_from_env() -> bool {
    std::env::var_os(VERBOSE_ENV).is_some_and(|v| !v.is_empty() && v != "0")
}

/// Also print each message on stderr as it comes (for `--verbose`; never while the screen
/// owns the terminal).
pub fn set_echo(on: bool) {
    ECHO.store(on, Ordering::Relaxed);
}

/// The kept messages, oldest first, and forgets them.
pub fn take() -> Vec<String> {
    kept().drain(..).collect()
}

/// Keeps `message` (dropping the oldest beyond [`KEPT_MESSAGES`]) and echoes it when asked.
fn record(message: String) {
    if ECHO.load(Ordering::Relaxed) {
        let _ = writeln!(std::io::stderr().lock(), "{message}");
    }
    let mut kept = kept();
    if kept.len() == KEPT_MESSAGES {
        kept.pop_front();
    }
    kept.push_back(message);
}

fn kept() -> std::sync::MutexGuard<'static, VecDeque<String>> {
    KEPT.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(target_os = "linux")]
mod ffi {
    //! The handler itself is C (`src/alsa_log.c`): alsa-lib's handler type is C-variadic,
    //! which stable Rust can call and pass around but not define.

    use std::ffi::{c_char, c_int, CStr};

    type Sink = unsafe extern "C" fn(*const c_char, c_int, *const c_char, c_int, *const c_char);

    extern "C" {
        fn patches_tui_alsa_sink(sink: Option<Sink>);
        fn patches_tui_alsa_handler(
            file: *const c_char,
            line: c_int,
            function: *const c_char,
            err: c_int,
            fmt: *const c_char,
            ...
        );
    }

    pub(super) fn install() {
        // SAFETY: the sink is set before the handler that calls it; both live for the whole
        // program, and the handler has the exact type alsa-lib calls.
        unsafe {
            patches_tui_alsa_sink(Some(sink));
            alsa_sys::snd_lib_error_set_handler(Some(patches_tui_alsa_handler));
        }
    }

    /// Called by the C handler with the formatted message.
    unsafe extern "C" fn sink(
        file: *const c_char,
        line: c_int,
        function: *const c_char,
        err: c_int,
        message: *const c_char,
    ) {
        // SAFETY: alsa-lib passes NUL-terminated strings (or null), valid during the call.
        let text = |p: *const c_char| {
            if p.is_null() {
                String::new()
            } else {
                unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
            }
        };
        let mut line = format!(
            "alsa-lib: {}:{line} ({}) {}",
            text(file),
            text(function),
            text(message)
        );
        if err != 0 {
            // SAFETY: snd_strerror returns a static string for any error code.
            line.push_str(&format!(
                ": {}",
                text(unsafe { alsa_sys::snd_strerror(err) })
            ));
        }
        super::record(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_keeps_the_latest_messages_in_order() {
        for n in 0..KEPT_MESSAGES + 3 {
            record(format!("message {n}"));
        }
        let kept = take();
        assert_eq!(kept.len(), KEPT_MESSAGES);
        assert_eq!(kept[0], "message 3");
        assert_eq!(
            kept.last().unwrap(),
            &format!("message {}", KEPT_MESSAGES + 2)
        );
        assert!(take().is_empty());
    }
}
