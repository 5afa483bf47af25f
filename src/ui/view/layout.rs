//! Where the panes go for a terminal size.

use ratatui::layout::Rect;

/// Narrowest terminal the panes are drawn in.
pub const MIN_WIDTH: u16 = 60;
/// Lowest terminal the panes are drawn in.
pub const MIN_HEIGHT: u16 = 16;
/// Lines of the status bar.
pub const STATUS_LINES: u16 = 2;

/// The panes' rectangles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Panes {
    /// The editor, left, the largest.
    pub editor: Rect,
    /// The inspector, right, top.
    pub inspector: Rect,
    /// The meters, right, bottom.
    pub meters: Rect,
    /// The status bar, bottom.
    pub status: Rect,
}

/// The panes for `area`, or `None` when it is smaller than `MIN_WIDTH` x `MIN_HEIGHT`.
pub fn panes(area: Rect) -> Option<Panes> {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return None;
    }
    let main_height = area.height - STATUS_LINES;
    let editor_width = (area.width * 55 / 100).max(40);
    let right_width = area.width - editor_width;
    // Half the column: a meter row for every node of a set, the node details scroll.
    let meters_height = (main_height / 2).max(7);
    let inspector_height = main_height - meters_height;
    let right_x = area.x + editor_width;
    Some(Panes {
        editor: Rect::new(area.x, area.y, editor_width, main_height),
        inspector: Rect::new(right_x, area.y, right_width, inspector_height),
        meters: Rect::new(
            right_x,
            area.y + inspector_height,
            right_width,
            meters_height,
        ),
        status: Rect::new(area.x, area.y + main_height, area.width, STATUS_LINES),
    })
}

/// Columns of the editor's gutter for a text of `lines` lines: an error marker, the line
/// number and a space.
pub fn gutter_width(lines: usize) -> u16 {
    let digits = lines.max(1).ilog10() as u16 + 1;
    digits.max(2) + 2
}

/// Lines and columns of text the editor shows in `area` for a text of `lines` lines.
pub fn editor_text_size(area: Rect, lines: usize) -> (usize, usize) {
    match panes(area) {
        Some(panes) => {
            let inner_width = panes.editor.width.saturating_sub(2);
            (
                usize::from(panes.editor.height.saturating_sub(2)),
                usize::from(inner_width.saturating_sub(gutter_width(lines))),
            )
        }
        None => (1, 1),
    }
}

/// A rectangle of `width` x `height` centred in `area` (clipped to it).
pub fn centred(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}

/// The first visible index so that `cursor` is inside a window of `size` starting there.
pub fn keep_visible(first: usize, cursor: usize, size: usize) -> usize {
    let size = size.max(1);
    if cursor < first {
        cursor
    } else if cursor >= first + size {
        cursor + 1 - size
    } else {
        first
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_panes_tile_the_screen() {
        for (w, h) in [(60, 16), (80, 24), (120, 40), (200, 60)] {
            let p = panes(Rect::new(0, 0, w, h)).unwrap();
            assert_eq!(p.editor.width + p.inspector.width, w);
            assert_eq!(p.inspector.height + p.meters.height + p.status.height, h);
            assert!(p.editor.width >= p.inspector.width);
        }
        assert_eq!(panes(Rect::new(0, 0, 59, 30)), None);
        assert_eq!(panes(Rect::new(0, 0, 100, 15)), None);
    }
}
