//! Stream errors reported from the audio side without allocating: the backend's error
//! callback only bumps a preallocated counter per kind; the control side turns new counts
//! into messages.

use std::sync::atomic::{AtomicU64, Ordering};

/// The kinds of stream error the audio side can report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamErrorKind {
    /// The callback was late: a buffer underrun.
    Xrun,
    /// The audio thread did not get real-time priority.
    RealtimeDenied,
    /// The device went away, changed or invalidated the stream.
    DeviceLost,
    /// Any other device or backend error.
    Other,
}

impl StreamErrorKind {
    /// Every kind, in counter order.
    pub const ALL: [StreamErrorKind; 4] = [
        StreamErrorKind::Xrun,
        StreamErrorKind::RealtimeDenied,
        StreamErrorKind::DeviceLost,
        StreamErrorKind::Other,
    ];

    /// What the user is told, for `count` new errors of this kind.
    pub fn message(self, count: u64) -> String {
        let times = if count == 1 {
            String::new()
        } else {
            format!(" ({count} times)")
        };
        match self {
            StreamErrorKind::Xrun => {
                format!("audio: buffer underrun (the callback was late){times}")
            }
            StreamErrorKind::RealtimeDenied => format!(
                "audio: no real-time priority for the audio thread (glitches are likely under \
                 load){times}"
            ),
            StreamErrorKind::DeviceLost => {
                format!("audio: the device went away or changed; restart to play on another{times}")
            }
            StreamErrorKind::Other => format!("audio device error{times}"),
        }
    }
}

/// Counters shared by the audio side (which bumps them) and the control side (which reads
/// them).
#[derive(Debug, Default)]
pub struct StreamErrors {
    counts: [AtomicU64; 4],
}

impl StreamErrors {
    /// Records one error of `kind`: a relaxed atomic add, safe on the audio thread.
    pub fn record(&self, kind: StreamErrorKind) {
        self.counts[kind as usize].fetch_add(1, Ordering::Relaxed);
    }

    /// How many errors of `kind` were recorded so far.
    pub fn count(&self, kind: StreamErrorKind) -> u64 {
        self.counts[kind as usize].load(Ordering::Relaxed)
    }
}

/// Reads new errors from shared counters (on the control side).
#[derive(Debug, Default)]
pub struct StreamErrorReader {
    seen: [u64; 4],
}

impl StreamErrorReader {
    /// A message per kind with errors recorded since the last call.
    pub fn new_messages(&mut self, errors: &StreamErrors) -> Vec<String> {
        let mut messages = Vec::new();
        for (kind, seen) in StreamErrorKind::ALL.iter().zip(self.seen.iter_mut()) {
            let count = errors.count(*kind);
            if count > *seen {
                messages.push(kind.message(count - *seen));
                *seen = count;
            }
        }
        messages
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_new_batch_of_errors_becomes_one_message_per_kind() {
        let errors = StreamErrors::default();
        let mut reader = StreamErrorReader::default();
        assert!(reader.new_messages(&errors).is_empty());
        errors.record(StreamErrorKind::Xrun);
        errors.record(StreamErrorKind::Xrun);
        errors.record(StreamErrorKind::DeviceLost);
        let messages = reader.new_messages(&errors);
        assert_eq!(messages.len(), 2);
        assert!(messages[0].contains("underrun") && messages[0].contains("2 times"));
        assert!(messages[1].contains("went away") && !messages[1].contains("times"));
        assert!(reader.new_messages(&errors).is_empty(), "nothing new");
    }
}
