//! The screen and live MIDI: the meters pane's activity line fed by a fake port, and MIDI
//! learn writing a controller mapping into the buffer.

mod ui_support;

use patches_tui::midi::input::FakeMidi;
use std::sync::atomic::Ordering;
use std::time::Instant;
use ui_support::*;

const KEYS: &str = "Keys 49";

/// The meters pane's MIDI line of the screen drawn at 160 x 45.
fn midi_row(app: &mut patches_tui::ui::app::App) -> String {
    let rows = screen(app, 160, 45);
    rows.into_iter()
        .find(|r| r.contains("MIDI"))
        .expect("a MIDI line on the screen")
}

#[test]
fn the_activity_line_shows_notes_controllers_and_the_clock_tempo() {
    let dir = TempDir::new("midi-activity");
    let mut app = open_text(&dir, SET);
    let dsp = midi_row(&mut app);
    assert!(
        dsp.contains("late callbacks") && dsp.contains(" · no MIDI "),
        "{dsp}"
    );
    let fake = FakeMidi::new(&["Thru", KEYS]);
    let ports = app.sound_mut().open_midi(&fake, "keys").unwrap();
    assert_eq!(ports, [KEYS]);
    assert!(midi_row(&mut app).contains("MIDI nothing received yet"));
    fake.play(KEYS, &[0x90, 69, 100]);
    fake.play(KEYS, &[0xb2, 74, 64]);
    app.tick(Instant::now());
    assert!(
        midi_row(&mut app).contains("MIDI note A4 v100 ch1 · CC74=64 ch3"),
        "{}",
        midi_row(&mut app)
    );
    // A clock at 24 per beat, 125 BPM: 20 ms a clock, then start.
    let start = Instant::now();
    let at = |micros: u64| start + std::time::Duration::from_micros(micros);
    for tick in 0..30u64 {
        fake.play_at(KEYS, at(tick * 20_000), &[0xf8]);
    }
    fake.play_at(KEYS, at(30 * 20_000), &[0xfa]);
    app.tick(Instant::now());
    assert!(
        midi_row(&mut app).contains("clock 125.0 BPM playing"),
        "{}",
        midi_row(&mut app)
    );
}

#[test]
fn without_ports_the_line_says_why_and_the_sound_plays_on() {
    let dir = TempDir::new("midi-none");
    let mut app = open_text(&dir, SET);
    let reason = app
        .sound_mut()
        .open_midi(&FakeMidi::new(&[]), "all")
        .unwrap_err();
    assert_eq!(reason, "no MIDI input ports");
    assert!(midi_row(&mut app).contains("MIDI off: no MIDI input ports"));
    assert!(app.plan_id() > 0, "the set was committed and plays");
}

const FILTER: &str = "\
nodes:
  osc:
    module: SawtoothOscillator
  filt:
    module: Svf
    params:
      cutoff: 800
  out:
    module: AudioOut
cables:
  - osc.out -> filt.in
  - filt.lowpass -> out.left * 0.2
";

