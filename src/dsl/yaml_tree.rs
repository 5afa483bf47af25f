//! Builds a small YAML tree with positions from saphyr-parser's events.
//!
//! Only what a patch needs: scalars, sequences and mappings, each with the line and column
//! where it starts and the last line it covers. Anchors, aliases and tags are refused.

use super::error::DslError;
use super::prepare::{restore, restored};
use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError, Span, StrInput, Tag};
use std::borrow::Cow;

/// Deepest nesting accepted; a patch needs five levels.
pub(super) const MAX_DEPTH: usize = 32;

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pos {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl Pos {
    /// The start of the document.
    pub const START: Pos = Pos { line: 1, column: 1 };

    fn of(mark: Marker) -> Pos {
        Pos {
            line: mark.line(),
            column: mark.col() + 1,
        }
    }

    /// An error at this position.
    pub fn error(self, message: impl Into<String>) -> DslError {
        DslError::new(self.line, self.column, message)
    }
}

/// A YAML node with its position.
#[derive(Debug)]
pub(crate) struct Yaml<'a> {
    /// Where it starts.
    pub pos: Pos,
    /// The last line it covers.
    pub last_line: usize,
    /// What it holds.
    pub value: YamlValue<'a>,
}

impl Yaml<'_> {
    /// Whether this is a null scalar (`~`, `null`, or nothing written).
    pub fn is_null(&self) -> bool {
        matches!(&self.value, YamlValue::Scalar(s) if s.is_null())
    }

    /// Whether this is an absent value (`key:` with nothing after it). The tree places an
    /// absent mapping value at its key, which is where an error about it should point.
    fn is_absent(&self) -> bool {
        matches!(&self.value, YamlValue::Scalar(s) if s.plain && s.text.is_empty())
    }
}

/// The content of a YAML node.
#[derive(Debug)]
pub(crate) enum YamlValue<'a> {
    /// A scalar.
    Scalar(Scalar<'a>),
    /// A sequence.
    Seq(Vec<Yaml<'a>>),
    /// A mapping, entries in the order written.
    Map(Vec<(Yaml<'a>, Yaml<'a>)>),
}

/// A scalar as written.
#[derive(Debug)]
pub(crate) struct Scalar<'a> {
    /// Its text, after escapes and folding.
    pub text: Cow<'a, str>,
    /// Plain (unquoted, not a block scalar): only plain scalars can be numbers, booleans or null.
    pub plain: bool,
}

/// Parses `text` into a tree; `None` when it holds no document. `restore_rests` maps the
/// placeholders of [`super::prepare`] back to `-`.
pub(crate) fn parse_tree(
    text: &str,
    restore_rests: bool,
) -> Result<Option<Yaml<'_>>, Vec<DslError>> {
    let mut builder = Builder {
        parser: Parser::new_from_str(text),
        restore_rests,
        errors: Vec::new(),
        open_flows: Vec::new(),
    };
    let root = builder.document().map_err(|e| {
        let mut errors = std::mem::take(&mut builder.errors);
        errors.push(e);
        errors
    })?;
    if builder.errors.is_empty() {
        Ok(root)
    } else {
        Err(builder.errors)
    }
}

struct Builder<'a> {
    parser: Parser<'a, StrInput<'a>>,
    restore_rests: bool,
    /// Errors that do not stop the parse (anchors, tags, aliases).
    errors: Vec<DslError>,
    /// Where each flow collection being read was opened, innermost last, with its brackets.
    open_flows: Vec<(Pos, char, char)>,
}

impl<'a> Builder<'a> {
    fn next(&mut self) -> Result<(Event<'a>, Span), DslError> {
        match self.parser.next_event() {
            Some(Ok(event)) => Ok(event),
            Some(Err(e)) => Err(self.scan_error(&e)),
            None => Err(Pos::START.error("unexpected end of the YAML stream")),
        }
    }

    /// A syntax error. One met while a flow collection (`{` or `[`) opened on an earlier line
    /// is still open is reported at that bracket: most likely it lacks its closing one.
    fn scan_error(&self, e: &ScanError) -> DslError {
        let at = Pos::of(*e.marker());
        let info = restore(e.info());
        match self.open_flows.last() {
            Some(&(opened, open, close)) if opened.line < at.line => opened.error(format!(
                "invalid YAML: this `{open}` is still open at line {} ({info}): expected `,` or `{close}`",
                at.line
            )),
            _ => at.error(format!("invalid YAML: {info}")),
        }
    }

