//! The engine: graph, validation, planner, execution plan, runtime and backends.

pub mod graph;
pub mod suggest;
pub mod validate;

pub use graph::{Cable, ModuleGraph, Node, PortRef};
pub use validate::{validate, CableField, GraphError, Location, ValidCable, ValidGraph, ValidNode};
