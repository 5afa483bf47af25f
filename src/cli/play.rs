//! `patches-tui play FILE [--device NAME] [--sample-rate R] [--buffer-size N] [--null]
//! [--stats] [--midi-in NAME]`: plays a patch live and reloads it every time the file is saved.

mod reread;
mod resets;
pub(crate) mod say;
mod session;
mod stats;

use super::load::{load_text, read_text};
use super::verbose;
use clap::Args;
use patches_tui::engine::Quantize;
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
    /// Output device: a part of its name (see `patches-tui devices`); the default device when
    /// not given.
    #[arg(long)]
    device: Option<String>,
    /// Sample rate in Hz; the device's default when not given (48000 on the null backend).
    #[arg(long, value_parser = clap::value_parser!(u32).range(8000..=384_000))]
    sample_rate: Option<u32>,
    /// Buffer size in frames; the device's default when not given (256 on the null backend).
    #[arg(long, value_parser = clap::value_parser!(u32).range(16..=16_384))]
    buffer_size: Option<u32>,
    /// Play on the null backend: no device, no sound, the same engine at the same pace.
    #[arg(long)]
    null: bool,
    /// Print the DSP load and the output guard's counters every 2 seconds.
    #[arg(long)]
    stats: bool,
    /// Print alsa-lib's device diagnostics (also `PATCHES_TUI_VERBOSE=1`).
    #[arg(long)]
    verbose: bool,
    /// Record the output to this WAV file (32-bit float stereo; the header is rewritten every
    /// second, so a killed process leaves a playable file; RF64 past 4 GiB).
    #[arg(long)]
    record: Option<PathBuf>,
    /// Land each reload on the next beat or bar of the transport (off, beat, bar).
    #[arg(long, default_value_t = Quantize::Off)]
    quantize: Quantize,
    /// Take MIDI from the input ports whose name contains NAME, or from `all` (see
    /// `patches-tui midi`); without MIDI the sound plays on.
    #[arg(long, value_name = "NAME")]
    midi_in: Option<String>,
    /// How long a reload ramps changed cable scales, in milliseconds (0: at once).
    #[arg(long, default_value_t = 10.0, value_parser = parse_fade_ms)]
    fade_ms: f32,
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
    let options = OutputOptions {
        device: args.device.clone(),
        sample_rate: args.sample_rate,
        buffer_size: args.buffer_size,
        null: args.null,
    };
    let verbose = verbose::wanted(args.verbose);
    verbose::echo(verbose);
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
    let midi_in = super::midi::open_or_warn(&mut output.engine, args.midi_in.as_deref());
    let name = args.file.display().to_string();
    let nodes = patch.valid.nodes.len();
    let playing = playing_line(&name, nodes, &output.info);
    let mut session = Session::new(&args.file, text, registry, output, args.stats);
    session.start(patch, args.quantize, args.fade_ms);
    if let Some(path) = &args.record {
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

/// Parses `--fade-ms`: milliseconds from 0 to 1000.
pub(crate) fn parse_fade_ms(text: &str) -> Result<f32, String> {
    match text.parse::<f32>() {
        Ok(ms) if (0.0..=1000.0).contains(&ms) => Ok(ms),
        _ => Err(format!("`{text}`: expected milliseconds from 0 to 1000")),
    }
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
