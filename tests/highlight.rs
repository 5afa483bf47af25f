//! Incremental YAML highlighting: colours, minimal re-highlighting, equality with a fresh
//! highlight.

use patches_tui::ui::highlight::{Highlighter, Span};
use patches_tui::ui::theme::{load_theme_from, Theme};
use proptest::prelude::*;
use ratatui::style::{Color, Modifier};

/// Lines of the generated patch.
const PATCH_LINES: usize = 200;

/// `patches/set.yaml` with its cables repeated until it has `PATCH_LINES` lines.
fn patch_lines() -> Vec<String> {
    let set: Vec<String> = include_str!("../patches/set.yaml")
        .lines()
        .map(str::to_string)
        .collect();
    let cables = set.iter().position(|line| line == "cables:").unwrap() + 1;
    let mut lines = set.clone();
    lines.extend(
        set[cables..]
            .iter()
            .cycle()
            .take(PATCH_LINES - set.len())
            .cloned(),
    );
    lines
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_string).collect()
}

/// Every line's spans.
fn spans(highlighter: &Highlighter, count: usize) -> Vec<Vec<Span>> {
    (0..count).map(|i| highlighter.line(i).to_vec()).collect()
}

/// `lines` highlighted from scratch with `theme`.
fn fresh(theme: &Theme, lines: &[String]) -> Vec<Vec<Span>> {
    let mut highlighter = Highlighter::new(theme);
    assert_eq!(highlighter.update(lines), lines.len());
    spans(&highlighter, lines.len())
}

/// Highlights `before`, then updates to `after`: the number of re-highlighted lines, after
/// checking the result equals a fresh highlight of `after`.
fn rehighlight(before: &[String], after: &[String]) -> usize {
    let theme = Theme::default();
    let mut highlighter = Highlighter::new(&theme);
    highlighter.update(before);
    let count = highlighter.update(after);
    assert_eq!(spans(&highlighter, after.len()), fresh(&theme, after));
    assert!(highlighter.line(after.len()).is_empty());
    count
}

/// The foreground of the span of line `index` containing the first byte of `needle`.
fn fg_of(highlighter: &Highlighter, text: &[String], index: usize, needle: &str) -> Color {
    let at = text[index]
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?}"));
    let (style, range) = highlighter
        .line(index)
        .iter()
        .find(|(_, range)| range.contains(&at))
        .unwrap_or_else(|| panic!("no span at {at} on line {index}"));
    assert!(
        range.start <= at && range.end >= at + needle.len(),
        "{needle:?} is split: {range:?}"
    );
    style.fg.unwrap()
}

#[test]
fn tokens_take_the_theme_colours() {
    let text = lines(concat!(
        "# the patch\n",
        "nodes:\n",
        "  osc:\n",
        "    module: SineOscillator # a sine\n",
        "    params:\n",
        "      frequency: 440.0\n",
        "      length: 8\n",
        "      name: \"lead\"\n",
        "      other: 'single'\n",
        "      plain: words\n",
        "      on: true\n",
        "      steps: [A1, \"_\"]\n",
        "  - module: Vca\n",
        "  text: |\n",
        "    module: Inside\n",
    ));
    for theme in [
        load_theme_from("dark", None).unwrap(),
        load_theme_from("light", None).unwrap(),
    ] {
        let s = &theme.syntax;
        let mut highlighter = Highlighter::new(&theme);
        highlighter.update(&text);
        let fg = |index, needle| fg_of(&highlighter, &text, index, needle);
        assert_eq!(fg(0, "# the patch"), s.comment);
        assert_eq!(fg(1, "nodes"), s.key);
        assert_eq!(fg(1, ":"), s.punctuation);
        assert_eq!(fg(2, "osc"), s.key);
        assert_eq!(fg(3, "module"), s.key);
        assert_eq!(fg(3, "SineOscillator"), s.module);
        assert_eq!(fg(3, "# a sine"), s.comment);
        assert_eq!(fg(5, "440.0"), s.number);
        assert_eq!(fg(6, "8"), s.number);
        assert_eq!(fg(7, "\"lead\""), s.string);
        assert_eq!(fg(8, "'single'"), s.string);
        assert_eq!(fg(9, "words"), s.string);
        assert_eq!(fg(10, "true"), s.boolean);
        assert_eq!(fg(11, "["), s.punctuation);
        assert_eq!(fg(11, "A1"), s.string);
        assert_eq!(fg(11, "\"_\""), s.string);
        assert_eq!(fg(12, "-"), s.punctuation);
        assert_eq!(fg(12, "Vca"), s.module);
        assert_eq!(fg(14, "Inside"), s.string);
        assert_eq!(fg(0, " the"), s.comment);
        let comment = highlighter.line(0)[0].0;
        assert!(comment.add_modifier.contains(Modifier::ITALIC));
    }
}

#[test]
fn spans_cover_each_line() {
    let text = patch_lines();
    let theme = Theme::default();
    let mut highlighter = Highlighter::new(&theme);
    highlighter.update(&text);
    for (index, line) in text.iter().enumerate() {
        let mut end = 0;
        for (_, range) in highlighter.line(index) {
            assert_eq!(range.start, end, "line {index}");
            assert!(range.end > range.start, "line {index}");
            end = range.end;
        }
        assert_eq!(end, line.len(), "line {index}");
    }
}

#[test]
fn unknown_line_is_empty() {
    let mut highlighter = Highlighter::new(&Theme::default());
    assert!(highlighter.line(0).is_empty());
    highlighter.update(&lines("a: 1\n"));
    assert!(highlighter.line(1).is_empty());
}

