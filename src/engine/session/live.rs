//! A live session: a started output with its meters, as `play` and the live-coding screen
//! use it. Commits (naming each plan's nodes for the meters), the plan queue, device errors,
//! DSP load and the master mute.

use super::link::{LinkSession, LinkStatus};
use super::mutes::NodeMutes;
use super::recorder::Recording;
use crate::dsl::Patch;
use crate::engine::backends::output::OutputStream;
use crate::engine::backends::stream_errors::{StreamErrorReader, StreamErrors};
use crate::engine::core::observe::Counters;
use crate::engine::core::transport::Quantize;
use crate::engine::{
    CommitOutcome, CommitSummary, Engine, LiveOutput, LoadShared, LoadStats, Meters, OutputInfo,
    ValidGraph,
};
use crate::midi::activity::MidiActivity;
use crate::midi::input::{MidiInput, MidiSystem};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Output frames the meters keep for the oscilloscope.
pub const SCOPE_FRAMES: usize = 1024;

/// What happened between two ticks.
#[derive(Debug, Default)]
pub struct Tick {
    /// A queued commit that has now been sent.
    pub sent: Option<CommitSummary>,
    /// Device or stream errors.
    pub errors: Vec<String>,
    /// Whether observation data arrived.
    pub observed: bool,
    /// Nodes reset since the last tick because their output went non-finite, each with
    /// its total count of resets.
    pub resets: Vec<(String, u64)>,
}

impl Drop for LiveSession {
    /// Ends a running recording so its file gets its final header.
    fn drop(&mut self) {
        self.stop_recording();
    }
}

/// A live engine with its meters.
pub struct LiveSession {
    // Declared first so it is dropped first: the audio thread stops before the engine goes.
    _stream: OutputStream,
    engine: Engine,
    info: OutputInfo,
    load: Arc<LoadShared>,
    mute: Arc<AtomicBool>,
    errors: Arc<StreamErrors>,
    error_reader: StreamErrorReader,
    warning: Option<String>,
    meters: Meters,
    queued: Option<Vec<String>>,
    resets: HashMap<String, u64>,
    recording: Option<Recording>,
    midi: MidiIn,
    link: Option<LinkSession>,
    node_mutes: NodeMutes,
    /// The graph last committed (for mute and solo).
    graph: Option<ValidGraph>,
    /// The plan running when the node mutes were last sent in full.
    mutes_plan: u64,
}

/// The session's live MIDI input.
pub enum MidiIn {
    /// None was asked for.
    Off,
    /// Asked for, but not opened: why (no sequencer, no ports, no match).
    Failed(String),
    /// Open ports.
    Open(MidiInput),
}

impl LiveSession {
    /// Takes over a started output.
    pub fn new(output: LiveOutput) -> Self {
        LiveSession {
            meters: Meters::new(output.info.sample_rate as f32, SCOPE_FRAMES),
            _stream: output.stream,
            engine: output.engine,
            info: output.info,
            load: output.load,
            mute: output.mute,
            errors: output.errors,
            error_reader: StreamErrorReader::default(),
            warning: output.warning,
            queued: None,
            resets: HashMap::new(),
            recording: None,
            midi: MidiIn::Off,
            link: None,
            node_mutes: NodeMutes::default(),
            graph: None,
            mutes_plan: 0,
        }
    }

    /// Opens the ports of `system` whose name contains `pattern` (or all for `all`) into the
    /// engine's MIDI ring: their names, or why not (the sound plays on either way).
    pub fn open_midi(
        &mut self,
        system: &dyn MidiSystem,
        pattern: &str,
    ) -> Result<Vec<String>, String> {
        let opened = match self.engine.take_midi_sender() {
            Some(sender) => MidiInput::open(system, pattern, sender),
            None => Err("MIDI in is already open".into()),
        };
        match opened {
            Ok(input) => {
                let ports = input.ports().to_vec();
                self.midi = MidiIn::Open(input);
                Ok(ports)
            }
            Err(reason) => {
                self.midi = MidiIn::Failed(reason.clone());
                Err(reason)
            }
        }
    }

    /// The live MIDI input.
    pub fn midi(&self) -> &MidiIn {
        &self.midi
    }

    /// What came in on the open MIDI ports (`None` when none are open).
    pub fn midi_activity(&self) -> Option<MidiActivity> {
        match &self.midi {
            MidiIn::Open(input) => Some(input.activity()),
            _ => None,
        }
    }

