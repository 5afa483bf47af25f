//! The `--stats` line: DSP load and the output guard's counters, every 2 seconds.

use patches_tui::engine::link::LinkStatus;
use patches_tui::engine::{EngineCounters, LoadStats};
use std::time::{Duration, Instant};

/// Time between two stats lines.
pub const EVERY: Duration = Duration::from_secs(2);

/// Says when the next stats line is due.
pub struct StatsClock {
    next: Instant,
}

impl StatsClock {
    /// A clock whose first line is due `EVERY` after `now`.
    pub fn new(now: Instant) -> Self {
        StatsClock { next: now + EVERY }
    }

    /// Whether a line is due at `now`; if so, the next one is due `EVERY` later.
    pub fn due(&mut self, now: Instant) -> bool {
        if now < self.next {
            return false;
        }
        self.next = now + EVERY;
        true
    }
}

/// `stats: DSP load 1.2% mean, 3.4% peak; 0 late callbacks; 0 non-finite, 0 clamped samples`.
pub fn stats_line(load: LoadStats, counters: &EngineCounters) -> String {
    format!(
        "stats: DSP load {:.1}% mean, {:.1}% peak; {} late callbacks; {} non-finite, {} clamped samples",
        load.mean * 100.0,
        load.peak * 100.0,
        load.late,
        EngineCounters::get(&counters.non_finite),
        EngineCounters::get(&counters.clamped),
    )
}

/// `link: 1 peer 120.0 BPM; beat 1234.5678 at 98765.432100 s`: the Link session's peers and
/// tempo, and the transport's beat at a time of Link's clock (the system-wide monotonic
/// clock on Linux), so that two players' phases can be compared.
pub fn link_line(link: &LinkStatus) -> String {
    format!(
        "link: {}; beat {:.4} at {:.6} s",
        link.summary().trim_start_matches("link "),
        link.beat,
        link.micros as f64 / 1e6
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::Ordering;

    #[test]
    fn the_line_gives_load_in_percent_and_the_counters() {
        let counters = EngineCounters::default();
        counters.non_finite.store(3, Ordering::Relaxed);
        counters.clamped.store(7, Ordering::Relaxed);
        let load = LoadStats {
            mean: 0.0123,
            peak: 0.25,
            late: 1,
            callbacks: 100,
        };
        assert_eq!(
            stats_line(load, &counters),
            "stats: DSP load 1.2% mean, 25.0% peak; 1 late callbacks; 3 non-finite, 7 clamped samples"
        );
    }

    #[test]
    fn the_link_line_gives_peers_tempo_and_a_timed_beat() {
        let link = LinkStatus {
            peers: 1,
            bpm: 128.0,
            beat: 17.25,
            micros: 5_000_250,
            stopped: false,
        };
        assert_eq!(
            link_line(&link),
            "link: 1 peer 128.0 BPM; beat 17.2500 at 5.000250 s"
        );
    }

    #[test]
    fn a_line_is_due_every_two_seconds() {
        let start = Instant::now();
        let mut clock = StatsClock::new(start);
        assert!(!clock.due(start + Duration::from_millis(1999)));
        assert!(clock.due(start + EVERY));
        assert!(!clock.due(start + EVERY + Duration::from_millis(10)));
        assert!(clock.due(start + EVERY * 2));
    }
}
