//! The inspector's account of a node as the buffer writes it: its module's doc, ports and
//! parameters from the descriptor, the cables the buffer draws to it, and whether it is
//! running as written, pending a commit, or of an unknown module. It works while the buffer
//! is invalid and before the node was ever committed.

use crate::engine::suggest::did_you_mean;
use crate::engine::{ModuleGraph, Node};
use crate::modules::ParamValue;
use crate::ui::app::App;
use crate::ui::complete::text_nodes;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

/// Where the buffer's node stands against the running patch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// Running exactly as written.
    Running,
    /// Written differently from what runs, or not running yet: a commit plays it.
    Pending,
    /// Its module type is not known.
    Unknown,
}

impl Standing {
    /// The badge's words.
    pub fn label(self) -> &'static str {
        match self {
            Standing::Running => "running",
            Standing::Pending => "pending: commit to play it as written",
            Standing::Unknown => "unknown module",
        }
    }
}

/// The node `name` as the buffer writes it, or `None` when the buffer has no such node.
pub fn details(app: &App, name: &str) -> Option<Vec<Line<'static>>> {
    let from_parse = app
        .outline()
        .and_then(|(graph, _)| Some((graph, graph.nodes.iter().position(|n| n.name == name)?)));
    let text_node;
    let (graph, node): (Option<&ModuleGraph>, &Node) = match from_parse {
        Some((graph, index)) => (Some(graph), &graph.nodes[index]),
        None => {
            let written = text_nodes(app.editor.lines())
                .into_iter()
                .find(|n| n.name == name)?;
            text_node = Node::new(name, written.module.unwrap_or_default());
            (None, &text_node)
        }
    };
    let ui = &app.theme().ui;
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let dim = Style::default().fg(ui.dim);
    let heading = Style::default().fg(ui.title);
    let Some(module) = app.registry.get(&node.module) else {
        let hint = did_you_mean(&node.module, app.registry.names());
        return Some(vec![
            Line::from(vec![
                Span::styled(name.to_string(), bold),
                Span::raw("  "),
                Span::styled(Standing::Unknown.label(), Style::default().fg(ui.error)),
            ]),
            Line::styled(
                format!("`{}` is not a module type{hint}", node.module),
                Style::default().fg(ui.error),
            ),
            Line::styled(
                "Ctrl-Space after `module:` lists them; F1 describes each",
                dim,
            ),
        ]);
    };
    let standing = match app.running() {
        Some(patch) if patch.graph.nodes.iter().any(|n| n == node) => Standing::Running,
        _ => Standing::Pending,
    };
    let colour = match standing {
        Standing::Running => ui.ok,
        _ => ui.warning,
    };
    let d = module.descriptor(node.shape());
    let mut lines = vec![
        Line::from(vec![
            Span::styled(name.to_string(), bold),
            Span::raw("  "),
            Span::styled(d.name.to_string(), heading),
            Span::raw("  "),
            Span::styled(standing.label(), Style::default().fg(colour)),
        ]),
        Line::styled(d.doc.to_string(), dim),
        Line::styled("inputs", heading),
    ];
    let cables = graph.map_or(&[][..], |g| &g.cables[..]);
    for (i, port) in d.inputs.iter().enumerate() {
        let ends: Vec<String> = cables
            .iter()
            .filter(|c| {
                c.to == name && d.input_index(&c.input.name, c.input.index.unwrap_or(0)) == Some(i)
            })
            .map(|c| format!("{}.{}{}", c.from, c.output, scale(c.scale)))
            .collect();
        lines.push(port_line(
            &port.label(),
            port.kind.label(),
            "<-",
            &ends,
            dim,
        ));
    }
    if d.inputs.is_empty() {
        lines.push(Line::styled("  none", dim));
    }
    lines.push(Line::styled("outputs", heading));
    for (o, port) in d.outputs.iter().enumerate() {
        let ends: Vec<String> = cables
            .iter()
            .filter(|c| {
                c.from == name
                    && d.output_index(&c.output.name, c.output.index.unwrap_or(0)) == Some(o)
            })
            .map(|c| format!("{}.{}{}", c.to, c.input, scale(c.scale)))
            .collect();
        lines.push(port_line(
            &port.label(),
            port.kind.label(),
            "->",
            &ends,
            dim,
        ));
    }
    if d.outputs.is_empty() {
        lines.push(Line::styled("  none", dim));
    }
    lines.push(Line::styled("params", heading));
    if d.params.is_empty() {
        lines.push(Line::styled("  none", dim));
    }
    for param in &d.params {
        let default = param.default_value();
        let written = node.params.iter().find(|(n, _)| n == param.name);
        let value_style = match written {
            Some((_, v)) if *v != default => Style::default()
                .fg(ui.non_default)
                .add_modifier(Modifier::BOLD),
            _ => Style::default(),
        };
        let value = written.map_or(&default, |(_, v)| v);
        lines.push(Line::from(vec![
            Span::raw(format!("  {} = ", param.name)),
            Span::styled(short(value), value_style),
            Span::styled(
                format!("  {}, default {}", param.range_text(), short(&default)),
                dim,
            ),
        ]));
    }
    Some(lines)
}

/// `  label <- a.out, b.out  pitch` or `  label unconnected  audio`.
fn port_line(label: &str, kind: &str, arrow: &str, ends: &[String], dim: Style) -> Line<'static> {
    let mut spans = vec![Span::raw(format!("  {label} "))];
    if ends.is_empty() {
        spans.push(Span::styled("unconnected", dim));
    } else {
        spans.push(Span::raw(format!("{arrow} {}", ends.join(", "))));
    }
    spans.push(Span::styled(format!("  {kind}"), dim));
    Line::from(spans)
}

/// ` x0.5`, or nothing for a scale of 1.
fn scale(scale: f64) -> String {
    if scale == 1.0 {
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
