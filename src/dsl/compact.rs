//! Compact cables: a cable written as one string, `"FROM.OUTPUT -> TO.INPUT"` with an
//! optional `* SCALE`, ports as `name` or `name/index`. It means exactly the long form, and
//! every part keeps its own column so errors point inside the string.

use super::cables::{scale_number, CableParts, PORT_FORM};
use super::error::DslError;
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
    let mut end = |side: &str,
                   offset: usize,
                   what: &str|
     -> Option<((String, Pos), (PortRef, Pos))> {
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
            errors.push(
                at(port_at).error(format!("`{port}` in {context} is not a port: {PORT_FORM}")),
            );
            ok = false;
            return None;
        };
        Some(((node.to_string(), at(side_at)), (port_ref, at(port_at))))
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
            let scale_at = at(offset + lead);
            match scale_number(&value) {
                Some(Ok(number)) => Some((number, scale_at)),
                problem => {
                    errors.push(scale_at.error(match problem {
                        Some(Err(why)) => format!("the scale of {context}: {why}"),
                        _ => format!(
                            "the scale of {context} must be a number after `*`, found `{}`",
                            value.text
                        ),
                    }));
                    ok = false;
                    None
                }
            }
        }
    };
    let ((from, output), (to, input)) = (from?, to?);
    let parts = CableParts {
        from,
        output,
        to,
        input,
        scale,
    };
    ok.then(|| parts.build(pos, pos.line))
}
