//! Compact cables: a cable written as one string, `"FROM.OUTPUT -> TO.INPUT"` with an
//! optional `* SCALE`, ports as `name` or `name/index`. It means exactly the long form, and
//! every part keeps its own column so errors point inside the string.

use super::error::DslError;
use super::scalar::{not_f32, Resolved};
use super::spans::CableSpans;
use super::yaml_tree::{Pos, Scalar};
use crate::engine::{Cable, PortRef};

/// How a compact cable is written, for messages.
pub(crate) const FORM: &str = "`FROM.OUTPUT -> TO.INPUT` (optionally `* SCALE`)";

/// Reads cable `index` written as the string `scalar` at `pos`.
pub(crate) fn read_compact(
    index: usize,
    scalar: &Scalar<'_>,
    pos: Pos,
    errors: &mut Vec<DslError>,
) -> Option<(Cable, CableSpans)> {
    let text = scalar.text.as_ref();
    // A quoted string starts one column after its opening quote.
    let start = if scalar.plain {
        pos.column
    } else {
        pos.column + 1
    };
    let at = |byte: usize| Pos {
        line: pos.line,
        column: start + text[..byte].chars().count(),
    };
    let context = format!("cable {}", index + 1);
    let Some(arrow) = text.find("->") else {
        errors.push(pos.error(format!(
            "{context} is `{text}`, which is not a cable: write {FORM}, or a mapping with `from`, `output`, `to` and `input`"
        )));
        return None;
    };
    let (right, scale) = match text[arrow + 2..].split_once('*') {
        Some((right, scale)) => (right, Some((scale, arrow + 2 + right.len() + 1))),
        None => (&text[arrow + 2..], None),
    };
    let mut ok = true;
    let mut end = |side: &str, offset: usize, what: &str| -> Option<(String, PortRef, Pos, Pos)> {
        let lead = side.len() - side.trim_start().len();
        let side_text = side.trim();
        let side_at = offset + lead;
        let Some((node, port)) = side_text.rsplit_once('.') else {
            let message = if side_text.is_empty() {
                format!("{context} has no {what} before or after `->`: write {FORM}")
            } else {
                format!("`{side_text}` in {context} needs a port after a dot, for example `{side_text}.out`: write {FORM}")
            };
            errors.push(at(side_at).error(message));
            ok = false;
            return None;
        };
        let port_at = side_at + node.len() + 1;
        if node.is_empty() {
            errors.push(at(side_at).error(format!("{context} has no node name before `.{port}`")));
            ok = false;
            return None;
        }
        let Some(port_ref) = PortRef::parse(port).filter(|_| !port.is_empty()) else {
            errors.push(at(port_at).error(format!(
                "`{port}` in {context} is not a port: write `name` or `name/index` with a whole-number index, for example `in/1`"
            )));
            ok = false;
            return None;
        };
        Some((node.to_string(), port_ref, at(side_at), at(port_at)))
    };
    let from = end(&text[..arrow], 0, "source (`FROM.OUTPUT`)");
    let to = end(right, arrow + 2, "target (`TO.INPUT`)");
    let scale = match scale {
        None => None,
        Some((written, offset)) => {
            let lead = written.len() - written.trim_start().len();
            let value = Scalar {
                text: written.trim().into(),
                plain: true,
            };
            let number = match value.resolve() {
                Resolved::Int(i) => Some(i as f64),
                Resolved::Float(f) => Some(f),
                _ => None,
            };
            let problem = match number {
                Some(number) => {
                    not_f32(number, &value.text).map(|why| format!("the scale of {context}: {why}"))
                }
                None => Some(format!(
                    "the scale of {context} must be a number after `*`, found `{}`",
                    written.trim()
                )),
            };
            match (number, problem) {
                (Some(number), None) => Some((number, at(offset + lead))),
                (_, problem) => {
                    errors.extend(problem.map(|message| at(offset + lead).error(message)));
                    ok = false;
                    None
                }
            }
        }
    };
    let ((from, output, from_pos, output_pos), (to, input, to_pos, input_pos)) = (from?, to?);
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
        entry: pos,
        from: from_pos,
        output: output_pos,
        to: to_pos,
        input: input_pos,
        scale: scale.map(|(_, pos)| pos),
        last_line: pos.line,
    };
    Some((cable, spans))
}
