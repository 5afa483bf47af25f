//! Completion candidates for the place in the YAML the cursor is at, read from the lines
//! themselves so that it works while the buffer does not parse: module names after
//! `module:`, ports after `input:`/`output:` and inside a compact cable, parameter names
//! under `params:`, enum values, node names after `from:`/`to:`, and new-node snippets.

use crate::modules::{ModuleDescriptor, ParamKind, Registry, Shape};

/// One candidate: the text it inserts, what the list shows, its one-line doc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// What the list shows.
    pub label: String,
    /// What accepting it inserts in place of the typed prefix.
    pub insert: String,
    /// One-line doc.
    pub doc: String,
}

/// Candidates for the word at the cursor and where that word starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completions {
    /// The line (0-based).
    pub row: usize,
    /// Character column where the typed prefix starts.
    pub from: usize,
    /// Character column where it ends (the cursor).
    pub to: usize,
    /// Matching candidates, best first.
    pub candidates: Vec<Candidate>,
}

/// A node as the text defines it: name, module type (when written), first and last line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextNode {
    /// Its name.
    pub name: String,
    /// Its `module` value, when written.
    pub module: Option<String>,
    /// Line of its key (0-based).
    pub first: usize,
    /// Last line of its definition (0-based).
    pub last: usize,
}

/// The nodes under `nodes:` as the lines define them (no parse needed).
pub fn text_nodes(lines: &[String]) -> Vec<TextNode> {
    let mut nodes: Vec<TextNode> = Vec::new();
    let mut in_nodes = false;
    let mut node_indent = None;
    for (row, line) in lines.iter().enumerate() {
        let code = strip_comment(line);
        if code.trim().is_empty() {
            if let Some(node) = nodes.last_mut().filter(|_| in_nodes && line.len() > 2) {
                node.last = row;
            }
            continue;
        }
        let indent = indent(line);
        if indent == 0 {
            in_nodes = code.trim_end() == "nodes:";
            node_indent = None;
            continue;
        }
        if !in_nodes {
            continue;
        }
        let level = *node_indent.get_or_insert(indent);
        if indent <= level {
            if let Some(name) = code.trim().strip_suffix(':') {
                nodes.push(TextNode {
                    name: name.trim().to_string(),
                    module: None,
                    first: row,
                    last: row,
                });
            }
            continue;
        }
        if let Some(node) = nodes.last_mut() {
            node.last = row;
            if let Some(module) = code.trim().strip_prefix("module:") {
                let module = module.trim().trim_matches(['"', '\'']);
                if !module.is_empty() {
                    node.module = Some(module.to_string());
                }
            }
        }
    }
    nodes
}

/// The completions at `cursor` (0-based line, character column); `None` where nothing
/// applies. `explicit`: asked for with Ctrl-Space (snippets and empty prefixes offered).
pub fn complete(
    lines: &[String],
    cursor: (usize, usize),
    registry: &Registry,
    explicit: bool,
) -> Option<Completions> {
    let (row, col) = cursor;
    let line = lines.get(row)?;
    let before: String = line.chars().take(col).collect();
    let from = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_name_char(*c))
        .last()
        .map_or(col, |(i, _)| before[..i].chars().count());
    let prefix: String = before.chars().skip(from).collect();
    if !explicit && prefix.chars().count() < 2 {
        return None;
    }
    let head = before.chars().take(from).collect::<String>();
    let nodes = text_nodes(lines);
    let candidates = candidates(&head, lines, row, &nodes, registry, explicit)?;
    let mut matching = rank(&prefix, candidates);
    if matching.is_empty() || (matching.len() == 1 && matching[0].insert == prefix) {
        return None;
    }
    matching.truncate(50);
    Some(Completions {
        row,
        from,
        to: col,
        candidates: matching,
    })
}

/// What may go at the end of `head` (the line before the typed prefix).
fn candidates(
    head: &str,
    lines: &[String],
    row: usize,
    nodes: &[TextNode],
    registry: &Registry,
    explicit: bool,
) -> Option<Vec<Candidate>> {
    let trimmed = head.trim_start().trim_start_matches("- ").trim_start();
    let key = trimmed.strip_suffix(':').or(trimmed.strip_suffix(": "));
    let key = key.map(|k| k.trim_start_matches('{').trim());
    if let Some(cable) = compact_cable_side(head) {
        return Some(cable_candidates(cable, nodes, registry));
    }
    let flow_key = head.rsplit([',', '{']).next().map(str::trim);
    let flow_key = flow_key.and_then(|k| k.strip_suffix(':')).map(str::trim);
    match key.or(flow_key) {
        Some("module") => Some(module_candidates(registry)),
        Some("from") | Some("to") => Some(node_candidates(nodes)),
        Some(field @ ("input" | "output")) => {
            let end = if field == "input" { "to" } else { "from" };
            let node = cable_field(lines, row, end)?;
            let descriptor = descriptor_of(&node, nodes, registry)?;
            Some(port_candidates(&descriptor, field == "input"))
        }
        Some(param) => {
            let (node, params_row) = params_owner(lines, row, nodes)?;
            (params_row < row).then_some(())?;
            let descriptor = descriptor_of(&node.name, nodes, registry)?;
            let kind = &descriptor.params.iter().find(|p| p.name == param)?.kind;
            let ParamKind::Enum { variants, .. } = kind else {
                return None;
            };
            Some(
                variants
                    .iter()
                    .map(|v| Candidate {
                        label: v.to_string(),
                        insert: v.to_string(),
                        doc: format!("a value of `{param}`"),
                    })
                    .collect(),
            )
        }
        None if trimmed.is_empty() => {
            if let Some((node, params_row)) = params_owner(lines, row, nodes) {
                if params_row < row {
                    let descriptor = descriptor_of(&node.name, nodes, registry)?;
                    return Some(param_candidates(&descriptor));
                }
            }
            (explicit && is_node_level(lines, row, head.len())).then(|| snippets(registry))
        }
        None => None,
    }
}