#[test]
fn unchanged_lines_rehighlight_nothing() {
    let text = patch_lines();
    assert_eq!(rehighlight(&text, &text), 0);
}

#[test]
fn one_char_edit_rehighlights_one_line() {
    let text = patch_lines();
    let mut edited = text.clone();
    edited[100].insert(6, 'x');
    assert_eq!(rehighlight(&text, &edited), 1);
    edited[100].remove(6);
    assert_eq!(rehighlight(&text, &edited), 0);
}

#[test]
fn inserted_line_rehighlights_few_lines() {
    let text = patch_lines();
    let mut edited = text.clone();
    edited.insert(100, "  - from: lfo".to_string());
    assert!(rehighlight(&text, &edited) <= 2);
    let mut at_end = text.clone();
    at_end.push("  - from: lfo".to_string());
    assert_eq!(rehighlight(&text, &at_end), 1);
    let mut at_start = text.clone();
    at_start.insert(0, "# top".to_string());
    assert!(rehighlight(&text, &at_start) <= 2);
}

#[test]
fn deleted_line_rehighlights_few_lines() {
    let text = patch_lines();
    let mut edited = text.clone();
    edited.remove(100);
    assert!(rehighlight(&text, &edited) <= 1);
    assert!(rehighlight(&text, &text[..150]) <= 1);
    assert!(rehighlight(&text, &text[1..]) <= 1);
    assert_eq!(rehighlight(&text, &[]), 0);
}

#[test]
fn block_scalar_rehighlights_until_convergence() {
    let text = patch_lines();
    let params = text.iter().position(|l| l == "    params:").unwrap();
    let mut edited = text.clone();
    edited[params].push_str(" |");
    let count = rehighlight(&text, &edited);
    assert!(count > 1, "the block scalar's lines change: {count}");
    assert!(
        count < 20,
        "highlighting converges after the block: {count}"
    );
    assert!(rehighlight(&edited, &text) > 1);
}

#[test]
fn unterminated_quote_rehighlights_until_convergence() {
    let text = patch_lines();
    let module = text.iter().position(|l| l == "    module: Vca").unwrap();
    let mut edited = text.clone();
    edited[module] = "    module: \"Vca".to_string();
    assert!(rehighlight(&text, &edited) > 1);
    assert!(rehighlight(&edited, &text) > 1);
}

#[test]
fn set_theme_rehighlights_with_new_colours() {
    let text = patch_lines();
    let light = load_theme_from("light", None).unwrap();
    let mut highlighter = Highlighter::new(&Theme::default());
    highlighter.update(&text);
    highlighter.set_theme(&light);
    assert_eq!(spans(&highlighter, text.len()), fresh(&light, &text));
    assert_eq!(highlighter.update(&text), 0);
}

/// An edit to a patch's lines.
#[derive(Debug, Clone)]
enum Edit {
    InsertChar(usize, usize, char),
    DeleteChar(usize, usize),
    InsertLine(usize, String),
    DeleteLine(usize),
    ReplaceLine(usize, String),
}

impl Edit {
    fn apply(&self, lines: &mut Vec<String>) {
        let count = lines.len().max(1);
        let line = |at: usize| at % count;
        match self {
            Edit::InsertChar(at, col, c) if !lines.is_empty() => {
                let text = &mut lines[line(*at)];
                text.insert(col % (text.len() + 1), *c);
            }
            Edit::DeleteChar(at, col) if !lines.is_empty() => {
                let text = &mut lines[line(*at)];
                if !text.is_empty() {
                    text.remove(col % text.len());
                }
            }
            Edit::InsertLine(at, text) => lines.insert(at % (lines.len() + 1), text.clone()),
            Edit::DeleteLine(at) if !lines.is_empty() => {
                lines.remove(line(*at));
            }
            Edit::ReplaceLine(at, text) if !lines.is_empty() => {
                let index = line(*at);
                lines[index] = text.clone();
            }
            _ => {}
        }
    }
}

/// Characters that matter to YAML, plus a few ordinary ones.
fn yaml_char() -> impl Strategy<Value = char> {
    prop::sample::select(vec![
        ' ', ':', '-', '#', '"', '\'', '|', '>', '[', ']', '{', '}', ',', '&', '*', '!', 'a', '1',
        '.',
    ])
}

fn yaml_line() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(yaml_char(), 0..12).prop_map(|c| c.into_iter().collect()),
        prop::sample::select(patch_lines()),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    let at = 0..PATCH_LINES + 10;
    prop_oneof![
        (at.clone(), 0..40usize, yaml_char()).prop_map(|(a, c, ch)| Edit::InsertChar(a, c, ch)),
        (at.clone(), 0..40usize).prop_map(|(a, c)| Edit::DeleteChar(a, c)),
        (at.clone(), yaml_line()).prop_map(|(a, l)| Edit::InsertLine(a, l)),
        at.clone().prop_map(Edit::DeleteLine),
        (at, yaml_line()).prop_map(|(a, l)| Edit::ReplaceLine(a, l)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn random_edits_match_a_fresh_highlight(
        edits in prop::collection::vec(prop::collection::vec(edit(), 1..4), 1..6)
    ) {
        let theme = Theme::default();
        let mut text: Vec<String> = patch_lines().into_iter().take(60).collect();
        let mut highlighter = Highlighter::new(&theme);
        highlighter.update(&text);
        for batch in &edits {
            for edit in batch {
                edit.apply(&mut text);
            }
            highlighter.update(&text);
            prop_assert_eq!(spans(&highlighter, text.len()), fresh(&theme, &text));
            prop_assert!(highlighter.line(text.len()).is_empty());
        }
    }
}
