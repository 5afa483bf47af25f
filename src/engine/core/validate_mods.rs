//! Validation of modulated parameters (`{mod: lfo.out, from: 200, to: 2000}`): only float
//! parameters take one, `from` and `to` lie in the parameter's range, the source is a node
//! output, and a modulation never closes a loop.

use super::graph::{ModuleGraph, ParamMod, MOD_FROM, MOD_OUTPUT, MOD_SOURCE, MOD_TO};
use super::suggest::did_you_mean;
use super::validate::{port_message, Location, ValidCable, ValidMod, ValidNode};
use crate::modules::{ParamDescriptor, ParamKind, ParamValue};
use std::collections::HashMap;

/// Checks that `descriptor`'s parameter is a float and that `m`'s `from` and `to` lie in
/// its range; the errors by element position (`MOD_FROM`, `MOD_TO`).
pub(super) fn check_mod_range(
    descriptor: &ParamDescriptor,
    m: &ParamMod,
    node: &str,
) -> Result<(), Vec<(usize, String)>> {
    if !matches!(descriptor.kind, ParamKind::Float { .. }) {
        return Err(vec![(
            MOD_SOURCE,
            format!(
                "node `{node}`: `{}` cannot be modulated: only a float parameter follows a \
                 signal (`{}` takes {})",
                m.param,
                m.param,
                descriptor.range_text()
            ),
        )]);
    }
    let errors: Vec<(usize, String)> = [(MOD_FROM, "from", m.from), (MOD_TO, "to", m.to)]
        .into_iter()
        .filter_map(|(field, word, value)| {
            descriptor.accept(&ParamValue::Float(value)).err().map(|e| {
                (
                    field,
                    format!("node `{node}`: `{word}` of the modulation: {}", e.message()),
                )
            })
        })
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The modulations of `graph` resolved to positions; unknown sources and ports, and
/// modulations that close a loop (through cables or other modulations), go to `err`.
pub(super) fn resolve_mods(
    graph: &ModuleGraph,
    nodes: &[Option<&ValidNode>],
    by_name: &HashMap<&str, usize>,
    cables: &[ValidCable],
    err: &mut impl FnMut(Location, String),
) -> Vec<ValidMod> {
    let mut mods = Vec::new();
    for (n, node) in graph.nodes.iter().enumerate() {
        for m in &node.mods {
            let p = node.params.iter().position(|(name, _)| *name == m.param);
            let location = Location::ParamElement(n, p.unwrap_or(0), MOD_SOURCE);
            let Some(source) = by_name.get(m.source.as_str()).copied() else {
                let names = graph.nodes.iter().map(|n| n.name.as_str());
                err(
                    location,
                    format!(
                        "`{}` of node `{}` is modulated by missing node `{}`{}",
                        m.param,
                        node.name,
                        m.source,
                        did_you_mean(&m.source, names)
                    ),
                );
                continue;
            };
            let (Some(target_node), Some(source_node)) = (nodes[n], nodes[source]) else {
                continue;
            };
            let d = &source_node.descriptor;
            let Some(output) = d.output_index(&m.output.name, m.output.position()) else {
                let written = m.output.to_string();
                err(
                    Location::ParamElement(n, p.unwrap_or(0), MOD_OUTPUT),
                    port_message("output", &written, source_node, &d.output_labels()),
                );
                continue;
            };
            let Some(param) = target_node.descriptor.param_index(&m.param) else {
                continue;
            };
            let range = match target_node.descriptor.params[param].kind {
                ParamKind::Float { min, max, .. } => (min, max),
                _ => continue,
            };
            mods.push(ValidMod {
                source,
                output,
                target: n,
                param,
                from: m.from,
                to: m.to,
                range,
            });
        }
    }
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); graph.nodes.len()];
    for c in cables {
        edges[c.from].push(c.to);
    }
    for m in &mods {
        edges[m.source].push(m.target);
    }
    for m in &mods {
        if reaches(&edges, m.target, m.source) {
            let node = &graph.nodes[m.target];
            let name = &nodes[m.target].map_or("", |v| v.descriptor.params[m.param].name);
            let p = node.params.iter().position(|(n, _)| n == name).unwrap_or(0);
            err(
                Location::ParamElement(m.target, p, MOD_SOURCE),
                format!(
                    "`{name}` of node `{}` is modulated by `{}`, which `{}` itself feeds: a \
                     modulation cannot close a loop (cable the loop into a CV input instead)",
                    node.name, graph.nodes[m.source].name, node.name
                ),
            );
        }
    }
    mods
}

/// Whether node `to` is reachable from node `from` along `edges` (itself included).
fn reaches(edges: &[Vec<usize>], from: usize, to: usize) -> bool {
    let mut seen = vec![false; edges.len()];
    let mut stack = vec![from];
    while let Some(n) = stack.pop() {
        if n == to {
            return true;
        }
        if !std::mem::replace(&mut seen[n], true) {
            stack.extend(&edges[n]);
        }
    }
    false
}
