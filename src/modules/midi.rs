//! MIDI to control voltages: `MidiToCv` (mono), `PolyMidiToCv` (one voice per lane) and
//! `MidiCc` (one controller).
//!
//! | Module | Outputs | Parameters |
//! |---|---|---|
//! | `MidiToCv` | `voct`, `gate`, `trigger`, `velocity`, `aftertouch` | `channel`, `bend_range`, `priority`, `legato` |
//! | `PolyMidiToCv` | the same, per lane | `channel`, `bend_range` |
//! | `MidiCc` | `out` | `cc`, `channel`, `fine` |
//! | `MidiClock` | `clock`, `beat`, `run` | none |
//!
//! Pitch is V/oct with 0 V on C2 (MIDI note 36), so A4 (69) is 2.75 V. Every event is
//! applied on the frame it lands on ([`ProcessIo::event_frame`]), so the outputs do not
//! depend on the block size. A new note that retriggers a gate that is already high drops
//! the gate for its first frame (and pulses `trigger`), so envelopes see a fresh edge.
//! Controller 123 (all notes off) releases every note.

use super::descriptor::{ParamDescriptor, ParamKind, ParamValue, PortDescriptor, PortKind};
use super::module::{Module, ProcessIo};
use super::registry::{Layout, ModuleType};
use super::reshape::{keep_lanes, same_type};
use crate::midi::{MidiEvent, MidiMessage};

/// Note whose pitch is 0 V (C2).
const ZERO_VOLT_NOTE: f32 = 36.0;
/// Controller number of the sustain pedal.
const SUSTAIN: u8 = 64;
/// Controller number of "all notes off".
const ALL_NOTES_OFF: u8 = 123;
/// Time constant of `MidiCc`'s smoothing in milliseconds.
const CC_SMOOTH_MS: f64 = 5.0;

/// Index of the `channel` parameter (every MIDI module).
const CHANNEL: usize = 0;
/// Index of `bend_range` (`MidiToCv`, `PolyMidiToCv`) and of `cc` (`MidiCc`).
const SECOND: usize = 1;
/// Index of `priority` (`MidiToCv`).
const PRIORITY: usize = 2;
/// Index of `legato` (`MidiToCv`).
const LEGATO: usize = 3;
/// Index of `fine` (`MidiCc`).
const FINE: usize = 2;
/// Controllers 0..31 carry the MSB of a 14-bit pair whose LSB is 32 higher.
const LSB_OFFSET: u8 = 32;
/// The largest 14-bit value.
const MAX_14_BIT: f64 = 16383.0;

fn channel_param() -> ParamDescriptor {
    ParamDescriptor {
        name: "channel",
        kind: ParamKind::Int {
            min: 0,
            max: 16,
            default: 0,
        },
        doc: "MIDI channel 1-16 to listen to; 0 listens to all (omni)",
    }
}

fn bend_range_param() -> ParamDescriptor {
    ParamDescriptor {
        name: "bend_range",
        kind: ParamKind::Float {
            min: 0.0,
            max: 48.0,
            default: 2.0,
            unit: "semitones",
        },
        doc: "Pitch bend at full throw, added to voct",
    }
}

fn note_outputs() -> Vec<PortDescriptor> {
    vec![
        PortDescriptor::new(
            "voct",
            "Pitch of the note plus bend, V/oct, 0 V = C2 (note 36)",
        )
        .kind(PortKind::Pitch),
        PortDescriptor::new("gate", "1 while the note is held (or sustained), else 0")
            .kind(PortKind::Gate),
        PortDescriptor::new("trigger", "1 for one sample when a note starts").kind(PortKind::Gate),
        PortDescriptor::new("velocity", "Velocity of the note, 0..1").kind(PortKind::Cv),
        PortDescriptor::new("aftertouch", "Channel or key pressure, 0..1").kind(PortKind::Cv),
    ]
}

/// The messages on `channel` of the events from `*next` on that land on frame `frame` of a
/// call starting at sample `first`; advances `*next` past them.
fn due<'a>(
    events: &'a [MidiEvent],
    next: &'a mut usize,
    first: u64,
    frame: usize,
    channel: u8,
) -> impl Iterator<Item = MidiMessage> + 'a {
    std::iter::from_fn(move || loop {
        let e = events
            .get(*next)
            .filter(|e| e.time - first == frame as u64)?;
        *next += 1;
        if e.message.on_channel(channel) {
            return Some(e.message);
        }
    })
}

fn volts(key: u8, bend: f32) -> f32 {
    (f32::from(key) - ZERO_VOLT_NOTE + bend) / 12.0
}

