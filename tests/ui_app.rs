//! The live-coding screen's state and rules, without a terminal: commits, badges, quitting,
//! changes on disk, saving and recovery (on the null backend).

mod ui_support;

use crossterm::event::KeyCode;
use patches_tui::ui::app::{Badge, Focus, Options, Prompt, STARTER_PATCH};
use patches_tui::ui::keys::Action;
use std::fs;
use std::time::{Duration, Instant};
use ui_support::{ctrl, key, line_of, open, open_text, type_text, TempDir, SET};

#[test]
fn an_invalid_buffer_is_never_committed_and_the_last_good_patch_plays_on() {
    let dir = TempDir::new("invalid-commit");
    let mut app = open_text(&dir, SET);
    assert!(app.errors().is_empty());
    assert_eq!(app.plan_id(), 1, "a valid file is committed at start");
    let line = line_of(SET, "module: ClockSequencer");
    app.set_cursor(line - 1, usize::MAX);
    type_text(&mut app, "X");
    assert_eq!(
        app.error_lines(),
        vec![line],
        "the error is on the edited line"
    );
    app.key(ctrl('r'), Instant::now());
    app.key(key(KeyCode::F(5)), Instant::now());
    assert_eq!(app.plan_id(), 1, "nothing was planned");
    assert!(app.running().unwrap().valid.node_index("clock").is_some());
    let notice = app.notice().unwrap().text.clone();
    assert!(notice.contains("not committed"), "{notice}");
    assert!(notice.contains(&format!("line {line}")), "{notice}");
}

#[test]
fn a_valid_commit_sets_the_inspector_badges() {
    let dir = TempDir::new("badges");
    let mut app = open_text(&dir, SET);
    assert_eq!(app.badge("clock"), Some(Badge::New));
    let bpm = line_of(SET, "bpm: 112.0");
    app.set_cursor(bpm - 1, usize::MAX);
    for _ in 0..5 {
        app.key(key(KeyCode::Backspace), Instant::now());
    }
    type_text(&mut app, "90.0");
    let out = line_of(SET, "  out:");
    app.set_cursor(out - 1, 0);
    app.paste("  extra:\n    module: SineOscillator\n", Instant::now());
    assert!(app.errors().is_empty(), "{:?}", app.errors());
    app.key(ctrl('r'), Instant::now());
    assert_eq!(app.plan_id(), 2);
    assert_eq!(app.badge("clock"), Some(Badge::Changed));
    assert_eq!(app.badge("bass"), Some(Badge::Kept));
    assert_eq!(app.badge("extra"), Some(Badge::New));
    let summary = app.summary().unwrap();
    assert_eq!((summary.changed.len(), summary.added.len()), (1, 1));
    assert!(app
        .notice()
        .unwrap()
        .text
        .starts_with("committed: 15 kept, 1 changed, 1 added"));
}

#[test]
fn removed_nodes_are_listed_until_the_next_commit() {
    let dir = TempDir::new("removed");
    let mut app = open_text(&dir, SET);
    let without_drone = SET
        .replace(
            "  drone:\n    module: SineOscillator\n    params:\n      frequency: 110.0\n",
            "",
        )
        .replace(
            "  - from: drone\n    output: out\n    to: mix\n    input: in/2\n    scale: 0.08\n",
            "",
        );
    fs::write(dir.join("set.yaml"), &without_drone).unwrap();
    app.disk_changed(Instant::now());
    assert_eq!(
        app.text(),
        without_drone,
        "a clean buffer takes the new text"
    );
    assert_eq!(app.plan_id(), 2, "and commits it");
    assert_eq!(app.badge("drone"), Some(Badge::Removed));
    assert!(app.node_list().contains(&("drone", "SineOscillator")));
    app.key(ctrl('r'), Instant::now());
    assert_eq!(app.badge("drone"), None);
    assert!(!app.node_list().iter().any(|(n, _)| *n == "drone"));
}

