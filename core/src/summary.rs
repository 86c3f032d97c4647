//! The summary: every trace with its figures and observation tree, every
//! session, and the count of LLM calls without a trace. The CLI prints it
//! (`prompttrace summary --json` is exactly its serde form), the npm package
//! returns it from `tracer.summary()`, and the viewer reads it.
//!
//! A tree node's tokens and cost are its subtree's (the node plus
//! everything below it), so a span shows what its LLM calls cost. Children
//! are in start order (then id). `null` marks what is unknown: the duration
//! of a running item, a cost nobody knows.

use std::fmt::Write as _;

use serde::Serialize;

use crate::messages::{self, Conversation};
use crate::model::{Level, Observation, ObservationType, Status};
use crate::rollup::{rollups, CostTotals, Figures, PriceCache, Tokens};
use crate::rules::duration;
use crate::rules::pricing::PriceTable;
use crate::store::{Store, TraceEntry, Tree};
use crate::time::Timestamp;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    pub traces: Vec<TraceSummary>,
    pub sessions: Vec<SessionSummary>,
    pub generations_without_trace: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraceSummary {
    pub id: String,
    pub name: String,
    pub session_id: Option<String>,
    pub user_id: Option<String>,
    pub status: Status,
    pub started_at: Timestamp,
    pub duration_ms: Option<f64>,
    pub observation_count: usize,
    pub error_count: usize,
    pub tokens: Tokens,
    pub cost: CostTotals,
    pub tree: Vec<Node>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Node {
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ObservationType,
    pub status: Status,
    pub level: Level,
    pub model: Option<String>,
    pub duration_ms: Option<f64>,
    pub tokens: Tokens,
    pub cost: CostTotals,
    pub children: Vec<Node>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SessionSummary {
    pub id: String,
    pub trace_count: usize,
    /// Wall extent: first trace start to last end; `null` while any runs.
    pub duration_ms: Option<f64>,
    pub tokens: Tokens,
    pub cost: CostTotals,
    pub error_count: usize,
}

/// Summarises a whole store.
pub fn summarize(store: &Store, prices: &PriceTable) -> Summary {
    let rollups = rollups(store, prices);
    let mut pricing = PriceCache::new(prices);
    let traces = store
        .traces_in_order()
        .into_iter()
        .map(|entry| trace_summary(entry, &rollups.traces[&entry.trace().id], &mut pricing))
        .collect();
    let sessions = rollups
        .sessions
        .iter()
        .map(|(id, figures)| SessionSummary {
            id: id.clone(),
            trace_count: figures.trace_count,
            duration_ms: figures.extent_ms(),
            tokens: figures.tokens,
            cost: figures.cost,
            error_count: figures.error_count,
        })
        .collect();
    Summary {
        traces,
        sessions,
        generations_without_trace: store
            .observations_without_trace()
            .iter()
            .filter(|o| o.is_llm_call())
            .count(),
    }
}

/// One trace's summary (as in [`summarize`]), by id.
pub fn summarize_trace(store: &Store, prices: &PriceTable, trace_id: &str) -> Option<TraceSummary> {
    let entry = store.trace(trace_id)?;
    let figures = crate::rollup::trace_figures(store, entry, prices);
    Some(trace_summary(entry, &figures, &mut PriceCache::new(prices)))
}

fn trace_summary<'a>(
    entry: &'a TraceEntry,
    figures: &Figures,
    pricing: &mut PriceCache<'_, 'a>,
) -> TraceSummary {
    let trace = entry.trace();
    TraceSummary {
        id: trace.id.clone(),
        name: trace.name.clone(),
        session_id: trace.session_id.clone(),
        user_id: trace.user_id.clone(),
        status: trace.status,
        started_at: trace.started_at,
        duration_ms: duration::duration_ms(trace),
        observation_count: figures.observation_count,
        error_count: figures.error_count,
        tokens: figures.tokens,
        cost: figures.cost,
        tree: tree(entry, pricing),
    }
}

/// The observation tree of one trace.
pub fn tree<'a>(entry: &'a TraceEntry, pricing: &mut PriceCache<'_, 'a>) -> Vec<Node> {
    let Tree {
        ordered,
        children,
        roots,
    } = entry.tree();
    // Depth is bounded by `rules::structure::MAX_DEPTH`, so recursion is safe.
    fn build<'a>(
        i: usize,
        ordered: &[&'a Observation],
        children: &[Vec<usize>],
        pricing: &mut PriceCache<'_, 'a>,
    ) -> Node {
        let observation = ordered[i];
        let mut tokens = Tokens::of(observation);
        let mut cost = CostTotals::default();
        if let Some(own) = pricing.cost(observation) {
            cost.add_cost(&own);
        }
        let nodes: Vec<Node> = children[i]
            .iter()
            .map(|&c| build(c, ordered, children, pricing))
            .collect();
        for child in &nodes {
            tokens.add(child.tokens);
            cost.add(child.cost);
        }
        Node {
            id: observation.id.clone(),
            name: observation.name.clone(),
            kind: observation.kind,
            status: observation.status,
            level: observation.level,
            model: observation.model.clone(),
            duration_ms: duration::duration_ms(observation),
            tokens,
            cost,
            children: nodes,
        }
    }
    roots
        .into_iter()
        .map(|i| build(i, &ordered, &children, pricing))
        .collect()
}

