//! Meter ballistics on the control side: drains the observation ring into per-node and
//! master peak/RMS levels a meter can draw, plus a scope of the latest output samples.
//!
//! Peak: instant attack, then a fall of 60 dB over about 300 ms (`PEAK_DECAY`). RMS: the mean
//! square smoothed with a ~50 ms time constant (`RMS_WINDOW`). Levels are linear amplitudes;
//! `to_db` converts them for display.

use crate::engine::core::observe::{NodeLevel, ObservationReceiver};
use std::collections::{HashMap, HashSet, VecDeque};

/// Time for a held peak to fall by 60 dB, in seconds.
pub const PEAK_DECAY: f32 = 0.3;
/// Time constant of the RMS smoothing, in seconds.
pub const RMS_WINDOW: f32 = 0.05;

/// One meter's state.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Level {
    /// Peak with fast attack and ~300 ms decay (linear).
    pub peak: f32,
    /// Smoothed RMS (linear).
    pub rms: f32,
    /// Whether the signal clipped since the meter was last reset: a node's output went past
    /// full scale, or the master output hit it (the output guard clamps there).
    pub clipped: bool,
}

impl Level {
    /// Feeds one block of `seconds` with its peak and RMS; a peak of `clip_at` or more
    /// marks a clip.
    fn feed(&mut self, peak: f32, rms: f32, seconds: f32, clip_at: f32) {
        let fall = 10f32.powf(-3.0 * seconds / PEAK_DECAY);
        self.peak = peak.max(self.peak * fall);
        let k = 1.0 - (-seconds / RMS_WINDOW).exp();
        let mean_square = self.rms * self.rms;
        self.rms = (mean_square + k * (rms * rms - mean_square))
            .max(0.0)
            .sqrt();
        self.clipped |= peak >= clip_at;
    }
}

/// A node output clips when it goes past full scale (full-scale pulses and envelopes do not).
const NODE_CLIP: f32 = 1.0 + f32::EPSILON;
/// The guarded master output clips when it reaches full scale.
const MASTER_CLIP: f32 = 1.0;

/// Converts a linear level to dBFS (-inf for 0).
pub fn to_db(level: f32) -> f32 {
    20.0 * level.max(1e-12).log10()
}

/// Meters for every node of the running patch and the master output.
pub struct Meters {
    sample_rate: f32,
    plans: HashMap<u64, Vec<String>>,
    nodes: HashMap<String, Level>,
    master: [Level; 2],
    scope: VecDeque<[f32; 2]>,
    scope_len: usize,
}

impl Meters {
    /// Meters for a stream at `sample_rate` Hz, keeping the last `scope_len` output frames.
    pub fn new(sample_rate: f32, scope_len: usize) -> Self {
        Meters {
            sample_rate,
            plans: HashMap::new(),
            nodes: HashMap::new(),
            master: [Level::default(); 2],
            scope: VecDeque::with_capacity(scope_len),
            scope_len,
        }
    }

    /// Names the nodes of plan `plan_id` (in graph order) so its levels can be attributed.
    /// Plans older than the newest few are forgotten.
    pub fn register_plan(&mut self, plan_id: u64, names: Vec<String>) {
        let current: HashSet<&str> = names.iter().map(String::as_str).collect();
        self.nodes.retain(|name, _| current.contains(name.as_str()));
        self.plans.insert(plan_id, names);
        self.plans.retain(|&id, _| id + 8 > plan_id);
    }

    /// The name of node `node` of plan `plan_id`, while that plan is remembered.
    pub fn node_name(&self, plan_id: u64, node: u32) -> Option<&str> {
        self.plans
            .get(&plan_id)?
            .get(node as usize)
            .map(String::as_str)
    }

    /// Drains the rings. Call it a few dozen times a second.
    pub fn poll(&mut self, rx: &mut ObservationReceiver) {
        while let Ok(NodeLevel {
            plan_id,
            node,
            frames,
            peak,
            rms,
        }) = rx.levels.pop()
        {
            let seconds = frames as f32 / self.sample_rate;
            let Some(name) = self.plans.get(&plan_id).and_then(|n| n.get(node as usize)) else {
                continue;
            };
            if let Some(level) = self.nodes.get_mut(name) {
                level.feed(peak, rms, seconds, NODE_CLIP);
            } else {
                let mut level = Level::default();
                level.feed(peak, rms, seconds, NODE_CLIP);
                self.nodes.insert(name.clone(), level);
            }
        }
        let available = rx.samples.slots();
        if available == 0 {
            return;
        }
        let seconds = available as f32 / self.sample_rate;
        let (mut peak, mut sum) = ([0.0f32; 2], [0.0f32; 2]);
        while let Ok(frame) = rx.samples.pop() {
            for c in 0..2 {
                peak[c] = peak[c].max(frame[c].abs());
                sum[c] += frame[c] * frame[c];
            }
            if self.scope.len() == self.scope_len {
                self.scope.pop_front();
            }
            self.scope.push_back(frame);
        }
        for c in 0..2 {
            let rms = (sum[c] / available as f32).sqrt();
            self.master[c].feed(peak[c], rms, seconds, MASTER_CLIP);
        }
    }

    /// The level of node `name`, if it has been metered.
    pub fn node(&self, name: &str) -> Option<Level> {
        self.nodes.get(name).copied()
    }

    /// Master left and right.
    pub fn master(&self) -> [Level; 2] {
        self.master
    }

    /// The latest output frames, oldest first.
    pub fn scope(&self) -> impl Iterator<Item = [f32; 2]> + '_ {
        self.scope.iter().copied()
    }

    /// Clears every clip mark.
    pub fn reset_clips(&mut self) {
        for level in self.nodes.values_mut().chain(self.master.iter_mut()) {
            level.clipped = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peak_attacks_at_once_and_falls_60_db_in_300_ms() {
        let mut level = Level::default();
        level.feed(1.0, 0.7, 0.001, NODE_CLIP);
        assert_eq!(level.peak, 1.0);
        assert!(!level.clipped, "a full-scale node output is not a clip");
        for _ in 0..300 {
            level.feed(0.0, 0.0, 0.001, NODE_CLIP);
        }
        assert!(
            (to_db(level.peak) + 60.0).abs() < 0.5,
            "{}",
            to_db(level.peak)
        );
    }

    #[test]
    fn rms_settles_with_a_50_ms_time_constant() {
        let mut level = Level::default();
        for _ in 0..50 {
            level.feed(0.5, 0.5, 0.001, NODE_CLIP);
        }
        let expected = (0.25f32 * (1.0 - (-1.0f32).exp())).sqrt();
        assert!(
            (level.rms - expected).abs() < 0.01,
            "{} vs {expected}",
            level.rms
        );
        for _ in 0..500 {
            level.feed(0.5, 0.5, 0.001, NODE_CLIP);
        }
        assert!((level.rms - 0.5).abs() < 1e-3);
    }
}
