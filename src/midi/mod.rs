//! MIDI: the event type modules see, the ring that carries events to the audio thread,
//! Standard MIDI Files for offline renders and live input ports.
//!
//! Events travel as [`MidiEvent`]s stamped with the absolute sample they land on. The
//! runtime takes the events of each block off a preallocated ring into a preallocated
//! buffer, sorted by time, and a module reads the ones inside its call with
//! [`ProcessIo::events`](crate::modules::ProcessIo::events); the frame of an event within
//! the call is [`ProcessIo::event_frame`](crate::modules::ProcessIo::event_frame). Because
//! the stamp is absolute, where blocks are cut never changes where an event lands. Live
//! input travels stamped with its arrival instant instead, and the callback that takes it
//! turns that into a sample (see [`arrival`]).

pub mod activity;
pub mod arrival;
pub mod input;
pub mod smf;

use arrival::ArrivalWindow;
use rtrb::{Consumer, Producer, RingBuffer};
use std::time::Instant;

/// Events the ring to the audio thread holds; also the most one block can take.
pub const MIDI_RING: usize = 4096;

/// One MIDI message. Channels are 0..=15 (shown to people as 1..=16).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MidiMessage {
    /// A key went down (a note on with velocity 0 is read as a note off).
    NoteOn {
        /// Channel 0..=15.
        channel: u8,
        /// Key 0..=127 (60 is C4).
        key: u8,
        /// Velocity 1..=127.
        velocity: u8,
    },
    /// A key went up.
    NoteOff {
        /// Channel 0..=15.
        channel: u8,
        /// Key 0..=127.
        key: u8,
    },
    /// A controller moved.
    ControlChange {
        /// Channel 0..=15.
        channel: u8,
        /// Controller number 0..=127.
        controller: u8,
        /// Value 0..=127.
        value: u8,
    },
    /// The pitch wheel moved.
    PitchBend {
        /// Channel 0..=15.
        channel: u8,
        /// -8192..=8191, 0 in the middle.
        value: i16,
    },
    /// Channel aftertouch.
    ChannelPressure {
        /// Channel 0..=15.
        channel: u8,
        /// Pressure 0..=127.
        pressure: u8,
    },
    /// Polyphonic (per key) aftertouch.
    PolyPressure {
        /// Channel 0..=15.
        channel: u8,
        /// Key 0..=127.
        key: u8,
        /// Pressure 0..=127.
        pressure: u8,
    },
    /// Timing clock, 24 per quarter note.
    Clock,
    /// Start from the beginning.
    Start,
    /// Stop.
    Stop,
    /// Continue from where it stopped.
    Continue,
    /// Song position pointer: where the next continue starts, in MIDI beats (sixteenth
    /// notes, 6 clocks each) from the start of the song.
    SongPosition {
        /// Sixteenth notes 0..=16383.
        beats: u16,
    },
}

impl MidiMessage {
    /// Reads one complete message (status byte first); `None` for what modules do not use
    /// (system exclusive, program change, song select, ...).
    pub fn from_bytes(bytes: &[u8]) -> Option<MidiMessage> {
        let (&status, data) = bytes.split_first()?;
        let byte = |i: usize| data.get(i).map(|b| b & 0x7f);
        let channel = status & 0x0f;
        Some(match status {
            0xf8 => MidiMessage::Clock,
            0xfa => MidiMessage::Start,
            0xfb => MidiMessage::Continue,
            0xfc => MidiMessage::Stop,
            0xf2 => MidiMessage::SongPosition {
                beats: u16::from(byte(1)?) << 7 | u16::from(byte(0)?),
            },
            0xf0..=0xff => return None,
            _ => match status >> 4 {
                0x8 => MidiMessage::NoteOff {
                    channel,
                    key: byte(0)?,
                },
                0x9 => match (byte(0)?, byte(1)?) {
                    (key, 0) => MidiMessage::NoteOff { channel, key },
                    (key, velocity) => MidiMessage::NoteOn {
                        channel,
                        key,
                        velocity,
                    },
                },
                0xa => MidiMessage::PolyPressure {
                    channel,
                    key: byte(0)?,
                    pressure: byte(1)?,
                },
                0xb => MidiMessage::ControlChange {
                    channel,
                    controller: byte(0)?,
                    value: byte(1)?,
                },
                0xd => MidiMessage::ChannelPressure {
                    channel,
                    pressure: byte(0)?,
                },
                0xe => MidiMessage::PitchBend {
                    channel,
                    value: (i16::from(byte(1)?) << 7 | i16::from(byte(0)?)) - 8192,
                },
                _ => return None,
            },
        })
    }

    /// The channel of a channel message; `None` for clock and transport messages.
    pub fn channel(&self) -> Option<u8> {
        match *self {
            MidiMessage::NoteOn { channel, .. }
            | MidiMessage::NoteOff { channel, .. }
            | MidiMessage::ControlChange { channel, .. }
            | MidiMessage::PitchBend { channel, .. }
            | MidiMessage::ChannelPressure { channel, .. }
            | MidiMessage::PolyPressure { channel, .. } => Some(channel),
            _ => None,
        }
    }

