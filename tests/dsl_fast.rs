//! The fast YAML scanner against saphyr-parser: whenever the fast path accepts a document its
//! tree, graph, positions and errors equal the saphyr path's, and it accepts real patches.

mod support;

use patches_tui::dsl;
use proptest::prelude::*;

/// Checks that the fast and the saphyr path agree on `text`; true when the fast path took it.
fn agree(text: &str) -> Result<bool, TestCaseError> {
    let accepted = match dsl::fast_and_slow_trees(text) {
        Some((fast, slow)) => {
            prop_assert_eq!(fast, slow, "trees differ for:\n{}", text);
            true
        }
        None => false,
    };
    prop_assert_eq!(dsl::parse(text), dsl::parse_slow(text), "{}", text);
    Ok(accepted)
}

fn example_patches() -> Vec<(String, String)> {
    let files: Vec<_> = support::example_files()
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("readable patch");
            (path.display().to_string(), text)
        })
        .collect();
    assert!(!files.is_empty());
    files
}

#[test]
fn fast_path_accepts_every_example_patch() {
    for (path, text) in example_patches() {
        assert!(agree(&text).expect("paths agree"), "{path} was deferred");
    }
}

#[test]
fn fast_path_covers_the_subset() {
    let accepted = [
        "nodes:\n  a:\n    module: X\n",
        "---\nnodes: {a: {module: X}}\n",
        "# c\n\nnodes:   # c\n  a:\n    params:\n      s: [C4, -, _, \"-\", 'E4']\n",
        "cables:\n- from: a\n  to: 'b'\n-   from: c\n    scale: -0.5 # c\n",
        "a:\n  - x\n  - -\n",
        "\"q\": \"\\u00e9\\n\\\"\"\n'it''s': é x\nb: [ ]\nc: {}\n",
        "l:\n  -\n    a: 1\n  - [a, [b, {c: d}]]\n",
        "k: a#b  c\nm: x:y\n",
    ];
    for text in accepted {
        assert!(agree(text).expect("paths agree"), "deferred:\n{text}");
    }
    let deferred = [
        "a: &x 1\n",
        "a: *x\n",
        "a: !!str 1\n",
        "a: |\n  x\n",
        "a: >\n  x\n",
        "a: x\n  y\n",
        "a: [x,\n  y]\n",
        "a:\tx\n",
        "? a\n: b\n",
        "a: 1\n...\n",
        "a: 1\n---\nb: 2\n",
        "  a: 1\n",
        "a:\n   b: 1\n  c: 2\n",
        "a: 1\r\n",
        "a: 'x\n  y'\n",
        "a: \"\\q\"\n",
        "a:\n",
        "- \n",
        "a: b: c\n",
        "[a, b]\n",
        "",
        "# only a comment\n",
    ];
    for text in deferred {
        assert!(!agree(text).expect("paths agree"), "accepted:\n{text}");
    }
}

/// Pieces that matter to YAML, to mutate documents with.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            " ", "  ", "\n", "\t", "\r", ":", ": ", "-", "- ", "?", ",", "[", "]", "{", "}", "#",
            " #", "&", "*", "!", "|", ">", "'", "\"", "''", "\\", "\\n", "\\x41", "\\u00e9", "%",
            "@", "`", ".", "/", "_", "~", "\u{E000}", "\u{FEFF}", "é", "---", "...", "\n- ",
            "\n  ", "x: ", "{a: b}", "[c, d]",
        ])
        .prop_map(String::from),
        2 => "[a-z0-9]{1,3}",
        1 => any::<char>().prop_map(String::from),
    ]
}

#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, String),
    Delete(usize, usize),
    Replace(usize, String),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), piece()).prop_map(|(at, p)| Edit::Insert(at, p)),
        (any::<usize>(), 1usize..4).prop_map(|(at, n)| Edit::Delete(at, n)),
        (any::<usize>(), piece()).prop_map(|(at, p)| Edit::Replace(at, p)),
    ]
}

fn mutate(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for edit in edits {
        let len = chars.len();
        match edit {
            Edit::Insert(at, p) => {
                let at = at % (len + 1);
                chars.splice(at..at, p.chars());
            }
            Edit::Delete(at, n) if len > 0 => {
                let at = at % len;
                chars.drain(at..(at + n).min(len));
            }
            Edit::Replace(at, p) if len > 0 => {
                let at = at % len;
                chars.splice(at..at + 1, p.chars());
            }
            _ => {}
        }
    }
    chars.into_iter().collect()
}

