//! `ModuleGraph`: a patch as plain data (nodes keyed by name, scaled cables).
//!
//! It knows nothing of YAML; `validate` checks it against a registry.

use super::transport::TransportSettings;
use crate::modules::{ParamValue, Shape, DEFAULT_CHANNELS, DEFAULT_LENGTH};
use std::fmt;

/// A patch: named nodes and the cables between their ports.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ModuleGraph {
    /// Nodes in the order they were written.
    pub nodes: Vec<Node>,
    /// Cables in the order they were written.
    pub cables: Vec<Cable>,
    /// The patch's `transport:` (tempo and metre), when given.
    pub transport: Option<TransportSettings>,
}

/// One node: a named instance of a module type.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// The node's name: its identity across commits.
    pub name: String,
    /// Module type name.
    pub module: String,
    /// `channels`, when given.
    pub channels: Option<usize>,
    /// `length`, when given.
    pub length: Option<usize>,
    /// `voices` (lanes on every port), when given.
    pub voices: Option<usize>,
    /// Parameters set by the patch, in the order written. A modulated parameter is here
    /// too, with its value at signal 0 (`from`).
    pub params: Vec<(String, ParamValue)>,
    /// The parameters that follow a node output instead of a fixed value.
    pub mods: Vec<ParamMod>,
}

/// A float parameter that follows a node output: `{mod: lfo.out, from: 200, to: 2000}`.
/// The value is `from + (to - from) * signal`, clamped to the parameter's range, taken at
/// fixed positions every [`MOD_INTERVAL`] frames.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamMod {
    /// The modulated parameter's name.
    pub param: String,
    /// The source node's name.
    pub source: String,
    /// The source output.
    pub output: PortRef,
    /// The value at signal 0.
    pub from: f64,
    /// The value at signal 1.
    pub to: f64,
}

/// Frames between two settings of a modulated parameter, at absolute positions (multiples
/// of it), so that renders do not depend on the block size.
pub const MOD_INTERVAL: usize = 32;

/// Position of the source (`mod`) in the element positions of a modulated parameter.
pub const MOD_SOURCE: usize = 0;
/// Position of `from` in the element positions of a modulated parameter.
pub const MOD_FROM: usize = 1;
/// Position of `to` in the element positions of a modulated parameter.
pub const MOD_TO: usize = 2;
/// Position of the source's output (after the dot) in the element positions of a modulated
/// parameter.
pub const MOD_OUTPUT: usize = 3;

impl Node {
    /// A node of type `module` with no parameters and the default shape.
    pub fn new(name: impl Into<String>, module: impl Into<String>) -> Self {
        Node {
            name: name.into(),
            module: module.into(),
            channels: None,
            length: None,
            voices: None,
            params: Vec::new(),
            mods: Vec::new(),
        }
    }

    /// Sets a parameter (builder style).
    pub fn with_param(mut self, name: impl Into<String>, value: ParamValue) -> Self {
        self.params.push((name.into(), value));
        self
    }

    /// Makes parameter `param` follow output `output` of node `source`, at `from` for
    /// signal 0 and `to` for signal 1 (builder style).
    pub fn with_mod(
        mut self,
        param: &str,
        source: &str,
        output: &str,
        (from, to): (f64, f64),
    ) -> Self {
        self.params
            .push((param.to_string(), ParamValue::Float(from)));
        self.mods.push(ParamMod {
            param: param.to_string(),
            source: source.to_string(),
            output: PortRef::parse(output).unwrap_or_else(|| PortRef::new(output)),
            from,
            to,
        });
        self
    }

    /// The modulation of parameter `name`, when it has one.
    pub fn param_mod(&self, name: &str) -> Option<&ParamMod> {
        self.mods.iter().find(|m| m.param == name)
    }

    /// Sets `channels` (builder style).
    pub fn with_channels(mut self, channels: usize) -> Self {
        self.channels = Some(channels);
        self
    }

    /// Sets `length` (builder style).
    pub fn with_length(mut self, length: usize) -> Self {
        self.length = Some(length);
        self
    }

    /// Sets `voices` (builder style).
    pub fn with_voices(mut self, voices: usize) -> Self {
        self.voices = Some(voices);
        self
    }

    /// The node's shape, with defaults for what is not given.
    pub fn shape(&self) -> Shape {
        Shape {
            channels: self.channels.unwrap_or(DEFAULT_CHANNELS),
            length: self.length.unwrap_or(DEFAULT_LENGTH),
            voices: self.voices.unwrap_or(1),
        }
    }
}

/// A port as written in a cable: `out`, `in/1`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PortRef {
    /// Port name.
    pub name: String,
    /// Index after the slash, when written.
    pub index: Option<usize>,
}

impl PortRef {
    /// A port without index.
    pub fn new(name: impl Into<String>) -> Self {
        PortRef {
            name: name.into(),
            index: None,
        }
    }

    /// A port with an explicit index.
    pub fn indexed(name: impl Into<String>, index: usize) -> Self {
        PortRef {
            name: name.into(),
            index: Some(index),
        }
    }

    /// Parses `name` or `name/index`; `None` when the index is not a whole number.
    pub fn parse(text: &str) -> Option<PortRef> {
        match text.split_once('/') {
            None => Some(PortRef::new(text)),
            Some((name, index)) => index.parse().ok().map(|i| PortRef::indexed(name, i)),
        }
    }

    /// The index, 0 when not written.
    pub fn position(&self) -> usize {
        self.index.unwrap_or(0)
    }
}

impl fmt::Display for PortRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.index {
            Some(i) => write!(f, "{}/{}", self.name, i),
            None => write!(f, "{}", self.name),
        }
    }
}

/// A cable from an output to an input, multiplied by `scale`.
#[derive(Debug, Clone, PartialEq)]
pub struct Cable {
    /// Source node name.
    pub from: String,
    /// Source output port.
    pub output: PortRef,
    /// Destination node name.
    pub to: String,
    /// Destination input port.
    pub input: PortRef,
    /// Gain applied to the signal (1.0 by default).
    pub scale: f64,
}

impl Cable {
    /// A cable with scale 1.
    pub fn new(from: &str, output: &str, to: &str, input: &str) -> Self {
        Cable {
            from: from.to_string(),
            output: PortRef::parse(output).unwrap_or_else(|| PortRef::new(output)),
            to: to.to_string(),
            input: PortRef::parse(input).unwrap_or_else(|| PortRef::new(input)),
            scale: 1.0,
        }
    }

    /// Sets the scale (builder style).
    pub fn with_scale(mut self, scale: f64) -> Self {
        self.scale = scale;
        self
    }
}

impl ModuleGraph {
    /// An empty graph.
    pub fn new() -> Self {
        ModuleGraph::default()
    }

    /// Adds a node (builder style).
    pub fn with_node(mut self, node: Node) -> Self {
        self.nodes.push(node);
        self
    }

    /// Adds a cable (builder style).
    pub fn with_cable(mut self, cable: Cable) -> Self {
        self.cables.push(cable);
        self
    }

    /// The node called `name`.
    pub fn node(&self, name: &str) -> Option<&Node> {
        self.nodes.iter().find(|n| n.name == name)
    }

    /// The node called `name`, mutably.
    pub fn node_mut(&mut self, name: &str) -> Option<&mut Node> {
        self.nodes.iter_mut().find(|n| n.name == name)
    }
}
