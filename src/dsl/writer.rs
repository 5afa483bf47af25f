//! Writes a `ModuleGraph` as YAML (through serde_yaml), in the form the reader reads back.

use crate::engine::{Cable, ModuleGraph, Node, ParamMod};
use crate::modules::ParamValue;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

/// `graph` as a YAML patch: nodes and parameters in order, `scale` only when not 1,
/// `channels`/`length`/`voices` only when given. Reading the text back gives an equal graph.
pub fn to_yaml(graph: &ModuleGraph) -> String {
    let patch = PatchOut {
        nodes: NodesOut(&graph.nodes),
        cables: graph.cables.iter().map(CableOut::new).collect(),
        transport: graph.transport.map(|t| TransportOut {
            bpm: t.bpm,
            beats_per_bar: t.beats_per_bar,
        }),
    };
    serde_yaml::to_string(&patch).unwrap_or_else(|e| format!("# could not write the patch: {e}\n"))
}

#[derive(Serialize)]
struct PatchOut<'a> {
    nodes: NodesOut<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    cables: Vec<CableOut<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    transport: Option<TransportOut>,
}

#[derive(Serialize)]
struct TransportOut {
    bpm: f64,
    beats_per_bar: u32,
}

/// The nodes as a mapping from name to node, in order.
struct NodesOut<'a>(&'a [Node]);

impl Serialize for NodesOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for node in self.0 {
            map.serialize_entry(&node.name, &NodeOut::new(node))?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct NodeOut<'a> {
    module: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    channels: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    length: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    voices: Option<usize>,
    #[serde(skip_serializing_if = "ParamsOut::is_empty")]
    params: ParamsOut<'a>,
}

impl<'a> NodeOut<'a> {
    fn new(node: &'a Node) -> Self {
        NodeOut {
            module: &node.module,
            channels: node.channels,
            length: node.length,
            voices: node.voices,
            params: ParamsOut(&node.params, &node.mods),
        }
    }
}

/// The parameters as a mapping from name to value (or modulation), in order.
struct ParamsOut<'a>(&'a [(String, ParamValue)], &'a [ParamMod]);

impl ParamsOut<'_> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for ParamsOut<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in self.0 {
            match self.1.iter().find(|m| m.param == *name) {
                Some(m) => map.serialize_entry(name, &ModOut::new(m))?,
                None => map.serialize_entry(name, &ValueOut::new(value))?,
            }
        }
        map.end()
    }
}

/// A parameter value as a plain YAML scalar or list (floats keep their `.0`).
#[derive(Serialize)]
#[serde(untagged)]
enum ValueOut<'a> {
    Float(f64),
    Int(i64),
    Bool(bool),
    Str(&'a str),
    List(&'a [String]),
}

impl<'a> ValueOut<'a> {
    fn new(value: &'a ParamValue) -> Self {
        match value {
            ParamValue::Float(v) => ValueOut::Float(*v),
            ParamValue::Int(v) => ValueOut::Int(*v),
            ParamValue::Bool(v) => ValueOut::Bool(*v),
            ParamValue::Enum(v) => ValueOut::Str(v),
            ParamValue::Array(v) => ValueOut::List(v),
        }
    }
}

/// A modulated parameter: `{mod: lfo.out, from: 200.0, to: 2000.0}`.
#[derive(Serialize)]
struct ModOut {
    #[serde(rename = "mod")]
    source: String,
    from: f64,
    to: f64,
}

impl ModOut {
    fn new(m: &ParamMod) -> Self {
        ModOut {
            source: format!("{}.{}", m.source, m.output),
            from: m.from,
            to: m.to,
        }
    }
}

#[derive(Serialize)]
struct CableOut<'a> {
    from: &'a str,
    output: String,
    to: &'a str,
    input: String,
    #[serde(skip_serializing_if = "is_unit")]
    scale: f64,
}

impl<'a> CableOut<'a> {
    fn new(cable: &'a Cable) -> Self {
        CableOut {
            from: &cable.from,
            output: cable.output.to_string(),
            to: &cable.to,
            input: cable.input.to_string(),
            scale: cable.scale,
        }
    }
}

fn is_unit(scale: &f64) -> bool {
    *scale == 1.0
}
