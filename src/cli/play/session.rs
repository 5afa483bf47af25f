//! The play loop: re-reads the file after each save and commits it (or prints its errors
//! while the previous patch plays on), sends a queued plan once the audio thread has room,
//! reports device errors, drains the observation ring into meters and prints the stats.

use super::reread::{FileReader, Reading};
use super::resets::ResetReports;
use super::say::{say, warn};
use super::stats::{link_line, stats_line, StatsClock};
use super::Wake;
use crate::cli::load::load_text;
use patches_tui::dsl::Patch;
use patches_tui::engine::live::LiveSession;
use patches_tui::engine::{CommitSummary, LiveOutput, Quantize};
use patches_tui::modules::Registry;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

/// Longest sleep of the loop between two ticks.
pub const TICK: Duration = Duration::from_millis(50);

/// A patch file playing live.
pub struct Session {
    path: PathBuf,
    name: String,
    registry: Registry,
    reader: FileReader,
    live: LiveSession,
    stats: Option<StatsClock>,
    reset_reports: ResetReports,
    /// Link peers and run state last said, while in a Link session.
    link_said: Option<(u64, bool)>,
}

impl Session {
    /// A session for `path`, whose text is `text`, playing on `output`; `stats` turns the
    /// stats line on.
    pub fn new(
        path: &Path,
        text: String,
        registry: Registry,
        output: LiveOutput,
        stats: bool,
    ) -> Self {
        Session {
            path: path.to_path_buf(),
            name: path.display().to_string(),
            registry,
            reader: FileReader::new(path.to_path_buf(), text),
            live: LiveSession::new(output),
            stats: stats.then(|| StatsClock::new(Instant::now())),
            reset_reports: ResetReports::default(),
            link_said: None,
        }
    }

    /// Joins the Ableton Link session (before the first commit, so that a session of our own
    /// starts at the patch's tempo).
    pub fn join_link(&mut self) -> Result<(), String> {
        self.live.join_link()?;
        self.link_said = Some((0, false));
        Ok(())
    }

    /// Commits the first patch. The plan ring is empty, so it is sent at once; were it
    /// queued, the next tick would send it and print a reload line.
    pub fn start(&mut self, patch: Patch, quantize: Quantize, fade_ms: f32) {
        self.live.set_fade_ms(fade_ms);
        self.live.commit(&patch);
        self.live.set_quantize(quantize);
    }

    /// Starts recording the output to `path`.
    pub fn record(&mut self, path: &Path) -> Result<(), String> {
        self.live.start_recording(path)?;
        say(format!("recording to {}", path.display()));
        Ok(())
    }

    /// Ends a recording, if one runs, and says what was written.
    pub fn finish(&mut self) {
        let dropped = self.live.recording().map_or(0, |(_, dropped)| dropped);
        match self.live.stop_recording() {
            Some(Ok((path, seconds))) => say(format!(
                "recorded {} ({seconds:.2} s, {dropped} frames dropped)",
                path.display()
            )),
            Some(Err(reason)) => warn(reason),
            None => {}
        }
    }

    /// Runs until `Wake::Stop`.
    pub fn run(&mut self, wakes: &Receiver<Wake>) {
        loop {
            match wakes.recv_timeout(TICK) {
                Ok(Wake::Changed) => self.reload(),
                Ok(Wake::WatchFailed(reason)) => warn(format!("watching {}: {reason}", self.name)),
                Ok(Wake::Stop) | Err(RecvTimeoutError::Disconnected) => return,
                Err(RecvTimeoutError::Timeout) => {}
            }
            if self.reader.retry_due(Instant::now()) {
                self.reload();
            }
            self.tick();
        }
    }

    /// Re-reads the file and commits it if it changed and is valid.
    fn reload(&mut self) {
        match self.reader.read(Instant::now()) {
            Reading::Same | Reading::Later => {}
            Reading::Unreadable(reason) => say(format!(
                "{} cannot be read ({reason}): the previous patch keeps playing",
                self.name
            )),
            Reading::Text(text) => match load_text(&self.path, &text, &self.registry) {
                Ok(patch) => match self.live.commit(&patch) {
                    Some(summary) => say(reloaded(&self.name, &summary)),
                    None => say(format!(
                        "{}: the audio thread has not taken the last plan yet; this reload is queued",
                        self.name
                    )),
                },
                Err(lines) => {
                    lines.iter().for_each(warn);
                    say(format!(
                        "{} has errors: the previous patch keeps playing",
                        self.name
                    ));
                }
            },
        }
    }

    /// The work between two wakes.
    fn tick(&mut self) {
        let tick = self.live.tick();
        if let Some(summary) = tick.sent {
            say(reloaded(&self.name, &summary));
        }
        for message in tick.errors {
            warn(format!("audio device: {message}"));
        }
        for (node, count) in tick.resets {
            if self.reset_reports.due(&node) {
                warn(format!(
                    "reset {node}: its output went NaN or infinite ({count} resets so far)"
                ));
            }
        }
        if let Some(link) = self.live.link_status() {
            if self.link_said != Some((link.peers, link.stopped)) {
                self.link_said = Some((link.peers, link.stopped));
                say(link.summary());
            }
        }
        if let Some(clock) = &mut self.stats {
            if clock.due(Instant::now()) {
                say(stats_line(self.live.load(), self.live.counters()));
                if let Some(link) = self.live.link_status() {
                    say(link_line(&link));
                }
            }
        }
    }
}

/// `reloaded set.yaml: 8 kept, 1 changed, 0 added, 0 removed in 0.21 ms`.
fn reloaded(name: &str, summary: &CommitSummary) -> String {
    format!("reloaded {name}: {summary}")
}
