//! Two runs side by side: **the rule** of how two traces compare
//! (`prompttrace diff`, the viewer's compare page). Their observation trees
//! are aligned step by step: two single roots (the runs) are aligned
//! whatever their names, and the children of two aligned steps are matched
//! by name and type, in order, as a longest common subsequence (`similar`'s
//! Myers diff over the siblings' keys); the rest are steps only one run
//! has, marked added (only in B) or removed (only in A). Each aligned step
//! carries both runs' duration, tokens, cost and status, and a line diff of
//! its content: its messages where they read as a conversation
//! (`messages`), its input and output as JSON otherwise. A step is
//! `Changed` when its status or content differs; durations always differ
//! and say nothing by themselves. Totals compare the traces' own figures.

mod text;

use serde::Serialize;
use similar::{capture_diff_slices, Algorithm, ChangeTag, DiffOp, TextDiff};

use crate::messages::{self, Conversation};
use crate::model::{ObservationType, Status};
use crate::rollup::{CostTotals, Tokens};
use crate::rules::pricing::PriceTable;
use crate::store::Store;
use crate::summary::{summarize_trace, Node, TraceSummary};

pub use text::render_text;

/// Two traces compared: A, the earlier or reference run, and B.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    pub a: Totals,
    pub b: Totals,
    /// Every step of either run, depth first, aligned.
    pub steps: Vec<Step>,
}

/// One trace's own figures.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Totals {
    pub id: String,
    pub name: String,
    pub status: Status,
    pub duration_ms: Option<f64>,
    pub observation_count: usize,
    /// Its LLM calls (`Observation::is_llm_call`).
    pub llm_call_count: usize,
    pub error_count: usize,
    pub tokens: Tokens,
    pub cost: CostTotals,
}

/// What became of a step from A to B.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// In both runs, same status and content.
    Same,
    /// In both runs; its status or content differs.
    Changed,
    /// Only in B.
    Added,
    /// Only in A.
    Removed,
}

/// One aligned step.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Step {
    /// Depth in the aligned tree (0: a root).
    pub depth: usize,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ObservationType,
    pub change: Change,
    pub a: Option<Side>,
    pub b: Option<Side>,
    /// The content's line diff, A to B; empty unless `Changed` in content.
    pub diff: Vec<Line>,
}

/// A step's figures in one run. Tokens and cost include its children's.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Side {
    pub id: String,
    pub status: Status,
    pub duration_ms: Option<f64>,
    pub tokens: Tokens,
    pub cost: Option<f64>,
    pub model: Option<String>,
}

/// One line of a content diff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Line {
    pub tag: Tag,
    pub text: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Tag {
    Same,
    /// Only in A.
    Removed,
    /// Only in B.
    Added,
}

/// Compares traces `a` and `b` of `store`; `None` names the id not found.
pub fn compare(store: &Store, prices: &PriceTable, a: &str, b: &str) -> Result<Comparison, String> {
    let summary = |id: &str| {
        summarize_trace(store, prices, id).ok_or_else(|| format!("no trace with id {id}"))
    };
    let (left, right) = (summary(a)?, summary(b)?);
    let mut steps = Vec::new();
    match (left.tree.as_slice(), right.tree.as_slice()) {
        // One root each: the runs themselves, whatever each is named.
        ([a_root], [b_root]) => {
            steps.push(matched(store, a_root, b_root, 0));
            align(store, &a_root.children, &b_root.children, 1, &mut steps);
        }
        (a_roots, b_roots) => align(store, a_roots, b_roots, 0, &mut steps),
    }
    Ok(Comparison {
        a: totals(store, &left),
        b: totals(store, &right),
        steps,
    })
}

fn totals(store: &Store, trace: &TraceSummary) -> Totals {
    let llm_call_count = store.trace(&trace.id).map_or(0, |entry| {
        entry
            .observations()
            .iter()
            .filter(|o| o.is_llm_call())
            .count()
    });
    Totals {
        id: trace.id.clone(),
        name: trace.name.clone(),
        status: trace.status,
        duration_ms: trace.duration_ms,
        observation_count: trace.observation_count,
        llm_call_count,
        error_count: trace.error_count,
        tokens: trace.tokens,
        cost: trace.cost,
    }
}

