//! Checks a `ModuleGraph` against a registry and resolves names to indices.
//!
//! Errors carry a `Location` (which node, parameter or cable field) rather than a text
//! position, so that the DSL can map them to line and column and code-built graphs can
//! still name the culprit.

use super::graph::ModuleGraph;
use super::suggest::did_you_mean;
use super::transport::{TransportSettings, MAX_BEATS_PER_BAR, MAX_BPM, MIN_BPM};
use super::validate_mods::{check_mod_range, resolve_mods};
use crate::modules::{
    ModuleDescriptor, ModuleType, ParamError, ParamValue, Registry, Shape, AUDIO_OUT, MAX_CHANNELS,
    MAX_LENGTH, MAX_VOICES,
};
use std::collections::HashMap;
use std::fmt;

/// Fields written on a node itself; a parameter of one of these names is misplaced.
const NODE_FIELDS: &[&str] = &["module", "channels", "length", "voices"];

/// The part of a graph an error is about. Indices are positions in `nodes` / `cables`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// The patch as a whole.
    Patch,
    /// A node's name (its key).
    Node(usize),
    /// A node's `module` value.
    NodeModule(usize),
    /// A node's `channels` value.
    NodeChannels(usize),
    /// A node's `length` value.
    NodeLength(usize),
    /// A node's `voices` value.
    NodeVoices(usize),
    /// The name of parameter `.1` of node `.0`.
    ParamName(usize, usize),
    /// The value of parameter `.1` of node `.0`.
    ParamValue(usize, usize),
    /// Element `.2` of the array value of parameter `.1` of node `.0`.
    ParamElement(usize, usize, usize),
    /// A field of a cable.
    Cable(usize, CableField),
}

/// A field of a cable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CableField {
    /// The cable entry itself.
    Entry,
    /// `from`.
    From,
    /// `output`.
    Output,
    /// `to`.
    To,
    /// `input`.
    Input,
    /// `scale`.
    Scale,
}

/// One problem found in a graph.
#[derive(Debug, Clone, PartialEq)]
pub struct GraphError {
    /// What the error is about.
    pub location: Location,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for GraphError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// A node after validation: its type, shape, descriptor and every parameter value.
#[derive(Clone)]
pub struct ValidNode {
    /// The node's name.
    pub name: String,
    /// Its module type.
    pub module_type: ModuleType,
    /// Its shape, normalised (unused fields at their defaults).
    pub shape: Shape,
    /// Its ports and parameters.
    pub descriptor: ModuleDescriptor,
    /// Every parameter value in descriptor order (defaults where the patch sets none).
    pub params: Vec<ParamValue>,
    /// Whether the patch gives each parameter (false: it is at its default because the
    /// patch leaves it out).
    pub given: Vec<bool>,
}

/// A cable after validation, by node and port position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValidCable {
    /// Source node position in `ValidGraph::nodes`.
    pub from: usize,
    /// Source output position.
    pub output: usize,
    /// Destination node position.
    pub to: usize,
    /// Destination input position.
    pub input: usize,
    /// Gain.
    pub scale: f32,
}

/// A modulated parameter after validation, by node, port and parameter position.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValidMod {
    /// Source node position in `ValidGraph::nodes`.
    pub source: usize,
    /// Source output position.
    pub output: usize,
    /// Target node position.
    pub target: usize,
    /// Parameter position in the target's descriptor.
    pub param: usize,
    /// Value at signal 0.
    pub from: f64,
    /// Value at signal 1.
    pub to: f64,
    /// The parameter's range, which the value is clamped to.
    pub range: (f64, f64),
}

/// A graph that passed validation: what the planner and the inspector work from.
#[derive(Clone)]
pub struct ValidGraph {
    /// Nodes in the order of the source graph.
    pub nodes: Vec<ValidNode>,
    /// Cables in the order of the source graph.
    pub cables: Vec<ValidCable>,
    /// Modulated parameters, node by node in the order written.
    pub mods: Vec<ValidMod>,
    /// Position of the `AudioOut` node.
    pub audio_out: usize,
    /// Tempo and metre (the defaults when the patch gives none).
    pub transport: TransportSettings,
}

impl ValidGraph {
    /// Position of the node called `name`.
    pub fn node_index(&self, name: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.name == name)
    }
}

