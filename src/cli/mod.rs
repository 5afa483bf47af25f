//! Subcommands of the command line.

pub mod check;
pub mod load;
pub mod modules;
pub mod render;
