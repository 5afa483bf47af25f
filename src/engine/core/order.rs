//! Execution order: strongly connected components in topological order.
//!
//! Nodes outside feedback loops run one after another, each for a whole block. The members
//! of a loop run sample by sample; inside a loop, a cable that points back to a member that
//! runs earlier (or to its own node) is a feedback cable and carries one sample of delay.
//! Every other cable carries none.

/// One entry of the execution order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Group {
    /// A node outside any loop.
    Single(usize),
    /// The members of a feedback loop, in their run order.
    Loop(Vec<usize>),
}

/// The run order of a graph and which edges close feedback loops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// Groups in topological order.
    pub groups: Vec<Group>,
    /// For each edge given to `order`, whether it is a feedback edge.
    pub feedback: Vec<bool>,
}

/// Orders `node_count` nodes connected by `edges` (from, to). Each node runs as late as its
/// readers allow: the order is a depth-first walk from the sinks back through their inputs
/// (in edge order), so that a voice's chain runs as one stretch just before the node that
/// reads it, and its buffers die young (see `scratch`). Any topological order gives the
/// same output; this one keeps the working set small. Deterministic.
pub fn order(node_count: usize, edges: &[(usize, usize)]) -> Order {
    let mut successors = vec![Vec::new(); node_count];
    let mut self_loop = vec![false; node_count];
    for &(from, to) in edges {
        successors[from].push(to);
        self_loop[from] |= from == to;
    }
    let mut components = tarjan(&successors);
    let mut component_of = vec![0; node_count];
    for (c, members) in components.iter().enumerate() {
        for &m in members {
            component_of[m] = c;
        }
    }
    let sequence = readers_last(&components, edges, &component_of);
    // Scratch shared by every loop, so that ordering stays linear in nodes and edges.
    let mut visited = vec![false; node_count];
    let mut rank = vec![0usize; node_count];
    let mut groups = Vec::with_capacity(components.len());
    let mut next_rank = 0;
    for c in sequence {
        let mut members = std::mem::take(&mut components[c]);
        let looped = members.len() > 1 || self_loop[members[0]];
        if looped {
            members = loop_order(&members, &successors, &component_of, &mut visited);
        }
        for &m in &members {
            rank[m] = next_rank;
            next_rank += 1;
        }
        groups.push(if looped {
            Group::Loop(members)
        } else {
            Group::Single(members[0])
        });
    }
    let feedback = edges.iter().map(|&(f, t)| rank[t] <= rank[f]).collect();
    Order { groups, feedback }
}

/// The components in topological order, each as close before its readers as possible: a
/// depth-first post-order over the components' inputs (edges into them, in edge order),
/// from every sink in the order of its first node.
fn readers_last(
    components: &[Vec<usize>],
    edges: &[(usize, usize)],
    component_of: &[usize],
) -> Vec<usize> {
    let count = components.len();
    let mut inputs = vec![Vec::new(); count];
    let mut is_sink = vec![true; count];
    for &(from, to) in edges {
        let (f, t) = (component_of[from], component_of[to]);
        if f != t {
            inputs[t].push(f);
            is_sink[f] = false;
        }
    }
    let first_node = |c: usize| components[c].iter().min().copied().unwrap_or(0);
    let mut sinks: Vec<usize> = (0..count).filter(|&c| is_sink[c]).collect();
    sinks.sort_by_key(|&c| first_node(c));
    let mut entered = vec![false; count];
    let mut sequence = Vec::with_capacity(count);
    for sink in sinks {
        entered[sink] = true;
        let mut walk = vec![(sink, 0usize)];
        while let Some(&mut (c, ref mut next)) = walk.last_mut() {
            if let Some(&input) = inputs[c].get(*next) {
                *next += 1;
                if !entered[input] {
                    entered[input] = true;
                    walk.push((input, 0));
                }
                continue;
            }
            sequence.push(c);
            walk.pop();
        }
    }
    sequence
}

/// Reverse DFS post-order of a loop's members from the first one written, so that only the
/// DFS back edges (one per simple cycle) point backwards. `component_of` names each node's
/// loop; `visited` is shared scratch (members are only ever set, and belong to one loop).
fn loop_order(
    members: &[usize],
    successors: &[Vec<usize>],
    component_of: &[usize],
    visited: &mut [bool],
) -> Vec<usize> {
    let start = *members.iter().min().unwrap_or(&0);
    let component = component_of[start];
    visited[start] = true;
    let mut post = Vec::with_capacity(members.len());
    let mut calls = vec![(start, 0usize)];
    while let Some(&mut (v, ref mut next)) = calls.last_mut() {
        if let Some(&w) = successors[v].get(*next) {
            *next += 1;
            if component_of[w] == component && !visited[w] {
                visited[w] = true;
                calls.push((w, 0));
            }
            continue;
        }
        post.push(v);
        calls.pop();
    }
    post.reverse();
    post
}

/// Iterative Tarjan: components in reverse topological order.
fn tarjan(successors: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let n = successors.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut counter = 0;
    for root in 0..n {
        if index[root] != UNSEEN {
            continue;
        }
        let mut calls = vec![(root, 0usize)];
        index[root] = counter;
        low[root] = counter;
        counter += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&mut (v, ref mut next)) = calls.last_mut() {
            if let Some(&w) = successors[v].get(*next) {
                *next += 1;
                if index[w] == UNSEEN {
                    index[w] = counter;
                    low[w] = counter;
                    counter += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    calls.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                components.push(component);
            }
        }
    }
    components
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chain_runs_in_signal_order_without_feedback() {
        let o = order(3, &[(2, 1), (1, 0)]);
        assert_eq!(
            o.groups,
            vec![Group::Single(2), Group::Single(1), Group::Single(0)]
        );
        assert_eq!(o.feedback, vec![false, false]);
    }

    #[test]
    fn loop_has_exactly_one_feedback_edge() {
        // 0 -> 1 -> 2 -> 0, and 2 -> 3 outside the loop.
        let o = order(4, &[(0, 1), (1, 2), (2, 0), (2, 3)]);
        assert_eq!(o.groups, vec![Group::Loop(vec![0, 1, 2]), Group::Single(3)]);
        assert_eq!(o.feedback, vec![false, false, true, false]);
    }

    #[test]
    fn self_loop_is_feedback() {
        let o = order(2, &[(0, 0), (0, 1)]);
        assert_eq!(o.groups, vec![Group::Loop(vec![0]), Group::Single(1)]);
        assert_eq!(o.feedback, vec![true, false]);
    }

    #[test]
    fn cycle_written_backwards_still_has_one_feedback_edge() {
        // 0 -> 2 -> 1 -> 0.
        let o = order(3, &[(0, 2), (2, 1), (1, 0)]);
        assert_eq!(o.groups, vec![Group::Loop(vec![0, 2, 1])]);
        assert_eq!(o.feedback, vec![false, false, true]);
    }
}
