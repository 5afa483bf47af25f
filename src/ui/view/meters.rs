//! The meters pane: the device, DSP load, master and per-node levels on a -60..0 dB scale,
//! and an oscilloscope of the output where there is room.

use super::layout::keep_visible;
use super::pane;
use crate::engine::live::MidiIn;
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

/// The MIDI activity line: what came in last, or why MIDI is off; `None` when no MIDI was
/// asked for (the DSP line then says `no MIDI`, which keeps a row for the meters).
fn midi_line(app: &App) -> Option<Line<'static>> {
    let ui = &app.theme().ui;
    match app.sound.midi() {
        MidiIn::Off => None,
        MidiIn::Failed(reason) => Some(Line::styled(
            format!("MIDI off: {reason}"),
            Style::default().fg(ui.warning),
        )),
        MidiIn::Open(input) => Some(Line::raw(format!("MIDI {}", input.activity().summary()))),
    }
}

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
    match midi_line(app) {
        Some(line) => lines.push(line),
        None => {
            let last = lines.last_mut().expect("the DSP line");
            last.spans.push(Span::styled(" · no MIDI", dim));
        }
    }
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
    debug_assert_eq!(lines.len(), header_lines(app));
    let metered = metered(app);
    let selected = app.selected();
    let Window {
        first,
        rows,
        scope_height,
        ..
    } = window(app, inner.height);
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
    if rows < metered.len() {
        let below = metered.len() - first - rows;
        let more = format!("↑{first} ↓{below} more · wheel, or F2 and ↑↓");
        lines.push(Line::styled(format!("{more:>width$}"), dim));
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

/// The nodes with a meter row (their first output), in patch order, with the kind of it.
fn metered(app: &App) -> Vec<(&str, PortKind)> {
    app.running()
        .map(|p| {
            p.valid
                .nodes
                .iter()
                .filter_map(|n| Some((n.name.as_str(), n.descriptor.outputs.first()?.kind)))
                .collect()
        })
        .unwrap_or_default()
}

/// Lines above the node rows: the device, a warning if any, the load, the MIDI line when
/// MIDI in was asked for, master L and R.
fn header_lines(app: &App) -> usize {
    4 + usize::from(app.sound.warning().is_some())
        + usize::from(!matches!(app.sound.midi(), MidiIn::Off))
}

/// Which node rows the meters pane shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Index of the first node row shown.
    pub first: usize,
    /// Node rows shown.
    pub rows: usize,
    /// Nodes with a row.
    pub total: usize,
    /// Lines of the oscilloscope below the rows (0: none).
    pub scope_height: u16,
}

/// The node rows a meters pane of `height` inner lines shows. They follow the node under
/// the cursor, unless the performer scrolled them (the wheel over the pane) since that node
/// was selected.
pub fn window(app: &App, height: u16) -> Window {
    let metered = metered(app);
    let free = usize::from(height).saturating_sub(header_lines(app));
    // The scope only where every node's row fits beside it: each node stays reachable.
    let scope_height = if height >= SCOPE_FROM
        && metered.len() + 1 < free.saturating_sub(usize::from(height / 3))
    {
        height / 3
    } else {
        0
    };
    let room = free.saturating_sub(usize::from(scope_height));
    // With more nodes than rows, one row says how many are above and below.
    let rows = if metered.len() > room {
        room.saturating_sub(1)
    } else {
        room
    };
    let selected = app.selected();
    let last = metered.len().saturating_sub(rows);
    let first = match &app.meter_scroll {
        Some(scroll) if scroll.selected == selected => scroll.first.min(last),
        _ => selected
            .as_deref()
            .and_then(|s| metered.iter().position(|(n, _)| *n == s))
            .map_or(0, |p| keep_visible(0, p, rows)),
    };
    Window {
        first,
        rows,
        total: metered.len(),
        scope_height,
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