#[test]
fn quitting_with_unsaved_changes_asks_to_save_discard_or_cancel() {
    let dir = TempDir::new("quit");
    let mut app = open_text(&dir, SET);
    app.key(ctrl('q'), Instant::now());
    assert!(app.should_quit(), "a clean buffer quits at once");

    let mut app = open_text(&dir, SET);
    type_text(&mut app, "# note\n");
    app.key(ctrl('q'), Instant::now());
    assert_eq!(app.prompt(), Some(&Prompt::Quit));
    assert!(!app.should_quit());
    app.key(key(KeyCode::Char('c')), Instant::now());
    assert_eq!(app.prompt(), None);
    assert!(!app.should_quit());
    app.key(ctrl('q'), Instant::now());
    app.key(key(KeyCode::Char('s')), Instant::now());
    assert!(app.should_quit());
    let disk = fs::read_to_string(dir.join("set.yaml")).unwrap();
    assert!(disk.starts_with("# note\n"), "saved before quitting");

    let mut app = open_text(&dir, SET);
    type_text(&mut app, "# gone\n");
    app.key(ctrl('q'), Instant::now());
    app.key(key(KeyCode::Char('d')), Instant::now());
    assert!(app.should_quit());
    assert_eq!(fs::read_to_string(dir.join("set.yaml")).unwrap(), SET);
}

#[test]
fn a_change_on_disk_with_unsaved_changes_shows_a_notice_and_never_overwrites() {
    let dir = TempDir::new("external");
    let path = dir.join("set.yaml");
    let mut app = open_text(&dir, SET);
    type_text(&mut app, "# mine\n");
    let theirs = SET.replace("bpm: 112.0", "bpm: 100.0");
    fs::write(&path, &theirs).unwrap();
    app.disk_changed(Instant::now());
    assert_eq!(app.prompt(), Some(&Prompt::ExternalChange));
    assert!(
        app.text().starts_with("# mine\n"),
        "the buffer is untouched"
    );
    assert_eq!(app.plan_id(), 1, "nothing was committed");
    app.key(key(KeyCode::Char('r')), Instant::now());
    assert_eq!(app.text(), theirs);
    assert_eq!(app.plan_id(), 2, "their version is committed");
    assert!(!app.is_dirty());

    app.set_cursor(0, 0);
    type_text(&mut app, "# mine again\n");
    fs::write(&path, SET).unwrap();
    app.disk_changed(Instant::now());
    app.key(key(KeyCode::Char('k')), Instant::now());
    assert!(app.text().starts_with("# mine again\n"));
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        SET,
        "theirs stays on disk"
    );
}

#[test]
fn saving_over_a_version_on_disk_the_buffer_has_not_seen_asks_first() {
    let dir = TempDir::new("overwrite");
    let path = dir.join("set.yaml");
    let mut app = open_text(&dir, SET);
    type_text(&mut app, "# mine\n");
    let theirs = format!("# theirs\n{SET}");
    fs::write(&path, &theirs).unwrap();
    app.key(ctrl('s'), Instant::now());
    assert_eq!(app.prompt(), Some(&Prompt::Overwrite));
    assert_eq!(fs::read_to_string(&path).unwrap(), theirs);
    app.key(key(KeyCode::Char('c')), Instant::now());
    assert_eq!(fs::read_to_string(&path).unwrap(), theirs);
    app.key(ctrl('s'), Instant::now());
    app.key(key(KeyCode::Char('o')), Instant::now());
    assert_eq!(fs::read_to_string(&path).unwrap(), app.text());
    assert!(!app.is_dirty());
}

#[test]
fn save_writes_the_file_and_commits() {
    let dir = TempDir::new("save");
    let path = dir.join("set.yaml");
    let mut app = open_text(&dir, SET);
    let bpm = line_of(SET, "bpm: 112.0");
    app.set_cursor(bpm - 1, usize::MAX);
    app.key(key(KeyCode::Backspace), Instant::now());
    type_text(&mut app, "5");
    app.key(ctrl('s'), Instant::now());
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        SET.replace("112.0", "112.5")
    );
    assert_eq!(app.plan_id(), 2);
    assert!(!app.is_dirty());
    assert_eq!(app.badge("clock"), Some(Badge::Changed));
    app.disk_changed(Instant::now());
    assert_eq!(app.plan_id(), 2, "its own save is not a change on disk");
}