/// Bend in semitones for a wheel value.
fn bend_semitones(value: i16, range: f32) -> f32 {
    f32::from(value) / 8192.0 * range
}

fn as_channel(value: &ParamValue) -> Option<u8> {
    value.as_f64().map(|c| c.clamp(0.0, 16.0) as u8)
}

/// Note priority of `MidiToCv`.
#[derive(Clone, Copy, PartialEq)]
enum Priority {
    Last,
    Low,
    High,
}

struct MidiToCv {
    channel: u8,
    bend_range: f32,
    priority: Priority,
    legato: bool,
    /// Held keys in the order they went down.
    stack: [u8; 128],
    held: usize,
    velocities: [u8; 128],
    key_pressure: [u8; 128],
    note: u8,
    gate: bool,
    velocity: f32,
    wheel: i16,
    pressure: u8,
    /// A note started on this frame: pulse `trigger`, and drop `gate` for it if `gap`.
    started: bool,
    gap: bool,
}

impl MidiToCv {
    fn new() -> Self {
        MidiToCv {
            channel: 0,
            bend_range: 2.0,
            priority: Priority::Last,
            legato: false,
            stack: [0; 128],
            held: 0,
            velocities: [0; 128],
            key_pressure: [0; 128],
            note: 36,
            gate: false,
            velocity: 0.0,
            wheel: 0,
            pressure: 0,
            started: false,
            gap: false,
        }
    }

    fn release_key(&mut self, key: u8) {
        if let Some(i) = self.stack[..self.held].iter().position(|&k| k == key) {
            self.stack.copy_within(i + 1..self.held, i);
            self.held -= 1;
        }
    }

    /// The held key the priority picks.
    fn chosen(&self) -> Option<u8> {
        let held = &self.stack[..self.held];
        match self.priority {
            Priority::Last => held.last().copied(),
            Priority::Low => held.iter().min().copied(),
            Priority::High => held.iter().max().copied(),
        }
    }

    /// Follows the held keys after a change: a new note, a return to a held one or silence.
    fn follow(&mut self) {
        let Some(key) = self.chosen() else {
            self.gate = false;
            return;
        };
        if self.gate && key == self.note {
            return;
        }
        if !self.gate || !self.legato {
            self.started = true;
            self.gap = self.gate;
        }
        self.note = key;
        self.velocity = f32::from(self.velocities[usize::from(key)]) / 127.0;
        self.gate = true;
    }

    fn apply(&mut self, message: MidiMessage) {
        match message {
            MidiMessage::NoteOn { key, velocity, .. } => {
                self.release_key(key);
                self.stack[self.held] = key;
                self.held += 1;
                self.velocities[usize::from(key)] = velocity;
                if self.gate && key == self.note {
                    // The sounding key struck again: a new note on the same pitch.
                    self.gate = false;
                }
                self.follow();
            }
            MidiMessage::NoteOff { key, .. } => {
                self.release_key(key);
                self.follow();
            }
            MidiMessage::ControlChange {
                controller: ALL_NOTES_OFF,
                ..
            } => {
                self.held = 0;
                self.follow();
            }
            MidiMessage::PitchBend { value, .. } => self.wheel = value,
            MidiMessage::ChannelPressure { pressure, .. } => self.pressure = pressure,
            MidiMessage::PolyPressure { key, pressure, .. } => {
                self.key_pressure[usize::from(key)] = pressure;
            }
            _ => {}
        }
    }
}

impl Module for MidiToCv {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        match (index, value) {
            (CHANNEL, v) => self.channel = as_channel(v).unwrap_or(0),
            (SECOND, v) => self.bend_range = v.as_f64().unwrap_or(2.0) as f32,
            (PRIORITY, ParamValue::Enum(p)) => {
                self.priority = match p.as_str() {
                    "low" => Priority::Low,
                    "high" => Priority::High,
                    _ => Priority::Last,
                }
            }
            (LEGATO, ParamValue::Bool(b)) => self.legato = *b,
            _ => {}
        }
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        self.stack = old.stack;
        self.held = old.held;
        self.velocities = old.velocities;
        self.key_pressure = old.key_pressure;
        self.note = old.note;
        self.gate = old.gate;
        self.velocity = old.velocity;
        self.wheel = old.wheel;
        self.pressure = old.pressure;
        self.started = old.started;
        self.gap = old.gap;
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes();
        let (events, first) = (io.events(), io.position());
        let mut next = 0;
        let [voct, gate, trigger, velocity, aftertouch] = io.outputs::<5>();
        for f in 0..voct.len() / lanes {
            for message in due(events, &mut next, first, f, self.channel) {
                self.apply(message);
            }
            let bend = bend_semitones(self.wheel, self.bend_range);
            let pressure = self.pressure.max(self.key_pressure[usize::from(self.note)]);
            let values = [
                volts(self.note, bend),
                f32::from(u8::from(self.gate && !self.gap)),
                f32::from(u8::from(self.started)),
                self.velocity,
                f32::from(pressure) / 127.0,
            ];
            for (out, v) in [
                &mut *voct,
                &mut *gate,
                &mut *trigger,
                &mut *velocity,
                &mut *aftertouch,
            ]
            .into_iter()
            .zip(values)
            {
                out[f * lanes..(f + 1) * lanes].fill(v);
            }
            self.started = false;
            self.gap = false;
        }
    }
}

