//! `--sync midi`: the transport follows incoming MIDI clock. Start puts it on beat 0 and bar
//! 0, held until the first clock; each clock of a run is 1/24 beat further; stop holds it and
//! continue resumes it at the next clock; a song position pointer moves it (held) to its
//! sixteenth note. The tempo is the clock's, averaged over the last beat
//! of clocks (24 at 24 ppqn; fewer at first) in samples, so a steady clock gives its tempo
//! exactly. Between two clocks the transport runs at that tempo, its pace corrected so that
//! it meets the next clock's beat and never steps back.
//!
//! The runtime ends a block on every clock, start, stop and continue (see
//! [`super::runtime`]), so each lands on its own sample whatever the block size. Runs on the
//! audio thread: fixed-size state, no allocation.

use super::transport::Clock;
use crate::midi::MidiMessage;

/// MIDI clocks per beat (quarter note).
const CLOCKS_PER_BEAT: usize = 24;
/// MIDI clocks per MIDI beat (sixteenth note) of a song position pointer.
const CLOCKS_PER_SIXTEENTH: u64 = 6;

/// The state of a transport that follows MIDI clock.
#[derive(Debug, Clone)]
pub(crate) struct MidiSync {
    sample_rate: f64,
    /// Frames of the last clocks (a ring of a beat and one).
    recent: [u64; CLOCKS_PER_BEAT + 1],
    /// Clocks in `recent` (at most its length).
    seen: usize,
    /// Where the next clock goes in `recent`.
    next: usize,
    /// Between start or continue and stop.
    running: bool,
    /// Clocks of the run since start: the next clock is on beat `clocks / 24`.
    clocks: u64,
}

impl MidiSync {
    /// A follower that has seen nothing (the transport keeps its own tempo until clocks come).
    pub(crate) fn new(sample_rate: f64) -> Self {
        MidiSync {
            sample_rate,
            recent: [0; CLOCKS_PER_BEAT + 1],
            seen: 0,
            next: 0,
            running: false,
            clocks: 0,
        }
    }

    /// Whether `message` moves the transport (the runtime ends a block on it).
    pub(crate) fn moves_transport(message: &MidiMessage) -> bool {
        matches!(
            message,
            MidiMessage::Clock
                | MidiMessage::Start
                | MidiMessage::Stop
                | MidiMessage::Continue
                | MidiMessage::SongPosition { .. }
        )
    }

    /// The clock's tempo: clocks over the last beat of them, in BPM; `None` before two.
    pub(crate) fn tempo(&self) -> Option<f64> {
        if self.seen < 2 {
            return None;
        }
        let len = self.recent.len();
        let last = self.recent[(self.next + len - 1) % len];
        let first = self.recent[(self.next + len - self.seen) % len];
        let span = last.checked_sub(first).filter(|&s| s > 0)?;
        let clocks = (self.seen - 1) as f64;
        Some(60.0 * self.sample_rate * clocks / (CLOCKS_PER_BEAT as f64 * span as f64))
    }

    /// Applies `message`, landing on absolute `frame`, to `clock`.
    pub(crate) fn apply(&mut self, message: MidiMessage, frame: u64, clock: &mut Clock) {
        match message {
            MidiMessage::Start => {
                self.running = true;
                self.clocks = 0;
                clock.restart(frame);
            }
            MidiMessage::Continue => {
                self.running = true;
                clock.follow(frame, clock.beat(frame), clock.bpm(), 0.0);
            }
            MidiMessage::Stop => {
                self.running = false;
                clock.follow(frame, clock.beat(frame), clock.bpm(), 0.0);
            }
            MidiMessage::SongPosition { beats } => {
                self.clocks = u64::from(beats) * CLOCKS_PER_SIXTEENTH;
                let beat = self.clocks as f64 / CLOCKS_PER_BEAT as f64;
                clock.follow(frame, beat, clock.bpm(), 0.0);
            }
            MidiMessage::Clock => self.clock(frame, clock),
            _ => {}
        }
    }

