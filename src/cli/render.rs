//! `patches-tui render FILE --seconds S --out OUT.wav [--sample-rate R] [--block-size B]
//! [--then T=FILE2]...`

use super::load::load_patch;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use patches_tui::engine::{render, StereoBuffer};
use patches_tui::modules::{Registry, DEFAULT_BLOCK, MAX_BLOCK};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

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
    #[arg(long, default_value_t = DEFAULT_BLOCK, value_parser = parse_block)]
    block_size: usize,
    /// Switch to another patch at T seconds, as a live commit would: `--then 2.5=b.yaml`.
    /// Repeatable.
    #[arg(long = "then", value_parser = parse_then)]
    then: Vec<(f64, PathBuf)>,
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

/// Renders the patch (and its `--then` switches) and writes the WAV file.
pub fn run(args: &RenderArgs) -> ExitCode {
    let registry = Registry::standard();
    let mut errors = Vec::new();
    let initial = load_patch(&args.file, &registry)
        .map_err(|e| errors.extend(e))
        .ok();
    let rate = f64::from(args.sample_rate);
    let mut schedule = Vec::new();
    for (time, file) in &args.then {
        match load_patch(file, &registry) {
            Ok(patch) => schedule.push(((time * rate).round() as u64, patch.valid)),
            Err(e) => errors.extend(e),
        }
    }
    let Some(initial) = initial.filter(|_| errors.is_empty()) else {
        for line in errors {
            eprintln!("{line}");
        }
        return ExitCode::FAILURE;
    };
    let frames = (args.seconds * rate).round() as u64;
    let bar = progress_bar(frames, args.seconds);
    let audio = render(
        initial.valid,
        schedule,
        frames,
        args.sample_rate as f32,
        args.block_size,
        |done, _| {
            if let Some(bar) = &bar {
                bar.set_position(done);
            }
        },
    );
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    match write_wav(&args.out, &audio, args.sample_rate) {
        Ok(()) => {
            println!(
                "wrote {} ({:.2} s, {} Hz)",
                args.out.display(),
                args.seconds,
                args.sample_rate
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}: cannot write: {e}", args.out.display());
            ExitCode::FAILURE
        }
    }
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

/// Writes `audio` as 32-bit float stereo.
pub fn write_wav(path: &Path, audio: &StereoBuffer, sample_rate: u32) -> Result<(), hound::Error> {
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut writer = hound::WavWriter::create(path, spec)?;
    for (&l, &r) in audio.left.iter().zip(&audio.right) {
        writer.write_sample(l)?;
        writer.write_sample(r)?;
    }
    writer.finalize()
}
