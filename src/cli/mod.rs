//! Subcommands of the command line.

pub mod check;
pub mod devices;
pub mod fmt;
pub mod live_args;
pub mod load;
pub mod midi;
pub mod modules;
pub mod out_file;
pub mod play;
pub mod render;
pub mod tui;
pub mod verbose;
