//! The screen drawn with ratatui's `TestBackend` at 80x24, 120x40 and 200x60: every pane,
//! the selected node's ports and parameters, error markers on the right lines, and the
//! message when the terminal is too small.

mod ui_support;

use crossterm::event::KeyCode;
use std::time::Instant;
use ui_support::{key, line_of, open_text, screen, type_text, TempDir, SET};

const SIZES: [(u16, u16); 3] = [(80, 24), (120, 40), (200, 60)];

fn contains(screen: &[String], needle: &str) -> bool {
    screen.iter().any(|row| row.contains(needle))
}

fn assert_shows(screen: &[String], needle: &str) {
    assert!(
        contains(screen, needle),
        "`{needle}` is not on the screen:\n{}",
        screen.join("\n")
    );
}

#[test]
fn every_pane_is_drawn_at_every_size() {
    let dir = TempDir::new("panes");
    let mut app = open_text(&dir, SET);
    for (width, height) in SIZES {
        let rows = screen(&mut app, width, height);
        assert_eq!(rows.len(), usize::from(height));
        assert_shows(&rows, "set.yaml");
        assert_shows(&rows, "Inspector");
        assert_shows(&rows, "Meters");
        assert_shows(&rows, "master L");
        assert_shows(&rows, "null (no sound)");
        assert_shows(&rows, "DSP");
        assert_shows(&rows, "saved · valid");
        assert_shows(&rows, "playing");
        assert_shows(&rows, "committed: 0 kept, 0 changed, 16 added, 0 removed");
        assert_shows(&rows, "F1 help");
        assert_shows(&rows, "  3 nodes:");
        assert_shows(&rows, "new      clock");
    }
}

#[test]
fn the_selected_node_is_shown_with_its_ports_and_parameters() {
    let dir = TempDir::new("selected");
    let mut app = open_text(&dir, SET);
    app.set_cursor(line_of(SET, "bass_filter:") - 1, 4);
    for (width, height) in SIZES {
        // What does not fit is reached by scrolling the focused inspector (F2, PageDown).
        let mut rows = screen(&mut app, width, height);
        assert_shows(&rows, "bass_filter  ResonantLowpass");
        app.key(key(KeyCode::F(2)), Instant::now());
        for _ in 0..3 {
            app.key(key(KeyCode::PageDown), Instant::now());
            rows.extend(screen(&mut app, width, height));
        }
        app.key(key(KeyCode::Esc), Instant::now());
        assert_shows(&rows, "in <- bass.out");
        assert_shows(&rows, "cutoff_cv <- bass_env.out x2");
        assert_shows(&rows, "out -> bass_vca.in");
        assert_shows(&rows, "cutoff = 500");
        assert_shows(&rows, "resonance = 0.5");
    }
    app.set_cursor(line_of(SET, "  lfo:") - 1, 2);
    let rows = screen(&mut app, 200, 60);
    assert_shows(&rows, "frequency = 0.2");
    assert_shows(&rows, "default 440");
    assert_shows(&rows, "voct unconnected");
    assert_shows(&rows, "out -> lead.pulse_width x0.5");
}

#[test]
fn error_markers_are_on_the_lines_with_errors() {
    let dir = TempDir::new("markers");
    let mut app = open_text(&dir, SET);
    let module = line_of(SET, "module: ClockSequencer");
    app.set_cursor(module - 1, usize::MAX);
    type_text(&mut app, "X");
    let cutoff = line_of(SET, "cutoff: 500.0");
    app.set_cursor(cutoff - 1, usize::MAX);
    type_text(&mut app, "e9");
    assert_eq!(app.error_lines(), vec![module, cutoff]);
    app.set_cursor(module - 1, 0);
    for (width, height) in SIZES {
        let rows = screen(&mut app, width, height);
        let marked: Vec<usize> = rows
            .iter()
            .filter(|row| row.starts_with("│●"))
            .map(|row| {
                row.trim_start_matches("│●")
                    .split_whitespace()
                    .next()
                    .unwrap()
                    .parse()
                    .unwrap()
            })
            .collect();
        let visible: Vec<usize> = [module, cutoff]
            .into_iter()
            .filter(|&l| l <= usize::from(height) - 4)
            .collect();
        assert_eq!(marked, visible, "at {width}x{height}");
        assert_shows(&rows, &format!("2 errors: line {module}: unknown module"));
        assert_shows(&rows, "unsaved");
    }
}

