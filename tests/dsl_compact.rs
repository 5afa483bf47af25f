//! Compact cables (`"FROM.OUTPUT -> TO.INPUT * SCALE"`): the same meaning as the long form,
//! mixed freely with it, errors at their column inside the string, and `fmt` between styles.

mod support;

use patches_tui::dsl::{self, restyle_cables, CableStyle, DslError};
use patches_tui::engine::{render, StereoBuffer};
use patches_tui::modules::Registry;
use support::example_files;

fn render_text(text: &str) -> StereoBuffer {
    let patch = dsl::load(text, &Registry::standard()).unwrap_or_else(|e| panic!("{e:?}\n{text}"));
    render(patch.valid, Vec::new(), 48_000, 48000.0, 64, |_, _| {})
}

fn errors(text: &str) -> Vec<DslError> {
    match dsl::load(text, &Registry::standard()) {
        Ok(_) => panic!("expected errors for:\n{text}"),
        Err(errors) => errors,
    }
}

const OSC: &str = "nodes:
  osc:
    module: SawtoothOscillator
  lfo:
    module: SineOscillator
    params:
      frequency: 2.0
  out:
    module: AudioOut
cables:
";

#[test]
fn every_example_in_compact_form_renders_bit_identically_to_its_long_form() {
    for path in example_files() {
        let long = std::fs::read_to_string(&path).unwrap();
        let compact = restyle_cables(&long, CableStyle::Compact).unwrap();
        assert!(
            compact.contains(" -> "),
            "{}: no compact cable",
            path.display()
        );
        assert!(!compact.contains("output:"), "{}", path.display());
        let (fast, slow) = dsl::fast_and_slow_trees(&compact).expect("the fast scanner reads it");
        assert_eq!(fast, slow, "{}", path.display());
        let (a, b) = (render_text(&long), render_text(&compact));
        assert_eq!(a.left.len(), b.left.len());
        assert!(
            a.left
                .iter()
                .zip(&b.left)
                .all(|(x, y)| x.to_bits() == y.to_bits())
                && a.right
                    .iter()
                    .zip(&b.right)
                    .all(|(x, y)| x.to_bits() == y.to_bits()),
            "{}: the compact twin renders differently",
            path.display()
        );
        let back = restyle_cables(&compact, CableStyle::Long).unwrap();
        assert_eq!(
            dsl::parse(&back).unwrap().0,
            dsl::parse(&long).unwrap().0,
            "{}",
            path.display()
        );
    }
}

#[test]
fn both_forms_mix_and_mean_the_same_cables() {
    let mixed = format!(
        "{OSC}  - \"lfo.out -> osc.voct * 0.5\"\n  - osc.out -> out.left * 0.2\n  - {{from: osc, output: out, to: out, input: right, scale: 0.2}}\n"
    );
    let long = format!(
        "{OSC}  - from: lfo\n    output: out\n    to: osc\n    input: voct\n    scale: 0.5\n  - from: osc\n    output: out\n    to: out\n    input: left\n    scale: 0.2\n  - from: osc\n    output: out\n    to: out\n    input: right\n    scale: 0.2\n"
    );
    assert_eq!(dsl::parse(&mixed).unwrap().0, dsl::parse(&long).unwrap().0);
    let a = render_text(&mixed);
    let b = render_text(&long);
    assert!(a
        .left
        .iter()
        .zip(&b.left)
        .all(|(x, y)| x.to_bits() == y.to_bits()));
}

#[test]
fn a_misspelt_port_is_reported_at_its_line_and_column() {
    let text = format!("{OSC}  - \"lfo.out -> osc.vocr\"\n  - \"osc.out -> out.left\"\n");
    let errors = errors(&text);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let line = text.lines().position(|l| l.contains("vocr")).unwrap() + 1;
    let column = text.lines().nth(line - 1).unwrap().find("vocr").unwrap() + 1;
    assert_eq!(
        (errors[0].line, errors[0].column),
        (line, column),
        "{}",
        errors[0]
    );
    assert!(errors[0].message.contains("vocr"), "{}", errors[0]);
    assert!(errors[0].message.contains("voct"), "{}", errors[0]);
}

