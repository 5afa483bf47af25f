//! The lines the inspector's two accounts of a node share (the node as the buffer writes it,
//! see [`super::buffer_node`], and as it runs, see [`super::inspector`]): a port section
//! with each port's cables, and the parameter section.

use crate::modules::{ParamDescriptor, ParamValue};
use crate::ui::theme::UiColors;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use std::fmt::Display;

/// A port as listed: its label, its kind's word when shown, the other ends of its cables.
pub struct Port {
    /// The port as written (`name` or `name/index`).
    pub label: String,
    /// The kind's word (`audio`, `pitch`, ...), shown after the cables when given.
    pub kind: Option<&'static str>,
    /// The cables' other ends (`node.port` and the scale when not 1).
    pub ends: Vec<String>,
}

/// `heading`, then one line per port: `  label <- a.out, b.out` (with `arrow`) or
/// `  label unconnected`, then the kind; `  none` when there are no ports.
pub fn port_section(
    lines: &mut Vec<Line<'static>>,
    heading: &'static str,
    ports: impl Iterator<Item = Port>,
    arrow: &str,
    ui: &UiColors,
) {
    let dim = Style::default().fg(ui.dim);
    lines.push(Line::styled(heading, Style::default().fg(ui.title)));
    let before = lines.len();
    for port in ports {
        let mut spans = vec![Span::raw(format!("  {} ", port.label))];
        if port.ends.is_empty() {
            spans.push(Span::styled("unconnected", dim));
        } else {
            spans.push(Span::raw(format!("{arrow} {}", port.ends.join(", "))));
        }
        if let Some(kind) = port.kind {
            spans.push(Span::styled(format!("  {kind}"), dim));
        }
        lines.push(Line::from(spans));
    }
    if lines.len() == before {
        lines.push(Line::styled("  none", dim));
    }
}

/// `params`, then `  name = value  range, default d` per parameter, given with its value
/// (`None`: not written, the default; a value that is not the default is bold, in its own
/// colour) and its modulation when it has one (`~ lfo.out 200..2000`, shown in place of
/// the value); `  none` when there are none.
pub fn param_section<'p>(
    lines: &mut Vec<Line<'static>>,
    params: impl ExactSizeIterator<Item = (&'p ParamDescriptor, Option<&'p ParamValue>)>,
    modulation: impl Fn(&str) -> Option<String>,
    ui: &UiColors,
) {
    let dim = Style::default().fg(ui.dim);
    lines.push(Line::styled("params", Style::default().fg(ui.title)));
    if params.len() == 0 {
        lines.push(Line::styled("  none", dim));
    }
    for (param, value) in params {
        let default = param.default_value();
        let modulated = modulation(param.name);
        let value_style = match value {
            Some(value) if *value != default || modulated.is_some() => Style::default()
                .fg(ui.non_default)
                .add_modifier(Modifier::BOLD),
            _ => Style::default(),
        };
        let shown = match modulated {
            Some(text) => format!("~ {text}"),
            None => short(value.unwrap_or(&default)),
        };
        lines.push(Line::from(vec![
            Span::raw(format!("  {} = ", param.name)),
            Span::styled(shown, value_style),
            Span::styled(
                format!("  {}, default {}", param.range_text(), short(&default)),
                dim,
            ),
        ]));
    }
}

/// ` x0.5`, or nothing for a scale of 1 (as written, `f64`, or as planned, `f32`).
pub fn scale<T: Display + PartialEq + From<u8>>(scale: T) -> String {
    if scale == T::from(1) {
        String::new()
    } else {
        format!(" x{scale}")
    }
}

/// A value as shown: long lists are cut.
fn short(value: &ParamValue) -> String {
    let text = value.to_string();
    if text.chars().count() > 48 {
        let cut: String = text.chars().take(45).collect();
        format!("{cut}...")
    } else {
        text
    }
}
