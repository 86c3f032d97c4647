//! The store's import rules: all-or-nothing per batch, upsert by id, an
//! ended record beats a running one, and the indexes follow every change.

use prompttrace::model::{Observation, ObservationType, Status, Trace};
use prompttrace::store::{Batch, ImportReport, RecordIndex};
use prompttrace::{Store, Timestamp, Violation};

fn at(ms: i64) -> Timestamp {
    Timestamp::from_unix_nanos(ms * 1_000_000)
}

fn trace(id: &str, session: Option<&str>) -> Trace {
    let mut t = Trace::new(id, format!("name-{id}"), at(0));
    t.session_id = session.map(str::to_string);
    t
}

fn ended<T: Clone>(record: &T, end: impl FnOnce(&mut T)) -> T {
    let mut copy = record.clone();
    end(&mut copy);
    copy
}

fn completed_trace(t: &Trace, end_ms: i64) -> Trace {
    ended(t, |t| {
        (t.status, t.ended_at) = (Status::Completed, Some(at(end_ms)))
    })
}

fn obs(id: &str, trace: &str, parent: Option<&str>) -> Observation {
    let mut o = Observation::new(id, ObservationType::Span, id, at(1));
    o.trace_id = Some(trace.to_string());
    o.parent_id = parent.map(str::to_string);
    o
}

fn batch(traces: Vec<Trace>, observations: Vec<Observation>) -> Batch {
    Batch {
        traces,
        observations,
        repeats_allowed: false,
    }
}

#[test]
fn store_import_adds_and_indexes() {
    let mut store = Store::new();
    let mut g = obs("g", "t1", None);
    g.kind = ObservationType::Generation;
    g.model = Some("gpt-4o".into());
    let report = store
        .import(batch(
            vec![trace("t1", Some("s")), trace("t2", Some("s"))],
            vec![obs("a", "t1", None), g],
        ))
        .unwrap();
    assert_eq!(
        report,
        ImportReport {
            traces_added: 2,
            observations_added: 2,
            changed_traces: ["t1".to_string(), "t2".to_string()].into(),
            ..ImportReport::default()
        }
    );
    let in_session: Vec<&str> = store
        .traces_in_session("s")
        .map(|e| e.trace().id.as_str())
        .collect();
    assert_eq!(in_session, ["t1", "t2"]);
    assert_eq!(store.traces_named("name-t2").count(), 1);
    assert_eq!(
        store
            .traces_using_model("gpt-4o")
            .map(|e| e.trace().id.clone())
            .collect::<Vec<_>>(),
        ["t1"]
    );
    assert_eq!(
        store.observation("a").unwrap().trace_id.as_deref(),
        Some("t1")
    );
}

#[test]
fn store_import_is_all_or_nothing() {
    let mut store = Store::new();
    store
        .import(batch(vec![trace("t1", None)], vec![obs("a", "t1", None)]))
        .unwrap();
    let before = store.clone();
    let rejection = store
        .import(batch(
            vec![trace("t2", None)],
            vec![obs("b", "t2", None), obs("c", "t2", Some("nowhere"))],
        ))
        .unwrap_err();
    assert_eq!(rejection.record, Some(RecordIndex::Observation(1)));
    assert!(matches!(
        rejection.violation,
        Violation::UnknownParent { .. }
    ));
    assert_eq!(store, before);
}

#[test]
fn store_same_ids_upsert_and_importing_twice_changes_nothing() {
    let mut store = Store::new();
    let t = trace("t1", Some("s1"));
    store
        .import(batch(vec![t.clone()], vec![obs("a", "t1", None)]))
        .unwrap();
    let moved = trace("t1", Some("s2"));
    let report = store.import(batch(vec![moved.clone()], vec![])).unwrap();
    assert_eq!(report.traces_updated, 1);
    assert_eq!(store.traces_in_session("s1").count(), 0);
    assert_eq!(store.traces_in_session("s2").count(), 1);
    // The trace's observations stay with it.
    assert_eq!(store.trace("t1").unwrap().observations().len(), 1);

    let done = completed_trace(&moved, 10);
    store.import(batch(vec![done.clone()], vec![])).unwrap();
    let snapshot = store.clone();
    let again = store.import(batch(vec![done], vec![])).unwrap();
    assert_eq!(again.traces_updated, 1);
    assert_eq!(store, snapshot);
}

#[test]
fn store_running_record_never_replaces_ended_one() {
    let mut store = Store::new();
    let t = trace("t1", None);
    store
        .import(batch(vec![completed_trace(&t, 5)], vec![]))
        .unwrap();
    let report = store.import(batch(vec![t], vec![])).unwrap();
    assert_eq!(report.unchanged, 1);
    assert_eq!(store.trace("t1").unwrap().trace().status, Status::Completed);
}

