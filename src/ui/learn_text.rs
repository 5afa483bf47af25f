//! MIDI learn's text: how a parameter is learned (through its CV input with a scale, or, for
//! a float parameter without one, as a modulation `{mod: cc74.out, from: A, to: B}`), and the
//! lines that write the mapping into the patch (a `MidiCc` node and a compact cable or the
//! modulation in place of the value), so that it reads and edits like anything typed.

use crate::dsl::Patch;
use crate::midi::activity::CcSeen;
use crate::modules::{ModuleDescriptor, ParamKind};

/// The parameter a learn is armed for.
#[derive(Debug, Clone, PartialEq)]
pub struct LearnTarget {
    /// The node's name.
    pub node: String,
    /// The parameter's name.
    pub param: String,
    /// How the controller reaches the parameter.
    pub route: LearnRoute,
    /// What the full throw does, in words (`cutoff 800..20000 Hz`).
    pub sweep: String,
}

/// How a learned controller reaches its parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum LearnRoute {
    /// A cable into the parameter's CV input.
    Cable {
        /// The CV input the controller is cabled into.
        input: String,
        /// The cable's scale: the full throw (1.0) moves the parameter this far.
        scale: f64,
    },
    /// A modulation written as the parameter's value (a float parameter without CV input).
    Modulation {
        /// The value at the knob's 0: the value written.
        from: f64,
        /// The value at full throw.
        to: f64,
    },
}

impl LearnTarget {
    /// Where the controller goes, for messages: `filt.cutoff_cv` or `osc.frequency`.
    pub fn destination(&self) -> String {
        match &self.route {
            LearnRoute::Cable { input, .. } => format!("{}.{input}", self.node),
            LearnRoute::Modulation { .. } => format!("{}.{}", self.node, self.param),
        }
    }

    /// How it is mapped, for messages: `scale 4.644` or `modulation 220..20000`.
    pub fn how(&self) -> String {
        match &self.route {
            LearnRoute::Cable { scale, .. } => format!("scale {scale}"),
            LearnRoute::Modulation { from, to } => format!("modulation {from}..{to}"),
        }
    }
}

/// Significant digits of a learned scale.
const SCALE_DIGITS: i32 = 4;

/// The parameter named on `row` (0-based) at column `col` of `patch`, and how it is learned:
/// through its `PARAM_cv` input (or an input called like the parameter), so that the knob at
/// 0 leaves the value as written and at full throw reaches the range's top (the bottom when
/// the value is already at the top); a V/oct input gets the octaves between them. The error
/// says, in words, why the line cannot be learned.
pub fn learn_target(patch: &Patch, row: usize, col: usize) -> Result<LearnTarget, String> {
    let line = row + 1;
    let not_a_param = "MIDI learn: put the cursor on a parameter line (`cutoff: 800`)";
    let node = patch.spans.node_at_line(line).ok_or(not_a_param)?;
    let spans = &patch.spans.nodes[node];
    let on_line: Vec<usize> = (0..spans.params.len())
        .filter(|&i| spans.params[i].key.line == line)
        .collect();
    let param = on_line
        .iter()
        .rev()
        .find(|&&i| spans.params[i].key.column <= col + 1)
        .or(on_line.first())
        .copied()
        .ok_or(not_a_param)?;
    let name = &patch.graph.nodes[node].params[param].0;
    let valid = &patch.valid.nodes[node];
    let descriptor = &valid.descriptor;
    let index = descriptor
        .params
        .iter()
        .position(|p| p.name == name)
        .ok_or(not_a_param)?;
    let value = valid.params[index].as_f64();
    let (min, max, unit) = match (&descriptor.params[index].kind, value) {
        (ParamKind::Float { min, max, unit, .. }, Some(_)) => (*min, *max, *unit),
        (ParamKind::Int { min, max, .. }, Some(_)) => (*min as f64, *max as f64, ""),
        _ => {
            return Err(format!(
                "MIDI learn: `{name}` of {} is not a number, a controller cannot move it",
                node_and_type(valid)
            ))
        }
    };
    let value = value.unwrap_or(min);
    let to = if value < max { max } else { min };
    let unit = if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    };
    let sweep = format!("{name} {value}..{to}{unit}");
    let float = matches!(descriptor.params[index].kind, ParamKind::Float { .. });
    if patch.graph.nodes[node].param_mod(name).is_some() {
        return Err(format!(
            "MIDI learn: `{name}` of {} is already modulated; edit its `mod`",
            node_and_type(valid)
        ));
    }
    let route = match cv_input(descriptor, name) {
        Some(input) => {
            let octaves = descriptor
                .inputs
                .iter()
                .find(|p| p.name == input)
                .is_some_and(|p| p.doc.contains("V/oct"));
            let scale = if octaves && value > 0.0 && to > 0.0 {
                (to / value).log2()
            } else {
                to - value
            };
            LearnRoute::Cable {
                input: input.to_string(),
                scale: round_significant(scale),
            }
        }
        None if float => LearnRoute::Modulation { from: value, to },
        None => {
            return Err(format!(
                "MIDI learn: `{name}` of {} is a whole number without a CV input (no `{name}_cv`), so it cannot be learned",
                node_and_type(valid)
            ))
        }
    };
    Ok(LearnTarget {
        node: valid.name.clone(),
        param: name.clone(),
        route,
        sweep,
    })
}

