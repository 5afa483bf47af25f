//! Running the screen: the terminal, the event loop and the crash path.
//!
//! The loop sleeps until the next thing is due (a key, a meter frame while sound plays, a
//! file event, an auto-commit or recovery deadline) and redraws only when something changed.
//! A panic restores the terminal, writes the recovery file and says where it is; so does a
//! signal (see [`super::exits`]), which then exits with the signal's conventional code.

use super::app::{App, NoticeKind, Options};
use super::exits;
use super::files::read_disk;
use super::recovery::{data_dir, Recovery, Unclaimed};
use super::theme::load_theme;
use super::view::{self, layout::editor_text_size};
use crate::engine::live::LiveSession;
use crate::engine::Quantize;
use crate::engine::{start_output, OutputOptions};
use crate::midi::input::MidirSystem;
use crate::watch::watch_file;
use crossterm::clipboard::CopyToClipboard;
use crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event,
};
use crossterm::terminal::{self, EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{cursor, execute};
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::Terminal;
use std::io::{self, IsTerminal, Stdout};
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

/// What the command line asked for.
#[derive(Debug, Clone)]
pub struct StartOptions {
    /// The patch file.
    pub file: PathBuf,
    /// Where the sound goes (a missing device falls back to the null backend).
    pub output: OutputOptions,
    /// Theme name.
    pub theme: String,
    /// Start with auto-commit on.
    pub auto_commit: bool,
    /// When commits land.
    pub quantize: Quantize,
    /// A file to record the output to from the start.
    pub record: Option<PathBuf>,
    /// MIDI input ports to open: a part of a name, or `all`.
    pub midi_in: Option<String>,
    /// The transport follows incoming MIDI clock (`--sync midi`).
    pub sync_midi: bool,
    /// Join the Ableton Link session.
    pub link: bool,
    /// How long a commit fades, in milliseconds.
    pub fade_ms: f32,
}

type Term = Terminal<CrosstermBackend<Stdout>>;

/// How the screen ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ended {
    /// The performer quit.
    Quit,
    /// A signal ended it: exit with `code`, after printing `message`.
    Signal {
        /// The conventional exit code (128 + the signal's number).
        code: u8,
        /// What happened, and where the unsaved buffer went.
        message: String,
    },
}