#[test]
fn midi_learn_cables_the_next_controller_into_the_parameter_as_one_undoable_commit() {
    let dir = TempDir::new("midi-learn");
    let mut app = open_text(&dir, FILTER);
    let fake = FakeMidi::new(&[KEYS]);
    app.sound_mut().open_midi(&fake, "all").unwrap();
    // A controller moved before arming is not learned.
    fake.play(KEYS, &[0xb0, 7, 100]);
    app.tick(Instant::now());
    let row = line_of(FILTER, "cutoff:") - 1;
    app.set_cursor(row, 8);
    app.key(ctrl('l'), Instant::now());
    assert!(app.learning().is_some());
    let status = screen(&mut app, 160, 45).join("\n");
    assert!(
        status.contains("MIDI learn armed for filt.cutoff: move a controller (Esc cancels)"),
        "{status}"
    );
    let plan = app.plan_id();
    // A note is not a controller: still armed.
    fake.play(KEYS, &[0x90, 60, 90]);
    app.tick(Instant::now());
    assert!(app.learning().is_some());
    fake.play(KEYS, &[0xb1, 74, 33]);
    app.tick(Instant::now());
    assert!(app.learning().is_none());
    let text = app.text().to_string();
    assert!(
        text.contains("  cc74: {module: MidiCc, params: {cc: 74, channel: 2}}\n  out:"),
        "{text}"
    );
    assert!(text.contains(
        "  - \"cc74.out -> filt.cutoff_cv * 4.644\"  # learned: CC74 ch2 moves cutoff 800..20000 Hz\n"
    ));
    assert_eq!(app.cursor(), (row, 8), "the cursor stays on the parameter");
    assert!(app.plan_id() > plan, "committed");
    assert!(!app.is_uncommitted());
    let running = app.running().unwrap();
    assert!(running.valid.node_index("cc74").is_some());
    let notice = app.notice().unwrap().text.clone();
    assert!(
        notice.starts_with("learned CC74 ch2 -> filt.cutoff_cv as node `cc74`"),
        "{notice}"
    );
    // Saved with the patch.
    app.key(ctrl('s'), Instant::now());
    let saved = std::fs::read_to_string(dir.join("set.yaml")).unwrap();
    assert_eq!(saved, text);
    // One undo step takes it all back.
    app.key(ctrl('z'), Instant::now());
    assert_eq!(app.text(), FILTER);
}

#[test]
fn a_14_bit_controller_is_learned_as_its_msb_with_fine_on() {
    let dir = TempDir::new("midi-learn-fine");
    let mut app = open_text(&dir, FILTER);
    let fake = FakeMidi::new(&[KEYS]);
    app.sound_mut().open_midi(&fake, "all").unwrap();
    app.set_cursor(line_of(FILTER, "cutoff:") - 1, 8);
    app.key(ctrl('l'), Instant::now());
    // MSB of controller 7, then its LSB (39), as a 14-bit knob sends them.
    fake.play(KEYS, &[0xb0, 7, 64]);
    fake.play(KEYS, &[0xb0, 39, 17]);
    app.tick(Instant::now());
    assert!(
        app.text()
            .contains("  cc7: {module: MidiCc, params: {cc: 7, channel: 1, fine: true}}\n"),
        "{}",
        app.text()
    );
    assert!(app.text().contains("\"cc7.out -> filt.cutoff_cv * 4.644\""));
    assert!(app
        .notice()
        .unwrap()
        .text
        .starts_with("learned CC7 (14-bit) ch1 -> filt.cutoff_cv"));
}

#[test]
fn esc_disarms_and_a_whole_number_without_cv_input_says_so() {
    let dir = TempDir::new("midi-learn-esc");
    let text = FILTER.replace(
        "  out:\n",
        "  clk:\n    module: ClockSequencer\n    params:\n      beats_per_bar: 3\n  out:\n",
    );
    let mut app = open_text(&dir, &text);
    let fake = FakeMidi::new(&[KEYS]);
    app.sound_mut().open_midi(&fake, "all").unwrap();
    app.set_cursor(line_of(&text, "cutoff:") - 1, 6);
    app.key(ctrl('l'), Instant::now());
    assert!(app.learning().is_some());
    app.key(key(crossterm::event::KeyCode::Esc), Instant::now());
    assert!(app.learning().is_none());
    assert_eq!(
        app.notice().unwrap().text,
        "MIDI learn for filt.cutoff cancelled"
    );
    fake.play(KEYS, &[0xb0, 74, 33]);
    app.tick(Instant::now());
    assert_eq!(app.text(), text, "nothing learned after Esc");
    // A whole-number parameter without CV input cannot follow a knob.
    app.set_cursor(line_of(&text, "beats_per_bar:") - 1, 6);
    app.key(ctrl('l'), Instant::now());
    assert!(app.learning().is_none());
    assert_eq!(
        app.notice().unwrap().text,
        "MIDI learn: `beats_per_bar` of `clk` (ClockSequencer) is a whole number without a CV input (no `beats_per_bar_cv`), so it cannot be learned"
    );
}