#[test]
fn store_json_lines_repeats_merge_in_file_order() {
    let t = trace("t1", None);
    let mut store = Store::new();
    let lines = Batch {
        traces: vec![t.clone(), completed_trace(&t, 9), t.clone()],
        observations: vec![],
        repeats_allowed: true,
    };
    store.import(lines).unwrap();
    assert_eq!(store.trace("t1").unwrap().trace().ended_at, Some(at(9)));
}

#[test]
fn store_duplicate_ids_in_one_document_are_rejected() {
    let mut store = Store::new();
    let rejection = store
        .import(batch(vec![trace("t1", None), trace("t1", None)], vec![]))
        .unwrap_err();
    assert_eq!(rejection.record, Some(RecordIndex::Trace(1)));
    assert_eq!(
        rejection.violation.to_string(),
        "trace \"t1\" appears twice in this file; each id may appear once"
    );
}

#[test]
fn store_observation_cannot_move_to_another_trace() {
    let mut store = Store::new();
    store
        .import(batch(
            vec![trace("t1", None), trace("t2", None)],
            vec![obs("a", "t1", None)],
        ))
        .unwrap();
    let rejection = store
        .import(batch(vec![], vec![obs("a", "t2", None)]))
        .unwrap_err();
    assert_eq!(
        rejection.violation.to_string(),
        "observation \"a\" already belongs to trace \"t1\", so it cannot move to trace \"t2\""
    );
}

#[test]
fn store_names_the_first_moved_record_in_file_order_with_or_without_repeats() {
    let mut store = Store::new();
    let stored = (0..20).map(|i| obs(&format!("o{i}"), "t1", None)).collect();
    let traces = vec![trace("t1", None), trace("t2", None)];
    store.import(batch(traces, stored)).unwrap();
    for repeats in [false, true] {
        // Nineteen records move; the first of them in the file is named,
        // whatever order the batch's id map holds them in.
        let mut moved: Vec<Observation> = (1..20)
            .rev()
            .map(|i| obs(&format!("o{i}"), "t2", None))
            .collect();
        if repeats {
            moved.insert(0, obs("new", "t1", None));
            moved.insert(0, obs("new", "t1", None));
        }
        let first = usize::from(repeats) * 2;
        let mut moving = batch(vec![], moved);
        moving.repeats_allowed = repeats;
        let rejection = store.import(moving).unwrap_err();
        assert_eq!(rejection.record, Some(RecordIndex::Observation(first)));
        assert!(rejection.violation.to_string().contains("\"o19\""));
    }
}

#[test]
fn store_parent_may_arrive_in_a_later_batch_only_if_stored() {
    let mut store = Store::new();
    store
        .import(batch(
            vec![trace("t1", None)],
            vec![obs("root", "t1", None)],
        ))
        .unwrap();
    // A child whose parent was loaded earlier.
    store
        .import(batch(vec![], vec![obs("child", "t1", Some("root"))]))
        .unwrap();
    // A re-parenting that would close a cycle through stored records.
    let rejection = store
        .import(batch(vec![], vec![obs("root", "t1", Some("child"))]))
        .unwrap_err();
    assert!(
        matches!(rejection.violation, Violation::ParentCycle { .. }),
        "{}",
        rejection.violation
    );
}

#[test]
fn store_observation_needs_a_known_trace() {
    let mut store = Store::new();
    let rejection = store
        .import(batch(vec![], vec![obs("a", "ghost", None)]))
        .unwrap_err();
    assert_eq!(
        rejection.violation.to_string(),
        "observation \"a\" belongs to trace \"ghost\", which is neither in this file nor already loaded"
    );
}

#[test]
fn store_generation_without_trace_is_kept_apart() {
    let mut store = Store::new();
    let mut g = Observation::new("g", ObservationType::Generation, "call", at(0));
    g.model = Some("gpt-4o".into());
    store.import(batch(vec![], vec![g])).unwrap();
    assert_eq!(store.trace_count(), 0);
    assert_eq!(store.observations_without_trace().len(), 1);
    assert_eq!(store.observation("g").unwrap().name, "call");
}

#[test]
fn store_removes_traces_sessions_and_everything() {
    let mut store = Store::new();
    let mut g = obs("g", "t1", None);
    g.model = Some("m".into());
    store
        .import(batch(
            vec![
                trace("t1", Some("s")),
                trace("t2", Some("s")),
                trace("t3", None),
            ],
            vec![g, obs("b", "t3", None)],
        ))
        .unwrap();
    assert_eq!(store.remove_session("s"), 2);
    assert_eq!(store.trace_count(), 1);
    assert_eq!(store.observation("g"), None);
    assert_eq!(store.models().count(), 0);
    assert_eq!(store.sessions().count(), 0);
    assert!(store.remove_trace("t3"));
    assert!(!store.remove_trace("t3"));
    assert!(store.is_empty());
    assert_eq!(store.observation_count(), 0);
}

