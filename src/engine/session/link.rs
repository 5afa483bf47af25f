//! `--link`: joins the Ableton Link session on the local network. The transport follows the
//! session's tempo, its beat and bar phase (the quantum is the patch's beats per bar) and its
//! start and stop; a tempo the patch changes and our own start or stop become the session's. Link runs on a thread of its own; the
//! audio thread only loads and stores atomics (see [`crate::engine::follow`]).

#[cfg(feature = "link")]
mod ableton;

use crate::engine::core::follow::TransportFollow;
use std::sync::Arc;

/// What `play --stats` and the status line say about the Link session.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LinkStatus {
    /// Other players in the session.
    pub peers: u64,
    /// The session's tempo.
    pub bpm: f64,
    /// The transport's beat at `micros`.
    pub beat: f64,
    /// When the transport was at `beat`: Link's clock in microseconds (on Linux the
    /// system-wide monotonic clock, the same in every process of the machine).
    pub micros: i64,
    /// The session's transport is stopped (start/stop sync), so ours is held.
    pub stopped: bool,
}

impl LinkStatus {
    /// `link 1 peer 120.0 BPM`: the peers and the session tempo (and ` stopped` while the
    /// session is).
    pub fn summary(&self) -> String {
        let plural = if self.peers == 1 { "" } else { "s" };
        let stopped = if self.stopped { " stopped" } else { "" };
        format!(
            "link {} peer{plural} {:.1} BPM{stopped}",
            self.peers, self.bpm
        )
    }
}

/// A joined Link session; leaving it (dropping) stops the transport following it.
pub struct LinkSession {
    #[cfg(feature = "link")]
    thread: ableton::LinkThread,
    #[cfg(not(feature = "link"))]
    never: std::convert::Infallible,
}

impl LinkSession {
    /// Joins the session and makes the transport behind `follow` follow it.
    #[cfg(feature = "link")]
    pub fn join(follow: Arc<TransportFollow>) -> Result<LinkSession, String> {
        let thread =
            ableton::LinkThread::start(follow).map_err(|e| format!("Ableton Link: {e}"))?;
        Ok(LinkSession { thread })
    }

    /// Joins the session: this build has no Ableton Link, so it says so.
    #[cfg(not(feature = "link"))]
    pub fn join(_follow: Arc<TransportFollow>) -> Result<LinkSession, String> {
        Err("this build has no Ableton Link (built without the `link` feature)".into())
    }

    /// Peers, session tempo and where the transport is.
    pub fn status(&self) -> LinkStatus {
        #[cfg(feature = "link")]
        return self.thread.status();
        #[cfg(not(feature = "link"))]
        match self.never {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_says_peers_tempo_and_a_stopped_session() {
        let mut status = LinkStatus {
            peers: 2,
            bpm: 98.5,
            ..LinkStatus::default()
        };
        assert_eq!(status.summary(), "link 2 peers 98.5 BPM");
        status.stopped = true;
        assert_eq!(status.summary(), "link 2 peers 98.5 BPM stopped");
    }
}
