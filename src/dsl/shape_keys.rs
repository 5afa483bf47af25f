//! Shape keys a module type does not use: `channels` on a SineOscillator would be silently
//! ignored, so it is an error at the key's value.

use super::error::DslError;
use super::spans::SpanIndex;
use crate::engine::ModuleGraph;
use crate::modules::{Registry, ShapeUse};

/// An error for every `channels` or `length` written on a node whose module type has no such
/// shape (nodes of unknown types are left to validation).
pub(crate) fn unused_shape_keys(
    graph: &ModuleGraph,
    spans: &SpanIndex,
    registry: &Registry,
) -> Vec<DslError> {
    let mut errors = Vec::new();
    for (node, node_spans) in graph.nodes.iter().zip(&spans.nodes) {
        let Some(module) = registry.get(&node.module) else {
            continue;
        };
        let keys = [
            ("channels", node_spans.channels, module.shape_use.channels),
            ("length", node_spans.length, module.shape_use.length),
        ];
        for (key, written, used) in keys {
            let Some(pos) = written.filter(|_| !used) else {
                continue;
            };
            let users: Vec<&str> = registry
                .types()
                .iter()
                .filter(|t| uses(t.shape_use, key))
                .map(|t| t.name)
                .collect();
            errors.push(pos.error(format!(
                "`{key}` of node `{}` has no effect: {} has no {key}; remove it (modules with {key}: {})",
                node.name,
                node.module,
                users.join(", ")
            )));
        }
    }
    errors
}

fn uses(shape_use: ShapeUse, key: &str) -> bool {
    match key {
        "channels" => shape_use.channels,
        _ => shape_use.length,
    }
}