/// `` `filt` (Svf) ``.
fn node_and_type(node: &crate::engine::ValidNode) -> String {
    format!("`{}` ({})", node.name, node.descriptor.name)
}

/// The input that modulates parameter `param`: `PARAM_cv`, else an input called `PARAM`.
fn cv_input<'d>(descriptor: &'d ModuleDescriptor, param: &str) -> Option<&'d str> {
    let cv = format!("{param}_cv");
    let found = [cv.as_str(), param].into_iter().find_map(|wanted| {
        descriptor
            .inputs
            .iter()
            .find(|p| p.name == wanted && !p.indexed)
            .map(|p| p.name)
    });
    found
}

fn round_significant(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let digits = SCALE_DIGITS - 1 - x.abs().log10().floor() as i32;
    let factor = 10f64.powi(digits);
    (x * factor).round() / factor
}

/// The buffer `lines` with the mapping of `cc` onto `target` written in: a `MidiCc` node
/// after the target node (`fine: true` for a 14-bit pair) and a compact cable at the end of
/// the cables, and the line the cursor's `row` moved to. The error says why the text could
/// not take it.
pub fn write_mapping(
    lines: &[String],
    patch: &Patch,
    target: &LearnTarget,
    (cc, fine): (CcSeen, bool),
    row: usize,
) -> Result<(Vec<String>, usize, String), String> {
    let node = patch
        .valid
        .node_index(&target.node)
        .ok_or("MIDI learn: the node is gone")?;
    let spans = &patch.spans.nodes[node];
    let node_line = &lines[spans.key.line - 1];
    let indent = spans.key.column - 1;
    if node_line.chars().take(indent).any(|c| c != ' ') {
        return Err("MIDI learn: the nodes are written inline; map it by hand".into());
    }
    let name = free_name(patch, cc);
    let node_text = format!(
        "{}{name}: {{module: MidiCc, params: {{cc: {}, channel: {}{}}}}}",
        " ".repeat(indent),
        cc.controller,
        cc.channel + 1,
        if fine { ", fine: true" } else { "" }
    );
    let learned = format!(
        "learned: CC{} ch{} moves {}",
        cc.controller,
        cc.channel + 1,
        target.sweep
    );
    let mut out = lines.to_vec();
    let node_at = spans.last_line;
    let second = match &target.route {
        LearnRoute::Cable { input, scale } => {
            let cable = format!(
                "\"{name}.out -> {}.{input} * {scale}\"  # {learned}",
                target.node
            );
            cable_insert(lines, patch, &cable)?
        }
        LearnRoute::Modulation { from, to } => {
            let param = patch.graph.nodes[node]
                .params
                .iter()
                .position(|(p, _)| *p == target.param)
                .ok_or("MIDI learn: the parameter is gone")?;
            let at = spans.params[param].value;
            let modulation = format!("{{mod: {name}.out, from: {from}, to: {to}}}");
            out[at.line - 1] = replace_value(&lines[at.line - 1], at.column, &modulation, &learned);
            // Nothing more to insert: the node is the only new line.
            (0, Vec::new())
        }
    };
    let mut row = row;
    // The later insertion first, so the earlier one's place stands.
    for (at, text) in sorted_desc([(node_at, vec![node_text]), second]) {
        if at <= row {
            row += text.len();
        }
        let tail = out.split_off(at.min(out.len()));
        out.extend(text);
        out.extend(tail);
    }
    Ok((out, row, name))
}