#[test]
fn the_help_and_a_prompt_draw_over_the_panes() {
    let dir = TempDir::new("overlays");
    let mut app = open_text(&dir, SET);
    app.key(key(KeyCode::F(1)), Instant::now());
    let rows = screen(&mut app, 120, 40);
    assert_shows(&rows, "Ctrl-R / F5");
    assert_shows(&rows, "parameters:");
    app.key(key(KeyCode::Esc), Instant::now());
    type_text(&mut app, "#");
    app.key(ui_support::ctrl('q'), Instant::now());
    let rows = screen(&mut app, 80, 24);
    assert_shows(&rows, "There are unsaved changes.");
    assert_shows(&rows, "[d] discard and quit");
}

#[test]
fn a_terminal_too_small_gets_a_message_with_the_minimum_size() {
    let dir = TempDir::new("small");
    let mut app = open_text(&dir, SET);
    let rows = screen(&mut app, 50, 12);
    assert_shows(&rows, "50x12");
    assert_shows(&rows, "60x16");
    assert!(!contains(&rows, "Inspector"));
}

#[test]
fn the_inspector_describes_the_buffers_node_even_when_it_is_not_running() {
    let dir = TempDir::new("buffer-node");
    let mut app = open_text(&dir, SET);
    let filter = line_of(SET, "module: ResonantLowpass");
    // A typo in the module: the inspector says so instead of showing the running node.
    app.set_cursor(filter - 1, usize::MAX);
    type_text(&mut app, "x");
    let rows = screen(&mut app, 160, 45);
    assert_shows(&rows, "unknown module");
    assert_shows(&rows, "did you mean `ResonantLowpass`?");
    // A new node, never committed: its ports and parameters from the descriptor.
    app.set_cursor(filter - 1, usize::MAX);
    app.key(key(KeyCode::Backspace), std::time::Instant::now());
    let nodes = line_of(SET, "nodes:");
    app.set_cursor(nodes - 1, usize::MAX);
    type_text(&mut app, "\nwobble:\nmodule: SineOscillator\n");
    let rows = screen(&mut app, 160, 45);
    assert_shows(&rows, "wobble  SineOscillator  pending");
    assert_shows(&rows, "frequency = ");
    assert_shows(&rows, "voct unconnected  pitch");
}

#[test]
fn every_node_has_a_meter_row_and_control_rows_have_no_clip_mark() {
    let dir = TempDir::new("meters");
    let mut app = open_text(&dir, SET);
    let rows = screen(&mut app, 160, 45);
    let meters: Vec<&String> = rows.iter().skip_while(|r| !r.contains("Meters")).collect();
    for node in ["clock", "bass_seq", "bass_env", "lead_glide", "mix"] {
        assert!(
            meters.iter().any(|r| r.contains(&format!("││{node} "))),
            "no row for {node}:\n{}",
            rows.join("\n")
        );
    }
    let pitch = meters.iter().find(|r| r.contains("││bass_seq")).unwrap();
    assert!(
        pitch.contains("V pitch") && !pitch.contains(" C "),
        "{pitch}"
    );
    // The cursor's node keeps its row in view on a small screen, highlighted.
    app.set_cursor(line_of(SET, "  mix:") - 1, 2);
    let rows = screen(&mut app, 80, 24);
    assert!(
        rows.iter().any(|r| r.contains("││mix ")),
        "{}",
        rows.join("\n")
    );
    assert!(rows
        .iter()
        .any(|r| r.contains("more · wheel, or F2 and ↑↓")));
    // Muted: the master rows stop and say so.
    app.key(key(KeyCode::F(12)), Instant::now());
    let rows = screen(&mut app, 160, 45);
    let master: Vec<&String> = rows.iter().filter(|r| r.contains("master ")).collect();
    assert_eq!(master.len(), 2);
    assert!(
        master.iter().all(|r| r.contains("muted (F12)")),
        "{master:?}"
    );
}

