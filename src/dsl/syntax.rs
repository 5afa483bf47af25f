//! YAML syntax errors in a performer's words, at the line that is wrong.
//!
//! The YAML parser reports where it gave up, often the line after the mistake, in its own
//! words (`while parsing a block mapping, did not find expected key`). The common mistakes
//! (a key indented by one space too many or too few, a `key:` continuing the value above,
//! a tab in the indentation, an unclosed quote or bracket) are recognised from the text
//! around that place and explained where they are.

use super::error::DslError;

/// The prefix of the parser's own messages.
const RAW: &str = "invalid YAML: ";

/// Rewrites the parser's messages in `errors` about `text` (lines with `\n` breaks).
pub(crate) fn explain(errors: &mut [DslError], text: &str) {
    let lines: Vec<&str> = text.split('\n').collect();
    for error in errors.iter_mut() {
        let Some(raw) = error.message.strip_prefix(RAW) else {
            continue;
        };
        let raw = raw.to_string();
        if let Some((line, column, message)) = explain_one(&raw, error.line, &lines) {
            error.line = line;
            error.column = column;
            error.message = message;
        }
    }
}

/// The line (1-based), column and words for the parser's message `raw` at `line`.
fn explain_one(raw: &str, line: usize, lines: &[&str]) -> Option<(usize, usize, String)> {
    let text = |l: usize| lines.get(l.wrapping_sub(1)).copied().unwrap_or("");
    if raw.contains("tab") {
        let at = (1..=lines.len())
            .find(|&l| text(l).starts_with([' ', '\t']) && indent_part(text(l)).contains('\t'))
            .unwrap_or(line);
        let column = indent_part(text(at)).find('\t').map_or(1, |i| i + 1);
        return Some((
            at,
            column,
            "a tab in the indentation: YAML indents with spaces only (Tab in the editor inserts two spaces)".into(),
        ));
    }
    if raw.contains("quoted scalar")
        || (raw.contains("unexpected end of stream") && quote_open(lines, line).is_some())
    {
        let at = quote_open(lines, line).unwrap_or(line);
        let column = text(at).find(['"', '\'']).map_or(1, |i| i + 1);
        return Some((
            at,
            column,
            "this quoted text is not closed: add the closing quote on the same line".into(),
        ));
    }
    let unclosed = |open: char, close: char| {
        (1..=line)
            .rev()
            .take(3)
            .find(|&l| text(l).matches(open).count() > text(l).matches(close).count())
    };
    let bracket = [('[', ']'), ('{', '}')]
        .into_iter()
        .find_map(|(open, close)| unclosed(open, close).map(|at| (open, close, at)));
    if let Some((open, close, at)) = bracket {
        let column = text(at).rfind(open).map_or(1, |i| i + 1);
        return Some((
            at,
            column,
            format!("this `{open}` is not closed: add `{close}` at the end of the list on the same line, or separate the items with commas"),
        ));
    }
    let is_stray = |l: usize| {
        let t = text(l).trim();
        !t.is_empty() && !t.starts_with('#') && !t.starts_with('-') && !t.contains(':')
    };
    let continued = raw.contains("mapping values are not allowed")
        && line > 1
        && is_stray(line - 1)
        && indent(text(line - 1)) == indent(text(line));
    if continued || raw.contains("document start") || raw.contains("could not find expected ':'") {
        let stray = (1..=line.min(lines.len())).find(|&l| is_stray(l));
        if let Some(at) = stray {
            return Some((
                at,
                indent(text(at)) + 1,
                "this line is neither `key: value` nor a list item `- ...`: add the `:` it is missing, or start it with `#` to make it a comment".into(),
            ));
        }
    }
    let indentation = raw.contains("did not find expected key")
        || raw.contains("invalid indentation")
        || raw.contains("mapping values are not allowed");
    if !indentation {
        return Some((line, 1, format!("the YAML does not parse here: {raw}")));
    }
    let previous = (1..line)
        .rev()
        .find(|&l| !text(l).trim().is_empty() && !text(l).trim_start().starts_with('#'));
    let here = indent(text(line));
    if raw.contains("mapping values are not allowed") {
        if let Some(p) =
            previous.filter(|&p| indent(text(p)) < here && !text(p).trim_end().ends_with(':'))
        {
            return Some((
                line,
                here + 1,
                format!(
                    "this line is indented deeper than line {p}, whose value is already given, so YAML reads it as more of that value: line it up with the key on line {p} (column {}), or give line {p} no value",
                    indent(text(p)) + 1
                ),
            ));
        }
        return Some((
            line,
            here + 1,
            "two `key: value` pairs on one line (or a `: ` inside a value): put each key on its own line, or quote the value".into(),
        ));
    }
    let culprit = match previous {
        Some(p) if !indent(text(p)).is_multiple_of(2) && here.is_multiple_of(2) => p,
        _ => line,
    };
    let spaces = indent(text(culprit));
    let siblings = sibling_indent(lines, culprit);
    let hint = match siblings {
        Some((side, s)) => format!(" (the line {side} starts at column {})", s + 1),
        None => String::new(),
    };
    Some((
        culprit,
        spaces + 1,
        format!(
            "indentation: this line starts at column {}, which lines up with no key above it{hint}; keys of one mapping start in the same column, two spaces deeper than their parent",
            spaces + 1
        ),
    ))
}

/// Where the nearest non-blank line above `line` (else below it) starts, as ("above" or
/// "below", its indentation), when it is one space off this line's.
fn sibling_indent(lines: &[&str], line: usize) -> Option<(&'static str, usize)> {
    let own = indent(lines.get(line - 1)?);
    let near = |l: &&&str| !l.trim().is_empty() && !l.trim_start().starts_with('#');
    let above = lines[..line - 1]
        .iter()
        .rev()
        .find(near)
        .map(|l| ("above", indent(l)));
    let below = lines[line..]
        .iter()
        .find(near)
        .map(|l| ("below", indent(l)));
    [above, below]
        .into_iter()
        .flatten()
        .find(|&(_, i)| i.abs_diff(own) == 1)
}

/// The line (1-based) at or above `line` with an odd number of `"` (an unclosed string).
fn quote_open(lines: &[&str], line: usize) -> Option<usize> {
    (1..=line.min(lines.len()))
        .rev()
        .find(|&l| lines[l - 1].matches('"').count() % 2 == 1)
}

fn indent(line: &str) -> usize {
    line.chars().take_while(|c| *c == ' ').count()
}

fn indent_part(line: &str) -> &str {
    let end = line.len() - line.trim_start_matches([' ', '\t']).len();
    &line[..end]
}
