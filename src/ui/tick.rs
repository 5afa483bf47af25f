//! Time in the app: queued commits, meters and their peak-hold ticks, auto-commit, recovery
//! writes, notices that expire, and when the loop must wake next.

use super::app::{App, Hold, NoticeKind};
use crate::engine::to_db;
use std::time::{Duration, Instant};

/// Interval between meter frames while sound plays (about 30 frames per second).
pub const METER_FRAME: Duration = Duration::from_millis(33);
/// Longest sleep when nothing is due (file events and device errors are looked at then).
pub const IDLE: Duration = Duration::from_millis(250);
/// How long a peak-hold tick stays before it falls to the current peak.
pub const HOLD_TIME: Duration = Duration::from_millis(1500);

impl App {
    /// Does what is due at `now`; whether the screen must be redrawn.
    pub fn tick(&mut self, now: Instant) -> bool {
        let mut redraw = false;
        let tick = self.sound.tick();
        if let Some(summary) = tick.sent {
            self.adopt(summary, now);
            redraw = true;
        }
        for error in tick.errors {
            self.notify(NoticeKind::Error, format!("audio device: {error}"), None);
            redraw = true;
        }
        if let Some((node, count)) = tick.resets.last() {
            let text = format!("reset {node}: its output went NaN or infinite ({count}x)");
            self.notify(NoticeKind::Warning, text, Some(now));
            redraw = true;
        }
        if let Some(activity) = self.sound.midi_activity() {
            if activity.messages != self.midi_seen {
                self.midi_seen = activity.messages;
                redraw = true;
            }
        }
        redraw |= self.learn_tick(now);
        if tick.observed {
            self.update_holds(now);
            let signature = self.meter_signature();
            if signature != self.meter_signature {
                self.meter_signature = signature;
                redraw = true;
            }
        }
        if self.auto_commit_at.is_some_and(|at| now >= at) {
            self.auto_commit_at = None;
            if self.parsed.is_ok() && self.is_uncommitted() {
                self.commit(now);
                redraw = true;
            }
        }
        self.write_recovery_if_due(now);
        if self
            .notice
            .as_ref()
            .is_some_and(|n| n.until.is_some_and(|until| now >= until))
        {
            self.notice = None;
            redraw = true;
        }
        redraw
    }

    /// When the loop must wake next, at the latest.
    pub fn next_wake(&self, now: Instant) -> Instant {
        let meter = if self.running.is_some() {
            METER_FRAME
        } else {
            IDLE
        };
        [
            self.auto_commit_at,
            self.recovery_due,
            self.notice.as_ref().and_then(|n| n.until),
        ]
        .into_iter()
        .flatten()
        .fold(now + meter, Instant::min)
    }

    /// Peak-hold ticks follow the peaks up at once and fall after `HOLD_TIME`.
    fn update_holds(&mut self, now: Instant) {
        let meters = self.sound.meters();
        let mut next = std::collections::HashMap::new();
        if let Some(patch) = &self.running {
            for node in &patch.valid.nodes {
                let Some(level) = meters.node(&node.name) else {
                    continue;
                };
                let hold = hold(self.holds.get(&node.name).copied(), level.peak, now);
                next.insert(node.name.clone(), hold);
            }
        }
        self.holds = next;
        let master = meters.master();
        for (held, level) in self.master_holds.iter_mut().zip(master) {
            *held = Some(hold(*held, level.peak, now));
        }
    }

    /// A cheap fingerprint of what the meters would draw: levels in half-dB steps and the
    /// scope's latest frames.
    fn meter_signature(&self) -> u64 {
        let meters = self.sound.meters();
        let step = |level: f32| (to_db(level).max(-90.0) * 2.0) as i64 as u64;
        let mut signature: u64 = 0;
        let mut mix = |value: u64| {
            signature = signature.rotate_left(7) ^ value.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        };
        for level in meters.master() {
            mix(step(level.peak));
            mix(step(level.rms));
        }
        if let Some(patch) = &self.running {
            // In node order: the holds' map is rebuilt every frame and its iteration order
            // changes with it, which would change the signature of an unchanged screen.
            for node in &patch.valid.nodes {
                if let Some(level) = meters.node(&node.name) {
                    mix(step(level.peak));
                    mix(step(level.rms));
                }
                if let Some(hold) = self.holds.get(&node.name) {
                    mix(step(hold.level));
                }
            }
        }
        for frame in meters.scope().step_by(64) {
            mix((frame[0] * 64.0) as i64 as u64);
        }
        signature
    }
}

/// A hold after a new `peak`.
fn hold(previous: Option<Hold>, peak: f32, now: Instant) -> Hold {
    match previous {
        Some(held) if held.level > peak && now.duration_since(held.at) < HOLD_TIME => held,
        _ => Hold {
            level: peak,
            at: now,
        },
    }
}
