//! Test helper: checks a module's named parameter and port indices against its descriptor,
//! so that reordering a descriptor without its index constants fails a test.

use super::descriptor::Shape;
use super::registry::ModuleType;

/// Asserts that parameter `index` of `module` (default shape) is named `name`, for each pair.
pub fn assert_params(module: &ModuleType, named: &[(usize, &str)]) {
    let descriptor = module.descriptor(Shape::default());
    let names: Vec<&str> = descriptor.params.iter().map(|p| p.name).collect();
    assert_named(module.name, "parameter", &names, named);
}

/// Asserts that input `index` of `module` (default shape) is labelled `name`, for each pair.
pub fn assert_inputs(module: &ModuleType, named: &[(usize, &str)]) {
    let labels = module.descriptor(Shape::default()).input_labels();
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    assert_named(module.name, "input", &labels, named);
}

/// Asserts that output `index` of `module` (default shape) is labelled `name`, for each pair.
pub fn assert_outputs(module: &ModuleType, named: &[(usize, &str)]) {
    let labels = module.descriptor(Shape::default()).output_labels();
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    assert_named(module.name, "output", &labels, named);
}

fn assert_named(module: &str, what: &str, actual: &[&str], named: &[(usize, &str)]) {
    for &(index, name) in named {
        assert_eq!(
            actual.get(index).copied(),
            Some(name),
            "{module}: {what} {index} should be `{name}`; the descriptor has {actual:?}"
        );
    }
}
