//! The YAML DSL: what parses, what it becomes, and the position and wording of every error.

mod support;

use patches_tui::dsl::{self, DslError};
use patches_tui::engine::{Cable, Location, ModuleGraph, Node, PortRef};
use patches_tui::modules::{ParamValue, Registry};

/// The README example: `patches/sine_tone.yaml`.
const README: &str = include_str!("../patches/sine_tone.yaml");

fn load_errors(text: &str) -> Vec<DslError> {
    match dsl::load(text, &Registry::seed()) {
        Ok(_) => panic!("expected errors for:\n{text}"),
        Err(errors) => errors,
    }
}

/// The only error for `text`, checked to be at `line`:`column` and to contain each of `parts`.
fn assert_error(text: &str, line: usize, column: usize, parts: &[&str]) {
    let errors = load_errors(text);
    assert_eq!(errors.len(), 1, "expected one error, got {errors:#?}");
    let error = &errors[0];
    assert_eq!(
        (error.line, error.column),
        (line, column),
        "position of: {error}"
    );
    for part in parts {
        assert!(error.message.contains(part), "`{part}` not in: {error}");
    }
}

fn steps(graph: &ModuleGraph, node: &str) -> Vec<String> {
    match &graph.node(node).expect("node").params[0].1 {
        ParamValue::Array(items) => items.clone(),
        other => panic!("not a list: {other:?}"),
    }
}

/// A patch whose `nodes` are `nodes` followed by an `out` node of type `AudioOut`.
fn with_out(nodes: &str) -> String {
    format!("nodes:\n{nodes}  out:\n    module: AudioOut\n")
}

#[test]
fn readme_example_parses() {
    let patch = dsl::load(README, &Registry::seed()).expect("README patch loads");
    let expected = ModuleGraph::new()
        .with_node(
            Node::new("osc", "SineOscillator").with_param("frequency", ParamValue::Float(440.0)),
        )
        .with_node(Node::new("out", "AudioOut"))
        .with_cable(Cable::new("osc", "out", "out", "left"))
        .with_cable(Cable::new("osc", "out", "out", "right"));
    assert_eq!(patch.graph, expected);
    assert_eq!(patch.valid.nodes.len(), 2);
    assert_eq!(patch.valid.audio_out, 1);
}

