//! What came in on the live MIDI ports: the last note, the last controller, the clock's tempo
//! and run state. Kept on the ports' threads (the control side, before a message goes onto
//! the ring), read by the screen's activity line and by MIDI learn; the audio thread never
//! touches it.

/// Clocks a tempo estimate spans: one beat at 24 per quarter note.
const CLOCKS_PER_BEAT: usize = 24;
/// How long after the last clock the tempo is still shown, in microseconds.
const CLOCK_STALE_US: u64 = 1_000_000;

/// A note that went down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoteSeen {
    /// Channel 0..=15.
    pub channel: u8,
    /// Key 0..=127.
    pub key: u8,
    /// Velocity 1..=127.
    pub velocity: u8,
}

/// A controller that moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CcSeen {
    /// Channel 0..=15.
    pub channel: u8,
    /// Controller number 0..=127.
    pub controller: u8,
    /// Value 0..=127.
    pub value: u8,
}

/// The live MIDI seen so far.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MidiActivity {
    /// Messages seen.
    pub messages: u64,
    /// Controller messages seen (MIDI learn waits for this to move).
    pub controllers: u64,
    /// The last note on.
    pub note: Option<NoteSeen>,
    /// The last controller message.
    pub cc: Option<CcSeen>,
    /// The controller message before it.
    pub previous_cc: Option<CcSeen>,
    /// Start or continue (true) or stop (false) last seen; `None` before either.
    pub running: Option<bool>,
    /// Times (microseconds) of the last clocks, oldest first, at most a beat and one.
    clocks: Vec<u64>,
    /// Time of the last message.
    last: u64,
}

impl MidiActivity {
    /// Takes in `message`, received at `stamp` microseconds (since the ports opened).
    pub fn observe(&mut self, message: &super::MidiMessage, stamp: u64) {
        use super::MidiMessage;
        self.messages += 1;
        self.last = stamp;
        match *message {
            MidiMessage::NoteOn {
                channel,
                key,
                velocity,
            } => {
                self.note = Some(NoteSeen {
                    channel,
                    key,
                    velocity,
                })
            }
            MidiMessage::ControlChange {
                channel,
                controller,
                value,
            } => {
                self.controllers += 1;
                self.previous_cc = self.cc;
                self.cc = Some(CcSeen {
                    channel,
                    controller,
                    value,
                });
            }
            MidiMessage::Clock => {
                if self.clocks.len() > CLOCKS_PER_BEAT {
                    self.clocks.remove(0);
                }
                self.clocks.push(stamp);
            }
            MidiMessage::Start | MidiMessage::Continue => self.running = Some(true),
            MidiMessage::Stop => self.running = Some(false),
            _ => {}
        }
    }

    /// The clock's tempo in BPM, averaged over the last beat of clocks (fewer at first);
    /// `None` without two clocks or when the last one is more than a second older than the
    /// last message.
    pub fn clock_bpm(&self) -> Option<f64> {
        let (&first, &last) = (self.clocks.first()?, self.clocks.last()?);
        let fresh = self.last.saturating_sub(last) <= CLOCK_STALE_US;
        let span = last.checked_sub(first).filter(|&s| s > 0 && fresh)?;
        let ticks = (self.clocks.len() - 1) as f64;
        Some(60e6 * ticks / (CLOCKS_PER_BEAT as f64 * span as f64))
    }

    /// The controller moved last, and whether it is a 14-bit pair: an LSB (32..63) right
    /// after its MSB (32 lower, same channel) gives the MSB and true. `since` is the count of
    /// controller messages before the ones looked at.
    pub fn moved_controller(&self, since: u64) -> Option<(CcSeen, bool)> {
        let last = self.cc.filter(|_| self.controllers > since)?;
        let pair = self.previous_cc.filter(|msb| {
            self.controllers > since + 1
                && (32..64).contains(&last.controller)
                && msb.controller + 32 == last.controller
                && msb.channel == last.channel
        });
        Some(match pair {
            Some(msb) => (msb, true),
            None => (last, false),
        })
    }

