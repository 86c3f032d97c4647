//! Structure: how observations nest.
//!
//! - An observation's parent must exist (in the same file or already
//!   loaded) and belong to the same trace → `UnknownParent`,
//!   `ParentInOtherTrace`.
//! - An observation without a trace (an LLM call recorded outside any
//!   trace) has no parent → `ParentWithoutTrace`.
//! - Following parents always ends at a root → `ParentCycle` otherwise.
//! - Nesting is at most [`MAX_DEPTH`] levels, so every consumer (summary
//!   trees, the viewer, JSON parsers with recursion limits) can walk a tree
//!   without running out of stack → `TooDeep`.

use crate::hash::{HashMap, HashSet};

use crate::rules::{Subject, Violation};

pub const MAX_DEPTH: usize = 256;

/// The two links of an observation that structure is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Links<'a> {
    pub trace_id: Option<&'a str>,
    pub parent_id: Option<&'a str>,
}

/// Checks every observation in `ids`, and all their ancestors, where
/// `lookup` finds any observation by id (the incoming records first, then
/// what is stored). A cycle is reported at one of its members for which
/// `incoming` holds, if any: the record that closed it. Linear in the
/// number of observations visited.
pub fn check_tree<'a>(
    ids: impl IntoIterator<Item = &'a str>,
    lookup: impl Fn(&str) -> Option<Links<'a>>,
    incoming: impl Fn(&str) -> bool,
) -> Result<(), Violation> {
    let ids = ids.into_iter();
    let mut depth: HashMap<&'a str, usize> =
        HashMap::with_capacity_and_hasher(ids.size_hint().0, Default::default());
    let mut path: Vec<&'a str> = Vec::new();
    // The path's ids once it is long; a short one is searched as it is.
    let mut on_path: HashSet<&'a str> = HashSet::default();
    for id in ids {
        path.clear();
        if !on_path.is_empty() {
            on_path.clear();
        }
        let mut current = id;
        // The links of `current`, when read as its child's parent.
        let mut known_links = None;
        // Depth of the node above the last one on `path` (0: the path ends at a root).
        let above = loop {
            if let Some(&known) = depth.get(current) {
                break known;
            }
            if on(&path, &mut on_path, current) {
                let start = path.iter().position(|&id| id == current).unwrap_or(0);
                let culprit = path[start..]
                    .iter()
                    .find(|id| incoming(id))
                    .unwrap_or(&current);
                return Err(Violation::ParentCycle {
                    subject: Subject::Observation(culprit.to_string()),
                });
            }
            path.push(current);
            let Some(links) = known_links.take().or_else(|| lookup(current)) else {
                // Only the starting id can be missing; parents are checked below.
                break 0;
            };
            let Some(parent_id) = links.parent_id else {
                break 0;
            };
            let parent = checked_parent(current, links, parent_id, &lookup)?;
            current = parent_id;
            known_links = Some(parent);
        };
        for (offset, node) in path.iter().rev().enumerate() {
            let node_depth = above + offset + 1;
            if node_depth > MAX_DEPTH {
                return Err(Violation::TooDeep {
                    subject: Subject::Observation(node.to_string()),
                    max: MAX_DEPTH,
                });
            }
            depth.insert(node, node_depth);
        }
    }
    Ok(())
}

/// Whether `id` is on the path already. Paths are mostly a few levels:
/// those are searched as they are, not hashed; a long one is put in a set.
fn on<'a>(path: &[&'a str], set: &mut HashSet<&'a str>, id: &'a str) -> bool {
    const SHORT: usize = 8;
    if path.len() < SHORT {
        return path.contains(&id);
    }
    if set.is_empty() {
        set.extend(path.iter().copied());
    }
    !set.insert(id)
}

/// Checks one new observation whose parent is already stored (the recorder's
/// case: a new node can close no cycle, so only the parent's depth matters).
pub fn check_new_child<'a>(
    id: &'a str,
    links: Links<'a>,
    lookup: impl Fn(&str) -> Option<Links<'a>>,
) -> Result<(), Violation> {
    let Some(parent_id) = links.parent_id else {
        return Ok(());
    };
    let parent = checked_parent(id, links, parent_id, &lookup)?;
    let mut depth = 2;
    let mut current = Some(parent);
    while let Some(Links {
        parent_id: Some(next),
        ..
    }) = current
    {
        depth += 1;
        if depth > MAX_DEPTH {
            return Err(Violation::TooDeep {
                subject: Subject::Observation(id.to_string()),
                max: MAX_DEPTH,
            });
        }
        current = lookup(next);
    }
    Ok(())
}

