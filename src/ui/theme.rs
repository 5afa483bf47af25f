//! Colour themes: UI and syntax colours, read from YAML.
//!
//! A theme file has two maps, `ui` and `syntax`, whose every entry is a colour written as
//! `"#rrggbb"`, a ratatui colour name (`red`, `light-blue`, `dark-gray`, `reset`, ...) or a
//! 256-colour palette index. The built-in themes (`themes/*.yaml`) are compiled into the binary
//! and give every colour; user themes live in `<config dir>/themes/NAME.yaml` (see
//! [`user_theme_dir`]) and give only the colours they change, over a `base` built-in (by
//! default the built-in of the same name, else `dark`). A user theme named like a built-in
//! thus tweaks it without renaming it.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use directories::ProjectDirs;
use ratatui::style::Color;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer};

/// The built-in themes: name and YAML source.
const BUILTINS: [(&str, &str); 2] = [
    ("dark", include_str!("../../themes/dark.yaml")),
    ("light", include_str!("../../themes/light.yaml")),
];

/// The names of the built-in themes, in the order of [`BUILTINS`].
const BUILTIN_NAMES: [&str; 2] = [BUILTINS[0].0, BUILTINS[1].0];

/// Declares a struct of named colours, each deserialized with [`deserialize_color`], and its
/// partial twin (every colour optional) that a user theme lays over a built-in.
macro_rules! colour_set {
    ($(#[$meta:meta])* $name:ident / $partial:ident { $($(#[$field_meta:meta])* $field:ident,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct $name {
            $(
                $(#[$field_meta])*
                #[serde(deserialize_with = "deserialize_color")]
                pub $field: Color,
            )*
        }

        /// The colours a user theme changes; the others come from its base.
        #[derive(Debug, Clone, Default, Deserialize)]
        #[serde(deny_unknown_fields)]
        struct $partial {
            $(
                #[serde(default, deserialize_with = "deserialize_some_color")]
                $field: Option<Color>,
            )*
        }

        impl $partial {
            /// `base` with the colours this sets.
            fn over(self, base: $name) -> $name {
                $name {
                    $($field: self.$field.unwrap_or(base.$field),)*
                }
            }
        }
    };
}

colour_set! {
    /// Colours of the screen's panes, badges and meters.
    UiColors / PartialUiColors {
        /// Background of every pane.
        background,
        /// Default text.
        foreground,
        /// Secondary text: hints, units, unconnected ports.
        dim,
        /// Border of an unfocused pane.
        border,
        /// Border of the focused pane.
        border_focused,
        /// Pane titles.
        title,
        /// Line numbers.
        gutter,
        /// The gutter marker on a line with an error.
        gutter_error,
        /// Error messages.
        error,
        /// Warnings and notices.
        warning,
        /// Success messages (valid buffer, commit done).
        ok,
        /// Background of the selected inspector row and of selected text.
        selection,
        /// Background of the editor's cursor line.
        cursor_line,
        /// Badge of a node the last commit kept as it was.
        badge_kept,
        /// Badge of a node the last commit changed.
        badge_changed,
        /// Badge of a node the last commit rebuilt in a new shape, keeping its state.
        badge_reshaped,
        /// Badge of a node the last commit added.
        badge_new,
        /// Badge of a node the last commit removed.
        badge_removed,
        /// A parameter value that differs from its default.
        non_default,
        /// Meter bar below -12 dBFS.
        meter_green,
        /// Meter bar from -12 to -3 dBFS.
        meter_yellow,
        /// Meter bar above -3 dBFS and the clip mark.
        meter_red,
        /// The meter's peak-hold tick.
        meter_peak,
        /// Background of the status line.
        status_background,
        /// Text of the status line.
        status_foreground,
    }
}

colour_set! {
    /// Colours of the patch YAML in the editor.
    SyntaxColors / PartialSyntaxColors {
        /// Mapping keys.
        key,
        /// Strings, quoted or plain.
        string,
        /// Integers and floats.
        number,
        /// `true`, `false` and `null`.
        boolean,
        /// Comments.
        comment,
        /// `:`, `-`, brackets, braces and commas.
        punctuation,
        /// The module type after a `module:` key.
        module,
    }
}

/// A named set of UI and syntax colours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    /// The theme's name: its file name without `.yaml`.
    pub name: String,
    /// Colours of the panes, badges and meters.
    pub ui: UiColors,
    /// Colours of the patch YAML.
    pub syntax: SyntaxColors,
}

impl Default for Theme {
    /// The built-in `dark` theme.
    fn default() -> Self {
        load_theme_from(BUILTIN_NAMES[0], None).expect("the built-in dark theme is valid")
    }
}

/// The contents of a theme file: a built-in to start from (`base`; by default the built-in
/// of the same name, else `dark`) and the colours it changes.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    #[serde(default)]
    base: Option<String>,
    #[serde(default)]
    ui: PartialUiColors,
    #[serde(default)]
    syntax: PartialSyntaxColors,
}

/// A built-in theme file: every colour given.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BuiltinFile {
    ui: UiColors,
    syntax: SyntaxColors,
}

/// The names of the themes compiled into the binary: `["dark", "light"]`.
pub fn builtin_theme_names() -> &'static [&'static str] {
    &BUILTIN_NAMES
}

