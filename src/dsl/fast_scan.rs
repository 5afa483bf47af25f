//! A fast path for the block-style YAML that patch files use.
//!
//! Builds the same tree as [`super::yaml_tree`] (node kinds, scalar texts and styles, line and
//! column marks) without saphyr-parser, borrowing scalar text from the input where it can.
//! It accepts: block mappings and block sequences laid out by spaces (including a sequence at
//! its key's indentation and `- key: value` entries), single-line flow sequences and flow
//! mappings, single-line plain and quoted scalars, comments, blank lines and one leading `---`.
//! Anything else — and anything it is unsure about — is [`Defer`]red to the saphyr path, which
//! then gives the tree or the errors exactly as before.

use super::fast_scalar::Ending;
use super::yaml_tree::{Pos, Scalar, Yaml, YamlValue, MAX_DEPTH};

/// Longest block mapping key accepted (saphyr limits simple keys to 1024 characters).
const MAX_KEY_BYTES: usize = 512;

/// Room reserved for a block collection's entries (a cable has four or five).
const TYPICAL_LEN: usize = 5;

/// The document is outside the fast path's subset: parse it with saphyr.
#[derive(Debug)]
pub(super) struct Defer;

/// The result of a fast-path step.
pub(super) type Fast<T> = Result<T, Defer>;

/// The tree of `text` (prepared text, see [`super::prepare`]), or `None` when the document is
/// outside the subset. `restore_rests` maps rest placeholders back to `-`.
pub(crate) fn parse_tree(text: &str, restore_rests: bool) -> Option<Yaml<'_>> {
    if !plain_characters(text) {
        return None;
    }
    Cursor::new(text, restore_rests).document().ok()
}

/// Whether `text` holds no tab, carriage return, control or byte-order character, nor any
/// character whose handling by YAML parsers varies (Unicode line separators, non-characters).
fn plain_characters(text: &str) -> bool {
    let bytes_ok = text.bytes().all(|b| b == b'\n' || (b >= 0x20 && b != 0x7F));
    bytes_ok && (text.is_ascii() || !text.chars().any(is_unusual))
}

/// C1 controls, Unicode line and paragraph separators, the byte order mark, non-characters.
fn is_unusual(c: char) -> bool {
    let unusual = ['\u{2028}', '\u{2029}', '\u{FEFF}', '\u{FFFE}', '\u{FFFF}'];
    ('\u{80}'..='\u{9F}').contains(&c) || unusual.contains(&c)
}