    /// Joins the Ableton Link session (`--link`): the transport follows its tempo and phase.
    pub fn join_link(&mut self) -> Result<(), String> {
        if self.link.is_none() {
            self.link = Some(LinkSession::join(self.engine.transport_follow())?);
        }
        Ok(())
    }

    /// Starts the Link session's transport when it is stopped and stops it when it plays,
    /// for every player in the session; whether it was asked to play (`None` when not in a
    /// Link session).
    pub fn toggle_link_playing(&mut self) -> Option<bool> {
        let play = self.link.as_ref()?.status().stopped;
        self.engine.transport_follow().request_playing(play);
        Some(play)
    }

    /// The Link session's peers and tempo, while joined.
    pub fn link_status(&self) -> Option<LinkStatus> {
        self.link.as_ref().map(LinkSession::status)
    }

    /// Plans and sends `patch`; `None` when it waits for room on the plan ring (a later tick
    /// sends it).
    pub fn commit(&mut self, patch: &Patch) -> Option<CommitSummary> {
        let names: Vec<String> = patch.valid.nodes.iter().map(|n| n.name.clone()).collect();
        self.graph = Some(patch.valid.clone());
        match self.engine.commit(patch.valid.clone()) {
            CommitOutcome::Sent(summary) => {
                self.queued = None;
                self.meters.register_plan(summary.plan_id, names);
                Some(summary)
            }
            CommitOutcome::Queued => {
                self.queued = Some(names);
                None
            }
        }
    }

    /// Sends a queued commit when there is room, collects device errors and drains the
    /// observation ring into the meters.
    pub fn tick(&mut self) -> Tick {
        let mut tick = Tick::default();
        if let Some(summary) = self.engine.pump() {
            if let Some(names) = self.queued.take() {
                self.meters.register_plan(summary.plan_id, names);
            }
            tick.sent = Some(summary);
        }
        let running = self.engine.counters().plan_id.load(Ordering::Acquire);
        if running != self.mutes_plan {
            self.mutes_plan = running;
            self.send_mutes(true);
        }
        tick.errors = self.error_reader.new_messages(&self.errors);
        if let Some(observations) = self.engine.observations() {
            tick.observed = observations.samples.slots() > 0 || observations.levels.slots() > 0;
            self.meters.poll(observations);
        }
        for reset in self.engine.take_resets() {
            let Some(name) = self.meters.node_name(reset.plan_id, reset.node) else {
                continue;
            };
            let count = self.resets.entry(name.to_string()).or_default();
            *count += 1;
            match tick.resets.iter_mut().find(|(n, _)| n == name) {
                Some(entry) => entry.1 = *count,
                None => tick.resets.push((name.to_string(), *count)),
            }
        }
        tick
    }

    /// How many times each node was reset because its output went non-finite (nodes never
    /// reset are absent).
    pub fn resets(&self) -> &HashMap<String, u64> {
        &self.resets
    }

    /// Whether a commit waits for the audio thread.
    pub fn has_queued(&self) -> bool {
        self.engine.has_pending()
    }

    /// Id of the last plan made (0 before the first commit).
    pub fn plan_id(&self) -> u64 {
        self.engine.planner().plan_id()
    }

    /// The meters.
    pub fn meters(&self) -> &Meters {
        &self.meters
    }

    /// Clears the clip marks.
    pub fn reset_clips(&mut self) {
        self.meters.reset_clips();
    }

    /// What is playing.
    pub fn info(&self) -> &OutputInfo {
        &self.info
    }

    /// DSP load figures.
    pub fn load(&self) -> LoadStats {
        self.load.stats()
    }

    /// Counters of the audio thread (non-finite and clamped samples, frames, plan id).
    pub fn counters(&self) -> &Counters {
        self.engine.counters()
    }

    /// Why the null backend plays instead of a device, if it does.
    pub fn warning(&self) -> Option<&str> {
        self.warning.as_deref()
    }

    /// When later commits land: at once, on the next beat or on the next bar.
    pub fn set_quantize(&mut self, quantize: Quantize) {
        self.engine.set_quantize(quantize);
    }

    /// Makes the transport follow incoming MIDI clock (`--sync midi`), or the patch again.
    pub fn set_sync_midi(&mut self, on: bool) {
        self.engine.set_sync_midi(on);
    }

    /// Whether the transport follows incoming MIDI clock.
    pub fn sync_midi(&self) -> bool {
        self.engine.counters().sync_midi.load(Ordering::Relaxed)
    }

