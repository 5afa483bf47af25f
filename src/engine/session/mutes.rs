//! Mute and solo of single nodes, by name, as the screen asks for them.
//!
//! A muted node keeps running; its outputs ramp to 0 over 5 ms on the audio thread. Solo
//! keeps the soloed node and its whole chain (every node that feeds it, directly or not,
//! and every node it feeds) and mutes the rest. The effective set is sent as changes, and
//! in full once a new plan runs (a rebuilt node starts unmuted in its new slot).

use crate::engine::{Engine, ValidGraph};
use std::collections::BTreeSet;

/// Which nodes the performer muted or soloed, and what the engine was told.
#[derive(Debug, Default)]
pub struct NodeMutes {
    muted: BTreeSet<String>,
    solo: Option<String>,
    sent: BTreeSet<String>,
}

impl NodeMutes {
    /// Mutes `name`, or unmutes it when muted; the new state.
    pub fn toggle_mute(&mut self, name: &str) -> bool {
        if !self.muted.remove(name) {
            self.muted.insert(name.to_string());
            return true;
        }
        false
    }

    /// Solos `name`, or ends its solo; whether it is soloed now.
    pub fn toggle_solo(&mut self, name: &str) -> bool {
        if self.solo.as_deref() == Some(name) {
            self.solo = None;
            return false;
        }
        self.solo = Some(name.to_string());
        true
    }

    /// Whether `name` is silenced now, by its own mute or by another node's solo.
    pub fn is_muted(&self, name: &str) -> bool {
        self.sent.contains(name)
    }

    /// The soloed node.
    pub fn solo(&self) -> Option<&str> {
        self.solo.as_deref()
    }

    /// The nodes of `graph` to silence: the muted ones and, with a solo, every node outside
    /// the soloed node's chain (never the `AudioOut`).
    fn wanted(&self, graph: &ValidGraph) -> BTreeSet<String> {
        let mut set: BTreeSet<String> = self
            .muted
            .iter()
            .filter(|n| graph.node_index(n).is_some())
            .cloned()
            .collect();
        if let Some(solo) = self.solo.as_deref().and_then(|s| graph.node_index(s)) {
            let chain = chain(graph, solo);
            for (i, node) in graph.nodes.iter().enumerate() {
                if !chain[i] && i != graph.audio_out {
                    set.insert(node.name.clone());
                }
            }
        }
        set
    }

    /// Tells `engine` what changed for the nodes of `graph` (everything when `all`).
    pub fn send(&mut self, engine: &mut Engine, graph: &ValidGraph, all: bool) {
        let wanted = self.wanted(graph);
        for node in &graph.nodes {
            let muted = wanted.contains(&node.name);
            if all || muted != self.sent.contains(&node.name) {
                engine.set_muted(&node.name, muted);
            }
        }
        self.sent = wanted;
    }
}

/// Whether each node of `graph` is `node`, feeds it (directly or not) or is fed by it.
fn chain(graph: &ValidGraph, node: usize) -> Vec<bool> {
    let mut keep = vec![false; graph.nodes.len()];
    keep[node] = true;
    for downstream in [true, false] {
        let mut seen = vec![false; graph.nodes.len()];
        seen[node] = true;
        let mut stack = vec![node];
        while let Some(n) = stack.pop() {
            for cable in &graph.cables {
                let (from, to) = if downstream {
                    (cable.from, cable.to)
                } else {
                    (cable.to, cable.from)
                };
                if from == n && !seen[to] {
                    seen[to] = true;
                    keep[to] = true;
                    stack.push(to);
                }
            }
        }
    }
    keep
}
