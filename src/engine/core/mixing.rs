//! Mixed inputs: the sums the runtime writes before a node runs, lane-aware.
//!
//! A term whose source has the target's lanes adds lane to lane; a mono source feeds every
//! lane of a poly target; a poly source into a mono target adds the sum of its lanes. Lanes
//! are interleaved frame by frame (lane `l` of frame `f` at `f * lanes + l`).

use super::plan::{MixTerm, NO_DELAY};
use crate::modules::MAX_BLOCK;

/// The floats of buffer `unit` from frame `from` for `frames` frames of `lanes` lanes.
///
/// # Safety
/// The buffer must lie in the pool at `base` and hold `(from + frames) * lanes` floats.
unsafe fn frames_of<'a>(
    base: *mut f32,
    unit: u32,
    lanes: usize,
    from: usize,
    frames: usize,
) -> &'a [f32] {
    std::slice::from_raw_parts(
        base.add(unit as usize * MAX_BLOCK + from * lanes),
        frames * lanes,
    )
}

/// Adds (or, for the first term, writes) `src` times `scale` into `out`, where `out` has
/// `lanes` lanes and `src` has `src_lanes`.
fn add_term(out: &mut [f32], lanes: usize, src: &[f32], src_lanes: usize, scale: f32, first: bool) {
    if src_lanes == lanes {
        if first {
            for (o, &s) in out.iter_mut().zip(src) {
                *o = s * scale;
            }
        } else {
            for (o, &s) in out.iter_mut().zip(src) {
                *o += s * scale;
            }
        }
    } else if src_lanes == 1 {
        let frames = out.chunks_exact_mut(lanes).zip(src);
        if first {
            for (frame, &s) in frames {
                frame.fill(s * scale);
            }
        } else {
            for (frame, &s) in frames {
                let x = s * scale;
                for o in frame {
                    *o += x;
                }
            }
        }
    } else {
        for (o, frame) in out.iter_mut().zip(src.chunks_exact(src_lanes)) {
            let x = lane_sum(frame) * scale;
            *o = if first { x } else { *o + x };
        }
    }
}

/// The sum of one frame's lanes, in eight partial sums (so that it vectorises) added in a
/// fixed order.
fn lane_sum(frame: &[f32]) -> f32 {
    const WIDTH: usize = 8;
    let mut partial = [0.0f32; WIDTH];
    let chunks = frame.chunks_exact(WIDTH);
    let rest = chunks.remainder();
    for chunk in chunks {
        for i in 0..WIDTH {
            partial[i] += chunk[i];
        }
    }
    for (p, &x) in partial.iter_mut().zip(rest) {
        *p += x;
    }
    partial.iter().sum()
}

/// Where a plan's scale ramps stand: the absolute frame the plan landed on and the ramp
/// length, so a ramp is positioned in absolute frames whatever the block size.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fade {
    /// Absolute frame the plan landed on.
    pub landed_at: u64,
    /// Ramp length in frames.
    pub frames: u32,
    /// Absolute frame of the first frame of the block being mixed.
    pub block_start: u64,
}

impl Fade {
    /// The scale of `term` at absolute frame `at`: `from_scale` moving linearly to `scale`,
    /// reached `frames` frames after landing.
    fn scale(&self, term: &MixTerm, at: u64) -> f32 {
        let done = (at + 1).saturating_sub(self.landed_at) as f32 / self.frames as f32;
        if done >= 1.0 {
            term.scale
        } else {
            term.from_scale + (term.scale - term.from_scale) * done
        }
    }

    /// Whether `term` still ramps at absolute frame `at`.
    fn ramps(&self, term: &MixTerm, at: u64) -> bool {
        term.from_scale != term.scale && at < self.landed_at + u64::from(self.frames)
    }
}

/// Sums `terms` into `target` (with `lanes` lanes) for a whole block, or adds them to it when
/// `adds`; a changed scale ramps as `fade` says.
///
/// # Safety
/// Every buffer index must lie in the pool at `base` with room for its lanes; `target` is
/// not a source.
pub(crate) unsafe fn mix_block(
    base: *mut f32,
    target: u32,
    lanes: usize,
    terms: &[MixTerm],
    adds: bool,
    frames: usize,
    fade: Fade,
) {
    let at = fade.block_start;
    let out = std::slice::from_raw_parts_mut(base.add(target as usize * MAX_BLOCK), frames * lanes);
    if let ([a, b], false) = (terms, adds) {
        let lane_to_lane = |t: &MixTerm| t.lanes as usize == lanes && !fade.ramps(t, at);
        if lane_to_lane(a) && lane_to_lane(b) {
            // Two sources in one pass (the sum of two modulations, say): the same products
            // and sum as term by term, so the same bits, with one pass over `out` fewer.
            let (x, y) = (
                frames_of(base, a.source, lanes, 0, frames),
                frames_of(base, b.source, lanes, 0, frames),
            );
            for ((o, &x), &y) in out.iter_mut().zip(x).zip(y) {
                *o = x * a.scale + y * b.scale;
            }
            return;
        }
    }
    for (k, term) in terms.iter().enumerate() {
        let src_lanes = term.lanes as usize;
        let src = frames_of(base, term.source, src_lanes, 0, frames);
        if fade.ramps(term, at) {
            let frame_pairs = out.chunks_exact_mut(lanes).zip(src.chunks_exact(src_lanes));
            for (f, (o, s)) in frame_pairs.enumerate() {
                let scale = fade.scale(term, at + f as u64);
                add_term(o, lanes, s, src_lanes, scale, k == 0 && !adds);
            }
        } else {
            add_term(out, lanes, src, src_lanes, term.scale, k == 0 && !adds);
        }
    }
}

/// Sums `terms` into frame `i` of `target`; a feedback term reads its source one sample late
/// (from its delay slots at the first frame of a block).
///
/// # Safety
/// As `mix_block`, `i < MAX_BLOCK`, and every delay run lies in `delays`.
pub(crate) unsafe fn mix_sample(
    base: *mut f32,
    delays: &[f32],
    target: u32,
    lanes: usize,
    terms: &[MixTerm],
    i: usize,
    fade: Fade,
) {
    let at = fade.block_start + i as u64;
    let out =
        std::slice::from_raw_parts_mut(base.add(target as usize * MAX_BLOCK + i * lanes), lanes);
    for (k, term) in terms.iter().enumerate() {
        let src_lanes = term.lanes as usize;
        let src = if term.delay == NO_DELAY {
            frames_of(base, term.source, src_lanes, i, 1)
        } else if i == 0 {
            let slot = term.delay as usize;
            &delays[slot..slot + src_lanes]
        } else {
            frames_of(base, term.source, src_lanes, i - 1, 1)
        };
        add_term(out, lanes, src, src_lanes, fade.scale(term, at), k == 0);
    }
}
