//! Reads `nodes`: each node's module, shape and parameters.

use super::error::DslError;
use super::fields::{describe, entries, is_missing, name_text, unknown_field, Context, Entry};
use super::misplaced::{belongs_under_params, is_parameter_of};
use super::modulation::{read_mod, MOD_FIELDS};
use super::scalar::Resolved;
use super::spans::{NodeSpans, ParamSpans};
use super::yaml_tree::{Pos, Yaml, YamlValue};
use crate::engine::Node;
use crate::modules::{ParamValue, MAX_CHANNELS, MAX_LENGTH, MAX_VOICES};

const FIELDS: &[&str] = &["module", "params", "channels", "length", "voices"];

/// The nodes of the `nodes` value, with their positions; problems go to `errors`.
pub(crate) fn read_nodes(
    yaml: &Yaml<'_>,
    errors: &mut Vec<DslError>,
) -> (Vec<Node>, Vec<NodeSpans>) {
    match &yaml.value {
        YamlValue::Map(pairs) => entries(pairs, Context::Nodes, errors)
            .iter()
            .filter_map(|entry| read_node(entry, errors))
            .unzip(),
        _ if yaml.is_null() => Default::default(),
        _ => {
            errors.push(yaml.pos.error(format!(
                "`nodes` must be a mapping from node names to nodes, found {}",
                describe(yaml)
            )));
            Default::default()
        }
    }
}

fn read_node(entry: &Entry<'_, '_>, errors: &mut Vec<DslError>) -> Option<(Node, NodeSpans)> {
    let name = entry.name;
    let context = Context::Node(name);
    let YamlValue::Map(pairs) = &entry.value.value else {
        // `module:SineOscillator` is one string to YAML: the space after `:` is missing.
        let glued = name_text(entry.value)
            .and_then(|text| text.split_once(':'))
            .filter(|(key, value)| FIELDS.contains(key) && !value.starts_with(' '))
            .map(|(key, value)| format!(": put a space after the `:` (`{key}: {value}`)"))
            .unwrap_or_default();
        errors.push(entry.value.pos.error(format!(
            "{context} must be a mapping with a `module` field, found {}{glued}",
            describe(entry.value)
        )));
        return None;
    };
    let mut node = Node::new(name, "");
    let mut spans = NodeSpans {
        key: entry.key.pos,
        last_line: entry.key.last_line.max(entry.value.last_line),
        module: entry.key.pos,
        channels: None,
        length: None,
        voices: None,
        params: Vec::new(),
    };
    let mut module_found = false;
    let mut ok = true;
    let fields = entries(pairs, context, errors);
    for field in &fields {
        let value = field.value;
        match field.name {
            "module" => match name_text(value) {
                Some(module) => {
                    node.module = module.to_string();
                    spans.module = value.pos;
                    module_found = true;
                }
                None => {
                    errors.push(value.pos.error(format!(
                        "`module` of {context} must be a module name, found {}",
                        describe(value)
                    )));
                    ok = false;
                }
            },
            "params" => ok &= read_params(value, name, &mut node, &mut spans, errors),
            "channels" => {
                node.channels = read_shape(value, "channels", context, MAX_CHANNELS, errors);
                spans.channels = Some(value.pos);
                ok &= node.channels.is_some();
            }
            "length" => {
                node.length = read_shape(value, "length", context, MAX_LENGTH, errors);
                spans.length = Some(value.pos);
                ok &= node.length.is_some();
            }
            "voices" => {
                node.voices = read_shape(value, "voices", context, MAX_VOICES, errors);
                spans.voices = Some(value.pos);
                ok &= node.voices.is_some();
            }
            _ => ok = false,
        }
    }
    // Reported once the module is known: a parameter of it gets told where it goes.
    for field in fields.iter().filter(|f| !FIELDS.contains(&f.name)) {
        errors.push(
            if module_found && is_parameter_of(&node.module, field.name) {
                let message = belongs_under_params(field.name, &node.module, name);
                field.key.pos.error(message)
            } else {
                unknown_field(field, context, FIELDS)
            },
        );
    }
    if !module_found && is_missing(pairs, "module", FIELDS) {
        errors.push(entry.key.pos.error(format!(
            "{context} has no `module`: add `module: <type>`, for example `module: SineOscillator`"
        )));
    }
    (ok && module_found).then_some((node, spans))
}

