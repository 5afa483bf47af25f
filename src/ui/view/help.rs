//! The help overlay: every key from the key map and a browsable module reference from the
//! descriptors. PageUp / PageDown scroll it on small terminals.

use super::layout::{centred, keep_visible};
use super::pane;
use crate::reference::describe;
use crate::ui::app::App;
use crate::ui::keys::BINDINGS;
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
        " Help: Up/Down modules · PgUp/PgDn scroll · F1 or Esc closes ".into(),
        true,
        app,
    );
    let inner = block.inner(outer);
    frame.render_widget(block, outer);
    let left_width = (inner.width * 55 / 100).max(30).min(inner.width);
    let keys_width = BINDINGS.iter().map(|b| b.keys.len()).max().unwrap_or(0);
    let mut left = vec![Line::styled("Keys", Style::default().fg(ui.title))];
    for binding in BINDINGS {
        left.push(Line::from(vec![
            Span::styled(
                format!("{:keys_width$}  ", binding.keys),
                Style::default().add_modifier(Modifier::BOLD),
            ),
            Span::raw(binding.doc),
        ]));
    }
    left.push(Line::raw(""));
    left.push(Line::styled("Modules", Style::default().fg(ui.title)));
    let types = app.registry.types();
    for (i, t) in types.iter().enumerate() {
        let style = if i == module {
            Style::default()
                .bg(ui.selection)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default()
        };
        left.push(Line::styled(format!("  {}", t.name), style));
    }
    let height = usize::from(inner.height);
    let module_line = left.len() - types.len() + module;
    let max_scroll = left.len().saturating_sub(height);
    // Scrolled by hand: as scrolled. Browsing the modules: the chosen one in view. Just
    // opened (on the first module): the keys from the top.
    let scroll = if app.detail_scroll > 0 {
        app.detail_scroll.min(max_scroll)
    } else if module > 0 {
        keep_visible(0, module_line, height)
    } else {
        0
    };
    frame.render_widget(
        Paragraph::new(left)
            .wrap(Wrap { trim: false })
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0)),
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
