//! An outside clock the transport follows (Ableton Link): what the audio thread and the thread
//! that talks to the outside clock tell each other, through atomics only.
//!
//! At the start of every callback the audio thread publishes a *mark*: the frame it is about
//! to play, when (microseconds since [`TransportFollow::epoch`]), the transport's beat at that
//! frame and the beats in a bar. The follower turns marks into the outside clock's times and
//! publishes a *target*: the outside beat, tempo and run state at a frame, which the audio
//! thread adopts at its next callback. A tempo the patch sets and a start or stop of our own
//! go the other way as *requests*. Both sides only load and store atomics: the audio thread never waits, and a torn read is
//! retried at the next callback.

use std::sync::atomic::{fence, AtomicBool, AtomicU64, Ordering};
use std::time::Instant;

/// A few 64-bit values written together by one thread and read whole by others (a sequence
/// lock that never blocks the writer; a reader that catches a write in progress gets `None`).
#[derive(Debug)]
struct SeqLock<const N: usize> {
    seq: AtomicU64,
    values: [AtomicU64; N],
}

impl<const N: usize> Default for SeqLock<N> {
    fn default() -> Self {
        SeqLock {
            seq: AtomicU64::new(0),
            values: std::array::from_fn(|_| AtomicU64::new(0)),
        }
    }
}

impl<const N: usize> SeqLock<N> {
    /// Stores `values` (one writer only).
    fn write(&self, values: [u64; N]) {
        let seq = self.seq.load(Ordering::Relaxed);
        self.seq.store(seq + 1, Ordering::Relaxed);
        fence(Ordering::Release);
        for (slot, value) in self.values.iter().zip(values) {
            slot.store(value, Ordering::Relaxed);
        }
        self.seq.store(seq + 2, Ordering::Release);
    }

    /// The values and how many writes made them, unless a write is in progress or none
    /// happened yet.
    fn read(&self) -> Option<(u64, [u64; N])> {
        let before = self.seq.load(Ordering::Acquire);
        if before == 0 || before % 2 == 1 {
            return None;
        }
        let values = std::array::from_fn(|i| self.values[i].load(Ordering::Relaxed));
        fence(Ordering::Acquire);
        (self.seq.load(Ordering::Relaxed) == before).then_some((before / 2, values))
    }
}

/// What the audio thread saw at the start of a callback.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mark {
    /// The first frame of the callback.
    pub frame: u64,
    /// When the callback started, in microseconds since [`TransportFollow::epoch`].
    pub micros: u64,
    /// The transport's beat at `frame`.
    pub beat: f64,
    /// Beats in a bar (the outside clock's quantum).
    pub beats_per_bar: u32,
}

/// Where the outside clock says the transport is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Target {
    /// A frame of the audio thread.
    pub frame: u64,
    /// The outside clock's beat at that frame.
    pub beat: f64,
    /// The outside clock's tempo.
    pub bpm: f64,
    /// How many tempo requests the follower had handled when it made this target: the
    /// audio thread ignores targets older than its last request.
    pub requests_seen: u64,
    /// Whether the outside transport plays at that frame (the transport holds while not).
    pub playing: bool,
    /// How many times the outside timeline has moved (a session joined, a peer's start):
    /// when it changes the transport jumps to the outside beat instead of slewing to it.
    pub moves: u64,
}

/// The state the audio thread and a follower share.
#[derive(Debug)]
pub struct TransportFollow {
    epoch: Instant,
    active: AtomicBool,
    mark: SeqLock<4>,
    target: SeqLock<6>,
    request_bpm: AtomicU64,
    requests: AtomicU64,
    /// Start and stop requests: their number times two, plus one when the last is a start.
    run_requests: AtomicU64,
}

impl Default for TransportFollow {
    fn default() -> Self {
        TransportFollow {
            epoch: Instant::now(),
            active: AtomicBool::new(false),
            mark: SeqLock::default(),
            target: SeqLock::default(),
            request_bpm: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            run_requests: AtomicU64::new(0),
        }
    }
}

impl TransportFollow {
    /// The instant mark times count from.
    pub fn epoch(&self) -> Instant {
        self.epoch
    }

    /// Whether a follower runs: the audio thread publishes marks and adopts targets only then.
    pub fn active(&self) -> bool {
        self.active.load(Ordering::Acquire)
    }

    /// Starts or stops following (a follower sets it when it starts and clears it when it
    /// stops).
    pub fn set_active(&self, active: bool) {
        self.active.store(active, Ordering::Release);
    }

    /// Publishes the mark of a callback (audio thread).
    pub fn publish_mark(&self, mark: Mark) {
        self.mark.write([
            mark.frame,
            mark.micros,
            mark.beat.to_bits(),
            u64::from(mark.beats_per_bar),
        ]);
    }