#[test]
fn the_recovery_file_is_written_while_dirty_and_offered_on_the_next_start() {
    let dir = TempDir::new("recovery");
    let path = dir.join("set.yaml");
    let data = dir.join("data");
    let mut app = open_text(&dir, SET);
    let start = Instant::now();
    type_text(&mut app, "# unsaved work\n");
    app.tick(start + Duration::from_secs(1));
    let recovery = app.recovery().unwrap().clone();
    assert!(!recovery.file.exists(), "not before the interval");
    app.tick(start + Duration::from_secs(6));
    assert_eq!(fs::read_to_string(&recovery.file).unwrap(), app.text());
    let sidecar = fs::read_to_string(&recovery.sidecar).unwrap();
    assert!(sidecar.contains("set.yaml"));
    let buffer = app.text().to_string();
    drop(app);

    let mut app = open(&path, &data, Options::default());
    assert_eq!(app.prompt(), Some(&Prompt::Restore));
    assert_eq!(app.text(), SET);
    app.key(key(KeyCode::Char('y')), Instant::now());
    assert_eq!(app.text(), buffer);
    assert!(app.is_dirty());
    app.key(ctrl('s'), Instant::now());
    assert!(!recovery.file.exists(), "a save removes the recovery file");

    let app = open(&path, &data, Options::default());
    assert_eq!(app.prompt(), None);
}

#[test]
fn a_missing_file_opens_the_starter_patch_and_is_created_on_save() {
    let dir = TempDir::new("missing");
    let path = dir.join("new.yaml");
    let mut app = open(&path, &dir.join("data"), Options::default());
    assert_eq!(app.text(), STARTER_PATCH);
    assert_eq!(app.plan_id(), 1, "the starter patch plays");
    assert!(!path.exists());
    app.key(ctrl('s'), Instant::now());
    assert_eq!(fs::read_to_string(&path).unwrap(), STARTER_PATCH);
}

#[test]
fn an_invalid_file_opens_silent_with_its_errors() {
    let dir = TempDir::new("invalid-file");
    let app = open_text(&dir, &SET.replace("module: Vca", "module: Vcaa"));
    assert_eq!(app.plan_id(), 0);
    assert!(app.running().is_none());
    assert_eq!(app.errors().len(), 2);
    assert!(
        app.errors()[0].message.contains("did you mean"),
        "{:?}",
        app.errors()
    );
}

#[test]
fn auto_commit_waits_for_the_value_being_typed() {
    let dir = TempDir::new("auto");
    let path = dir.join("set.yaml");
    fs::write(&path, SET).unwrap();
    let mut app = open(&path, &dir.join("data"), Options { auto_commit: true });
    let start = Instant::now();
    let bpm = line_of(SET, "bpm: 112.0");
    app.set_cursor(bpm - 1, usize::MAX);
    app.key(key(KeyCode::Backspace), start);
    app.key(key(KeyCode::Char('5')), start);
    app.tick(start + Duration::from_millis(350));
    assert_eq!(
        app.plan_id(),
        1,
        "the cursor still ends the number being typed"
    );
    app.tick(start + Duration::from_millis(1600));
    assert_eq!(app.plan_id(), 2, "a longer pause commits it");
    app.key(key(KeyCode::Backspace), start);
    app.key(key(KeyCode::Char('0')), start);
    let moved = start + Duration::from_millis(200);
    app.key(key(KeyCode::Down), moved);
    app.tick(moved + Duration::from_millis(100));
    assert_eq!(app.plan_id(), 2);
    app.tick(moved + Duration::from_millis(350));
    assert_eq!(app.plan_id(), 3, "the cursor left the value: 300 ms");
    app.apply(Action::ToggleAutoCommit, start);
    assert!(!app.auto_commit());
}

#[test]
fn the_inspector_follows_the_cursor_and_enter_jumps_to_a_definition() {
    let dir = TempDir::new("inspector");
    let mut app = open_text(&dir, SET);
    let filter = line_of(SET, "bass_filter:");
    app.set_cursor(filter + 2, 0);
    assert_eq!(app.selected().as_deref(), Some("bass_filter"));
    app.key(key(KeyCode::F(2)), Instant::now());
    assert_eq!(app.focus(), Focus::Inspector);
    assert_eq!(app.selected().as_deref(), Some("bass_filter"));
    app.key(key(KeyCode::Down), Instant::now());
    assert_eq!(app.selected().as_deref(), Some("bass_vca"));
    app.key(key(KeyCode::Enter), Instant::now());
    assert_eq!(app.focus(), Focus::Editor);
    assert_eq!(app.cursor(), (line_of(SET, "bass_vca:") - 1, 2));
}

