//! Lists drawn over the editor: completion candidates at the cursor, and every error.

use super::layout::{centred, keep_visible};
use super::pane;
use crate::ui::app::App;
use ratatui::layout::{Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

/// Candidates the completion list shows at once.
const COMPLETION_ROWS: usize = 8;

/// The completion list under (or above) the cursor at `cursor`, inside `area`.
pub fn completion(frame: &mut Frame, area: Rect, cursor: Position, app: &App) {
    let Some(open) = &app.completion else {
        return;
    };
    let ui = &app.theme().ui;
    let candidates = &open.completions.candidates;
    let rows = candidates.len().min(COMPLETION_ROWS);
    let label_width = candidates
        .iter()
        .map(|c| c.label.chars().count())
        .max()
        .unwrap_or(0);
    let width = area.width.min(72);
    let height = rows as u16 + 2;
    let below = cursor.y + 1 + height <= area.y + area.height;
    let y = if below {
        cursor.y + 1
    } else {
        cursor.y.saturating_sub(height).max(area.y)
    };
    let x = cursor.x.min((area.x + area.width).saturating_sub(width));
    let popup = Rect::new(x, y, width, height.min(area.height));
    frame.render_widget(Clear, popup);
    let title = format!(" {} · Enter/Tab accept · Esc ", candidates.len());
    let block = pane(title, true, app);
    let first = keep_visible(0, open.pick, rows);
    let lines: Vec<Line> = candidates
        .iter()
        .enumerate()
        .skip(first)
        .take(rows)
        .map(|(i, c)| {
            let label = c.label.lines().next().unwrap_or_default();
            let mut line = Line::from(vec![
                Span::styled(
                    format!("{label:label_width$}  "),
                    Style::default().add_modifier(Modifier::BOLD),
                ),
                Span::styled(c.doc.clone(), Style::default().fg(ui.dim)),
            ]);
            if i == open.pick {
                line = line.style(Style::default().bg(ui.selection));
            }
            line
        })
        .collect();
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

/// The error list over `area`: one line per error, the picked one in full below.
pub fn errors(frame: &mut Frame, area: Rect, app: &App) {
    let Some(pick) = app.error_pick else {
        return;
    };
    let ui = &app.theme().ui;
    let errors = app.errors();
    let outer = centred(
        area,
        area.width.saturating_sub(4),
        area.height.saturating_sub(4),
    );
    frame.render_widget(Clear, outer);
    let title = format!(
        " {} error{} · Up/Down pick · Enter jumps · Esc closes ",
        errors.len(),
        if errors.len() == 1 { "" } else { "s" }
    );
    let block = pane(title, true, app);
    let inner = block.inner(outer);
    frame.render_widget(block, outer);
    let detail_height = (inner.height / 3).max(2);
    let list_height = usize::from(inner.height.saturating_sub(detail_height + 1));
    let first = keep_visible(0, pick, list_height);
    let lines: Vec<Line> = errors
        .iter()
        .enumerate()
        .skip(first)
        .take(list_height)
        .map(|(i, e)| {
            let mut line = Line::from(vec![
                Span::styled(
                    format!("{:>4}:{:<3} ", e.line, e.column),
                    Style::default().fg(ui.gutter_error),
                ),
                Span::raw(e.message.clone()),
            ]);
            if i == pick {
                line = line.style(Style::default().bg(ui.selection));
            }
            line
        })
        .collect();
    frame.render_widget(
        Paragraph::new(lines),
        Rect::new(inner.x, inner.y, inner.width, list_height as u16),
    );
    if let Some(e) = errors.get(pick) {
        let detail = Rect::new(
            inner.x,
            inner.y + inner.height - detail_height,
            inner.width,
            detail_height,
        );
        let text = format!("line {}, column {}: {}", e.line, e.column, e.message);
        frame.render_widget(
            Paragraph::new(text)
                .style(Style::default().fg(ui.error))
                .wrap(Wrap { trim: true }),
            detail,
        );
    }
}
