//! Editing keys through the app (no terminal): pages, indentation, completion, clipboard,
//! grouped undo, a reload as one undo step, search, go to line, errors, the mouse.

mod ui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use patches_tui::ui::keys::{markdown, BINDINGS};
use ratatui::layout::Rect;
use std::fs;
use std::time::Instant;
use ui_support::{ctrl, key, line_of, open_text, screen, type_text, TempDir, SET};

fn with(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

fn press(app: &mut patches_tui::ui::app::App, event: KeyEvent) {
    app.key(event, Instant::now());
}

#[test]
fn two_page_downs_scroll_the_view_past_line_ten() {
    let dir = TempDir::new("pages");
    let mut app = open_text(&dir, SET);
    screen(&mut app, 160, 45);
    press(&mut app, key(KeyCode::PageDown));
    press(&mut app, key(KeyCode::PageDown));
    let rows = screen(&mut app, 160, 45);
    let first: usize = rows[1]
        .trim_start_matches('│')
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(first >= 10, "top line {first}: {}", rows[1]);
    assert_eq!(app.top() + 1, first);
    assert!(app.cursor().0 >= first - 1);
    press(&mut app, with(KeyCode::Home, KeyModifiers::CONTROL));
    assert_eq!(app.cursor(), (0, 0));
    screen(&mut app, 160, 45);
    assert_eq!(app.top(), 0);
}

#[test]
fn tab_indents_and_completion_fills_in_a_module_name() {
    let dir = TempDir::new("complete");
    let mut app = open_text(&dir, "nodes:\n  a:\n    module: SineOscillator\n");
    press(&mut app, with(KeyCode::End, KeyModifiers::CONTROL));
    press(&mut app, key(KeyCode::Enter));
    press(&mut app, with(KeyCode::BackTab, KeyModifiers::SHIFT));
    press(&mut app, with(KeyCode::BackTab, KeyModifiers::SHIFT));
    press(&mut app, key(KeyCode::Tab));
    type_text(&mut app, "extra:\nmodule: Sawt");
    let offered = app
        .completion_candidates()
        .expect("the list opened by itself");
    assert_eq!(offered[0].0, "SawtoothOscillator");
    assert!(offered[0].1.contains("saw"), "{offered:?}");
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(
        app.text(),
        "nodes:\n  a:\n    module: SineOscillator\n  extra:\n    module: SawtoothOscillator\n"
    );
    press(&mut app, ctrl('s'));
    let saved = fs::read_to_string(dir.join("set.yaml")).unwrap();
    assert!(saved.contains("  extra:\n    module: SawtoothOscillator\n"));
}

#[test]
fn ctrl_space_offers_ports_and_escape_closes_the_list() {
    let dir = TempDir::new("ports");
    let mut app = open_text(&dir, SET);
    let row = line_of(SET, "input: trigger") - 1;
    let col = app.text().lines().nth(row).unwrap().len();
    app.set_cursor(row, col);
    for _ in 0.."trigger".len() {
        press(&mut app, key(KeyCode::Backspace));
    }
    press(&mut app, with(KeyCode::Char(' '), KeyModifiers::CONTROL));
    let offered = app.completion_candidates().expect("ports offered");
    assert!(
        offered.iter().any(|(label, _)| label == "trigger"),
        "{offered:?}"
    );
    press(&mut app, key(KeyCode::Esc));
    assert!(app.completion_candidates().is_none());
}

#[test]
fn copy_cut_and_paste_go_through_the_clipboard() {
    let dir = TempDir::new("clipboard");
    let mut app = open_text(&dir, "a: 1\nb: 2\nc: 3\n");
    press(&mut app, ctrl('a'));
    assert_eq!(app.selected_text(), "a: 1\nb: 2\nc: 3");
    press(&mut app, ctrl('c'));
    assert_eq!(
        app.take_system_clipboard().as_deref(),
        Some("a: 1\nb: 2\nc: 3")
    );
    app.set_cursor(0, 0);
    press(&mut app, ctrl('x'));
    assert_eq!(app.text(), "b: 2\nc: 3\n");
    assert_eq!(app.clipboard(), "a: 1\n");
    press(&mut app, key(KeyCode::Down));
    press(&mut app, ctrl('v'));
    assert_eq!(
        app.text(),
        "b: 2\na: 1\nc: 3\n",
        "a cut line goes in above the cursor's line"
    );
}

#[test]
fn undo_goes_a_word_at_a_time_and_a_reload_is_one_step() {
    let dir = TempDir::new("undo");
    let mut app = open_text(&dir, "a: 1\n");
    press(&mut app, with(KeyCode::End, KeyModifiers::CONTROL));
    type_text(&mut app, "\nfrequency: 440");
    press(&mut app, ctrl('z'));
    assert_eq!(app.text(), "a: 1\nfrequency: \n");
    press(&mut app, ctrl('z'));
    press(&mut app, ctrl('z'));
    assert_eq!(app.text(), "a: 1\n");
    press(&mut app, ctrl('y'));
    assert_eq!(app.text(), "a: 1\n\n");
    press(&mut app, ctrl('s'));
    fs::write(dir.join("set.yaml"), "b: 2\n").unwrap();
    app.disk_changed(Instant::now());
    assert_eq!(app.text(), "b: 2\n");
    press(&mut app, ctrl('z'));
    assert_eq!(
        app.text(),
        "a: 1\n\n",
        "the first undo gives the text before the reload"
    );
}

#[test]
fn search_and_go_to_line_move_the_cursor() {
    let dir = TempDir::new("find");
    let mut app = open_text(&dir, SET);
    press(&mut app, ctrl('f'));
    type_text(&mut app, "bass_vca:");
    assert_eq!(app.cursor().0, line_of(SET, "bass_vca:") - 1);
    press(&mut app, key(KeyCode::Esc));
    press(&mut app, ctrl('g'));
    type_text(&mut app, "12");
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(app.cursor(), (11, 0));
    let before = app.text().to_string();
    press(&mut app, with(KeyCode::Char('7'), KeyModifiers::CONTROL));
    assert!(app
        .text()
        .lines()
        .nth(11)
        .unwrap()
        .trim_start()
        .starts_with("# "));
    press(&mut app, with(KeyCode::Char('7'), KeyModifiers::CONTROL));
    assert_eq!(app.text(), before);
}

#[test]
fn f8_visits_every_error_and_the_list_shows_them_all() {
    let dir = TempDir::new("errors");
    let text = SET
        .replacen("module: ResonantLowpass", "module: ResonantLowpas", 1)
        .replacen("module: Vca", "module: Vcaa", 1);
    let mut app = open_text(&dir, &text);
    assert_eq!(app.errors().len(), 2);
    let lines: Vec<usize> = app.errors().iter().map(|e| e.line).collect();
    press(&mut app, key(KeyCode::F(8)));
    assert_eq!(app.cursor().0 + 1, lines[0]);
    press(&mut app, key(KeyCode::F(8)));
    assert_eq!(app.cursor().0 + 1, lines[1]);
    let rows = screen(&mut app, 160, 45);
    let status = &rows[44];
    assert!(status.contains("Vcaa"), "{status}");
    press(&mut app, ctrl('e'));
    let rows = screen(&mut app, 160, 45);
    assert!(rows.iter().any(|r| r.contains("2 errors")));
    assert!(
        rows.iter()
            .filter(|r| r.contains("ResonantLowpas`"))
            .count()
            >= 1
    );
    press(&mut app, key(KeyCode::Up));
    press(&mut app, key(KeyCode::Enter));
    assert_eq!(app.cursor().0 + 1, lines[0]);
}

#[test]
fn a_click_places_the_cursor_and_a_drag_selects() {
    let dir = TempDir::new("mouse");
    let mut app = open_text(&dir, SET);
    let screen_area = Rect::new(0, 0, 160, 45);
    screen(&mut app, 160, 45);
    let at = |kind, column, row| MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    };
    // Row 3 of the screen is line 3; the text starts after the border and a 5-cell gutter.
    app.mouse(
        at(MouseEventKind::Down(MouseButton::Left), 8, 3),
        screen_area,
        Instant::now(),
    );
    assert_eq!(app.cursor(), (2, 2));
    app.mouse(
        at(MouseEventKind::Drag(MouseButton::Left), 10, 4),
        screen_area,
        Instant::now(),
    );
    assert_eq!(app.cursor(), (3, 4));
    assert!(!app.selected_text().is_empty());
    app.mouse(
        at(MouseEventKind::ScrollDown, 10, 10),
        screen_area,
        Instant::now(),
    );
    assert_eq!(app.top(), 3);
}

