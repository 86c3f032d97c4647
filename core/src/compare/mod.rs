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
//! `Changed` when its status, model or content differs (a model swap is a
//! change even when the answer reads the same); durations always differ
//! and say nothing by themselves. Totals compare the traces' own figures.
//! Content is compared raw first: the text and its diff are built only for
//! steps whose input, output or status message differ (`lines`: bounded,
//! hunks with context). Sibling lists differing over more than
//! `WIDE_SIBLINGS` after their common ends are paired greedily by key, not
//! by Myers (10k differing siblings would be ~10⁸ Myers steps).

mod delta;
mod lines;
mod text;

use serde::Serialize;
use similar::{capture_diff_slices, Algorithm, DiffOp};

use crate::messages::{self, Conversation};
use crate::model::{ObservationType, Status};
use crate::rollup::{CostTotals, Tokens};
use crate::rules::pricing::PriceTable;
use crate::store::Store;
use crate::summary::{summarize_trace, Node, TraceSummary};

pub use delta::{delta, Delta, Direction};
pub use lines::{DIFF_MAX_BYTES, DIFF_MAX_LINES};
pub use text::render_text;

/// Two traces compared: A, the earlier or reference run, and B.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    pub a: Totals,
    pub b: Totals,
    /// Every step of either run, depth first, aligned.
    pub steps: Vec<Step>,
}

/// How many steps came out each way.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub changed: usize,
    pub added: usize,
    pub removed: usize,
    pub same: usize,
}

impl Comparison {
    /// Its steps counted by `Change`.
    pub fn tally(&self) -> Tally {
        let mut tally = Tally::default();
        for step in &self.steps {
            *match step.change {
                Change::Changed => &mut tally.changed,
                Change::Added => &mut tally.added,
                Change::Removed => &mut tally.removed,
                Change::Same => &mut tally.same,
            } += 1;
        }
        tally
    }
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
    /// In both runs; its status, model or content differs.
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
    /// Its name in A and in B, apart (roots are matched whatever their
    /// names, so the two can differ); `None` on the side it is not in.
    pub a_name: Option<String>,
    pub b_name: Option<String>,
    #[serde(rename = "type")]
    pub kind: ObservationType,
    pub change: Change,
    pub a: Option<Side>,
    pub b: Option<Side>,
    /// The content's line diff, A to B; empty unless `Changed` in content.
    /// Changed hunks with context and `Note` lines (`lines::line_diff`).
    pub diff: Vec<Line>,
}

impl Step {
    /// Its name: B's, or A's where it is only in A.
    pub fn name(&self) -> &str {
        self.b_name
            .as_deref()
            .or(self.a_name.as_deref())
            .unwrap_or("")
    }

    /// A's name where it differs from B's.
    pub fn renamed_from(&self) -> Option<&str> {
        match (&self.a_name, &self.b_name) {
            (Some(a), Some(b)) if a != b => Some(a),
            _ => None,
        }
    }
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
    /// Not content: a count of unchanged lines left out, or why there is
    /// no diff ("too large to diff …").
    Note,
}

/// Sibling lists differing over more than this many items (after their
/// common start and end) are paired by key, not by Myers (`pairs`).
const WIDE_SIBLINGS: usize = 2_000;

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

/// One sibling's place in an alignment.
enum Pair {
    Both(usize, usize),
    OnlyA(usize),
    OnlyB(usize),
}

/// Aligns two lists of siblings, then each matched pair's children.
/// Recursion is bounded by the trees' depth (`rules::structure`).
fn align(store: &Store, a: &[Node], b: &[Node], depth: usize, out: &mut Vec<Step>) {
    fn key(node: &Node) -> (ObservationType, &str) {
        (node.kind, &node.name)
    }
    let a_keys: Vec<_> = a.iter().map(key).collect();
    let b_keys: Vec<_> = b.iter().map(key).collect();
    for pair in pairs(&a_keys, &b_keys) {
        match pair {
            Pair::Both(i, j) => {
                out.push(matched(store, &a[i], &b[j], depth));
                align(store, &a[i].children, &b[j].children, depth + 1, out);
            }
            Pair::OnlyA(i) => only(&a[i..=i], Change::Removed, depth, out),
            Pair::OnlyB(j) => only(&b[j..=j], Change::Added, depth, out),
        }
    }
}

