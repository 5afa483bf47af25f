//! The editor pane: gutter (error marker, line number), highlighted text, cursor.

use super::layout::{gutter_width, keep_visible};
use super::pane;
use crate::ui::app::{App, Focus};
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Draws the editor in `area`.
pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let ui = &app.theme().ui;
    let focused = app.focus() == Focus::Editor && app.help.is_none() && app.prompt().is_none();
    let dirty = if app.is_dirty() { " ●" } else { "" };
    let block = pane(format!(" {}{dirty} ", app.name), focused, app);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines = app.editor.lines();
    let gutter = usize::from(gutter_width(lines.len()));
    let height = usize::from(inner.height);
    let width = usize::from(inner.width).saturating_sub(gutter);
    let (row, col) = app.editor.cursor();
    let top = keep_visible(app.top, row, height);
    let left = keep_visible(app.left, col, width);
    let errors = app.errors();
    let mut text = Vec::with_capacity(height);
    for (index, line) in lines.iter().enumerate().skip(top).take(height) {
        let error = errors.iter().find(|e| e.line == index + 1);
        let (marker, number_style) = match error {
            Some(_) => (
                Span::styled("●", Style::default().fg(ui.gutter_error)),
                Style::default()
                    .fg(ui.gutter_error)
                    .add_modifier(Modifier::BOLD),
            ),
            None => (Span::raw(" "), Style::default().fg(ui.gutter)),
        };
        let mut spans = vec![
            marker,
            Span::styled(format!("{:>w$} ", index + 1, w = gutter - 2), number_style),
        ];
        spans.extend(clip(styled(app, index, line), left, width));
        if let Some(error) = error {
            let used: usize = line.chars().count().saturating_sub(left);
            if used + 4 < width {
                let room = width - used - 3;
                let message: String = error.message.chars().take(room).collect();
                spans.push(Span::styled(
                    format!("  ◀ {message}"),
                    Style::default().fg(ui.error).add_modifier(Modifier::ITALIC),
                ));
            }
        }
        let mut line = Line::from(spans);
        if index == row && focused {
            line = line.style(Style::default().bg(ui.cursor_line));
        }
        text.push(line);
    }
    frame.render_widget(Paragraph::new(text), inner);
    if focused && width > 0 && height > 0 {
        let x = inner.x + (gutter + col - left) as u16;
        let y = inner.y + (row - top) as u16;
        frame.set_cursor_position(Position::new(x, y));
    }
}

/// Line `index` with the highlighter's colours (plain text where it has none).
fn styled<'a>(app: &App, index: usize, line: &'a str) -> Vec<Span<'a>> {
    let spans = app.highlighter.line(index);
    let covered = spans.last().map_or(0, |(_, r)| r.end);
    if covered != line.len() {
        return vec![Span::raw(line)];
    }
    spans
        .iter()
        .filter_map(|(style, range)| {
            line.get(range.clone())
                .map(|text| Span::styled(text, *style))
        })
        .collect()
}

/// The characters `left..left + width` of a styled line.
fn clip(spans: Vec<Span<'_>>, left: usize, width: usize) -> Vec<Span<'_>> {
    let mut skip = left;
    let mut room = width;
    let mut out = Vec::new();
    for span in spans {
        if room == 0 {
            break;
        }
        let count = span.content.chars().count();
        if skip >= count {
            skip -= count;
            continue;
        }
        let text: String = span.content.chars().skip(skip).take(room).collect();
        skip = 0;
        room -= text.chars().count();
        out.push(Span::styled(text, span.style));
    }
    out
}
