//! Node fades and parameter ramps: what makes a commit click-free beyond cable scales.
//!
//! A new node's outputs rise from 0 to 1 over the fade; a removed (or retyped) node stays
//! in the plan as a ghost whose outputs fall to 0 while it keeps running, and is retired by
//! a later plan once it is silent. The gain is held per module slot by the runtime, so a
//! plan that lands mid-fade carries the ramp on. Continuous outputs (audio, CV) ramp;
//! discrete ones (pitch, gate) switch at once. Float parameters of kept nodes ramp in steps
//! of `RAMP_STEP` frames. Every ramp is positioned in absolute frames, so output does not
//! depend on the block size.

use crate::modules::{ParamValue, MAX_BLOCK};

/// Frames between two values of a ramping parameter (the module is called once per step).
pub const RAMP_STEP: u64 = 4;

/// How a node's output gain changes when its plan lands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeFade {
    /// Kept: its gain carries on as it was.
    Kept,
    /// New, at full level at once (the first plan, or fades off).
    Start,
    /// New: fades in from silence.
    FadeIn,
    /// Removed or retyped: fades out, then stays silent until a plan retires it.
    FadeOut,
}

/// The output gain of one module slot: `from` moving linearly to `to` over `frames` frames
/// from absolute frame `start`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NodeGain {
    from: f32,
    to: f32,
    start: u64,
    frames: u32,
}

impl Default for NodeGain {
    fn default() -> Self {
        NodeGain {
            from: 1.0,
            to: 1.0,
            start: 0,
            frames: 0,
        }
    }
}

impl NodeGain {
    /// The gain at absolute frame `at` (reached `frames` frames after `start`; the first
    /// frame already moves, as cable scales do).
    pub fn at(&self, at: u64) -> f32 {
        let done = (at + 1).saturating_sub(self.start) as f32 / self.frames.max(1) as f32;
        if done >= 1.0 {
            self.to
        } else {
            self.from + (self.to - self.from) * done
        }
    }

    /// Whether the gain is settled at `to` from frame `at` on.
    fn settled(&self, at: u64) -> bool {
        at + 1 >= self.start + u64::from(self.frames.max(1))
    }

    /// Whether the node is silent (its fade out is over) from frame `at` on.
    pub fn silent(&self, at: u64) -> bool {
        self.to == 0.0 && self.settled(at)
    }

    /// Starts the change `fade` asks for at frame `at`, over `frames` frames.
    pub fn land(&mut self, fade: NodeFade, at: u64, frames: u32) {
        let (from, to) = match fade {
            NodeFade::Kept => return,
            NodeFade::Start => (1.0, 1.0),
            NodeFade::FadeIn => (0.0, 1.0),
            // A ghost carried into a later plan keeps falling where it was.
            NodeFade::FadeOut if self.to == 0.0 => return,
            NodeFade::FadeOut => (self.at(at.saturating_sub(1)), 0.0),
        };
        *self = NodeGain {
            from,
            to,
            start: at,
            frames,
        };
    }

    /// Moves towards `to` from frame `at` on, over `frames` frames, from where it is (a
    /// mute or unmute); nothing when it already heads there.
    pub fn head_to(&mut self, to: f32, at: u64, frames: u32) {
        if self.to == to {
            return;
        }
        *self = NodeGain {
            from: self.at(at.saturating_sub(1)),
            to,
            start: at,
            frames,
        };
    }

    /// Applies the gain to frames `offset..offset + frames` (absolute frame `at` first) of
    /// `outputs`, each with `lanes` lanes: continuous ones ramp, the others are zero or
    /// untouched as `to` says.
    ///
    /// # Safety
    /// Every output pointer must hold `(offset + frames) * lanes` floats that nothing else
    /// accesses meanwhile.
    #[inline]
    pub unsafe fn apply(
        &self,
        outputs: &[*mut f32],
        continuous: &[bool],
        lanes: usize,
        piece: (usize, usize, u64),
    ) {
        // Inlined: almost every node, almost every block, has a gain of 1 (settled, or a
        // fresh node's start from 1 to 1).
        if self.to == 1.0 && (self.from == 1.0 || self.settled(piece.2)) {
            return;
        }
        self.scale(outputs, continuous, lanes, piece);
    }

    /// `apply` for a gain that moves or stays below 1.
    ///
    /// # Safety
    /// As `apply`.
    #[inline(never)]
    unsafe fn scale(
        &self,
        outputs: &[*mut f32],
        continuous: &[bool],
        lanes: usize,
        (offset, frames, at): (usize, usize, u64),
    ) {
        debug_assert!((offset + frames) * lanes <= MAX_BLOCK * lanes);
        for (&ptr, &ramps) in outputs.iter().zip(continuous) {
            let out = std::slice::from_raw_parts_mut(ptr.add(offset * lanes), frames * lanes);
            if !ramps {
                if self.to == 0.0 {
                    out.fill(0.0);
                }
                continue;
            }
            for (f, frame) in out.chunks_exact_mut(lanes).enumerate() {
                let gain = self.at(at + f as u64);
                for x in frame {
                    *x *= gain;
                }
            }
        }
    }
}

/// A float parameter of a kept node moving from its old value to its new one over the fade.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ParamRamp {
    /// Parameter index.
    pub index: u32,
    /// Old value.
    pub from: f64,
    /// New value.
    pub to: f64,
}

impl ParamRamp {
    /// The value for the step starting `since` frames after the plan landed (a multiple of
    /// `RAMP_STEP`): the value the ramp reaches at the step's end, exactly `to` at the last.
    pub fn value(&self, since: u64, fade_frames: u32) -> ParamValue {
        let done = (since + RAMP_STEP) as f64 / f64::from(fade_frames.max(1));
        ParamValue::Float(if done >= 1.0 {
            self.to
        } else {
            self.from + (self.to - self.from) * done
        })
    }
}

/// Whether a step of the ramps starts `since` frames after landing, and how many frames
/// follow until the next one (`None` once the ramps are over).
pub fn ramp_step(since: u64, fade_frames: u32) -> Option<(bool, u64)> {
    let steps = u64::from(fade_frames.max(1)).div_ceil(RAMP_STEP);
    (since < steps * RAMP_STEP).then(|| {
        (
            since.is_multiple_of(RAMP_STEP),
            RAMP_STEP - since % RAMP_STEP,
        )
    })
}
