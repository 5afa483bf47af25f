//! Patches shared by the benchmarks.

pub mod generated;
#[cfg(feature = "compare")]
pub mod reference;
pub mod voices;