/// A YAML value to render in one of several styles.
#[derive(Debug, Clone)]
enum Gen {
    Scalar(String),
    List(Vec<Gen>),
    Map(Vec<(String, Gen)>),
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::sample::select(vec![
            "x", "C4", "-", "_", "-1", "0.5", "~", "null", "true", "in/1", "a b", "a#b", "x:y",
            "'q'", "'it''s'", "\"q\"", "\"a\\\"b\"", "\"\\n\"", "\"\\x41\"", "''", "\"\"", "é",
            "-x", "'-'", "\"-\"", ".5", "a  b", "\"\\u00e9 \"",
        ])
        .prop_map(String::from),
        1 => prop::sample::select(vec!["a:", "a: b", "#c", "? x", "[", "]", "{x}", "", "&a x"])
            .prop_map(String::from),
        1 => "[a-zA-Z0-9/._ #:'\"-]{0,6}",
    ]
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "nodes", "cables", "module", "params", "a", "b", "1", "'k'", "\"k\"", "x y", "-k",
        ])
        .prop_map(String::from),
        1 => "[a-z_][a-z_-]{0,3}",
    ]
}

fn value() -> impl Strategy<Value = Gen> {
    scalar()
        .prop_map(Gen::Scalar)
        .prop_recursive(5, 48, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5).prop_map(Gen::List),
                prop::collection::vec((key(), inner), 0..5).prop_map(Gen::Map),
            ]
        })
}

/// Rendering choices, drawn from a seed per node.
#[derive(Debug, Clone, Copy)]
struct Style(u64);

impl Style {
    fn pick(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }

    fn comment(&mut self) -> &'static str {
        ["", "", "", " # c", "  #x"][self.pick(5) as usize]
    }

    fn blank(&mut self) -> &'static str {
        ["", "", "", "", "\n", "# note\n", "  # indented\n"][self.pick(7) as usize]
    }
}

fn flow(gen: &Gen, out: &mut String) {
    match gen {
        Gen::Scalar(s) => out.push_str(s),
        Gen::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                flow(item, out);
            }
            out.push(']');
        }
        Gen::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push_str(": ");
                flow(v, out);
            }
            out.push('}');
        }
    }
}

/// Renders `gen` as the value after `key:` or `-` (already written) at indentation `indent`.
fn value_text(gen: &Gen, indent: usize, in_map: bool, style: &mut Style, out: &mut String) {
    let len = match gen {
        Gen::Scalar(_) => 0,
        Gen::List(items) => items.len(),
        Gen::Map(entries) => entries.len(),
    };
    let inline = len == 0 || (len < 4 && style.pick(4) == 0);
    if inline {
        out.push(' ');
        flow(gen, out);
        out.push_str(style.comment());
        out.push('\n');
        return;
    }
    out.push_str(style.comment());
    out.push('\n');
    out.push_str(style.blank());
    let child = match gen {
        Gen::List(_) if in_map && style.pick(2) == 0 => indent,
        _ => indent + 1 + style.pick(3) as usize,
    };
    block(gen, child, style, out);
}

/// Renders a non-empty collection in block style at `indent`.
fn block(gen: &Gen, indent: usize, style: &mut Style, out: &mut String) {
    let pad = " ".repeat(indent);
    match gen {
        Gen::Scalar(s) => {
            out.push_str(&pad);
            out.push_str(s);
            out.push('\n');
        }
        Gen::List(items) => {
            for item in items {
                out.push_str(&pad);
                out.push('-');
                match item {
                    Gen::Map(entries) if !entries.is_empty() && style.pick(2) == 0 => {
                        let gap = 1 + style.pick(2) as usize;
                        out.push_str(&" ".repeat(gap));
                        let mut first = String::new();
                        block(item, indent + 1 + gap, style, &mut first);
                        out.push_str(first.trim_start_matches(' '));
                    }
                    _ => value_text(item, indent, false, style, out),
                }
                out.push_str(style.blank());
            }
        }
        Gen::Map(entries) => {
            for (k, v) in entries {
                out.push_str(&pad);
                out.push_str(k);
                out.push(':');
                value_text(v, indent, true, style, out);
                out.push_str(style.blank());
            }
        }
    }
}

/// A document of a top-level mapping in mixed styles.
fn document() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((key(), value()), 1..5),
        any::<u64>(),
        any::<bool>(),
    )
        .prop_map(|(entries, seed, start)| {
            let mut style = Style(seed);
            let mut out = String::new();
            if start {
                out.push_str("---\n");
            }
            block(&Gen::Map(entries), 0, &mut style, &mut out);
            out
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn generated_documents_agree(text in document()) {
        agree(&text)?;
    }

    #[test]
    fn mutated_documents_agree(text in document(), edits in prop::collection::vec(edit(), 1..4)) {
        agree(&mutate(&text, &edits))?;
    }

    #[test]
    fn mutated_example_patches_agree(
        index in any::<prop::sample::Index>(),
        edits in prop::collection::vec(edit(), 1..6),
    ) {
        let files = example_patches();
        let (_, text) = &files[index.index(files.len())];
        agree(&mutate(text, &edits))?;
    }
}