/// `line` with the scalar value starting at the 1-based character `column` replaced by
/// `value`; a `# note` is added when the value ends the line (block style).
fn replace_value(line: &str, column: usize, value: &str, note: &str) -> String {
    let start = line
        .char_indices()
        .nth(column - 1)
        .map_or(line.len(), |(i, _)| i);
    let end = line[start..]
        .find([' ', ',', '}', '#'])
        .map_or(line.len(), |len| start + len);
    let rest = &line[end..];
    if rest.trim().is_empty() {
        format!("{}{value}  # {note}", &line[..start])
    } else {
        format!("{}{value}{rest}", &line[..start])
    }
}

fn sorted_desc(
    mut inserts: [(usize, Vec<String>); 2],
) -> impl Iterator<Item = (usize, Vec<String>)> {
    inserts.sort_by_key(|insert| std::cmp::Reverse(insert.0));
    inserts.into_iter()
}

/// Where `cable` goes (a 0-based line to insert before) and its lines: after the last
/// cable, a new `cables:` list when the patch has none.
fn cable_insert(
    lines: &[String],
    patch: &Patch,
    cable: &str,
) -> Result<(usize, Vec<String>), String> {
    if let Some(last) = patch.spans.cables.iter().max_by_key(|c| c.last_line) {
        let entry = &lines[last.entry.line - 1];
        let dash = entry.len() - entry.trim_start().len();
        if !entry.trim_start().starts_with("- ") {
            return Err("MIDI learn: the cables are written inline; map it by hand".into());
        }
        return Ok((
            last.last_line,
            vec![format!("{}- {cable}", " ".repeat(dash))],
        ));
    }
    match lines.iter().position(|l| l.starts_with("cables:")) {
        Some(at) if lines[at].trim_end() == "cables:" => Ok((at + 1, vec![format!("  - {cable}")])),
        Some(_) => Err("MIDI learn: the cables are written inline; map it by hand".into()),
        None => Ok((
            lines.len(),
            vec!["cables:".to_string(), format!("  - {cable}")],
        )),
    }
}

