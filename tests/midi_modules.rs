//! MIDI modules on their own: note priority, legato, sample-accurate events at any block
//! size, voice allocation and the sustain pedal, smoothed controllers.

use patches_tui::midi::{MidiEvent, MidiMessage};
use patches_tui::modules::{ModuleHarness, ParamValue, Registry, Shape};

const SR: f32 = 48000.0;

fn on(time: u64, key: u8) -> MidiEvent {
    MidiEvent {
        time,
        message: MidiMessage::NoteOn {
            channel: 0,
            key,
            velocity: 127,
        },
    }
}

fn off(time: u64, key: u8) -> MidiEvent {
    MidiEvent {
        time,
        message: MidiMessage::NoteOff { channel: 0, key },
    }
}

fn cc(time: u64, controller: u8, value: u8) -> MidiEvent {
    MidiEvent {
        time,
        message: MidiMessage::ControlChange {
            channel: 0,
            controller,
            value,
        },
    }
}

fn harness(name: &str, voices: usize, params: &[(&str, ParamValue)]) -> ModuleHarness {
    let shape = Shape {
        voices,
        ..Shape::default()
    };
    Registry::standard()
        .harness(name, shape, SR, params)
        .unwrap()
}

/// Every output of `name` for `events` over `frames` frames in blocks of `block`.
fn play(
    name: &str,
    voices: usize,
    params: &[(&str, ParamValue)],
    events: &[MidiEvent],
    frames: usize,
    block: usize,
) -> Vec<Vec<f32>> {
    let mut h = harness(name, voices, params);
    h.queue_events(events);
    h.run_long(&[], frames, block)
}

fn volts(key: u8) -> f32 {
    (f32::from(key) - 36.0) / 12.0
}

#[test]
fn events_land_on_their_sample_whatever_the_block_size() {
    let events = [on(100, 60), off(333, 60), on(334, 62), off(999, 62)];
    let reference = play("MidiToCv", 1, &[], &events, 1200, 64);
    let gate = &reference[1];
    assert_eq!(gate[99], 0.0);
    assert_eq!(gate[100], 1.0);
    assert_eq!(gate[332], 1.0);
    assert_eq!(gate[333], 0.0);
    assert_eq!(gate[334], 1.0);
    assert_eq!(gate[999], 0.0);
    let triggers: Vec<usize> = (0..1200).filter(|&i| reference[2][i] == 1.0).collect();
    assert_eq!(triggers, vec![100, 334]);
    assert_eq!(reference[0][200], volts(60));
    assert_eq!(reference[0][500], volts(62));
    for block in [1, 37, 512] {
        assert_eq!(play("MidiToCv", 1, &[], &events, 1200, block), reference);
    }
}

#[test]
fn priority_picks_the_last_the_lowest_or_the_highest_held_key() {
    let events = [on(0, 60), on(10, 67), on(20, 55), off(30, 55)];
    for (priority, at_25, at_35) in [("last", 55, 67), ("low", 55, 60), ("high", 67, 67)] {
        let params = [("priority", ParamValue::Enum(priority.into()))];
        let out = play("MidiToCv", 1, &params, &events, 50, 16);
        assert_eq!(out[0][25], volts(at_25), "{priority}");
        assert_eq!(out[0][35], volts(at_35), "{priority}");
        assert!(out[1][1..50].iter().filter(|&&g| g == 0.0).count() <= 3);
    }
}

#[test]
fn legato_glides_between_held_keys_without_a_new_trigger() {
    let events = [on(0, 60), on(10, 64)];
    let retrigger = play("MidiToCv", 1, &[], &events, 20, 20);
    assert_eq!(retrigger[2][10], 1.0, "a new note triggers");
    assert_eq!(retrigger[1][10], 0.0, "the gate drops for one sample");
    assert_eq!(retrigger[1][11], 1.0);
    let legato = play(
        "MidiToCv",
        1,
        &[("legato", ParamValue::Bool(true))],
        &events,
        20,
        20,
    );
    assert_eq!(legato[2][10], 0.0);
    assert!(legato[1][1..].iter().all(|&g| g == 1.0));
    assert_eq!(legato[0][10], volts(64));
}

