//! The screen and the file on disk: saves that respect links and permissions, quitting
//! that never drops the only copy of the text, status against the disk, recovery files.

mod ui_support;

use crossterm::event::KeyCode;
use patches_tui::ui::app::{NoticeKind, Prompt};
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::time::Instant;
use ui_support::{ctrl, key, open_text, type_text, TempDir, SET};

/// The notice's text, or "".
fn notice(app: &patches_tui::ui::app::App) -> String {
    app.notice().map(|n| n.text.clone()).unwrap_or_default()
}

#[test]
fn saving_through_a_symlink_writes_the_target_and_keeps_the_link() {
    let dir = TempDir::new("symlink");
    let target = dir.join("real.yaml");
    let link = dir.join("set.yaml");
    fs::write(&target, SET).unwrap();
    std::os::unix::fs::symlink("real.yaml", &link).unwrap();
    let mut app = ui_support::open(&link, &dir.join("data"), Default::default());
    type_text(&mut app, "# through the link\n");
    app.key(ctrl('s'), Instant::now());
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink(),
        "the link is still a link"
    );
    assert_eq!(
        fs::read_link(&link).unwrap(),
        std::path::Path::new("real.yaml")
    );
    let written = fs::read_to_string(&target).unwrap();
    assert!(written.starts_with("# through the link\n"), "{written}");
    assert!(!app.is_dirty());
}

#[test]
fn a_save_keeps_the_files_mode_and_owner() {
    let dir = TempDir::new("mode");
    let path = dir.join("set.yaml");
    fs::write(&path, SET).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    // Only root may give a file away: then the save must keep another owner.
    let other = 4321;
    let owner = if std::os::unix::fs::chown(&path, Some(other), Some(other)).is_ok() {
        other
    } else {
        fs::metadata(&path).unwrap().uid()
    };
    let mut app = ui_support::open(&path, &dir.join("data"), Default::default());
    type_text(&mut app, "# mode\n");
    app.key(ctrl('s'), Instant::now());
    let meta = fs::metadata(&path).unwrap();
    assert!(fs::read_to_string(&path).unwrap().starts_with("# mode\n"));
    assert_eq!(meta.mode() & 0o7777, 0o640);
    assert_eq!(meta.uid(), owner);
}

#[test]
fn a_read_only_file_is_never_replaced() {
    let dir = TempDir::new("read-only");
    let path = dir.join("set.yaml");
    fs::write(&path, SET).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
    let mut app = ui_support::open(&path, &dir.join("data"), Default::default());
    type_text(&mut app, "# not allowed\n");
    app.key(ctrl('s'), Instant::now());
    assert_eq!(fs::read_to_string(&path).unwrap(), SET);
    assert_eq!(fs::metadata(&path).unwrap().mode() & 0o777, 0o444);
    assert!(notice(&app).contains("read-only"), "{}", notice(&app));
    assert_eq!(app.notice().unwrap().kind, NoticeKind::Error);
    assert!(app.is_dirty());

    // Quitting still asks, and "save and quit" does not quit when the save fails.
    app.key(ctrl('q'), Instant::now());
    assert_eq!(app.prompt(), Some(&Prompt::Quit));
    app.key(key(KeyCode::Char('s')), Instant::now());
    assert!(!app.should_quit());
    assert_eq!(fs::read_to_string(&path).unwrap(), SET);
}

/// sysfs takes no new files, not even from root (whom a directory mode of 0555 does not
/// stop, so a chmod would test nothing here).
#[cfg(target_os = "linux")]
#[test]
fn a_read_only_directory_is_named_as_the_reason() {
    let dir = TempDir::new("read-only-dir");
    let path = std::path::Path::new("/sys/patches-tui-set.yaml");
    let mut app = ui_support::open(path, &dir.join("data"), Default::default());
    type_text(&mut app, "# nowhere to go\n");
    app.key(ctrl('s'), Instant::now());
    let text = notice(&app);
    assert!(text.contains("the directory /sys is read-only"), "{text}");
    assert!(app.is_dirty());
    assert!(!path.exists());
}

#[test]
fn a_plain_save_still_works() {
    let dir = TempDir::new("plain");
    let mut app = open_text(&dir, SET);
    type_text(&mut app, "# plain\n");
    app.key(ctrl('s'), Instant::now());
    assert!(fs::read_to_string(dir.join("set.yaml"))
        .unwrap()
        .starts_with("# plain\n"));
}

