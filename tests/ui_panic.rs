//! A panic on a thread other than the UI thread writes the recovery file and is shown on the
//! screen instead of being printed over it. (A binary of its own: the panic hook is global.)

use patches_tui::ui::exits;
use patches_tui::ui::recovery::Recovery;
use patches_tui::ui::run::catch_panics;

#[test]
fn a_panic_on_another_thread_writes_the_recovery_file() {
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("set.yaml");
    std::fs::write(&original, "saved\n").unwrap();
    let recovery = Recovery::new(&dir.path().join("data"), &original);
    exits::remember(Some(&recovery), "unsaved edit\n", true);
    catch_panics();
    let crashed = std::thread::Builder::new()
        .name("audio".into())
        .spawn(|| panic!("a bug in a module"))
        .unwrap()
        .join();
    assert!(crashed.is_err());
    assert_eq!(
        std::fs::read_to_string(&recovery.file).unwrap(),
        "unsaved edit\n"
    );
    let message = exits::take_background_panic().expect("a message for the screen");
    assert!(
        message.contains("the audio thread crashed (a bug in a module)"),
        "{message}"
    );
    assert!(
        message.contains(&recovery.file.display().to_string()),
        "{message}"
    );
    assert_eq!(std::fs::read_to_string(&original).unwrap(), "saved\n");
}
