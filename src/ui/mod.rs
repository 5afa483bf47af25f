//! The full-screen live-coding terminal: editor, inspector, meters and their look.
//!
//! [`app::App`] is the state and its rules (no terminal: tests drive it directly),
//! [`view`] draws it (a pure function of the state), [`run`] owns the terminal and the loop.

mod actions;
pub mod app;
pub mod cable_diff;
pub mod complete;
mod completion;
mod disk;
pub mod editor;
pub mod exits;
pub mod files;
pub mod highlight;
mod input;
pub mod keys;
pub mod learn;
pub mod learn_text;
mod mouse;
pub mod recording;
pub mod recovery;
pub mod run;
pub mod theme;
mod tick;
pub mod view;