#[test]
fn pitch_bend_and_channel_follow_their_params() {
    let bend = MidiEvent {
        time: 5,
        message: MidiMessage::PitchBend {
            channel: 1,
            value: 8191,
        },
    };
    let on_2 = MidiEvent {
        time: 0,
        message: MidiMessage::NoteOn {
            channel: 1,
            key: 69,
            velocity: 64,
        },
    };
    let params = [
        ("bend_range", ParamValue::Float(12.0)),
        ("channel", ParamValue::Int(2)),
    ];
    let out = play("MidiToCv", 1, &params, &[on_2, bend, on(7, 40)], 10, 10);
    assert_eq!(out[0][0], 2.75, "A4 is 2.75 V");
    assert!((out[0][6] - (2.75 + 8191.0 / 8192.0)).abs() < 1e-6);
    assert_eq!(out[3][0], 64.0 / 127.0);
    let other = play(
        "MidiToCv",
        1,
        &[("channel", ParamValue::Int(3))],
        &[on_2],
        10,
        10,
    );
    assert!(
        other[1].iter().all(|&g| g == 0.0),
        "channel 3 ignores channel 2"
    );
}

#[test]
fn voices_are_reused_when_released_before_the_oldest_is_stolen() {
    // Four voices: 60 64 67 72 fill them; 64 released, so 76 takes its voice (1); then 79
    // steals the oldest (60 on voice 0).
    let events = [
        on(0, 60),
        on(1, 64),
        on(2, 67),
        on(3, 72),
        off(4, 64),
        on(5, 76),
        on(6, 79),
    ];
    let out = play("PolyMidiToCv", 4, &[], &events, 10, 4);
    let lane = |frame: usize, l: usize| out[0][frame * 4 + l];
    assert_eq!(lane(5, 1), volts(76));
    assert_eq!(lane(6, 0), volts(79));
    assert_eq!(
        [lane(9, 0), lane(9, 1), lane(9, 2), lane(9, 3)],
        [volts(79), volts(76), volts(67), volts(72)]
    );
    assert_eq!(
        out[1][6 * 4],
        0.0,
        "a stolen voice drops its gate for a sample"
    );
    assert!((0..4).all(|l| out[1][9 * 4 + l] == 1.0));
}

#[test]
fn the_sustain_pedal_holds_released_gates_until_it_lifts() {
    let events = [
        cc(0, 64, 127),
        on(1, 60),
        off(5, 60),
        on(6, 64),
        cc(10, 64, 0),
    ];
    let out = play("PolyMidiToCv", 2, &[], &events, 12, 3);
    let gate = |frame: usize, l: usize| out[1][frame * 2 + l];
    assert_eq!(gate(8, 0), 1.0, "held by the pedal after its note-off");
    assert_eq!(gate(8, 1), 1.0);
    assert_eq!(gate(10, 0), 0.0, "released when the pedal lifts");
    assert_eq!(gate(10, 1), 1.0, "a key still down keeps its gate");
}

#[test]
fn a_controller_moves_smoothly_to_its_value() {
    let params = [("cc", ParamValue::Int(74))];
    let out = play(
        "MidiCc",
        1,
        &params,
        &[cc(0, 74, 127), cc(0, 1, 0)],
        4800,
        64,
    );
    let out = &out[0];
    let biggest_step = out.windows(2).map(|w| w[1] - w[0]).fold(0.0f32, f32::max);
    assert!(biggest_step < 0.005, "steps of {biggest_step} zip");
    assert!(
        out[240] > 0.6 && out[240] < 0.7,
        "one time constant in: {}",
        out[240]
    );
    assert_eq!(out[4799], 1.0, "settles on the value");
}