/// Inside a compact cable string before the cursor: `Some(text)` with the text of the side
/// being typed (`osc.` or `mix.`), whether it is the input side.
fn compact_cable_side(head: &str) -> Option<(&str, bool)> {
    let start = head.find(['"', '\''])?;
    let inside = &head[start + 1..];
    if !head.trim_start().starts_with('-') || inside.contains(['"', '\'']) {
        return None;
    }
    match inside.rsplit_once("->") {
        Some((_, right)) => Some((right.trim_start(), true)),
        None => Some((inside.trim_start(), false)),
    }
}

fn cable_candidates(
    (side, input): (&str, bool),
    nodes: &[TextNode],
    registry: &Registry,
) -> Vec<Candidate> {
    match side.strip_suffix('.') {
        Some(node) => match descriptor_of(node, nodes, registry) {
            Some(descriptor) => port_candidates(&descriptor, input),
            None => Vec::new(),
        },
        None => node_candidates(nodes),
    }
}

fn module_candidates(registry: &Registry) -> Vec<Candidate> {
    registry
        .types()
        .iter()
        .map(|t| Candidate {
            label: t.name.to_string(),
            insert: t.name.to_string(),
            doc: first_sentence(t.doc),
        })
        .collect()
}

fn node_candidates(nodes: &[TextNode]) -> Vec<Candidate> {
    nodes
        .iter()
        .map(|n| Candidate {
            label: n.name.clone(),
            insert: n.name.clone(),
            doc: n.module.clone().unwrap_or_else(|| "no module yet".into()),
        })
        .collect()
}

fn port_candidates(descriptor: &ModuleDescriptor, input: bool) -> Vec<Candidate> {
    let ports = if input {
        &descriptor.inputs
    } else {
        &descriptor.outputs
    };
    ports
        .iter()
        .map(|p| Candidate {
            label: p.label(),
            insert: p.label(),
            doc: format!("{} {}", p.kind.label(), first_sentence(p.doc)),
        })
        .collect()
}

fn param_candidates(descriptor: &ModuleDescriptor) -> Vec<Candidate> {
    descriptor
        .params
        .iter()
        .map(|p| Candidate {
            label: p.name.to_string(),
            insert: format!("{}: ", p.name),
            doc: format!("{} ({})", first_sentence(p.doc), p.range_text()),
        })
        .collect()
}

/// A new node per module type, its ports listed in a comment.
fn snippets(registry: &Registry) -> Vec<Candidate> {
    registry
        .types()
        .iter()
        .map(|t| {
            let d = t.descriptor(Shape::default());
            let name = t.name.to_lowercase();
            let ports = |ports: &[crate::modules::PortDescriptor]| {
                ports
                    .iter()
                    .map(|p| p.label())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            Candidate {
                label: format!("{name}: new {} node", t.name),
                insert: format!(
                    "{name}:\n    module: {}\n    # inputs: {}\n    # outputs: {}",
                    t.name,
                    ports(&d.inputs),
                    ports(&d.outputs)
                ),
                doc: first_sentence(t.doc),
            }
        })
        .collect()
}

/// Candidates matching `prefix`: case-insensitive prefix matches first, then substring
/// matches, each in their own order.
fn rank(prefix: &str, candidates: Vec<Candidate>) -> Vec<Candidate> {
    let lower = prefix.to_lowercase();
    let (mut starts, rest): (Vec<_>, Vec<_>) = candidates
        .into_iter()
        .partition(|c| c.label.to_lowercase().starts_with(&lower));
    starts.sort_by_key(|c| c.label.to_lowercase() != lower);
    starts.extend(
        rest.into_iter()
            .filter(|c| c.label.to_lowercase().contains(&lower)),
    );
    starts
}

/// The value of `field` in the cable list entry that holds line `row`.
fn cable_field(lines: &[String], row: usize, field: &str) -> Option<String> {
    let start = (0..=row).rev().find(|&r| {
        let t = lines[r].trim_start();
        t.starts_with("- ") || t == "-"
    })?;
    let entry_indent = indent(&lines[start]);
    let end = (start + 1..lines.len())
        .find(|&r| {
            let t = lines[r].trim_start();
            !t.is_empty() && (indent(&lines[r]) <= entry_indent)
        })
        .unwrap_or(lines.len());
    let pattern = format!("{field}:");
    lines[start..end].iter().find_map(|line| {
        let code = strip_comment(line);
        let at = code
            .match_indices(&pattern)
            .find(|(i, _)| *i == 0 || !is_name_char(code[..*i].chars().last().unwrap_or(' ')))?
            .0;
        let value = code[at + pattern.len()..].trim_start();
        let value: String = value.chars().take_while(|c| is_name_char(*c)).collect();
        (!value.is_empty()).then_some(value)
    })
}

/// The node whose `params:` line (0-based, returned too) holds line `row`.
fn params_owner<'n>(
    lines: &[String],
    row: usize,
    nodes: &'n [TextNode],
) -> Option<(&'n TextNode, usize)> {
    let node = nodes
        .iter()
        .find(|n| n.first <= row && row <= n.last.max(n.first + 1))?;
    let params = (node.first..=row)
        .rev()
        .find(|&r| strip_comment(&lines[r]).trim() == "params:")?;
    let here = indent(&lines[row]);
    (here > indent(&lines[params]) || lines[row].trim().is_empty()).then_some((node, params))
}