    fn document(&mut self) -> Result<Option<Yaml<'a>>, DslError> {
        let mut root = None;
        loop {
            let (event, span) = self.next()?;
            match event {
                Event::StreamEnd => return Ok(root),
                Event::DocumentStart(_) if root.is_some() => {
                    return Err(Pos::of(span.start).error(
                        "a second YAML document: a patch file holds exactly one (remove this `---`)",
                    ));
                }
                Event::DocumentStart(_) => {
                    let (event, span) = self.next()?;
                    root = Some(self.node(event, span, 0)?);
                }
                _ => {}
            }
        }
    }

    fn node(&mut self, event: Event<'a>, span: Span, depth: usize) -> Result<Yaml<'a>, DslError> {
        let pos = Pos::of(span.start);
        if depth > MAX_DEPTH {
            return Err(pos.error(format!(
                "the YAML is nested more than {MAX_DEPTH} levels deep"
            )));
        }
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                self.refuse_decorations(pos, anchor, tag.as_deref());
                Ok(Yaml {
                    pos,
                    last_line: scalar_last_line(span),
                    value: YamlValue::Scalar(self.scalar(text, style)),
                })
            }
            Event::SequenceStart(anchor, tag) => {
                self.refuse_decorations(pos, anchor, tag.as_deref());
                let flow = self.open_flow(span, ('[', ']'));
                let mut items: Vec<Yaml<'a>> = Vec::new();
                loop {
                    let (event, end) = self.next()?;
                    if event == Event::SequenceEnd {
                        self.close_flow(flow);
                        let children_end = items.last().map_or(0, |item| item.last_line);
                        let last_line = collection_last_line(span, end, children_end);
                        return Ok(Yaml {
                            pos,
                            last_line,
                            value: YamlValue::Seq(items),
                        });
                    }
                    items.push(self.node(event, end, depth + 1)?);
                }
            }
            Event::MappingStart(anchor, tag) => {
                self.refuse_decorations(pos, anchor, tag.as_deref());
                let flow = self.open_flow(span, ('{', '}'));
                let mut entries: Vec<(Yaml<'a>, Yaml<'a>)> = Vec::new();
                loop {
                    let (event, end) = self.next()?;
                    if event == Event::MappingEnd {
                        self.close_flow(flow);
                        let children_end = entries
                            .last()
                            .map_or(0, |(key, value)| key.last_line.max(value.last_line));
                        let last_line = collection_last_line(span, end, children_end);
                        return Ok(Yaml {
                            pos,
                            last_line,
                            value: YamlValue::Map(entries),
                        });
                    }
                    let key = self.node(event, end, depth + 1)?;
                    let (event, end) = self.next()?;
                    let mut value = self.node(event, end, depth + 1)?;
                    if value.is_absent() {
                        value.pos = key.pos;
                    }
                    entries.push((key, value));
                }
            }
            Event::Alias(_) => {
                self.errors.push(
                    pos.error(
                        "aliases (`*name`) are not supported in patches: write the value out",
                    ),
                );
                Ok(Yaml {
                    pos,
                    last_line: pos.line,
                    value: YamlValue::Scalar(Scalar {
                        text: Cow::Borrowed(""),
                        plain: true,
                    }),
                })
            }
            _ => Err(pos.error("unexpected YAML event")),
        }
    }

    /// Notes where a flow collection starts (its start span is its bracket; a block
    /// collection's is empty); whether it was one.
    fn open_flow(&mut self, start: Span, (open, close): (char, char)) -> bool {
        let flow = !start.is_empty();
        if flow {
            self.open_flows.push((Pos::of(start.start), open, close));
        }
        flow
    }

    fn close_flow(&mut self, flow: bool) {
        if flow {
            self.open_flows.pop();
        }
    }

    fn scalar(&self, text: Cow<'a, str>, style: ScalarStyle) -> Scalar<'a> {
        let text = if self.restore_rests {
            restored(text)
        } else {
            text
        };
        Scalar {
            text,
            plain: style == ScalarStyle::Plain,
        }
    }

    fn refuse_decorations(&mut self, pos: Pos, anchor: usize, tag: Option<&Tag>) {
        if anchor != 0 {
            self.errors
                .push(pos.error("anchors (`&name`) are not supported in patches"));
        }
        if let Some(tag) = tag {
            let written = match tag.handle.as_str() {
                "tag:yaml.org,2002:" => format!("!!{}", tag.suffix),
                handle => format!("{handle}{}", tag.suffix),
            };
            self.errors.push(pos.error(format!(
                "tags (`{written}`) are not supported in patches: write the plain value"
            )));
        }
    }
}

/// The last line of a scalar: a block scalar's span ends at the start of the next line.
fn scalar_last_line(span: Span) -> usize {
    if span.end.line() > span.start.line() && span.end.col() == 0 {
        span.end.line() - 1
    } else {
        span.end.line()
    }
}

/// The last line of a collection: its last child's, or the closing bracket's for flow style.
/// (A block collection's end event sits at the next token, possibly lines later.)
fn collection_last_line(start: Span, end: Span, children_end: usize) -> usize {
    let flow = !start.is_empty();
    let own_end = if flow {
        end.start.line()
    } else {
        start.start.line()
    };
    children_end.max(own_end)
}
