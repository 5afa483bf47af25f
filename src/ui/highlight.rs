//! Incremental syntax highlighting of the patch YAML with syntect.
//!
//! The [`Highlighter`] keeps, for every line, its text, its styled ranges and the parser and
//! highlighter state at its start. An update re-highlights from the first changed line and
//! stops as soon as a line's text and start state both match the cache again, so a keystroke
//! costs about one line whatever the size of the patch.

use std::ops::Range;
use std::str::FromStr;
use std::sync::OnceLock;

use ratatui::style::{Modifier, Style};
use syntect::highlighting::{
    self as sh, HighlightState, RangedHighlightIterator, ScopeSelectors, StyleModifier, ThemeItem,
    ThemeSettings,
};
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};

use super::theme::Theme;

/// A styled byte range of a line.
pub type Span = (Style, Range<usize>);

/// The colour roles of the syntax theme. The syntect theme stores a role's index in the red
/// channel of its colours; [`Highlighter`] maps it back to the theme's ratatui colour, so named
/// and indexed colours survive.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Plain,
    Key,
    String,
    Number,
    Boolean,
    Comment,
    Punctuation,
    Module,
}

/// Every role, in index order.
const ROLES: [Role; 8] = [
    Role::Plain,
    Role::Key,
    Role::String,
    Role::Number,
    Role::Boolean,
    Role::Comment,
    Role::Punctuation,
    Role::Module,
];

/// Scope selectors of the YAML grammar and the role of the text they match. Block scalar
/// indicators (`|`, `>`) count as punctuation; quotes take the string's role and `#` the
/// comment's.
const SCOPES: [(&str, Role); 9] = [
    ("punctuation", Role::Punctuation),
    ("keyword.control.flow", Role::Punctuation),
    ("entity.name.tag", Role::Key),
    ("string", Role::String),
    ("string punctuation", Role::String),
    ("constant.numeric", Role::Number),
    ("constant.language", Role::Boolean),
    ("comment", Role::Comment),
    ("comment punctuation", Role::Comment),
];

/// syntect's default grammars, loaded once. A YAML-only set cannot be rebuilt from them: the
/// dumped grammars are already linked to each other by index.
fn syntaxes() -> &'static SyntaxSet {
    static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();
    SYNTAXES.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// The YAML grammar.
fn yaml_syntax() -> &'static SyntaxReference {
    static YAML: OnceLock<&'static SyntaxReference> = OnceLock::new();
    YAML.get_or_init(|| {
        syntaxes()
            .find_syntax_by_name("YAML")
            .expect("syntect's default syntaxes include YAML")
    })
}

/// The syntect theme mapping [`SCOPES`] to role-encoded colours, built once.
fn role_theme() -> &'static sh::Theme {
    static THEME: OnceLock<sh::Theme> = OnceLock::new();
    THEME.get_or_init(|| sh::Theme {
        name: Some("patches-tui roles".to_string()),
        author: None,
        settings: ThemeSettings {
            foreground: Some(role_color(Role::Plain)),
            ..ThemeSettings::default()
        },
        scopes: SCOPES
            .iter()
            .map(|&(selector, role)| ThemeItem {
                scope: ScopeSelectors::from_str(selector).expect("scope selectors are valid"),
                style: StyleModifier {
                    foreground: Some(role_color(role)),
                    background: None,
                    font_style: None,
                },
            })
            .collect(),
    })
}

/// The syntect highlighter of [`role_theme`], built once.
fn role_highlighter() -> &'static sh::Highlighter<'static> {
    static HIGHLIGHTER: OnceLock<sh::Highlighter<'static>> = OnceLock::new();
    HIGHLIGHTER.get_or_init(|| sh::Highlighter::new(role_theme()))
}

/// The syntect colour that encodes `role`.
fn role_color(role: Role) -> sh::Color {
    sh::Color {
        r: role as u8,
        g: 0,
        b: 0,
        a: 0xff,
    }
}

/// The role a syntect style encodes.
fn style_role(style: sh::Style) -> Role {
    ROLES
        .get(usize::from(style.foreground.r))
        .copied()
        .unwrap_or(Role::Plain)
}

/// The ratatui style of each role, by index, for `theme`.
fn role_styles(theme: &Theme) -> [Style; ROLES.len()] {
    let syntax = &theme.syntax;
    ROLES.map(|role| match role {
        Role::Plain => Style::new().fg(theme.ui.foreground),
        Role::Key => Style::new().fg(syntax.key),
        Role::String => Style::new().fg(syntax.string),
        Role::Number => Style::new().fg(syntax.number),
        Role::Boolean => Style::new().fg(syntax.boolean),
        Role::Comment => Style::new()
            .fg(syntax.comment)
            .add_modifier(Modifier::ITALIC),
        Role::Punctuation => Style::new().fg(syntax.punctuation),
        Role::Module => Style::new().fg(syntax.module),
    })
}

/// Parser and highlighter state at a line boundary.
#[derive(Clone, PartialEq, Eq)]
struct State {
    parse: ParseState,
    highlight: HighlightState,
}

impl State {
    /// The state at the start of the document.
    fn initial() -> Self {
        Self {
            parse: ParseState::new(yaml_syntax()),
            highlight: HighlightState::new(role_highlighter(), ScopeStack::new()),
        }
    }
}