/// Whether line `row` (at `column`) is where a new node's name goes: under `nodes:`, at the
/// first node's indentation.
fn is_node_level(lines: &[String], row: usize, column: usize) -> bool {
    let header = (0..row)
        .rev()
        .find(|&r| indent(&lines[r]) == 0 && !strip_comment(&lines[r]).trim().is_empty());
    let Some(header) = header else {
        return false;
    };
    if strip_comment(&lines[header]).trim_end() != "nodes:" {
        return false;
    }
    let level = lines[header + 1..row]
        .iter()
        .find(|l| !strip_comment(l).trim().is_empty())
        .map_or(2, |l| indent(l));
    column == level
}

fn descriptor_of(node: &str, nodes: &[TextNode], registry: &Registry) -> Option<ModuleDescriptor> {
    let module = nodes.iter().find(|n| n.name == node)?.module.as_deref()?;
    Some(registry.get(module)?.descriptor(Shape::default()))
}

fn first_sentence(doc: &str) -> String {
    let end = doc.find(". ").map_or(doc.len(), |i| i + 1);
    doc[..end].to_string()
}

fn strip_comment(line: &str) -> &str {
    if line.trim_start().starts_with('#') {
        return "";
    }
    line.split(" #").next().unwrap_or(line)
}

fn indent(line: &str) -> usize {
    line.chars().take_while(|c| *c == ' ').count()
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '/')
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATCH: &str = "nodes:\n  osc:\n    module: SineOscillator\n    params:\n      frequency: 110\n  out:\n    module: AudioOut\ncables:\n  - from: osc\n    output: out\n    to: out\n    input: left\n";

    fn lines(text: &str) -> Vec<String> {
        text.lines().map(str::to_string).collect()
    }

    fn labels(text: &str, cursor: (usize, usize), explicit: bool) -> Vec<String> {
        complete(&lines(text), cursor, &Registry::seed(), explicit)
            .map(|c| c.candidates.into_iter().map(|c| c.label).collect())
            .unwrap_or_default()
    }

    #[test]
    fn module_names_after_module() {
        let text = "nodes:\n  a:\n    module: Sawt\n";
        assert_eq!(labels(text, (2, 16), false), ["SawtoothOscillator"]);
        let text = "nodes:\n  a:\n    module: adsr\n";
        assert_eq!(labels(text, (2, 16), false), ["AdsrEnvelope"]);
    }

    #[test]
    fn ports_of_the_cable_ends_module() {
        let mut text = PATCH.to_string();
        text.push_str("  - from: osc\n    output: \n");
        let all = lines(&text);
        let row = all.len() - 1;
        let outs = labels(&text, (row, 12), true);
        assert_eq!(outs, ["out"]);
        let text = format!("{PATCH}  - \"osc.out -> out.le\"\n");
        let row = lines(&text).len() - 1;
        assert_eq!(labels(&text, (row, 22), false), ["left"]);
    }

    #[test]
    fn params_and_node_names() {
        let text = PATCH.replace("      frequency: 110\n", "      frequency: 110\n      \n");
        let names = labels(&text, (5, 6), true);
        assert!(names.contains(&"frequency".to_string()), "{names:?}");
        let text = PATCH.replace("to: out", "to: o");
        let names = labels(&text, (10, 9), true);
        assert_eq!(names, ["osc", "out"]);
    }

    #[test]
    fn nothing_is_offered_after_one_typed_character() {
        let text = "nodes:\n  a:\n    module: S\n";
        assert!(labels(text, (2, 13), false).is_empty());
        assert!(!labels(text, (2, 13), true).is_empty());
    }
}
