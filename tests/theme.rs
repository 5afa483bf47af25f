//! Theme loading: built-ins, user themes, errors.

use patches_tui::ui::theme::{
    available_theme_names, builtin_theme_names, load_theme, load_theme_from, Theme,
};
use ratatui::style::Color;
use std::fs;
use std::path::{Path, PathBuf};

/// A fresh, empty directory for user themes, removed on drop (also when the test fails).
struct TempDir(tempfile::TempDir);

impl TempDir {
    fn new(tag: &str) -> Self {
        let dir = tempfile::Builder::new()
            .prefix(&format!("patches-tui-themes-{tag}-"))
            .tempdir()
            .unwrap();
        Self(dir)
    }

    /// The directory.
    fn path(&self) -> &Path {
        self.0.path()
    }

    /// Writes `NAME.yaml` with `yaml`.
    fn write(&self, name: &str, yaml: &str) -> PathBuf {
        let path = self.path().join(format!("{name}.yaml"));
        fs::write(&path, yaml).unwrap();
        path
    }
}

/// The built-in dark theme's YAML with `from` replaced by `to`.
fn dark_yaml_with(from: &str, to: &str) -> String {
    let yaml = include_str!("../themes/dark.yaml");
    assert!(yaml.contains(from), "{from:?} not in dark.yaml");
    yaml.replacen(from, to, 1)
}

#[test]
fn builtin_theme_names_are_dark_and_light() {
    assert_eq!(builtin_theme_names(), ["dark", "light"]);
}

#[test]
fn builtin_themes_parse_and_differ() {
    let dark = load_theme_from("dark", None).unwrap();
    let light = load_theme_from("light", None).unwrap();
    assert_eq!(dark.name, "dark");
    assert_eq!(light.name, "light");
    assert_ne!(dark.ui, light.ui);
    assert_ne!(dark.syntax, light.syntax);
    assert_ne!(dark.ui.background, light.ui.background);
    assert_eq!(Theme::default(), dark);
}

#[test]
fn builtin_syntax_colours_are_distinct() {
    for name in builtin_theme_names() {
        let s = load_theme_from(name, None).unwrap().syntax;
        let colours = [s.key, s.string, s.number, s.boolean, s.comment, s.module];
        for (i, a) in colours.iter().enumerate() {
            for b in &colours[i + 1..] {
                assert_ne!(a, b, "{name}: two syntax roles share {a:?}");
            }
        }
    }
}

#[test]
fn load_theme_finds_builtins_without_user_file() {
    // The user's config directory has no `light.yaml` in a clean environment; either way the
    // name must resolve.
    assert_eq!(load_theme("light").unwrap().name, "light");
}

#[test]
fn unknown_theme_lists_available_names() {
    let dir = TempDir::new("unknown");
    dir.write("mine", include_str!("../themes/light.yaml"));
    fs::write(dir.path().join("notes.txt"), "not a theme").unwrap();
    let err = load_theme_from("nope", Some(dir.path())).unwrap_err();
    assert!(err.contains("\"nope\""), "{err}");
    assert!(err.contains("dark, light, mine"), "{err}");
    assert_eq!(
        available_theme_names(Some(dir.path())),
        ["dark", "light", "mine"]
    );
    assert_eq!(available_theme_names(None), ["dark", "light"]);
}

#[test]
fn user_theme_loads_from_config_dir() {
    let dir = TempDir::new("user");
    let yaml = dark_yaml_with("key: \"#83a598\"", "key: light-blue").replacen(
        "background: \"#282828\"",
        "background: \"#102030\"",
        1,
    );
    dir.write("stage", &yaml);
    let theme = load_theme_from("stage", Some(dir.path())).unwrap();
    assert_eq!(theme.name, "stage");
    assert_eq!(theme.syntax.key, Color::LightBlue);
    assert_eq!(theme.ui.background, Color::Rgb(0x10, 0x20, 0x30));
}

#[test]
fn user_theme_overrides_builtin_of_same_name() {
    let dir = TempDir::new("override");
    dir.write("dark", include_str!("../themes/light.yaml"));
    let theme = load_theme_from("dark", Some(dir.path())).unwrap();
    assert_eq!(theme.name, "dark");
    assert_eq!(theme.ui, load_theme_from("light", None).unwrap().ui);
}

#[test]
fn malformed_colour_errors_with_position() {
    let dir = TempDir::new("colour");
    let path = dir.write(
        "bad",
        &dark_yaml_with("dim: \"#928374\"", "dim: \"#92837\""),
    );
    let err = load_theme_from("bad", Some(dir.path())).unwrap_err();
    let line = include_str!("../themes/dark.yaml")
        .lines()
        .position(|l| l.contains("dim:"))
        .unwrap()
        + 1;
    let expected = format!("{}:{line}:", path.display());
    assert!(err.starts_with(&expected), "{err}");
    assert!(err.contains("invalid colour \"#92837\""), "{err}");
    assert!(!err.contains(" at line "), "{err}");
}

#[test]
fn unknown_field_errors_with_position() {
    let dir = TempDir::new("field");
    let path = dir.write("bad", &dark_yaml_with("  dim:", "  dimm:"));
    let err = load_theme_from("bad", Some(dir.path())).unwrap_err();
    assert!(err.starts_with(&format!("{}:", path.display())), "{err}");
    assert!(err.contains("dimm"), "{err}");
}

#[test]
fn a_user_theme_sets_only_what_it_changes_over_its_base() {
    let dir = TempDir::new("partial");
    dir.write("stage", "base: light\nui:\n  error: \"#ff0000\"\n");
    let theme = load_theme_from("stage", Some(dir.path())).unwrap();
    let light = load_theme_from("light", None).unwrap();
    assert_eq!(theme.ui.error, Color::Rgb(0xff, 0, 0));
    assert_eq!(theme.ui.background, light.ui.background);
    assert_eq!(theme.syntax, light.syntax);
    // Named like a built-in, it starts from that one; otherwise from dark.
    dir.write("dark", "syntax:\n  key: red\n");
    let dark = load_theme_from("dark", Some(dir.path())).unwrap();
    assert_eq!(dark.syntax.key, Color::Red);
    assert_eq!(dark.ui, load_theme_from("dark", None).unwrap().ui);
    dir.write("nobase", "base: neon\n");
    let err = load_theme_from("nobase", Some(dir.path())).unwrap_err();
    assert!(
        err.contains("base \"neon\" is not a built-in theme"),
        "{err}"
    );
}

#[test]
fn invalid_theme_names_are_rejected() {
    for name in ["", "../dark", "a/b", ".hidden"] {
        let err = load_theme_from(name, None).unwrap_err();
        assert!(err.contains("invalid theme name"), "{name:?}: {err}");
    }
}
