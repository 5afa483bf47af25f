//! The reverse of "belongs on the node": a parameter written beside `module:` instead of
//! under `params:`.
//!
//! Parsing knows no registry, so the parameter names come from the standard library's
//! descriptors (built once). A module type outside it gets the plain unknown-field error.

use crate::modules::{Registry, Shape};
use std::sync::OnceLock;

/// Whether `field` is a parameter of the standard module type `module`.
pub(crate) fn is_parameter_of(module: &str, field: &str) -> bool {
    static STANDARD: OnceLock<Registry> = OnceLock::new();
    let registry = STANDARD.get_or_init(Registry::standard);
    registry.get(module).is_some_and(|t| {
        let shape = t.shape_use.normalise(Shape::default());
        t.descriptor(shape).param_index(field).is_some()
    })
}

/// The error for the parameter `field` of `module` written on node `node`'s level.
pub(crate) fn belongs_under_params(field: &str, module: &str, node: &str) -> String {
    format!(
        "`{field}` is a parameter of {module}: it belongs under `params:`, not beside `module` (node `{node}`)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn knows_the_parameters_of_standard_modules_only() {
        assert!(is_parameter_of("SineOscillator", "frequency"));
        assert!(is_parameter_of("StepSequencer", "steps"));
        assert!(!is_parameter_of("SineOscillator", "length"));
        assert!(!is_parameter_of("NoSuchModule", "frequency"));
    }
}