#[test]
fn midi_learn_writes_a_modulation_for_a_float_parameter_without_cv_input() {
    let dir = TempDir::new("midi-learn-mod");
    let text = FILTER.replace(
        "  out:\n",
        "  sine:\n    module: SineOscillator\n    params:\n      frequency: 220\n  out:\n",
    );
    let mut app = open_text(&dir, &text);
    let fake = FakeMidi::new(&[KEYS]);
    app.sound_mut().open_midi(&fake, "all").unwrap();
    let row = line_of(&text, "frequency:") - 1;
    app.set_cursor(row, 8);
    app.key(ctrl('l'), Instant::now());
    assert!(app.learning().is_some());
    let plan = app.plan_id();
    fake.play(KEYS, &[0xb0, 21, 90]);
    app.tick(Instant::now());
    assert!(app.learning().is_none());
    let learned = app.text().to_string();
    assert!(
        learned.contains(
            "      frequency: {mod: cc21.out, from: 220, to: 20000}  # learned: CC21 ch1 moves frequency 220..20000 Hz\n  cc21: {module: MidiCc, params: {cc: 21, channel: 1}}\n  out:"
        ),
        "{learned}"
    );
    assert_eq!(app.cursor(), (row, 8), "the cursor stays on the parameter");
    assert!(app.plan_id() > plan, "committed");
    let running = app.running().unwrap();
    let sine = running.valid.node_index("sine").unwrap();
    let cc = running.valid.node_index("cc21").unwrap();
    assert_eq!(
        running
            .valid
            .mods
            .iter()
            .map(|m| (m.source, m.target, m.from, m.to))
            .collect::<Vec<_>>(),
        [(cc, sine, 220.0, 20000.0)]
    );
    let notice = app.notice().unwrap().text.clone();
    assert!(
        notice.starts_with(
            "learned CC21 ch1 -> sine.frequency as node `cc21` (modulation 220..20000: the full throw moves frequency 220..20000 Hz), committed"
        ),
        "{notice}"
    );
    // The inspector shows the modulation in place of the value.
    let rows = screen(&mut app, 160, 45).join("\n");
    assert!(rows.contains("frequency = ~ cc21.out 220..20000"), "{rows}");
    // One undo step takes it all back.
    app.key(ctrl('z'), Instant::now());
    assert_eq!(app.text(), text);
}

#[test]
fn midi_learn_without_midi_in_says_how_to_get_it() {
    let dir = TempDir::new("midi-learn-off");
    let mut app = open_text(&dir, FILTER);
    app.set_cursor(line_of(FILTER, "cutoff:") - 1, 6);
    app.key(ctrl('l'), Instant::now());
    assert!(app.learning().is_none());
    assert!(app
        .notice()
        .unwrap()
        .text
        .starts_with("MIDI learn needs MIDI in"));
}

#[test]
fn with_sync_midi_the_transport_follows_a_clock_from_the_fake_port() {
    let dir = TempDir::new("midi-sync");
    let mut app = open_text(&dir, SET);
    let fake = FakeMidi::new(&[KEYS]);
    app.sound_mut().open_midi(&fake, "all").unwrap();
    app.sound_mut().set_sync_midi(true);
    assert!(screen(&mut app, 160, 45)
        .join("\n")
        .contains("BPM (MIDI clock) · q off"));
    let beat = |app: &mut patches_tui::ui::app::App| {
        let bits = app.sound_mut().counters().beat.load(Ordering::Relaxed);
        f64::from_bits(bits)
    };
    let before = beat(&mut app);
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert!(
        beat(&mut app) > before,
        "before any MIDI it runs at the patch's tempo"
    );
    // Stop: the transport holds still however long the sound plays.
    fake.play(KEYS, &[0xfc]);
    std::thread::sleep(std::time::Duration::from_millis(100));
    let held = beat(&mut app);
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(beat(&mut app), held, "stopped: the transport holds");
    // Start: back to bar 1 beat 1.
    fake.play(KEYS, &[0xfa]);
    std::thread::sleep(std::time::Duration::from_millis(100));
    let (bar, beat, _) = app.sound_mut().bar_beat();
    assert_eq!((bar, beat), (1, 1));
}
