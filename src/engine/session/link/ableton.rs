//! The Link thread: owns the `rusty_link` instance, sends the patch's tempo requests and our
//! own starts and stops to the session (start/stop sync is on) and turns the audio thread's
//! marks into targets on the session's timeline, with the session's run state.

use super::LinkStatus;
use crate::engine::core::follow::{Target, TransportFollow};
use rusty_link::{AblLink, HostTimeFilter, SessionState};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// How often the thread looks at the session and the audio thread's marks.
const POLL: Duration = Duration::from_millis(5);
/// A mark further than this from the filtered callback times (a stall, a restarted device)
/// starts the filter again, in microseconds.
const RESTART_FILTER_MICROS: i64 = 20_000;
/// The tempo Link starts with before the first commit says the patch's.
const START_BPM: f64 = 120.0;
/// A session beat that changed by more than this (in beats) at a time already passed means
/// the timeline moved (a session joined, a start, a peer's tempo change): the transport
/// jumps instead of slewing.
const MOVED_BEATS: f64 = 1e-3;

/// The running thread.
pub(super) struct LinkThread {
    status: Arc<Mutex<LinkStatus>>,
    stop: Arc<AtomicBool>,
    follow: Arc<TransportFollow>,
    thread: Option<JoinHandle<()>>,
}

impl LinkThread {
    /// Enables Link and starts following it.
    pub(super) fn start(follow: Arc<TransportFollow>) -> std::io::Result<LinkThread> {
        let status = Arc::new(Mutex::new(LinkStatus {
            bpm: START_BPM,
            ..LinkStatus::default()
        }));
        let stop = Arc::new(AtomicBool::new(false));
        // Active before the first commit, so that its tempo is requested.
        follow.set_active(true);
        let follower = Follower {
            link: AblLink::new(START_BPM),
            follow: follow.clone(),
            status: status.clone(),
            state: SessionState::new(),
            filter: HostTimeFilter::new(),
            last_mark: 0,
            requests: 0,
            run_requests: 0,
            quantum: 4.0,
            was_playing: true,
            last_target: None,
            moves: 0,
        };
        let stopping = stop.clone();
        let thread = std::thread::Builder::new()
            .name("patches-link".into())
            .spawn(move || follower.run(&stopping));
        match thread {
            Ok(thread) => Ok(LinkThread {
                status,
                stop,
                follow,
                thread: Some(thread),
            }),
            Err(error) => {
                follow.set_active(false);
                Err(error)
            }
        }
    }

    /// The latest status.
    pub(super) fn status(&self) -> LinkStatus {
        *self.status.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for LinkThread {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
        self.follow.set_active(false);
    }
}

/// The thread's state.
struct Follower {
    link: AblLink,
    follow: Arc<TransportFollow>,
    status: Arc<Mutex<LinkStatus>>,
    state: SessionState,
    filter: HostTimeFilter,
    last_mark: u64,
    requests: u64,
    run_requests: u64,
    /// The quantum of the last mark (the patch's beats per bar).
    quantum: f64,
    /// Whether the session played at the last target.
    was_playing: bool,
    /// Link's time and the session beat at it of the last target.
    last_target: Option<(i64, f64)>,
    /// Times the session timeline was seen to move.
    moves: u64,
}

impl Follower {
    fn run(mut self, stop: &AtomicBool) {
        // Alone we play, as the transport always did; a session joined later brings its own
        // run state (Link keeps the newest start or stop of the session).
        self.link.enable_start_stop_sync(true);
        self.link.capture_app_session_state(&mut self.state);
        let now = self.link.clock_micros();
        self.state
            .set_is_playing_and_request_beat_at_time(true, now, 0.0, self.quantum);
        self.link.commit_app_session_state(&self.state);
        self.link.enable(true);
        while !stop.load(Ordering::Acquire) {
            self.send_tempo_request();
            self.send_run_request();
            self.publish_target();
            std::thread::sleep(POLL);
        }
        self.link.enable(false);
    }

    /// Sets the session tempo to the patch's when a commit changed it. The first commit's
    /// tempo only starts a session of our own: a player joining a session takes its tempo.
    fn send_tempo_request(&mut self) {
        let (requests, bpm) = self.follow.tempo_request();
        if requests == self.requests {
            return;
        }
        let first = self.requests == 0;
        self.requests = requests;
        if first && self.link.num_peers() > 0 {
            return;
        }
        self.link.capture_app_session_state(&mut self.state);
        self.state.set_tempo(bpm, self.link.clock_micros());
        self.link.commit_app_session_state(&self.state);
    }

    /// Starts or stops the session when we asked to: a start puts beat 0 at now (on a
    /// session of others, at the next time in phase with it).
    fn send_run_request(&mut self) {
        let (requests, playing) = self.follow.playing_request();
        if requests == self.run_requests {
            return;
        }
        self.run_requests = requests;
        self.link.capture_app_session_state(&mut self.state);
        let now = self.link.clock_micros();
        if playing {
            let quantum = self.quantum;
            self.state
                .set_is_playing_and_request_beat_at_time(true, now, 0.0, quantum);
        } else {
            self.state.set_is_playing(false, now);
        }
        self.link.commit_app_session_state(&self.state);
    }

    /// Places the audio thread's latest mark on the session's timeline.
    fn publish_target(&mut self) {
        let Some((serial, mark)) = self.follow.mark() else {
            return;
        };
        if serial == self.last_mark {
            return;
        }
        self.last_mark = serial;
        // The mark's clock (Instant) and Link's, read back to back.
        let since_epoch = self.follow.epoch().elapsed().as_micros() as i64;
        let offset = self.link.clock_micros() - since_epoch;
        let started = mark.micros as i64 + offset;
        let mut time = self.filter.sample_time_to_host_time(started, mark.frame);
        if (time - started).abs() > RESTART_FILTER_MICROS {
            // Our frames stepped against the clock (a stall, a device restarted, a null
            // backend that fell behind): the transport jumps rather than slewing for seconds.
            self.filter.reset();
            self.moves += 1;
            time = self.filter.sample_time_to_host_time(started, mark.frame);
        }
        self.link.capture_app_session_state(&mut self.state);
        let quantum = f64::from(mark.beats_per_bar.max(1));
        self.quantum = quantum;
        if self.state.is_playing() && !self.was_playing {
            // Link shares phase, not beat numbers: every player that sees a start puts its
            // own beat 0 where the session starts (as Ableton's examples do).
            self.state.request_beat_at_start_playing_time(0.0, quantum);
            self.link.commit_app_session_state(&self.state);
        }
        self.was_playing = self.state.is_playing();
        if let Some((last_time, last_beat)) = self.last_target {
            let now = self.state.beat_at_time(last_time, quantum);
            if (now - last_beat).abs() > MOVED_BEATS {
                self.moves += 1;
            }
        }
        let beat = self.state.beat_at_time(time, quantum);
        self.last_target = Some((time, beat));
        let bpm = self.state.tempo();
        // The run state now, not at its scheduled time: after a join the session's start can
        // map to a time ahead on the new timeline, which would hold a playing transport.
        let playing = self.state.is_playing();
        self.follow.publish_target(Target {
            frame: mark.frame,
            beat,
            bpm,
            requests_seen: self.requests,
            playing,
            moves: self.moves,
        });
        let status = LinkStatus {
            peers: self.link.num_peers(),
            bpm,
            beat: mark.beat,
            micros: started,
            stopped: !playing,
        };
        *self.status.lock().unwrap_or_else(|e| e.into_inner()) = status;
    }
}
