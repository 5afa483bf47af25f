//! Standard MIDI Files (format 0 and 1, running status, tempo map) read with `midly` into
//! events stamped with the sample they land on.

use super::{MidiEvent, MidiMessage};
use midly::{MetaMessage, Smf, Timing, TrackEventKind};

/// Microseconds per quarter note before the first tempo event (120 BPM).
const DEFAULT_TEMPO: u32 = 500_000;

/// Reads the Standard MIDI File in `bytes` and returns its channel and realtime events in
/// time order, each on the sample (at `sample_rate` Hz) nearest its time through the
/// file's tempo map. Ties keep file order (track by track).
pub fn read_events(bytes: &[u8], sample_rate: f64) -> Result<Vec<MidiEvent>, String> {
    let smf = Smf::parse(bytes).map_err(|e| format!("not a Standard MIDI File: {e}"))?;
    if smf.header.format == midly::Format::Sequential {
        return Err("format 2 (sequential tracks) is not supported: use format 0 or 1".into());
    }
    // Every event on an absolute tick, in order: tempo changes from any track apply to all.
    let mut timed: Vec<(u64, usize, Option<u32>, Option<MidiMessage>)> = Vec::new();
    for track in &smf.tracks {
        let mut tick = 0u64;
        for event in track {
            tick += u64::from(u32::from(event.delta));
            let order = timed.len();
            match event.kind {
                TrackEventKind::Meta(MetaMessage::Tempo(t)) => {
                    timed.push((tick, order, Some(u32::from(t)), None));
                }
                TrackEventKind::Midi { channel, message } => {
                    let mut bytes = Vec::with_capacity(3);
                    let live = midly::live::LiveEvent::Midi { channel, message };
                    live.write_std(&mut bytes).map_err(|e| e.to_string())?;
                    if let Some(m) = MidiMessage::from_bytes(&bytes) {
                        timed.push((tick, order, None, Some(m)));
                    }
                }
                TrackEventKind::Escape(data) => {
                    if let Some(m) = MidiMessage::from_bytes(data) {
                        timed.push((tick, order, None, Some(m)));
                    }
                }
                _ => {}
            }
        }
    }
    // Stable: same tick keeps tracks in order, and a tempo change precedes nothing it
    // should not (it only affects later ticks).
    timed.sort_by_key(|&(tick, order, ..)| (tick, order));
    let seconds_per_tick: Box<dyn Fn(u32) -> f64> = match smf.header.timing {
        Timing::Metrical(ppq) => {
            let ppq = f64::from(u16::from(ppq).max(1));
            Box::new(move |tempo| f64::from(tempo) / 1e6 / ppq)
        }
        Timing::Timecode(fps, sub) => {
            let rate = f64::from(fps.as_f32()) * f64::from(sub.max(1));
            Box::new(move |_| 1.0 / rate)
        }
    };
    let (mut tempo, mut last_tick, mut seconds) = (DEFAULT_TEMPO, 0u64, 0.0f64);
    let mut events = Vec::new();
    for (tick, _, new_tempo, message) in timed {
        seconds += (tick - last_tick) as f64 * seconds_per_tick(tempo);
        last_tick = tick;
        if let Some(t) = new_tempo {
            tempo = t;
        }
        if let Some(message) = message {
            events.push(MidiEvent {
                time: (seconds * sample_rate).round() as u64,
                message,
            });
        }
    }
    Ok(events)
}

/// The time in seconds of the last event in `events` at `sample_rate` Hz (0 when none).
pub fn length_seconds(events: &[MidiEvent], sample_rate: f64) -> f64 {
    events.last().map_or(0.0, |e| e.time as f64 / sample_rate)
}