#[test]
fn step_lists_parse_in_block_and_flow_forms() {
    let text = with_out(
        "  block:
    module: StepSequencer
    params:
      steps:
        - C4
        - -
        - _
        - \"-\"
        - '_'
  flow:
    module: StepSequencer
    params:
      steps: [C4, -, _, \"-\", '_']
  spaced:
    module: StepSequencer
    params:
      steps: [ C4 , - ,_,-]
",
    );
    let patch = dsl::load(&text, &Registry::seed()).expect("step lists load");
    let expected = ["C4", "-", "_", "-", "_"];
    assert_eq!(steps(&patch.graph, "block"), expected);
    assert_eq!(steps(&patch.graph, "flow"), expected);
    assert_eq!(steps(&patch.graph, "spaced"), ["C4", "-", "_", "-"]);
}

#[test]
fn dashes_elsewhere_keep_their_meaning() {
    let text = with_out(
        "  osc:
    module: SineOscillator
    params:
      frequency: -1
  note:
    module: SineOscillator # a -, b
",
    );
    let (graph, _) = dsl::parse(&text).expect("parses");
    assert_eq!(
        graph.node("osc").unwrap().params,
        [("frequency".to_string(), ParamValue::Int(-1))]
    );
    let (graph, _) = dsl::parse("nodes:\n  x:\n    module: a, -, b\n").expect("parses");
    assert_eq!(graph.nodes[0].module, "a, -, b");
}

#[test]
fn indexed_ports_and_shapes() {
    let text = with_out(
        "  a:
    module: SineOscillator
  mix:
    module: Sum
    channels: 3
  seq:
    module: StepSequencer
    length: 4
    params:
      steps: [C4, D4]
",
    ) + "cables:
  - from: a
    output: out
    to: mix
    input: in/2
  - from: mix
    output: out
    to: out
    input: left
";
    let patch = dsl::load(&text, &Registry::seed()).expect("loads");
    assert_eq!(patch.graph.cables[0].input, PortRef::indexed("in", 2));
    assert_eq!(patch.graph.cables[1].input, PortRef::new("left"));
    assert_eq!(patch.graph.node("mix").unwrap().channels, Some(3));
    assert_eq!(patch.graph.node("seq").unwrap().length, Some(4));
    assert_eq!(patch.valid.cables[0].input, 2);
}

#[test]
fn scalars_follow_the_core_schema() {
    let text = "nodes:
  n:
    module: X
    params:
      a: 1
      b: 1.5
      c: .5
      d: 1e3
      e: true
      f: \"2\"
      g: saw
      h: '-.inf'
      i: -.inf
";
    let (graph, _) = dsl::parse(text).expect("parses");
    let values: Vec<ParamValue> = graph.nodes[0].params.iter().map(|p| p.1.clone()).collect();
    assert_eq!(
        values,
        [
            ParamValue::Int(1),
            ParamValue::Float(1.5),
            ParamValue::Float(0.5),
            ParamValue::Float(1000.0),
            ParamValue::Bool(true),
            ParamValue::Enum("2".into()),
            ParamValue::Enum("saw".into()),
            ParamValue::Enum("-.inf".into()),
            ParamValue::Float(f64::NEG_INFINITY),
        ]
    );
}

#[test]
fn integers_are_accepted_for_float_parameters() {
    let text = with_out("  osc:\n    module: SineOscillator\n    params:\n      frequency: 220\n");
    let patch = dsl::load(&text, &Registry::seed()).expect("loads");
    assert_eq!(patch.valid.nodes[0].params[0], ParamValue::Float(220.0));
}

#[test]
fn scale_defaults_to_one_and_is_omitted_when_one() {
    let text = README.replacen(
        "    input: right\n",
        "    input: right\n    scale: 0.5\n",
        1,
    );
    let (graph, _) = dsl::parse(&text).expect("parses");
    assert_eq!(graph.cables[0].scale, 1.0);
    assert_eq!(graph.cables[1].scale, 0.5);
    let yaml = dsl::to_yaml(&graph);
    assert_eq!(yaml.matches("scale").count(), 1, "{yaml}");
    assert!(yaml.contains("scale: 0.5"), "{yaml}");
    assert!(yaml.contains("frequency: 440.0"), "{yaml}");
    assert!(
        !yaml.contains("channels") && !yaml.contains("length"),
        "{yaml}"
    );
}

#[test]
fn graphs_round_trip_through_yaml() {
    let graph = ModuleGraph::new()
        .with_node(Node::new("seq", "StepSequencer").with_length(8).with_param(
            "steps",
            ParamValue::Array(vec!["C4".into(), "-".into(), "_".into()]),
        ))
        .with_node(
            Node::new("clock", "ClockSequencer")
                .with_param("bpm", ParamValue::Float(120.0))
                .with_param("beats_per_bar", ParamValue::Int(3)),
        )
        .with_node(
            Node::new("odd names", "X")
                .with_channels(4)
                .with_param("flag", ParamValue::Bool(false))
                .with_param("mode", ParamValue::Enum("true".into()))
                .with_param("number", ParamValue::Enum("12".into())),
        )
        .with_node(Node::new("123", "AudioOut"))
        .with_cable(Cable::new("clock", "quaver", "seq", "clock").with_scale(-0.25))
        .with_cable(Cable::new("seq", "pitch", "123", "in/3"));
    let yaml = dsl::to_yaml(&graph);
    let (back, _) = dsl::parse(&yaml).unwrap_or_else(|e| panic!("{e:?}\n{yaml}"));
    assert_eq!(back, graph, "{yaml}");
}

#[test]
fn example_patches_round_trip() {
    for path in support::example_files() {
        let text = std::fs::read_to_string(&path).expect("readable");
        let (graph, _) = dsl::parse(&text).unwrap_or_else(|e| panic!("{path:?}: {e:?}"));
        let (back, _) = dsl::parse(&dsl::to_yaml(&graph)).expect("written patch parses");
        assert_eq!(back, graph, "{path:?}");
    }
}

#[test]
fn node_at_line_maps_lines_to_node_definitions() {
    let text = "\
# header
nodes:
  osc:
    module: SineOscillator
    params:
      frequency: 440.0

  out: {module: AudioOut}
cables:
  - {from: osc, output: out, to: out, input: left}
";
    let (_, spans) = dsl::parse(text).expect("parses");
    let at: Vec<Option<usize>> = (1..=11).map(|line| spans.node_at_line(line)).collect();
    assert_eq!(
        at,
        [
            None,
            None,
            Some(0),
            Some(0),
            Some(0),
            Some(0),
            None,
            Some(1),
            None,
            None,
            None
        ]
    );
    assert_eq!(spans.node_line(0), 3);
    assert_eq!(spans.node_line(1), 8);
    assert_eq!(spans.locate(Location::NodeModule(1)), (8, 17));
    assert_eq!(spans.locate(Location::ParamValue(0, 0)), (6, 18));
    assert_eq!(
        spans.locate(Location::Cable(0, patches_tui::engine::CableField::Input)),
        (10, 46)
    );
    assert_eq!(spans.locate(Location::Patch), (2, 1));
}

#[test]
fn errors_display_with_position_and_file() {
    let error = DslError::new(3, 7, "bad");
    assert_eq!(error.to_string(), "3:7: bad");
    assert_eq!(error.with_file("set.yaml"), "set.yaml:3:7: bad");
}

#[test]
fn errors_are_sorted_by_position() {
    let text = with_out(
        "  b:
    module: SineOscilator
  a:
    module: SineOscillator
    params:
      frequency: 0
",
    ) + "cables:
  - from: nowhere
    output: out
    to: out
    input: left
";
    let errors = load_errors(&text);
    let positions: Vec<(usize, usize)> = errors.iter().map(|e| (e.line, e.column)).collect();
    assert_eq!(positions, [(3, 13), (7, 18), (11, 11)], "{errors:#?}");
}

#[test]
fn malformed_yaml_is_reported_at_the_parser_mark() {
    assert_error("nodes:\n  a: b\n c: d\n", 3, 2, &["invalid YAML"]);
}

#[test]
fn an_unclosed_bracket_is_reported_where_it_opens() {
    assert_error(
        "nodes:\n  osc:\n    module: [SineOscillator\n  out: x\n",
        3,
        13,
        &["invalid YAML", "this `[` is still open at line 4", "`]`"],
    );
    assert_error(
        "nodes:\n  osc: {module: SineOscillator\n  out:\n    module: AudioOut\n",
        2,
        8,
        &["this `{` is still open at line 3", "`}`"],
    );
}

#[test]
fn empty_documents_are_reported() {
    for text in ["", "\n\n", "# only a comment\n", "---\n", "~\n"] {
        let errors = load_errors(text);
        assert_eq!(errors.len(), 1, "{text:?}: {errors:?}");
        assert!(
            errors[0].message.contains("the patch is empty"),
            "{errors:?}"
        );
    }
}

#[test]
fn top_level_must_be_a_mapping_with_nodes() {
    assert_error("- a\n- b\n", 1, 1, &["must be a mapping", "found a list"]);
    assert_error("just text\n", 1, 1, &["found the string `just text`"]);
    assert_error("cables: []\n", 1, 1, &["no `nodes`"]);
    assert_error(
        &format!("{}cabels: []\n", with_out("")),
        4,
        1,
        &[
            "unknown field `cabels` in the patch",
            "did you mean `cables`",
        ],
    );
}

#[test]
fn duplicate_node_names_point_at_the_second_and_name_the_first_line() {
    let text = with_out("  osc:\n    module: SineOscillator\n  osc:\n    module: SineOscillator\n");
    assert_error(&text, 4, 3, &["duplicate node `osc`", "line 2"]);
}

#[test]
fn duplicate_keys_are_reported_everywhere() {
    assert_error(
        &with_out("  osc:\n    module: SineOscillator\n    module: SineOscillator\n"),
        4,
        5,
        &["duplicate `module` in node `osc`", "line 3"],
    );
    assert_error(
        &with_out(
            "  osc:\n    module: SineOscillator\n    params:\n      frequency: 1\n      frequency: 2\n",
        ),
        6,
        7,
        &["duplicate `frequency`", "node `osc`", "line 5"],
    );
    assert_error(
        &format!("{}nodes: {{}}\n", with_out("")),
        4,
        1,
        &["duplicate `nodes` in the patch", "line 1"],
    );
    assert_error(
        &format!(
            "{}cables:\n  - {{from: out, from: out, output: out, to: out, input: left}}\n",
            with_out("")
        ),
        5,
        17,
        &["duplicate `from` in cable 1"],
    );
}

#[test]
fn unknown_fields_suggest_the_right_name() {
    assert_error(
        &with_out("  osc:\n    modul: SineOscillator\n"),
        3,
        5,
        &[
            "unknown field `modul` in node `osc`",
            "did you mean `module`",
            "expected one of module, params, channels, length",
        ],
    );
    assert_error(
        &with_out("  osc:\n    module: SineOscillator\n    prams:\n      frequency: 1\n"),
        4,
        5,
        &["unknown field `prams`", "did you mean `params`"],
    );
    assert_error(
        &format!(
            "{}cables:\n  - form: out\n    output: out\n    to: out\n    input: left\n",
            with_out("")
        ),
        5,
        5,
        &["unknown field `form` in cable 1", "did you mean `from`"],
    );
}

#[test]
fn wrong_structural_types_are_reported_at_the_value() {
    assert_error(
        "nodes: [a, b]\n",
        1,
        8,
        &["`nodes` must be a mapping", "found a list"],
    );
    assert_error(
        &with_out("  osc: SineOscillator\n"),
        2,
        8,
        &[
            "node `osc` must be a mapping",
            "found the string `SineOscillator`",
        ],
    );
    assert_error(
        &with_out("  osc:\n    module: SineOscillator\n    params: [1, 2]\n"),
        4,
        13,
        &["`params` of node `osc` must be a mapping", "found a list"],
    );
    assert_error(
        &with_out("  mix:\n    module: Sum\n    channels: abc\n"),
        4,
        15,
        &[
            "`channels` of node `mix` must be a whole number",
            "found the string `abc`",
        ],
    );
    assert_error(
        &with_out("  seq:\n    module: StepSequencer\n    length: 2.5\n"),
        4,
        13,
        &[
            "`length` of node `seq` must be a whole number",
            "found the number `2.5`",
        ],
    );
    assert_error(
        &with_out("  osc:\n    module: [SineOscillator]\n"),
        3,
        13,
        &[
            "`module` of node `osc` must be a module name",
            "found a list",
        ],
    );
    assert_error(
        &with_out("  osc:\n    module: SineOscillator\n    params:\n      frequency: {a: 1}\n"),
        5,
        18,
        &["parameter `frequency` of node `osc`", "found a mapping"],
    );
    assert_error(
        &with_out("  osc:\n    module: SineOscillator\n    params:\n      frequency:\n"),
        5,
        7,
        &["parameter `frequency` of node `osc` has no value"],
    );
    assert_error(
        &format!("{}cables: {{a: 1}}\n", with_out("")),
        4,
        9,
        &["`cables` must be a list", "found a mapping"],
    );
    assert_error(
        &format!("{}cables:\n  - osc\n", with_out("")),
        5,
        5,
        &["cable 1 must be a mapping", "found the string `osc`"],
    );
    assert_error(
        &format!(
            "{}cables:\n  - from: out\n    output: out\n    to: out\n    input: left\n    scale: \"x\"\n",
            with_out("")
        ),
        9,
        12,
        &["`scale` of cable 1 must be a number", "found the string `x`"],
    );
    assert_error(
        &format!(
            "{}cables:\n  - from: [out]\n    output: out\n    to: out\n    input: left\n",
            with_out("")
        ),
        5,
        11,
        &["`from` of cable 1 must be a node name", "found a list"],
    );
}

#[test]
fn step_list_elements_must_be_strings() {
    assert_error(
        &with_out("  seq:\n    module: StepSequencer\n    params:\n      steps: [C4, [D4]]\n"),
        5,
        19,
        &[
            "element 2 of parameter `steps` of node `seq` must be a string",
            "found a list",
        ],
    );
}

#[test]
fn missing_required_fields_are_reported() {
    assert_error(
        &with_out("  osc:\n    params:\n      frequency: 1\n"),
        2,
        3,
        &["node `osc` has no `module`"],
    );
    for field in ["from", "output", "to", "input"] {
        let cable = ["from: out", "output: out", "to: out", "input: left"]
            .iter()
            .filter(|f| !f.starts_with(field))
            .map(|f| format!("    {f}\n"))
            .collect::<String>();
        let text = format!("{}cables:\n  -\n{cable}", with_out(""));
        assert_error(&text, 6, 5, &[&format!("cable 1 has no `{field}`")]);
    }
}

#[test]
fn bad_port_syntax_is_reported() {
    assert_error(
        &format!(
            "{}cables:\n  - from: out\n    output: out\n    to: out\n    input: in/x\n",
            with_out("")
        ),
        8,
        12,
        &["`input` of cable 1 is `in/x`", "name/index"],
    );
}

#[test]
fn anchors_aliases_tags_and_extra_documents_are_refused() {
    let errors = load_errors(&with_out(
        "  a: &osc\n    module: SineOscillator\n  b: *osc\n",
    ));
    let found: Vec<(usize, usize)> = errors.iter().map(|e| (e.line, e.column)).collect();
    assert_eq!(found, [(2, 6), (4, 6)], "{errors:#?}");
    assert!(errors[0]
        .message
        .contains("anchors (`&name`) are not supported"));
    assert!(errors[1]
        .message
        .contains("aliases (`*name`) are not supported"));
    let errors = load_errors(&with_out(
        "  a:\n    module: SineOscillator\n    params:\n      frequency: !!float 3\n",
    ));
    assert_eq!((errors[0].line, errors[0].column), (5, 18));
    assert!(errors[0].message.contains("tags (`!!float`)"), "{errors:?}");
    assert_error(
        &format!("{}---\nnodes: {{}}\n", with_out("")),
        4,
        1,
        &["a second YAML document"],
    );
}

#[test]
fn unknown_module_suggests_the_closest() {
    assert_error(
        &with_out("  osc:\n    module: SineOscilator\n"),
        3,
        13,
        &[
            "unknown module `SineOscilator` on node `osc`",
            "did you mean `SineOscillator`",
        ],
    );
}

#[test]
fn unknown_ports_suggest_the_closest() {
    let text = with_out("  osc:\n    module: SineOscillator\n")
        + "cables:
  - from: osc
    output: outt
    to: out
    input: lefft
";
    let errors = load_errors(&text);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_eq!((errors[0].line, errors[0].column), (8, 13));
    assert!(errors[0].message.contains("unknown output `outt`"));
    assert!(errors[0].message.contains("did you mean `out`"));
    assert_eq!((errors[1].line, errors[1].column), (10, 12));
    assert!(errors[1].message.contains("unknown input `lefft`"));
    assert!(errors[1].message.contains("did you mean `left`"));
}

#[test]
fn sum_inputs_are_checked_against_channels() {
    let text =
        with_out("  a:\n    module: SineOscillator\n  mix:\n    module: Sum\n    channels: 2\n")
            + "cables:
  - from: a
    output: out
    to: mix
    input: in/2
";
    assert_error(&text, 13, 12, &["unknown input `in/2`", "in/0, in/1"]);
}

#[test]
fn parameter_errors_point_at_the_value() {
    let node = |params: &str| {
        with_out(&format!(
            "  osc:\n    module: SineOscillator\n    params:\n{params}"
        ))
    };
    assert_error(
        &node("      frequecy: 3\n"),
        5,
        7,
        &["unknown parameter `frequecy`", "did you mean `frequency`"],
    );
    assert_error(
        &node("      frequency: loud\n"),
        5,
        18,
        &["node `osc`", "`frequency` expects float", "found a string"],
    );
    assert_error(
        &node("      frequency: \"440\"\n"),
        5,
        18,
        &["found a string"],
    );
    assert_error(
        &node("      frequency: 30000.0\n"),
        5,
        18,
        &["30000 is out of range for `frequency`"],
    );
}

#[test]
fn bad_steps_are_reported_at_the_element() {
    let seq = |body: &str| with_out(&format!("  seq:\n    module: StepSequencer\n{body}"));
    assert_error(
        &seq("    params:\n      steps: [C4, H4, _]\n"),
        5,
        19,
        &["node `seq`", "`H4` is not a step"],
    );
    assert_error(
        &seq("    params:\n      steps:\n        - C4\n        - C#\n"),
        7,
        11,
        &["`C#` is not a step"],
    );
    assert_error(
        &seq("    length: 2\n    params:\n      steps: [C4, D4, E4]\n"),
        6,
        14,
        &["`steps` has 3 entries", "length is 2"],
    );
}

#[test]
fn cables_to_missing_nodes_are_reported() {
    let text = with_out("  osc:\n    module: SineOscillator\n")
        + "cables:
  - from: osc
    output: out
    to: outt
    input: left
";
    assert_error(
        &text,
        9,
        9,
        &["cable to missing node `outt`", "did you mean `out`"],
    );
}

#[test]
fn audio_out_must_appear_exactly_once() {
    assert_error(
        "# no output\nnodes:\n  osc:\n    module: SineOscillator\n",
        2,
        1,
        &["no `AudioOut` node"],
    );
    assert_error(
        &with_out("  out2:\n    module: AudioOut\n"),
        5,
        13,
        &["a second `AudioOut` node `out`", "the first is `out2`"],
    );
}

#[test]
fn other_line_endings_keep_positions() {
    for newline in ["\r\n", "\r"] {
        let text = README.replace('\n', newline);
        assert!(dsl::load(&text, &Registry::seed()).is_ok(), "{newline:?}");
        let text = with_out("  osc:\n    module: SineOscilator\n").replace('\n', newline);
        assert_error(&text, 3, 13, &["did you mean `SineOscillator`"]);
    }
}

#[test]
fn columns_count_characters() {
    assert_error(
        &with_out("  é: {module: SineOscilator}\n"),
        2,
        15,
        &["unknown module `SineOscilator` on node `é`"],
    );
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let errors = load_errors(&format!("nodes: {}\n", "[".repeat(40)));
    assert!(errors[0].message.contains("nested more than"), "{errors:?}");
    let errors = load_errors(&format!("nodes: {}\n", "[".repeat(100_000)));
    assert!(errors[0].message.contains("invalid YAML"), "{errors:?}");
}
