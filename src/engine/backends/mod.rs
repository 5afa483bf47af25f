//! The audio backends that drive the core: the shared callback, cpal, the null backend,
//! offline rendering, DSP load and stream errors.

pub mod callback;
pub mod cpal_backend;
pub mod load;
pub mod null_backend;
pub mod offline;
pub mod output;
pub mod stream_errors;