/// Text from files is untrusted: control characters other than line
/// breaks and tabs (terminal escape sequences) are shown as `�`, never sent
/// to the terminal.
pub(crate) fn terminal_safe(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}

/// The summary as a readable tree, for terminals.
pub fn render_text(summary: &Summary) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Traces ({})", summary.traces.len());
    for trace in &summary.traces {
        render_trace_header(&mut out, trace);
        render_nodes(&mut out, &trace.tree, "  ", &|_, _, _| {});
    }
    let _ = writeln!(out, "\nSessions ({})", summary.sessions.len());
    for session in &summary.sessions {
        let _ = writeln!(
            out,
            "  {}  {}  {}  {}  {}  {}",
            session.id,
            plural(session.trace_count, "trace"),
            duration_text(session.duration_ms),
            tokens_text(session.tokens),
            cost_text(session.cost.total),
            plural(session.error_count, "error"),
        );
    }
    let _ = writeln!(
        out,
        "\nLLM calls without a trace: {}",
        summary.generations_without_trace
    );
    terminal_safe(&out)
}

/// One trace as text with its tree, each generation (and each other
/// observation whose input or output reads as messages) followed by its
/// conversation: what `prompttrace show` prints.
pub fn render_trace(store: &Store, prices: &PriceTable, trace_id: &str) -> Option<String> {
    let entry = store.trace(trace_id)?;
    let figures = crate::rollup::trace_figures(store, entry, prices);
    let trace = trace_summary(entry, &figures, &mut PriceCache::new(prices));
    let mut out = String::new();
    render_trace_header(&mut out, &trace);
    let conversation = |id: &str, out: &mut String, indent: &str| {
        let Some(observation) = store.observation(id) else {
            return;
        };
        let Conversation { input, output } = messages::of_observation(observation);
        for (label, messages) in [("input", input), ("output", output)] {
            if let Some(messages) = messages {
                let _ = writeln!(out, "{indent}{label}:");
                messages::render_messages(out, &messages, &format!("{indent}  "));
            }
        }
    };
    render_nodes(&mut out, &trace.tree, "  ", &conversation);
    // The header's blank line separates traces in a summary; one trace
    // needs none.
    Some(terminal_safe(out.trim_start_matches('\n')))
}

fn render_trace_header(out: &mut String, trace: &TraceSummary) {
    let _ = writeln!(
        out,
        "\n{}  [{}]  {}  {}  {}  {}  {}",
        trace.name,
        trace.status.as_str(),
        duration_text(trace.duration_ms),
        plural(trace.observation_count, "observation"),
        plural(trace.error_count, "error"),
        tokens_text(trace.tokens),
        cost_text(trace.cost.total),
    );
    let mut about = format!("  id {}", trace.id);
    if let Some(session) = &trace.session_id {
        let _ = write!(about, "  session {session}");
    }
    if let Some(user) = &trace.user_id {
        let _ = write!(about, "  user {user}");
    }
    let _ = writeln!(out, "{about}  started {}", trace.started_at);
}

/// What a renderer adds below a node's line: (observation id, out, indent).
type Below<'a> = dyn Fn(&str, &mut String, &str) + 'a;

fn render_nodes(out: &mut String, nodes: &[Node], indent: &str, below: &Below) {
    for (i, node) in nodes.iter().enumerate() {
        let last = i + 1 == nodes.len();
        let mut line = format!(
            "{indent}{} {} {}  [{}]  {}",
            if last { "└─" } else { "├─" },
            node.kind.as_str(),
            node.name,
            node.status.as_str(),
            duration_text(node.duration_ms),
        );
        if let Some(model) = &node.model {
            let _ = write!(line, "  {model}");
        }
        if node.tokens.total > 0 {
            let _ = write!(line, "  {}", tokens_text(node.tokens));
        }
        if node.cost.total.is_some() {
            let _ = write!(line, "  {}", cost_text(node.cost.total));
        }
        if node.level != Level::Default {
            let _ = write!(line, "  level {}", node.level.as_str());
        }
        let _ = writeln!(out, "{line}");
        let deeper = format!("{indent}{}", if last { "   " } else { "│  " });
        below(&node.id, out, &format!("{deeper}  "));
        render_nodes(out, &node.children, &deeper, below);
    }
}

pub(crate) fn duration_text(ms: Option<f64>) -> String {
    match ms {
        Some(ms) => format!("{ms:.1} ms"),
        None => "running".to_string(),
    }
}

fn tokens_text(tokens: Tokens) -> String {
    plural(tokens.total as usize, "token")
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// Dollars with three significant digits below a cent, cents above.
pub(crate) fn cost_text(total: Option<f64>) -> String {
    match total {
        None => "cost unknown".to_string(),
        Some(0.0) => "$0".to_string(),
        Some(total) if total >= 0.01 => format!("${total:.4}"),
        Some(total) => {
            let decimals = (2 - total.log10().floor() as i32).max(0) as usize;
            format!("${total:.decimals$}")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::terminal_safe;

    #[test]
    fn text_from_files_cannot_drive_the_terminal() {
        assert_eq!(
            terminal_safe("a\u{1b}]0;title\u{7}b\nc\td"),
            "a\u{FFFD}]0;title\u{FFFD}b\nc\td"
        );
    }
}
