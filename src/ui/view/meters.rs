//! The meters pane: the device, DSP load, master and per-node levels on a -60..0 dB scale,
//! and an oscilloscope of the output where there is room.

use super::layout::keep_visible;
use super::pane;
use crate::engine::{to_db, Level};
use crate::ui::app::{App, Hold};
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::canvas::{Canvas, Points};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Bottom of the meter scale, in dBFS.
pub const FLOOR_DB: f32 = -60.0;
/// Columns of a meter's name.
const NAME_WIDTH: usize = 11;
/// Inner height from which the oscilloscope is drawn.
const SCOPE_FROM: u16 = 14;

/// Draws the meters in `area`.
pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let ui = &app.theme().ui;
    let block = pane(" Meters ".into(), false, app);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let sound = &app.sound;
    let info = sound.info();
    let dim = Style::default().fg(ui.dim);
    let buffer = info
        .buffer_size
        .map_or_else(|| "device buffer".to_string(), |b| format!("{b} frames"));
    let mut device = vec![Span::raw(format!(
        "{} · {} Hz · {buffer}",
        info.device, info.sample_rate
    ))];
    if sound.muted() {
        device.push(Span::styled(
            "  MUTED",
            Style::default()
                .fg(ui.meter_red)
                .add_modifier(Modifier::BOLD),
        ));
    }
    let load = sound.load();
    let late_style = if load.late > 0 {
        Style::default().fg(ui.warning)
    } else {
        dim
    };
    let mut lines = vec![Line::from(device)];
    if let Some(warning) = sound.warning() {
        lines.push(Line::styled(
            format!("! {warning}"),
            Style::default().fg(ui.warning),
        ));
    }
    lines.push(Line::from(vec![
        Span::raw(format!(
            "DSP {:4.1}% (peak {:4.1}%)",
            load.mean * 100.0,
            load.peak * 100.0
        )),
        Span::styled(format!(" · late callbacks {}", load.late), late_style),
    ]));
    let width = usize::from(inner.width);
    let master = sound.meters().master();
    for (channel, (level, hold)) in ["master L", "master R"]
        .iter()
        .zip(master.iter().zip(app.master_holds))
    {
        lines.push(meter_line(app, channel, *level, hold, width));
    }
    let scope_height = if inner.height >= SCOPE_FROM {
        inner.height / 3
    } else {
        0
    };
    let room = usize::from(inner.height - scope_height).saturating_sub(lines.len());
    let selected = app.selected();
    let metered: Vec<&str> = app
        .running()
        .map(|p| {
            p.valid
                .nodes
                .iter()
                .filter(|n| !n.descriptor.outputs.is_empty())
                .map(|n| n.name.as_str())
                .collect()
        })
        .unwrap_or_default();
    let picked = selected
        .as_deref()
        .and_then(|s| metered.iter().position(|n| *n == s))
        .unwrap_or(0);
    let first = keep_visible(0, picked, room);
    for name in metered.iter().skip(first).take(room) {
        let level = sound.meters().node(name).unwrap_or_default();
        let hold = app.holds.get(*name).copied();
        let mut line = meter_line(app, name, level, hold, width);
        if let Some(count) = sound.resets().get(*name) {
            line.spans.push(Span::styled(
                format!(" reset {count}x"),
                Style::default().fg(ui.warning),
            ));
        }
        if Some(*name) == selected.as_deref() {
            line = line.style(Style::default().bg(ui.selection));
        }
        lines.push(line);
    }
    let text_height = inner.height - scope_height;
    frame.render_widget(
        Paragraph::new(lines),
        Rect::new(inner.x, inner.y, inner.width, text_height),
    );
    if scope_height > 0 {
        let area = Rect::new(inner.x, inner.y + text_height, inner.width, scope_height);
        scope(frame, area, app);
    }
}

/// One meter: name, bar (RMS solid, peak shaded, peak-hold tick), peak in dB, clip mark.
fn meter_line(
    app: &App,
    name: &str,
    level: Level,
    hold: Option<Hold>,
    width: usize,
) -> Line<'static> {
    let ui = &app.theme().ui;
    let label: String = name.chars().take(NAME_WIDTH - 1).collect();
    let bar_width = width.saturating_sub(NAME_WIDTH + 11).max(4);
    let position = |linear: f32| -> usize {
        let db = to_db(linear).clamp(FLOOR_DB, 0.0);
        (((db - FLOOR_DB) / -FLOOR_DB) * bar_width as f32).round() as usize
    };
    let rms = position(level.rms);
    let peak = position(level.peak);
    let tick = hold.map(|h| position(h.level)).filter(|&p| p > 0);
    let mut spans = vec![Span::raw(format!("{label:NAME_WIDTH$}"))];
    for cell in 0..bar_width {
        let db = FLOOR_DB + (cell as f32 + 1.0) * -FLOOR_DB / bar_width as f32;
        let colour = zone(app, db);
        let (symbol, style) = if tick == Some(cell + 1) {
            ("|", Style::default().fg(ui.meter_peak))
        } else if cell < rms {
            ("█", Style::default().fg(colour))
        } else if cell < peak {
            ("▒", Style::default().fg(colour))
        } else {
            ("·", Style::default().fg(ui.border))
        };
        spans.push(Span::styled(symbol, style));
    }
    let db = to_db(level.peak);
    let db_text = if db <= FLOOR_DB {
        "  -inf".to_string()
    } else {
        format!("{db:6.1}")
    };
    spans.push(Span::styled(db_text, Style::default().fg(ui.dim)));
    if level.clipped {
        spans.push(Span::styled(
            " C",
            Style::default()
                .fg(ui.meter_red)
                .add_modifier(Modifier::BOLD),
        ));
    }
    Line::from(spans)
}

/// The colour of the meter at `db`: green below -12 dB, yellow to -3 dB, red above.
fn zone(app: &App, db: f32) -> Color {
    let ui = &app.theme().ui;
    if db > -3.0 {
        ui.meter_red
    } else if db > -12.0 {
        ui.meter_yellow
    } else {
        ui.meter_green
    }
}

/// The oscilloscope: the latest output frames, left channel.
fn scope(frame: &mut Frame, area: Rect, app: &App) {
    let ui = &app.theme().ui;
    let colour = ui.meter_green;
    let frames: Vec<[f32; 2]> = app.sound.meters().scope().collect();
    let columns = usize::from(area.width) * 2;
    let step = (frames.len() / columns.max(1)).max(1);
    let points: Vec<(f64, f64)> = frames
        .iter()
        .step_by(step)
        .enumerate()
        .map(|(i, frame)| (i as f64, f64::from(frame[0])))
        .collect();
    let canvas = Canvas::default()
        .marker(Marker::Braille)
        .background_color(ui.background)
        .x_bounds([0.0, points.len().max(1) as f64])
        .y_bounds([-1.0, 1.0])
        .paint(move |ctx| {
            ctx.draw(&Points {
                coords: &points,
                color: colour,
            });
        });
    frame.render_widget(canvas, area);
}
