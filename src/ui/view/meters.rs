//! The meters pane: the device, DSP load, master and per-node levels on a -60..0 dB scale,
//! and an oscilloscope of the output where there is room.

use super::layout::keep_visible;
use super::pane;
use crate::engine::{to_db, Level};
use crate::modules::PortKind;
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
/// Full scale of a pitch row, in volts (V/oct: 8 V is eight octaves above C2).
const PITCH_SCALE: f32 = 8.0;
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
        if sound.muted() {
            lines.push(muted_line(app, channel, width));
        } else {
            lines.push(meter_line(app, channel, *level, hold, width));
        }
    }
    let metered: Vec<(&str, PortKind)> = app
        .running()
        .map(|p| {
            p.valid
                .nodes
                .iter()
                .filter_map(|n| Some((n.name.as_str(), n.descriptor.outputs.first()?.kind)))
                .collect()
        })
        .unwrap_or_default();
    let free = usize::from(inner.height).saturating_sub(lines.len());
    // The scope only where every node's row fits beside it: each node stays reachable.
    let scope_height = if inner.height >= SCOPE_FROM
        && metered.len() + 1 < free.saturating_sub(usize::from(inner.height / 3))
    {
        inner.height / 3
    } else {
        0
    };
    let room = free.saturating_sub(usize::from(scope_height));
    let selected = app.selected();
    let picked = selected
        .as_deref()
        .and_then(|s| metered.iter().position(|(n, _)| *n == s));
    let hidden = metered.len() > room;
    // With more nodes than rows, one row says how many are above and below.
    let rows = if hidden { room.saturating_sub(1) } else { room };
    let first = picked.map_or(0, |p| keep_visible(0, p, rows));
    for (name, kind) in metered.iter().skip(first).take(rows) {
        let level = sound.meters().node(name).unwrap_or_default();
        let marker = if sound.soloed() == Some(*name) {
            " solo"
        } else if sound.node_muted(name) {
            " muted"
        } else {
            ""
        };
        let width = width.saturating_sub(marker.len());
        let mut line = match kind {
            PortKind::Audio => {
                let hold = app.holds.get(*name).copied();
                meter_line(app, name, level, hold, width)
            }
            kind => control_line(app, name, *kind, level, width),
        };
        if !marker.is_empty() {
            line.spans
                .push(Span::styled(marker, Style::default().fg(ui.warning)));
        }
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
    if hidden {
        let below = metered.len().saturating_sub(first + rows);
        lines.push(Line::styled(
            format!("↑{first} ↓{below} more: put the cursor on a node to see its row"),
            dim,
        ));
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

/// A master row while muted: no level (the meter stops), the word `muted`.
fn muted_line(app: &App, name: &str, width: usize) -> Line<'static> {
    let ui = &app.theme().ui;
    let bar = width.saturating_sub(NAME_WIDTH + 2);
    Line::from(vec![
        Span::raw(format!("{name:NAME_WIDTH$}")),
        Span::styled(
            format!("{:─^bar$}", " muted (F12) "),
            Style::default()
                .fg(ui.meter_red)
                .add_modifier(Modifier::BOLD),
        ),
    ])
}

/// Full scale of a control row: pitch in volts (V/oct, 0 V = C2), other control signals
/// around 1.
fn full_scale(kind: PortKind) -> f32 {
    match kind {
        PortKind::Pitch => PITCH_SCALE,
        _ => 1.0,
    }
}

/// A control (CV, pitch, gate) row: the size of the value on a linear volt scale, its value,
/// no dB and no clip mark (a CV past 1 is not a clip).
fn control_line(
    app: &App,
    name: &str,
    kind: PortKind,
    level: Level,
    width: usize,
) -> Line<'static> {
    let ui = &app.theme().ui;
    let label: String = name.chars().take(NAME_WIDTH - 1).collect();
    let bar_width = width.saturating_sub(NAME_WIDTH + 11).max(4);
    let bar_width = bar_width.saturating_sub(2);
    let scale = full_scale(kind);
    let filled = ((level.peak / scale).clamp(0.0, 1.0) * bar_width as f32).round() as usize;
    let mut spans = vec![Span::raw(format!("{label:NAME_WIDTH$}"))];
    spans.push(Span::styled(
        "▬".repeat(filled),
        Style::default().fg(ui.meter_peak),
    ));
    spans.push(Span::styled(
        "·".repeat(bar_width - filled),
        Style::default().fg(ui.border),
    ));
    let value = match kind {
        PortKind::Gate if level.peak >= 0.5 => "    on".to_string(),
        PortKind::Gate => "   off".to_string(),
        PortKind::Pitch => format!("{:5.2}V", level.peak),
        _ => format!("{:6.2}", level.peak),
    };
    spans.push(Span::styled(value, Style::default().fg(ui.dim)));
    spans.push(Span::styled(
        format!(" {}", kind.label()),
        Style::default().fg(ui.dim),
    ));
    Line::from(spans)
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