/// One highlighted line.
struct Line {
    /// The line's text, without its newline.
    text: String,
    /// Styled ranges covering the text.
    spans: Vec<Span>,
    /// State at the start of the line.
    start: State,
}

/// Incrementally highlights the editor's lines as YAML with a theme's syntax colours.
pub struct Highlighter {
    /// The ratatui style of each [`Role`], by index.
    styles: [Style; ROLES.len()],
    /// The highlighted lines, in order.
    lines: Vec<Line>,
    /// State after the last line.
    end: State,
    /// Scratch buffer: the line being parsed plus its newline.
    buffer: String,
}

impl Highlighter {
    /// A highlighter with no lines, colouring with `theme`'s syntax colours (plain text takes
    /// the UI foreground, comments are also italic).
    pub fn new(theme: &Theme) -> Self {
        Self {
            styles: role_styles(theme),
            lines: Vec::new(),
            end: State::initial(),
            buffer: String::new(),
        }
    }

    /// Brings the highlighting up to date with `lines` (the editor's lines) and returns how
    /// many lines were re-highlighted.
    ///
    /// Re-highlighting starts at the first line that differs from the cache. The unchanged
    /// tail is found by matching from the end, so inserted and deleted lines shift it; when a
    /// re-highlighted line reaches that tail with the same start state as the cached line
    /// there, the rest of the cache is reused.
    pub fn update(&mut self, lines: &[String]) -> usize {
        let mut kept = std::mem::take(&mut self.lines);
        let prefix = kept
            .iter()
            .zip(lines)
            .take_while(|(cached, text)| cached.text == **text)
            .count();
        let suffix = kept[prefix..]
            .iter()
            .rev()
            .zip(lines[prefix..].iter().rev())
            .take_while(|(cached, text)| cached.text == **text)
            .count();
        let mut tail = kept.split_off(kept.len() - suffix);
        let mut state = match kept.get(prefix) {
            Some(line) => line.start.clone(),
            None => tail
                .first()
                .map_or_else(|| self.end.clone(), |line| line.start.clone()),
        };
        kept.truncate(prefix);
        let tail_start = lines.len() - suffix;
        let mut rehighlighted = 0;
        for (index, text) in lines.iter().enumerate().skip(prefix) {
            if let Some(offset) = index.checked_sub(tail_start) {
                if tail[offset].start == state {
                    kept.extend(tail.drain(offset..));
                    self.lines = kept;
                    return rehighlighted;
                }
            }
            let start = state.clone();
            let spans = self.highlight_line(&mut state, text);
            kept.push(Line {
                text: text.clone(),
                spans,
                start,
            });
            rehighlighted += 1;
        }
        self.lines = kept;
        self.end = state;
        rehighlighted
    }

    /// Styled byte ranges of line `index`, covering the line; empty for an unknown line.
    pub fn line(&self, index: usize) -> &[Span] {
        self.lines.get(index).map_or(&[], |line| &line.spans)
    }

    /// Switches to `theme`'s colours and re-highlights every line.
    pub fn set_theme(&mut self, theme: &Theme) {
        self.styles = role_styles(theme);
        let texts: Vec<String> = std::mem::take(&mut self.lines)
            .into_iter()
            .map(|line| line.text)
            .collect();
        self.end = State::initial();
        self.update(&texts);
    }

    /// Highlights `text` starting from `state`, leaving `state` at the end of the line.
    ///
    /// A line the grammar fails on (only possible with a broken grammar) stays plain.
    fn highlight_line(&mut self, state: &mut State, text: &str) -> Vec<Span> {
        self.buffer.clear();
        self.buffer.push_str(text);
        self.buffer.push('\n');
        let ops = state
            .parse
            .parse_line(&self.buffer, syntaxes())
            .unwrap_or_default();
        let mut roles: Vec<(Role, Range<usize>)> = Vec::new();
        let pieces = RangedHighlightIterator::new(
            &mut state.highlight,
            &ops,
            &self.buffer,
            role_highlighter(),
        );
        for (style, _, range) in pieces {
            let range = range.start..range.end.min(text.len());
            let role = style_role(style);
            match roles.last_mut() {
                _ if range.is_empty() => {}
                Some((last, last_range)) if *last == role && last_range.end == range.start => {
                    last_range.end = range.end;
                }
                _ => roles.push((role, range)),
            }
        }
        mark_module_type(text, &mut roles);
        roles
            .into_iter()
            .map(|(role, range)| (self.styles[role as usize], range))
            .collect()
    }
}

/// Gives the module role to the string value of a `module:` key on `text`.
fn mark_module_type(text: &str, roles: &mut [(Role, Range<usize>)]) {
    let entry = text.trim_start();
    let entry = entry.strip_prefix('-').map_or(entry, str::trim_start);
    let key_start = text.len() - entry.len();
    let is_key = roles
        .iter()
        .any(|(role, range)| *role == Role::Key && range.start == key_start);
    if !is_key || !entry.starts_with("module:") {
        return;
    }
    let value_start = key_start + "module:".len();
    for (role, range) in roles.iter_mut() {
        if range.start >= value_start && *role == Role::String {
            *role = Role::Module;
        }
    }
}
