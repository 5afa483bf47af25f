//! The help overlay: the key map and a browsable module reference from the descriptors.

use super::layout::{centred, keep_visible};
use super::pane;
use crate::reference::describe;
use crate::ui::app::App;
use crate::ui::keys::KEY_MAP;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

/// Draws the help over `area`.
pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let Some(module) = app.help else {
        return;
    };
    let ui = &app.theme().ui;
    let outer = centred(
        area,
        area.width.saturating_sub(4),
        area.height.saturating_sub(2),
    );
    frame.render_widget(Clear, outer);
    let block = pane(
        " Help: Up/Down browse modules · F1 or Esc closes ".into(),
        true,
        app,
    );
    let inner = block.inner(outer);
    frame.render_widget(block, outer);
    let left_width = (inner.width * 55 / 100).max(30).min(inner.width);
    let keys_width = KEY_MAP.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut left = vec![Line::styled("Keys", Style::default().fg(ui.title))];
    for (keys, meaning) in KEY_MAP {
        left.push(Line::from(vec![
            Span::styled(
                format!("{keys:keys_width$}  "),
                Style::default().add_modifier(Modifier::BOLD),
            ),
            Span::raw(*meaning),
        ]));
    }
    left.push(Line::raw(""));
    left.push(Line::styled("Modules", Style::default().fg(ui.title)));
    let types = app.registry.types();
    let list_room = usize::from(inner.height).saturating_sub(left.len());
    let first = keep_visible(0, module, list_room);
    for (i, t) in types.iter().enumerate().skip(first).take(list_room) {
        let style = if i == module {
            Style::default()
                .bg(ui.selection)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        left.push(Line::styled(format!("  {}", t.name), style));
    }
    frame.render_widget(
        Paragraph::new(left).wrap(Wrap { trim: false }),
        Rect::new(inner.x, inner.y, left_width, inner.height),
    );
    let reference = types.get(module).map(describe).unwrap_or_default();
    let right = Rect::new(
        inner.x + left_width + 1,
        inner.y,
        inner.width.saturating_sub(left_width + 1),
        inner.height,
    );
    frame.render_widget(Paragraph::new(reference).wrap(Wrap { trim: false }), right);
}