#[test]
fn a_crash_writes_the_buffer_to_the_recovery_file_and_says_where() {
    let dir = TempDir::new("crash");
    let path = dir.join("set.yaml");
    let data = dir.join("data");
    let mut app = open_text(&dir, SET);
    type_text(&mut app, "# work in progress\n");
    let buffer = app.text().to_string();
    let message = patches_tui::ui::run::guarded(&mut app, |_| panic!("a bug")).unwrap_err();
    let recovery = app.recovery().unwrap().clone();
    assert!(
        message.contains(&recovery.file.display().to_string()),
        "the message names the recovery file: {message}"
    );
    assert_eq!(fs::read_to_string(&recovery.file).unwrap(), buffer);
    drop(app);
    let app = open(&path, &data, Options::default());
    assert_eq!(
        app.prompt(),
        Some(&Prompt::Restore),
        "offered on the next start"
    );
}

#[test]
fn ctrl_t_without_link_says_start_and_stop_are_links_and_the_transport_runs_on() {
    let dir = TempDir::new("ctrl-t");
    let mut app = open_text(&dir, SET);
    let counters = app.sound_mut().counters().clone();
    app.key(ctrl('t'), Instant::now());
    let rows = ui_support::screen(&mut app, 160, 45);
    assert!(
        rows.iter()
            .any(|r| r.contains("start / stop is Link's: the transport runs")),
        "{}",
        rows.join("\n")
    );
    let beat = || counters.beat.load(std::sync::atomic::Ordering::Relaxed);
    let before = beat();
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert_ne!(beat(), before, "the transport runs on");
}

#[test]
fn ctrl_p_panics_and_says_so_in_the_status_line() {
    let dir = TempDir::new("panic");
    let mut app = open_text(&dir, SET);
    app.key(ctrl('p'), Instant::now());
    let rows = ui_support::screen(&mut app, 160, 45);
    assert!(
        rows.iter()
            .any(|r| r.contains("panic: silenced and every node reset")),
        "{}",
        rows.join("\n")
    );
    // The help lists the key.
    app.key(key(KeyCode::F(1)), Instant::now());
    let rows = ui_support::screen(&mut app, 160, 45);
    assert!(
        rows.iter()
            .any(|r| r.contains("Ctrl-P") && r.contains("panic")),
        "{}",
        rows.join("\n")
    );
}

fn alt(c: char) -> crossterm::event::KeyEvent {
    crossterm::event::KeyEvent::new(KeyCode::Char(c), crossterm::event::KeyModifiers::ALT)
}

/// The meter row of node `name` (its name, padded to 10 columns, follows the frame).
fn meter_row<'a>(rows: &'a [String], name: &str) -> &'a str {
    let label = format!("││{name:<10} ");
    rows.iter()
        .find(|r| r.contains(&label))
        .unwrap_or_else(|| panic!("no row for {name}:\n{}", rows.join("\n")))
}

#[test]
fn alt_m_mutes_and_alt_s_solos_the_node_under_the_cursor_on_its_meter_row() {
    let dir = TempDir::new("mute");
    let mut app = open_text(&dir, SET);
    app.set_cursor(line_of(SET, "  bass:") - 1, 2);
    app.key(alt('m'), Instant::now());
    let rows = ui_support::screen(&mut app, 160, 45);
    assert!(
        meter_row(&rows, "bass").contains(" muted"),
        "{}",
        rows.join("\n")
    );
    assert!(!meter_row(&rows, "drone").contains(" muted"));
    assert!(rows.iter().any(|r| r.contains("muted bass")));
    app.key(alt('m'), Instant::now());
    let rows = ui_support::screen(&mut app, 160, 45);
    assert!(!meter_row(&rows, "bass").contains(" muted"));

    // Solo the drone: it and what it feeds play, everything else is muted.
    app.set_cursor(line_of(SET, "  drone:") - 1, 2);
    app.key(alt('s'), Instant::now());
    let rows = ui_support::screen(&mut app, 160, 45);
    assert!(meter_row(&rows, "drone").contains(" solo"));
    assert!(!meter_row(&rows, "mix").contains(" muted"));
    for other in ["bass", "lead", "clock", "lfo"] {
        assert!(meter_row(&rows, other).contains(" muted"), "{other}");
    }
    app.key(alt('s'), Instant::now());
    let rows = ui_support::screen(&mut app, 160, 45);
    assert!(!meter_row(&rows, "bass").contains(" muted"));
    assert!(!meter_row(&rows, "drone").contains(" solo"));
}