/// Validates `graph` against `registry`: every error found, or the resolved graph.
pub fn validate(graph: &ModuleGraph, registry: &Registry) -> Result<ValidGraph, Vec<GraphError>> {
    let mut errors = Vec::new();
    let mut err = |location, message: String| errors.push(GraphError { location, message });

    let mut by_name: HashMap<&str, usize> = HashMap::new();
    let mut nodes: Vec<Option<ValidNode>> = Vec::with_capacity(graph.nodes.len());
    for (n, node) in graph.nodes.iter().enumerate() {
        if node.name.is_empty() {
            err(Location::Node(n), "a node name must not be empty".into());
        }
        if by_name.insert(&node.name, n).is_some() {
            err(
                Location::Node(n),
                format!(
                    "duplicate node name `{}`: node names must be unique",
                    node.name
                ),
            );
        }
        let Some(module_type) = registry.get(&node.module) else {
            err(
                Location::NodeModule(n),
                format!(
                    "unknown module `{}` on node `{}`{}",
                    node.module,
                    node.name,
                    did_you_mean(&node.module, registry.names())
                ),
            );
            nodes.push(None);
            continue;
        };
        let mut shape_ok = true;
        let shape_fields = [
            (
                "channels",
                node.channels,
                MAX_CHANNELS,
                Location::NodeChannels(n),
            ),
            ("length", node.length, MAX_LENGTH, Location::NodeLength(n)),
            ("voices", node.voices, MAX_VOICES, Location::NodeVoices(n)),
        ];
        for (field, value, max, location) in shape_fields {
            if let Some(v) = value.filter(|v| !(1..=max).contains(v)) {
                err(
                    location,
                    format!(
                        "`{field}` of node `{}` is {v}, expected 1..{max}",
                        node.name
                    ),
                );
                shape_ok = false;
            }
        }
        if node.module == AUDIO_OUT && node.voices.is_some_and(|v| (2..=MAX_VOICES).contains(&v)) {
            err(
                Location::NodeVoices(n),
                format!(
                    "`{AUDIO_OUT}` node `{}` is the stereo sink and has no `voices`: cable a \
                     poly output into it and its lanes are summed",
                    node.name
                ),
            );
            shape_ok = false;
        }
        if !shape_ok {
            nodes.push(None);
            continue;
        }
        let shape = module_type.shape_use.normalise(node.shape());
        let descriptor = module_type.descriptor(shape);
        let mut params: Vec<ParamValue> = descriptor
            .params
            .iter()
            .map(|p| p.default_value())
            .collect();
        let mut given = vec![false; params.len()];
        let mut params_ok = true;
        for (p, (name, value)) in node.params.iter().enumerate() {
            let Some(index) = descriptor.param_index(name) else {
                let known: Vec<&str> = descriptor.params.iter().map(|d| d.name).collect();
                if NODE_FIELDS.contains(&name.as_str()) {
                    err(
                        Location::ParamName(n, p),
                        format!(
                            "`{name}` belongs on the node, not under `params`: move it out to the level of `module` (node `{}`)",
                            node.name
                        ),
                    );
                    params_ok = false;
                    continue;
                }
                let expected = if known.is_empty() {
                    format!("`{}` has no parameters", node.module)
                } else {
                    format!("expected one of {}", known.join(", "))
                };
                err(
                    Location::ParamName(n, p),
                    format!(
                        "unknown parameter `{name}` for {} node `{}`{}; {expected}",
                        node.module,
                        node.name,
                        did_you_mean(name, known.iter().copied())
                    ),
                );
                params_ok = false;
                continue;
            };
            given[index] = true;
            if let Some(m) = node.param_mod(name) {
                let location = |field| Location::ParamElement(n, p, field);
                if let Err(e) = check_mod_range(&descriptor.params[index], m, &node.name) {
                    for (field, message) in e {
                        err(location(field), message);
                    }
                    params_ok = false;
                    continue;
                }
            }
            match descriptor.params[index].accept(value) {
                Ok(v) => params[index] = v,
                Err(e) => {
                    let location = match e {
                        ParamError::BadElement(i, _) => Location::ParamElement(n, p, i),
                        _ => Location::ParamValue(n, p),
                    };
                    err(location, format!("node `{}`: {}", node.name, e.message()));
                    params_ok = false;
                }
            }
        }
        nodes.push(params_ok.then(|| ValidNode {
            name: node.name.clone(),
            module_type: module_type.clone(),
            shape,
            descriptor,
            params,
            given,
        }));
    }

    let node_names = || graph.nodes.iter().map(|n| n.name.as_str());
    let mut cables = Vec::with_capacity(graph.cables.len());
    for (c, cable) in graph.cables.iter().enumerate() {
        let from = by_name.get(cable.from.as_str()).copied();
        let to = by_name.get(cable.to.as_str()).copied();
        if from.is_none() {
            err(
                Location::Cable(c, CableField::From),
                format!(
                    "cable from missing node `{}`{}",
                    cable.from,
                    did_you_mean(&cable.from, node_names())
                ),
            );
        }
        if to.is_none() {
            err(
                Location::Cable(c, CableField::To),
                format!(
                    "cable to missing node `{}`{}",
                    cable.to,
                    did_you_mean(&cable.to, node_names())
                ),
            );
        }
        if !cable.scale.is_finite() {
            err(
                Location::Cable(c, CableField::Scale),
                format!("cable scale must be a finite number, found {}", cable.scale),
            );
        }
        let from_node = from.and_then(|i| nodes[i].as_ref());
        let to_node = to.and_then(|i| nodes[i].as_ref());
        let output = from_node.and_then(|node| {
            let d = &node.descriptor;
            let found = d.output_index(&cable.output.name, cable.output.position());
            if found.is_none() {
                err(
                    Location::Cable(c, CableField::Output),
                    port_message(
                        "output",
                        &cable.output.to_string(),
                        node,
                        &d.output_labels(),
                    ),
                );
            }
            found
        });
        let input = to_node.and_then(|node| {
            let d = &node.descriptor;
            let found = d.input_index(&cable.input.name, cable.input.position());
            if found.is_none() {
                err(
                    Location::Cable(c, CableField::Input),
                    port_message("input", &cable.input.to_string(), node, &d.input_labels()),
                );
            }
            found
        });
        if let (Some(from_node), Some(to_node), Some(_), Some(_)) =
            (from_node, to_node, output, input)
        {
            let (sent, taken) = (from_node.shape.voices, to_node.shape.voices);
            if sent != taken && sent != 1 && taken != 1 {
                err(
                    Location::Cable(c, CableField::Entry),
                    format!(
                        "cable from `{}` ({sent} voices) to `{}` ({taken} voices): lanes connect \
                         one to one, so the voices must be equal (or one side mono: a mono \
                         output feeds every lane, a poly output into a mono input is summed)",
                        cable.from, cable.to
                    ),
                );
                continue;
            }
        }
        if let (Some(from), Some(output), Some(to), Some(input)) = (from, output, to, input) {
            cables.push(ValidCable {
                from,
                output,
                to,
                input,
                scale: cable.scale as f32,
            });
        }
    }

    let node_refs: Vec<Option<&ValidNode>> = nodes.iter().map(Option::as_ref).collect();
    let mods = resolve_mods(graph, &node_refs, &by_name, &cables, &mut err);

    let outs: Vec<usize> = graph
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.module == AUDIO_OUT)
        .map(|(i, _)| i)
        .collect();
    match outs.as_slice() {
        [] => err(
            Location::Patch,
            format!("the patch has no `{AUDIO_OUT}` node: add exactly one to hear anything"),
        ),
        [_] => {}
        [first, rest @ ..] => {
            for &extra in rest {
                err(
                    Location::NodeModule(extra),
                    format!(
                        "a second `{AUDIO_OUT}` node `{}`: a patch has exactly one (the first is `{}`)",
                        graph.nodes[extra].name, graph.nodes[*first].name
                    ),
                );
            }
        }
    }

    let transport = graph.transport.unwrap_or_default();
    if !(MIN_BPM..=MAX_BPM).contains(&transport.bpm) {
        err(
            Location::Patch,
            format!(
                "transport `bpm` must be in {MIN_BPM}..{MAX_BPM}, found {}",
                transport.bpm
            ),
        );
    }
    if !(1..=MAX_BEATS_PER_BAR).contains(&transport.beats_per_bar) {
        err(
            Location::Patch,
            format!(
                "transport `beats_per_bar` must be in 1..{MAX_BEATS_PER_BAR}, found {}",
                transport.beats_per_bar
            ),
        );
    }

    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ValidGraph {
        nodes: nodes.into_iter().flatten().collect(),
        cables,
        mods,
        audio_out: outs[0],
        transport,
    })
}

pub(super) fn port_message(
    kind: &str,
    written: &str,
    node: &ValidNode,
    labels: &[String],
) -> String {
    let expected = if labels.is_empty() {
        format!("`{}` has no {kind}s", node.descriptor.name)
    } else {
        format!("expected one of {}", labels.join(", "))
    };
    format!(
        "unknown {kind} `{written}` on {} node `{}`{}; {expected}",
        node.descriptor.name,
        node.name,
        did_you_mean(written, labels.iter().map(String::as_str))
    )
}
