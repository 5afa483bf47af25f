//! `--verbose` (or `PATCHES_TUI_VERBOSE=1`): alsa-lib's device diagnostics on stderr. Without
//! it they are kept off the terminal (see `patches_tui::alsa_log`), and a device problem
//! says in one line that they are there.

use patches_tui::alsa_log;

/// Whether verbose output is on: the flag, or the environment variable.
pub fn wanted(flag: bool) -> bool {
    flag || alsa_log::verbose_from_env()
}

/// For commands that own stderr (`play`, `devices`): alsa-lib's messages are printed as
/// they come when `verbose`.
pub fn echo(verbose: bool) {
    alsa_log::set_echo(verbose);
}

/// The line that points at the hidden alsa-lib messages, when some were kept.
pub fn hidden_hint() -> Option<String> {
    let count = alsa_log::take().len();
    (count > 0).then(|| {
        format!(
            "({count} alsa-lib message(s) hidden: --verbose or {}=1 shows them)",
            alsa_log::VERBOSE_ENV
        )
    })
}
