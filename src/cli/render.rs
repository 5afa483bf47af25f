//! `patches-tui render FILE --seconds S --out OUT.wav [--sample-rate R] [--block-size B]
//! [--then T=FILE2]... [--midi SONG.mid [--sync midi]]`

use super::live_args::{CommitArgs, SyncArgs};
use super::load::load_patch;
use super::out_file::OutFile;
use super::play::say::{say, warn};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use patches_tui::engine::render_midi_with;
use patches_tui::midi::{smf, MidiEvent};
use patches_tui::modules::{Registry, MAX_BLOCK, OFFLINE_BLOCK};
use patches_tui::wav::{self, WavWriter};
use std::io::{self, BufWriter, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Arguments of `render`.
#[derive(Args)]
pub struct RenderArgs {
    /// The patch to render.
    file: PathBuf,
    /// Length of the render in seconds.
    #[arg(long, value_parser = parse_seconds)]
    seconds: f64,
    /// The WAV file to write (32-bit float, stereo).
    #[arg(long)]
    out: PathBuf,
    /// Sample rate in Hz.
    #[arg(long, default_value_t = 48000, value_parser = clap::value_parser!(u32).range(8000..=384_000))]
    sample_rate: u32,
    /// Frames per engine block (1..=512); the output does not depend on it.
    #[arg(long, default_value_t = OFFLINE_BLOCK, value_parser = parse_block)]
    block_size: usize,
    /// Switch to another patch at T seconds, as a live commit would: `--then 2.5=b.yaml`.
    /// Repeatable.
    #[arg(long = "then", value_parser = parse_then)]
    then: Vec<(f64, PathBuf)>,
    /// Play a Standard MIDI File (format 0 or 1) into the patch's MIDI modules, each event
    /// on its sample.
    #[arg(long, value_name = "SONG.mid")]
    midi: Option<PathBuf>,
    /// What the transport follows: the patch's `transport:` or the MIDI file's clock.
    #[command(flatten)]
    sync: SyncArgs,
    /// When `--then` switches land and how they fade.
    #[command(flatten)]
    commit: CommitArgs,
}

/// The events of the `--midi` file, or a message naming it.
fn read_midi(path: &Path, sample_rate: u32) -> Result<Vec<MidiEvent>, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    smf::read_events(&bytes, f64::from(sample_rate)).map_err(|e| format!("{}: {e}", path.display()))
}

fn parse_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(s) if (0.0..=24.0 * 3600.0).contains(&s) => Ok(s),
        _ => Err(format!(
            "`{text}` is not a duration: expected seconds from 0 to 86400"
        )),
    }
}

fn parse_block(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(b) if (1..=MAX_BLOCK).contains(&b) => Ok(b),
        _ => Err(format!(
            "`{text}` is not a block size: expected 1 to {MAX_BLOCK}"
        )),
    }
}

fn parse_then(text: &str) -> Result<(f64, PathBuf), String> {
    let (time, file) = text
        .split_once('=')
        .ok_or_else(|| format!("`{text}`: expected SECONDS=FILE, for example 2.5=b.yaml"))?;
    Ok((parse_seconds(time)?, PathBuf::from(file)))
}

