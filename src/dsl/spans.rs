//! `SpanIndex`: where each part of a parsed patch was written.

use super::error::{sort_by_position, DslError};
use super::yaml_tree::Pos;
use crate::engine::{CableField, GraphError, Location};

/// The line and column of every node key, node field value, parameter key, value and array
/// element, cable entry and cable field value of a parsed patch.
///
/// Built by [`super::parse`]; positions are 1-based, columns count characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpanIndex {
    /// The `nodes` key, or 1:1.
    pub(crate) patch: Pos,
    /// One per node, in graph order.
    pub(crate) nodes: Vec<NodeSpans>,
    /// One per cable, in graph order.
    pub(crate) cables: Vec<CableSpans>,
}

/// Positions within one node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NodeSpans {
    /// The node's name.
    pub key: Pos,
    /// The last line of the node's definition.
    pub last_line: usize,
    /// The `module` value.
    pub module: Pos,
    /// The `channels` value, when written.
    pub channels: Option<Pos>,
    /// The `length` value, when written.
    pub length: Option<Pos>,
    /// The `voices` value, when written.
    pub voices: Option<Pos>,
    /// One per parameter, in order.
    pub params: Vec<ParamSpans>,
}

/// Positions within one parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParamSpans {
    /// The parameter's name.
    pub key: Pos,
    /// Its value.
    pub value: Pos,
    /// Each element of a list value.
    pub elements: Vec<Pos>,
}

/// Positions within one cable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CableSpans {
    /// The entry (its first field).
    pub entry: Pos,
    /// The `from` value.
    pub from: Pos,
    /// The `output` value.
    pub output: Pos,
    /// The `to` value.
    pub to: Pos,
    /// The `input` value.
    pub input: Pos,
    /// The `scale` value, when written.
    pub scale: Option<Pos>,
    /// The last line the cable covers.
    pub last_line: usize,
}

impl SpanIndex {
    /// The `(line, column)` of `loc`. [`Location::Patch`] is the `nodes` key (1:1 if absent);
    /// an optional field that was not written falls back to its node or cable entry, and a
    /// location outside the parsed patch falls back to the patch position.
    pub fn locate(&self, loc: Location) -> (usize, usize) {
        let pos = self.find(loc).unwrap_or(self.patch);
        (pos.line, pos.column)
    }

    /// The node whose definition contains the 1-based `line`: from its key to the last line
    /// of its value. Blank or comment lines after a node's last value, and every line outside
    /// `nodes` (cables included), give `None`.
    pub fn node_at_line(&self, line: usize) -> Option<usize> {
        self.nodes
            .iter()
            .position(|n| n.key.line <= line && line <= n.last_line)
    }

    /// The line of node `node`'s key (the patch line if there is no such node).
    pub fn node_line(&self, node: usize) -> usize {
        self.locate(Location::Node(node)).0
    }

    /// `error` at its position.
    pub(crate) fn error(&self, error: &GraphError) -> DslError {
        let (line, column) = self.locate(error.location);
        DslError::new(line, column, error.message.clone())
    }

    /// Each of `errors` at its position, sorted by position.
    pub(crate) fn errors(&self, errors: &[GraphError]) -> Vec<DslError> {
        let mut errors: Vec<DslError> = errors.iter().map(|e| self.error(e)).collect();
        sort_by_position(&mut errors);
        errors
    }

    fn find(&self, loc: Location) -> Option<Pos> {
        let node = |n: usize| self.nodes.get(n);
        let param = |n: usize, p: usize| node(n).and_then(|n| n.params.get(p));
        match loc {
            Location::Patch => None,
            Location::Node(n) => node(n).map(|n| n.key),
            Location::NodeModule(n) => node(n).map(|n| n.module),
            Location::NodeChannels(n) => node(n).map(|n| n.channels.unwrap_or(n.key)),
            Location::NodeLength(n) => node(n).map(|n| n.length.unwrap_or(n.key)),
            Location::NodeVoices(n) => node(n).map(|n| n.voices.unwrap_or(n.key)),
            Location::ParamName(n, p) => param(n, p).map(|p| p.key),
            Location::ParamValue(n, p) => param(n, p).map(|p| p.value),
            Location::ParamElement(n, p, e) => {
                param(n, p).map(|p| p.elements.get(e).copied().unwrap_or(p.value))
            }
            Location::Cable(c, field) => self.cables.get(c).map(|c| match field {
                CableField::Entry => c.entry,
                CableField::From => c.from,
                CableField::Output => c.output,
                CableField::To => c.to,
                CableField::Input => c.input,
                CableField::Scale => c.scale.unwrap_or(c.entry),
            }),
        }
    }
}
