//! Property tests over random stores: rollup invariants and merge laws.

use std::collections::HashSet;

use prompttrace::model::{Cost, Observation, ObservationType, Status, Trace, Usage};
use prompttrace::rollup::rollups;
use prompttrace::store::Batch;
use prompttrace::summary::{summarize, Node};
use prompttrace::{PriceTable, Store, Timestamp};
use proptest::prelude::*;

#[derive(Clone, Debug)]
struct ObsSpec {
    parent: Option<prop::sample::Index>,
    generation: bool,
    model: u8,
    start_ms: u32,
    duration_ms: Option<u32>,
    error: bool,
    usage: Option<(u32, u32)>,
    micro_dollars: Option<u32>,
}

#[derive(Clone, Debug)]
struct TraceSpec {
    session: u8,
    start_ms: u32,
    duration_ms: Option<u32>,
    failed: bool,
    observations: Vec<ObsSpec>,
}

fn obs_spec() -> impl Strategy<Value = ObsSpec> {
    (
        prop::option::of(any::<prop::sample::Index>()),
        any::<bool>(),
        0u8..4,
        0u32..10_000,
        prop::option::weighted(0.8, 0u32..5_000),
        prop::bool::weighted(0.1),
        prop::option::of((0u32..10_000, 0u32..10_000)),
        prop::option::weighted(0.3, 0u32..50_000),
    )
        .prop_map(
            |(parent, generation, model, start_ms, duration_ms, error, usage, micro_dollars)| {
                ObsSpec {
                    parent,
                    generation,
                    model,
                    start_ms,
                    duration_ms,
                    error,
                    usage,
                    micro_dollars,
                }
            },
        )
}

fn trace_spec() -> impl Strategy<Value = TraceSpec> {
    (
        0u8..4,
        0u32..100_000,
        prop::option::weighted(0.8, 0u32..20_000),
        prop::bool::weighted(0.1),
        prop::collection::vec(obs_spec(), 0..12),
    )
        .prop_map(
            |(session, start_ms, duration_ms, failed, observations)| TraceSpec {
                session,
                start_ms,
                duration_ms,
                failed,
                observations,
            },
        )
}

fn at(ms: u32) -> Timestamp {
    Timestamp::from_unix_nanos(i64::from(ms) * 1_000_000)
}

fn end(
    status: &mut Status,
    ended_at: &mut Option<Timestamp>,
    start: u32,
    duration: Option<u32>,
    failed: bool,
) {
    if let Some(d) = duration {
        *status = if failed {
            Status::Error
        } else {
            Status::Completed
        };
        *ended_at = Some(at(start + d));
    }
}

fn observation(
    spec: &ObsSpec,
    id: String,
    trace_id: Option<&str>,
    parent: Option<String>,
) -> Observation {
    let kind = if spec.generation {
        ObservationType::Generation
    } else {
        ObservationType::Span
    };
    let mut o = Observation::new(id, kind, "step", at(spec.start_ms));
    o.trace_id = trace_id.map(str::to_string);
    o.parent_id = parent;
    end(
        &mut o.status,
        &mut o.ended_at,
        spec.start_ms,
        spec.duration_ms,
        spec.error,
    );
    o.model = ["gpt-4o", "claude-sonnet-4", "local-model", "gpt-4o-mini"]
        .get(spec.model as usize)
        .map(|m| m.to_string());
    o.usage = spec
        .usage
        .map(|(i, out)| Box::new(Usage::tokens(u64::from(i), u64::from(out))));
    o.cost = spec.micro_dollars.map(|m| {
        Box::new(Cost {
            total: Some(f64::from(m) / 1e6),
            ..Cost::default()
        })
    });
    o
}

/// All records of a generated store, as one valid batch.
fn records(specs: &[TraceSpec], loose: &[ObsSpec]) -> Batch {
    let mut batch = Batch::default();
    for (t, spec) in specs.iter().enumerate() {
        let id = format!("t{t}");
        let mut trace = Trace::new(id.clone(), format!("name{}", t % 3), at(spec.start_ms));
        trace.session_id = (spec.session < 3).then(|| format!("s{}", spec.session));
        end(
            &mut trace.status,
            &mut trace.ended_at,
            spec.start_ms,
            spec.duration_ms,
            spec.failed,
        );
        for (o, obs) in spec.observations.iter().enumerate() {
            // A parent among the earlier observations keeps the graph acyclic.
            let parent = obs
                .parent
                .filter(|_| o > 0)
                .map(|i| format!("o{t}_{}", i.index(o)));
            batch
                .observations
                .push(observation(obs, format!("o{t}_{o}"), Some(&id), parent));
        }
        batch.traces.push(trace);
    }
    for (l, spec) in loose.iter().enumerate() {
        batch
            .observations
            .push(observation(spec, format!("l{l}"), None, None));
    }
    batch
}