    /// The latest mark and its serial number, unless none was published or one is being
    /// written.
    pub fn mark(&self) -> Option<(u64, Mark)> {
        let (serial, [frame, micros, beat, beats_per_bar]) = self.mark.read()?;
        let mark = Mark {
            frame,
            micros,
            beat: f64::from_bits(beat),
            beats_per_bar: beats_per_bar as u32,
        };
        Some((serial, mark))
    }

    /// Publishes a target (follower).
    pub fn publish_target(&self, target: Target) {
        self.target.write([
            target.frame,
            target.beat.to_bits(),
            target.bpm.to_bits(),
            target.requests_seen,
            u64::from(target.playing),
            target.moves,
        ]);
    }

    /// The latest target and its serial number, unless none was published or one is being
    /// written.
    pub fn target(&self) -> Option<(u64, Target)> {
        let (serial, [frame, beat, bpm, requests_seen, playing, moves]) = self.target.read()?;
        let target = Target {
            frame,
            beat: f64::from_bits(beat),
            bpm: f64::from_bits(bpm),
            requests_seen,
            playing: playing != 0,
            moves,
        };
        Some((serial, target))
    }

    /// Asks the follower to set the outside tempo to `bpm` (audio thread, when a commit
    /// changes the patch's tempo); the number of requests made so far.
    pub fn request_tempo(&self, bpm: f64) -> u64 {
        self.request_bpm.store(bpm.to_bits(), Ordering::Relaxed);
        let requests = self.requests.load(Ordering::Relaxed) + 1;
        self.requests.store(requests, Ordering::Release);
        requests
    }

    /// Asks the follower to start (`true`) or stop the outside transport (the control side:
    /// one thread at a time); the number of such requests made so far. The transport starts
    /// or stops when the outside clock's target says so.
    pub fn request_playing(&self, playing: bool) -> u64 {
        let requests = (self.run_requests.load(Ordering::Relaxed) >> 1) + 1;
        let value = requests << 1 | u64::from(playing);
        self.run_requests.store(value, Ordering::Release);
        requests
    }

    /// The number of start and stop requests made so far and whether the last was a start.
    pub fn playing_request(&self) -> (u64, bool) {
        let value = self.run_requests.load(Ordering::Acquire);
        (value >> 1, value & 1 == 1)
    }

    /// The number of tempo requests made so far and the tempo of the last one.
    pub fn tempo_request(&self) -> (u64, f64) {
        let requests = self.requests.load(Ordering::Acquire);
        (
            requests,
            f64::from_bits(self.request_bpm.load(Ordering::Relaxed)),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_reader_never_sees_half_a_write() {
        /// Whole targets the reader must see while the writer writes.
        const READS: u32 = 10_000;
        let follow = Arc::new(TransportFollow::default());
        let enough = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writer = {
            let (follow, enough) = (follow.clone(), enough.clone());
            // Writes until the reader has seen enough, so that the two overlap however
            // the threads are scheduled; returns the last frame written.
            std::thread::spawn(move || {
                let mut i = 0u64;
                while !enough.load(std::sync::atomic::Ordering::Relaxed) {
                    i += 1;
                    follow.publish_target(Target {
                        frame: i,
                        beat: i as f64,
                        bpm: i as f64,
                        requests_seen: i,
                        playing: i.is_multiple_of(2),
                        moves: i,
                    });
                }
                i
            })
        };
        let mut seen = 0;
        while seen < READS {
            if let Some((_, t)) = follow.target() {
                let i = t.frame;
                assert_eq!((t.beat, t.bpm, t.requests_seen), (i as f64, i as f64, i));
                assert_eq!((t.playing, t.moves), (i.is_multiple_of(2), i));
                seen += 1;
            }
        }
        enough.store(true, std::sync::atomic::Ordering::Relaxed);
        let last = writer.join().unwrap();
        assert_eq!(follow.target().unwrap().1.frame, last);
    }

    #[test]
    fn nothing_is_read_before_the_first_write() {
        let follow = TransportFollow::default();
        assert_eq!(follow.mark(), None);
        assert_eq!(follow.target(), None);
        assert_eq!(follow.tempo_request().0, 0);
        assert_eq!(follow.request_tempo(133.0), 1);
        assert_eq!(follow.tempo_request(), (1, 133.0));
        assert_eq!(follow.playing_request(), (0, false));
        assert_eq!(follow.request_playing(true), 1);
        assert_eq!(follow.request_playing(false), 2);
        assert_eq!(follow.playing_request(), (2, false));
    }
}
