//! Suggestions in errors: case-insensitive, by prefix, missing part and substring, for
//! modules, node names and fields; node fields written under `params`.

use patches_tui::dsl;
use patches_tui::modules::Registry;

fn first_error(text: &str) -> String {
    match dsl::load(text, &Registry::seed()) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(errors) => errors[0].to_string(),
    }
}

fn patch(module: &str, extra: &str) -> String {
    format!(
        "nodes:\n  mix:\n    module: Sum\n  osc:\n    module: {module}\n{extra}  out:\n    module: AudioOut\ncables:\n  - \"mix.out -> out.left\"\n"
    )
}

#[test]
fn module_names_are_suggested_by_case_prefix_and_missing_part() {
    for (written, meant) in [
        ("ADSR", "AdsrEnvelope"),
        ("Adsr", "AdsrEnvelope"),
        ("SawOscillator", "SawtoothOscillator"),
        ("sineoscillator", "SineOscillator"),
        ("lowpass", "ResonantLowpass"),
    ] {
        let error = first_error(&patch(written, ""));
        assert!(
            error.contains(&format!("did you mean `{meant}`?")),
            "{written}: {error}"
        );
    }
}

#[test]
fn node_names_are_suggested_too() {
    let text = patch("SineOscillator", "").replace("mix.out -> out.left", "osc.out -> mixer.in/0");
    let error = first_error(&text);
    assert!(error.contains("did you mean `mix`?"), "{error}");
}

#[test]
fn a_parameter_beside_module_says_it_belongs_under_params() {
    // Before or after `module:`, the hint is at the parameter's key.
    for extra in [
        "    frequency: 440\n",
        "    frequency: 440\n    params: {}\n",
    ] {
        let error = first_error(&patch("SineOscillator", extra));
        assert!(
            error.contains(
                "`frequency` is a parameter of SineOscillator: it belongs under `params:`"
            ),
            "{error}"
        );
        assert!(error.starts_with("6:5:"), "at the key: {error}");
    }
    let text = patch("SineOscillator", "").replace(
        "  osc:\n    module: SineOscillator\n",
        "  osc:\n    frequency: 440\n    module: SineOscillator\n",
    );
    let error = first_error(&text);
    assert!(error.contains("belongs under `params:`"), "{error}");
    assert!(error.starts_with("5:5:"), "{error}");
    // A field that is neither a node field nor a parameter stays an unknown field.
    let error = first_error(&patch("SineOscillator", "    colour: red\n"));
    assert!(
        error.contains("unknown field `colour` in node `osc`; expected one of module, params"),
        "{error}"
    );
}

#[test]
fn a_node_field_under_params_says_where_it_belongs() {
    let text = patch("StepSequencer", "    params:\n      length: 8\n");
    let error = first_error(&text);
    assert!(
        error.contains("`length` belongs on the node, not under `params`"),
        "{error}"
    );
    assert!(
        error.starts_with("7:7:"),
        "at the parameter's name: {error}"
    );
}
