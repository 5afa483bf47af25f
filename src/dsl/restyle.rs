//! Rewrites the cables of a patch text in one style, compact strings or long mappings,
//! leaving every other line (comments included) as it is. The result is checked to mean the
//! same graph before it is handed back.

use super::error::DslError;
use super::parse;
use crate::engine::Cable;

/// How cables are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CableStyle {
    /// `- "FROM.OUTPUT -> TO.INPUT * SCALE"`, one line per cable.
    Compact,
    /// `- from: ...` with `output`, `to`, `input` and `scale` on lines of their own.
    Long,
}

/// `text` with every cable written in `style`. Errors: the text does not parse (its errors),
/// or a cable shares its lines with another (a flow list), which is left to the author.
pub fn restyle_cables(text: &str, style: CableStyle) -> Result<String, Vec<DslError>> {
    let (graph, spans) = parse(text)?;
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut next = 0;
    for (cable, span) in graph.cables.iter().zip(&spans.cables) {
        let first = span.entry.line - 1;
        let last = span.last_line.max(span.entry.line) - 1;
        let dash = lines[first].trim_start();
        if first < next || !(dash.starts_with("- ") || dash.starts_with("-\t")) {
            return Err(vec![span.entry.error(
                "fmt rewrites cables written one per list entry (`- ...`); this one shares its line with others: write the list in block style first",
            )]);
        }
        out.extend(lines[next..first].iter().map(|l| l.to_string()));
        let indent = lines[first].len() - dash.len();
        out.extend(write_cable(cable, indent, style));
        next = last + 1;
    }
    out.extend(lines[next..].iter().map(|l| l.to_string()));
    let mut restyled = out.join("\n");
    if text.ends_with('\n') || text.is_empty() {
        restyled.push('\n');
    }
    let (again, _) = parse(&restyled)?;
    if again != graph {
        return Err(vec![DslError::new(
            1,
            1,
            "fmt could not rewrite the cables without changing their meaning; the file is left as it is",
        )]);
    }
    Ok(restyled)
}

/// The lines of one cable entry whose dash is at column `indent`.
fn write_cable(cable: &Cable, indent: usize, style: CableStyle) -> Vec<String> {
    let pad = " ".repeat(indent);
    // `{}` prints the shortest text that reads back as the same number.
    let scale = (cable.scale != 1.0).then(|| cable.scale.to_string());
    match style {
        CableStyle::Compact => {
            let scale = scale.map(|s| format!(" * {s}")).unwrap_or_default();
            vec![format!(
                "{pad}- \"{}.{} -> {}.{}{scale}\"",
                cable.from, cable.output, cable.to, cable.input
            )]
        }
        CableStyle::Long => {
            let mut lines = vec![
                format!("{pad}- from: {}", cable.from),
                format!("{pad}  output: {}", cable.output),
                format!("{pad}  to: {}", cable.to),
                format!("{pad}  input: {}", cable.input),
            ];
            if let Some(scale) = scale {
                lines.push(format!("{pad}  scale: {scale}"));
            }
            lines
        }
    }
}
