//! Rollups: figures per trace, per session, per model and per trace name,
//! plus the LLM calls recorded without a trace. A query layer over the
//! store: it reads the `Facts` rows the store keeps and changes nothing.
//!
//! - Counts: traces, observations, LLM calls (generations), errors. A
//!   trace's errors are its observations in error (see
//!   `lifecycle::is_error`), never the trace itself (a failed trace is its
//!   status; counting it too made two failed steps read "3 errors"); a
//!   group's errors are the sum over its traces.
//! - Tokens: sums of usage (a missing total is input + output).
//! - Cost: sums of `pricing::cost_of`; `None` when no item has a known cost.
//! - Extent: first start to last end over every item in the group; unknown
//!   while any of them is running.
//! - Latency p50/p95 (nearest rank): of LLM calls for a trace, a model and
//!   the calls without trace; of trace durations for a session and a name
//!   (and for every dashboard group, [`over_time`]: rows hold no call
//!   durations, so its by-model p50/p95 is "trace p50/p95").
//!
//! - Index rows ([`IndexRow`]): one trace's figures flattened with what the
//!   lists show of the trace, the summary row browser storage keeps beside
//!   each trace's record (docs/storage-v2.md).
//!
//! Invariant: a session's (or name's) sums equal the sums of its traces'.

mod filter;
mod index_row;
mod of_rows;
mod order;
mod over_time;
#[cfg(test)]
mod test_rows;

pub use filter::{time_bound, Edge, RowFilter, RowMatcher};
pub use index_row::{IndexRow, ModelFigures};
pub use of_rows::{sessions_of_rows, SessionRow};
pub use order::figure_order;
pub use over_time::{bucket_ms, over_time, Bucket, OverTime};

use std::collections::BTreeMap;

use crate::hash::HashMap;

use serde::Serialize;

use crate::model::{Cost, Observation, Trace};
use crate::rules::duration;
use crate::rules::pricing::{cost_from, cost_of, Price, PriceTable};
use crate::store::{Facts, Store, TraceEntry};
use crate::time::Timestamp;

pub use crate::rules::usage::Tokens;

/// Cost sums in USD; `null` where nothing was known.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct CostTotals {
    pub input: Option<f64>,
    pub output: Option<f64>,
    pub total: Option<f64>,
}

impl CostTotals {
    pub fn add_cost(&mut self, cost: &Cost) {
        self.add(CostTotals {
            input: cost.input,
            output: cost.output,
            total: cost.total,
        });
    }

    pub fn add(&mut self, other: CostTotals) {
        fn plus(a: &mut Option<f64>, b: Option<f64>) {
            if let Some(b) = b {
                *a = Some(a.unwrap_or(0.0) + b);
            }
        }
        plus(&mut self.input, other.input);
        plus(&mut self.output, other.output);
        plus(&mut self.total, other.total);
    }
}

/// The figures of one group.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Figures {
    pub trace_count: usize,
    pub observation_count: usize,
    pub llm_call_count: usize,
    pub error_count: usize,
    pub tokens: Tokens,
    pub cost: CostTotals,
    pub first_start: Option<Timestamp>,
    pub last_end: Option<Timestamp>,
    /// Items still running; while any are, the extent is unknown.
    pub running_count: usize,
    pub latency_p50_ms: Option<f64>,
    pub latency_p95_ms: Option<f64>,
}

impl Figures {
    /// Wall extent in ms: first start to last end, `None` while running.
    pub fn extent_ms(&self) -> Option<f64> {
        if self.running_count > 0 {
            return None;
        }
        duration::between(self.first_start?, self.last_end)
    }

    fn add_times(&mut self, start: Timestamp, end: Option<Timestamp>) {
        self.first_start = Some(self.first_start.map_or(start, |s| s.min(start)));
        match end {
            Some(end) => self.last_end = Some(self.last_end.map_or(end, |e| e.max(end))),
            None => self.running_count += 1,
        }
    }

    /// Adds a trace's figures to a group (session, name).
    fn add_trace(&mut self, trace: &Figures) {
        self.trace_count += trace.trace_count;
        self.observation_count += trace.observation_count;
        self.llm_call_count += trace.llm_call_count;
        self.error_count += trace.error_count;
        self.tokens.add(trace.tokens);
        self.cost.add(trace.cost);
        self.running_count += trace.running_count;
        if let Some(start) = trace.first_start {
            self.first_start = Some(self.first_start.map_or(start, |s| s.min(start)));
        }
        if let Some(end) = trace.last_end {
            self.last_end = Some(self.last_end.map_or(end, |e| e.max(end)));
        }
    }
}

