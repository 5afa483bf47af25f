//! Drawing: a pure function of the app's state, pane by pane.

pub mod buffer_node;
pub mod editor;
pub mod help;
pub mod inspector;
pub mod layout;
pub mod meters;
pub mod node_lines;
pub mod popups;
pub mod prompt;
pub mod status;

use super::app::App;
use ratatui::layout::Alignment;
use ratatui::style::Style;
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

/// Draws the whole screen for `app`.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let ui = &app.theme().ui;
    let base = Style::default().fg(ui.foreground).bg(ui.background);
    frame.render_widget(Block::default().style(base), area);
    let Some(panes) = layout::panes(area) else {
        let text = format!(
            "The terminal is {}x{}: patches-tui needs at least {}x{}.\nEnlarge the window (the sound goes on).",
            area.width,
            area.height,
            layout::MIN_WIDTH,
            layout::MIN_HEIGHT
        );
        let message = Paragraph::new(text)
            .style(base.fg(ui.warning))
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true });
        frame.render_widget(message, layout::centred(area, area.width, 3));
        return;
    };
    editor::draw(frame, panes.editor, app);
    inspector::draw(frame, panes.inspector, app);
    meters::draw(frame, panes.meters, app);
    status::draw(frame, panes.status, app);
    popups::errors(frame, panes.editor, app);
    if app.help.is_some() {
        help::draw(frame, area, app);
    }
    if app.prompt().is_some() {
        prompt::draw(frame, area, app);
    }
}

/// A pane's frame: rounded borders, its title, highlighted when focused.
pub(crate) fn pane<'a>(title: String, focused: bool, app: &App) -> Block<'a> {
    let ui = &app.theme().ui;
    let border = if focused {
        ui.border_focused
    } else {
        ui.border
    };
    Block::bordered()
        .border_type(ratatui::widgets::BorderType::Rounded)
        .border_style(Style::default().fg(border))
        .title(ratatui::text::Span::styled(
            title,
            Style::default().fg(ui.title),
        ))
        .style(Style::default().fg(ui.foreground).bg(ui.background))
}