#[test]
fn malformed_compact_cables_say_what_to_write_at_the_column() {
    let cases = [
        ("  - \"osc.out mix.in\"\n", 5, "->"),
        ("  - \"osc -> out.left\"\n", 6, "needs a port"),
        (
            "  - \"osc.out -> out.left * loud\"\n",
            28,
            "must be a number",
        ),
        ("  - osc.out -> out.in/x\n", 20, "not a port"),
        ("  - \"osc.out -> nowhere.left\"\n", 17, "nowhere"),
    ];
    for (cable, column, part) in cases {
        let text = format!("{OSC}{cable}");
        let errors = errors(&text);
        let line = OSC.lines().count() + 1;
        let e = errors
            .iter()
            .find(|e| e.line == line)
            .unwrap_or_else(|| panic!("no error on line {line} for {cable}: {errors:?}"));
        assert_eq!(e.column, column, "{cable}: {e}");
        assert!(e.message.contains(part), "{cable}: `{part}` not in {e}");
    }
}

#[test]
fn a_compact_scale_beyond_32_bits_is_refused_like_the_long_form() {
    for (cable, column) in [
        ("  - osc.out -> out.left * 1e300\n", 27),
        (
            "  - {from: osc, output: out, to: out, input: left, scale: 1e300}\n",
            59,
        ),
    ] {
        let errors = errors(&format!("{OSC}{cable}"));
        assert_eq!(errors.len(), 1, "{cable}: {errors:?}");
        assert_eq!(errors[0].column, column, "{cable}: {}", errors[0]);
        assert!(
            errors[0]
                .message
                .contains("`1e300` is too large for a 32-bit number"),
            "{cable}: {}",
            errors[0]
        );
    }
}

#[test]
fn fmt_keeps_comments_and_refuses_a_flow_list() {
    let text = format!("{OSC}  # the saw, quietly\n  - from: osc\n    output: out\n    to: out\n    input: left\n    scale: 0.2\n");
    let compact = restyle_cables(&text, CableStyle::Compact).unwrap();
    assert!(
        compact.ends_with("  # the saw, quietly\n  - \"osc.out -> out.left * 0.2\"\n"),
        "{compact}"
    );
    let flow = format!("{OSC}  [\"osc.out -> out.left\", \"osc.out -> out.right\"]\n")
        .replace("cables:\n  [", "cables: [");
    assert!(restyle_cables(&flow, CableStyle::Long).is_err());
}

#[test]
fn the_fmt_subcommand_prints_or_writes_one_style() {
    let dir = std::env::temp_dir().join(format!("patches-tui-fmt-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("chord.yaml");
    let long = include_str!("../patches/chord_swap.yaml");
    std::fs::write(&file, long).unwrap();
    let bin = env!("CARGO_BIN_EXE_patches-tui");
    let printed = std::process::Command::new(bin)
        .args(["fmt", "--cables", "compact"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(printed.status.success());
    let compact = String::from_utf8(printed.stdout).unwrap();
    assert!(
        compact.contains("  - \"root.out -> mix.in/0 * 0.25\"\n"),
        "{compact}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        long,
        "printing leaves the file"
    );
    std::fs::write(&file, &compact).unwrap();
    let written = std::process::Command::new(bin)
        .args(["fmt", "--cables", "long", "--write"])
        .arg(&file)
        .status()
        .unwrap();
    assert!(written.success());
    assert_eq!(std::fs::read_to_string(&file).unwrap(), long);
    std::fs::write(&file, "nodes: [\n").unwrap();
    let bad = std::process::Command::new(bin)
        .arg("fmt")
        .arg(&file)
        .output()
        .unwrap();
    assert!(!bad.status.success());
    let stderr = String::from_utf8(bad.stderr).unwrap();
    assert!(
        stderr.starts_with(&format!("{}:", file.display())),
        "{stderr}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