    /// One line for the screen: the last note, controller, clock tempo and run state, or
    /// that nothing came in yet.
    pub fn summary(&self) -> String {
        if self.messages == 0 {
            return "nothing received yet".into();
        }
        let mut parts = Vec::new();
        if let Some(n) = self.note {
            parts.push(format!(
                "note {} v{} ch{}",
                note_name(n.key),
                n.velocity,
                n.channel + 1
            ));
        }
        if let Some(c) = self.cc {
            parts.push(format!(
                "CC{}={} ch{}",
                c.controller,
                c.value,
                c.channel + 1
            ));
        }
        let run = match self.running {
            Some(true) => Some("playing"),
            Some(false) => Some("stopped"),
            None => None,
        };
        match (self.clock_bpm(), run) {
            (Some(bpm), Some(run)) => parts.push(format!("clock {bpm:.1} BPM {run}")),
            (Some(bpm), None) => parts.push(format!("clock {bpm:.1} BPM")),
            (None, Some(run)) => parts.push(format!("clock {run}")),
            (None, None) => {}
        }
        if parts.is_empty() {
            return format!("{} message(s)", self.messages);
        }
        parts.join(" · ")
    }
}

/// A key's name: 60 is C4, 69 is A4.
pub fn note_name(key: u8) -> String {
    const NAMES: [&str; 12] = [
        "C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B",
    ];
    format!(
        "{}{}",
        NAMES[usize::from(key % 12)],
        i32::from(key / 12) - 1
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::midi::MidiMessage;

    #[test]
    fn clock_at_24_ppqn_reads_as_its_tempo() {
        let mut activity = MidiActivity::default();
        // 100 BPM: a beat is 600 ms, a clock 25 ms.
        for tick in 0..48u64 {
            activity.observe(&MidiMessage::Clock, tick * 25_000);
        }
        let bpm = activity.clock_bpm().unwrap();
        assert!((bpm - 100.0).abs() < 1e-9, "{bpm}");
        activity.observe(&MidiMessage::Start, 48 * 25_000);
        assert_eq!(activity.summary(), "clock 100.0 BPM playing");
        // A second without clocks: the tempo is no longer shown.
        activity.observe(&MidiMessage::Stop, 48 * 25_000 + 1_500_000);
        assert_eq!(activity.clock_bpm(), None);
        assert_eq!(activity.summary(), "clock stopped");
    }

    #[test]
    fn notes_and_controllers_are_named() {
        assert_eq!(note_name(60), "C4");
        assert_eq!(note_name(69), "A4");
        assert_eq!(note_name(0), "C-1");
        let mut activity = MidiActivity::default();
        assert_eq!(activity.summary(), "nothing received yet");
        let on = MidiMessage::NoteOn {
            channel: 1,
            key: 69,
            velocity: 100,
        };
        let cc = MidiMessage::ControlChange {
            channel: 0,
            controller: 74,
            value: 64,
        };
        activity.observe(&on, 0);
        activity.observe(&cc, 0);
        assert_eq!(activity.summary(), "note A4 v100 ch2 · CC74=64 ch1");
        assert_eq!(activity.controllers, 1);
        assert_eq!(activity.moved_controller(1), None);
        let (moved, fine) = activity.moved_controller(0).unwrap();
        assert_eq!((moved.controller, fine), (74, false));
    }

    #[test]
    fn an_lsb_right_after_its_msb_is_a_14_bit_pair() {
        let mut activity = MidiActivity::default();
        let cc = |controller, value| MidiMessage::ControlChange {
            channel: 3,
            controller,
            value,
        };
        activity.observe(&cc(7, 64), 0);
        activity.observe(&cc(39, 5), 0);
        let (moved, fine) = activity.moved_controller(0).unwrap();
        assert_eq!((moved.controller, moved.value, fine), (7, 64, true));
        // Only the LSB is new since: not a pair.
        assert_eq!(activity.moved_controller(1).unwrap().0.controller, 39);
    }
}
