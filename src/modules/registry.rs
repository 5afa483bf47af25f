//! The registry of module types: how the planner, the DSL and the docs find them by name.

use super::descriptor::{
    ModuleDescriptor, ParamDescriptor, ParamValue, PortDescriptor, Shape, ShapeUse,
};
use super::module::{Module, ModuleHarness};

/// The ports and parameters of a module type for one shape.
pub struct Layout {
    /// Input ports in index order.
    pub inputs: Vec<PortDescriptor>,
    /// Output ports in index order.
    pub outputs: Vec<PortDescriptor>,
    /// Parameters in declaration order.
    pub params: Vec<ParamDescriptor>,
}

/// Builds the layout of a module type for one (normalised) shape.
pub type DescribeFn = fn(Shape) -> Layout;
/// Creates a fresh instance of a module type (on the control thread).
pub type CreateFn = fn(Shape, f32) -> Box<dyn Module>;

/// One module type: its name, what it declares and how to make an instance.
#[derive(Clone)]
pub struct ModuleType {
    /// Type name as written in patches.
    pub name: &'static str,
    /// One-line description.
    pub doc: &'static str,
    /// Which shape fields size it.
    pub shape_use: ShapeUse,
    /// Ports and parameters for a shape.
    pub describe: DescribeFn,
    /// New instance for a shape and sample rate; parameters start at their defaults.
    pub create: CreateFn,
}

impl ModuleType {
    /// The descriptor for `shape` (unused shape fields are ignored).
    pub fn descriptor(&self, shape: Shape) -> ModuleDescriptor {
        let shape = self.shape_use.normalise(shape);
        let layout = (self.describe)(shape);
        ModuleDescriptor {
            name: self.name,
            doc: self.doc,
            inputs: layout.inputs,
            outputs: layout.outputs,
            params: layout.params,
            shape_use: self.shape_use,
            shape,
        }
    }

    /// A fresh instance for `shape` at `sample_rate` Hz.
    pub fn instantiate(&self, shape: Shape, sample_rate: f32) -> Box<dyn Module> {
        (self.create)(self.shape_use.normalise(shape), sample_rate)
    }
}

/// The set of module types a patch may use.
#[derive(Clone, Default)]
pub struct Registry {
    types: Vec<ModuleType>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Registry::default()
    }

    /// The seed module set (see `modules.md`).
    pub fn seed() -> Self {
        let mut registry = Registry::new();
        for t in super::seed_types() {
            registry.register(t);
        }
        registry
    }

    /// The seed set, `Spread` and the MIDI modules, then the module library: every module
    /// the binary offers.
    pub fn standard() -> Self {
        let mut registry = Registry::seed();
        for t in super::lanes_and_midi_types()
            .into_iter()
            .chain(super::library_types())
        {
            registry.register(t);
        }
        registry
    }

    /// Adds a module type; a type with the same name is replaced.
    pub fn register(&mut self, module_type: ModuleType) {
        self.types.retain(|t| t.name != module_type.name);
        self.types.push(module_type);
    }

    /// The type called `name`.
    pub fn get(&self, name: &str) -> Option<&ModuleType> {
        self.types.iter().find(|t| t.name == name)
    }

    /// Every type, in registration order.
    pub fn types(&self) -> &[ModuleType] {
        &self.types
    }

    /// A fresh instance of the type `name` in a [`ModuleHarness`], with `params` (by name)
    /// validated and applied over the defaults; for tests and tools.
    pub fn harness(
        &self,
        name: &str,
        shape: Shape,
        sample_rate: f32,
        params: &[(&str, ParamValue)],
    ) -> Result<ModuleHarness, String> {
        let module_type = self
            .get(name)
            .ok_or_else(|| format!("unknown module type `{name}`"))?;
        let descriptor = module_type.descriptor(shape);
        let mut module = module_type.instantiate(shape, sample_rate);
        for (param, value) in params {
            let index = descriptor
                .param_index(param)
                .ok_or_else(|| format!("`{name}` has no parameter `{param}`"))?;
            let value = descriptor.params[index]
                .accept(value)
                .map_err(|e| e.message().to_string())?;
            module.set_param(index, &value);
        }
        Ok(ModuleHarness::with_lanes(
            module,
            descriptor.inputs.len(),
            descriptor.outputs.len(),
            descriptor.shape.voices,
        ))
    }

    /// Every type name, in registration order.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.types.iter().map(|t| t.name)
    }
}
