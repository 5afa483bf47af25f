//! Property tests for the DSL: no input makes it panic or hang, every error points inside the
//! document, and graphs survive a trip through YAML.

use patches_tui::dsl;
use patches_tui::engine::{Cable, ModuleGraph, Node, PortRef};
use patches_tui::modules::{ParamKind, ParamValue, Registry};
use proptest::prelude::*;

/// The README example (`patches/sine_tone.yaml`) with a `scale` on its last cable.
const README: &str = concat!(
    include_str!("../patches/sine_tone.yaml"),
    "    scale: 0.5\n"
);

const SEQUENCER: &str = "\
nodes:
  clock: {module: ClockSequencer, params: {bpm: 120}}
  seq:
    module: StepSequencer
    length: 8
    params:
      steps: [C4, -, _, \"-\", 'E4']
  lead:
    module: StepSequencer
    params:
      steps:
        - A3
        - -
        - _
  mix:
    module: Sum
    channels: 3
  out:
    module: AudioOut
cables:
  - {from: clock, output: quaver, to: seq, input: clock}
  - from: seq
    output: gate
    to: mix
    input: in/2
    scale: -0.25
  - from: mix
    output: out
    to: out
    input: left
";

/// Loads `text` and checks that every error lies within it, and that the fast scanner and
/// the saphyr path agree on it.
fn check_load(text: &str) -> Result<(), TestCaseError> {
    if let Some((fast, slow)) = dsl::fast_and_slow_trees(text) {
        prop_assert_eq!(fast, slow, "trees differ for:\n{}", text);
    }
    prop_assert_eq!(dsl::parse(text), dsl::parse_slow(text), "{}", text);
    let result = dsl::load(text, &Registry::seed());
    if let Err(errors) = result {
        prop_assert!(!errors.is_empty());
        let normalised = text.replace("\r\n", "\n").replace('\r', "\n");
        let lines: Vec<&str> = normalised.split('\n').collect();
        for e in &errors {
            let width = lines.get(e.line.wrapping_sub(1)).map(|l| l.chars().count());
            prop_assert!(
                e.line >= 1 && e.column >= 1 && width.is_some_and(|w| e.column <= w + 1),
                "{e} outside a document of {} lines:\n{text:?}",
                lines.len()
            );
        }
    }
    Ok(())
}

/// Characters that matter to YAML, plus a few ordinary ones.
fn yaml_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => prop::sample::select(vec![
            ' ', '\n', '\t', '\r', ':', '-', '?', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|',
            '>', '\'', '"', '%', '@', '`', '.', '/', '_', '~', '\\', '\u{E000}', '\u{FEFF}',
        ]),
        2 => prop::char::range('a', 'z'),
        1 => prop::char::range('0', '9'),
        1 => any::<char>(),
    ]
}

#[derive(Debug, Clone)]
enum Edit {
    Insert(usize, char),
    Delete(usize),
    Replace(usize, char),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), yaml_char()).prop_map(|(at, c)| Edit::Insert(at, c)),
        any::<usize>().prop_map(Edit::Delete),
        (any::<usize>(), yaml_char()).prop_map(|(at, c)| Edit::Replace(at, c)),
    ]
}

fn mutate(text: &str, edits: &[Edit]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for edit in edits {
        let len = chars.len();
        match *edit {
            Edit::Insert(at, c) => chars.insert(at % (len + 1), c),
            Edit::Delete(at) if len > 0 => {
                chars.remove(at % len);
            }
            Edit::Replace(at, c) if len > 0 => chars[at % len] = c,
            _ => {}
        }
    }
    chars.into_iter().collect()
}

/// A YAML value to render: the shape of a patch with plausible and wrong parts.
#[derive(Debug, Clone)]
enum Gen {
    Scalar(String),
    List(Vec<Gen>, bool),
    Map(Vec<(String, Gen)>),
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "nodes", "cables", "module", "params", "channels", "length", "from", "output", "to",
            "input", "scale", "frequency", "steps", "bpm", "osc", "out", "seq", "mix",
        ])
        .prop_map(String::from),
        1 => "[a-z_]{1,6}",
    ]
}

fn scalar() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec![
            "SineOscillator", "AudioOut", "StepSequencer", "Sum", "ClockSequencer", "440.0", "-1",
            "0", "3", "1e9", "true", "~", "\"x\"", "'-'", "-", "_", "C4", "in/1", "in/x", "out",
            "left", ".nan", "-.inf", "osc", "seq", "0x10", "99999999999999999999",
        ])
        .prop_map(String::from),
        1 => "[a-zA-Z0-9/._#-]{0,6}",
    ]
}

