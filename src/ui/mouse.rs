//! The mouse: in the editor a click places the cursor, a drag selects, the wheel scrolls;
//! over the meters the wheel scrolls the node rows.

use super::app::{App, Focus, MeterScroll};
use super::editor::text::char_column;
use super::view::layout::{gutter_width, panes};
use super::view::meters;
use crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Rect;
use std::time::Instant;

/// Lines one wheel step scrolls.
const WHEEL_LINES: usize = 3;

impl App {
    /// Handles a mouse event on a screen of size `screen`.
    pub fn mouse(&mut self, event: MouseEvent, screen: Rect, now: Instant) {
        if self.prompt.is_some() || self.help.is_some() {
            return;
        }
        let Some(panes) = panes(screen) else {
            return;
        };
        if self.wheel_over_meters(event, panes.meters) {
            return;
        }
        let lines = self.editor.lines().len();
        let gutter = gutter_width(lines);
        let area = panes.editor;
        let inner = Rect::new(
            area.x + 1 + gutter,
            area.y + 1,
            area.width.saturating_sub(2 + gutter),
            area.height.saturating_sub(2),
        );
        let inside = event.row >= inner.y
            && event.row < inner.y + inner.height
            && event.column >= area.x
            && event.column < area.x + area.width;
        let at = || {
            let row = (self.top + usize::from(event.row.saturating_sub(inner.y))).min(lines - 1);
            let x = self.left + usize::from(event.column.saturating_sub(inner.x));
            (row, char_column(&self.editor.lines()[row], x))
        };
        match event.kind {
            MouseEventKind::Down(MouseButton::Left) if inside => {
                let (row, col) = at();
                self.focus = Focus::Editor;
                self.completion = None;
                self.editor.set_cursor(row, col);
                self.drag_from = Some((row, col));
                self.cursor_moved(now);
            }
            MouseEventKind::Drag(MouseButton::Left) => {
                if let Some(anchor) = self.drag_from {
                    let (row, col) = at();
                    self.editor.select_to(anchor, row, col);
                }
            }
            MouseEventKind::Up(_) => self.drag_from = None,
            MouseEventKind::ScrollDown if inside => {
                let last_top = lines.saturating_sub(1);
                self.top = (self.top + WHEEL_LINES).min(last_top);
                self.keep_cursor_in_view();
            }
            MouseEventKind::ScrollUp if inside => {
                self.top = self.top.saturating_sub(WHEEL_LINES);
                self.keep_cursor_in_view();
            }
            _ => {}
        }
    }

    /// The wheel over the meters pane scrolls its node rows by one; true when it did.
    fn wheel_over_meters(&mut self, event: MouseEvent, area: Rect) -> bool {
        let over = event.row > area.y
            && event.row + 1 < area.y + area.height
            && event.column >= area.x
            && event.column < area.x + area.width;
        let down = match event.kind {
            MouseEventKind::ScrollDown => true,
            MouseEventKind::ScrollUp => false,
            _ => return false,
        };
        if !over {
            return false;
        }
        let window = meters::window(self, area.height.saturating_sub(2));
        let last = window.total.saturating_sub(window.rows);
        let first = if down {
            (window.first + 1).min(last)
        } else {
            window.first.saturating_sub(1)
        };
        self.meter_scroll = Some(MeterScroll {
            first,
            selected: self.selected(),
        });
        true
    }

    /// After a scroll: the cursor moves into the view (the view follows the cursor).
    fn keep_cursor_in_view(&mut self) {
        let (row, col) = self.editor.cursor();
        let height = self.view_height.max(1);
        let clamped = row.clamp(self.top, self.top + height - 1);
        if clamped != row {
            self.editor.set_cursor(clamped, col);
        }
    }
}
