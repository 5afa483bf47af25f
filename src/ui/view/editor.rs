//! The editor pane: gutter (error marker, line number), highlighted text with the selection,
//! tabs and wide characters in their real cells, the cursor, and the completion list.

use super::layout::{gutter_width, keep_visible};
use super::pane;
use super::popups;
use crate::ui::app::{App, Focus};
use crate::ui::editor::text::{cells, display_column};
use crate::ui::editor::Cursor;
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
    let cursor_x = display_column(&lines[row], col);
    let top = keep_visible(app.top, row, height);
    let left = keep_visible(app.left, cursor_x, width);
    let errors = app.errors();
    let selection = app.editor.selection();
    let selected = Style::default().bg(ui.selection);
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
        let range = selection.and_then(|s| selected_columns(s, index, line));
        let cells = Cells {
            left,
            width,
            selection: range,
            selected,
            tab: Style::default().fg(ui.dim),
        };
        let (drawn, used) = cells.draw(styled(app, index, line));
        spans.extend(drawn);
        if let Some(error) = error {
            if used + 6 < width {
                let room = width - used - 4;
                let message = error.message.as_str();
                let mut shown: String = message.chars().take(room).collect();
                if shown.len() < message.len() {
                    shown.pop();
                    shown.push('…');
                }
                spans.push(Span::styled(
                    format!("  ◀ {shown}"),
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
        let x = inner.x + (gutter + cursor_x - left) as u16;
        let y = inner.y + (row - top) as u16;
        if app.input.is_none() {
            frame.set_cursor_position(Position::new(x, y));
        }
        popups::completion(frame, inner, Position::new(x, y), app);
    }
}

/// The selected character columns of line `index` (a selected line break counts as one
/// column past the end).
fn selected_columns(
    (start, end): (Cursor, Cursor),
    index: usize,
    line: &str,
) -> Option<(usize, usize)> {
    if index < start.0 || index > end.0 {
        return None;
    }
    let from = if index == start.0 { start.1 } else { 0 };
    let to = if index == end.0 {
        end.1
    } else {
        line.chars().count() + 1
    };
    Some((from, to))
}

/// How a line's characters become cells: scrolled by `left`, `width` wide, the selection.
struct Cells {
    left: usize,
    width: usize,
    selection: Option<(usize, usize)>,
    selected: Style,
    tab: Style,
}

impl Cells {
    /// The spans that draw the styled line, and the cells they take.
    fn draw<'a>(&self, spans: Vec<Span<'a>>) -> (Vec<Span<'a>>, usize) {
        let mut out: Vec<Span<'a>> = Vec::new();
        let mut x = 0;
        let mut index = 0;
        let mut push = |text: &str, style: Style| match out.last_mut() {
            Some(last) if last.style == style => last.content.to_mut().push_str(text),
            _ => out.push(Span::styled(text.to_string(), style)),
        };
        let end = self.left + self.width;
        for span in &spans {
            for c in span.content.chars() {
                let w = cells(c, x);
                let mut style = span.style;
                if self.selection.is_some_and(|(a, b)| a <= index && index < b) {
                    style = style.patch(self.selected);
                }
                index += 1;
                let (from, to) = (x, x + w);
                x = to;
                if to <= self.left || from >= end {
                    continue;
                }
                let visible = to.min(end) - from.max(self.left);
                if c == '\t' {
                    let mut text = String::from("→");
                    text.push_str(&" ".repeat(visible.saturating_sub(1)));
                    push(&text, style.patch(self.tab));
                } else if visible < w || w == 0 {
                    push(&" ".repeat(visible), style);
                } else {
                    push(c.encode_utf8(&mut [0; 4]), style);
                }
            }
        }
        if self.selection.is_some_and(|(_, b)| b > index) && x >= self.left && x < end {
            push(" ", self.selected);
            x += 1;
        }
        (out, x.saturating_sub(self.left).min(self.width))
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
