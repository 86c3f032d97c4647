//! Rollups over the seed scenarios: per trace, session, model and name.

mod support;

use prompttrace::rollup::rollups;
use prompttrace::{Price, PriceTable};
use support::scenarios;

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-12)
}

#[test]
fn rollup_session_of_three_traces() {
    let r = rollups(&scenarios::chat_session(), &PriceTable::builtin());
    let session = &r.sessions["chat_123"];
    assert_eq!(
        (
            session.trace_count,
            session.observation_count,
            session.llm_call_count,
            session.error_count
        ),
        (3, 5, 3, 0)
    );
    assert_eq!(session.extent_ms(), Some(12_300.0));
    // Trace durations 200, 1250, 850 ms.
    assert_eq!(
        (session.latency_p50_ms, session.latency_p95_ms),
        (Some(850.0), Some(1250.0))
    );
    let traces_total: u64 = r.traces.values().map(|t| t.tokens.total).sum();
    assert_eq!(session.tokens.total, traces_total);
}

#[test]
fn rollup_per_model_uses_given_cost_or_price_table() {
    let r = rollups(&scenarios::chat_session(), &PriceTable::builtin());
    let claude = &r.models["claude-sonnet-4-20250514"];
    assert_eq!((claude.llm_call_count, claude.trace_count), (1, 1));
    assert!(close(claude.cost.total, 0.001806), "{:?}", claude.cost);
    let gpt4 = &r.models["gpt-4"];
    // 7 input and 10 output tokens at $30 / $60 per 1M.
    assert!(
        close(gpt4.cost.total, (7.0 * 30.0 + 10.0 * 60.0) / 1e6),
        "{:?}",
        gpt4.cost
    );
    assert_eq!(gpt4.latency_p50_ms, Some(195.0));
}

#[test]
fn rollup_price_overrides_change_inferred_cost_only() {
    let mut prices = PriceTable::builtin();
    prices.set(
        "gpt-4",
        Price {
            input: 0.0,
            output: 1_000_000.0,
        },
    );
    prices.set(
        "claude-sonnet-4",
        Price {
            input: 0.0,
            output: 0.0,
        },
    );
    let r = rollups(&scenarios::chat_session(), &prices);
    assert!(close(r.models["gpt-4"].cost.total, 10.0));
    assert!(close(
        r.models["claude-sonnet-4-20250514"].cost.total,
        0.001806
    ));
}

#[test]
fn rollup_unknown_models_leave_cost_unknown() {
    let r = rollups(&scenarios::chat_session(), &PriceTable::empty());
    assert_eq!(
        r.traces.values().filter(|t| t.cost.total.is_some()).count(),
        1
    );
    assert_eq!(r.models["gpt-4"].cost.total, None);
}

#[test]
fn rollup_counts_errors_and_calls_without_trace() {
    let r = rollups(&scenarios::nested_multi_step(), &PriceTable::builtin());
    let planner = &r.names["trip_planner"];
    assert_eq!(
        (
            planner.error_count,
            planner.llm_call_count,
            planner.observation_count
        ),
        (1, 2, 8)
    );
    assert_eq!(r.without_trace.llm_call_count, 1);
    assert_eq!(r.without_trace.trace_count, 0);
    let flash = &r.models["gemini-2.5-flash"];
    assert_eq!((flash.llm_call_count, flash.tokens.total), (2, 284 + 4_310));
    assert_eq!(r.models["gpt-4o-mini"].llm_call_count, 1);
}

#[test]
fn rollup_of_one_trace_equals_its_row_in_the_whole() {
    let store = scenarios::chat_session();
    let prices = PriceTable::builtin();
    let all = rollups(&store, &prices);
    for entry in store.traces() {
        let one = prompttrace::rollup::trace_figures(&store, entry, &prices);
        assert_eq!(one, all.traces[&entry.trace().id]);
    }
}