#[test]
fn midi_clock_pulses_every_clock_a_beat_every_24_and_runs_from_start_to_stop() {
    let at = |time: u64, message: MidiMessage| MidiEvent { time, message };
    let mut events = vec![at(0, MidiMessage::Clock), at(10, MidiMessage::Start)];
    events.extend((0..50).map(|i| at(20 + i * 10, MidiMessage::Clock)));
    events.push(at(600, MidiMessage::Stop));
    events.push(at(610, MidiMessage::Clock));
    events.push(at(620, MidiMessage::Continue));
    let reference = play("MidiClock", 1, &[], &events, 700, 64);
    let ones = |x: &[f32]| -> Vec<usize> { (0..x.len()).filter(|&i| x[i] == 1.0).collect() };
    let clocks = ones(&reference[0]);
    assert_eq!(clocks.len(), 52);
    assert_eq!(clocks[..3], [0, 20, 30]);
    assert_eq!(
        ones(&reference[1]),
        vec![20, 260, 500],
        "beats on clocks 0, 24, 48"
    );
    let run = &reference[2];
    assert_eq!((run[9], run[10], run[599], run[600]), (0.0, 1.0, 1.0, 0.0));
    assert_eq!((run[619], run[620]), (0.0, 1.0));
    for block in [1, 37, 512] {
        assert_eq!(play("MidiClock", 1, &[], &events, 700, block), reference);
    }
}

#[test]
fn midi_clock_counts_its_beats_from_a_song_position() {
    let at = |time: u64, message: MidiMessage| MidiEvent { time, message };
    // Sixteenth 34 is clock 204: the next beat is 12 clocks after continue.
    let mut events = vec![
        at(0, MidiMessage::SongPosition { beats: 34 }),
        at(5, MidiMessage::Continue),
    ];
    events.extend((0..40).map(|i| at(10 + i * 10, MidiMessage::Clock)));
    let out = play("MidiClock", 1, &[], &events, 500, 64);
    let beats: Vec<usize> = (0..500).filter(|&i| out[1][i] == 1.0).collect();
    assert_eq!(beats, [130, 370]);
}

#[test]
fn a_fine_controller_pairs_msb_and_lsb_into_16384_steps() {
    let params = [("cc", ParamValue::Int(7)), ("fine", ParamValue::Bool(true))];
    // Each value held 4800 frames (20 time constants: settled), MSB then LSB on one frame.
    let values: Vec<u16> = (0..300).chain(8000..8300).chain(16084..16384).collect();
    let mut events = Vec::new();
    for (i, v) in values.iter().enumerate() {
        let t = i as u64 * 4800;
        events.push(cc(t, 7, (v >> 7) as u8));
        events.push(cc(t, 39, (v & 127) as u8));
    }
    let out = play("MidiCc", 1, &params, &events, values.len() * 4800, 512);
    let settled: Vec<f32> = (0..values.len()).map(|i| out[0][i * 4800 + 4799]).collect();
    for (v, got) in values.iter().zip(&settled) {
        assert_eq!(*got, (f64::from(*v) / 16383.0) as f32, "value {v}");
    }
    assert!(
        settled.windows(2).all(|w| w[1] > w[0]),
        "every 14-bit step is a distinct, rising level"
    );
    assert_eq!(settled[0], 0.0);
    assert_eq!(*settled.last().unwrap(), 1.0);
}

#[test]
fn a_fine_controller_still_follows_an_msb_only_knob_and_coarse_ignores_the_lsb() {
    let fine = [("cc", ParamValue::Int(7)), ("fine", ParamValue::Bool(true))];
    // Each value held 9600 frames (40 time constants: settled).
    let knob = [cc(0, 7, 127), cc(9600, 7, 64), cc(19200, 7, 0)];
    let out = play("MidiCc", 1, &fine, &knob, 28800, 64);
    assert_eq!(out[0][9599], 1.0);
    assert_eq!(out[0][19199], (64.0f64 / 127.0) as f32);
    assert_eq!(out[0][28799], 0.0);
    // Without `fine` the LSB controller is another controller: ignored.
    let coarse = [("cc", ParamValue::Int(7))];
    let pair = [cc(0, 7, 64), cc(0, 39, 100)];
    let out = play("MidiCc", 1, &coarse, &pair, 4800, 64);
    assert_eq!(out[0][4799], (64.0f64 / 127.0) as f32);
}
