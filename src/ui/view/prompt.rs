//! A question in a box over the panes, with its answers.

use super::layout::centred;
use super::pane;
use crate::ui::app::App;
use ratatui::layout::{Alignment, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

/// Draws the open prompt centred in `area`.
pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let Some(prompt) = app.prompt() else {
        return;
    };
    let ui = &app.theme().ui;
    let (question, answers) = prompt.text();
    let mut choices = Vec::new();
    for (letter, meaning) in answers {
        choices.push(Span::styled(
            format!("[{letter}]"),
            Style::default().fg(ui.title).add_modifier(Modifier::BOLD),
        ));
        choices.push(Span::raw(format!(" {meaning}   ")));
    }
    let text = vec![Line::raw(question), Line::raw(""), Line::from(choices)];
    let width = (area.width.saturating_sub(4)).min(76);
    let box_area = centred(area, width, 7);
    frame.render_widget(Clear, box_area);
    let block = pane(" Question ".into(), true, app);
    frame.render_widget(
        Paragraph::new(text)
            .block(block)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        box_area,
    );
}
