//! The runtime's side of the clocks outside it: live MIDI is placed by the time each
//! callback starts, the transport follows an outside beat and tempo (Ableton Link, see
//! [`crate::engine::follow`]), and a tempo the patch changes is sent out.

use super::Runtime;
use crate::engine::core::follow::{Mark, Target};
use crate::engine::core::transport::TransportSettings;
use crate::midi::arrival::ArrivalWindow;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// When an audio callback starts, by the backend's clock (handed in: the runtime reads no
/// clock itself).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CallbackStart {
    /// When the callback started (the clock live MIDI is stamped with).
    pub started: Instant,
    /// How long after `started` the device plays the callback's first frame.
    pub latency: Duration,
    /// Frames the callback plays.
    pub frames: usize,
}

impl Runtime {
    /// Places the live MIDI events of this callback by their arrival (see
    /// [`crate::midi::arrival`]) and, while an outside clock is followed, adopts its latest
    /// target (unless it predates the last tempo request) and publishes where this callback
    /// is heard. The audio callback calls it once per callback; offline renders never do.
    pub fn begin_callback(&mut self, start: CallbackStart) {
        if let Some(midi) = self.midi.as_mut() {
            midi.set_window(ArrivalWindow {
                frame: self.position,
                started: start.started,
                frames: start.frames as u64,
                sample_rate: self.sample_rate,
            });
        }
        if !self.follow.active() {
            self.release_follow();
            return;
        }
        if let Some((serial, target)) = self.follow.target() {
            if serial != self.follow_seen && target.requests_seen >= self.tempo_requests {
                self.follow_seen = serial;
                self.adopt_target(target);
            }
        }
        let heard = start.started + start.latency;
        let since = heard.saturating_duration_since(self.follow.epoch());
        let tempo = self.clock.tempo(self.position);
        self.follow.publish_mark(Mark {
            frame: self.position,
            micros: since.as_micros() as u64,
            beat: tempo.beat,
            beats_per_bar: tempo.beats_per_bar,
        });
    }

    /// After the outside clock is left: the transport runs on from where it is at its tempo
    /// (not held by a stopped session, not slewing), and the next outside clock is joined
    /// with a jump.
    fn release_follow(&mut self) {
        if self.follow_adopted {
            self.follow_adopted = false;
            self.follow_running = false;
            self.landing = None;
            let frame = self.position;
            let (beat, bpm) = (self.clock.beat(frame), self.clock.bpm());
            self.clock.follow(frame, beat, bpm, 1.0);
        }
    }

    /// Follows the outside clock's `target`: holds the transport while the outside one is
    /// stopped, jumps to its beat when it (re)starts, its timeline moved or it is far off,
    /// and slews a small phase error away (see [`crate::engine::transport`]). A quantised
    /// commit waiting to land is placed again: on the same beat after a slew, on the moved
    /// grid after a jump or stop.
    fn adopt_target(&mut self, target: Target) {
        let frame = self.position;
        self.follow_adopted = true;
        if !target.playing {
            if self.follow_running {
                self.follow_running = false;
                self.landing = None;
            }
            self.clock.hold(frame, target.bpm);
            return;
        }
        let waiting = self.landing.map(|at| self.clock.beat(at.max(frame)));
        let jump = !self.follow_running || target.moves != self.follow_moves;
        self.follow_running = true;
        self.follow_moves = target.moves;
        let at = (target.frame, target.beat);
        let jumped = self.clock.follow_session(target.bpm, at, frame, jump);
        self.landing = match waiting {
            Some(beat) if !jumped => Some(self.clock.frame_at_beat(beat, frame)),
            _ => None,
        };
    }

    /// Applies a commit's `transport:`. While an outside clock is followed, a tempo the patch
    /// changes is requested from it, and a tempo the patch keeps leaves the outside tempo be.
    pub(super) fn adopt_transport(&mut self, mut settings: TransportSettings) {
        let changed = self.patch_bpm != Some(settings.bpm);
        self.patch_bpm = Some(settings.bpm);
        if self.follow.active() {
            if changed {
                self.tempo_requests = self.follow.request_tempo(settings.bpm);
            } else {
                settings.bpm = self.clock.bpm();
            }
        }
        if self.counters.sync_midi.load(Ordering::Relaxed) {
            settings.bpm = self.midi_sync.patch_bpm(settings.bpm, &self.clock);
        }
        self.clock.set(settings, self.position);
    }
}
