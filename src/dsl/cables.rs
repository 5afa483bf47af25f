//! Reads `cables`: each cable's ends, ports and scale.

use super::compact::{read_compact, FORM};
use super::error::DslError;
use super::fields::{describe, entries, is_missing, name_text, unknown_field, Context};
use super::scalar::{not_f32, Resolved};
use super::spans::CableSpans;
use super::yaml_tree::{Pos, Scalar, Yaml, YamlValue};
use crate::engine::{Cable, PortRef};

const FIELDS: &[&str] = &["from", "output", "to", "input", "scale"];
/// How a port is written, for messages.
pub(crate) const PORT_FORM: &str =
    "write `name` or `name/index` with a whole-number index, for example `in/1`";
const REQUIRED: &str = "a cable needs `from`, `output`, `to` and `input` (and may have `scale`)";

/// The cables of the `cables` value, with their positions; problems go to `errors`.
pub(crate) fn read_cables(
    yaml: &Yaml<'_>,
    errors: &mut Vec<DslError>,
) -> (Vec<Cable>, Vec<CableSpans>) {
    match &yaml.value {
        YamlValue::Seq(items) => items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| read_cable(i, item, errors))
            .unzip(),
        _ if yaml.is_null() => Default::default(),
        _ => {
            errors.push(yaml.pos.error(format!(
                "`cables` must be a list of cables, found {}",
                describe(yaml)
            )));
            Default::default()
        }
    }
}

fn read_cable(
    index: usize,
    yaml: &Yaml<'_>,
    errors: &mut Vec<DslError>,
) -> Option<(Cable, CableSpans)> {
    let context = Context::Cable(index);
    if let YamlValue::Scalar(scalar) = &yaml.value {
        if !scalar.is_null() && matches!(scalar.resolve(), Resolved::Str(_)) {
            return read_compact(index, scalar, yaml.pos, errors);
        }
    }
    let YamlValue::Map(pairs) = &yaml.value else {
        errors.push(yaml.pos.error(format!(
            "{context} must be a string {FORM} or a mapping; {REQUIRED}; found {}",
            describe(yaml)
        )));
        return None;
    };
    let mut from = None;
    let mut output = None;
    let mut to = None;
    let mut input = None;
    let mut scale = None;
    let mut ok = true;
    for field in entries(pairs, context, errors) {
        let value = field.value;
        let result = match field.name {
            "from" => node_name(value, "from", context).map(|n| from = Some((n, value.pos))),
            "to" => node_name(value, "to", context).map(|n| to = Some((n, value.pos))),
            "output" => port(value, "output", context).map(|p| output = Some((p, value.pos))),
            "input" => port(value, "input", context).map(|p| input = Some((p, value.pos))),
            "scale" => number(value, context).map(|s| scale = Some((s, value.pos))),
            _ => Err(unknown_field(&field, context, FIELDS)),
        };
        if let Err(e) = result {
            errors.push(e);
            ok = false;
        }
    }
    let found = [
        ("from", from.is_some()),
        ("output", output.is_some()),
        ("to", to.is_some()),
        ("input", input.is_some()),
    ];
    for (field, _) in found.iter().filter(|(_, found)| !found) {
        if is_missing(pairs, field, FIELDS) {
            errors.push(
                yaml.pos
                    .error(format!("{context} has no `{field}`; {REQUIRED}")),
            );
        }
    }
    let parts = CableParts {
        from: from?,
        output: output?,
        to: to?,
        input: input?,
        scale,
    };
    ok.then(|| parts.build(yaml.pos, yaml.last_line))
}

/// A cable's parts as read, each with the position it was written at; both forms (the
/// mapping and the compact string) build their cable through it.
pub(crate) struct CableParts {
    /// The source node.
    pub from: (String, Pos),
    /// The source node's output.
    pub output: (PortRef, Pos),
    /// The target node.
    pub to: (String, Pos),
    /// The target node's input.
    pub input: (PortRef, Pos),
    /// The scale, when written.
    pub scale: Option<(f64, Pos)>,
}

impl CableParts {
    /// The cable and its positions: `entry` where it starts, `last_line` where it ends.
    pub(crate) fn build(self, entry: Pos, last_line: usize) -> (Cable, CableSpans) {
        let cable = Cable {
            from: self.from.0,
            output: self.output.0,
            to: self.to.0,
            input: self.input.0,
            scale: self.scale.map_or(1.0, |(s, _)| s),
        };
        let spans = CableSpans {
            entry,
            from: self.from.1,
            output: self.output.1,
            to: self.to.1,
            input: self.input.1,
            scale: self.scale.map(|(_, pos)| pos),
            last_line,
        };
        (cable, spans)
    }
}

/// The number a cable's scale is written as: `None` when `scalar` is not a number,
/// `Some(Err(why))` when it is one the engine's 32-bit arithmetic cannot hold.
pub(crate) fn scale_number(scalar: &Scalar<'_>) -> Option<Result<f64, String>> {
    let value = match scalar.resolve() {
        Resolved::Int(i) => i as f64,
        Resolved::Float(f) => f,
        _ => return None,
    };
    Some(not_f32(value, &scalar.text).map_or(Ok(value), Err))
}

fn node_name(yaml: &Yaml<'_>, field: &str, context: Context<'_>) -> Result<String, DslError> {
    name_text(yaml).map(str::to_string).ok_or_else(|| {
        yaml.pos.error(format!(
            "`{field}` of {context} must be a node name, found {}",
            describe(yaml)
        ))
    })
}

fn port(yaml: &Yaml<'_>, field: &str, context: Context<'_>) -> Result<PortRef, DslError> {
    let Some(text) = name_text(yaml) else {
        return Err(yaml.pos.error(format!(
            "`{field}` of {context} must be a port name such as `out` or `in/1`, found {}",
            describe(yaml)
        )));
    };
    PortRef::parse(text).ok_or_else(|| {
        yaml.pos.error(format!(
            "`{field}` of {context} is `{text}`, which is not a port: {PORT_FORM}"
        ))
    })
}

fn number(yaml: &Yaml<'_>, context: Context<'_>) -> Result<f64, DslError> {
    let number = match &yaml.value {
        YamlValue::Scalar(s) => scale_number(s),
        _ => None,
    };
    match number {
        Some(Ok(value)) => Ok(value),
        Some(Err(why)) => Err(yaml.pos.error(format!("`scale` of {context}: {why}"))),
        None => Err(yaml.pos.error(format!(
            "`scale` of {context} must be a number, found {}",
            describe(yaml)
        ))),
    }
}
