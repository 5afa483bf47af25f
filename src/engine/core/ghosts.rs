//! Ghosts: nodes that a commit removed or retyped, kept in the next plans while they fade
//! out.
//!
//! The planner plans the new graph with the ghosts of the graph it planned last appended
//! (under keys no patch uses), together with the cables that touch them: a ghost keeps its
//! inputs and still feeds the kept nodes it fed, so a removed node plays out its fade and a
//! retyped node crossfades into its new instance. Once the runtime says the fade is over,
//! the planner plans the same graph without ghosts, which retires them.

use super::validate::{ValidGraph, ValidNode};
use std::collections::HashMap;

/// The graph to plan and the live nodes that became ghosts.
pub(crate) struct WithGhosts {
    /// The new graph with the ghosts appended after its own nodes.
    pub graph: ValidGraph,
    /// Live nodes of the previous plan that are ghosts now: (name, ghost key).
    pub renamed: Vec<(String, String)>,
}

/// Whether `node` of the previous plan lives on in `graph` (whose positions by name are
/// `names`) under its name.
fn kept_in(graph: &ValidGraph, names: &HashMap<&str, usize>, node: &ValidNode) -> Option<usize> {
    names.get(node.name.as_str()).copied().filter(|&j| {
        let new = &graph.nodes[j];
        new.module_type.name == node.module_type.name && new.shape == node.shape
    })
}

/// `graph` with the ghosts of `previous` (whose first `previous_users` nodes came from the
/// patch, the rest being ghosts already): every node of `previous` that `graph` does not
/// keep, except the old `AudioOut`. `names` gives the positions of `graph`'s nodes by
/// name; `serial` makes new ghost keys unique. `None` when there is no ghost.
pub(crate) fn with_ghosts(
    previous: &ValidGraph,
    previous_users: usize,
    (graph, names): (&ValidGraph, &HashMap<&str, usize>),
    serial: &mut u64,
) -> Option<WithGhosts> {
    let no_ghost = previous.nodes.len() == previous_users
        && previous
            .nodes
            .iter()
            .enumerate()
            .all(|(i, node)| i == previous.audio_out || kept_in(graph, names, node).is_some());
    if no_ghost {
        return None;
    }
    let mut out = graph.clone();
    let mut renamed = Vec::new();
    let mut map: Vec<Option<usize>> = Vec::with_capacity(previous.nodes.len());
    for (i, node) in previous.nodes.iter().enumerate() {
        let at = if i < previous_users {
            match kept_in(graph, names, node) {
                Some(j) => Some(j),
                None if i == previous.audio_out => None,
                None => {
                    let key = loop {
                        *serial += 1;
                        let key = format!("{}\u{0}ghost{}", node.name, serial);
                        if !names.contains_key(key.as_str()) {
                            break key;
                        }
                    };
                    renamed.push((node.name.clone(), key.clone()));
                    out.nodes.push(ValidNode {
                        name: key,
                        ..node.clone()
                    });
                    Some(out.nodes.len() - 1)
                }
            }
        } else if names.contains_key(node.name.as_str()) {
            // A patch node took the ghost's key: the ghost is retired at once.
            None
        } else {
            out.nodes.push(node.clone());
            Some(out.nodes.len() - 1)
        };
        map.push(at);
    }
    let users = graph.nodes.len();
    for cable in &previous.cables {
        let (Some(from), Some(to)) = (map[cable.from], map[cable.to]) else {
            continue;
        };
        if from >= users || to >= users {
            out.cables
                .push(super::validate::ValidCable { from, to, ..*cable });
        }
    }
    Some(WithGhosts {
        graph: out,
        renamed,
    })
}
