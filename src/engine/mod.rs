//! The engine in three rooms: the core (graph, validation, planner, plan, runtime), the
//! audio backends, and the live session. Every module is re-exported here by name.

pub mod backends;
pub mod core;
pub mod session;

pub use self::backends::{
    callback, cpal_backend, load, null_backend, offline, output, stream_errors,
};
pub use self::core::{
    control, follow, graph, observe, order, plan, planner, runtime, suggest, transport, validate,
};
pub use self::session::{link, live, meters, recorder};

pub use callback::AudioCallback;
pub use control::{CommitOutcome, Engine, EngineConfig};
pub use graph::{Cable, ModuleGraph, Node, ParamMod, PortRef, MOD_INTERVAL};
pub use load::{LoadShared, LoadStats};
pub use meters::{to_db, Level, Meters};
pub use null_backend::NullOutput;
pub use observe::{EngineCounters, NodeLevel, NodeReset, ObservationReceiver};
pub use offline::{render, render_midi_with, render_with, OfflineRenderer, StereoBuffer};
pub use output::{start_output, LiveOutput, OutputError, OutputInfo, OutputOptions};
pub use planner::{CommitSummary, Planner, PoolSizes, DEFAULT_FADE_MS};
pub use runtime::Runtime;
pub use transport::{Quantize, TransportSettings};
pub use validate::{
    validate, CableField, GraphError, Location, ValidCable, ValidGraph, ValidMod, ValidNode,
};
