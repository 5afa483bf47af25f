//! The fast path's one-line nodes: plain and quoted scalars and flow collections.

use super::fast_scan::{enter, scalar_node, Cursor, Defer, Fast};
use super::prepare::restored;
use super::yaml_tree::{Scalar, Yaml, YamlValue};
use std::borrow::Cow;

/// What ended a plain scalar.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Ending {
    /// The line end or a comment.
    Line,
    /// A `:` mapping value indicator (the cursor is on it).
    Indicator,
    /// A flow indicator `,[]{}` (the cursor is on it).
    Flow,
}

fn is_flow(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

/// Whether `b` may end a token: a space, a line break or the end of the text.
fn is_break_or_space(b: Option<u8>) -> bool {
    matches!(b, None | Some(b' ' | b'\n'))
}

impl<'a> Cursor<'a> {
    /// A scalar with `text`, rest placeholders restored when needed.
    fn scalar(&self, text: Cow<'a, str>, plain: bool) -> Scalar<'a> {
        let text = if self.restore_rests {
            restored(text)
        } else {
            text
        };
        Scalar { text, plain }
    }

    /// A plain scalar on the rest of the line; `flow` inside a flow collection.
    pub(super) fn plain(&mut self, flow: bool) -> Fast<(Scalar<'a>, Ending)> {
        let start = self.at;
        let first = self.peek().ok_or(Defer)?;
        let starts_ok = match first {
            b'-' => !is_break_or_space(self.peek_at(1)) && !self.peek_at(1).is_some_and(is_flow),
            b'?' | b':' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\'' | b'"' | b'%' | b'@'
            | b'`' | b' ' | b'\n' => false,
            b => !is_flow(b),
        };
        if !starts_ok {
            return Err(Defer);
        }
        let mut end = start;
        let ending = loop {
            let Some(b) = self.peek() else {
                break Ending::Line;
            };
            let next = self.peek_at(1);
            match b {
                b'\n' => break Ending::Line,
                b'#' if self.text.as_bytes()[self.at - 1] == b' ' => break Ending::Line,
                b':' if is_break_or_space(next) => break Ending::Indicator,
                b':' if flow => return Err(Defer),
                b'-' if flow && next.is_some_and(is_flow) => return Err(Defer),
                b if flow && is_flow(b) => break Ending::Flow,
                b' ' => {}
                _ => end = self.at + 1,
            }
            self.at += 1;
        };
        if flow && ending == Ending::Line {
            return Err(Defer);
        }
        match ending {
            Ending::Indicator if end != self.at => return Err(Defer),
            Ending::Line => self.at = end,
            _ => {}
        }
        let text = &self.text[start..end];
        Ok((self.scalar(Cow::Borrowed(text), true), ending))
    }

    /// A single- or double-quoted scalar closed on its line; the cursor ends after the quote.
    pub(super) fn quoted(&mut self) -> Fast<Scalar<'a>> {
        let quote = self.peek().ok_or(Defer)?;
        self.at += 1;
        let start = self.at;
        let mut owned: Option<String> = None;
        let mut copied = start;
        loop {
            let b = self.peek().ok_or(Defer)?;
            match b {
                b'\n' => return Err(Defer),
                b'\'' if quote == b'\'' && self.peek_at(1) == Some(b'\'') => {
                    let out = owned.get_or_insert_with(String::new);
                    out.push_str(&self.text[copied..=self.at]);
                    self.at += 2;
                    copied = self.at;
                }
                b'\\' if quote == b'"' => {
                    let (escaped, len) = self.escape()?;
                    let out = owned.get_or_insert_with(String::new);
                    out.push_str(&self.text[copied..self.at]);
                    out.push(escaped);
                    self.at += len;
                    copied = self.at;
                }
                b if b == quote => break,
                _ => self.at += 1,
            }
        }
        let text = match owned {
            Some(mut out) => {
                out.push_str(&self.text[copied..self.at]);
                Cow::Owned(out)
            }
            None => Cow::Borrowed(&self.text[start..self.at]),
        };
        self.at += 1;
        Ok(self.scalar(text, false))
    }

    /// The character of the escape sequence at the cursor and its length in bytes.
    fn escape(&self) -> Fast<(char, usize)> {
        let simple = match self.peek_at(1).ok_or(Defer)? {
            b'0' => '\0',
            b'a' => '\x07',
            b'b' => '\x08',
            b't' => '\t',
            b'n' => '\n',
            b'v' => '\x0b',
            b'f' => '\x0c',
            b'r' => '\r',
            b'e' => '\x1b',
            b' ' => ' ',
            b'"' => '"',
            b'/' => '/',
            b'\\' => '\\',
            b'x' => return self.hex_escape(2),
            b'u' => return self.hex_escape(4),
            _ => return Err(Defer),
        };
        Ok((simple, 2))
    }

    /// A `\x`/`\u` escape of `digits` hex digits that names a character.
    fn hex_escape(&self, digits: usize) -> Fast<(char, usize)> {
        let hex = self
            .text
            .get(self.at + 2..self.at + 2 + digits)
            .ok_or(Defer)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(Defer);
        }
        let code = u32::from_str_radix(hex, 16).map_err(|_| Defer)?;
        let c = char::from_u32(code).ok_or(Defer)?;
        Ok((c, 2 + digits))
    }

    /// A flow sequence or mapping closed on its line.
    pub(super) fn flow_collection(&mut self, depth: usize) -> Fast<Yaml<'a>> {
        enter(depth)?;
        let pos = self.pos();
        let is_map = self.peek() == Some(b'{');
        let close = if is_map { b'}' } else { b']' };
        self.at += 1;
        self.skip_spaces();
        let value = if is_map {
            let mut entries = Vec::new();
            while self.peek() != Some(close) {
                let key = self.flow_node(depth + 1, true)?;
                self.at += 1;
                if self.skip_spaces() == 0 {
                    return Err(Defer);
                }
                let value = self.flow_node(depth + 1, false)?;
                entries.push((key, value));
                self.after_flow_item(close)?;
            }
            YamlValue::Map(entries)
        } else {
            let mut items = Vec::new();
            while self.peek() != Some(close) {
                items.push(self.flow_node(depth + 1, false)?);
                self.after_flow_item(close)?;
            }
            YamlValue::Seq(items)
        };
        self.at += 1;
        Ok(Yaml {
            pos,
            last_line: pos.line,
            value,
        })
    }

    /// After a flow item: spaces and a `,` followed by another item, or the closing bracket.
    fn after_flow_item(&mut self, close: u8) -> Fast<()> {
        self.skip_spaces();
        match self.peek() {
            Some(b',') => {
                self.at += 1;
                self.skip_spaces();
                if matches!(self.peek(), Some(b) if b == close || b == b',') {
                    return Err(Defer);
                }
                Ok(())
            }
            Some(b) if b == close => Ok(()),
            _ => Err(Defer),
        }
    }

    /// A node inside a flow collection; a `key` must be followed by `:` (the cursor ends on it)
    /// and anything else must not.
    fn flow_node(&mut self, depth: usize, key: bool) -> Fast<Yaml<'a>> {
        let pos = self.pos();
        let node = match self.peek() {
            Some(b'[' | b'{') if !key => self.flow_collection(depth)?,
            Some(b'\'' | b'"') => scalar_node(pos, self.quoted()?),
            _ => {
                let (scalar, ending) = self.plain(true)?;
                if (ending == Ending::Indicator) != key {
                    return Err(Defer);
                }
                scalar_node(pos, scalar)
            }
        };
        if (self.peek() == Some(b':')) != key {
            return Err(Defer);
        }
        Ok(node)
    }
}