    /// Sets how long commits fade from the next one on (0: at once).
    pub fn set_fade_ms(&mut self, ms: f32) {
        self.engine.set_fade_ms(ms);
    }

    /// When commits land.
    pub fn quantize(&self) -> Quantize {
        self.engine.quantize()
    }

    /// Seconds until a waiting quantised commit lands, while one waits.
    pub fn landing_in(&self) -> Option<f64> {
        let c = self.engine.counters();
        let landing = c.landing.load(Ordering::Relaxed).checked_sub(1)?;
        let now = c.frames.load(Ordering::Relaxed);
        Some(landing.saturating_sub(now) as f64 / f64::from(self.info.sample_rate))
    }

    /// The transport's position as `bar.beat` (both from 1) and its tempo.
    pub fn bar_beat(&self) -> (u64, u64, f64) {
        let c = self.engine.counters();
        let bar = f64::from_bits(c.bar.load(Ordering::Relaxed)).max(0.0);
        let per_bar = c.beats_per_bar.load(Ordering::Relaxed).max(1);
        let beat = ((bar.fract() * per_bar as f64) as u64).min(per_bar - 1);
        let bpm = f64::from_bits(c.bpm.load(Ordering::Relaxed));
        (bar as u64 + 1, beat + 1, bpm)
    }

    /// Starts recording the output to `path` (a WAV file; RF64 past 4 GiB), stopping a
    /// recording that runs.
    pub fn start_recording(&mut self, path: &Path) -> Result<(), String> {
        self.stop_recording();
        let ring = self
            .engine
            .take_record_ring()
            .ok_or("the recorder is not available")?;
        let counters = self.engine.counters().clone();
        match Recording::start(path, self.info.sample_rate, ring, counters) {
            Ok(recording) => {
                self.recording = Some(recording);
                Ok(())
            }
            Err((reason, ring)) => {
                if let Some(ring) = ring {
                    self.engine.give_record_ring(ring);
                }
                Err(reason)
            }
        }
    }

    /// Stops the recording, if one runs: its file and the seconds written, or why the file
    /// is incomplete.
    pub fn stop_recording(&mut self) -> Option<Result<(PathBuf, f64), String>> {
        let recording = self.recording.take()?;
        let path = recording.path().to_path_buf();
        let (ring, result) = recording.stop();
        if let Some(ring) = ring {
            self.engine.give_record_ring(ring);
        }
        let rate = f64::from(self.info.sample_rate);
        Some(
            result
                .map(|frames| (path.clone(), frames as f64 / rate))
                .map_err(|e| format!("{}: recording failed: {e}", path.display())),
        )
    }

    /// The file being recorded and the frames dropped so far, while recording.
    pub fn recording(&self) -> Option<(&Path, u64)> {
        self.recording.as_ref().map(|r| (r.path(), r.dropped()))
    }

    /// Silences the output at once (ramped) and resets every node's state; see
    /// [`crate::engine::Engine::panic`].
    pub fn panic(&self) {
        self.engine.panic();
    }

    /// Mutes the node `name` (ramped; it keeps running), or unmutes it; the new state.
    pub fn toggle_node_mute(&mut self, name: &str) -> bool {
        let muted = self.node_mutes.toggle_mute(name);
        self.send_mutes(false);
        muted
    }

    /// Solos the node `name` (every node outside its chain is muted, ramped), or ends its
    /// solo; whether it is soloed now.
    pub fn toggle_solo(&mut self, name: &str) -> bool {
        let soloed = self.node_mutes.toggle_solo(name);
        self.send_mutes(false);
        soloed
    }

    /// Whether the node `name` is silenced by a mute or by another node's solo.
    pub fn node_muted(&self, name: &str) -> bool {
        self.node_mutes.is_muted(name)
    }

    /// The soloed node.
    pub fn soloed(&self) -> Option<&str> {
        self.node_mutes.solo()
    }

    /// Sends the node mutes to the engine: the changes, or all of them.
    fn send_mutes(&mut self, all: bool) {
        if let Some(graph) = self.graph.as_ref() {
            self.node_mutes.send(&mut self.engine, graph, all);
        }
    }

    /// Whether the master mute is on.
    pub fn muted(&self) -> bool {
        self.mute.load(Ordering::Relaxed)
    }

    /// Toggles the master mute (ramped on the audio thread); the new state.
    pub fn toggle_mute(&mut self) -> bool {
        let muted = !self.muted();
        self.mute.store(muted, Ordering::Relaxed);
        muted
    }
}
