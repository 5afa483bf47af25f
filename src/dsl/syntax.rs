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
    if raw.contains("unknown escape") {
        let (at, column) = bad_escape(lines, line).unwrap_or((line, 1));
        let escape: String = text(at)[column - 1..].chars().take(2).collect();
        return Some((
            at,
            column,
            format!("`{escape}` is not an escape in double-quoted text: write `\\\\` for a backslash, or use single quotes"),
        ));
    }
    if raw.contains("unknown anchor") {
        let column = text(line).find('*').map_or(1, |i| i + 1);
        return Some((
            line,
            column,
            "aliases (`*name`) are not supported in patches: write the value out".into(),
        ));
    }
    if raw.contains("separated from other tokens") {
        let (at, column) = (line.saturating_sub(1).max(1)..=line)
            .rev()
            .find_map(|l| glued_comment(text(l)).map(|c| (l, c)))
            .unwrap_or((line, 1));
        return Some((
            at,
            column,
            "a `#` comment needs a space before it: write ` #` (or quote a value that holds `#`)"
                .into(),
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
    let previous = (1..line)
        .rev()
        .find(|&l| !text(l).trim().is_empty() && !text(l).trim_start().starts_with('#'));
    let here = indent(text(line));
    let odd = |l: usize| !indent(text(l)).is_multiple_of(2);
    if raw.contains("expected '-' indicator") && !previous.is_some_and(odd) && !odd(line) {
        let item = previous.filter(|&p| text(p).trim_start().starts_with('-'));
        let what = match item {
            Some(p) => format!("line {p} is a list item (`- ...`) and this line a `key:`"),
            None => "this line is a `key:` among list items (`- ...`)".into(),
        };
        return Some((
            line,
            here + 1,
            format!("{what} at the same indentation: one block holds either list items or `key: value` lines, not both (indent the key two spaces deeper to put it inside the item)"),
        ));
    }
    let indentation = raw.contains("did not find expected key")
        || raw.contains("invalid indentation")
        || raw.contains("mapping values are not allowed")
        || raw.contains("expected '-' indicator");
    if !indentation {
        return Some((line, 1, format!("the YAML does not parse here: {raw}")));
    }
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

/// The line and column (1-based) of the first backslash in double quotes at or above `line`
/// that starts no YAML escape.
fn bad_escape(lines: &[&str], line: usize) -> Option<(usize, usize)> {
    const ESCAPES: &str = "0abtnvfre \"/\\N_LPxuU\t";
    (1..=line.min(lines.len())).rev().find_map(|l| {
        let text = lines[l - 1];
        let mut quoted = false;
        let mut chars = text.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => quoted = !quoted,
                '\\' if quoted => match chars.next() {
                    Some((_, next)) if ESCAPES.contains(next) => {}
                    _ => return Some((l, i + 1)),
                },
                _ => {}
            }
        }
        None
    })
}

/// The column (1-based) of a `#` glued to the token before it, outside quotes.
fn glued_comment(line: &str) -> Option<usize> {
    let mut quote = None;
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), _) if c == q => quote = None,
            (None, '#') if !previous.is_whitespace() => return Some(i + 1),
            _ => {}
        }
        previous = c;
    }
    None
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