/// One voice of `PolyMidiToCv`.
#[derive(Clone, Copy, Default)]
struct Voice {
    key: u8,
    /// The key is down.
    held: bool,
    /// The gate is high (held, or released while the pedal is down).
    gate: bool,
    velocity: u8,
    pressure: u8,
    /// When the voice started, in notes; the smallest is the oldest.
    age: u64,
    started: bool,
    gap: bool,
}

struct PolyMidiToCv {
    channel: u8,
    bend_range: f32,
    voices: Box<[Voice]>,
    /// Where the round-robin search for a free voice starts.
    next_voice: usize,
    notes: u64,
    pedal: bool,
    wheel: i16,
    pressure: u8,
}

impl PolyMidiToCv {
    /// The voice for a new `key`: the one already playing it, else the next released voice
    /// round-robin, else the oldest.
    fn allocate(&self, key: u8) -> usize {
        let n = self.voices.len();
        if let Some(i) = self.voices.iter().position(|v| v.gate && v.key == key) {
            return i;
        }
        (0..n)
            .map(|i| (self.next_voice + i) % n)
            .find(|&i| !self.voices[i].gate)
            .or_else(|| (0..n).min_by_key(|&i| self.voices[i].age))
            .unwrap_or(0)
    }

    fn apply(&mut self, message: MidiMessage) {
        match message {
            MidiMessage::NoteOn { key, velocity, .. } => {
                let i = self.allocate(key);
                let gap = self.voices[i].gate;
                self.notes += 1;
                self.voices[i] = Voice {
                    key,
                    held: true,
                    gate: true,
                    velocity,
                    pressure: 0,
                    age: self.notes,
                    started: true,
                    gap,
                };
                self.next_voice = (i + 1) % self.voices.len();
            }
            MidiMessage::NoteOff { key, .. } => {
                for v in self.voices.iter_mut().filter(|v| v.held && v.key == key) {
                    v.held = false;
                    v.gate = self.pedal;
                }
            }
            MidiMessage::ControlChange {
                controller: SUSTAIN,
                value,
                ..
            } => {
                self.pedal = value >= 64;
                if !self.pedal {
                    for v in self.voices.iter_mut() {
                        v.gate = v.held;
                    }
                }
            }
            MidiMessage::ControlChange {
                controller: ALL_NOTES_OFF,
                ..
            } => {
                for v in self.voices.iter_mut() {
                    v.held = false;
                    v.gate = false;
                }
            }
            MidiMessage::PitchBend { value, .. } => self.wheel = value,
            MidiMessage::ChannelPressure { pressure, .. } => self.pressure = pressure,
            MidiMessage::PolyPressure { key, pressure, .. } => {
                for v in self.voices.iter_mut().filter(|v| v.gate && v.key == key) {
                    v.pressure = pressure;
                }
            }
            _ => {}
        }
    }
}

impl Module for PolyMidiToCv {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        match index {
            CHANNEL => self.channel = as_channel(value).unwrap_or(0),
            SECOND => self.bend_range = value.as_f64().unwrap_or(2.0) as f32,
            _ => {}
        }
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        keep_lanes(&mut self.voices, &old.voices);
        self.next_voice = old.next_voice % self.voices.len().max(1);
        self.notes = old.notes;
        self.pedal = old.pedal;
        self.wheel = old.wheel;
        self.pressure = old.pressure;
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes().min(self.voices.len());
        let (events, first) = (io.events(), io.position());
        let mut next = 0;
        let [voct, gate, trigger, velocity, aftertouch] = io.outputs::<5>();
        for f in 0..voct.len() / lanes {
            for message in due(events, &mut next, first, f, self.channel) {
                self.apply(message);
            }
            let bend = bend_semitones(self.wheel, self.bend_range);
            for (l, v) in self.voices[..lanes].iter_mut().enumerate() {
                let at = f * lanes + l;
                voct[at] = volts(v.key, bend);
                gate[at] = f32::from(u8::from(v.gate && !v.gap));
                trigger[at] = f32::from(u8::from(v.started));
                velocity[at] = f32::from(v.velocity) / 127.0;
                aftertouch[at] = f32::from(v.pressure.max(self.pressure)) / 127.0;
                v.started = false;
                v.gap = false;
            }
        }
    }
}

