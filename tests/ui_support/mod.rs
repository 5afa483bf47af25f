//! Shared helpers of the UI tests: temporary directories, an app on the null backend, and
//! the screen drawn into ratatui's `TestBackend`.

#![allow(dead_code)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use patches_tui::engine::live::LiveSession;
use patches_tui::engine::{start_output, OutputOptions};
use patches_tui::ui::app::{App, Options};
use patches_tui::ui::files::read_disk;
use patches_tui::ui::recovery::Recovery;
use patches_tui::ui::theme::Theme;
use patches_tui::ui::view;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// A new empty directory, removed when dropped (also when the test fails).
pub struct TempDir(tempfile::TempDir);

impl TempDir {
    /// A new empty directory named after `tag`.
    pub fn new(tag: &str) -> Self {
        let dir = tempfile::Builder::new()
            .prefix(&format!("patches-tui-ui-{tag}-"))
            .tempdir()
            .unwrap();
        TempDir(dir)
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        self.0.path()
    }

    /// `name` inside the directory.
    pub fn join(&self, name: &str) -> PathBuf {
        self.path().join(name)
    }
}

/// The default set's text.
pub const SET: &str = include_str!("../../patches/set.yaml");

/// An app on `path` (its text as on disk) playing on the null backend, with its recovery
/// files under `data`.
pub fn open(path: &Path, data: &Path, options: Options) -> App {
    let output = start_output(
        &OutputOptions {
            null: true,
            ..OutputOptions::default()
        },
        true,
    )
    .expect("the null backend starts");
    App::open(
        path,
        read_disk(path),
        LiveSession::new(output),
        Theme::default(),
        Some(Recovery::new(data, path)),
        options,
        Instant::now(),
    )
}

/// An app on a copy of `text` in `dir`.
pub fn open_text(dir: &TempDir, text: &str) -> App {
    let path = dir.join("set.yaml");
    std::fs::write(&path, text).unwrap();
    open(&path, &dir.join("data"), Options::default())
}

/// A key without modifiers.
pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// A key with Ctrl.
pub fn ctrl(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// Types `text` into the app, key by key.
pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        let code = if c == '\n' {
            KeyCode::Enter
        } else {
            KeyCode::Char(c)
        };
        app.key(key(code), Instant::now());
    }
}

/// The 1-based line of `text` that `needle` starts on.
pub fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("`{needle}` is in the text"))
        + 1
}

/// The screen drawn at `width` x `height`, one string per row.
pub fn screen(app: &mut App, width: u16, height: u16) -> Vec<String> {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    let area = ratatui::layout::Rect::new(0, 0, width, height);
    let (rows, columns) = view::layout::editor_text_size(area, app.text().lines().count());
    app.fit_editor(rows, columns);
    terminal.draw(|frame| view::draw(frame, app)).unwrap();
    let buffer = terminal.backend().buffer();
    (0..height)
        .map(|y| {
            (0..width)
                .map(|x| buffer[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect()
}
