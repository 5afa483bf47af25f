//! Reads a YAML tree into a `ModuleGraph` and its `SpanIndex`: the patch's top level.

use super::cables::read_cables;
use super::error::DslError;
use super::fields::{describe, entries, unknown_field, Context};
use super::nodes::read_nodes;
use super::spans::SpanIndex;
use super::transport::read_transport;
use super::yaml_tree::{Pos, Yaml, YamlValue};
use crate::engine::ModuleGraph;

const FIELDS: &[&str] = &["nodes", "cables", "transport"];
const EMPTY: &str = "the patch is empty: expected a mapping with `nodes` (and usually `cables`)";

/// The graph and positions of the document `root`, or every structural error.
pub(crate) fn read(root: Option<&Yaml<'_>>) -> Result<(ModuleGraph, SpanIndex), Vec<DslError>> {
    let root = match root {
        None => return Err(vec![Pos::START.error(EMPTY)]),
        Some(root) if root.is_null() => return Err(vec![root.pos.error(EMPTY)]),
        Some(root) => root,
    };
    let YamlValue::Map(pairs) = &root.value else {
        return Err(vec![root.pos.error(format!(
            "the patch must be a mapping with `nodes` and `cables`, found {}",
            describe(root)
        ))]);
    };
    let mut errors = Vec::new();
    let mut nodes = None;
    let mut cables = None;
    let mut transport = None;
    for entry in entries(pairs, Context::Patch, &mut errors) {
        match entry.name {
            "nodes" => nodes = Some(entry),
            "cables" => cables = Some(entry),
            "transport" => transport = Some(entry),
            _ => errors.push(unknown_field(&entry, Context::Patch, FIELDS)),
        }
    }
    let mut graph = ModuleGraph::new();
    let mut spans = SpanIndex {
        patch: Pos::START,
        nodes: Vec::new(),
        cables: Vec::new(),
    };
    match nodes {
        Some(entry) => {
            spans.patch = entry.key.pos;
            (graph.nodes, spans.nodes) = read_nodes(entry.value, &mut errors);
        }
        None => errors
            .push(Pos::START.error(
                "the patch has no `nodes`: expected `nodes:` mapping node names to modules",
            )),
    }
    if let Some(entry) = cables {
        (graph.cables, spans.cables) = read_cables(entry.value, &mut errors);
    }
    if let Some(entry) = transport {
        graph.transport = read_transport(entry.value, &mut errors);
    }
    if errors.is_empty() {
        Ok((graph, spans))
    } else {
        Err(errors)
    }
}
