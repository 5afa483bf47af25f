//! `patches-tui play FILE [--device NAME] [--sample-rate R] [--buffer-size N] [--null]
//! [--stats] [--midi-in NAME]`: plays a patch live and reloads it every time the file is saved.

mod reread;
mod resets;
pub(crate) mod say;
mod session;
mod stats;

use super::live_args::LiveArgs;
use super::load::{load_text, read_text};
use super::verbose;
use clap::Args;
use patches_tui::engine::{start_output, OutputInfo, OutputOptions};
use patches_tui::modules::Registry;
use patches_tui::watch::watch_file;
use say::{say, warn};
use session::Session;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::mpsc::{self, Sender};

/// Arguments of `play`.
#[derive(Args)]
pub struct PlayArgs {
    /// The patch to play; it is reloaded every time it is saved.
    file: PathBuf,
    /// Print the DSP load and the output guard's counters every 2 seconds.
    #[arg(long)]
    stats: bool,
    /// The flags `play` shares with the screen.
    #[command(flatten)]
    live: LiveArgs,
}

/// What wakes the play loop before its tick.
pub enum Wake {
    /// The watched file may have been saved.
    Changed,
    /// The file watcher reported a problem.
    WatchFailed(String),
    /// Ctrl-C (or SIGTERM, SIGHUP): stop.
    Stop,
}

/// Loads the patch, starts the output, commits the patch and plays until Ctrl-C, reloading the
/// file on every save. Exit 1 when the file is invalid or no output can be started.
pub fn run(args: &PlayArgs) -> ExitCode {
    let (wake, wakes) = mpsc::channel();
    let watch_wake = wake.clone();
    let watcher = watch_file(&args.file, move |saved| {
        let _ = watch_wake.send(match saved {
            Ok(()) => Wake::Changed,
            Err(reason) => Wake::WatchFailed(reason),
        });
    });
    let registry = Registry::standard();
    let loaded = read_text(&args.file)
        .map_err(|line| vec![line])
        .and_then(|text| Ok((load_text(&args.file, &text, &registry)?, text)));
    let (patch, text) = match loaded {
        Ok(loaded) => loaded,
        Err(lines) => {
            lines.iter().for_each(warn);
            return ExitCode::FAILURE;
        }
    };
    let verbose = verbose::wanted(args.live.verbose);
    verbose::echo(verbose);
    // No screen, so no meters: the audio thread folds no node levels and the session drains
    // no observation rings.
    let options = OutputOptions {
        no_meters: true,
        ..args.live.output()
    };
    let mut output = match start_output(&options, false) {
        Ok(output) => output,
        Err(error) => {
            warn(error);
            if !verbose {
                verbose::hidden_hint().into_iter().for_each(warn);
            }
            return ExitCode::FAILURE;
        }
    };
    stop_on_signals(wake);
    let midi_in = super::midi::open_or_warn(&mut output.engine, args.live.midi_in.as_deref());
    output.engine.set_sync_midi(args.live.sync.follows_midi());
    let name = args.file.display().to_string();
    let nodes = patch.valid.nodes.len();
    let playing = playing_line(&name, nodes, &output.info);
    let mut session = Session::new(&args.file, text, registry, output, args.stats);
    if args.live.link {
        match session.join_link() {
            Ok(()) => say("joined the Ableton Link session"),
            Err(reason) => warn(format!("{reason}; Link is off, the sound plays on")),
        }
    }
    session.start(patch, args.live.commit.quantize, args.live.commit.fade_ms);
    if let Some(path) = &args.live.record {
        if let Err(reason) = session.record(path) {
            warn(reason);
            return ExitCode::FAILURE;
        }
    }
    say(playing);
    if let Err(error) = &watcher {
        warn(format!(
            "cannot watch {name} ({error}): it plays, but saves will not be reloaded"
        ));
    }
    session.run(&wakes);
    drop(watcher);
    session.finish();
    drop(midi_in);
    drop(session);
    say("stopped");
    ExitCode::SUCCESS
}

/// Sends `Wake::Stop` on Ctrl-C, SIGTERM and SIGHUP.
fn stop_on_signals(wake: Sender<Wake>) {
    if let Err(error) = ctrlc::set_handler(move || {
        let _ = wake.send(Wake::Stop);
    }) {
        warn(format!(
            "cannot catch Ctrl-C ({error}): it will stop the sound without cleaning up"
        ));
    }
}

/// `playing set.yaml (9 nodes) on "null (no sound)" via null at 48000 Hz, buffer 256 frames
/// (Ctrl-C stops)`.
fn playing_line(name: &str, nodes: usize, info: &OutputInfo) -> String {
    let buffer = match info.buffer_size {
        Some(frames) => format!("buffer {frames} frames"),
        None => "buffer size chosen by the device".into(),
    };
    format!(
        "playing {name} ({nodes} nodes) on \"{}\" via {} at {} Hz, {buffer} (Ctrl-C stops)",
        info.device, info.backend, info.sample_rate
    )
}
