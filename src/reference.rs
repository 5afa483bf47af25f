//! The module reference, generated from the descriptors: for `patches-tui modules`, the
//! README and the TUI's help.

use crate::modules::{ModuleDescriptor, ModuleType, ParamDescriptor, ParamKind, Registry, Shape};
use std::fmt::Write;

/// A one-line summary per module type.
pub fn summary(registry: &Registry) -> String {
    let width = registry.names().map(str::len).max().unwrap_or(0);
    registry
        .types()
        .iter()
        .map(|t| format!("{:width$}  {}\n", t.name, t.doc))
        .collect()
}

/// The full reference of one module type, as plain text.
pub fn describe(module_type: &ModuleType) -> String {
    let d = module_type.descriptor(Shape::default());
    let mut out = format!("{}\n  {}\n", d.name, d.doc);
    if let Some(shape) = shape_text(&d) {
        let _ = writeln!(out, "  shape: {shape}");
    }
    section(
        &mut out,
        "inputs",
        d.inputs.iter().map(|p| (p.label(), p.doc.to_string())),
    );
    section(
        &mut out,
        "outputs",
        d.outputs.iter().map(|p| (p.label(), p.doc.to_string())),
    );
    section(
        &mut out,
        "parameters",
        d.params.iter().map(|p| (p.name.to_string(), param_text(p))),
    );
    out
}

/// The whole reference as Markdown: one section per module type with a port and parameter
/// table.
pub fn markdown(registry: &Registry) -> String {
    let mut out = String::new();
    for t in registry.types() {
        let d = t.descriptor(Shape::default());
        let _ = writeln!(out, "### `{}`\n\n{}\n", d.name, d.doc);
        if let Some(shape) = shape_text(&d) {
            let _ = writeln!(out, "Shape: {shape}.\n");
        }
        if d.inputs.is_empty() && d.outputs.is_empty() && d.params.is_empty() {
            continue;
        }
        out.push_str("| Port / parameter | Kind | Doc |\n|---|---|---|\n");
        for p in &d.inputs {
            let _ = writeln!(out, "| `{}` | input | {} |", p.label(), p.doc);
        }
        for p in &d.outputs {
            let _ = writeln!(out, "| `{}` | output | {} |", p.label(), p.doc);
        }
        for p in &d.params {
            let _ = writeln!(out, "| `{}` | {} | {} |", p.name, param_text(p), p.doc);
        }
        out.push('\n');
    }
    out
}

fn shape_text(d: &ModuleDescriptor) -> Option<String> {
    let mut parts = Vec::new();
    if d.shape_use.channels {
        parts.push(format!("`channels` (default {})", d.shape.channels));
    }
    if d.shape_use.length {
        parts.push(format!("`length` (default {})", d.shape.length));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// Type, range and default of a parameter, for docs.
pub fn param_text(p: &ParamDescriptor) -> String {
    match &p.kind {
        ParamKind::Array { .. } => format!("{}, default []", p.range_text()),
        ParamKind::Enum { default, .. } => format!("{}, default {default}", p.range_text()),
        _ => format!("{}, default {}", p.range_text(), p.default_value()),
    }
}

fn section(out: &mut String, title: &str, rows: impl Iterator<Item = (String, String)>) {
    let rows: Vec<_> = rows.collect();
    if rows.is_empty() {
        return;
    }
    let width = rows.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    let _ = writeln!(out, "  {title}:");
    for (name, doc) in rows {
        let _ = writeln!(out, "    {name:width$}  {doc}");
    }
}
