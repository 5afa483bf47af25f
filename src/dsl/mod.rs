//! The patch DSL: YAML text <-> `ModuleGraph`, with line/column-precise errors.
//!
//! The text is parsed once into a small tree that keeps the position of every key and value:
//! by a fast scanner for the block-style subset patch files use, and with saphyr-parser's
//! event API for everything else (including every malformed document). The reader turns that tree into a [`ModuleGraph`] and a
//! [`SpanIndex`]; validation errors (which name a [`crate::engine::Location`]) are mapped to
//! lines and columns through the index. [`to_yaml`] writes a graph back.
//!
//! Format: a mapping with `nodes` (node name -> `module`, optional `params`, `channels`,
//! `length`, `voices`) and optional `cables` (a list of `from`, `output`, `to`, `input`,
//! optional `scale`; or compact strings `"FROM.OUTPUT -> TO.INPUT * SCALE"`). Plain scalars
//! follow the YAML 1.2 core schema; an unquoted `-` in a list reads as
//! the string `-` (a sequencer rest), in block (`- -`) and flow (`[C4, -, _]`) style.
//! Anchors, aliases and tags are refused, and a file holds one document.

mod cables;
mod compact;
mod error;
mod fast_scalar;
mod fast_scan;
mod fields;
mod misplaced;
mod modulation;
mod nodes;
mod one_line;
mod prepare;
mod reader;
mod restyle;
mod scalar;
mod shape_keys;
mod source;
mod spans;
mod syntax;
mod transport;
mod writer;
mod yaml_tree;

pub use error::DslError;
pub use restyle::{restyle_cables, CableStyle};
pub use source::{decode, read_patch_file, SourceError, MAX_PATCH_BYTES};
pub use spans::SpanIndex;
pub use writer::to_yaml;

use crate::engine::{validate, ModuleGraph, ValidGraph};
use crate::modules::Registry;

/// A patch that parsed and validated: the graph as written, its resolved form and positions.
#[derive(Clone)]
pub struct Patch {
    /// The graph as written.
    pub graph: ModuleGraph,
    /// The graph resolved against the registry.
    pub valid: ValidGraph,
    /// Where each part was written.
    pub spans: SpanIndex,
}

/// Parses `text` into a graph and its positions, checking structure only (not module types,
/// ports or parameter ranges). Errors are sorted by position.
pub fn parse(text: &str) -> Result<(ModuleGraph, SpanIndex), Vec<DslError>> {
    parse_with(text, true)
}

/// [`parse`] without the fast scanner: always through saphyr-parser. For tests comparing both.
#[doc(hidden)]
pub fn parse_slow(text: &str) -> Result<(ModuleGraph, SpanIndex), Vec<DslError>> {
    parse_with(text, false)
}

/// The trees of `text` from the fast scanner and from saphyr-parser, as debug text, when the
/// fast scanner accepts `text`. For tests comparing both.
#[doc(hidden)]
pub fn fast_and_slow_trees(text: &str) -> Option<(String, String)> {
    let prepared = prepare::prepare(text);
    let fast = fast_scan::parse_tree(&prepared.text, prepared.substituted)?;
    let slow = yaml_tree::parse_tree(&prepared.text, prepared.substituted);
    Some((
        format!("{:?}", Ok::<_, ()>(Some(fast))),
        format!("{slow:?}"),
    ))
}

fn parse_with(text: &str, fast: bool) -> Result<(ModuleGraph, SpanIndex), Vec<DslError>> {
    let prepared = prepare::prepare(text);
    let fast_root = fast
        .then(|| fast_scan::parse_tree(&prepared.text, prepared.substituted))
        .flatten();
    match fast_root {
        Some(root) => Ok(Some(root)),
        None => yaml_tree::parse_tree(&prepared.text, prepared.substituted),
    }
    .and_then(|root| reader::read(root.as_ref()))
    .map_err(|mut errors| {
        syntax::explain(&mut errors, &prepared.text);
        error::clamp_to_text(&mut errors, &prepared.text);
        error::sort_by_position(&mut errors);
        errors
    })
}

/// Parses and validates `text` against `registry`. Every error carries the line and column of
/// the offending key or value; errors are sorted by position.
pub fn load(text: &str, registry: &Registry) -> Result<Patch, Vec<DslError>> {
    let (graph, spans) = parse(text)?;
    check(graph, spans, registry).map_err(|invalid| invalid.errors)
}

/// A patch that parsed but did not validate: its errors, and the parse, kept (the editor
/// still maps its cursor to nodes through it).
pub struct Invalid {
    /// Every validation error, in position order.
    pub errors: Vec<DslError>,
    /// The graph as written.
    pub graph: ModuleGraph,
    /// Where everything in it is.
    pub spans: SpanIndex,
}

/// Validates a parsed patch against `registry` (the second half of [`load`]). Shape keys the
/// module type does not use (`channels` on an oscillator) are errors too.
pub fn check(
    graph: ModuleGraph,
    spans: SpanIndex,
    registry: &Registry,
) -> Result<Patch, Box<Invalid>> {
    let mut errors = shape_keys::unused_shape_keys(&graph, &spans, registry);
    let valid = match validate(&graph, registry) {
        Ok(valid) => Some(valid),
        Err(invalid) => {
            errors.extend(spans.errors(&invalid));
            None
        }
    };
    match valid {
        Some(valid) if errors.is_empty() => Ok(Patch {
            graph,
            valid,
            spans,
        }),
        _ => {
            error::sort_by_position(&mut errors);
            Err(Box::new(Invalid {
                errors,
                graph,
                spans,
            }))
        }
    }
}
