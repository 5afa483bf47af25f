//! The status bar: file and its state, the buffer's validity, the engine, the last commit,
//! the latest notice and a key hint.

use crate::ui::app::{App, NoticeKind};
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// The key hint at the right of the second line.
pub const KEY_HINT: &str =
    "F1 help  F2 inspector  ^R commit  ^S save  ^E errors  F6 auto  F12 mute  ^Q quit";

/// The key hint when the full one does not fit.
pub const SHORT_HINT: &str = "F1 help";

/// Draws the status bar in `area` (two lines).
pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let ui = &app.theme().ui;
    let base = Style::default()
        .fg(ui.status_foreground)
        .bg(ui.status_background);
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let saved = if app.disk_text.is_none() {
        Span::styled("new file", Style::default().fg(ui.warning))
    } else if app.is_dirty() {
        Span::styled("unsaved", Style::default().fg(ui.warning))
    } else {
        Span::styled("saved", Style::default().fg(ui.ok))
    };
    let validity = match app.errors() {
        [] => Span::styled("valid", Style::default().fg(ui.ok)),
        errors => Span::styled(
            format!(
                "{} error{}: line {}: {}",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" },
                errors[0].line,
                errors[0].message
            ),
            Style::default().fg(ui.error).add_modifier(Modifier::BOLD),
        ),
    };
    let engine = engine_state(app);
    let mut right = vec![Span::raw(transport_state(app)), Span::styled(engine, bold)];
    if app.is_uncommitted() && app.running().is_some() {
        right.push(Span::styled(
            " · uncommitted",
            Style::default().fg(ui.warning),
        ));
    }
    if app.auto_commit() {
        right.push(Span::raw(" · auto-commit"));
    }
    right.push(Span::raw(" "));
    let left = vec![
        Span::styled(format!(" {} ", app.name), bold),
        Span::raw("· "),
        saved,
        Span::raw(" · "),
        validity,
    ];
    let top = Rect::new(area.x, area.y, area.width, 1);
    let bottom = Rect::new(
        area.x,
        area.y + 1,
        area.width,
        area.height.saturating_sub(1),
    );
    split_line(frame, top, left, right, base);
    if let Some(input) = &app.input {
        let label = input.label();
        let line = Line::from(vec![
            Span::styled(format!(" {label}"), Style::default().fg(ui.title)),
            Span::raw(input.text.clone()),
        ]);
        frame.render_widget(Paragraph::new(line).style(base), bottom);
        let x = bottom.x + 1 + (label.chars().count() + input.text.chars().count()) as u16;
        frame.set_cursor_position(Position::new(x.min(bottom.right() - 1), bottom.y));
        return;
    }
    let row = app.cursor().0 + 1;
    let here = app.errors().iter().find(|e| e.line == row);
    let (message, style) = match (here, app.notice()) {
        (Some(e), notice) if notice.is_none_or(|n| n.until.is_none()) => (
            format!("line {}, column {}: {}", e.line, e.column, e.message),
            Style::default().fg(ui.error),
        ),
        (_, notice) => match notice {
            Some(notice) => {
                let colour = match notice.kind {
                    NoticeKind::Ok => ui.ok,
                    NoticeKind::Info => ui.status_foreground,
                    NoticeKind::Warning => ui.warning,
                    NoticeKind::Error => ui.error,
                };
                (notice.text.clone(), Style::default().fg(colour))
            }
            None => match app.summary() {
                Some(summary) => (
                    format!("last commit: {summary}; {}", app.cable_changes()),
                    Style::default(),
                ),
                None => ("no commit yet".to_string(), Style::default().fg(ui.dim)),
            },
        },
    };
    let message_width = message.chars().count() + 1;
    let width = usize::from(area.width);
    let hint = if message_width + KEY_HINT.len() + 3 <= width {
        KEY_HINT
    } else {
        SHORT_HINT
    };
    // A long message gives way to the short hint, ending in an ellipsis.
    let room = width.saturating_sub(SHORT_HINT.len() + 4);
    let message = if message.chars().count() > room && hint == SHORT_HINT {
        let mut cut: String = message.chars().take(room.saturating_sub(1)).collect();
        cut.push('…');
        cut
    } else {
        message
    };
    let hint = vec![Span::styled(
        format!("{hint} "),
        Style::default().fg(ui.dim),
    )];
    split_line(
        frame,
        bottom,
        vec![Span::raw(" "), Span::styled(message, style)],
        hint,
        base,
    );
}

/// `playing`, `muted`, `silent (no valid commit yet)` or `commit queued`.
fn engine_state(app: &App) -> String {
    if app.running().is_none() {
        "silent (no valid commit yet)".into()
    } else if app.sound.has_queued() {
        "commit queued".into()
    } else if app.sound.muted() {
        "muted".into()
    } else {
        "playing".into()
    }
}

/// `bar 3.2 · 120 BPM · link 1 peer · q bar (lands in 1.2 s) · `: the transport position,
/// the tempo (with `(MIDI clock)` when it follows one), the Link session (with `--link`) and
/// when commits land.
fn transport_state(app: &App) -> String {
    let sound = &app.sound;
    let (bar, beat, bpm) = sound.bar_beat();
    let landing = sound
        .landing_in()
        .map(|s| format!(" (lands in {s:.1} s)"))
        .unwrap_or_default();
    let recording = sound
        .recording()
        .map(|(_, dropped)| match dropped {
            0 => "● REC · ".to_string(),
            n => format!("● REC ({n} frames dropped) · "),
        })
        .unwrap_or_default();
    let sync = if sound.sync_midi() {
        " (MIDI clock)"
    } else {
        ""
    };
    let link = sound
        .link_status()
        .map(|link| format!("{} · ", link.summary()))
        .unwrap_or_default();
    format!(
        "{recording}{bar}.{beat} · {bpm:.0} BPM{sync} · {link}q {}{landing} · ",
        sound.quantize()
    )
}

/// One line with `left` at the left and `right` at the right; the right part gives way when
/// the line is too narrow.
fn split_line(frame: &mut Frame, area: Rect, left: Vec<Span>, right: Vec<Span>, base: Style) {
    let right_width: usize = right.iter().map(|s| s.content.chars().count()).sum();
    let left_width: usize = left.iter().map(|s| s.content.chars().count()).sum();
    let width = usize::from(area.width);
    let mut spans = left;
    if left_width + right_width + 2 <= width {
        spans.push(Span::raw(" ".repeat(width - left_width - right_width)));
        spans.extend(right);
    }
    frame.render_widget(Paragraph::new(Line::from(spans)).style(base), area);
}