/// Runs the live-coding screen until the performer quits or a signal ends it. Errors are for
/// the terminal after the screen is gone.
pub fn run(options: &StartOptions) -> Result<Ended, String> {
    if !io::stdout().is_terminal() || !io::stdin().is_terminal() {
        return Err(
            "the live-coding screen needs a terminal; for headless playback use `patches-tui play FILE`"
                .into(),
        );
    }
    let theme = load_theme(&options.theme)?;
    let disk = read_disk(&options.file);
    if disk.is_none() && options.file.exists() {
        let why = match crate::dsl::read_patch_file(&options.file) {
            Err(error) => error.with_file(&options.file.display().to_string()),
            Ok(_) => format!("{}: cannot be read", options.file.display()),
        };
        return Err(format!("{why}; not opening it so it is never overwritten"));
    }
    let output = start_output(&options.output, true).map_err(|e| e.to_string())?;
    let recovery = data_dir().map(|dir| Recovery::new(&dir, &options.file));
    let claim = recovery.as_ref().map(Recovery::claim);
    let owned_elsewhere = match &claim {
        Some(Err(Unclaimed::Owned(pid))) => Some(*pid),
        _ => None,
    };
    let mut sound = LiveSession::new(output);
    sound.set_quantize(options.quantize);
    sound.set_fade_ms(options.fade_ms);
    sound.set_sync_midi(options.sync_midi);
    let link = if options.link {
        Some(sound.join_link())
    } else {
        None
    };
    if let Some(path) = &options.record {
        sound.start_recording(path)?;
    }
    let midi_in = options
        .midi_in
        .as_deref()
        .map(|pattern| sound.open_midi(&MidirSystem, pattern));
    let mut app = App::open(
        &options.file,
        disk,
        sound,
        theme,
        match owned_elsewhere {
            Some(_) => recovery.map(|r| r.for_instance(std::process::id())),
            None => recovery,
        },
        Options {
            auto_commit: options.auto_commit,
        },
        Instant::now(),
    );
    if let Some(Err(reason)) = link {
        let text = format!("{reason}; Link is off, the sound plays on");
        app.notify(NoticeKind::Warning, text, None);
    }
    match &midi_in {
        Some(Ok(ports)) => {
            let text = format!("MIDI in: {}", ports.join(", "));
            app.notify(NoticeKind::Info, text, None);
        }
        Some(Err(reason)) => {
            let text = format!("{reason}; MIDI in is off, the sound plays on");
            app.notify(NoticeKind::Warning, text, None);
        }
        None => {}
    }
    let (changed, changes) = std::sync::mpsc::channel();
    let watcher = watch_file(&options.file, move |_| {
        let _ = changed.send(());
    });
    if let Err(e) = &watcher {
        app.watch_failed(&e.to_string());
    }
    match &claim {
        Some(Err(Unclaimed::Owned(pid))) => app.open_read_only(*pid),
        Some(Err(Unclaimed::Failed(e))) => {
            let text = format!("cannot lock the recovery files ({e}): another instance on this file could offer them");
            app.notify(NoticeKind::Warning, text, None);
        }
        _ => {}
    }
    if let Err(e) = exits::catch_signals(leave) {
        let text =
            format!("cannot catch signals ({e}): a kill or a closed window loses unsaved text");
        app.notify(NoticeKind::Warning, text, None);
    }
    remember(&app);
    let mut terminal = enter().map_err(|e| format!("cannot set up the terminal: {e}"))?;
    catch_panics();
    let result = guarded(&mut app, |app| event_loop(&mut terminal, app, &changes));
    leave();
    drop(watcher);
    // A signal first: after a hang-up the terminal's errors are only its consequence.
    if let Some(signal) = exits::pending_signal() {
        return Ok(Ended::Signal {
            code: exits::exit_code(signal),
            message: signalled(&app, signal),
        });
    }
    result?;
    exits::forget();
    forget_if_clean(&app);
    Ok(Ended::Quit)
}

/// A buffer that ends with nothing unsaved (edits undone, say) leaves no recovery file
/// behind: one written while it was dirty would be offered on the next start.
fn forget_if_clean(app: &App) {
    if !app.is_dirty() {
        if let Some(recovery) = app.recovery() {
            recovery.remove();
        }
    }
}

/// After `signal`: writes the recovery file when the buffer has unsaved changes; says so.
fn signalled(app: &App, signal: i32) -> String {
    let name = exits::signal_name(signal);
    if !app.is_dirty() {
        forget_if_clean(app);
        return format!("stopped by {name}; nothing unsaved");
    }
    match app.write_recovery_now() {
        Some(path) => format!(
            "stopped by {name}; the unsaved buffer is in {}",
            kept_in(app, &path)
        ),
        None => format!("stopped by {name}; the unsaved buffer could not be written for recovery"),
    }
}

/// `PATH (it is offered on the next start)`, or for an instance opened read-only, whose
/// recovery file is its own, `PATH (not offered: copy it back by hand)`.
fn kept_in(app: &App, path: &std::path::Path) -> String {
    if app.read_only.is_some() {
        format!("{} (not offered: copy it back by hand)", path.display())
    } else {
        format!("{} (it is offered on the next start)", path.display())
    }
}

/// Gives the buffer to the paths out that cannot reach the app (see [`exits::remember`]).
fn remember(app: &App) {
    exits::remember(app.recovery(), app.text(), app.is_dirty());
}

