//! The runtime's side of an outside clock (Ableton Link, see [`crate::engine::follow`]): the
//! transport follows the outside beat and tempo, and a tempo the patch changes is sent out.

use super::Runtime;
use crate::engine::core::follow::Mark;
use crate::engine::core::transport::TransportSettings;
use std::sync::atomic::Ordering;
use std::time::Instant;

impl Runtime {
    /// While an outside clock is followed: adopts its latest target (unless it predates the
    /// last tempo request) and publishes where this callback starts. The audio callback calls
    /// it once per callback with the instant the callback started; offline renders never do.
    pub fn begin_callback(&mut self, started: Instant) {
        if !self.follow.active() {
            return;
        }
        if let Some((serial, target)) = self.follow.target() {
            if serial != self.follow_seen && target.requests_seen >= self.tempo_requests {
                self.follow_seen = serial;
                let at = (target.frame, target.beat);
                self.clock.follow_session(target.bpm, at, self.position);
            }
        }
        let since = started.saturating_duration_since(self.follow.epoch());
        let tempo = self.clock.tempo(self.position);
        self.follow.publish_mark(Mark {
            frame: self.position,
            micros: since.as_micros() as u64,
            beat: tempo.beat,
            beats_per_bar: tempo.beats_per_bar,
        });
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