#[test]
fn store_model_index_follows_a_changed_model() {
    let mut store = Store::new();
    let mut g = obs("g", "t1", None);
    g.model = Some("old".into());
    store
        .import(batch(vec![trace("t1", None)], vec![g.clone()]))
        .unwrap();
    g.model = Some("new".into());
    store.import(batch(vec![], vec![g])).unwrap();
    assert_eq!(store.models().collect::<Vec<_>>(), ["new"]);
}

#[test]
fn store_add_checks_every_rule_once_for_single_records() {
    let mut store = Store::new();
    store.add_trace(trace("t1", None)).unwrap();
    assert!(matches!(
        store.add_trace(trace("t1", None)),
        Err(Violation::DuplicateId { .. })
    ));
    assert!(matches!(
        store.add_observation(obs("a", "nope", None)),
        Err(Violation::UnknownTrace { .. })
    ));
    assert!(matches!(
        store.add_observation(obs("a", "t1", Some("missing"))),
        Err(Violation::UnknownParent { .. })
    ));
    let mut too_long = obs("b", "t1", None);
    too_long.name = "x".repeat(1_001);
    assert!(matches!(
        store.add_observation(too_long),
        Err(Violation::TooLong { .. })
    ));
    store.add_observation(obs("a", "t1", None)).unwrap();
    assert_eq!(store.observation_count(), 1);
}

#[test]
fn store_counts_running_observations_and_feeds_endings() {
    use prompttrace::store::{End, Ending};
    let mut store = Store::new();
    store.watch_endings();
    store.add_trace(trace("t1", None)).unwrap();
    store.add_observation(obs("a", "t1", None)).unwrap();
    store.add_observation(obs("b", "t1", Some("a"))).unwrap();
    assert_eq!(store.trace("t1").unwrap().running_observations(), 2);
    store.end_trace("t1", at(9), End::completed()).unwrap();
    store.end_observation("b", at(5), End::completed()).unwrap();
    assert_eq!(store.take_endings(), [Ending::Trace("t1".into())]);
    assert!(!store.trace("t1").unwrap().is_settled());
    store.end_observation("a", at(6), End::completed()).unwrap();
    assert!(store.trace("t1").unwrap().is_settled());
    assert_eq!(
        store.take_endings(),
        [Ending::Trace("t1".into())],
        "the last running step ends: the trace is ready"
    );
    let file = completed_trace(&trace("t2", None), 3);
    store.import(batch(vec![file], vec![])).unwrap();
    assert_eq!(store.take_endings(), [Ending::Trace("t2".into())]);
}

#[test]
fn store_updates_set_named_fields_and_keep_indexes() {
    use prompttrace::store::{TraceUpdate, Update};
    let mut store = Store::new();
    store.add_trace(trace("t1", Some("s1"))).unwrap();
    let mut g = obs("g", "t1", None);
    g.kind = ObservationType::Generation;
    g.model = Some("gpt-4o".into());
    store.add_observation(g).unwrap();
    store
        .update_observation(
            "g",
            Update {
                model: Some("gpt-4o-2024-08-06".into()),
                output: Some(serde_json::json!("hi").into()),
                ..Update::default()
            },
        )
        .unwrap();
    let g = store.observation("g").unwrap();
    assert_eq!(g.model.as_deref(), Some("gpt-4o-2024-08-06"));
    assert_eq!(g.status, Status::Running, "an update never ends");
    assert_eq!(store.models().collect::<Vec<_>>(), ["gpt-4o-2024-08-06"]);
    store
        .update_trace(
            "t1",
            TraceUpdate {
                session_id: Some("s2".into()),
                name: Some("renamed".into()),
                ..TraceUpdate::default()
            },
        )
        .unwrap();
    assert_eq!(
        store.sessions().map(|(id, _)| id).collect::<Vec<_>>(),
        ["s2"]
    );
    assert_eq!(store.traces_named("renamed").count(), 1);
    let too_long = Update {
        model: Some("m".repeat(2_000)),
        ..Update::default()
    };
    assert!(matches!(
        store.update_observation("g", too_long),
        Err(Violation::TooLong { .. })
    ));
    assert!(matches!(
        store.update_observation("nope", Update::default()),
        Err(Violation::Unknown { .. })
    ));
}

