//! The inspector's account of a node as the buffer writes it: its module's doc, ports and
//! parameters from the descriptor, the cables the buffer draws to it, and whether it is
//! running as written, pending a commit, or of an unknown module. It works while the buffer
//! is invalid and before the node was ever committed.

use super::node_lines::{param_section, port_section, scale, Port};
use crate::engine::suggest::did_you_mean;
use crate::engine::{ModuleGraph, Node};
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
    ];
    let cables = graph.map_or(&[][..], |g| &g.cables[..]);
    let inputs = d.inputs.iter().enumerate().map(|(i, port)| Port {
        label: port.label(),
        kind: Some(port.kind.label()),
        ends: cables
            .iter()
            .filter(|c| {
                c.to == name && d.input_index(&c.input.name, c.input.index.unwrap_or(0)) == Some(i)
            })
            .map(|c| format!("{}.{}{}", c.from, c.output, scale(c.scale)))
            .collect(),
    });
    port_section(&mut lines, "inputs", inputs, "<-", ui);
    let outputs = d.outputs.iter().enumerate().map(|(o, port)| Port {
        label: port.label(),
        kind: Some(port.kind.label()),
        ends: cables
            .iter()
            .filter(|c| {
                c.from == name
                    && d.output_index(&c.output.name, c.output.index.unwrap_or(0)) == Some(o)
            })
            .map(|c| format!("{}.{}{}", c.to, c.input, scale(c.scale)))
            .collect(),
    });
    port_section(&mut lines, "outputs", outputs, "->", ui);
    let params = d.params.iter().map(|param| {
        let written = node.params.iter().find(|(n, _)| n == param.name);
        (param, written.map(|(_, value)| value))
    });
    let modulation = |param: &str| {
        node.param_mod(param)
            .map(|m| format!("{}.{} {}..{}", m.source, m.output, m.from, m.to))
    };
    param_section(&mut lines, params, modulation, ui);
    Some(lines)
}