/// Every rollup of a store.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Rollups {
    pub traces: BTreeMap<String, Figures>,
    pub sessions: BTreeMap<String, Figures>,
    pub models: BTreeMap<String, Figures>,
    pub names: BTreeMap<String, Figures>,
    pub without_trace: Figures,
}

/// Computes all rollups in one pass over the store.
pub fn rollups(store: &Store, prices: &PriceTable) -> Rollups {
    let mut models: ModelGroups = Vec::new();
    let mut sessions: HashMap<&str, Group> = HashMap::default();
    let mut names: HashMap<&str, Group> = HashMap::default();
    let mut out = Rollups::default();
    for entry in store.traces() {
        let trace = entry.trace();
        let figures = figures_of(entry, &mut models, store, prices);
        let duration = duration::duration_ms(trace);
        if let Some(session) = trace.session_id.as_deref() {
            sessions
                .entry(session)
                .or_default()
                .add_trace(&figures, duration);
        }
        names
            .entry(&trace.name)
            .or_default()
            .add_trace(&figures, duration);
        out.traces.insert(trace.id.clone(), figures);
    }
    let mut loose = Group::default();
    add_all(
        &mut loose,
        &mut models,
        store.facts_without_trace(),
        None,
        store,
        prices,
    );
    out.without_trace = loose.finish();

    out.models = finish_models(models, store).into_iter().collect();
    let finish_all = |groups: HashMap<&str, Group>| -> BTreeMap<String, Figures> {
        groups
            .into_iter()
            .map(|(key, group)| (key.to_string(), group.finish()))
            .collect()
    };
    out.sessions = finish_all(sessions);
    out.names = finish_all(names);
    out
}

/// One trace's figures, as [`rollups`] gives them, without the rest of
/// the store's (a trace page needs only these).
pub fn trace_figures(store: &Store, entry: &TraceEntry, prices: &PriceTable) -> Figures {
    figures_of(entry, &mut Vec::new(), store, prices)
}

/// One trace's figures and its figures per model (what [`rollups`] adds
/// of this trace to each model's group), models by name, sorted.
pub fn trace_figures_by_model(
    store: &Store,
    entry: &TraceEntry,
    prices: &PriceTable,
) -> (Figures, Vec<(String, Figures)>) {
    let mut models = Vec::new();
    let figures = figures_of(entry, &mut models, store, prices);
    let mut by_model = finish_models(models, store);
    // Each model once: an unstable sort orders them the same, with less code.
    by_model.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    (figures, by_model)
}

/// Each used model's name and figures.
fn finish_models(models: ModelGroups<'_>, store: &Store) -> Vec<(String, Figures)> {
    models
        .into_iter()
        .enumerate()
        .filter_map(|(model, slot)| {
            let (_, group) = slot?;
            Some((store.model_name(model as u32).to_string(), group.finish()))
        })
        .collect()
}

/// A trace's figures, adding its LLM calls to the per-model groups.
fn figures_of<'a>(
    entry: &'a TraceEntry,
    models: &mut ModelGroups<'a>,
    store: &Store,
    prices: &PriceTable,
) -> Figures {
    let trace = entry.trace();
    let mut group = Group::default();
    add_all(
        &mut group,
        models,
        entry.facts(),
        Some(&trace.id),
        store,
        prices,
    );
    group.finish_trace(trace)
}

/// Per-model groups, indexed by the store's model numbers: a price and a
/// group each, made on first use, so the hot loop hashes nothing.
type ModelGroups<'a> = Vec<Option<(Option<Price>, Group<'a>)>>;

fn add_all<'a>(
    group: &mut Group<'a>,
    models: &mut ModelGroups<'a>,
    all: &[Facts],
    trace_id: Option<&'a str>,
    store: &Store,
    prices: &PriceTable,
) {
    for facts in all {
        let Some(model) = facts.model else {
            group.add_observation(facts, None);
            continue;
        };
        let slot = model as usize;
        if slot >= models.len() {
            models.resize_with(slot + 1, || None);
        }
        let (price, per_model) = models[slot]
            .get_or_insert_with(|| (prices.lookup(store.model_name(model)), Group::default()));
        let added = group.add_observation(facts, *price);
        per_model.add_model_use(facts, added, trace_id);
    }
}

