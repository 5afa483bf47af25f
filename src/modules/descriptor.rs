//! Descriptors: what a module type declares about itself (ports, parameters, shape).
//!
//! Everything the DSL validates, the planner checks and the UI shows comes from these.

use std::fmt;

/// The largest number of frames a module is asked to process in one call.
pub const MAX_BLOCK: usize = 512;

/// Frames per block of an offline render when nothing else is asked for: the largest, since
/// offline has no latency to keep short and output does not depend on the block size, so
/// every per-block cost is paid as rarely as it can be.
pub const OFFLINE_BLOCK: usize = MAX_BLOCK;

/// The shape of a node: the sizes that fix its ports and capacity.
///
/// A node whose shape changes is rebuilt; the DSL writes it as `channels`, `length` and
/// `voices`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Shape {
    /// Number of channels (for example the inputs of `Sum`).
    pub channels: usize,
    /// Capacity (for example the steps of `StepSequencer`).
    pub length: usize,
    /// Number of lanes (voices) on every port of the node; every module type has lanes.
    pub voices: usize,
}

/// Default `channels` when a node does not give one.
pub const DEFAULT_CHANNELS: usize = 2;
/// Default `length` when a node does not give one.
pub const DEFAULT_LENGTH: usize = 16;
/// Largest accepted `channels`.
pub const MAX_CHANNELS: usize = 128;
/// Largest accepted `length`.
pub const MAX_LENGTH: usize = 1024;
/// Largest accepted `voices`: the number of lanes a port can carry.
pub const MAX_VOICES: usize = 64;

impl Default for Shape {
    fn default() -> Self {
        Shape {
            channels: DEFAULT_CHANNELS,
            length: DEFAULT_LENGTH,
            voices: 1,
        }
    }
}

/// Which shape fields a module type uses. Unused fields are ignored for identity; `voices`
/// is used by every module type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ShapeUse {
    /// The module is sized by `channels`.
    pub channels: bool,
    /// The module is sized by `length`.
    pub length: bool,
}

impl ShapeUse {
    /// The shape with unused fields set to their defaults, so that they never affect identity.
    pub fn normalise(self, shape: Shape) -> Shape {
        Shape {
            channels: if self.channels {
                shape.channels
            } else {
                DEFAULT_CHANNELS
            },
            length: if self.length {
                shape.length
            } else {
                DEFAULT_LENGTH
            },
            voices: shape.voices,
        }
    }
}

/// What a port carries, so that meters, the inspector and docs show it on the right scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PortKind {
    /// An audio signal, nominally in [-1, 1]: shown in dB with a clip mark.
    #[default]
    Audio,
    /// A control voltage (modulation, levels, envelopes): shown as a bipolar value.
    Cv,
    /// A pitch in V/oct (0 V = C2): shown in volts and as a note.
    Pitch,
    /// A gate, trigger or clock (0 or 1): shown as on or off.
    Gate,
}

impl PortKind {
    /// The kind's name in docs (`audio`, `cv`, `pitch`, `gate`).
    pub fn label(self) -> &'static str {
        match self {
            PortKind::Audio => "audio",
            PortKind::Cv => "cv",
            PortKind::Pitch => "pitch",
            PortKind::Gate => "gate",
        }
    }
}

/// One input or output port. Indexed ports share a name (`in/0`, `in/1`, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct PortDescriptor {
    /// Port name without index, for example `in`.
    pub name: &'static str,
    /// Index among the ports with this name; `in` is the same as `in/0`.
    pub index: usize,
    /// One-line description.
    pub doc: &'static str,
    /// Written with its index (`in/0`) in patches and docs.
    pub indexed: bool,
    /// What the port carries.
    pub kind: PortKind,
    /// Whether a poly node reads a mono source on this input as it is, one value per frame
    /// for every lane, instead of a copy broadcast into every lane (the module then checks
    /// [`super::ProcessIo::input_lanes`]). As VCV Rack's polyphonic inputs read a mono cable.
    pub shared: bool,
    /// Whether the module adds this input, as it is, to its other summed inputs and reads it
    /// for nothing else (`Sum`). The engine may then feed every cable into the node's summed
    /// inputs into the first of them, in input order, where that makes the same additions in
    /// the same order (the same bits): a mix that adds each voice as soon as it is made
    /// rather than keeping every voice until the sum runs.
    pub summed: bool,
}

impl PortDescriptor {
    /// A lone audio port (index 0, written without index); see [`PortDescriptor::kind`].
    pub const fn new(name: &'static str, doc: &'static str) -> Self {
        PortDescriptor {
            name,
            index: 0,
            doc,
            indexed: false,
            kind: PortKind::Audio,
            shared: false,
            summed: false,
        }
    }