/// Siblings paired by key in order: their longest common subsequence
/// (Myers), or, when the lists differ over more than `WIDE_SIBLINGS`
/// after their common start and end, each A sibling paired with the next
/// B sibling of its key (near-linear; Myers is O((N+M)·D) and so is
/// Patience when no key is unique).
fn pairs<K: Ord + std::hash::Hash>(a: &[K], b: &[K]) -> Vec<Pair> {
    let start = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let end = a[start..]
        .iter()
        .rev()
        .zip(b[start..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a_mid, b_mid) = (start..a.len() - end, start..b.len() - end);
    let mut out: Vec<Pair> = (0..start).map(|i| Pair::Both(i, i)).collect();
    if a_mid.len() + b_mid.len() > WIDE_SIBLINGS {
        by_key(a, b, a_mid, b_mid, &mut out);
    } else {
        for op in capture_diff_slices(Algorithm::Myers, &a[a_mid.clone()], &b[b_mid.clone()]) {
            let (old, new) = (op.old_range(), op.new_range());
            let (old, new) = (
                old.start + a_mid.start..old.end + a_mid.start,
                new.start + b_mid.start..new.end + b_mid.start,
            );
            match op {
                DiffOp::Equal { .. } => out.extend(old.zip(new).map(|(i, j)| Pair::Both(i, j))),
                _ => {
                    out.extend(old.map(Pair::OnlyA));
                    out.extend(new.map(Pair::OnlyB));
                }
            }
        }
    }
    out.extend((0..end).map(|k| Pair::Both(a.len() - end + k, b.len() - end + k)));
    out
}

/// Greedy pairing by key for very wide lists (see `pairs`).
fn by_key<K: Eq + std::hash::Hash>(
    a: &[K],
    b: &[K],
    a_mid: std::ops::Range<usize>,
    b_mid: std::ops::Range<usize>,
    out: &mut Vec<Pair>,
) {
    let mut places: std::collections::HashMap<&K, Vec<usize>> = Default::default();
    for j in b_mid.clone() {
        places.entry(&b[j]).or_default().push(j);
    }
    let mut next = b_mid.start;
    for i in a_mid {
        let found = places.get(&a[i]).and_then(|js| {
            let at = js.partition_point(|&j| j < next);
            js.get(at).copied()
        });
        match found {
            Some(j) => {
                out.extend((next..j).map(Pair::OnlyB));
                out.push(Pair::Both(i, j));
                next = j + 1;
            }
            None => out.push(Pair::OnlyA(i)),
        }
    }
    out.extend((next..b_mid.end).map(Pair::OnlyB));
}

fn matched(store: &Store, a: &Node, b: &Node, depth: usize) -> Step {
    // Raw first: most aligned steps of two runs are alike, and their text
    // is built only when a page opens it (`step_content`).
    let diff = if same_raw(store, &a.id, &b.id) {
        Vec::new()
    } else {
        let (before, after) = (step_content(store, &a.id), step_content(store, &b.id));
        if before == after {
            Vec::new()
        } else {
            lines::line_diff(&before, &after)
        }
    };
    let change = if diff.is_empty() && a.status == b.status && a.model == b.model {
        Change::Same
    } else {
        Change::Changed
    };
    Step {
        depth,
        a_name: Some(a.name.clone()),
        b_name: Some(b.name.clone()),
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
        let name = Some(node.name.clone());
        let (a_name, b_name) = match change {
            Change::Removed => (name, None),
            _ => (None, name),
        };
        out.push(Step {
            depth,
            a_name,
            b_name,
            kind: node.kind,
            change,
            a,
            b,
            diff: Vec::new(),
        });
        only(&node.children, change, depth + 1, out);
    }
}

/// Input, output and status message byte for byte alike (or both absent).
fn same_raw(store: &Store, a: &str, b: &str) -> bool {
    match (store.observation(a), store.observation(b)) {
        (Some(x), Some(y)) => {
            x.status_message == y.status_message
                && x.input.as_ref().map(|j| j.as_str()) == y.input.as_ref().map(|j| j.as_str())
                && x.output.as_ref().map(|j| j.as_str()) == y.output.as_ref().map(|j| j.as_str())
        }
        (None, None) => true,
        _ => false,
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