    fn clock(&mut self, frame: u64, clock: &mut Clock) {
        self.recent[self.next] = frame;
        self.next = (self.next + 1) % self.recent.len();
        self.seen = (self.seen + 1).min(self.recent.len());
        let bpm = self.tempo().unwrap_or(clock.bpm());
        let now = clock.beat(frame);
        if !self.running {
            clock.follow(frame, now, bpm, 0.0);
            return;
        }
        let per_clock = 1.0 / CLOCKS_PER_BEAT as f64;
        let on = self.clocks as f64 * per_clock;
        self.clocks += 1;
        let beat = on.max(now);
        // Meet the next clock's beat: exactly the tempo when on time, slower when ahead.
        let pace = match self.tempo() {
            Some(_) => ((on + per_clock - beat) / per_clock).clamp(0.0, 1.0),
            None => 0.0,
        };
        clock.follow(frame, beat, bpm, pace);
    }

    /// The tempo a commit's `transport:` may set while following: the clock's once it has
    /// one, else the patch's.
    pub(crate) fn patch_bpm(&self, patch_bpm: f64, clock: &Clock) -> f64 {
        match self.tempo() {
            Some(_) => clock.bpm(),
            None => patch_bpm,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_steady_clock_gives_its_tempo_and_its_beats_exactly() {
        let mut clock = Clock::new(48000.0);
        let mut sync = MidiSync::new(48000.0);
        // 100 BPM: a clock every 1200 samples, after start at frame 500.
        sync.apply(MidiMessage::Start, 500, &mut clock);
        assert_eq!(clock.beat(900), 0.0, "held on beat 0 until the first clock");
        for k in 0..100u64 {
            sync.apply(MidiMessage::Clock, 1000 + k * 1200, &mut clock);
        }
        assert_eq!(sync.tempo(), Some(100.0));
        assert_eq!(clock.bpm(), 100.0);
        let beat = clock.beat(1000 + 100 * 1200);
        assert!((beat - 100.0 / 24.0).abs() < 1e-12, "{beat}");
        sync.apply(MidiMessage::Stop, 1000 + 100 * 1200, &mut clock);
        assert_eq!(clock.beat(1_000_000), beat, "stopped: held");
    }

    #[test]
    fn a_song_position_moves_the_transport_and_continue_runs_on_from_it() {
        let mut clock = Clock::new(48000.0);
        let mut sync = MidiSync::new(48000.0);
        sync.apply(MidiMessage::Stop, 0, &mut clock);
        // Sixteenth 34: beat 8.5.
        let spp = MidiMessage::from_bytes(&[0xf2, 34, 0]).unwrap();
        assert_eq!(spp, MidiMessage::SongPosition { beats: 34 });
        sync.apply(spp, 100, &mut clock);
        assert_eq!(clock.beat(5000), 8.5, "held on the new position");
        sync.apply(MidiMessage::Continue, 6000, &mut clock);
        for k in 0..48u64 {
            sync.apply(MidiMessage::Clock, 6000 + k * 1000, &mut clock);
        }
        let beat = clock.beat(6000 + 48 * 1000);
        assert!((beat - 10.5).abs() < 1e-9, "{beat}");
    }

    #[test]
    fn ahead_of_the_clock_it_slows_down_and_never_steps_back() {
        let mut clock = Clock::new(48000.0);
        let mut sync = MidiSync::new(48000.0);
        sync.apply(MidiMessage::Start, 0, &mut clock);
        sync.apply(MidiMessage::Clock, 0, &mut clock);
        sync.apply(MidiMessage::Clock, 1000, &mut clock);
        // The clock slows to 2000 samples: at that clock the transport is ahead.
        let before = clock.beat(3000);
        sync.apply(MidiMessage::Clock, 3000, &mut clock);
        assert!(clock.beat(3000) >= before);
        sync.apply(MidiMessage::Clock, 5000, &mut clock);
        let at = clock.beat(5000);
        assert!((3.0 / 24.0..3.0 / 24.0 + 1e-9).contains(&at), "{at}");
    }
}