/// The directory user themes are read from: `<user config dir>/themes`, or `None` when the
/// platform has no home directory.
pub fn user_theme_dir() -> Option<PathBuf> {
    ProjectDirs::from("", "", "patches-tui").map(|dirs| dirs.config_dir().join("themes"))
}

/// Loads the theme `name`, looking in [`user_theme_dir`] first, then among the built-ins.
///
/// See [`load_theme_from`] for the rules and the errors.
pub fn load_theme(name: &str) -> Result<Theme, String> {
    load_theme_from(name, user_theme_dir().as_deref())
}

/// Loads the theme `name` from `user_dir/NAME.yaml` if that file exists, otherwise the built-in
/// of that name.
///
/// A user file thus overrides a built-in of the same name. Errors: a name that is not a plain
/// file stem; an unknown name (the message lists [`available_theme_names`]); an unreadable
/// user file; a malformed theme (the message starts with `FILE:LINE:COLUMN:`).
pub fn load_theme_from(name: &str, user_dir: Option<&Path>) -> Result<Theme, String> {
    if name.is_empty() || name.starts_with('.') || name.contains(['/', '\\']) {
        return Err(format!(
            "invalid theme name {name:?}: expected a file name without `.yaml`"
        ));
    }
    if let Some(path) = user_dir.map(|dir| dir.join(format!("{name}.yaml"))) {
        if path.is_file() {
            let yaml = fs::read_to_string(&path)
                .map_err(|err| format!("{}: cannot read theme: {err}", path.display()))?;
            return parse_user_theme(name, &yaml, &path);
        }
    }
    builtin(name).ok_or_else(|| {
        format!(
            "unknown theme {name:?}; available themes: {}",
            available_theme_names(user_dir).join(", ")
        )
    })
}

/// The built-in theme `name`, if there is one.
fn builtin(name: &str) -> Option<Theme> {
    let (_, yaml) = BUILTINS.iter().find(|(builtin, _)| *builtin == name)?;
    let origin = Path::new("themes").join(format!("{name}.yaml"));
    let file: BuiltinFile = from_yaml(yaml, &origin).expect("the built-in themes are valid");
    Some(Theme {
        name: name.to_string(),
        ui: file.ui,
        syntax: file.syntax,
    })
}

/// A user theme: the colours it sets over its `base` (the built-in of its own name, else
/// `dark`).
fn parse_user_theme(name: &str, yaml: &str, origin: &Path) -> Result<Theme, String> {
    let file: ThemeFile = from_yaml(yaml, origin)?;
    let default_base = if BUILTIN_NAMES.contains(&name) {
        name
    } else {
        BUILTIN_NAMES[0]
    };
    let base_name = file.base.as_deref().unwrap_or(default_base);
    let base = builtin(base_name).ok_or_else(|| {
        format!(
            "{}: base {base_name:?} is not a built-in theme; expected one of {}",
            origin.display(),
            BUILTIN_NAMES.join(", ")
        )
    })?;
    Ok(Theme {
        name: name.to_string(),
        ui: file.ui.over(base.ui),
        syntax: file.syntax.over(base.syntax),
    })
}

/// The built-in theme names followed by the user themes found in `user_dir` (the stems of its
/// `*.yaml` files), sorted, without duplicates.
pub fn available_theme_names(user_dir: Option<&Path>) -> Vec<String> {
    let mut names: Vec<String> = BUILTIN_NAMES.iter().map(|name| name.to_string()).collect();
    let entries = user_dir.and_then(|dir| fs::read_dir(dir).ok());
    for path in entries
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
    {
        if path.extension().is_some_and(|ext| ext == "yaml") {
            if let Some(stem) = path.file_stem().and_then(|stem| stem.to_str()) {
                names.push(stem.to_string());
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

/// Deserializes `yaml`, naming `origin` and the position in errors.
fn from_yaml<T: serde::de::DeserializeOwned>(yaml: &str, origin: &Path) -> Result<T, String> {
    serde_yaml::from_str(yaml).map_err(|err| {
        let message = err.to_string();
        match err.location() {
            Some(at) => {
                let suffix = format!(" at line {} column {}", at.line(), at.column());
                let message = message.strip_suffix(&suffix).unwrap_or(&message);
                format!(
                    "{}:{}:{}: {message}",
                    origin.display(),
                    at.line(),
                    at.column()
                )
            }
            None => format!("{}: {message}", origin.display()),
        }
    })
}

/// [`deserialize_color`] for an optional colour of a user theme.
fn deserialize_some_color<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Color>, D::Error> {
    deserialize_color(deserializer).map(Some)
}

/// Deserializes a colour from `"#rrggbb"`, a ratatui colour name or a palette index.
///
/// The colour is parsed inside the visitor so that an error carries the value's position.
fn deserialize_color<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Color, D::Error> {
    deserializer.deserialize_str(ColorVisitor)
}

/// Parses a colour string for [`deserialize_color`].
struct ColorVisitor;

impl Visitor<'_> for ColorVisitor {
    type Value = Color;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("a colour: \"#rrggbb\", a colour name or a palette index")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Color, E> {
        Color::from_str(text).map_err(|_| {
            E::custom(format!(
                "invalid colour {text:?}: expected \"#rrggbb\", a colour name such as \"red\" \
                 or \"light-blue\", or a palette index 0-255"
            ))
        })
    }
}
