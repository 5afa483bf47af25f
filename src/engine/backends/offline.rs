//! Offline rendering: the same engine and runtime, driven from the calling thread instead of
//! a device callback. Deterministic: the same patch and schedule give the same samples.

use crate::engine::core::control::{CommitOutcome, Engine, EngineConfig};
use crate::engine::core::planner::CommitSummary;
use crate::engine::core::planner::DEFAULT_FADE_MS;
use crate::engine::core::runtime::Runtime;
use crate::engine::core::transport::Quantize;
use crate::engine::core::validate::ValidGraph;
use crate::midi::{MidiEvent, MidiSender};
use crate::modules::MAX_BLOCK;
use std::collections::VecDeque;

/// A stereo render: one vector per channel.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StereoBuffer {
    /// Left channel.
    pub left: Vec<f32>,
    /// Right channel.
    pub right: Vec<f32>,
}

impl StereoBuffer {
    /// Number of frames.
    pub fn frames(&self) -> usize {
        self.left.len()
    }
}

/// Drives an engine offline in blocks of a fixed size.
pub struct OfflineRenderer {
    engine: Engine,
    runtime: Runtime,
    block_size: usize,
    midi: Option<MidiSender>,
    /// MIDI events not yet on the ring, in time order.
    queued: VecDeque<MidiEvent>,
}

impl OfflineRenderer {
    /// A renderer at `sample_rate` Hz in blocks of `block_size` frames (1..=MAX_BLOCK).
    pub fn new(sample_rate: f32, block_size: usize) -> Self {
        let (mut engine, runtime) = Engine::new(EngineConfig::new(sample_rate).unobserved());
        OfflineRenderer {
            midi: engine.take_midi_sender(),
            engine,
            runtime,
            block_size: block_size.clamp(1, MAX_BLOCK),
            queued: VecDeque::new(),
        }
    }

    /// Queues MIDI events (absolute sample times) to be played as the render reaches them;
    /// they are merged in time order with events already queued.
    pub fn queue_midi(&mut self, events: &[MidiEvent]) {
        self.queued.extend(events);
        self.queued.make_contiguous().sort_by_key(|e| e.time);
    }

    /// Moves queued events that land before `end` onto the ring, as far as it has room.
    fn feed_midi(&mut self, end: u64) {
        let Some(midi) = self.midi.as_mut() else {
            return;
        };
        while let Some(event) = self.queued.front() {
            if event.time >= end || !midi.send(*event) {
                break;
            }
            self.queued.pop_front();
        }
    }

    /// Commits `graph` exactly as a live commit would; it takes effect at the next frame.
    pub fn commit(&mut self, graph: ValidGraph) -> CommitSummary {
        match self.engine.commit(graph) {
            CommitOutcome::Sent(summary) => summary,
            // Several commits at one instant can fill the plan ring: adopt what waits (no
            // frames pass) until the queued graph is sent, so no commit is lost.
            // With quantised commits the ones waiting do not land before their boundary:
            // the newest graph waits in the engine and is sent as frames pass.
            CommitOutcome::Queued if self.engine.quantize() != Quantize::Off => {
                CommitSummary::default()
            }
            CommitOutcome::Queued => loop {
                self.runtime.adopt_pending();
                if let Some(summary) = self.engine.pump() {
                    break summary;
                }
            },
        }
    }

    /// Appends `frames` frames to `out`.
    pub fn render_into(&mut self, out: &mut StereoBuffer, frames: usize) {
        let start = out.frames();
        out.left.resize(start + frames, 0.0);
        out.right.resize(start + frames, 0.0);
        let mut done = 0;
        while done < frames {
            let n = self.block_size.min(frames - done);
            let range = start + done..start + done + n;
            self.feed_midi(self.runtime.position() + n as u64);
            self.runtime
                .process(&mut out.left[range.clone()], &mut out.right[range]);
            self.engine.pump();
            done += n;
        }
    }

    /// Frames rendered so far.
    pub fn position(&self) -> u64 {
        self.runtime.position()
    }

    /// The engine (counters, planner).
    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The engine, mutably (to take resets).
    pub fn engine_mut(&mut self) -> &mut Engine {
        &mut self.engine
    }
}

/// Renders `frames` frames of `initial`, switching to each graph of `schedule` at its frame
/// (sorted or not), and calls `progress(done, total)` now and then.
pub fn render(
    initial: ValidGraph,
    schedule: Vec<(u64, ValidGraph)>,
    frames: u64,
    sample_rate: f32,
    block_size: usize,
    mut progress: impl FnMut(u64, u64),
) -> StereoBuffer {
    let mut out = StereoBuffer {
        left: Vec::with_capacity(frames as usize),
        right: Vec::with_capacity(frames as usize),
    };
    let done = render_with(
        initial,
        schedule,
        frames,
        sample_rate,
        block_size,
        (Quantize::Off, DEFAULT_FADE_MS),
        |chunk, done| {
            out.left.extend_from_slice(&chunk.left);
            out.right.extend_from_slice(&chunk.right);
            progress(done, frames);
            Ok::<(), std::convert::Infallible>(())
        },
    );
    match done {
        Ok(()) => out,
        Err(never) => match never {},
    }
}

/// [`render`] in constant memory: hands each chunk of at most a second to `sink` with the
/// frames done so far, and stops at the first error `sink` returns.
pub fn render_with<E>(
    initial: ValidGraph,
    schedule: Vec<(u64, ValidGraph)>,
    frames: u64,
    sample_rate: f32,
    block_size: usize,
    (quantize, fade_ms): (Quantize, f32),
    sink: impl FnMut(&StereoBuffer, u64) -> Result<(), E>,
) -> Result<(), E> {
    let at = (sample_rate, block_size);
    render_midi_with(
        initial,
        schedule,
        (&[], false),
        frames,
        at,
        (quantize, fade_ms),
        sink,
    )
}

/// [`render_with`] playing `midi` (absolute sample times) into the patch's MIDI modules,
/// the transport following its clock when `sync_midi` (`--sync midi`); the other arguments
/// as there.
pub fn render_midi_with<E>(
    initial: ValidGraph,
    schedule: Vec<(u64, ValidGraph)>,
    (midi, sync_midi): (&[MidiEvent], bool),
    frames: u64,
    (sample_rate, block_size): (f32, usize),
    (quantize, fade_ms): (Quantize, f32),
    mut sink: impl FnMut(&StereoBuffer, u64) -> Result<(), E>,
) -> Result<(), E> {
    let mut renderer = OfflineRenderer::new(sample_rate, block_size);
    renderer.queue_midi(midi);
    let chunk = (sample_rate as u64).max(1);
    let mut out = StereoBuffer {
        left: Vec::with_capacity(chunk as usize),
        right: Vec::with_capacity(chunk as usize),
    };
    renderer.commit(initial);
    renderer.engine.set_quantize(quantize);
    renderer.engine.set_fade_ms(fade_ms);
    renderer.engine.set_sync_midi(sync_midi);
    let mut schedule = schedule;
    schedule.sort_by_key(|(at, _)| *at);
    let mut schedule = schedule.into_iter().peekable();
    while renderer.position() < frames {
        let now = renderer.position();
        while let Some((_, graph)) = schedule.next_if(|(at, _)| *at <= now) {
            renderer.commit(graph);
        }
        let until = schedule.peek().map_or(frames, |(at, _)| (*at).min(frames));
        let n = (until - now).min(chunk);
        out.left.clear();
        out.right.clear();
        renderer.render_into(&mut out, n as usize);
        sink(&out, renderer.position())?;
    }
    Ok(())
}
