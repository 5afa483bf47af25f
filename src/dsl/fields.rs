//! Helpers for reading YAML mappings: keys, duplicates, unknown fields, type descriptions.

use super::error::DslError;
use super::scalar::Resolved;
use super::yaml_tree::{Yaml, YamlValue};
use crate::engine::suggest::{closest, did_you_mean};
use std::collections::HashMap;
use std::fmt;

/// Mappings with more keys than this find duplicates through a hash map.
const LINEAR_SEARCH_MAX: usize = 16;

/// The mapping being read, for messages (formatted only when there is an error).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Context<'n> {
    /// The top level.
    Patch,
    /// The `nodes` mapping.
    Nodes,
    /// The node with this name.
    Node(&'n str),
    /// The `params` of the node with this name.
    Params(&'n str),
    /// The cable at this position in `cables`.
    Cable(usize),
    /// The `transport` mapping.
    Transport,
    /// The modulation of parameter `.0` of node `.1`.
    Modulation(&'n str, &'n str),
}

impl fmt::Display for Context<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Context::Patch => f.write_str("the patch"),
            Context::Nodes => f.write_str("`nodes`"),
            Context::Node(name) => write!(f, "node `{name}`"),
            Context::Params(name) => write!(f, "the params of node `{name}`"),
            Context::Cable(index) => write!(f, "cable {}", index + 1),
            Context::Transport => f.write_str("`transport`"),
            Context::Modulation(param, node) => {
                write!(f, "the modulation of `{param}` of node `{node}`")
            }
        }
    }
}

/// One mapping entry whose key is a scalar, and the first with that key.
pub(crate) struct Entry<'t, 'a> {
    /// The key's text.
    pub name: &'t str,
    /// The key node.
    pub key: &'t Yaml<'a>,
    /// The value node.
    pub value: &'t Yaml<'a>,
}

/// The entries of a mapping in `context`; non-scalar keys and repeated keys are reported.
pub(crate) fn entries<'t, 'a>(
    pairs: &'t [(Yaml<'a>, Yaml<'a>)],
    context: Context<'_>,
    errors: &mut Vec<DslError>,
) -> Vec<Entry<'t, 'a>> {
    let hashed = pairs.len() > LINEAR_SEARCH_MAX;
    let mut first_lines: HashMap<&str, usize> = HashMap::new();
    let mut out: Vec<Entry<'t, 'a>> = Vec::with_capacity(pairs.len());
    for (key, value) in pairs {
        let YamlValue::Scalar(scalar) = &key.value else {
            errors.push(key.pos.error(format!(
                "a key in {context} is {}; keys must be plain names",
                describe(key)
            )));
            continue;
        };
        let name = scalar.text.as_ref();
        let first_line = if hashed {
            first_lines.get(name).copied()
        } else {
            out.iter().find(|e| e.name == name).map(|e| e.key.pos.line)
        };
        if let Some(first) = first_line {
            errors.push(key.pos.error(match context {
                Context::Nodes => format!(
                    "duplicate node `{name}`: a node with this name is already defined on line {first}"
                ),
                _ => format!("duplicate `{name}` in {context}: it is already given on line {first}"),
            }));
            continue;
        }
        if hashed {
            first_lines.insert(name, key.pos.line);
        }
        out.push(Entry { name, key, value });
    }
    out
}

/// An error for the unknown field `entry` in `context`, suggesting the closest of `known`.
pub(crate) fn unknown_field(
    entry: &Entry<'_, '_>,
    context: Context<'_>,
    known: &[&str],
) -> DslError {
    entry.key.pos.error(format!(
        "unknown field `{}` in {context}{}; expected one of {}",
        entry.name,
        did_you_mean(entry.name, known.iter().copied()),
        known.join(", ")
    ))
}

/// Whether `field` is absent from `pairs`: not written (even with a bad value) and no unknown
/// key looks like a misspelling of it (that key already has its own error).
pub(crate) fn is_missing(pairs: &[(Yaml<'_>, Yaml<'_>)], field: &str, known: &[&str]) -> bool {
    !pairs
        .iter()
        .filter_map(|(key, _)| name_text(key))
        .any(|key| key == field || (!known.contains(&key) && closest(key, [field]).is_some()))
}

/// A short description of what a node holds, for "found ..." in messages.
pub(crate) fn describe(yaml: &Yaml<'_>) -> String {
    match &yaml.value {
        YamlValue::Seq(_) => "a list".into(),
        YamlValue::Map(_) => "a mapping".into(),
        YamlValue::Scalar(s) => match s.resolve() {
            Resolved::Null => "nothing".into(),
            Resolved::Bool(b) => format!("the boolean `{b}`"),
            Resolved::Int(_) | Resolved::Float(_) => format!("the number `{}`", s.text),
            Resolved::Str(text) => format!("the string `{}`", shorten(text)),
        },
    }
}

/// The text of a scalar that is not null (any scalar type: names may look like numbers).
pub(crate) fn name_text<'t>(yaml: &'t Yaml<'_>) -> Option<&'t str> {
    match &yaml.value {
        YamlValue::Scalar(s) if !s.is_null() => Some(s.text.as_ref()),
        _ => None,
    }
}

fn shorten(text: &str) -> String {
    const MAX: usize = 40;
    match text.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text.to_string(),
    }
}