struct MidiCc {
    channel: u8,
    controller: u8,
    /// Pairs `controller` (0..31, the MSB) with `controller + 32` (the LSB).
    fine: bool,
    /// The last MSB of a 14-bit pair.
    msb: u8,
    target: f64,
    value: f64,
    /// Fraction of the distance to the target covered per sample.
    coefficient: f64,
}

impl MidiCc {
    /// Moves the target for controller `controller` at `value`. With `fine` on a controller
    /// below 32, its MSB alone reads as `value / 127` (MSB * 129 / 16383: a 7-bit controller
    /// still reaches 0..1) and the LSB that follows refines it to (MSB * 128 + LSB) / 16383.
    fn take(&mut self, controller: u8, value: u8) {
        let paired = self.fine && self.controller < LSB_OFFSET;
        if controller == self.controller {
            self.msb = value;
            self.target = f64::from(value) / 127.0;
        } else if paired && controller == self.controller + LSB_OFFSET {
            self.target = (f64::from(self.msb) * 128.0 + f64::from(value)) / MAX_14_BIT;
        }
    }
}

impl Module for MidiCc {
    fn set_param(&mut self, index: usize, value: &ParamValue) {
        match index {
            CHANNEL => self.channel = as_channel(value).unwrap_or(0),
            SECOND => self.controller = value.as_f64().unwrap_or(1.0).clamp(0.0, 127.0) as u8,
            FINE => self.fine = matches!(value, ParamValue::Bool(true)),
            _ => {}
        }
    }

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        self.target = old.target;
        self.value = old.value;
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes();
        let (events, first) = (io.events(), io.position());
        let mut next = 0;
        let out = io.output(0);
        for (f, frame) in out.chunks_exact_mut(lanes).enumerate() {
            for message in due(events, &mut next, first, f, self.channel) {
                if let MidiMessage::ControlChange {
                    controller, value, ..
                } = message
                {
                    self.take(controller, value);
                }
            }
            self.value += (self.target - self.value) * self.coefficient;
            if (self.target - self.value).abs() < 1e-9 {
                self.value = self.target;
            }
            frame.fill(self.value as f32);
        }
    }
}

/// The `MidiToCv` module type.
pub fn midi_to_cv_type() -> ModuleType {
    ModuleType {
        name: "MidiToCv",
        doc: "Mono MIDI keyboard to pitch, gate, trigger, velocity and aftertouch.",
        shape_use: Default::default(),
        describe: |_| Layout {
            inputs: vec![],
            outputs: note_outputs(),
            params: vec![
                channel_param(),
                bend_range_param(),
                ParamDescriptor {
                    name: "priority",
                    kind: ParamKind::Enum {
                        variants: &["last", "low", "high"],
                        default: "last",
                    },
                    doc: "Which held key sounds: the last pressed, the lowest or the highest",
                },
                ParamDescriptor {
                    name: "legato",
                    kind: ParamKind::Bool { default: false },
                    doc: "Moving between held keys changes pitch without a new trigger",
                },
            ],
        },
        create: |_, _| Box::new(MidiToCv::new()),
    }
}

/// The `PolyMidiToCv` module type.
pub fn poly_midi_to_cv_type() -> ModuleType {
    ModuleType {
        name: "PolyMidiToCv",
        doc: "Polyphonic MIDI keyboard: one voice per lane (`voices: N`), round-robin, sustain pedal holds gates.",
        shape_use: Default::default(),
        describe: |_| Layout {
            inputs: vec![],
            outputs: note_outputs(),
            params: vec![channel_param(), bend_range_param()],
        },
        create: |shape, _| {
            Box::new(PolyMidiToCv {
                channel: 0,
                bend_range: 2.0,
                voices: vec![
                    Voice {
                        key: 36,
                        ..Voice::default()
                    };
                    shape.voices
                ]
                .into_boxed_slice(),
                next_voice: 0,
                notes: 0,
                pedal: false,
                wheel: 0,
                pressure: 0,
            })
        },
    }
}