fn read_shape(
    yaml: &Yaml<'_>,
    field: &str,
    context: Context<'_>,
    max: usize,
    errors: &mut Vec<DslError>,
) -> Option<usize> {
    if let YamlValue::Scalar(s) = &yaml.value {
        if let Resolved::Int(v) = s.resolve() {
            if let Ok(v) = usize::try_from(v) {
                return Some(v);
            }
        }
    }
    errors.push(yaml.pos.error(format!(
        "`{field}` of {context} must be a whole number in 1..{max}, found {}",
        describe(yaml)
    )));
    None
}

/// Reads `params` into `node`; false when something was wrong.
fn read_params(
    yaml: &Yaml<'_>,
    node_name: &str,
    node: &mut Node,
    spans: &mut NodeSpans,
    errors: &mut Vec<DslError>,
) -> bool {
    let pairs = match &yaml.value {
        YamlValue::Map(pairs) => pairs,
        _ if yaml.is_null() => return true,
        _ => {
            errors.push(yaml.pos.error(format!(
                "`params` of node `{node_name}` must be a mapping from parameter names to values, found {}",
                describe(yaml)
            )));
            return false;
        }
    };
    let mut ok = true;
    for entry in entries(pairs, Context::Params(node_name), errors) {
        let param = Param {
            name: entry.name,
            node: node_name,
        };
        let mut elements = Vec::new();
        // A mapping with a modulation field is a modulation; any other is a wrong value.
        let modulation = match &entry.value.value {
            YamlValue::Map(pairs) => pairs
                .iter()
                .any(|(key, _)| name_text(key).is_some_and(|k| MOD_FIELDS.contains(&k)))
                .then_some(pairs),
            _ => None,
        };
        if let Some(mod_pairs) = modulation {
            let at = entry.value.pos;
            match read_mod(mod_pairs, at, (entry.name, node_name), errors) {
                Some((m, positions)) => {
                    node.params
                        .push((entry.name.to_string(), ParamValue::Float(m.from)));
                    node.mods.push(m);
                    spans.params.push(ParamSpans {
                        key: entry.key.pos,
                        value: at,
                        elements: positions,
                    });
                }
                None => ok = false,
            }
            continue;
        }
        match read_value(entry.value, param, &mut elements, errors) {
            Some(value) => {
                node.params.push((entry.name.to_string(), value));
                spans.params.push(ParamSpans {
                    key: entry.key.pos,
                    value: entry.value.pos,
                    elements,
                });
            }
            None => ok = false,
        }
    }
    ok
}

/// A parameter, for messages.
#[derive(Clone, Copy)]
struct Param<'n> {
    name: &'n str,
    node: &'n str,
}

impl std::fmt::Display for Param<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "parameter `{}` of node `{}`", self.name, self.node)
    }
}

/// A parameter value; `elements` gets the position of each element of a list.
fn read_value(
    yaml: &Yaml<'_>,
    param: Param<'_>,
    elements: &mut Vec<Pos>,
    errors: &mut Vec<DslError>,
) -> Option<ParamValue> {
    const EXPECTED: &str = "a number, boolean, string or list of strings";
    match &yaml.value {
        YamlValue::Scalar(s) => match s.resolve() {
            Resolved::Null => {
                errors.push(
                    yaml.pos
                        .error(format!("{param} has no value; expected {EXPECTED}")),
                );
                None
            }
            Resolved::Bool(b) => Some(ParamValue::Bool(b)),
            Resolved::Int(i) => Some(ParamValue::Int(i)),
            Resolved::Float(f) => Some(ParamValue::Float(f)),
            Resolved::Str(text) => Some(ParamValue::Enum(text.to_string())),
        },
        YamlValue::Seq(items) => {
            let mut strings = Vec::with_capacity(items.len());
            let mut ok = true;
            for (i, item) in items.iter().enumerate() {
                match name_text(item) {
                    Some(text) => strings.push(text.to_string()),
                    None => {
                        errors.push(item.pos.error(format!(
                            "element {} of {param} must be a string, found {} (quote `\"-\"` or `\"_\"` if you mean a rest or a tie)",
                            i + 1,
                            describe(item)
                        )));
                        ok = false;
                    }
                }
                elements.push(item.pos);
            }
            ok.then_some(ParamValue::Array(strings))
        }
        YamlValue::Map(_) => {
            errors.push(yaml.pos.error(format!(
                "{param} must be {EXPECTED}, or a modulation `{{mod: NODE.OUT, from: A, to: B}}`, found a mapping"
            )));
            None
        }
    }
}
