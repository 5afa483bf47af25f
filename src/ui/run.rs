//! Running the screen: the terminal, the event loop and the crash path.
//!
//! The loop sleeps until the next thing is due (a key, a meter frame while sound plays, a
//! file event, an auto-commit or recovery deadline) and redraws only when something changed.
//! A panic restores the terminal, writes the recovery file and says where it is.

use super::app::{App, NoticeKind, Options};
use super::files::read_disk;
use super::recovery::{data_dir, Recovery};
use super::theme::load_theme;
use super::view::{self, layout::editor_text_size};
use crate::engine::live::LiveSession;
use crate::engine::Quantize;
use crate::engine::{start_output, OutputOptions};
use crate::midi::input::open_live;
use crate::watch::watch_file;
use crossterm::event::{self, DisableBracketedPaste, EnableBracketedPaste, Event};
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
    /// How long a commit ramps changed cable scales, in milliseconds.
    pub fade_ms: f32,
}

type Term = Terminal<CrosstermBackend<Stdout>>;

/// Runs the live-coding screen until the performer quits. Errors are for the terminal after
/// the screen is gone.
pub fn run(options: &StartOptions) -> Result<(), String> {
    if !io::stdout().is_terminal() || !io::stdin().is_terminal() {
        return Err(
            "the live-coding screen needs a terminal; for headless playback use `patches-tui play FILE`"
                .into(),
        );
    }
    let theme = load_theme(&options.theme)?;
    let disk = read_disk(&options.file);
    if disk.is_none() && options.file.exists() {
        return Err(format!(
            "{}: cannot be read as text; not opening it so it is never overwritten",
            options.file.display()
        ));
    }
    let mut output = start_output(&options.output, true).map_err(|e| e.to_string())?;
    let midi_in = options
        .midi_in
        .as_deref()
        .map(|pattern| open_live(&mut output.engine, pattern));
    let recovery = data_dir().map(|dir| Recovery::new(&dir, &options.file));
    let mut sound = LiveSession::new(output);
    sound.set_quantize(options.quantize);
    sound.set_fade_ms(options.fade_ms);
    if let Some(path) = &options.record {
        sound.start_recording(path)?;
    }
    let mut app = App::open(
        &options.file,
        disk,
        sound,
        theme,
        recovery,
        Options {
            auto_commit: options.auto_commit,
        },
        Instant::now(),
    );
    match &midi_in {
        Some(Ok(input)) => {
            let text = format!("MIDI in: {}", input.ports().join(", "));
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
    let mut terminal = enter().map_err(|e| format!("cannot set up the terminal: {e}"))?;
    restore_on_panic();
    let result = guarded(&mut app, |app| event_loop(&mut terminal, app, &changes));
    leave();
    drop(watcher);
    drop(midi_in);
    result
}

/// Runs `body` on `app`. If it panics (the hook has already given the terminal back), the
/// buffer goes to the recovery file and the error says where it is.
pub fn guarded(app: &mut App, body: impl FnOnce(&mut App) -> io::Result<()>) -> Result<(), String> {
    match panic::catch_unwind(AssertUnwindSafe(|| body(app))) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(format!("terminal error: {e}")),
        Err(_) => Err(match app.write_recovery_now() {
            Some(path) => format!(
                "patches-tui crashed; the buffer is saved in {} (it is offered on the next start)",
                path.display()
            ),
            None => "patches-tui crashed, and the buffer could not be saved for recovery".into(),
        }),
    }
}

/// Raw mode, the alternate screen and bracketed paste.
fn enter() -> io::Result<Term> {
    terminal::enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste)?;
    Terminal::new(CrosstermBackend::new(io::stdout()))
}

/// Gives the terminal back as it was.
fn leave() {
    let _ = execute!(
        io::stdout(),
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = terminal::disable_raw_mode();
}

/// A panic on this (the UI) thread restores the terminal before the message is printed.
fn restore_on_panic() {
    let ui_thread = std::thread::current().id();
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if std::thread::current().id() == ui_thread {
            leave();
        }
        previous(info);
    }));
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
        if app.should_quit() {
            return Ok(());
        }
        let now = Instant::now();
        let timeout = app.next_wake(now).saturating_duration_since(now);
        if event::poll(timeout)? {
            loop {
                match event::read()? {
                    Event::Key(key) => app.key(key, Instant::now()),
                    Event::Paste(text) => app.paste(&text, Instant::now()),
                    _ => {}
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
        redraw |= app.tick(Instant::now());
    }
}