/// The `MidiCc` module type.
pub fn midi_cc_type() -> ModuleType {
    ModuleType {
        name: "MidiCc",
        doc: "One MIDI controller as a smoothed 0..1 signal.",
        shape_use: Default::default(),
        describe: |_| {
            Layout {
            inputs: vec![],
            outputs: vec![PortDescriptor::new(
                "out",
                "Controller value 0..1, smoothed (5 ms) so that steps never zip",
            )
            .kind(PortKind::Cv)],
            params: vec![
                channel_param(),
                ParamDescriptor {
                    name: "cc",
                    kind: ParamKind::Int {
                        min: 0,
                        max: 127,
                        default: 1,
                    },
                    doc: "Controller number (1 is the mod wheel)",
                },
                ParamDescriptor {
                    name: "fine",
                    kind: ParamKind::Bool { default: false },
                    doc: "14-bit: cc 0..31 is the MSB, cc + 32 the LSB (16384 steps); an MSB alone still reads as 0..1",
                },
            ],
        }
        },
        create: |_, sample_rate| {
            let samples = CC_SMOOTH_MS / 1000.0 * f64::from(sample_rate);
            Box::new(MidiCc {
                channel: 0,
                controller: 1,
                fine: false,
                msb: 0,
                target: 0.0,
                value: 0.0,
                coefficient: 1.0 - (-1.0 / samples.max(1.0)).exp(),
            })
        },
    }
}

/// MIDI clocks per quarter note.
const CLOCKS_PER_BEAT: u32 = 24;

struct MidiClock {
    running: bool,
    /// Clocks since the last start, while running.
    clocks: u32,
}

impl Module for MidiClock {
    fn set_param(&mut self, _index: usize, _value: &ParamValue) {}

    fn reshape_from(&mut self, old: &dyn Module) {
        let Some(old) = same_type::<Self>(old) else {
            return;
        };
        self.running = old.running;
        self.clocks = old.clocks;
    }

    fn process(&mut self, io: &mut ProcessIo<'_>) {
        let lanes = io.lanes();
        let (events, first) = (io.events(), io.position());
        let mut next = 0;
        let [clock, beat, run] = io.outputs::<3>();
        for f in 0..clock.len() / lanes {
            let (mut tick, mut on_beat) = (false, false);
            for message in due(events, &mut next, first, f, 0) {
                match message {
                    MidiMessage::Start => (self.running, self.clocks) = (true, 0),
                    MidiMessage::Continue => self.running = true,
                    MidiMessage::SongPosition { beats } => {
                        // A MIDI beat (sixteenth) is 6 clocks.
                        self.clocks = u32::from(beats) * 6;
                    }
                    MidiMessage::Stop => self.running = false,
                    MidiMessage::Clock => {
                        tick = true;
                        if self.running {
                            on_beat |= self.clocks.is_multiple_of(CLOCKS_PER_BEAT);
                            self.clocks = self.clocks.wrapping_add(1);
                        }
                    }
                    _ => {}
                }
            }
            let frame = f * lanes..(f + 1) * lanes;
            clock[frame.clone()].fill(f32::from(u8::from(tick)));
            beat[frame.clone()].fill(f32::from(u8::from(on_beat)));
            run[frame].fill(f32::from(u8::from(self.running)));
        }
    }
}

/// The `MidiClock` module type.
pub fn midi_clock_type() -> ModuleType {
    ModuleType {
        name: "MidiClock",
        doc: "MIDI clock, start, stop and continue as pulses and a run gate.",
        shape_use: Default::default(),
        describe: |_| Layout {
            inputs: vec![],
            outputs: vec![
                PortDescriptor::new(
                    "clock",
                    "1 for one sample on every MIDI clock (24 per beat)",
                )
                .kind(PortKind::Gate),
                PortDescriptor::new(
                    "beat",
                    "1 for one sample on the first clock after start and every 24th after it",
                )
                .kind(PortKind::Gate),
                PortDescriptor::new("run", "1 from start or continue until stop")
                    .kind(PortKind::Gate),
            ],
            params: vec![],
        },
        create: |_, _| {
            Box::new(MidiClock {
                running: false,
                clocks: 0,
            })
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modules::named_indices::assert_params;

    #[test]
    fn named_indices_match_the_descriptor() {
        let params = [
            (CHANNEL, "channel"),
            (SECOND, "bend_range"),
            (PRIORITY, "priority"),
            (LEGATO, "legato"),
        ];
        assert_params(&midi_to_cv_type(), &params);
        let params = [(CHANNEL, "channel"), (SECOND, "bend_range")];
        assert_params(&poly_midi_to_cv_type(), &params);
        let params = [(CHANNEL, "channel"), (SECOND, "cc"), (FINE, "fine")];
        assert_params(&midi_cc_type(), &params);
    }
}
