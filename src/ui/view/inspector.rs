//! The inspector pane: the running nodes with what the last commit did to them, and the
//! selected node in full (doc, inputs and their cables, outputs, parameters).

use super::buffer_node;
use super::layout::keep_visible;
use super::node_lines::{param_section, port_section, scale, Port};
use super::pane;
use crate::engine::ValidGraph;
use crate::ui::app::{App, Badge, Focus};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

/// Draws the inspector in `area`.
pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let ui = &app.theme().ui;
    let focused = app.focus() == Focus::Inspector;
    let block = pane(" Inspector ".into(), focused, app);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let nodes = app.node_list();
    if nodes.is_empty() {
        let text = "nothing plays yet: commit a valid patch (Ctrl-R)";
        frame.render_widget(
            Paragraph::new(text)
                .style(Style::default().fg(ui.dim))
                .wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    let selected = app.selected();
    let share = if inner.height < 20 { 4 } else { 3 };
    let list_height = (nodes.len() as u16).min(inner.height / share).max(1);
    let picked = selected
        .as_deref()
        .and_then(|s| nodes.iter().position(|(n, _)| *n == s))
        .unwrap_or(0);
    let first = keep_visible(0, picked, usize::from(list_height));
    let name_width = nodes.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    let list: Vec<Line> = nodes
        .iter()
        .skip(first)
        .take(usize::from(list_height))
        .map(|(name, module)| {
            let badge = app.badge(name);
            let mut line = Line::from(vec![
                badge_span(app, badge),
                Span::raw(format!(" {name:name_width$}  ")),
                Span::styled(module.to_string(), Style::default().fg(ui.dim)),
            ]);
            if Some(*name) == selected.as_deref() {
                line = line.style(Style::default().bg(ui.selection));
            }
            line
        })
        .collect();
    let list_area = Rect::new(inner.x, inner.y, inner.width, list_height);
    frame.render_widget(Paragraph::new(list), list_area);
    let rule = Rect::new(inner.x, inner.y + list_height, inner.width, 1);
    let rule_text = "─".repeat(usize::from(inner.width));
    frame.render_widget(
        Paragraph::new(rule_text).style(Style::default().fg(ui.border)),
        rule,
    );
    let details_area = Rect::new(
        inner.x,
        inner.y + list_height + 1,
        inner.width,
        inner.height.saturating_sub(list_height + 1),
    );
    let details = match selected {
        Some(name) => buffer_node::details(app, &name).unwrap_or_else(|| details(app, &name)),
        None => vec![Line::styled(
            "put the cursor on a node (or F2 and pick one) to see it in full",
            Style::default().fg(ui.dim),
        )],
    };
    let scroll = if focused { app.detail_scroll } else { 0 };
    frame.render_widget(
        Paragraph::new(details)
            .wrap(Wrap { trim: false })
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0)),
        details_area,
    );
}

/// A badge: a fixed-width coloured word.
fn badge_span(app: &App, badge: Option<Badge>) -> Span<'static> {
    let ui = &app.theme().ui;
    let colour = match badge {
        Some(Badge::Kept) => ui.badge_kept,
        Some(Badge::Changed) => ui.badge_changed,
        Some(Badge::Reshaped) => ui.badge_reshaped,
        Some(Badge::New) => ui.badge_new,
        Some(Badge::Removed) => ui.badge_removed,
        None => ui.dim,
    };
    let text = format!("{:8}", badge.map_or("", Badge::label));
    Span::styled(text, Style::default().fg(colour))
}

/// The node `name` in full from the running patch: a node the buffer no longer has (one
/// it has is shown as written, see [`buffer_node::details`]).
fn details(app: &App, name: &str) -> Vec<Line<'static>> {
    let ui = &app.theme().ui;
    let running = app
        .running()
        .and_then(|patch| Some((&patch.valid, patch.valid.node_index(name)?)));
    let Some((graph, index)) = running else {
        let text = match app.badge(name) {
            Some(Badge::Removed) => format!("{name}: removed by the last commit"),
            _ => format!("{name}: not in the running patch (commit a valid buffer to add it)"),
        };
        return vec![Line::styled(text, Style::default().fg(ui.dim))];
    };
    let node = &graph.nodes[index];
    let d = &node.descriptor;
    let bold = Style::default().add_modifier(Modifier::BOLD);
    let dim = Style::default().fg(ui.dim);
    let mut badge = badge_span(app, app.badge(name));
    badge.content = badge.content.trim_end().to_string().into();
    let title = vec![
        Span::styled(name.to_string(), bold),
        Span::raw("  "),
        Span::styled(d.name.to_string(), Style::default().fg(ui.title)),
        Span::raw("  "),
        badge,
    ];
    let mut lines = vec![Line::from(title), Line::styled(d.doc.to_string(), dim)];
    let inputs = d.inputs.iter().enumerate().map(|(i, port)| Port {
        label: port.label(),
        kind: None,
        ends: sources(graph, index, i),
    });
    port_section(&mut lines, "inputs", inputs, "<-", ui);
    let outputs = d.outputs.iter().enumerate().map(|(o, port)| Port {
        label: port.label(),
        kind: None,
        ends: targets(graph, index, o),
    });
    port_section(&mut lines, "outputs", outputs, "->", ui);
    let modulation = |param: &str| {
        let at = d.param_index(param)?;
        let m = graph
            .mods
            .iter()
            .find(|m| m.target == index && m.param == at)?;
        let source = &graph.nodes[m.source];
        let output = source.descriptor.outputs[m.output].label();
        Some(format!("{}.{output} {}..{}", source.name, m.from, m.to))
    };
    param_section(
        &mut lines,
        d.params.iter().zip(node.params.iter().map(Some)),
        modulation,
        ui,
    );
    lines
}

/// The cables into input `input` of node `node`: `source.port` and the scale when not 1.
fn sources(graph: &ValidGraph, node: usize, input: usize) -> Vec<String> {
    graph
        .cables
        .iter()
        .filter(|c| c.to == node && c.input == input)
        .map(|c| {
            let from = &graph.nodes[c.from];
            let port = from.descriptor.outputs[c.output].label();
            format!("{}.{port}{}", from.name, scale(c.scale))
        })
        .collect()
}

/// Where output `output` of node `node` goes: `target.port` and the scale when not 1.
fn targets(graph: &ValidGraph, node: usize, output: usize) -> Vec<String> {
    graph
        .cables
        .iter()
        .filter(|c| c.from == node && c.output == output)
        .map(|c| {
            let to = &graph.nodes[c.to];
            let port = to.descriptor.inputs[c.input].label();
            format!("{}.{port}{}", to.name, scale(c.scale))
        })
        .collect()
}