/// Renders the patch (and its `--then` switches) into the WAV file, streaming to a temporary
/// file beside it that replaces `--out` only when complete.
pub fn run(args: &RenderArgs) -> ExitCode {
    let rate = f64::from(args.sample_rate);
    let frames = (args.seconds * rate).round() as u64;
    let at_frame = |time: f64| (time * rate).round() as u64;
    if let Some((time, file)) = args.then.iter().find(|(time, _)| at_frame(*time) >= frames) {
        warn(format!(
            "render: --then {time}={}: {time} s is not before the end of the render (--seconds {}), so it would never be heard",
            file.display(),
            args.seconds
        ));
        return ExitCode::from(2);
    }
    let registry = Registry::standard();
    let mut errors = Vec::new();
    let initial = load_patch(&args.file, &registry)
        .map_err(|e| errors.extend(e))
        .ok();
    let mut schedule = Vec::new();
    for (time, file) in &args.then {
        match load_patch(file, &registry) {
            Ok(patch) => schedule.push((at_frame(*time), patch.valid)),
            Err(e) => errors.extend(e),
        }
    }
    let midi = match &args.midi {
        Some(path) => read_midi(path, args.sample_rate)
            .map_err(|e| errors.push(e))
            .unwrap_or_default(),
        None => Vec::new(),
    };
    let Some(initial) = initial.filter(|_| errors.is_empty()) else {
        errors.into_iter().for_each(warn);
        return ExitCode::FAILURE;
    };
    let inputs: Vec<&Path> = std::iter::once(args.file.as_path())
        .chain(args.then.iter().map(|(_, file)| file.as_path()))
        .chain(args.midi.as_deref())
        .collect();
    let (out, file) = match OutFile::create(&args.out, &inputs) {
        Ok(created) => created,
        Err(message) => {
            warn(message);
            return ExitCode::FAILURE;
        }
    };
    if let Err(message) = out.check_space(wav::HEADER_BYTES + frames * 8) {
        out.discard();
        warn(message);
        return ExitCode::FAILURE;
    }
    let interrupted = interrupt_flag();
    let bar = progress_bar(frames, args.seconds);
    let written = WavWriter::new(BufWriter::with_capacity(1 << 20, file), 2, args.sample_rate)
        .and_then(|mut wav| {
            render_midi_with(
                initial.valid,
                schedule,
                (&midi, args.sync.follows_midi()),
                frames,
                (args.sample_rate as f32, args.block_size),
                (args.commit.quantize, args.commit.fade_ms),
                |chunk, done| {
                    if interrupted.load(Ordering::Relaxed) {
                        return Err(io::Error::new(io::ErrorKind::Interrupted, "interrupted"));
                    }
                    if let Some(bar) = &bar {
                        bar.set_position(done);
                    }
                    wav.write_stereo(&chunk.left, &chunk.right)
                },
            )?;
            let rf64 = wav.is_rf64();
            let file = wav.finalize()?.into_inner().map_err(|e| e.into_error())?;
            Ok((file, rf64))
        });
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let shown = args.out.display();
    let committed = match written {
        Ok((file, rf64)) => out.commit(file).map(|()| rf64),
        Err(e) => {
            out.discard();
            Err(e)
        }
    };
    match committed {
        Ok(rf64) => {
            let format = if rf64 { ", RF64: over 4 GiB" } else { "" };
            say(format!(
                "wrote {shown} ({:.2} s, {} Hz{format})",
                args.seconds, args.sample_rate
            ));
            ExitCode::SUCCESS
        }
        Err(e) if e.kind() == io::ErrorKind::Interrupted => {
            warn(format!("render interrupted: {shown} left as it was"));
            ExitCode::from(130)
        }
        Err(e) => {
            warn(format!(
                "{shown}: cannot write: {e}; {shown} left as it was"
            ));
            ExitCode::FAILURE
        }
    }
}

/// Set on Ctrl-C, SIGTERM or SIGHUP, so the render stops and removes its temporary file.
fn interrupt_flag() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let set = flag.clone();
    if ctrlc::set_handler(move || set.store(true, Ordering::Relaxed)).is_err() {
        warn("cannot catch Ctrl-C: an interrupted render may leave a temporary file behind");
    }
    flag
}

/// A progress bar on a terminal for renders longer than a few seconds.
fn progress_bar(frames: u64, seconds: f64) -> Option<ProgressBar> {
    if seconds < 5.0 || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::new(frames);
    if let Ok(style) = ProgressStyle::with_template("rendering {bar:40} {percent:>3}% eta {eta}") {
        bar.set_style(style);
    }
    Some(bar)
}
