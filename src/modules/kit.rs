//! Shared pieces of the library modules: parameter and port constructors, per-lane edge
//! detection, a noise source and time-constant helpers.

use super::descriptor::{ParamDescriptor, ParamKind, ParamValue, PortDescriptor, PortKind};

/// A float parameter in `min..=max` with a unit.
pub fn float(
    name: &'static str,
    (min, max, default): (f64, f64, f64),
    unit: &'static str,
    doc: &'static str,
) -> ParamDescriptor {
    ParamDescriptor {
        name,
        kind: ParamKind::Float {
            min,
            max,
            default,
            unit,
        },
        doc,
    }
}

/// An integer parameter in `min..=max`.
pub fn int(
    name: &'static str,
    (min, max, default): (i64, i64, i64),
    doc: &'static str,
) -> ParamDescriptor {
    ParamDescriptor {
        name,
        kind: ParamKind::Int { min, max, default },
        doc,
    }
}

/// An enum parameter: one of `variants`.
pub fn choice(
    name: &'static str,
    variants: &'static [&'static str],
    default: &'static str,
    doc: &'static str,
) -> ParamDescriptor {
    ParamDescriptor {
        name,
        kind: ParamKind::Enum { variants, default },
        doc,
    }
}

/// A port of `kind`.
pub fn port(name: &'static str, kind: PortKind, doc: &'static str) -> PortDescriptor {
    PortDescriptor::new(name, doc).kind(kind)
}

/// The position of an enum value among `variants` (0 if it is not one, which validation
/// prevents).
pub fn variant(variants: &[&str], value: &ParamValue) -> usize {
    match value {
        ParamValue::Enum(s) => variants.iter().position(|v| v == s).unwrap_or(0),
        _ => 0,
    }
}

/// A number parameter's value as f32 (0 for anything else, which validation prevents).
pub fn number(value: &ParamValue) -> f32 {
    value.as_f64().unwrap_or(0.0) as f32
}

/// An integer parameter's value.
pub fn whole(value: &ParamValue) -> i64 {
    match value {
        ParamValue::Int(v) => *v,
        other => other.as_f64().unwrap_or(0.0) as i64,
    }
}

/// A rising-edge detector: the sample where a signal goes from < 0.5 to >= 0.5.
#[derive(Clone, Copy, Default)]
pub struct Edge {
    high: bool,
}

impl Edge {
    /// Whether the signal rises on the sample `x`.
    #[inline]
    pub fn rises(&mut self, x: f32) -> bool {
        let high = x >= 0.5;
        let rose = high && !self.high;
        self.high = high;
        rose
    }
}

/// Rising-edge detectors, one per lane.
pub struct Edges {
    lanes: Box<[Edge]>,
}

impl Edges {
    /// Detectors for `lanes` lanes, all low.
    pub fn new(lanes: usize) -> Self {
        Edges {
            lanes: vec![Edge::default(); lanes].into_boxed_slice(),
        }
    }

    /// Takes over the lanes `old` also has (a reshaped node keeps its edges, so that an
    /// input held high does not rise again).
    pub fn keep(&mut self, old: &Edges) {
        super::reshape::keep_lanes(&mut self.lanes, &old.lanes);
    }

    /// Whether lane `lane` rises on the sample `x`.
    #[inline]
    pub fn rises(&mut self, lane: usize, x: f32) -> bool {
        self.lanes[lane].rises(x)
    }
}

/// A xorshift32 noise source: cheap, deterministic, good enough for audio noise.
#[derive(Clone, Copy)]
pub struct Rng(u32);

impl Rng {
    /// A source seeded from `seed` (any value; 0 is remapped).
    pub fn new(seed: u32) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9) | 1)
    }

    /// A uniform value in [-1, 1).
    #[inline]
    pub fn bipolar(&mut self) -> f32 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.0 = x;
        (x >> 8) as f32 * (2.0 / 16_777_216.0) - 1.0
    }
}

/// Per-sample multiplier of an exponential decay that falls by 60 dB in `seconds`.
pub fn t60_coefficient(seconds: f32, sample_rate: f32) -> f32 {
    (-6.907_755 / (seconds * sample_rate).max(1.0)).exp()
}

/// Per-sample smoothing coefficient of a one-pole with time constant `seconds`.
pub fn one_pole_coefficient(seconds: f32, sample_rate: f32) -> f32 {
    1.0 - (-1.0 / (seconds * sample_rate).max(1e-3)).exp()
}

/// `10^(db / 20)`.
pub fn db_to_gain(db: f32) -> f32 {
    10f32.powf(db / 20.0)
}

/// Replaces NaN and infinities with 0, so that one bad input cannot poison a state.
#[inline]
pub fn finite(x: f32) -> f32 {
    if x.is_finite() {
        x
    } else {
        0.0
    }
}
