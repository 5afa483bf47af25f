//! The engine core: graph, validation, planner, execution plan, runtime and the control
//! side that feeds it. It knows neither the DSL nor any audio backend.

mod containment;
pub mod control;
pub mod fades;
pub mod follow;
mod ghosts;
pub mod graph;
mod levels;
mod midi_sync;
mod mixing;
pub mod observe;
pub mod order;
pub mod plan;
pub mod planner;
pub mod ports;
mod prefetch;
pub mod runtime;
mod scratch;
pub mod suggest;
pub mod transport;
pub mod validate;
mod validate_mods;