#[test]
fn store_updates_merge_metadata_and_add_tags() {
    use prompttrace::store::{TraceUpdate, Update};
    let mut store = Store::new();
    let mut t = trace("t1", None);
    t.tags = vec!["web".into()];
    t.metadata = Some(serde_json::json!({"page": "/help"}).into());
    store.add_trace(t).unwrap();
    let mut g = obs("g", "t1", None);
    g.metadata = Some(serde_json::json!({"table": "orders", "rows": 1}).into());
    store.add_observation(g).unwrap();
    let set_metadata = |store: &mut Store, metadata: serde_json::Value| {
        let update = Update {
            metadata: Some(metadata.into()),
            ..Update::default()
        };
        store.update_observation("g", update).unwrap();
        let g = store.observation("g").unwrap();
        g.metadata.as_ref().unwrap().as_str().to_string()
    };
    assert_eq!(
        set_metadata(&mut store, serde_json::json!({"rows": 3, "tenant": "acme"})),
        r#"{"rows":3,"table":"orders","tenant":"acme"}"#,
        "keys merge in place; a key given again takes the new value"
    );
    let update = TraceUpdate {
        tags: Some(vec!["vip".into(), "web".into()]),
        metadata: Some(serde_json::json!({"tenant": "acme"}).into()),
        ..TraceUpdate::default()
    };
    store.update_trace("t1", update).unwrap();
    let t = store.trace("t1").unwrap().trace();
    assert_eq!(t.tags, ["web", "vip"]);
    assert_eq!(
        t.metadata.as_ref().unwrap().as_str(),
        r#"{"page":"/help","tenant":"acme"}"#
    );
    // A value that is not an object replaces.
    assert_eq!(
        set_metadata(&mut store, serde_json::json!("note")),
        r#""note""#
    );
}

#[test]
fn store_moving_a_stored_subtree_checks_the_depth_of_its_descendants() {
    let mut store = Store::new();
    let chain = |name: &str, len: usize| -> Vec<Observation> {
        (0..len)
            .map(|i| {
                let parent = (i > 0).then(|| format!("{name}{}", i - 1));
                obs(&format!("{name}{i}"), "t1", parent.as_deref())
            })
            .collect()
    };
    let mut observations = chain("c", 200);
    observations.extend(chain("d", 100));
    store
        .import(batch(vec![trace("t1", None)], observations))
        .unwrap();
    // Only d0 arrives again, under c199: its stored descendants go 300 deep.
    let rejection = store
        .import(batch(vec![], vec![obs("d0", "t1", Some("c199"))]))
        .unwrap_err();
    assert!(
        matches!(rejection.violation, Violation::TooDeep { .. }),
        "{}",
        rejection.violation
    );
    // New children cost what they bring: a 101st link of d is fine.
    store
        .import(batch(vec![], vec![obs("d100", "t1", Some("d99"))]))
        .unwrap();
}

#[test]
fn store_model_index_follows_each_trace_models_as_calls_repeat_and_change() {
    let call = |id: &str, trace: &str, model: &str| {
        let mut g = obs(id, trace, None);
        g.kind = ObservationType::Generation;
        g.model = Some(model.into());
        g
    };
    let using = |store: &Store, model: &str| -> Vec<String> {
        let traces = store.traces_using_model(model);
        traces.map(|e| e.trace().id.clone()).collect()
    };
    let mut store = Store::new();
    // Many calls of one model in a trace: it is indexed once, and a second
    // trace of the same model is indexed too.
    let mut calls: Vec<Observation> = (0..20).map(|i| call(&format!("a{i}"), "t1", "m")).collect();
    calls.push(call("b", "t2", "m"));
    calls.push(call("c", "t1", "other"));
    let traces = vec![trace("t1", None), trace("t2", None)];
    store.import(batch(traces, calls)).unwrap();
    assert_eq!(using(&store, "m"), ["t1", "t2"]);
    assert_eq!(using(&store, "other"), ["t1"]);
    // The last call of "other" moves to "m": "other" leaves t1's index entry.
    let moved = ended(&call("c", "t1", "m"), |o| {
        o.status = Status::Completed;
        o.ended_at = Some(at(2));
    });
    store.import(batch(vec![], vec![moved])).unwrap();
    assert_eq!(using(&store, "other"), Vec::<String>::new());
    // A call replaced by itself with a new model, its old one still used by others.
    let renamed = ended(&call("a19", "t1", "new"), |o| {
        o.status = Status::Completed;
        o.ended_at = Some(at(2));
    });
    store.import(batch(vec![], vec![renamed])).unwrap();
    assert_eq!(using(&store, "new"), ["t1"]);
    assert_eq!(using(&store, "m"), ["t1", "t2"]);
}