/// The parent's links, once it is found in the same trace.
fn checked_parent<'a>(
    id: &str,
    links: Links<'a>,
    parent_id: &'a str,
    lookup: impl Fn(&str) -> Option<Links<'a>>,
) -> Result<Links<'a>, Violation> {
    let subject = || Subject::Observation(id.to_string());
    let Some(trace_id) = links.trace_id else {
        return Err(Violation::ParentWithoutTrace {
            subject: subject(),
            parent_id: parent_id.to_string(),
        });
    };
    let Some(parent) = lookup(parent_id) else {
        return Err(Violation::UnknownParent {
            subject: subject(),
            parent_id: parent_id.to_string(),
        });
    };
    if parent.trace_id != Some(trace_id) {
        return Err(Violation::ParentInOtherTrace {
            subject: subject(),
            trace_id: trace_id.to_string(),
            parent_id: parent_id.to_string(),
            parent_trace_id: parent.trace_id.map(str::to_string),
        });
    }
    Ok(parent)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `nodes`: (id, trace, parent).
    fn check(
        nodes: &[(&'static str, Option<&'static str>, Option<&'static str>)],
    ) -> Result<(), Violation> {
        let map: HashMap<&str, Links<'static>> = nodes
            .iter()
            .map(|&(id, trace_id, parent_id)| {
                (
                    id,
                    Links {
                        trace_id,
                        parent_id,
                    },
                )
            })
            .collect();
        check_tree(
            nodes.iter().map(|n| n.0),
            |id| map.get(id).copied(),
            |_| true,
        )
    }

    #[test]
    fn structure_accepts_a_tree() {
        check(&[
            ("a", Some("t"), None),
            ("b", Some("t"), Some("a")),
            ("c", Some("t"), Some("b")),
        ])
        .unwrap();
    }

    #[test]
    fn structure_unknown_parent_is_rejected() {
        let err = check(&[("a", Some("t"), Some("ghost"))]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "observation \"a\" names parent \"ghost\", which is neither in this file nor already loaded"
        );
    }

    #[test]
    fn structure_parent_in_other_trace_is_rejected() {
        let err = check(&[("a", Some("t1"), None), ("b", Some("t2"), Some("a"))]).unwrap_err();
        assert!(matches!(err, Violation::ParentInOtherTrace { .. }), "{err}");
    }

    #[test]
    fn structure_cycle_is_rejected() {
        let err = check(&[("a", Some("t"), Some("b")), ("b", Some("t"), Some("a"))]).unwrap_err();
        assert!(matches!(err, Violation::ParentCycle { .. }), "{err}");
        let err = check(&[("a", Some("t"), Some("a"))]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "observation \"a\" is its own ancestor: following parents from it comes back to it"
        );
    }

    #[test]
    fn structure_cycle_above_a_node_is_rejected() {
        let err = check(&[
            ("x", Some("t"), Some("a")),
            ("a", Some("t"), Some("b")),
            ("b", Some("t"), Some("a")),
        ])
        .unwrap_err();
        assert!(matches!(err, Violation::ParentCycle { .. }), "{err}");
    }

    /// Nodes `n0`… in a chain (each the parent of the next), checked from
    /// the deepest up: paths long enough to leave the short search.
    fn chain(len: usize, ring: bool) -> Result<(), Violation> {
        let ids: Vec<String> = (0..len).map(|i| format!("n{i}")).collect();
        let map: HashMap<&str, Links> = (ids.iter().enumerate())
            .map(|(i, id)| {
                let parent = match i {
                    0 if ring => Some(ids[len - 1].as_str()),
                    0 => None,
                    _ => Some(ids[i - 1].as_str()),
                };
                let links = Links {
                    trace_id: Some("t"),
                    parent_id: parent,
                };
                (id.as_str(), links)
            })
            .collect();
        let lookup = |id: &str| map.get(id).copied();
        check_tree(ids.iter().rev().map(String::as_str), lookup, |_| true)
    }

    #[test]
    fn structure_long_paths_are_walked_once() {
        chain(MAX_DEPTH, false).unwrap();
        let err = chain(MAX_DEPTH + 1, false).unwrap_err();
        assert!(matches!(err, Violation::TooDeep { .. }), "{err}");
        let err = chain(40, true).unwrap_err();
        assert!(matches!(err, Violation::ParentCycle { .. }), "{err}");
        let err = chain(3, true).unwrap_err();
        assert!(matches!(err, Violation::ParentCycle { .. }), "{err}");
    }

    #[test]
    fn structure_parent_without_trace_is_rejected() {
        let err = check(&[("a", None, None), ("b", None, Some("a"))]).unwrap_err();
        assert!(matches!(err, Violation::ParentWithoutTrace { .. }), "{err}");
    }

    #[test]
    fn structure_depth_is_limited() {
        let ids: Vec<String> = (0..=MAX_DEPTH).map(|i| format!("n{i}")).collect();
        let map: HashMap<&str, Links> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let parent_id = (i > 0).then(|| ids[i - 1].as_str());
                (
                    id.as_str(),
                    Links {
                        trace_id: Some("t"),
                        parent_id,
                    },
                )
            })
            .collect();
        let lookup = |id: &str| map.get(id).copied();
        let err = check_tree(ids.iter().map(String::as_str), lookup, |_| true).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("observation \"n{MAX_DEPTH}\" is nested more than {MAX_DEPTH} levels deep")
        );
        check_tree(ids[..MAX_DEPTH].iter().map(String::as_str), lookup, |_| {
            true
        })
        .unwrap();

        let last = ids[MAX_DEPTH].as_str();
        assert!(check_new_child(last, map[last], lookup).is_err());
        let below_limit = ids[MAX_DEPTH - 1].as_str();
        check_new_child(below_limit, map[below_limit], lookup).unwrap();
    }
}