/// Aligns two lists of siblings, then each matched pair's children.
/// Recursion is bounded by the trees' depth (`rules::structure`).
fn align(store: &Store, a: &[Node], b: &[Node], depth: usize, out: &mut Vec<Step>) {
    let key = |node: &Node| (node.kind, node.name.clone());
    let a_keys: Vec<_> = a.iter().map(key).collect();
    let b_keys: Vec<_> = b.iter().map(key).collect();
    for op in capture_diff_slices(Algorithm::Myers, &a_keys, &b_keys) {
        match op {
            DiffOp::Equal {
                old_index,
                new_index,
                len,
            } => {
                for i in 0..len {
                    let (left, right) = (&a[old_index + i], &b[new_index + i]);
                    out.push(matched(store, left, right, depth));
                    align(store, &left.children, &right.children, depth + 1, out);
                }
            }
            DiffOp::Delete {
                old_index, old_len, ..
            } => only(
                &a[old_index..old_index + old_len],
                Change::Removed,
                depth,
                out,
            ),
            DiffOp::Insert {
                new_index, new_len, ..
            } => only(
                &b[new_index..new_index + new_len],
                Change::Added,
                depth,
                out,
            ),
            DiffOp::Replace {
                old_index,
                old_len,
                new_index,
                new_len,
            } => {
                only(
                    &a[old_index..old_index + old_len],
                    Change::Removed,
                    depth,
                    out,
                );
                only(
                    &b[new_index..new_index + new_len],
                    Change::Added,
                    depth,
                    out,
                );
            }
        }
    }
}

fn matched(store: &Store, a: &Node, b: &Node, depth: usize) -> Step {
    let (before, after) = (step_content(store, &a.id), step_content(store, &b.id));
    let diff = if before == after {
        Vec::new()
    } else {
        line_diff(&before, &after)
    };
    let change = if diff.is_empty() && a.status == b.status {
        Change::Same
    } else {
        Change::Changed
    };
    // Roots are matched whatever their names: a rename shows.
    let name = if a.name == b.name {
        b.name.clone()
    } else {
        format!("{} → {}", a.name, b.name)
    };
    Step {
        depth,
        name,
        kind: b.kind,
        change,
        a: Some(side(a)),
        b: Some(side(b)),
        diff,
    }
}

/// Steps of one run only, with their whole subtrees.
fn only(nodes: &[Node], change: Change, depth: usize, out: &mut Vec<Step>) {
    for node in nodes {
        let side = Some(side(node));
        let (a, b) = match change {
            Change::Removed => (side, None),
            _ => (None, side),
        };
        out.push(Step {
            depth,
            name: node.name.clone(),
            kind: node.kind,
            change,
            a,
            b,
            diff: Vec::new(),
        });
        only(&node.children, change, depth + 1, out);
    }
}

fn side(node: &Node) -> Side {
    Side {
        id: node.id.clone(),
        status: node.status,
        duration_ms: node.duration_ms,
        tokens: node.tokens,
        cost: node.cost.total,
        model: node.model.clone(),
    }
}

/// A step's content as lines to diff: its conversation where its input
/// or output reads as one, its JSON otherwise, and its status message.
/// Public so a step with no diff (same, added, removed) shows the very
/// text it was compared by.
pub fn step_content(store: &Store, id: &str) -> String {
    let Some(observation) = store.observation(id) else {
        return String::new();
    };
    let mut out = String::new();
    let Conversation { input, output } = messages::of_observation(observation);
    for (label, messages, raw) in [
        ("input", input, &observation.input),
        ("output", output, &observation.output),
    ] {
        match (messages, raw) {
            (Some(messages), _) => {
                out.push_str(label);
                out.push_str(":\n");
                messages::render_messages(&mut out, &messages, "  ");
            }
            (None, Some(raw)) => {
                out.push_str(label);
                out.push_str(":\n");
                out.push_str(&pretty(raw.as_str()));
                out.push('\n');
            }
            (None, None) => {}
        }
    }
    if let Some(message) = &observation.status_message {
        out.push_str("status message: ");
        out.push_str(message);
        out.push('\n');
    }
    out
}

/// JSON indented, one value a line, so a changed field is a changed line.
fn pretty(json: &str) -> String {
    serde_json::from_str::<serde_json::Value>(json)
        .ok()
        .and_then(|value| serde_json::to_string_pretty(&value).ok())
        .unwrap_or_else(|| json.to_string())
}

fn line_diff(before: &str, after: &str) -> Vec<Line> {
    TextDiff::from_lines(before, after)
        .iter_all_changes()
        .map(|change| Line {
            tag: match change.tag() {
                ChangeTag::Equal => Tag::Same,
                ChangeTag::Delete => Tag::Removed,
                ChangeTag::Insert => Tag::Added,
            },
            text: change.value().trim_end_matches('\n').to_string(),
        })
        .collect()
}
