//! Compiles the C half of the alsa-lib error handler (`src/alsa_log.c`) on Linux.

fn main() {
    println!("cargo:rerun-if-changed=src/alsa_log.c");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        cc::Build::new()
            .file("src/alsa_log.c")
            .compile("patches_tui_alsa_log");
    }
}
