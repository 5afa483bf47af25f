//! Reads the patch's optional `transport:` mapping: `bpm` (a number, 120 by default) and
//! `beats_per_bar` (a whole number, 4 by default), each checked at its position.

use super::error::DslError;
use super::fields::{describe, entries, unknown_field, Context};
use super::scalar::Resolved;
use super::yaml_tree::{Yaml, YamlValue};
use crate::engine::transport::{MAX_BEATS_PER_BAR, MAX_BPM, MIN_BPM};
use crate::engine::TransportSettings;

const FIELDS: &[&str] = &["bpm", "beats_per_bar"];

/// The settings `yaml` gives (defaults for what it leaves out); `None` after an error.
pub(crate) fn read_transport(
    yaml: &Yaml<'_>,
    errors: &mut Vec<DslError>,
) -> Option<TransportSettings> {
    let pairs = match &yaml.value {
        YamlValue::Map(pairs) => pairs,
        _ if yaml.is_null() => return Some(TransportSettings::default()),
        _ => {
            errors.push(yaml.pos.error(format!(
                "`transport` must be a mapping with `bpm` and `beats_per_bar`, found {}",
                describe(yaml)
            )));
            return None;
        }
    };
    let mut settings = TransportSettings::default();
    let before = errors.len();
    for entry in entries(pairs, Context::Transport, errors) {
        let value = match &entry.value.value {
            YamlValue::Scalar(s) => s.resolve(),
            _ => Resolved::Null,
        };
        match entry.name {
            "bpm" => match value {
                Resolved::Int(v) if (MIN_BPM..=MAX_BPM).contains(&(v as f64)) => {
                    settings.bpm = v as f64
                }
                Resolved::Float(v) if (MIN_BPM..=MAX_BPM).contains(&v) => settings.bpm = v,
                _ => errors.push(entry.value.pos.error(format!(
                    "`bpm` of the transport must be a number in {MIN_BPM}..{MAX_BPM}, found {}",
                    describe(entry.value)
                ))),
            },
            "beats_per_bar" => match value {
                Resolved::Int(v) if (1..=i64::from(MAX_BEATS_PER_BAR)).contains(&v) => {
                    settings.beats_per_bar = v as u32
                }
                _ => errors.push(entry.value.pos.error(format!(
                    "`beats_per_bar` of the transport must be a whole number in 1..{MAX_BEATS_PER_BAR}, found {}",
                    describe(entry.value)
                ))),
            },
            _ => errors.push(unknown_field(&entry, Context::Transport, FIELDS)),
        }
    }
    (errors.len() == before).then_some(settings)
}
