//! What a commit does to the cables: added, removed and rescaled, for the commit summary
//! (the engine's summary counts nodes).

use crate::engine::{Cable, ModuleGraph};
use std::collections::HashMap;
use std::fmt;

/// Cable changes between two graphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CableChanges {
    /// Cables the new graph has and the old one did not.
    pub added: usize,
    /// Cables the old graph had and the new one does not.
    pub removed: usize,
    /// Cables in both whose scale changed.
    pub rescaled: usize,
}

impl CableChanges {
    /// The changes from `old` (nothing before the first commit) to `new`. A cable is the same
    /// cable when it joins the same output to the same input.
    pub fn between(old: Option<&ModuleGraph>, new: &ModuleGraph) -> Self {
        let key = |c: &Cable| {
            (
                c.from.clone(),
                c.output.to_string(),
                c.to.clone(),
                c.input.to_string(),
            )
        };
        let mut before: HashMap<_, Vec<f64>> = HashMap::new();
        for cable in old.map_or(&[][..], |g| &g.cables[..]) {
            before.entry(key(cable)).or_default().push(cable.scale);
        }
        let mut changes = CableChanges::default();
        for cable in &new.cables {
            match before.get_mut(&key(cable)).and_then(Vec::pop) {
                Some(scale) if scale.to_bits() != cable.scale.to_bits() => changes.rescaled += 1,
                Some(_) => {}
                None => changes.added += 1,
            }
        }
        changes.removed = before.values().map(Vec::len).sum();
        changes
    }
}

impl fmt::Display for CableChanges {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cables: {} added, {} removed, {} rescaled",
            self.added, self.removed, self.rescaled
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Node, PortRef};

    fn cable(from: &str, to: &str, scale: f64) -> Cable {
        Cable {
            from: from.into(),
            output: PortRef::new("out"),
            to: to.into(),
            input: PortRef::new("in"),
            scale,
        }
    }

    fn graph(cables: Vec<Cable>) -> ModuleGraph {
        ModuleGraph {
            nodes: vec![Node::new("a", "Vca")],
            cables,
            transport: None,
        }
    }

    #[test]
    fn counts_added_removed_and_rescaled_cables() {
        let old = graph(vec![
            cable("a", "b", 1.0),
            cable("a", "c", 0.5),
            cable("x", "y", 1.0),
        ]);
        let new = graph(vec![
            cable("a", "b", 1.0),
            cable("a", "c", 0.25),
            cable("d", "e", 1.0),
            cable("d", "f", 1.0),
        ]);
        let changes = CableChanges::between(Some(&old), &new);
        assert_eq!(
            changes,
            CableChanges {
                added: 2,
                removed: 1,
                rescaled: 1
            }
        );
        assert_eq!(CableChanges::between(None, &new).added, 4);
    }
}