fn running(batch: &Batch) -> Batch {
    let mut copy = batch.clone();
    for t in &mut copy.traces {
        (t.status, t.ended_at) = (Status::Running, None);
    }
    for o in &mut copy.observations {
        (o.status, o.ended_at) = (Status::Running, None);
    }
    copy
}

fn store_of(batch: Batch) -> Store {
    let mut store = Store::new();
    store.import(batch).expect("generated batches are valid");
    store
}

fn walk<'a>(nodes: &'a [Node], seen: &mut Vec<&'a str>, durations_ok: &mut bool) {
    for node in nodes {
        seen.push(&node.id);
        *durations_ok &= node.duration_ms.is_none_or(|d| d >= 0.0);
        walk(&node.children, seen, durations_ok);
    }
}

proptest! {
    #[test]
    fn rollup_session_totals_are_sums_of_their_traces(specs in prop::collection::vec(trace_spec(), 0..8)) {
        let store = store_of(records(&specs, &[]));
        let r = rollups(&store, &PriceTable::builtin());
        for (session, figures) in &r.sessions {
            let traces: Vec<_> = store.traces_in_session(session).map(|e| &r.traces[&e.trace().id]).collect();
            prop_assert_eq!(figures.trace_count, traces.len());
            prop_assert_eq!(figures.tokens.total, traces.iter().map(|t| t.tokens.total).sum::<u64>());
            prop_assert_eq!(figures.error_count, traces.iter().map(|t| t.error_count).sum::<usize>());
            prop_assert_eq!(figures.observation_count, traces.iter().map(|t| t.observation_count).sum::<usize>());
            let cost: f64 = traces.iter().filter_map(|t| t.cost.total).sum();
            prop_assert!((figures.cost.total.unwrap_or(0.0) - cost).abs() < 1e-9);
        }
    }

    #[test]
    fn summary_tree_holds_every_observation_once_with_non_negative_durations(
        specs in prop::collection::vec(trace_spec(), 0..8),
        loose in prop::collection::vec(obs_spec(), 0..4),
    ) {
        let store = store_of(records(&specs, &loose));
        let summary = summarize(&store, &PriceTable::builtin());
        for trace in &summary.traces {
            let mut seen = Vec::new();
            let mut durations_ok = trace.duration_ms.is_none_or(|d| d >= 0.0);
            walk(&trace.tree, &mut seen, &mut durations_ok);
            let expected: HashSet<&str> = store.trace(&trace.id).unwrap().observations().iter().map(|o| o.id.as_str()).collect();
            prop_assert_eq!(seen.len(), expected.len());
            prop_assert_eq!(seen.into_iter().collect::<HashSet<_>>(), expected);
            prop_assert!(durations_ok);
        }
        prop_assert!(summary.sessions.iter().all(|s| s.duration_ms.is_none_or(|d| d >= 0.0)));
        prop_assert_eq!(summary.generations_without_trace, loose.iter().filter(|o| o.generation).count());
    }

    #[test]
    fn merge_is_idempotent_and_order_independent(
        specs in prop::collection::vec(trace_spec(), 1..6),
        loose in prop::collection::vec(obs_spec(), 0..3),
        order in any::<u64>(),
    ) {
        let final_records = records(&specs, &loose);
        let expected = store_of(final_records.clone());

        let mut twice = expected.clone();
        twice.import(final_records.clone()).unwrap();
        prop_assert_eq!(&twice, &expected);

        let mut final_then_running = expected.clone();
        final_then_running.import(running(&final_records)).unwrap();
        prop_assert_eq!(&final_then_running, &expected);

        let mut running_then_final = store_of(running(&final_records));
        running_then_final.import(final_records.clone()).unwrap();
        prop_assert_eq!(&running_then_final, &expected);

        // One JSON Lines file holding both states, in any order.
        let mut lines = Batch { repeats_allowed: true, ..Batch::default() };
        let mut both: Vec<(bool, usize)> = (0..final_records.traces.len()).flat_map(|i| [(true, i), (false, i)]).collect();
        let mut seed = order;
        for i in (1..both.len()).rev() {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            both.swap(i, (seed >> 33) as usize % (i + 1));
        }
        let running_records = running(&final_records);
        for (is_final, i) in both {
            let source = if is_final { &final_records } else { &running_records };
            lines.traces.push(source.traces[i].clone());
        }
        for (a, b) in running_records.observations.iter().zip(&final_records.observations) {
            if seed % 2 == 0 {
                lines.observations.extend([a.clone(), b.clone()]);
            } else {
                lines.observations.extend([b.clone(), a.clone()]);
            }
            seed = seed.rotate_left(1);
        }
        prop_assert_eq!(store_of(lines), expected);
    }
}