    /// True when a module listening on `channel` (1..=16, 0 = omni) takes this message.
    /// Clock and transport messages reach every channel.
    pub fn on_channel(&self, channel: u8) -> bool {
        channel == 0 || self.channel().is_none_or(|c| c + 1 == channel)
    }
}

/// A message and the absolute sample (since the stream started) it lands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MidiEvent {
    /// Sample the event lands on; an event whose time has passed lands on the next frame
    /// processed.
    pub time: u64,
    /// The message.
    pub message: MidiMessage,
}

/// When an event on the ring lands.
#[derive(Debug, Clone, Copy)]
enum Stamp {
    /// On this absolute sample.
    Sample(u64),
    /// By the [`ArrivalWindow`] of the callback that takes it (as soon as possible without
    /// one).
    Arrived(Instant),
}

/// An event on its way to the audio thread.
#[derive(Debug, Clone, Copy)]
struct Queued {
    stamp: Stamp,
    message: MidiMessage,
}

/// The control side of the MIDI ring. Push events in time order: the runtime stops at the
/// first event not yet due, so one far in the future holds back those queued behind it.
pub struct MidiSender {
    producer: Producer<Queued>,
}

impl MidiSender {
    /// Queues `event`; false (and the event is dropped) when the ring is full.
    pub fn send(&mut self, event: MidiEvent) -> bool {
        self.push(Stamp::Sample(event.time), event.message)
    }

    /// Queues a live `message` that arrived at `at` (monotonic, the clock the audio backend
    /// stamps its callbacks with); false when the ring is full.
    pub fn send_arrived(&mut self, at: Instant, message: MidiMessage) -> bool {
        self.push(Stamp::Arrived(at), message)
    }

    fn push(&mut self, stamp: Stamp, message: MidiMessage) -> bool {
        self.producer.push(Queued { stamp, message }).is_ok()
    }

    /// Room left on the ring.
    pub fn room(&self) -> usize {
        self.producer.slots()
    }
}

/// The audio side of the MIDI ring.
pub struct MidiReceiver {
    consumer: Consumer<Queued>,
    /// This block's events, sorted by time; capacity [`MIDI_RING`], never grown.
    block: Vec<MidiEvent>,
    /// Where live events of the current callback land; `None` before the first callback
    /// (or offline), when they land as soon as possible.
    window: Option<ArrivalWindow>,
}

impl MidiReceiver {
    /// Places the live events taken from now on by `window` (the audio callback sets it at
    /// its start).
    pub fn set_window(&mut self, window: ArrivalWindow) {
        self.window = Some(window);
    }

    /// The sample a queued event lands on before it is clamped to the block.
    fn time_of(&self, queued: &Queued) -> u64 {
        match queued.stamp {
            Stamp::Sample(time) => time,
            Stamp::Arrived(at) => self.window.map_or(0, |w| w.frame_of(at)),
        }
    }

    /// Takes every queued event before `end` into the block buffer, moving late events to
    /// `start` (or to the last event taken, when that is later); a live event's sample is
    /// its arrival placed by the callback's [`ArrivalWindow`]. Events before `start` (played)
    /// leave the buffer first; events at or after `start` stay, so a block that ends earlier than its events were taken for loses none
    /// (readers take the events of their frames with [`events_in`]). Never allocates: the
    /// buffer holds a full ring.
    pub fn take_block(&mut self, start: u64, end: u64) -> &[MidiEvent] {
        let played = self.block.partition_point(|e| e.time < start);
        self.block.drain(..played);
        while self.block.len() < self.block.capacity() {
            let Ok(queued) = self.consumer.peek() else {
                break;
            };
            let (time, message) = (self.time_of(queued), queued.message);
            if time >= end {
                break;
            }
            // A late event lands now, and never before one taken ahead of it: the buffer
            // stays sorted in arrival order.
            let last = self.block.last().map_or(start, |e| e.time);
            let time = time.max(start).max(last);
            self.block.push(MidiEvent { time, message });
            let _ = self.consumer.pop();
        }
        &self.block
    }
}

/// A ring of [`MIDI_RING`] events (made on the control thread).
pub fn midi_ring() -> (MidiSender, MidiReceiver) {
    let (producer, consumer) = RingBuffer::new(MIDI_RING);
    (
        MidiSender { producer },
        MidiReceiver {
            consumer,
            block: Vec::with_capacity(MIDI_RING),
            window: None,
        },
    )
}

/// The events of `events` (sorted by time) that land in `start..start + frames`.
pub fn events_in(events: &[MidiEvent], start: u64, frames: usize) -> &[MidiEvent] {
    let end = start + frames as u64;
    let from = events.partition_point(|e| e.time < start);
    let to = events.partition_point(|e| e.time < end);
    &events[from..to]
}