#[test]
fn a_length_change_shows_the_sequencer_as_reshaped() {
    let dir = TempDir::new("reshaped");
    let mut app = open_text(&dir, SET);
    let length = line_of(SET, "length: 8");
    app.set_cursor(length - 1, usize::MAX);
    app.key(key(KeyCode::Backspace), Instant::now());
    type_text(&mut app, "16");
    assert!(app.errors().is_empty(), "{:?}", app.errors());
    app.key(ui_support::ctrl('r'), Instant::now());
    assert_eq!(
        app.badge("bass_seq"),
        Some(patches_tui::ui::app::Badge::Reshaped)
    );
    let summary = app.summary().expect("committed");
    assert_eq!(summary.reshaped, ["bass_seq"]);
    assert!(summary.added.is_empty(), "{:?}", summary.added);
    for (width, height) in SIZES {
        let rows = screen(&mut app, width, height);
        assert_shows(&rows, "reshaped bass_seq");
        assert_shows(&rows, "committed: 15 kept, 0 changed, 1 reshaped, 0 added");
    }
}

/// The meter rows on screen (`││name ...` in the meters pane), by node name (a row shows
/// the first 10 characters of it).
fn meter_names(rows: &[String]) -> Vec<String> {
    rows.iter()
        .skip_while(|r| !r.contains("Meters"))
        .filter_map(|r| r.split("││").nth(1))
        .filter_map(|r| r.split_whitespace().next())
        .filter_map(|shown| {
            SET_NODES
                .iter()
                .find(|n| **n == shown || (shown.len() == 10 && n.starts_with(shown)))
        })
        .map(|n| n.to_string())
        .collect()
}

#[test]
fn the_wheel_over_the_meters_scrolls_their_rows_and_the_count_of_hidden_ones_follows() {
    use crossterm::event::{KeyModifiers, MouseEvent, MouseEventKind};
    use patches_tui::ui::view::layout::panes;
    use ratatui::layout::Rect;
    let dir = TempDir::new("meter-wheel");
    let mut app = open_text(&dir, SET);
    let (width, height) = (80, 24);
    let screen_rect = Rect::new(0, 0, width, height);
    let meters = panes(screen_rect).unwrap().meters;
    let wheel = |app: &mut patches_tui::ui::app::App, kind| {
        let event = MouseEvent {
            kind,
            column: meters.x + 5,
            row: meters.y + meters.height / 2,
            modifiers: KeyModifiers::NONE,
        };
        app.mouse(event, screen_rect, Instant::now());
    };
    app.set_cursor(0, 0);
    let before = screen(&mut app, width, height);
    let shown = meter_names(&before);
    assert!(
        shown.len() >= 2 && shown.len() < SET_NODES.len(),
        "{shown:?}"
    );
    assert_eq!(shown[0], "clock");
    let hidden = SET_NODES.len() - shown.len();
    assert_shows(&before, &format!("↑0 ↓{hidden} more"));
    for _ in 0..3 {
        wheel(&mut app, MouseEventKind::ScrollDown);
    }
    let scrolled = screen(&mut app, width, height);
    let names = meter_names(&scrolled);
    assert_eq!(names.len(), shown.len());
    assert_eq!(names[0], SET_NODES[3], "three rows down");
    assert_shows(&scrolled, &format!("↑3 ↓{} more", hidden - 3));
    // The count sits at the right edge of the pane.
    let more = scrolled.iter().find(|r| r.contains("more ·")).unwrap();
    assert!(more.trim_end().ends_with("↑↓│"), "{more}");
    // Past the end the wheel stops at the last row; back up it returns.
    for _ in 0..40 {
        wheel(&mut app, MouseEventKind::ScrollDown);
    }
    let end = screen(&mut app, width, height);
    assert_eq!(meter_names(&end).last().map(String::as_str), Some("mix"));
    assert_shows(&end, &format!("↑{hidden} ↓0 more"));
    wheel(&mut app, MouseEventKind::ScrollUp);
    assert_shows(
        &screen(&mut app, width, height),
        &format!("↑{} ↓1 more", hidden - 1),
    );
    // Putting the cursor on another node makes the rows follow it again.
    app.set_cursor(line_of(SET, "  clock:") - 1, 2);
    assert_eq!(meter_names(&screen(&mut app, width, height))[0], "clock");
}

/// The set's nodes with an output (each has a meter row), in order.
const SET_NODES: [&str; 15] = [
    "clock",
    "bass_seq",
    "bass",
    "bass_env",
    "bass_filter",
    "bass_vca",
    "lead_seq",
    "lead_glide",
    "lead",
    "lfo",
    "lead_env",
    "lead_filter",
    "lead_vca",
    "drone",
    "mix",
];