/// `cc74`, or `cc74_2`, `cc74_3`, ... when taken.
fn free_name(patch: &Patch, cc: CcSeen) -> String {
    let base = format!("cc{}", cc.controller);
    let taken = |n: &str| patch.graph.nodes.iter().any(|node| node.name == n);
    std::iter::once(base.clone())
        .chain((2..).map(|i| format!("{base}_{i}")))
        .find(|n| !taken(n))
        .unwrap_or(base)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::Registry;

    const PATCH: &str = "\
nodes:
  osc:
    module: SawtoothOscillator
  filt:
    module: Svf
    params:
      cutoff: 800
      resonance: 0.2
  sine:
    module: SineOscillator
    params:
      frequency: 220
  out:
    module: AudioOut
cables:
  - osc.out -> filt.in
  - from: filt
    output: lowpass
    to: out
    input: left
";

    fn patch(text: &str) -> Patch {
        crate::dsl::load(text, &Registry::standard()).unwrap()
    }

    fn row_of(text: &str, needle: &str) -> usize {
        text.lines().position(|l| l.contains(needle)).unwrap()
    }

    fn cable(target: &LearnTarget) -> (&str, f64) {
        match &target.route {
            LearnRoute::Cable { input, scale } => (input.as_str(), *scale),
            LearnRoute::Modulation { .. } => panic!("a cable expected: {target:?}"),
        }
    }

    #[test]
    fn a_v_per_octave_input_gets_the_octaves_to_the_top_and_an_additive_one_the_distance() {
        let p = patch(PATCH);
        let cutoff = learn_target(&p, row_of(PATCH, "cutoff:"), 8).unwrap();
        // log2(20000 / 800) = 4.643856...
        assert_eq!(cable(&cutoff), ("cutoff_cv", 4.644));
        assert_eq!(cutoff.sweep, "cutoff 800..20000 Hz");
        let resonance = learn_target(&p, row_of(PATCH, "resonance:"), 8).unwrap();
        assert_eq!(cable(&resonance), ("resonance_cv", 0.8));
        let module_line = learn_target(&p, row_of(PATCH, "module: Svf"), 6).unwrap_err();
        assert!(module_line.contains("put the cursor on a parameter line"));
    }

    #[test]
    fn a_float_without_cv_input_is_learned_as_a_modulation_from_its_value_to_the_top() {
        let p = patch(PATCH);
        let row = row_of(PATCH, "frequency:");
        let sine = learn_target(&p, row, 8).unwrap();
        assert_eq!(
            sine.route,
            LearnRoute::Modulation {
                from: 220.0,
                to: 20000.0
            }
        );
        let lines: Vec<String> = PATCH.lines().map(str::to_string).collect();
        let cc = CcSeen {
            channel: 0,
            controller: 74,
            value: 10,
        };
        let (out, new_row, name) = write_mapping(&lines, &p, &sine, (cc, false), row).unwrap();
        assert_eq!((name.as_str(), new_row), ("cc74", row));
        assert_eq!(
            out[row],
            "      frequency: {mod: cc74.out, from: 220, to: 20000}  # learned: CC74 ch1 moves frequency 220..20000 Hz"
        );
        let text = out.join("\n") + "\n";
        assert!(text.contains("  cc74: {module: MidiCc, params: {cc: 74, channel: 1}}\n  out:"));
        let again = patch(&text);
        let m = again
            .graph
            .node("sine")
            .unwrap()
            .param_mod("frequency")
            .unwrap();
        assert_eq!((m.source.as_str(), m.from, m.to), ("cc74", 220.0, 20000.0));
        // Learned again: refused, the modulation is edited by hand.
        let twice = learn_target(&again, row, 8).unwrap_err();
        assert!(twice.contains("already modulated"), "{twice}");
    }

    #[test]
    fn an_inline_parameter_is_modulated_in_place_and_an_int_without_cv_is_refused() {
        let text = "nodes:\n  s: {module: SineOscillator, params: {frequency: 110, }}\n  clk: {module: ClockSequencer, params: {beats_per_bar: 4}}\n  out:\n    module: AudioOut\n";
        let p = patch(text);
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        let target = learn_target(&p, 1, 45).unwrap();
        let cc = CcSeen {
            channel: 1,
            controller: 1,
            value: 0,
        };
        let (out, _, _) = write_mapping(&lines, &p, &target, (cc, false), 1).unwrap();
        assert_eq!(
            out[1],
            "  s: {module: SineOscillator, params: {frequency: {mod: cc1.out, from: 110, to: 20000}, }}"
        );
        patch(&(out.join("\n") + "\n"));
        let steps = learn_target(&p, 2, 45).unwrap_err();
        assert!(steps.contains("whole number without a CV input"), "{steps}");
    }

    #[test]
    fn the_mapping_is_a_midicc_node_and_a_cable_that_load_back() {
        let p = patch(PATCH);
        let row = row_of(PATCH, "cutoff:");
        let target = learn_target(&p, row, 8).unwrap();
        let lines: Vec<String> = PATCH.lines().map(str::to_string).collect();
        let cc = CcSeen {
            channel: 2,
            controller: 74,
            value: 10,
        };
        let (out, new_row, name) = write_mapping(&lines, &p, &target, (cc, false), row).unwrap();
        assert_eq!(name, "cc74");
        assert_eq!(new_row, row);
        let text = out.join("\n") + "\n";
        assert!(text.contains("  cc74: {module: MidiCc, params: {cc: 74, channel: 3}}\n  sine:"));
        assert!(text.ends_with(
            "  - \"cc74.out -> filt.cutoff_cv * 4.644\"  # learned: CC74 ch3 moves cutoff 800..20000 Hz\n"
        ));
        let again = patch(&text);
        let cable = again.graph.cables.last().unwrap();
        assert_eq!(
            (cable.from.as_str(), cable.to.as_str(), cable.scale),
            ("cc74", "filt", 4.644)
        );
        // Learned twice: a second node name.
        let (out, _, name) = write_mapping(&out, &again, &target, (cc, true), row).unwrap();
        assert_eq!(name, "cc74_2");
        let text = out.join("\n") + "\n";
        assert!(
            text.contains("  cc74_2: {module: MidiCc, params: {cc: 74, channel: 3, fine: true}}")
        );
        patch(&text);
    }

    #[test]
    fn a_patch_without_cables_gets_a_cables_list() {
        let text = "nodes:\n  filt:\n    module: Svf\n    params:\n      cutoff: 1000\n  out:\n    module: AudioOut\n";
        let p = patch(text);
        let target = learn_target(&p, 4, 8).unwrap();
        let lines: Vec<String> = text.lines().map(str::to_string).collect();
        let cc = CcSeen {
            channel: 0,
            controller: 1,
            value: 0,
        };
        let (out, _, _) = write_mapping(&lines, &p, &target, (cc, false), 4).unwrap();
        let again = patch(&(out.join("\n") + "\n"));
        assert_eq!(again.graph.cables.len(), 1);
    }
}