/// A position in the text being scanned.
#[derive(Clone)]
pub(super) struct Cursor<'a> {
    /// The text.
    pub text: &'a str,
    /// Byte offset of the next character.
    pub at: usize,
    /// 1-based line of `at`.
    line: usize,
    /// Byte offset where the current line starts.
    line_start: usize,
    /// Whether the text is ASCII, so that columns are byte offsets.
    ascii: bool,
    /// Whether scalars need rest placeholders restored.
    pub restore_rests: bool,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str, restore_rests: bool) -> Self {
        Cursor {
            text,
            at: 0,
            line: 1,
            line_start: 0,
            ascii: text.is_ascii(),
            restore_rests,
        }
    }

    /// The byte `offset` bytes ahead, if any.
    pub fn peek_at(&self, offset: usize) -> Option<u8> {
        self.text.as_bytes().get(self.at + offset).copied()
    }

    /// The next byte, if any.
    pub fn peek(&self) -> Option<u8> {
        self.peek_at(0)
    }

    /// The position of the next character.
    pub fn pos(&self) -> Pos {
        let column = if self.ascii {
            self.at - self.line_start
        } else {
            self.text[self.line_start..self.at].chars().count()
        };
        Pos {
            line: self.line,
            column: column + 1,
        }
    }

    /// Skips spaces; returns how many.
    pub fn skip_spaces(&mut self) -> usize {
        let from = self.at;
        while self.peek() == Some(b' ') {
            self.at += 1;
        }
        self.at - from
    }

    /// Whether the next byte ends the line.
    pub fn at_line_end(&self) -> bool {
        matches!(self.peek(), None | Some(b'\n'))
    }

    /// Finishes the line: spaces, an optional comment (after a space or at the line start),
    /// the line break.
    fn end_line(&mut self) -> Fast<()> {
        self.skip_spaces();
        let after_space = self.at == self.line_start || self.text.as_bytes()[self.at - 1] == b' ';
        if self.peek() == Some(b'#') && after_space {
            while !self.at_line_end() {
                self.at += 1;
            }
        }
        match self.peek() {
            None => Ok(()),
            Some(b'\n') => {
                self.at += 1;
                self.line += 1;
                self.line_start = self.at;
                Ok(())
            }
            Some(_) => Err(Defer),
        }
    }

    /// Moves to the first character of the next line with content (skipping blank and comment
    /// lines) and gives its indentation; `None` at the end of the text. Calling it again
    /// without moving gives the same answer.
    fn next_content(&mut self) -> Fast<Option<usize>> {
        if self.at != self.line_start {
            return Ok(Some(self.at - self.line_start));
        }
        loop {
            let rest = &self.text.as_bytes()[self.at..];
            if rest.starts_with(b"---") || rest.starts_with(b"...") {
                return Err(Defer);
            }
            let indent = self.skip_spaces();
            match self.peek() {
                None => return Ok(None),
                Some(b'\n' | b'#') => self.end_line()?,
                Some(_) => return Ok(Some(indent)),
            }
            if self.at == self.text.len() {
                return Ok(None);
            }
        }
    }

    /// Whether the next characters are a block sequence entry indicator (`-` then a space or
    /// the line end).
    fn is_entry(&self) -> bool {
        self.peek() == Some(b'-') && matches!(self.peek_at(1), None | Some(b' ' | b'\n'))
    }

    /// The document: one block mapping or sequence at column 1, after an optional `---`.
    fn document(&mut self) -> Fast<Yaml<'a>> {
        while matches!(self.peek(), Some(b'#' | b'\n')) {
            self.end_line()?;
        }
        let rest = &self.text.as_bytes()[self.at..];
        if rest.starts_with(b"---") && matches!(rest.get(3), None | Some(b' ' | b'\n')) {
            self.at += 3;
            self.end_line()?;
        }
        if self.next_content()? != Some(0) {
            return Err(Defer);
        }
        let root = self.block_node(0, 0)?;
        match self.next_content()? {
            None => Ok(root),
            Some(_) => Err(Defer),
        }
    }

    /// A block mapping or sequence starting at the cursor, at column `indent` + 1.
    fn block_node(&mut self, indent: usize, depth: usize) -> Fast<Yaml<'a>> {
        if self.is_entry() {
            self.block_seq(indent, depth, false)
        } else {
            self.block_map(indent, depth)
        }
    }

    fn block_map(&mut self, indent: usize, depth: usize) -> Fast<Yaml<'a>> {
        enter(depth)?;
        let pos = self.pos();
        let mut entries = Vec::with_capacity(TYPICAL_LEN);
        loop {
            let key = self.block_key()?;
            let value = self.block_value(indent, depth + 1)?;
            entries.push((key, value));
            match self.next_content()? {
                Some(i) if i == indent && !self.is_entry() => {}
                Some(i) if i < indent => break,
                None => break,
                Some(_) => return Err(Defer),
            }
        }
        let last_line = entries
            .last()
            .map_or(0, |(k, v): &(Yaml, Yaml)| k.last_line.max(v.last_line))
            .max(pos.line);
        Ok(Yaml {
            pos,
            last_line,
            value: YamlValue::Map(entries),
        })
    }

    /// A block sequence at `indent`; `indentless` when it is at its mapping key's indentation
    /// (saphyr then places it at its first entry's content, not at the `-`).
    fn block_seq(&mut self, indent: usize, depth: usize, indentless: bool) -> Fast<Yaml<'a>> {
        enter(depth)?;
        let pos = if indentless {
            let mut content = self.clone();
            content.at += 1;
            content.skip_spaces();
            if content.peek() == Some(b'#') {
                while !content.at_line_end() {
                    content.at += 1;
                }
            }
            content.pos()
        } else {
            self.pos()
        };
        let mut items = Vec::with_capacity(TYPICAL_LEN);
        loop {
            self.at += 1;
            items.push(self.entry_value(indent, depth + 1)?);
            match self.next_content()? {
                Some(i) if i == indent && self.is_entry() => {}
                Some(i) if i <= indent => break,
                None => break,
                Some(_) => return Err(Defer),
            }
        }
        let last_line = items.last().map_or(0, |i: &Yaml| i.last_line).max(pos.line);
        Ok(Yaml {
            pos,
            last_line,
            value: YamlValue::Seq(items),
        })
    }

    /// A block mapping key and its `:`.
    fn block_key(&mut self) -> Fast<Yaml<'a>> {
        let pos = self.pos();
        let start = self.at;
        let scalar = match self.peek() {
            Some(b'\'' | b'"') => {
                let scalar = self.quoted()?;
                if self.peek() != Some(b':') {
                    return Err(Defer);
                }
                scalar
            }
            _ => match self.plain(false)? {
                (scalar, Ending::Indicator) => scalar,
                _ => return Err(Defer),
            },
        };
        self.at += 1;
        if self.at - start > MAX_KEY_BYTES || !matches!(self.peek(), None | Some(b' ' | b'\n')) {
            return Err(Defer);
        }
        Ok(Yaml {
            pos,
            last_line: pos.line,
            value: YamlValue::Scalar(scalar),
        })
    }

    /// The value after a block mapping key's `:` at indentation `indent`.
    fn block_value(&mut self, indent: usize, depth: usize) -> Fast<Yaml<'a>> {
        self.skip_spaces();
        if matches!(self.peek(), None | Some(b'\n' | b'#')) {
            self.end_line()?;
            return match self.next_content()? {
                Some(i) if i > indent => self.block_node(i, depth),
                Some(i) if i == indent && self.is_entry() => self.block_seq(i, depth, true),
                _ => Err(Defer),
            };
        }
        let value = self.inline_node(depth)?;
        self.end_line()?;
        Ok(value)
    }

    /// The value after a block sequence entry's `-` at indentation `indent`.
    fn entry_value(&mut self, indent: usize, depth: usize) -> Fast<Yaml<'a>> {
        self.skip_spaces();
        if matches!(self.peek(), None | Some(b'\n' | b'#')) {
            self.end_line()?;
            return match self.next_content()? {
                Some(i) if i > indent => self.block_node(i, depth),
                _ => Err(Defer),
            };
        }
        if self.is_entry() {
            return Err(Defer);
        }
        if self.clone().block_key().is_ok() {
            let column = self.at - self.line_start;
            return self.block_map(column, depth);
        }
        let value = self.inline_node(depth)?;
        self.end_line()?;
        Ok(value)
    }

    /// A node written on the rest of the line: a scalar or a flow collection.
    fn inline_node(&mut self, depth: usize) -> Fast<Yaml<'a>> {
        let pos = self.pos();
        match self.peek() {
            Some(b'[' | b'{') => self.flow_collection(depth),
            Some(b'\'' | b'"') => Ok(scalar_node(pos, self.quoted()?)),
            _ => match self.plain(false)? {
                (scalar, Ending::Line) => Ok(scalar_node(pos, scalar)),
                _ => Err(Defer),
            },
        }
    }
}

/// Refuses collections whose children would be nested deeper than the saphyr path accepts.
pub(super) fn enter(depth: usize) -> Fast<()> {
    if depth >= MAX_DEPTH {
        Err(Defer)
    } else {
        Ok(())
    }
}

/// A one-line scalar node at `pos`.
pub(super) fn scalar_node<'a>(pos: Pos, scalar: Scalar<'a>) -> Yaml<'a> {
    Yaml {
        pos,
        last_line: pos.line,
        value: YamlValue::Scalar(scalar),
    }
}