fn value() -> impl Strategy<Value = Gen> {
    scalar()
        .prop_map(Gen::Scalar)
        .prop_recursive(4, 40, 6, |inner| {
            prop_oneof![
                (prop::collection::vec(inner.clone(), 0..6), any::<bool>())
                    .prop_map(|(items, flow)| Gen::List(items, flow)),
                prop::collection::vec((key(), inner), 0..6).prop_map(Gen::Map),
            ]
        })
}

fn render(gen: &Gen, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match gen {
        Gen::Scalar(s) => {
            out.push_str(&pad);
            out.push_str(s);
            out.push('\n');
        }
        Gen::List(items, true) if items.iter().all(|i| matches!(i, Gen::Scalar(_))) => {
            let texts: Vec<&str> = items
                .iter()
                .map(|i| match i {
                    Gen::Scalar(s) => s.as_str(),
                    _ => "",
                })
                .collect();
            out.push_str(&format!("{pad}[{}]\n", texts.join(", ")));
        }
        Gen::List(items, _) if items.is_empty() => out.push_str(&format!("{pad}[]\n")),
        Gen::List(items, _) => {
            for item in items {
                match item {
                    Gen::Scalar(s) => out.push_str(&format!("{pad}- {s}\n")),
                    _ => {
                        out.push_str(&format!("{pad}-\n"));
                        render(item, indent + 2, out);
                    }
                }
            }
        }
        Gen::Map(entries) if entries.is_empty() => out.push_str(&format!("{pad}{{}}\n")),
        Gen::Map(entries) => {
            for (k, v) in entries {
                match v {
                    Gen::Scalar(s) => out.push_str(&format!("{pad}{k}: {s}\n")),
                    _ => {
                        out.push_str(&format!("{pad}{k}:\n"));
                        render(v, indent + 2, out);
                    }
                }
            }
        }
    }
}

/// A document shaped like a patch: `nodes` of mappings and `cables` of mappings.
fn document() -> impl Strategy<Value = String> {
    let node = prop::collection::vec((key(), value()), 0..5).prop_map(Gen::Map);
    let nodes = prop::collection::vec((key(), node), 0..6).prop_map(Gen::Map);
    let cable = prop::collection::vec((key(), value()), 0..7).prop_map(Gen::Map);
    let cables = prop::collection::vec(cable, 0..5).prop_map(|c| Gen::List(c, false));
    (nodes, cables, prop::collection::vec((key(), value()), 0..2)).prop_map(
        |(nodes, cables, extra)| {
            let mut top = vec![("nodes".to_string(), nodes), ("cables".to_string(), cables)];
            top.extend(extra);
            let mut out = String::new();
            render(&Gen::Map(top), 0, &mut out);
            out
        },
    )
}

/// Deterministic choices from a seed (splitmix64).
struct Pick(u64);

