//! Rate limit for reset reports: a node that keeps blowing up is named at most once a
//! second, with its running count, instead of on every tick.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Shortest time between two reports about one node.
const EVERY: Duration = Duration::from_secs(1);

/// When each node was last reported.
#[derive(Default)]
pub struct ResetReports {
    last: HashMap<String, Instant>,
}

impl ResetReports {
    /// Whether `node` may be reported now (and, if so, records that it is).
    pub fn due(&mut self, node: &str) -> bool {
        let now = Instant::now();
        match self.last.get(node) {
            Some(&at) if now.duration_since(at) < EVERY => false,
            _ => {
                self.last.insert(node.to_string(), now);
                true
            }
        }
    }
}
