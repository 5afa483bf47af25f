//! Reads a modulated parameter: `frequency: {mod: lfo.out, from: 200, to: 2000}`, a float
//! parameter that follows a node output (`from` at signal 0, `to` at signal 1).

use super::error::DslError;
use super::fields::{describe, entries, is_missing, name_text, unknown_field, Context, Entry};
use super::scalar::Resolved;
use super::yaml_tree::{Pos, Yaml, YamlValue};
use crate::engine::{ParamMod, PortRef};

/// The fields of a modulation.
pub(crate) const MOD_FIELDS: &[&str] = &["mod", "from", "to"];

/// How a modulation is written, for messages.
const FORM: &str = "`{mod: NODE.OUT, from: A, to: B}`";

/// The modulation written as the mapping `pairs` for parameter `param` of node `node`, and
/// the positions of its source, `from`, `to` and the source's output (in `MOD_SOURCE`,
/// `MOD_FROM`, `MOD_TO`, `MOD_OUTPUT` order); problems go to `errors`.
pub(crate) fn read_mod(
    pairs: &[(Yaml<'_>, Yaml<'_>)],
    at: Pos,
    (param, node): (&str, &str),
    errors: &mut Vec<DslError>,
) -> Option<(ParamMod, Vec<Pos>)> {
    let context = Context::Modulation(param, node);
    let fields = entries(pairs, context, errors);
    let mut ok = true;
    for field in fields.iter().filter(|f| !MOD_FIELDS.contains(&f.name)) {
        errors.push(unknown_field(field, context, MOD_FIELDS));
        ok = false;
    }
    for wanted in MOD_FIELDS {
        if is_missing(pairs, wanted, MOD_FIELDS) {
            errors.push(at.error(format!("{context} has no `{wanted}`: write {FORM}")));
            ok = false;
        }
    }
    let find = |name: &str| fields.iter().find(|f| f.name == name);
    let source = find("mod").and_then(|f| source(f, context, errors));
    let from = find("from").and_then(|f| number(f, context, errors));
    let to = find("to").and_then(|f| number(f, context, errors));
    let ((source, output, source_at, output_at), (from, from_at), (to, to_at)) =
        (source?, from?, to?);
    ok.then(|| {
        let m = ParamMod {
            param: param.to_string(),
            source,
            output,
            from,
            to,
        };
        (m, vec![source_at, from_at, to_at, output_at])
    })
}

/// `NODE.OUTPUT` of the `mod` field, with the positions of the value and of `OUTPUT`.
fn source(
    field: &Entry<'_, '_>,
    context: Context<'_>,
    errors: &mut Vec<DslError>,
) -> Option<(String, PortRef, Pos, Pos)> {
    let yaml = field.value;
    let parsed = name_text(yaml).and_then(|text| {
        let (node, port) = text.rsplit_once('.')?;
        let port_ref = PortRef::parse(port).filter(|_| !node.is_empty() && !port.is_empty())?;
        let quote = match &yaml.value {
            YamlValue::Scalar(s) if !s.plain => 1,
            _ => 0,
        };
        let port_at = Pos {
            line: yaml.pos.line,
            column: yaml.pos.column + quote + node.chars().count() + 1,
        };
        Some((node.to_string(), port_ref, yaml.pos, port_at))
    });
    if parsed.is_none() {
        errors.push(yaml.pos.error(format!(
            "`mod` of {context} must be a node output such as `lfo.out`, found {}",
            describe(yaml)
        )));
    }
    parsed
}

/// The number of `from` or `to`.
fn number(
    field: &Entry<'_, '_>,
    context: Context<'_>,
    errors: &mut Vec<DslError>,
) -> Option<(f64, Pos)> {
    let yaml = field.value;
    let value = match &yaml.value {
        YamlValue::Scalar(s) => match s.resolve() {
            Resolved::Int(i) => Some(i as f64),
            Resolved::Float(f) if f.is_finite() => Some(f),
            _ => None,
        },
        _ => None,
    };
    if value.is_none() {
        errors.push(yaml.pos.error(format!(
            "`{}` of {context} must be a number, found {}",
            field.name,
            describe(yaml)
        )));
    }
    value.map(|v| (v, yaml.pos))
}