/// The sessions list drawn from index rows alone (the viewer's start)
/// shows what the store's rollups give: same counts, sums, extents and
/// latencies, for finished and running sessions.
#[test]
fn rollup_sessions_from_index_rows_equal_the_stores() {
    use prompttrace::rollup::{sessions_of_rows, IndexRow};
    let prices = PriceTable::builtin();
    let mut running = prompttrace::Store::new();
    prompttrace::format::import(
        &mut running,
        "running.json",
        br#"{"format":"prompttrace","version":1,"traces":[
            {"id":"a","name":"done","session_id":"s","status":"completed","started_at":"2024-06-01T00:00:00Z","ended_at":"2024-06-01T00:00:02Z"},
            {"id":"b","name":"live","session_id":"s","status":"running","started_at":"2024-06-01T00:00:05Z"}],
          "observations":[{"id":"o","trace_id":"b","type":"generation","name":"llm","status":"running","started_at":"2024-06-01T00:00:06Z","model":"gpt-4o"}]}"#,
    )
    .unwrap();
    for store in [
        scenarios::chat_session(),
        scenarios::rag_pipeline(),
        scenarios::nested_multi_step(),
        running,
    ] {
        let rows: Vec<IndexRow> = store
            .traces()
            .map(|entry| IndexRow::of(&store, entry, &prices))
            .collect();
        let from_rows = sessions_of_rows(&rows);
        let from_store = rollups(&store, &prices).sessions;
        assert_eq!(
            from_rows.keys().collect::<Vec<_>>(),
            from_store.keys().collect::<Vec<_>>()
        );
        for (id, ours) in &from_rows {
            let theirs = &from_store[id];
            let shown = |f: &prompttrace::rollup::Figures| {
                (
                    f.trace_count,
                    f.observation_count,
                    f.llm_call_count,
                    f.error_count,
                    f.tokens,
                    f.cost.total.map(|c| (c * 1e9).round()),
                    f.first_start,
                    f.last_end,
                    f.extent_ms(),
                    f.latency_p50_ms,
                    f.latency_p95_ms,
                )
            };
            assert_eq!(shown(ours), shown(theirs), "session {id}");
        }
    }
}

#[test]
fn rollup_models_over_time_from_index_rows_equal_the_stores() {
    use prompttrace::rollup::{over_time, IndexRow, RowFilter};
    let prices = PriceTable::builtin();
    let mut compared = 0;
    for store in [
        scenarios::chat_session(),
        scenarios::rag_pipeline(),
        scenarios::nested_multi_step(),
    ] {
        let rows: Vec<IndexRow> = store
            .traces()
            .map(|entry| IndexRow::of(&store, entry, &prices))
            .collect();
        let dashboard = over_time(&rows, &RowFilter::default());
        let all = rollups(&store, &prices);
        let shown = |f: &prompttrace::rollup::Figures| {
            (
                f.trace_count,
                f.llm_call_count,
                f.error_count,
                f.tokens,
                f.cost.total.map(|c| (c * 1e9).round()),
            )
        };
        // Calls without trace have no row: the store's models count them.
        if store.facts_without_trace().is_empty() {
            compared += 1;
            assert_eq!(
                dashboard.by_model.keys().collect::<Vec<_>>(),
                all.models.keys().collect::<Vec<_>>()
            );
            for (model, ours) in &dashboard.by_model {
                assert_eq!(shown(ours), shown(&all.models[model]), "model {model}");
            }
        }
        for (name, ours) in &dashboard.by_name {
            let theirs = &all.names[name];
            assert_eq!(shown(ours), shown(theirs), "name {name}");
            assert_eq!(
                (ours.latency_p50_ms, ours.latency_p95_ms),
                (theirs.latency_p50_ms, theirs.latency_p95_ms)
            );
        }
        // Models and what no model is named on add up to the totals.
        let lines = dashboard.by_model.values().chain(&dashboard.no_model);
        let calls: usize = lines.clone().map(|f| f.llm_call_count).sum();
        let tokens: u64 = lines.clone().map(|f| f.tokens.total).sum();
        let cost: f64 = lines.filter_map(|f| f.cost.total).sum();
        assert_eq!(calls, dashboard.totals.llm_call_count);
        assert_eq!(tokens, dashboard.totals.tokens.total);
        assert!((cost - dashboard.totals.cost.total.unwrap_or(0.0)).abs() < 1e-9);
        let bucketed: usize = dashboard
            .buckets
            .iter()
            .map(|b| b.figures.trace_count)
            .sum();
        assert_eq!(bucketed, rows.len());
        assert_eq!(dashboard.totals.trace_count, rows.len());
    }
    assert!(compared > 0, "some store had models to compare");
}