#[test]
fn keeping_the_buffer_then_undoing_stays_unsaved_and_quitting_asks() {
    let dir = TempDir::new("keep-undo");
    let path = dir.join("set.yaml");
    let mut app = open_text(&dir, SET);
    type_text(&mut app, "# mine\n");
    fs::write(&path, format!("# theirs\n{SET}")).unwrap();
    app.disk_changed(Instant::now());
    assert_eq!(app.prompt(), Some(&Prompt::ExternalChange));
    app.key(key(KeyCode::Char('k')), Instant::now());
    for _ in 0..20 {
        app.key(ctrl('z'), Instant::now());
    }
    assert_eq!(app.text(), SET, "back to the text first loaded");
    assert!(app.is_dirty(), "the disk holds another text");
    app.key(ctrl('q'), Instant::now());
    assert_eq!(app.prompt(), Some(&Prompt::Quit));
    assert!(!app.should_quit());
}

#[test]
fn undoing_back_to_the_disks_text_is_saved() {
    let dir = TempDir::new("undo-clean");
    let mut app = open_text(&dir, SET);
    type_text(&mut app, "x");
    assert!(app.is_dirty());
    app.key(ctrl('z'), Instant::now());
    assert_eq!(app.text(), SET);
    assert!(!app.is_dirty());
}

#[test]
fn a_deleted_file_with_a_clean_buffer_asks_before_quitting() {
    let dir = TempDir::new("deleted");
    let path = dir.join("set.yaml");
    let mut app = open_text(&dir, SET);
    assert!(!app.is_dirty());
    fs::remove_file(&path).unwrap();
    app.disk_changed(Instant::now());
    assert!(app.is_dirty(), "the buffer is the only copy");
    app.key(ctrl('q'), Instant::now());
    assert_eq!(app.prompt(), Some(&Prompt::Quit));
    assert!(!app.should_quit());
    app.key(key(KeyCode::Char('s')), Instant::now());
    assert!(app.should_quit());
    assert_eq!(fs::read_to_string(&path).unwrap(), SET, "written again");
}

#[test]
fn a_new_files_starter_patch_quits_without_asking() {
    let dir = TempDir::new("starter");
    let mut app = ui_support::open(&dir.join("new.yaml"), &dir.join("data"), Default::default());
    app.key(ctrl('q'), Instant::now());
    assert!(app.should_quit());
}

#[test]
fn an_instance_opened_read_only_never_saves() {
    let dir = TempDir::new("second");
    let path = dir.join("set.yaml");
    let mut app = open_text(&dir, SET);
    app.open_read_only(Some(4242));
    assert!(notice(&app).contains("pid 4242"), "{}", notice(&app));
    type_text(&mut app, "# second\n");
    app.key(ctrl('s'), Instant::now());
    assert_eq!(fs::read_to_string(&path).unwrap(), SET);
    assert!(notice(&app).contains("read-only"), "{}", notice(&app));
}

#[test]
fn a_terminal_error_writes_an_unsaved_buffer_to_the_recovery_file() {
    let dir = TempDir::new("terminal-error");
    let mut app = open_text(&dir, SET);
    type_text(&mut app, "# only here\n");
    let message = patches_tui::ui::run::guarded(&mut app, |_| {
        Err(std::io::Error::other("the terminal hung up"))
    })
    .unwrap_err();
    let recovery = app.recovery().unwrap().file.clone();
    assert!(message.contains("the terminal hung up"), "{message}");
    assert!(
        message.contains(&recovery.display().to_string()),
        "{message}"
    );
    assert!(fs::read_to_string(&recovery)
        .unwrap()
        .starts_with("# only here\n"));
}

#[test]
fn a_file_back_after_a_moment_away_reloads_a_clean_buffer() {
    let dir = TempDir::new("back");
    let path = dir.join("set.yaml");
    let mut app = open_text(&dir, SET);
    // A save that removes the file, then writes the new version (seen as two changes).
    fs::remove_file(&path).unwrap();
    app.disk_changed(Instant::now());
    let theirs = SET.replace("bpm: 112.0", "bpm: 100.0");
    fs::write(&path, &theirs).unwrap();
    app.disk_changed(Instant::now());
    assert_eq!(app.prompt(), None, "nothing was typed: nothing to ask");
    assert_eq!(app.text(), theirs);
    assert!(!app.is_dirty());
}
