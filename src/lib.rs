//! patches-tui: a terminal live-coding environment for modular audio.
//!
//! Layering, lowest first: [`modules`] <- [`engine`] core <- [`dsl`] <- backends <- UI.

#![warn(missing_docs)]

pub mod alsa_log;
pub mod dsl;
pub mod engine;
pub mod fuzz;
pub mod midi;
pub mod modules;
pub mod reference;
pub mod ui;
pub mod watch;
pub mod wav;
