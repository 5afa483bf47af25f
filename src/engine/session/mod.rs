//! The live session that `play` and the live-coding screen share: a started output with its
//! meters.

pub mod link;
pub mod live;
pub mod meters;
pub mod mutes;
pub mod recorder;