impl Pick {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

const NAMES: &[&str] = &["osc", "null", "1", "-", "#", "é", "a b", "true", "0x", "-x"];
const STEPS: &[&str] = &["C4", "-", "_", "F#3", "Bb2", "A4", "G0"];
const STRINGS: &[&str] = &[
    "true", "1.5", "-", "_", "null", "", " x", "a: b", "#c", "[x]", "é", "~", "0o7", ".5", "1e3",
    "-.inf", "a\nb", "- x", "'q'", "\"q\"", "in/1",
];

/// A graph of seed modules with parameters in range and cables between existing ports,
/// plus one `AudioOut`.
fn valid_graph(seed: u64, nodes: usize, cables: usize) -> ModuleGraph {
    let registry = Registry::seed();
    let types: Vec<_> = registry
        .types()
        .iter()
        .filter(|t| t.name != "AudioOut")
        .collect();
    let mut pick = Pick(seed);
    let mut graph = ModuleGraph::new();
    for i in 0..nodes {
        let t = types[pick.below(types.len())];
        let mut node = Node::new(format!("{}{i}", NAMES[pick.below(NAMES.len())]), t.name);
        if t.shape_use.channels {
            node.channels = Some(1 + pick.below(8));
        }
        if t.shape_use.length {
            node.length = Some(1 + pick.below(32));
        }
        let descriptor = t.descriptor(node.shape());
        for p in &descriptor.params {
            if pick.below(3) == 0 {
                continue;
            }
            let value = match &p.kind {
                ParamKind::Float { min, max, .. } => match pick.below(4) {
                    0 => ParamValue::Float(*min),
                    1 => ParamValue::Float(*max),
                    _ => ParamValue::Float(min + (max - min) * pick.unit()),
                },
                ParamKind::Int { min, max, .. } => {
                    ParamValue::Int(min + pick.below((max - min + 1) as usize) as i64)
                }
                ParamKind::Bool { .. } => ParamValue::Bool(pick.below(2) == 0),
                ParamKind::Enum { variants, .. } => {
                    ParamValue::Enum(variants[pick.below(variants.len())].to_string())
                }
                ParamKind::Array { max_len, .. } => ParamValue::Array(
                    (0..pick.below(max_len + 1))
                        .map(|_| STEPS[pick.below(STEPS.len())].to_string())
                        .collect(),
                ),
            };
            node.params.push((p.name.to_string(), value));
        }
        graph.nodes.push(node);
    }
    graph.nodes.push(Node::new("out", "AudioOut"));
    let ports = |node: &Node, outputs: bool| {
        let t = registry.get(&node.module).expect("seed type");
        let d = t.descriptor(node.shape());
        let ports = if outputs { d.outputs } else { d.inputs };
        ports
            .iter()
            .map(|p| {
                if p.indexed {
                    PortRef::indexed(p.name, p.index)
                } else {
                    PortRef::new(p.name)
                }
            })
            .collect::<Vec<_>>()
    };
    for _ in 0..cables {
        let from = &graph.nodes[pick.below(graph.nodes.len())];
        let to = &graph.nodes[pick.below(graph.nodes.len())];
        let (outputs, inputs) = (ports(from, true), ports(to, false));
        if outputs.is_empty() || inputs.is_empty() {
            continue;
        }
        let scale = [1.0, 0.5, -2.0, 0.0, 1e-3, 123.456][pick.below(6)];
        graph.cables.push(Cable {
            from: from.name.clone(),
            output: outputs[pick.below(outputs.len())].clone(),
            to: to.name.clone(),
            input: inputs[pick.below(inputs.len())].clone(),
            scale,
        });
    }
    graph
}

/// A graph of arbitrary (unvalidated) nodes whose parameters are awkward strings and values.
fn awkward_graph(seed: u64, nodes: usize) -> ModuleGraph {
    let mut pick = Pick(seed);
    let mut graph = ModuleGraph::new();
    for i in 0..nodes {
        let mut node = Node::new(
            format!("{}{i}", STRINGS[pick.below(STRINGS.len())]),
            STRINGS[pick.below(STRINGS.len())],
        );
        for p in 0..pick.below(4) {
            let value = match pick.below(5) {
                0 => {
                    ParamValue::Float((pick.unit() - 0.5) * 10f64.powi(pick.below(40) as i32 - 20))
                }
                1 => ParamValue::Int(pick.next() as i64),
                2 => ParamValue::Bool(pick.below(2) == 0),
                3 => ParamValue::Enum(STRINGS[pick.below(STRINGS.len())].to_string()),
                _ => ParamValue::Array(
                    (0..pick.below(4))
                        .map(|_| STRINGS[pick.below(STRINGS.len())].to_string())
                        .collect(),
                ),
            };
            node.params
                .push((format!("{}{p}", STRINGS[pick.below(STRINGS.len())]), value));
        }
        graph.nodes.push(node);
    }
    graph
}

proptest! {
    #[test]
    fn random_strings_never_panic(text in any::<String>()) {
        check_load(&text)?;
    }

    #[test]
    fn random_yaml_like_strings_never_panic(chars in prop::collection::vec(yaml_char(), 0..200)) {
        check_load(&chars.into_iter().collect::<String>())?;
    }

    #[test]
    fn mutated_examples_never_panic(
        doc in prop::sample::select(vec![README, SEQUENCER]),
        edits in prop::collection::vec(edit(), 1..8),
    ) {
        check_load(&mutate(doc, &edits))?;
    }

    #[test]
    fn generated_documents_never_panic(text in document()) {
        check_load(&text)?;
    }

    #[test]
    fn valid_graphs_round_trip(seed in any::<u64>(), nodes in 0usize..10, cables in 0usize..16) {
        let graph = valid_graph(seed, nodes, cables);
        let yaml = dsl::to_yaml(&graph);
        prop_assert!(dsl::fast_and_slow_trees(&yaml).is_some(), "deferred:\n{}", yaml);
        check_load(&yaml)?;
        let patch = dsl::load(&yaml, &Registry::seed());
        prop_assert!(patch.is_ok(), "{:?}\n{}", patch.err(), yaml);
        prop_assert_eq!(patch.map(|p| p.graph).ok(), Some(graph), "{}", yaml);
    }

    #[test]
    fn awkward_graphs_round_trip(seed in any::<u64>(), nodes in 0usize..6) {
        let graph = awkward_graph(seed, nodes);
        let yaml = dsl::to_yaml(&graph);
        check_load(&yaml)?;
        let parsed = dsl::parse(&yaml).map(|(g, _)| g);
        prop_assert_eq!(parsed, Ok(graph), "{}", yaml);
    }
}
