use super::*;

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn with(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

fn typed(editor: &mut Editor, text: &str) {
    for c in text.chars() {
        editor.key(key(KeyCode::Char(c)));
    }
}

#[test]
fn enter_indents_one_step_after_a_key_and_keeps_it_otherwise() {
    let mut editor = Editor::new("nodes:\n  osc:\n");
    editor.set_cursor(1, 6);
    assert!(editor.key(key(KeyCode::Enter)));
    typed(&mut editor, "module: SineOscillator");
    editor.key(key(KeyCode::Enter));
    typed(&mut editor, "x");
    assert_eq!(
        editor.text(),
        "nodes:\n  osc:\n    module: SineOscillator\n    x\n"
    );
}

#[test]
fn enter_after_a_list_item_lines_up_the_next_key_or_item() {
    let mut editor = Editor::new("cables:\n  - from: a\n  - \"a.out -> b.in\"\n");
    editor.set_cursor(1, 11);
    editor.key(key(KeyCode::Enter));
    typed(&mut editor, "x");
    editor.set_cursor(3, 99);
    editor.key(key(KeyCode::Enter));
    typed(&mut editor, "y");
    assert_eq!(
        editor.text(),
        "cables:\n  - from: a\n    x\n  - \"a.out -> b.in\"\n  y\n"
    );
}

#[test]
fn tab_indents_by_two_spaces_and_shift_tab_outdents_a_selection() {
    let mut editor = Editor::new("a:\nb\nc\n");
    editor.set_cursor(1, 0);
    editor.key(key(KeyCode::Tab));
    typed(&mut editor, "x:");
    assert_eq!(editor.lines()[1], "  x:b");
    assert!(!editor.text().contains('\t'));
    editor.set_cursor(0, 0);
    editor.key(with(KeyCode::Down, KeyModifiers::SHIFT));
    editor.key(with(KeyCode::Down, KeyModifiers::SHIFT));
    editor.key(with(KeyCode::Right, KeyModifiers::SHIFT));
    editor.key(key(KeyCode::Tab));
    assert_eq!(editor.text(), "  a:\n    x:b\n  c\n");
    editor.key(with(KeyCode::BackTab, KeyModifiers::SHIFT));
    editor.key(with(KeyCode::BackTab, KeyModifiers::SHIFT));
    assert_eq!(editor.text(), "a:\nx:b\nc\n");
}

#[test]
fn undo_takes_back_a_word_at_a_time() {
    let mut editor = Editor::new("\n");
    typed(&mut editor, "frequency: 440");
    assert!(editor.undo());
    assert_eq!(editor.text(), "frequency: \n");
    assert!(editor.undo());
    assert_eq!(editor.text(), "\n");
    assert!(!editor.undo());
    assert!(editor.redo());
    assert!(editor.redo());
    assert_eq!(editor.text(), "frequency: 440\n");
}

#[test]
fn a_replace_is_one_undo_step() {
    let mut editor = Editor::new("a: 1\n");
    typed(&mut editor, "x");
    editor.replace("b: 2\nc: 3\n");
    assert!(editor.undo());
    assert_eq!(editor.text(), "xa: 1\n");
    assert!(editor.redo());
    assert_eq!(editor.text(), "b: 2\nc: 3\n");
}

#[test]
fn a_visible_selection_is_cut_and_pasted_back() {
    let mut editor = Editor::new("hello world\n");
    editor.key(with(
        KeyCode::Right,
        KeyModifiers::CONTROL | KeyModifiers::SHIFT,
    ));
    assert_eq!(editor.selection(), Some(((0, 0), (0, 5))));
    let cut = editor.cut();
    assert_eq!(cut, "hello");
    assert_eq!(editor.text(), " world\n");
    editor.key(key(KeyCode::End));
    assert!(editor.paste(&cut));
    assert_eq!(editor.text(), " worldhello\n");
    assert!(editor.undo());
    assert_eq!(editor.text(), " world\n");
}

#[test]
fn ctrl_home_and_end_go_to_the_ends_of_the_file_and_pages_move_by_the_view() {
    let text: String = (1..=100).map(|i| format!("line{i}\n")).collect();
    let mut editor = Editor::new(&text);
    editor.set_page(30);
    editor.key(with(KeyCode::End, KeyModifiers::CONTROL));
    assert_eq!(editor.cursor(), (99, 7));
    editor.key(with(KeyCode::Home, KeyModifiers::CONTROL));
    assert_eq!(editor.cursor(), (0, 0));
    editor.key(key(KeyCode::PageDown));
    editor.key(key(KeyCode::PageDown));
    assert_eq!(editor.cursor().0, 60);
    editor.key(key(KeyCode::PageUp));
    assert_eq!(editor.cursor().0, 30);
}

#[test]
fn toggle_comment_comments_and_uncomments_the_selected_lines() {
    let mut editor = Editor::new("  a: 1\n    b: 2\n");
    editor.select_all();
    assert!(editor.toggle_comment());
    assert_eq!(editor.text(), "  # a: 1\n  #   b: 2\n");
    editor.select_all();
    assert!(editor.toggle_comment());
    assert_eq!(editor.text(), "  a: 1\n    b: 2\n");
}

#[test]
fn find_selects_the_next_match_and_wraps() {
    let mut editor = Editor::new("osc: 1\nOsc2: 2\nx: osc\n");
    assert!(editor.find("osc", false));
    assert_eq!(editor.selection(), Some(((0, 0), (0, 3))));
    assert!(editor.find("osc", false));
    assert_eq!(editor.cursor(), (1, 3));
    assert!(editor.find("osc", false));
    assert_eq!(editor.cursor(), (2, 6));
    assert!(editor.find("osc", false));
    assert_eq!(editor.cursor(), (0, 3));
    assert!(editor.find("osc", true));
    assert_eq!(editor.cursor(), (2, 6));
    assert!(!editor.find("nothing", false));
}

#[test]
fn backspace_in_the_indentation_takes_one_step() {
    let mut editor = Editor::new("    x\n");
    editor.set_cursor(0, 4);
    editor.key(key(KeyCode::Backspace));
    assert_eq!(editor.text(), "  x\n");
}