#[test]
fn the_readme_lists_every_key_of_the_key_map() {
    let readme = include_str!("../README.md");
    assert!(
        readme.contains(&markdown()),
        "README's key table differs from the key map: paste `keys::markdown()`:\n{}",
        markdown()
    );
    assert!(BINDINGS.iter().any(|b| b.keys == "Ctrl-Space"));
}

#[test]
fn the_commit_summary_counts_cables() {
    let dir = TempDir::new("cables");
    let mut app = open_text(&dir, SET);
    press(&mut app, with(KeyCode::End, KeyModifiers::CONTROL));
    press(&mut app, key(KeyCode::Enter));
    press(&mut app, with(KeyCode::BackTab, KeyModifiers::SHIFT));
    type_text(
        &mut app,
        "- \"bass_env.out -> lead_filter.cutoff_cv * 0.5\"",
    );
    assert!(app.errors().is_empty(), "{:?}", app.errors());
    press(&mut app, ctrl('r'));
    let notice = app.notice().unwrap().text.clone();
    assert!(
        notice.contains("cables: 1 added, 0 removed, 0 rescaled"),
        "{notice}"
    );
    press(&mut app, key(KeyCode::Left));
    press(&mut app, key(KeyCode::Backspace));
    type_text(&mut app, "25");
    press(&mut app, ctrl('r'));
    let notice = app.notice().unwrap().text.clone();
    assert!(
        notice.contains("cables: 0 added, 0 removed, 1 rescaled"),
        "{notice}"
    );
}

#[test]
fn the_cursor_sits_on_its_cell_after_tabs_and_wide_characters_and_the_selection_shows() {
    use patches_tui::ui::view;
    use ratatui::backend::TestBackend;
    use ratatui::Terminal;
    let dir = TempDir::new("cells");
    let mut app = open_text(&dir, "# 音符\tx\nnodes:\n");
    app.set_cursor(0, 5);
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).unwrap();
    screen(&mut app, 120, 40);
    terminal.draw(|frame| view::draw(frame, &app)).unwrap();
    // Border, a 4-cell gutter, then `# ` (2), two wide characters (4), a tab to column 8.
    let cursor = terminal.get_cursor_position().unwrap();
    assert_eq!((cursor.x, cursor.y), (1 + 4 + 8, 1));
    let buffer = terminal.backend().buffer().clone();
    assert_eq!(buffer[(1 + 4 + 4, 1)].symbol(), "符");
    assert_eq!(buffer[(1 + 4 + 6, 1)].symbol(), "→");
    press(&mut app, ctrl('a'));
    terminal.draw(|frame| view::draw(frame, &app)).unwrap();
    let selection = app.theme().ui.selection;
    let buffer = terminal.backend().buffer();
    assert_eq!(
        buffer[(1 + 4, 2)].bg,
        selection,
        "selected text is highlighted"
    );
}