    /// One of a family of indexed audio ports (`in/0`, `in/1`, ...).
    pub const fn indexed(name: &'static str, index: usize, doc: &'static str) -> Self {
        PortDescriptor {
            name,
            index,
            doc,
            indexed: true,
            kind: PortKind::Audio,
            shared: false,
            summed: false,
        }
    }

    /// The same port carrying `kind` (builder style).
    pub const fn kind(mut self, kind: PortKind) -> Self {
        self.kind = kind;
        self
    }

    /// The same port, read as one lane for every lane when its source is mono (see
    /// [`PortDescriptor::shared`]).
    pub const fn shared(mut self) -> Self {
        self.shared = true;
        self
    }

    /// The same port, added as it is to the module's other summed inputs (see
    /// [`PortDescriptor::summed`]).
    pub const fn summed(mut self) -> Self {
        self.summed = true;
        self
    }

    /// The port as written in a patch: `name` for a lone port, `name/index` for indexed ones.
    pub fn label(&self) -> String {
        if self.indexed {
            format!("{}/{}", self.name, self.index)
        } else {
            self.name.to_string()
        }
    }
}

/// A parameter value as written in a patch and as handed to a module.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    /// A float (integers are accepted where a float is expected).
    Float(f64),
    /// A whole number.
    Int(i64),
    /// A boolean.
    Bool(bool),
    /// A string: the value of an enum parameter.
    Enum(String),
    /// A sequence of strings.
    Array(Vec<String>),
}

impl ParamValue {
    /// A short name for the value's type, for error messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            ParamValue::Float(_) => "a float",
            ParamValue::Int(_) => "an integer",
            ParamValue::Bool(_) => "a boolean",
            ParamValue::Enum(_) => "a string",
            ParamValue::Array(_) => "a list",
        }
    }

    /// The value as f64 if it is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            ParamValue::Float(v) => Some(*v),
            ParamValue::Int(v) => Some(*v as f64),
            _ => None,
        }
    }
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Float(v) => write!(f, "{v}"),
            ParamValue::Int(v) => write!(f, "{v}"),
            ParamValue::Bool(v) => write!(f, "{v}"),
            ParamValue::Enum(v) => write!(f, "{v}"),
            ParamValue::Array(items) => write!(f, "[{}]", items.join(", ")),
        }
    }
}

/// Checks one element of an array parameter; the error says what was expected.
pub type ElementCheck = fn(&str) -> Result<(), String>;

/// The type, range and default of a parameter.
#[derive(Debug, Clone)]
pub enum ParamKind {
    /// A float in `min..=max`.
    Float {
        /// Smallest accepted value.
        min: f64,
        /// Largest accepted value.
        max: f64,
        /// Value when the patch does not set it.
        default: f64,
        /// Unit shown in docs (`Hz`, `s`, ...), empty when none.
        unit: &'static str,
    },
    /// A whole number in `min..=max`.
    Int {
        /// Smallest accepted value.
        min: i64,
        /// Largest accepted value.
        max: i64,
        /// Value when the patch does not set it.
        default: i64,
    },
    /// A boolean.
    Bool {
        /// Value when the patch does not set it.
        default: bool,
    },
    /// One of a fixed list of strings.
    Enum {
        /// Accepted values.
        variants: &'static [&'static str],
        /// Value when the patch does not set it.
        default: &'static str,
    },
    /// A list of strings, at most `max_len` long, each accepted by `check`.
    Array {
        /// Largest accepted length (usually the node's `length`).
        max_len: usize,
        /// Checks one element.
        check: ElementCheck,
    },
}

/// One parameter of a module type.
#[derive(Debug, Clone)]
pub struct ParamDescriptor {
    /// Name as written in the patch.
    pub name: &'static str,
    /// Type, range and default.
    pub kind: ParamKind,
    /// One-line description.
    pub doc: &'static str,
}

impl ParamDescriptor {
    /// The value a parameter takes when the patch does not set it.
    pub fn default_value(&self) -> ParamValue {
        match &self.kind {
            ParamKind::Float { default, .. } => ParamValue::Float(*default),
            ParamKind::Int { default, .. } => ParamValue::Int(*default),
            ParamKind::Bool { default } => ParamValue::Bool(*default),
            ParamKind::Enum { default, .. } => ParamValue::Enum(default.to_string()),
            ParamKind::Array { .. } => ParamValue::Array(Vec::new()),
        }
    }

    /// A short human description of type and range, for docs and errors.
    pub fn range_text(&self) -> String {
        match &self.kind {
            ParamKind::Float { min, max, unit, .. } => {
                let unit = if unit.is_empty() {
                    String::new()
                } else {
                    format!(" {unit}")
                };
                format!("float {min}..{max}{unit}")
            }
            ParamKind::Int { min, max, .. } => format!("int {min}..{max}"),
            ParamKind::Bool { .. } => "bool".to_string(),
            ParamKind::Enum { variants, .. } => format!("one of {}", variants.join(", ")),
            ParamKind::Array { max_len, .. } => format!("list of at most {max_len} strings"),
        }
    }

