//! Reads `cables`: each cable's ends, ports and scale.

use super::error::DslError;
use super::fields::{describe, entries, is_missing, name_text, unknown_field, Context};
use super::scalar::{not_f32, Resolved};
use super::spans::CableSpans;
use super::yaml_tree::{Yaml, YamlValue};
use crate::engine::{Cable, PortRef};

const FIELDS: &[&str] = &["from", "output", "to", "input", "scale"];
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
    let YamlValue::Map(pairs) = &yaml.value else {
        errors.push(yaml.pos.error(format!(
            "{context} must be a mapping; {REQUIRED}; found {}",
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
    let ((from, from_pos), (output, output_pos)) = (from?, output?);
    let ((to, to_pos), (input, input_pos)) = (to?, input?);
    if !ok {
        return None;
    }
    let cable = Cable {
        from,
        output,
        to,
        input,
        scale: scale.map_or(1.0, |(s, _)| s),
    };
    let spans = CableSpans {
        entry: yaml.pos,
        from: from_pos,
        output: output_pos,
        to: to_pos,
        input: input_pos,
        scale: scale.map(|(_, pos)| pos),
    };
    Some((cable, spans))
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
            "`{field}` of {context} is `{text}`, which is not a port: write `name` or `name/index` with a whole-number index, for example `in/1`"
        ))
    })
}

fn number(yaml: &Yaml<'_>, context: Context<'_>) -> Result<f64, DslError> {
    if let YamlValue::Scalar(s) = &yaml.value {
        let value = match s.resolve() {
            Resolved::Int(i) => Some(i as f64),
            Resolved::Float(f) => Some(f),
            _ => None,
        };
        if let Some(value) = value {
            return match not_f32(value, &s.text) {
                None => Ok(value),
                Some(why) => Err(yaml.pos.error(format!("`scale` of {context}: {why}"))),
            };
        }
    }
    Err(yaml.pos.error(format!(
        "`scale` of {context} must be a number, found {}",
        describe(yaml)
    )))
}
