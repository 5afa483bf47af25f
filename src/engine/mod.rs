//! The engine: graph, validation, planner, execution plan, runtime and backends.

pub mod callback;
mod containment;
pub mod control;
pub mod cpal_backend;
pub mod graph;
mod levels;
pub mod live;
pub mod load;
pub mod meters;
mod mixing;
pub mod null_backend;
pub mod observe;
pub mod offline;
pub mod order;
pub mod output;
pub mod plan;
pub mod planner;
pub mod recorder;
pub mod runtime;
pub mod stream_errors;
pub mod suggest;
pub mod transport;
pub mod validate;

pub use callback::AudioCallback;
pub use control::{CommitOutcome, Engine, EngineConfig};
pub use graph::{Cable, ModuleGraph, Node, PortRef};
pub use load::{LoadShared, LoadStats};
pub use meters::{to_db, Level, Meters};
pub use null_backend::NullOutput;
pub use observe::{EngineCounters, NodeLevel, NodeReset, ObservationReceiver};
pub use offline::{render, render_midi_with, render_with, OfflineRenderer, StereoBuffer};
pub use output::{start_output, LiveOutput, OutputError, OutputInfo, OutputOptions};
pub use planner::{CommitSummary, Planner, PoolSizes};
pub use runtime::Runtime;
pub use transport::{Quantize, TransportSettings};
pub use validate::{validate, CableField, GraphError, Location, ValidCable, ValidGraph, ValidNode};