    /// Checks `value` against this parameter and returns it in canonical form
    /// (integers become floats for float parameters).
    pub fn accept(&self, value: &ParamValue) -> Result<ParamValue, ParamError> {
        match (&self.kind, value) {
            (ParamKind::Float { min, max, .. }, ParamValue::Float(_) | ParamValue::Int(_)) => {
                let v = value.as_f64().unwrap_or_default();
                if !v.is_finite() || v < *min || v > *max {
                    return Err(ParamError::OutOfRange(format!(
                        "{v} is out of range for `{}` (expected {})",
                        self.name,
                        self.range_text()
                    )));
                }
                Ok(ParamValue::Float(v))
            }
            (ParamKind::Int { min, max, .. }, ParamValue::Int(v)) => {
                if v < min || v > max {
                    return Err(ParamError::OutOfRange(format!(
                        "{v} is out of range for `{}` (expected {})",
                        self.name,
                        self.range_text()
                    )));
                }
                Ok(value.clone())
            }
            (ParamKind::Bool { .. }, ParamValue::Bool(_)) => Ok(value.clone()),
            (ParamKind::Enum { variants, .. }, ParamValue::Enum(s)) => {
                if variants.contains(&s.as_str()) {
                    Ok(value.clone())
                } else {
                    Err(ParamError::OutOfRange(format!(
                        "`{s}` is not a value of `{}` (expected {})",
                        self.name,
                        self.range_text()
                    )))
                }
            }
            (ParamKind::Array { max_len, check }, ParamValue::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    check(item).map_err(|msg| ParamError::BadElement(i, msg))?;
                }
                if items.len() > *max_len {
                    return Err(ParamError::TooLong(format!(
                        "`{}` has {} entries but the node's length is {max_len}",
                        self.name,
                        items.len()
                    )));
                }
                Ok(value.clone())
            }
            _ => Err(ParamError::WrongType(format!(
                "`{}` expects {}, found {}",
                self.name,
                self.range_text(),
                value.type_name()
            ))),
        }
    }
}

/// Why a parameter value was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamError {
    /// The value has the wrong type.
    WrongType(String),
    /// The value is outside the parameter's range.
    OutOfRange(String),
    /// Element `.0` of an array is invalid.
    BadElement(usize, String),
    /// The array is longer than allowed.
    TooLong(String),
}

impl ParamError {
    /// The message, without position.
    pub fn message(&self) -> &str {
        match self {
            ParamError::WrongType(m)
            | ParamError::OutOfRange(m)
            | ParamError::BadElement(_, m)
            | ParamError::TooLong(m) => m,
        }
    }
}

/// Everything a module type declares for one shape.
#[derive(Debug, Clone)]
pub struct ModuleDescriptor {
    /// Type name as written in the patch (`SineOscillator`).
    pub name: &'static str,
    /// One-line description.
    pub doc: &'static str,
    /// Input ports in index order.
    pub inputs: Vec<PortDescriptor>,
    /// Output ports in index order.
    pub outputs: Vec<PortDescriptor>,
    /// Parameters in declaration order.
    pub params: Vec<ParamDescriptor>,
    /// Which shape fields size this module.
    pub shape_use: ShapeUse,
    /// The (normalised) shape this descriptor was made for.
    pub shape: Shape,
}

impl ModuleDescriptor {
    /// Position of the input `name/index`.
    pub fn input_index(&self, name: &str, index: usize) -> Option<usize> {
        find_port(&self.inputs, name, index)
    }

    /// Position of the output `name/index`.
    pub fn output_index(&self, name: &str, index: usize) -> Option<usize> {
        find_port(&self.outputs, name, index)
    }

    /// Position of the parameter `name`.
    pub fn param_index(&self, name: &str) -> Option<usize> {
        self.params.iter().position(|p| p.name == name)
    }

    /// Labels of the inputs as written in patches (`in/0`, `left`, ...).
    pub fn input_labels(&self) -> Vec<String> {
        port_labels(&self.inputs)
    }

    /// Labels of the outputs as written in patches.
    pub fn output_labels(&self) -> Vec<String> {
        port_labels(&self.outputs)
    }
}

fn find_port(ports: &[PortDescriptor], name: &str, index: usize) -> Option<usize> {
    ports
        .iter()
        .position(|p| p.name == name && p.index == index)
}

fn port_labels(ports: &[PortDescriptor]) -> Vec<String> {
    ports.iter().map(PortDescriptor::label).collect()
}