/// Runs `body` on `app`. If it panics (the hook has already given the terminal back), the
/// buffer goes to the recovery file and the error says where it is; so does an unsaved buffer
/// when the terminal fails.
pub fn guarded(app: &mut App, body: impl FnOnce(&mut App) -> io::Result<()>) -> Result<(), String> {
    match panic::catch_unwind(AssertUnwindSafe(|| body(app))) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(match app.is_dirty().then(|| app.write_recovery_now()) {
            Some(Some(path)) => format!(
                "terminal error: {e}; the unsaved buffer is in {}",
                kept_in(app, &path)
            ),
            _ => format!("terminal error: {e}"),
        }),
        Err(_) => Err(match app.write_recovery_now() {
            Some(path) => format!(
                "patches-tui crashed; the buffer is saved in {}",
                kept_in(app, &path)
            ),
            None => "patches-tui crashed, and the buffer could not be saved for recovery".into(),
        }),
    }
}

/// Raw mode, the alternate screen, bracketed paste and the mouse.
fn enter() -> io::Result<Term> {
    terminal::enable_raw_mode()?;
    execute!(
        io::stdout(),
        EnterAlternateScreen,
        EnableBracketedPaste,
        EnableMouseCapture
    )?;
    Terminal::new(CrosstermBackend::new(io::stdout()))
}

/// Gives the terminal back as it was.
fn leave() {
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        DisableMouseCapture,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = terminal::disable_raw_mode();
}

/// From now on a panic on any thread writes the recovery file from the last snapshot of the
/// buffer (see [`exits::remember`]). On this (the UI) thread it restores the terminal before
/// the message is printed; on another, whose message would land on the screen, the screen
/// shows it instead (see [`exits::take_background_panic`]).
pub fn catch_panics() {
    let ui_thread = std::thread::current().id();
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        let saved = exits::write_snapshot();
        if std::thread::current().id() == ui_thread {
            leave();
            previous(info);
            return;
        }
        let thread = std::thread::current()
            .name()
            .unwrap_or("unnamed")
            .to_string();
        let saved = match saved {
            Some(path) => format!("; the unsaved buffer is in {}", path.display()),
            None => String::new(),
        };
        exits::background_panicked(format!(
            "the {thread} thread crashed ({}){saved}: save, then restart",
            panic_message(info.payload())
        ));
    }));
}

/// A panic's message, when it has one.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("no message")
}

/// Draws, sleeps until the next event or deadline, handles it; until the app quits.
fn event_loop(terminal: &mut Term, app: &mut App, changes: &Receiver<()>) -> io::Result<()> {
    let mut redraw = true;
    loop {
        if redraw {
            let size = terminal.size()?;
            let area = Rect::new(0, 0, size.width, size.height);
            let (height, width) = editor_text_size(area, app.editor.lines().len());
            app.fit_editor(height, width);
            terminal.draw(|frame| view::draw(frame, app))?;
            redraw = false;
        }
        if app.should_quit() || exits::pending_signal().is_some() {
            return Ok(());
        }
        let now = Instant::now();
        let timeout = app.next_wake(now).saturating_duration_since(now);
        if event::poll(timeout)? {
            loop {
                match event::read()? {
                    Event::Key(key) => app.key(key, Instant::now()),
                    Event::Paste(text) => app.paste(&text, Instant::now()),
                    Event::Mouse(mouse) => {
                        let size = terminal.size()?;
                        let screen = Rect::new(0, 0, size.width, size.height);
                        app.mouse(mouse, screen, Instant::now());
                    }
                    _ => {}
                }
                if let Some(text) = app.take_system_clipboard() {
                    execute!(io::stdout(), CopyToClipboard::to_clipboard_from(text))?;
                }
                redraw = true;
                if app.should_quit() || !event::poll(Duration::ZERO)? {
                    break;
                }
            }
        }
        if changes.try_iter().count() > 0 {
            app.disk_changed(Instant::now());
            redraw = true;
        }
        if let Some(message) = exits::take_background_panic() {
            app.notify(NoticeKind::Error, message, None);
            redraw = true;
        }
        redraw |= app.tick(Instant::now());
        if redraw {
            remember(app);
        }
    }
}