/// Price look-ups, once per distinct model name.
pub struct PriceCache<'p, 'a> {
    table: &'p PriceTable,
    cache: HashMap<&'a str, Option<Price>>,
}

impl<'p, 'a> PriceCache<'p, 'a> {
    pub fn new(table: &'p PriceTable) -> Self {
        PriceCache {
            table,
            cache: HashMap::default(),
        }
    }

    pub fn cost(&mut self, observation: &'a Observation) -> Option<Cost> {
        let table = self.table;
        let cache = &mut self.cache;
        cost_of(observation, |_| {
            let model = observation.model.as_deref()?;
            *cache.entry(model).or_insert_with(|| table.lookup(model))
        })
    }
}

/// What one observation contributed, so per-model groups reuse it.
#[derive(Clone, Copy)]
struct Contribution {
    tokens: Tokens,
    cost: Option<CostTotals>,
    error: bool,
    duration: Option<f64>,
}

#[derive(Default)]
struct Group<'a> {
    figures: Figures,
    latencies: Vec<f64>,
    last_trace: Option<&'a str>,
}

impl<'a> Group<'a> {
    fn add_observation(&mut self, facts: &Facts, price: Option<Price>) -> Contribution {
        let cost = cost_from(
            facts.cost.as_ref(),
            facts.input_tokens,
            facts.output_tokens,
            || price,
        )
        .map(|cost| {
            let mut totals = CostTotals::default();
            totals.add_cost(&cost);
            totals
        });
        let contribution = Contribution {
            tokens: facts.tokens,
            cost,
            error: facts.error,
            duration: duration::between(facts.started_at, facts.ended_at),
        };
        let f = &mut self.figures;
        f.observation_count += 1;
        f.error_count += usize::from(contribution.error);
        f.tokens.add(contribution.tokens);
        if let Some(cost) = cost {
            f.cost.add(cost);
        }
        f.add_times(facts.started_at, facts.ended_at);
        if facts.llm_call {
            f.llm_call_count += 1;
            self.latencies.extend(contribution.duration);
        }
        contribution
    }

    fn add_model_use(&mut self, facts: &Facts, added: Contribution, trace_id: Option<&'a str>) {
        let f = &mut self.figures;
        if trace_id.is_some() && trace_id != self.last_trace {
            f.trace_count += 1;
            self.last_trace = trace_id;
        }
        f.observation_count += 1;
        f.llm_call_count += usize::from(facts.llm_call);
        f.error_count += usize::from(added.error);
        f.tokens.add(added.tokens);
        if let Some(cost) = added.cost {
            f.cost.add(cost);
        }
        f.add_times(facts.started_at, facts.ended_at);
        if facts.llm_call {
            self.latencies.extend(added.duration);
        }
    }

    fn add_trace(&mut self, trace: &Figures, duration: Option<f64>) {
        self.figures.add_trace(trace);
        self.latencies.extend(duration);
    }

    fn finish_trace(mut self, trace: &Trace) -> Figures {
        let f = &mut self.figures;
        f.trace_count = 1;
        f.add_times(trace.started_at, trace.ended_at);
        self.finish()
    }

    fn finish(mut self) -> Figures {
        self.figures.latency_p50_ms = percentile(&mut self.latencies, 50);
        self.figures.latency_p95_ms = percentile(&mut self.latencies, 95);
        self.figures
    }
}

/// Nearest-rank percentile: the smallest value with at least `p`% of the
/// values at or below it. Reorders `values`.
pub fn percentile(values: &mut [f64], p: u32) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let rank = (values.len() * p as usize).div_ceil(100).max(1);
    let (_, value, _) = values.select_nth_unstable_by(rank - 1, f64::total_cmp);
    Some(*value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rollup_percentile_is_nearest_rank() {
        let mut values: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(percentile(&mut values, 50), Some(10.0));
        assert_eq!(percentile(&mut values, 95), Some(19.0));
        assert_eq!(percentile(&mut [7.0], 95), Some(7.0));
        assert_eq!(percentile(&mut [], 50), None);
    }
}
